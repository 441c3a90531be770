//! Optimizers, learning-rate schedulers and the Trainer, as `mx.optimizer`,
//! `mx.lr_scheduler` and `gluon.Trainer`.
//!
//! Each optimizer is a typed struct ([`SGD`], [`NAG`], [`Adam`], [`AdaGrad`], [`RMSProp`])
//! and can also be made by name with a map of MXNet's settings through [`create`].

mod adagrad;
mod adam;
mod cosine_scheduler;
mod factor_scheduler;
mod lr_scheduler;
mod multi_factor_scheduler;
mod nag;
pub(crate) mod optimizer;
pub(crate) mod params;
mod poly_scheduler;
mod registry;
mod rmsprop;
mod sgd;
mod trainer;
mod trainer_states;

pub use adagrad::AdaGrad;
pub use adam::Adam;
pub use cosine_scheduler::CosineScheduler;
pub use factor_scheduler::FactorScheduler;
pub use lr_scheduler::{LRScheduler, Warmup, WarmupMode};
pub use multi_factor_scheduler::MultiFactorScheduler;
pub use nag::NAG;
pub use optimizer::{Optimizer, OptimizerBase, UpdateStep};
pub use params::{params, OptimizerParams, ParamValue};
pub use poly_scheduler::PolyScheduler;
pub use registry::{create, OPTIMIZER_NAMES};
pub use rmsprop::RMSProp;
pub use sgd::SGD;
pub use trainer::{OptimizerChoice, Trainer, TrainerParams};
