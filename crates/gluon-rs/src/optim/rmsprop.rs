//! [`RMSProp`]: steps scaled by a running mean of squared gradients.

use super::optimizer::{shared_settings, Optimizer, OptimizerBase, UpdateStep};
use super::params::{check_range, OptimizerParams, ParamReader, ParamValue};
use crate::error::Result;

const NAME: &str = "rmsprop";

/// RMSProp (Tieleman and Hinton, 2012; centered form after Graves, 2013), as MXNet 1.x's
/// `mx.optimizer.RMSProp`.
///
/// With `G = clip(rescale_grad g + wd w)` (weight decay inside the clip):
/// `n = (1 - g1) G^2 + g1 n` and `w = w - lr G / sqrt(n + eps)`. Centered, it also keeps
/// `gm = (1 - g1) G + g1 gm` and `delta = g2 delta - lr G / sqrt(n - gm^2 + eps)`, then
/// `w = w + delta`. With `clip_weights` the weights are clipped to `[-c, c]` afterwards.
///
/// ```
/// use gluon_rs::optim::{Optimizer, RMSProp};
/// use gluon_rs::nd::NDArray;
///
/// let mut rmsprop = RMSProp::new(0.1)?;
/// let weight = NDArray::from_vec(vec![0.5], &[1]);
/// let states = rmsprop.create_state(&weight);
/// rmsprop.update(0, &weight, &NDArray::from_vec(vec![2.5], &[1]), &states);
/// // n = 0.1 * 6.25, so w = 0.5 - 0.1 * 2.5 / sqrt(0.625) = 0.18377
/// assert!((weight.asscalar() - 0.1837722).abs() < 1e-6);
/// # Ok::<(), gluon_rs::Error>(())
/// ```
#[derive(Debug, Clone)]
pub struct RMSProp {
    base: OptimizerBase,
    gamma1: f64,
    gamma2: f64,
    epsilon: f64,
    centered: bool,
    clip_weights: Option<f64>,
}

impl RMSProp {
    /// RMSProp with learning rate `learning_rate` (MXNet's default 0.001), `gamma1` and
    /// `gamma2` 0.9, `epsilon` 1e-8, not centered.
    ///
    /// # Errors
    ///
    /// [`Error::Config`](crate::Error::Config) when the rate is negative or not finite.
    pub fn new(learning_rate: f64) -> Result<RMSProp> {
        let lr = check_range(NAME, "learning_rate", learning_rate, 0.0, f64::MAX, false)?;
        Ok(RMSProp {
            base: OptimizerBase::new(lr),
            gamma1: 0.9,
            gamma2: 0.9,
            epsilon: 1e-8,
            centered: false,
            clip_weights: None,
        })
    }

    /// Sets the decay of the running means (`gamma1`) and of the centered momentum
    /// (`gamma2`), each in `[0, 1]`.
    ///
    /// # Errors
    ///
    /// [`Error::Config`](crate::Error::Config) when a value lies outside `[0, 1]`.
    pub fn with_gammas(mut self, gamma1: f64, gamma2: f64) -> Result<Self> {
        self.gamma1 = check_range(NAME, "gamma1", gamma1, 0.0, 1.0, false)?;
        self.gamma2 = check_range(NAME, "gamma2", gamma2, 0.0, 1.0, false)?;
        Ok(self)
    }

    /// Sets the term added under the square root.
    ///
    /// # Errors
    ///
    /// [`Error::Config`](crate::Error::Config) when `epsilon` is negative or not finite.
    pub fn with_epsilon(mut self, epsilon: f64) -> Result<Self> {
        self.epsilon = check_range(NAME, "epsilon", epsilon, 0.0, f64::MAX, false)?;
        Ok(self)
    }

    /// Chooses the centered variant, which also tracks the mean gradient.
    pub fn with_centered(mut self, centered: bool) -> Self {
        self.centered = centered;
        self
    }

    /// Clips the weights to `[-bound, bound]` after each update.
    ///
    /// # Errors
    ///
    /// [`Error::Config`](crate::Error::Config) when `bound` is negative or not finite.
    pub fn with_clip_weights(mut self, bound: f64) -> Result<Self> {
        self.clip_weights = Some(check_range(
            NAME,
            "clip_weights",
            bound,
            0.0,
            f64::MAX,
            false,
        )?);
        Ok(self)
    }

    /// Makes RMSProp from MXNet's settings by name: the shared ones, `gamma1`, `gamma2`,
    /// `epsilon`, `centered` and `clip_weights`.
    ///
    /// # Errors
    ///
    /// [`Error::Config`](crate::Error::Config) for an unknown or invalid setting.
    pub fn from_params(params: OptimizerParams) -> Result<RMSProp> {
        let mut reader = ParamReader::new(NAME, params);
        let base = OptimizerBase::from_reader(NAME, &mut reader, Some(0.001))?;
        let gamma1 = reader.number("gamma1")?.unwrap_or(0.9);
        let gamma2 = reader.number("gamma2")?.unwrap_or(0.9);
        let epsilon = reader.number("epsilon")?.unwrap_or(1e-8);
        let centered = reader.flag("centered")?.unwrap_or(false);
        let clip_weights = reader.number("clip_weights")?;
        reader.finish()?;
        let mut rmsprop = RMSProp {
            base,
            gamma1: 0.9,
            gamma2: 0.9,
            epsilon: 1e-8,
            centered,
            clip_weights: None,
        }
        .with_gammas(gamma1, gamma2)?
        .with_epsilon(epsilon)?;
        if let Some(bound) = clip_weights {
            rmsprop = rmsprop.with_clip_weights(bound)?;
        }
        Ok(rmsprop)
    }
}

shared_settings!(RMSProp);

impl Optimizer for RMSProp {
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
        if self.centered {
            3
        } else {
            1
        }
    }

    fn own_params(&self) -> OptimizerParams {
        let mut params = OptimizerParams::from([
            ("gamma1".to_string(), ParamValue::Number(self.gamma1)),
            ("gamma2".to_string(), ParamValue::Number(self.gamma2)),
            ("epsilon".to_string(), ParamValue::Number(self.epsilon)),
            ("centered".to_string(), ParamValue::Bool(self.centered)),
        ]);
        if let Some(bound) = self.clip_weights {
            params.insert("clip_weights".to_string(), ParamValue::Number(bound));
        }
        params
    }

    fn apply(&self, step: &UpdateStep, weight: &mut [f32], grad: &[f32], states: &mut [Vec<f32>]) {
        let (lr, wd, rs) = (step.lr as f32, step.wd as f32, step.rescale_grad as f32);
        let (gamma1, gamma2, eps) = (self.gamma1 as f32, self.gamma2 as f32, self.epsilon as f32);
        let bound = self.clip_weights.map(|b| b as f32);
        let (n, rest) = states
            .split_first_mut()
            .expect("rmsprop keeps its state arrays");
        for i in 0..weight.len() {
            let clipped = step.clip(rs * grad[i] + wd * weight[i]);
            n[i] = (1.0 - gamma1) * clipped * clipped + gamma1 * n[i];
            if let [mean, delta] = rest {
                mean[i] = (1.0 - gamma1) * clipped + gamma1 * mean[i];
                let scale = (n[i] - mean[i] * mean[i] + eps).sqrt();
                delta[i] = gamma2 * delta[i] - lr * (clipped / scale);
                weight[i] += delta[i];
            } else {
                weight[i] -= lr * clipped / (n[i] + eps).sqrt();
            }
            if let Some(bound) = bound {
                weight[i] = weight[i].clamp(-bound, bound);
            }
        }
    }
}
