//! gluon-rs: deep learning in Rust with the API of Apache MXNet's Gluon.
//!
//! Modules mirror MXNet's namespaces: [`nd`] for arrays, [`autograd`] for gradients,
//! [`random`] for the seeded generator.
//!
//! ```
//! use gluon_rs::{autograd, nd};
//!
//! let x = nd::array(&[1.0, 2.0, 3.0], &[3]);
//! x.attach_grad();
//! let loss = autograd::record(|| (&x * &x).sum());
//! loss.backward()?;
//! assert_eq!(x.grad().unwrap().to_vec(), vec![2.0, 4.0, 6.0]);
//! # Ok::<(), gluon_rs::Error>(())
//! ```

#![doc(test(attr(deny(warnings))))]
#![warn(clippy::print_stdout, clippy::print_stderr, clippy::dbg_macro)]

pub mod autograd;
mod context;
pub mod data;
mod error;
pub mod init;
pub mod io;
pub mod loss;
pub mod metric;
pub mod nd;
pub mod nn;
pub mod optim;
pub mod random;

pub use context::{cpu, gpu, Context};
pub use error::{Error, Result};
pub use optim::Trainer;
