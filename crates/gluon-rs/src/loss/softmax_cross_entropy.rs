//! [`SoftmaxCrossEntropyLoss`]: cross-entropy of a softmax over classes.

use super::base::{label_like_pred, Loss, LossCommon};
use crate::error::{Error, Result};
use crate::nd::NDArray;

const NAME: &str = "SoftmaxCrossEntropyLoss";

/// Cross-entropy of `softmax(pred)` along `axis`, as `gluon.loss.SoftmaxCrossEntropyLoss`
/// (alias [`SoftmaxCELoss`]).
///
/// With sparse labels (the default), the label holds one class index per sample and the
/// element loss is `-log_softmax(x)[z]`; with dense labels it holds a distribution over the
/// classes and the loss is `-sum(z log_softmax(x))`. With `from_logits` the prediction is
/// taken as log-probabilities already.
///
/// # Shapes
///
/// - `pred`: `(N, ..., C, ...)` with the classes on `axis` (default the last);
/// - `label`: sparse, `pred`'s shape without `axis` (or with length 1 there); dense, the
///   same number of elements as `pred`;
/// - output: `(N,)`.
///
/// ```
/// use gluon_rs::loss::{Loss, SoftmaxCrossEntropyLoss};
/// use gluon_rs::nd::NDArray;
///
/// let loss = SoftmaxCrossEntropyLoss::new();
/// let logits = NDArray::from_vec(vec![1.0, 2.0, 3.0, 1.0, 1.0, 1.0], &[2, 3]);
/// let classes = NDArray::from_vec(vec![2.0, 0.0], &[2]);
/// let values = loss.forward(&logits, &classes)?.to_vec();
/// assert!((values[0] - 0.407604).abs() < 1e-5 && (values[1] - 3f32.ln()).abs() < 1e-5);
/// # Ok::<(), gluon_rs::Error>(())
/// ```
///
/// # Limitations
///
/// A class index outside `[0, C)` is an error; MXNet clips it to the nearest class.
#[derive(Debug, Clone, PartialEq)]
pub struct SoftmaxCrossEntropyLoss {
    common: LossCommon,
    axis: isize,
    sparse_label: bool,
    from_logits: bool,
}

/// MXNet's short name for [`SoftmaxCrossEntropyLoss`].
pub type SoftmaxCELoss = SoftmaxCrossEntropyLoss;

impl Default for SoftmaxCrossEntropyLoss {
    fn default() -> Self {
        SoftmaxCrossEntropyLoss::new()
    }
}

impl SoftmaxCrossEntropyLoss {
    /// The loss over the last axis with sparse labels, on logits (MXNet's defaults).
    ///
    /// ```
    /// use gluon_rs::loss::SoftmaxCrossEntropyLoss;
    ///
    /// let loss = SoftmaxCrossEntropyLoss::new().with_axis(1).with_sparse_label(false);
    /// # let _ = loss;
    /// ```
    pub fn new() -> SoftmaxCrossEntropyLoss {
        SoftmaxCrossEntropyLoss {
            common: LossCommon::new(None),
            axis: -1,
            sparse_label: true,
            from_logits: false,
        }
    }

    /// The axis that holds the classes (negative counts from the end).
    pub fn with_axis(mut self, axis: isize) -> Self {
        self.axis = axis;
        self
    }

    /// Whether labels are class indices (`true`) or distributions over the classes.
    pub fn with_sparse_label(mut self, sparse_label: bool) -> Self {
        self.sparse_label = sparse_label;
        self
    }

    /// Whether the prediction is already log-probabilities.
    pub fn with_from_logits(mut self, from_logits: bool) -> Self {
        self.from_logits = from_logits;
        self
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

    /// The class axis as an index into `pred`'s axes.
    fn class_axis(&self, pred: &NDArray) -> Result<usize> {
        let ndim = pred.ndim() as isize;
        let axis = if self.axis < 0 {
            self.axis + ndim
        } else {
            self.axis
        };
        if axis < 0 || axis >= ndim {
            return Err(Error::config(
                format!("{NAME} axis"),
                format!(
                    "axis {} does not exist in a prediction of shape {:?}",
                    self.axis,
                    pred.shape()
                ),
            ));
        }
        Ok(axis as usize)
    }
}

/// Checks that sparse labels fit the prediction and are valid class indices.
fn check_sparse_labels(pred: &NDArray, label: &NDArray, axis: usize) -> Result<()> {
    let classes = pred.shape()[axis];
    if label.size() * classes != pred.size() {
        return Err(Error::ShapeMismatch {
            op: NAME.to_string(),
            pred_shape: pred.shape().to_vec(),
            label_shape: label.shape().to_vec(),
            message: format!(
                "sparse labels need one class index per position of the prediction without \
                 its class axis {axis}; for one-hot or soft labels set sparse_label to false"
            ),
        });
    }
    let values = label.read();
    if let Some(&bad) = values.iter().find(|&&z| !(z >= 0.0 && z < classes as f32)) {
        return Err(Error::LabelEncoding {
            context: NAME.to_string(),
            message: format!("class index {bad} is outside [0, {classes})"),
        });
    }
    Ok(())
}

impl Loss for SoftmaxCrossEntropyLoss {
    fn name(&self) -> &'static str {
        NAME
    }

    /// # Errors
    ///
    /// As [`Loss::forward_weighted`], [`Error::Config`] when `axis` does not exist, and
    /// [`Error::LabelEncoding`] for a sparse label that is not a valid class index.
    fn forward_weighted(
        &self,
        pred: &NDArray,
        label: &NDArray,
        sample_weight: Option<&NDArray>,
    ) -> Result<NDArray> {
        self.common.check_batch_axis(NAME, pred)?;
        let axis = self.class_axis(pred)?;
        let log_probabilities = if self.from_logits {
            pred.clone()
        } else {
            pred.log_softmax(axis as isize, 1.0)
        };

        let loss = if self.sparse_label {
            check_sparse_labels(pred, label, axis)?;
            log_probabilities
                .pick(label, axis as isize, true)
                .negative()
        } else {
            let label = label_like_pred(NAME, pred, label, "")?;
            (log_probabilities * &label).sum_axis(axis, true).negative()
        };
        self.common.finish(NAME, loss, sample_weight)
    }
}
