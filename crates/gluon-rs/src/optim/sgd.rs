//! [`SGD`]: stochastic gradient descent with optional momentum.

use super::optimizer::{shared_settings, Optimizer, OptimizerBase, UpdateStep};
use super::params::{check_range, OptimizerParams, ParamReader, ParamValue};
use crate::error::Result;

/// Stochastic gradient descent, as MXNet 1.x's `mx.optimizer.SGD`.
///
/// With `g' = clip(rescale_grad * g)`: without momentum `w = (1 - lr wd) w - lr g'`; with
/// momentum `mu`, `m = mu m - lr wd w - lr g'` then `w = w + m`. Weight decay stays outside
/// the clip, and the momentum state holds the velocity already scaled by `-lr`, as in MXNet.
///
/// ```
/// use gluon_rs::optim::{Optimizer, SGD};
/// use gluon_rs::nd::NDArray;
///
/// let mut sgd = SGD::new(0.1)?.with_momentum(0.9)?;
/// let weight = NDArray::from_vec(vec![1.0], &[1]);
/// let states = sgd.create_state(&weight);
/// sgd.update(0, &weight, &NDArray::from_vec(vec![2.0], &[1]), &states);
/// assert!((weight.asscalar() - 0.8).abs() < 1e-6);
/// # Ok::<(), gluon_rs::Error>(())
/// ```
#[derive(Debug, Clone)]
pub struct SGD {
    base: OptimizerBase,
    momentum: f64,
}

const NAME: &str = "sgd";

impl SGD {
    /// Plain SGD with learning rate `learning_rate` (MXNet's default is 0.01).
    ///
    /// # Errors
    ///
    /// [`Error::Config`](crate::Error::Config) when the rate is negative or not finite.
    pub fn new(learning_rate: f64) -> Result<SGD> {
        let lr = check_range(NAME, "learning_rate", learning_rate, 0.0, f64::MAX, false)?;
        Ok(SGD {
            base: OptimizerBase::new(lr),
            momentum: 0.0,
        })
    }

    /// Adds momentum `mu` in `[0, 1)`.
    ///
    /// # Errors
    ///
    /// [`Error::Config`](crate::Error::Config) when `mu` lies outside `[0, 1)`.
    pub fn with_momentum(mut self, mu: f64) -> Result<Self> {
        self.momentum = check_range(NAME, "momentum", mu, 0.0, 1.0, true)?;
        Ok(self)
    }

    /// Makes SGD from MXNet's settings by name: the shared ones, `momentum` and
    /// `lazy_update` (accepted; it only matters for sparse gradients).
    ///
    /// # Errors
    ///
    /// [`Error::Config`](crate::Error::Config) for an unknown or invalid setting.
    pub fn from_params(params: OptimizerParams) -> Result<SGD> {
        let mut reader = ParamReader::new(NAME, params);
        let base = OptimizerBase::from_reader(NAME, &mut reader, None)?;
        let momentum = reader.number("momentum")?.unwrap_or(0.0);
        reader.flag("lazy_update")?;
        reader.finish()?;
        SGD {
            base,
            momentum: 0.0,
        }
        .with_momentum(momentum)
    }
}

shared_settings!(SGD);

/// `w = (1 - lr wd) w - lr clip(rs g)`, the momentum-free update shared with NAG.
pub(crate) fn plain_step(step: &UpdateStep, weight: &mut [f32], grad: &[f32]) {
    let (lr, wd, rs) = (step.lr as f32, step.wd as f32, step.rescale_grad as f32);
    for (w, &g) in weight.iter_mut().zip(grad) {
        *w = (1.0 - lr * wd) * *w - lr * step.clip(rs * g);
    }
}

impl Optimizer for SGD {
    fn name(&self) -> &'static str {
        NAME
    }

    fn base(&self) -> &OptimizerBase {
        &self.base
    }

    fn base_mut(&mut self) -> &mut OptimizerBase {
        &mut self.base
    }

    fn state_count(&self) -> usize {
        usize::from(self.momentum != 0.0)
    }

    fn own_params(&self) -> OptimizerParams {
        OptimizerParams::from([("momentum".to_string(), ParamValue::Number(self.momentum))])
    }

    fn apply(&self, step: &UpdateStep, weight: &mut [f32], grad: &[f32], states: &mut [Vec<f32>]) {
        let Some(momentum) = states.first_mut() else {
            plain_step(step, weight, grad);
            return;
        };
        let (lr, wd, rs, mu) = (
            step.lr as f32,
            step.wd as f32,
            step.rescale_grad as f32,
            self.momentum as f32,
        );
        for ((w, m), &g) in weight.iter_mut().zip(momentum.iter_mut()).zip(grad) {
            *m = mu * *m - lr * wd * *w - lr * step.clip(rs * g);
            *w += *m;
        }
    }
}
