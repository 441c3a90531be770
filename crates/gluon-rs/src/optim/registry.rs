//! Making an optimizer by name, as `mx.optimizer.create`.

use super::params::OptimizerParams;
use super::{AdaGrad, Adam, Optimizer, RMSProp, NAG, SGD};
use crate::error::{Error, Result};

/// The optimizer names [`create`] accepts.
pub const OPTIMIZER_NAMES: [&str; 5] = ["adagrad", "adam", "nag", "rmsprop", "sgd"];

/// Makes the optimizer registered as `name` (case-insensitive) from settings by MXNet's
/// names, as `mx.optimizer.create(name, **params)`.
///
/// ```
/// use gluon_rs::optim;
///
/// let sgd = optim::create("sgd", optim::params([("learning_rate", 0.1)]))?;
/// assert_eq!(sgd.name(), "sgd");
/// assert_eq!(sgd.base().learning_rate(), 0.1);
/// # Ok::<(), gluon_rs::Error>(())
/// ```
///
/// # Errors
///
/// [`Error::Config`] for an unknown name (listing the valid ones), an unknown setting
/// (listing the optimizer's settings) or an invalid value.
pub fn create(name: &str, params: OptimizerParams) -> Result<Box<dyn Optimizer>> {
    Ok(match name.to_ascii_lowercase().as_str() {
        "sgd" => Box::new(SGD::from_params(params)?),
        "nag" => Box::new(NAG::from_params(params)?),
        "adam" => Box::new(Adam::from_params(params)?),
        "adagrad" => Box::new(AdaGrad::from_params(params)?),
        "rmsprop" => Box::new(RMSProp::from_params(params)?),
        _ => {
            return Err(Error::config(
                "optimizer",
                format!("'{name}' is not one of {}", OPTIMIZER_NAMES.join(", ")),
            ))
        }
    })
}
