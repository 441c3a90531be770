//! [`L2Loss`]: half the squared error.

use super::base::{label_like_pred, Loss, LossCommon};
use crate::error::Result;
use crate::nd::NDArray;

const NAME: &str = "L2Loss";

/// The squared error `weight / 2 * (z - x)^2`, as `gluon.loss.L2Loss`; the default weight is
/// 1, so the loss carries MXNet's factor of one half.
///
/// # Shapes
///
/// - `pred`: `(N, ...)`;
/// - `label`: the same number of elements, reshaped to `pred`'s shape;
/// - output: `(N,)`.
///
/// ```
/// use gluon_rs::loss::{L2Loss, Loss};
/// use gluon_rs::nd::NDArray;
///
/// let loss = L2Loss::new();
/// let pred = NDArray::from_vec(vec![1.0, 2.0, 3.0, 5.0], &[2, 2]);
/// let label = NDArray::from_vec(vec![0.0, 2.0, 1.0, 1.0], &[2, 2]);
/// assert_eq!(loss.forward(&pred, &label)?.to_vec(), vec![0.25, 5.0]);
/// # Ok::<(), gluon_rs::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct L2Loss {
    common: LossCommon,
}

impl Default for L2Loss {
    fn default() -> Self {
        L2Loss::new()
    }
}

impl L2Loss {
    /// The loss with weight 1 and batch axis 0 (MXNet's defaults).
    ///
    /// ```
    /// use gluon_rs::loss::L2Loss;
    ///
    /// let loss = L2Loss::new().with_weight(2.0);
    /// # let _ = loss;
    /// ```
    pub fn new() -> L2Loss {
        L2Loss {
            common: LossCommon::new(Some(1.0)),
        }
    }

    /// Scales every loss by `weight / 2`.
    pub fn with_weight(mut self, weight: f32) -> Self {
        self.common.weight = Some(weight);
        self
    }

    /// The axis that indexes samples (default 0).
    pub fn with_batch_axis(mut self, batch_axis: usize) -> Self {
        self.common.batch_axis = batch_axis;
        self
    }
}

impl Loss for L2Loss {
    fn name(&self) -> &'static str {
        NAME
    }

    fn forward_weighted(
        &self,
        pred: &NDArray,
        label: &NDArray,
        sample_weight: Option<&NDArray>,
    ) -> Result<NDArray> {
        self.common.check_batch_axis(NAME, pred)?;
        let label = label_like_pred(NAME, pred, label, "")?;

        let squared = (&label - pred).square();
        // MXNet applies the weight as weight / 2; the common step then sees no weight.
        let weighting = LossCommon {
            weight: self.common.weight.map(|w| w / 2.0),
            ..self.common
        };
        weighting.finish(NAME, squared, sample_weight)
    }
}
