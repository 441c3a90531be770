//! Layers and parameters, as `mx.gluon.nn` (with 1.x's `Parameter` and `ParameterDict`).
//!
//! Names follow MXNet 1.x: a network built inside its `name_scope` names its parameters
//! `hybridsequential0_dense0_weight`, ...; saved files use the structural names
//! `0.weight`, ... Prefix counters are per thread, as MXNet's name manager.
//!
//! ```
//! use gluon_rs::init::Xavier;
//! use gluon_rs::nd::NDArray;
//! use gluon_rs::nn::{Block, Dense, HybridSequential};
//!
//! let mut net = HybridSequential::new();
//! net.name_scope(|net| -> gluon_rs::Result<()> {
//!     net.add(Dense::builder(10).activation("relu").build()?)?;
//!     net.add(Dense::new(1)?)?;
//!     Ok(())
//! })?;
//! net.initialize(Xavier::default().into(), false)?;
//! let y = net.forward(&NDArray::ones(&[4, 3]))?;
//! assert_eq!(y.shape(), &[4, 1]);
//! assert_eq!(net.structural_params()[0].0, "0.weight");
//! # Ok::<(), gluon_rs::Error>(())
//! ```

mod activation;
mod block;
mod container;
mod dense;
mod dropout;
mod naming;
mod parameter;
mod parameter_dict;
mod sequential;
mod serialization;
mod summary;

pub use activation::Activation;
pub use block::Block;
pub use dense::{Dense, DenseBuilder};
pub use dropout::Dropout;
pub use parameter::Parameter;
pub use parameter_dict::ParameterDict;
pub use sequential::{HybridSequential, Sequential};
pub use summary::{Summary, SummaryRow};
