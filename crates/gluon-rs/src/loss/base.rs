//! The [`Loss`] trait and the steps every loss shares: fitting the label to the prediction,
//! weighting, and the mean over the non-batch axes.

use crate::error::{Error, Result};
use crate::nd::{Axes, NDArray};

/// A loss function, as a Gluon `Loss` block: one value per sample.
///
/// Every loss takes MXNet's two common settings: a global `weight` that scales the loss, and
/// `batch_axis`, the axis that indexes samples. [`Loss::forward`] returns the mean of the
/// element losses over every axis except `batch_axis`, so a prediction of shape `(N, ...)`
/// gives a loss of shape `(N,)`; calling [`NDArray::backward`] on it gives the gradient of
/// the sum over the batch, which [`Trainer::step`](crate::Trainer::step) then divides by the
/// batch size.
///
/// ```
/// use gluon_rs::loss::{L2Loss, Loss};
/// use gluon_rs::nd::NDArray;
///
/// let loss: Box<dyn Loss> = Box::new(L2Loss::new());
/// let pred = NDArray::from_vec(vec![1.0, 2.0, 3.0, 5.0], &[2, 2]);
/// let label = NDArray::from_vec(vec![0.0, 2.0, 1.0, 1.0], &[2, 2]);
/// assert_eq!(loss.forward(&pred, &label)?.to_vec(), vec![0.25, 5.0]);
/// # Ok::<(), gluon_rs::Error>(())
/// ```
pub trait Loss: std::fmt::Debug + Send + Sync {
    /// The loss's class name, as MXNet spells it; error messages use it.
    fn name(&self) -> &'static str;

    /// The per-sample loss of `pred` against `label`, each element weighted by
    /// `sample_weight` when given.
    ///
    /// # Errors
    ///
    /// [`Error::ShapeMismatch`] when the label does not fit the prediction,
    /// [`Error::LayerInput`] when the sample weight does not fit the loss, and loss-specific errors (label encodings) that each loss documents.
    fn forward_weighted(
        &self,
        pred: &NDArray,
        label: &NDArray,
        sample_weight: Option<&NDArray>,
    ) -> Result<NDArray>;

    /// The per-sample loss of `pred` against `label`.
    ///
    /// # Errors
    ///
    /// As [`Loss::forward_weighted`].
    fn forward(&self, pred: &NDArray, label: &NDArray) -> Result<NDArray> {
        self.forward_weighted(pred, label, None)
    }
}

/// The settings every loss shares: MXNet's `weight` and `batch_axis`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct LossCommon {
    pub(crate) weight: Option<f32>,
    pub(crate) batch_axis: usize,
}

impl LossCommon {
    pub(crate) fn new(weight: Option<f32>) -> LossCommon {
        LossCommon {
            weight,
            batch_axis: 0,
        }
    }

    /// Checks that `batch_axis` exists in `pred`.
    pub(crate) fn check_batch_axis(&self, op: &str, pred: &NDArray) -> Result<()> {
        if self.batch_axis >= pred.ndim() {
            return Err(Error::config(
                format!("{op} batch_axis"),
                format!(
                    "axis {} does not exist in a prediction of shape {:?}",
                    self.batch_axis,
                    pred.shape()
                ),
            ));
        }
        Ok(())
    }

    /// Multiplies by the sample weight and the global weight, then averages over every axis
    /// but the batch axis.
    pub(crate) fn finish(
        &self,
        op: &str,
        loss: NDArray,
        sample_weight: Option<&NDArray>,
    ) -> Result<NDArray> {
        let weighted = match sample_weight {
            Some(sample_weight) => apply_sample_weight(op, &loss, sample_weight, self.batch_axis)?,
            None => loss,
        };
        let scaled = match self.weight {
            Some(weight) => weighted.mul_scalar(weight),
            None => weighted,
        };
        Ok(scaled.mean_axis(Axes::except(&[self.batch_axis as isize]), false))
    }
}

/// The label with the prediction's shape, as MXNet's `label.reshape(pred.shape)`.
///
/// # Errors
///
/// [`Error::ShapeMismatch`] naming both shapes when the element counts differ; `hint` is
/// appended to the message (the usual cause for this loss).
pub(crate) fn label_like_pred(
    op: &str,
    pred: &NDArray,
    label: &NDArray,
    hint: &str,
) -> Result<NDArray> {
    if label.shape() == pred.shape() {
        return Ok(label.clone());
    }
    if label.size() != pred.size() {
        return Err(Error::ShapeMismatch {
            op: op.to_string(),
            pred_shape: pred.shape().to_vec(),
            label_shape: label.shape().to_vec(),
            message: format!(
                "the label has {} elements but the prediction has {}{hint}",
                label.size(),
                pred.size()
            ),
        });
    }
    let codes: Vec<isize> = pred.shape().iter().map(|&d| d as isize).collect();
    Ok(label.reshape(&codes))
}

/// `loss * sample_weight`.
///
/// A weight that broadcasts to the loss's shape is applied as MXNet does. A weight of shape
/// `(N,)` that would otherwise widen the loss, such as one against a loss of shape `(N, 1)`,
/// weights each sample by its own value: MXNet would broadcast it to `(N, N)` and scale every
/// sample by the weights' mean instead, which is never what the caller meant.
fn apply_sample_weight(
    op: &str,
    loss: &NDArray,
    sample_weight: &NDArray,
    batch_axis: usize,
) -> Result<NDArray> {
    let fits = crate::nd::kernels::broadcast_shape(loss.shape(), sample_weight.shape())
        .is_some_and(|shape| shape.as_slice() == loss.shape());
    if fits {
        return Ok(loss * sample_weight);
    }
    let samples = loss.shape()[batch_axis];
    if sample_weight.ndim() == 1 && sample_weight.size() == samples {
        let mut per_sample = vec![1isize; loss.ndim()];
        per_sample[batch_axis] = samples as isize;
        return Ok(loss * &sample_weight.reshape(&per_sample));
    }
    Err(Error::LayerInput {
        layer: op.to_string(),
        message: format!(
            "a sample weight of shape {:?} does not fit a loss of shape {:?}: give one \
             weight per sample or a shape that broadcasts to the loss",
            sample_weight.shape(),
            loss.shape()
        ),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn label_takes_the_prediction_shape_when_counts_match() {
        let pred = NDArray::zeros(&[4, 1]);
        let label = NDArray::zeros(&[4]);

        let fitted = label_like_pred("test", &pred, &label, "").unwrap();

        assert_eq!(fitted.shape(), &[4, 1]);
    }

    #[test]
    fn per_sample_weight_of_shape_n_weights_each_sample() {
        let loss = NDArray::from_vec(vec![1.0, 2.0, 3.0], &[3, 1]);
        let weight = NDArray::from_vec(vec![0.0, 1.0, 2.0], &[3]);

        let weighted = apply_sample_weight("test", &loss, &weight, 0).unwrap();

        assert_eq!(weighted.shape(), &[3, 1]);
        assert_eq!(weighted.to_vec(), vec![0.0, 2.0, 6.0]);
    }

    #[test]
    fn sample_weight_that_cannot_fit_is_an_error() {
        let loss = NDArray::zeros(&[3, 2]);
        let weight = NDArray::zeros(&[4]);

        let error = apply_sample_weight("test", &loss, &weight, 0).unwrap_err();

        assert!(error.to_string().contains("[4]"), "{error}");
    }
}
