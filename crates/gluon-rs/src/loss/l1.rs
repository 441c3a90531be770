//! [`L1Loss`]: the absolute error.

use super::base::{label_like_pred, Loss, LossCommon};
use crate::error::Result;
use crate::nd::NDArray;

const NAME: &str = "L1Loss";

/// The absolute error `|z - x|`, as `gluon.loss.L1Loss`. Its gradient is 0 where the
/// prediction equals the label.
///
/// # Shapes
///
/// - `pred`: `(N, ...)`;
/// - `label`: the same number of elements, reshaped to `pred`'s shape;
/// - output: `(N,)`.
///
/// ```
/// use gluon_rs::loss::{L1Loss, Loss};
/// use gluon_rs::nd::NDArray;
///
/// let loss = L1Loss::new();
/// let pred = NDArray::from_vec(vec![1.0, 2.0, 3.0, 5.0], &[2, 2]);
/// let label = NDArray::from_vec(vec![0.0, 2.0, 1.0, 1.0], &[2, 2]);
/// assert_eq!(loss.forward(&pred, &label)?.to_vec(), vec![0.5, 3.0]);
/// # Ok::<(), gluon_rs::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct L1Loss {
    common: LossCommon,
}

impl Default for L1Loss {
    fn default() -> Self {
        L1Loss::new()
    }
}

impl L1Loss {
    /// The loss with no weight and batch axis 0 (MXNet's defaults).
    ///
    /// ```
    /// use gluon_rs::loss::L1Loss;
    ///
    /// let loss = L1Loss::new().with_weight(0.5);
    /// # let _ = loss;
    /// ```
    pub fn new() -> L1Loss {
        L1Loss {
            common: LossCommon::new(None),
        }
    }

    /// Scales every loss by `weight`.
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

impl Loss for L1Loss {
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

        let absolute = (&label - pred).abs();
        self.common.finish(NAME, absolute, sample_weight)
    }
}
