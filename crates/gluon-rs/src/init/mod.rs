//! Initializers, as `mx.init`: [`Xavier`], [`Uniform`], [`Normal`], [`Constant`], [`Zero`]
//! and [`One`].
//!
//! An initializer fills a parameter's array when the parameter is initialized. Random
//! initializers draw from the global generator ([`crate::random`]) in element order, so
//! [`crate::random::seed`] makes an initialization repeatable.
//!
//! ```
//! use gluon_rs::init::{Init, Xavier};
//!
//! let init: Init = Xavier::default().into();
//! let mut values = vec![0.0; 20];
//! init.fill("dense0_weight", &[4, 5], &mut values)?;
//! let bound = (3.0f32 / 4.5).sqrt();
//! assert!(values.iter().all(|v| v.abs() <= bound));
//! # Ok::<(), gluon_rs::Error>(())
//! ```

mod constant;
mod handle;
mod normal;
mod uniform;
mod xavier;

pub use constant::{Constant, One, Zero};
pub use handle::{Init, Initializer};
pub use normal::Normal;
pub use uniform::Uniform;
pub use xavier::{FactorType, RndType, Xavier, XavierScale};
