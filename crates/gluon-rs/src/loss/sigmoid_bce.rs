//! [`SigmoidBinaryCrossEntropyLoss`]: binary cross-entropy on logits or probabilities.

use super::base::{label_like_pred, Loss, LossCommon};
use super::sigmoid_cross_entropy::sigmoid_cross_entropy;
use crate::error::{Error, Result};
use crate::nd::NDArray;

const NAME: &str = "SigmoidBinaryCrossEntropyLoss";

/// Added inside both logarithms when the prediction is a probability, so that `p = 0` or
/// `p = 1` gives a large but finite loss (`-ln(1e-12) = 27.63`), as in MXNet.
const PROBABILITY_EPSILON: f32 = 1e-12;

/// Binary cross-entropy, as `gluon.loss.SigmoidBinaryCrossEntropyLoss` (alias
/// [`SigmoidBCELoss`]).
///
/// With logits (the default), the element loss is `max(x, 0) - x z + log(1 + e^-|x|)`,
/// computed as one fused op whose gradient is exactly `sigmoid(x) - z`. With
/// `from_sigmoid`, the prediction is a probability `p` and the loss is
/// `-(z log(p + 1e-12) + (1 - z) log(1 - p + 1e-12))`.
///
/// # Shapes
///
/// - `pred`: `(N, ...)`, logits or probabilities;
/// - `label`: the same number of elements as `pred`, 0/1 or soft labels in `[0, 1]`; it is
///   reshaped to `pred`'s shape, so `(N,)` fits `(N, 1)`;
/// - `sample_weight`: broadcastable to `pred`, or `(N,)` for one weight per sample;
/// - output: `(N,)`, the mean over the non-batch axes.
///
/// ```
/// use gluon_rs::loss::{Loss, SigmoidBinaryCrossEntropyLoss};
/// use gluon_rs::nd::NDArray;
///
/// let loss = SigmoidBinaryCrossEntropyLoss::new();
/// let logits = NDArray::from_vec(vec![2.0, -1.0], &[2, 1]);
/// let labels = NDArray::from_vec(vec![1.0, 0.0], &[2]);
/// let values = loss.forward(&logits, &labels)?.to_vec();
/// assert!((values[0] - 0.126928).abs() < 1e-5 && (values[1] - 0.313262).abs() < 1e-5);
/// # Ok::<(), gluon_rs::Error>(())
/// ```
///
/// # Limitations
///
/// At a logit of exactly 0 the gradient is `0.5 - z`; MXNet 1.9.1 returns `-z` there
/// because of the zero subgradients of the primitives it composes the loss from.
#[derive(Debug, Clone, PartialEq)]
pub struct SigmoidBinaryCrossEntropyLoss {
    common: LossCommon,
    from_sigmoid: bool,
}

/// MXNet's short name for [`SigmoidBinaryCrossEntropyLoss`].
pub type SigmoidBCELoss = SigmoidBinaryCrossEntropyLoss;

impl Default for SigmoidBinaryCrossEntropyLoss {
    fn default() -> Self {
        SigmoidBinaryCrossEntropyLoss::new()
    }
}

impl SigmoidBinaryCrossEntropyLoss {
    /// The loss on logits, with no weight and batch axis 0 (MXNet's defaults).
    ///
    /// ```
    /// use gluon_rs::loss::SigmoidBinaryCrossEntropyLoss;
    ///
    /// let loss = SigmoidBinaryCrossEntropyLoss::new().with_from_sigmoid(true).with_weight(0.5);
    /// assert!(loss.from_sigmoid());
    /// ```
    pub fn new() -> SigmoidBinaryCrossEntropyLoss {
        SigmoidBinaryCrossEntropyLoss {
            common: LossCommon::new(None),
            from_sigmoid: false,
        }
    }

