//! [`NAG`]: Nesterov accelerated gradient.

use super::optimizer::{shared_settings, Optimizer, OptimizerBase, UpdateStep};
use super::params::{check_range, OptimizerParams, ParamReader, ParamValue};
use super::sgd::plain_step;
use crate::error::Result;

const NAME: &str = "nag";

/// Nesterov accelerated gradient (Nesterov, 1983), as MXNet 1.x's `mx.optimizer.NAG`.
///
/// With `G = clip(rescale_grad * g)` and `m1 = mu m`:
/// `w' = w - m1 + (1 + mu) (m1 - lr (G + wd w))`, then `m = m1 - lr (G + wd w')`. MXNet runs
/// the kernel in place, so the momentum's weight-decay term sees the updated weight `w'`;
/// this is reproduced. With momentum 0 it is plain SGD.
///
/// ```
/// use gluon_rs::optim::{Optimizer, NAG};
/// use gluon_rs::nd::NDArray;
///
/// let mut nag = NAG::new(0.1)?.with_momentum(0.9)?;
/// let weight = NDArray::from_vec(vec![1.0], &[1]);
/// let states = nag.create_state(&weight);
/// nag.update(0, &weight, &NDArray::from_vec(vec![1.0], &[1]), &states);
/// // w' = 1 - 0 + 1.9 (0 - 0.1) = 0.81
/// assert!((weight.asscalar() - 0.81).abs() < 1e-6);
/// # Ok::<(), gluon_rs::Error>(())
/// ```
#[derive(Debug, Clone)]
pub struct NAG {
    base: OptimizerBase,
    momentum: f64,
}

impl NAG {
    /// NAG with learning rate `learning_rate` and no momentum (MXNet's defaults: 0.01, 0).
    ///
    /// # Errors
    ///
    /// [`Error::Config`](crate::Error::Config) when the rate is negative or not finite.
    pub fn new(learning_rate: f64) -> Result<NAG> {
        let lr = check_range(NAME, "learning_rate", learning_rate, 0.0, f64::MAX, false)?;
        Ok(NAG {
            base: OptimizerBase::new(lr),
            momentum: 0.0,
        })
    }

    /// Sets the momentum `mu` in `[0, 1)`.
    ///
    /// # Errors
    ///
    /// [`Error::Config`](crate::Error::Config) when `mu` lies outside `[0, 1)`.
    pub fn with_momentum(mut self, mu: f64) -> Result<Self> {
        self.momentum = check_range(NAME, "momentum", mu, 0.0, 1.0, true)?;
        Ok(self)
    }

    /// Makes NAG from MXNet's settings by name: the shared ones and `momentum`.
    ///
    /// # Errors
    ///
    /// [`Error::Config`](crate::Error::Config) for an unknown or invalid setting.
    pub fn from_params(params: OptimizerParams) -> Result<NAG> {
        let mut reader = ParamReader::new(NAME, params);
        let base = OptimizerBase::from_reader(NAME, &mut reader, None)?;
        let momentum = reader.number("momentum")?.unwrap_or(0.0);
        reader.finish()?;
        NAG {
            base,
            momentum: 0.0,
        }
        .with_momentum(momentum)
    }
}

shared_settings!(NAG);

impl Optimizer for NAG {
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
            let clipped = step.clip(rs * g);
            let m1 = mu * *m;
            *w = *w - m1 + (1.0 + mu) * (m1 - lr * (clipped + wd * *w));
            *m = m1 - lr * (clipped + wd * *w);
        }
    }
}
