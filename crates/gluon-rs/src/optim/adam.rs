//! [`Adam`]: adaptive moment estimation.

use super::optimizer::{shared_settings, Optimizer, OptimizerBase, UpdateStep};
use super::params::{check_range, OptimizerParams, ParamReader, ParamValue};
use crate::error::Result;

const NAME: &str = "adam";

/// Adam (Kingma and Ba, 2015), as MXNet 1.x's `mx.optimizer.Adam`.
///
/// With `G = clip(rescale_grad g + wd w)` (weight decay inside the clip, unlike SGD):
/// `m = b1 m + (1 - b1) G`, `v = b2 v + (1 - b2) G^2`, and
/// `w = w - lr_t m / (sqrt(v) + eps)`, where the bias correction is folded into the step
/// size, `lr_t = lr sqrt(1 - b2^t) / (1 - b1^t)` (computed in `f64`), and `eps` is not
/// corrected: MXNet's exact order.
///
/// ```
/// use gluon_rs::optim::{Adam, Optimizer};
/// use gluon_rs::nd::NDArray;
///
/// let mut adam = Adam::new(0.1)?;
/// let weight = NDArray::from_vec(vec![0.5], &[1]);
/// let states = adam.create_state(&weight);
/// adam.update(0, &weight, &NDArray::from_vec(vec![2.5], &[1]), &states);
/// // The first step moves every weight by about the learning rate.
/// assert!((weight.asscalar() - 0.4).abs() < 1e-5);
/// # Ok::<(), gluon_rs::Error>(())
/// ```
#[derive(Debug, Clone)]
pub struct Adam {
    base: OptimizerBase,
    beta1: f64,
    beta2: f64,
    epsilon: f64,
}

impl Adam {
    /// Adam with learning rate `learning_rate` (MXNet's default 0.001), `beta1` 0.9,
    /// `beta2` 0.999 and `epsilon` 1e-8.
    ///
    /// # Errors
    ///
    /// [`Error::Config`](crate::Error::Config) when the rate is negative or not finite.
    pub fn new(learning_rate: f64) -> Result<Adam> {
        let lr = check_range(NAME, "learning_rate", learning_rate, 0.0, f64::MAX, false)?;
        Ok(Adam {
            base: OptimizerBase::new(lr),
            beta1: 0.9,
            beta2: 0.999,
            epsilon: 1e-8,
        })
    }

    /// Sets the decay rates of the moment estimates, each in `[0, 1)`.
    ///
    /// # Errors
    ///
    /// [`Error::Config`](crate::Error::Config) when a rate lies outside `[0, 1)`.
    pub fn with_betas(mut self, beta1: f64, beta2: f64) -> Result<Self> {
        self.beta1 = check_range(NAME, "beta1", beta1, 0.0, 1.0, true)?;
        self.beta2 = check_range(NAME, "beta2", beta2, 0.0, 1.0, true)?;
        Ok(self)
    }

    /// Sets the term added to the denominator.
    ///
    /// # Errors
    ///
    /// [`Error::Config`](crate::Error::Config) when `epsilon` is negative or not finite.
    pub fn with_epsilon(mut self, epsilon: f64) -> Result<Self> {
        self.epsilon = check_range(NAME, "epsilon", epsilon, 0.0, f64::MAX, false)?;
        Ok(self)
    }

    /// Makes Adam from MXNet's settings by name: the shared ones, `beta1`, `beta2`,
    /// `epsilon` and `lazy_update` (accepted; it only matters for sparse gradients).
    ///
    /// # Errors
    ///
    /// [`Error::Config`](crate::Error::Config) for an unknown or invalid setting.
    pub fn from_params(params: OptimizerParams) -> Result<Adam> {
        let mut reader = ParamReader::new(NAME, params);
        let base = OptimizerBase::from_reader(NAME, &mut reader, Some(0.001))?;
        let beta1 = reader.number("beta1")?.unwrap_or(0.9);
        let beta2 = reader.number("beta2")?.unwrap_or(0.999);
        let epsilon = reader.number("epsilon")?.unwrap_or(1e-8);
        reader.flag("lazy_update")?;
        reader.finish()?;
        Adam {
            base,
            beta1: 0.9,
            beta2: 0.999,
            epsilon: 1e-8,
        }
        .with_betas(beta1, beta2)?
        .with_epsilon(epsilon)
    }
}

shared_settings!(Adam);

impl Optimizer for Adam {
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
        2
    }

    fn own_params(&self) -> OptimizerParams {
        OptimizerParams::from([
            ("beta1".to_string(), ParamValue::Number(self.beta1)),
            ("beta2".to_string(), ParamValue::Number(self.beta2)),
            ("epsilon".to_string(), ParamValue::Number(self.epsilon)),
        ])
    }

    fn apply(&self, step: &UpdateStep, weight: &mut [f32], grad: &[f32], states: &mut [Vec<f32>]) {
        let t = step.t as i32;
        let corrected = step.lr * (1.0 - self.beta2.powi(t)).sqrt() / (1.0 - self.beta1.powi(t));
        let (lr_t, wd, rs) = (corrected as f32, step.wd as f32, step.rescale_grad as f32);
        let (beta1, beta2, epsilon) = (self.beta1 as f32, self.beta2 as f32, self.epsilon as f32);
        let [mean, var] = states else {
            panic!("adam: apply needs 2 state buffers, got {}", states.len());
        };
        for (((w, m), v), &g) in weight
            .iter_mut()
            .zip(mean.iter_mut())
            .zip(var.iter_mut())
            .zip(grad)
        {
            let clipped = step.clip(rs * g + wd * *w);
            *m = beta1 * *m + (1.0 - beta1) * clipped;
            *v = beta2 * *v + (1.0 - beta2) * clipped * clipped;
            *w -= lr_t * *m / (v.sqrt() + epsilon);
        }
    }
}