    /// Whether the prediction is a probability (the output of a sigmoid) rather than a logit.
    pub fn with_from_sigmoid(mut self, from_sigmoid: bool) -> Self {
        self.from_sigmoid = from_sigmoid;
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

    /// Whether the prediction is taken as a probability.
    pub fn from_sigmoid(&self) -> bool {
        self.from_sigmoid
    }

    /// The loss with a positive-class weight `pos_weight`, broadcast against `pred` (its
    /// documented shape is `(1, C)`), which multiplies the term of positive labels.
    ///
    /// # Errors
    ///
    /// As [`Loss::forward_weighted`], and [`Error::LabelEncoding`] when a label lies outside
    /// `[0, 1]`, [`Error::LayerInput`] when `pos_weight` does not broadcast to `pred`.
    pub fn forward_with_pos_weight(
        &self,
        pred: &NDArray,
        label: &NDArray,
        sample_weight: Option<&NDArray>,
        pos_weight: Option<&NDArray>,
    ) -> Result<NDArray> {
        self.common.check_batch_axis(NAME, pred)?;
        let hint = one_unit_hint(pred, label, self.common.batch_axis);
        let label = label_like_pred(NAME, pred, label, &hint)?;
        check_binary_labels(&label)?;

        let loss = if self.from_sigmoid {
            if let Some(weight) = pos_weight {
                check_pos_weight(pred, weight)?;
            }
            probability_loss(pred, &label, pos_weight)
        } else {
            sigmoid_cross_entropy(NAME, pred, &label, pos_weight)?
        };
        self.common.finish(NAME, loss, sample_weight)
    }
}

impl Loss for SigmoidBinaryCrossEntropyLoss {
    fn name(&self) -> &'static str {
        NAME
    }

    /// # Errors
    ///
    /// As [`SigmoidBinaryCrossEntropyLoss::forward_with_pos_weight`].
    fn forward_weighted(
        &self,
        pred: &NDArray,
        label: &NDArray,
        sample_weight: Option<&NDArray>,
    ) -> Result<NDArray> {
        self.forward_with_pos_weight(pred, label, sample_weight, None)
    }
}

/// `-(z p log(x + eps) + (1 - z) log(1 - x + eps))`, composed from recorded primitives.
fn probability_loss(pred: &NDArray, label: &NDArray, pos_weight: Option<&NDArray>) -> NDArray {
    let positive = pred.add_scalar(PROBABILITY_EPSILON).log() * label;
    let positive = match pos_weight {
        Some(weight) => positive * weight,
        None => positive,
    };
    let negative =
        pred.rsub_scalar(1.0).add_scalar(PROBABILITY_EPSILON).log() * label.rsub_scalar(1.0);
    (positive + negative).negative()
}

/// Rejects a `pos_weight` that would change the loss's shape when broadcast against `pred`.
fn check_pos_weight(pred: &NDArray, weight: &NDArray) -> Result<()> {
    let fits = crate::nd::kernels::broadcast_shape(pred.shape(), weight.shape())
        .is_some_and(|shape| shape.as_slice() == pred.shape());
    if fits {
        return Ok(());
    }
    Err(Error::LayerInput {
        layer: NAME.to_string(),
        message: format!(
            "pos_weight of shape {:?} does not broadcast to the prediction's shape {:?}",
            weight.shape(),
            pred.shape()
        ),
    })
}

/// The usual cause of a size mismatch for a binary loss: a prediction with one column per
/// class against one label per sample.
fn one_unit_hint(pred: &NDArray, label: &NDArray, batch_axis: usize) -> String {
    let samples = pred.shape()[batch_axis];
    if label.size() == samples && pred.size() > samples {
        format!(
            "; the prediction has {} values per sample but the label has one: a sigmoid \
             output layer for binary labels needs one unit (Dense(1)); for one column per \
             class use SoftmaxCrossEntropyLoss",
            pred.size() / samples
        )
    } else {
        String::new()
    }
}

/// Rejects labels outside `[0, 1]`: cross-entropy of a sigmoid is meaningless for them, and
/// the common cause is a -1/1 encoding.
fn check_binary_labels(label: &NDArray) -> Result<()> {
    let values = label.read();
    match values.iter().find(|&&z| !(0.0..=1.0).contains(&z)) {
        None => Ok(()),
        Some(&bad) => Err(Error::LabelEncoding {
            context: NAME.to_string(),
            message: format!(
                "label value {bad} is outside [0, 1]; re-encode the labels as 0/1, or use \
                 LogisticLoss with label_format signed for -1/1 labels"
            ),
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn probabilities_and_logits_agree() {
        let logits = NDArray::from_vec(vec![-2.0, 0.5, 3.0, 0.0], &[4, 1]);
        let label = NDArray::from_vec(vec![0.0, 1.0, 0.0, 1.0], &[4]);
        let loss = SigmoidBinaryCrossEntropyLoss::new();

        let from_logits = loss.forward(&logits, &label).unwrap().to_vec();
        let from_probabilities = loss
            .with_from_sigmoid(true)
            .forward(&logits.sigmoid(), &label)
            .unwrap()
            .to_vec();

        for (a, b) in from_logits.iter().zip(&from_probabilities) {
            assert!((a - b).abs() < 1e-5, "{a} vs {b}");
        }
    }
}
