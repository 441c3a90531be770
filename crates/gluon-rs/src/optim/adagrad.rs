//! [`AdaGrad`]: adaptive per-element step sizes from the sum of squared gradients.

use super::optimizer::{shared_settings, Optimizer, OptimizerBase, UpdateStep};
use super::params::{check_range, OptimizerParams, ParamReader, ParamValue};
use crate::error::Result;

const NAME: &str = "adagrad";

/// AdaGrad (Duchi, Hazan and Singer, 2011), as MXNet 1.x's `mx.optimizer.AdaGrad`.
///
/// With `G = clip(rescale_grad g)`: `h = h + G^2`, then
/// `w = w - lr (G / sqrt(h + eps) + wd w)`; `eps` sits inside the square root and weight
/// decay outside the clip, as in MXNet 1.x.
///
/// ```
/// use gluon_rs::optim::{AdaGrad, Optimizer};
/// use gluon_rs::nd::NDArray;
///
/// let mut adagrad = AdaGrad::new(0.1)?;
/// let weight = NDArray::from_vec(vec![0.5], &[1]);
/// let states = adagrad.create_state(&weight);
/// adagrad.update(0, &weight, &NDArray::from_vec(vec![2.5], &[1]), &states);
/// assert!((weight.asscalar() - 0.4).abs() < 1e-6);
/// # Ok::<(), gluon_rs::Error>(())
/// ```
#[derive(Debug, Clone)]
pub struct AdaGrad {
    base: OptimizerBase,
    eps: f64,
}

impl AdaGrad {
    /// AdaGrad with learning rate `learning_rate` (MXNet's default 0.01) and `eps` 1e-7.
    ///
    /// # Errors
    ///
    /// [`Error::Config`](crate::Error::Config) when the rate is negative or not finite.
    pub fn new(learning_rate: f64) -> Result<AdaGrad> {
        let lr = check_range(NAME, "learning_rate", learning_rate, 0.0, f64::MAX, false)?;
        Ok(AdaGrad {
            base: OptimizerBase::new(lr),
            eps: 1e-7,
        })
    }

    /// Sets the term added under the square root.
    ///
    /// # Errors
    ///
    /// [`Error::Config`](crate::Error::Config) when `eps` is negative or not finite.
    pub fn with_eps(mut self, eps: f64) -> Result<Self> {
        self.eps = check_range(NAME, "eps", eps, 0.0, f64::MAX, false)?;
        Ok(self)
    }

    /// Makes AdaGrad from MXNet's settings by name: the shared ones and `eps`.
    ///
    /// # Errors
    ///
    /// [`Error::Config`](crate::Error::Config) for an unknown or invalid setting.
    pub fn from_params(params: OptimizerParams) -> Result<AdaGrad> {
        let mut reader = ParamReader::new(NAME, params);
        let base = OptimizerBase::from_reader(NAME, &mut reader, None)?;
        let eps = reader.number("eps")?.unwrap_or(1e-7);
        reader.finish()?;
        AdaGrad { base, eps: 1e-7 }.with_eps(eps)
    }
}

shared_settings!(AdaGrad);

impl Optimizer for AdaGrad {
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
        1
    }

    fn own_params(&self) -> OptimizerParams {
        OptimizerParams::from([("eps".to_string(), ParamValue::Number(self.eps))])
    }

    fn apply(&self, step: &UpdateStep, weight: &mut [f32], grad: &[f32], states: &mut [Vec<f32>]) {
        let (lr, wd, rs, eps) = (
            step.lr as f32,
            step.wd as f32,
            step.rescale_grad as f32,
            self.eps as f32,
        );
        let [history] = states else {
            panic!("adagrad: apply needs 1 state buffer, got {}", states.len());
        };
        for ((w, h), &g) in weight.iter_mut().zip(history.iter_mut()).zip(grad) {
            let clipped = step.clip(rs * g);
            *h += clipped * clipped;
            *w += (clipped / (*h + eps).sqrt() + *w * wd) * -lr;
        }
    }
}
