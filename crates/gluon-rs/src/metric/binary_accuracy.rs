//! [`BinaryAccuracy`]: accuracy of thresholded class-1 probabilities.

use super::binary_counter::{binary_metric, BinaryCounter};
use super::ConfusionMatrix;

/// Accuracy of a two-class problem from class-1 probabilities, as MXNet 2.0's
/// `BinaryAccuracy` (name `"binary_accuracy"`): a probability above the threshold (0.5
/// unless set) predicts class 1. Every sample counts once, whatever the batches.
///
/// This is the metric to use where MXNet 1.9.1's tutorial passes probabilities to
/// [`Accuracy`](super::Accuracy).
///
/// # Shapes
///
/// - label: `(N,)` or `(N, 1)`, each 0 or 1;
/// - pred: class-1 probabilities `(N,)` or `(N, 1)`, or two columns `(N, 2)` of
///   `[p(class 0), p(class 1)]`.
///
/// # Errors
///
/// `update` fails under the same conditions as [`F1`](super::F1)'s.
///
/// ```
/// use gluon_rs::metric::{BinaryAccuracy, EvalMetric};
/// use gluon_rs::nd;
///
/// let mut accuracy = BinaryAccuracy::new();
/// accuracy.update(&nd::array(&[0.0, 1.0, 1.0, 0.0, 1.0], &[5]),
///                 &nd::array(&[0.2, 0.9, 0.7, 0.4, 0.6], &[5]))?;
/// assert_eq!(accuracy.get(), ("binary_accuracy".to_string(), 1.0));
/// # Ok::<(), gluon_rs::Error>(())
/// ```
#[derive(Debug, Clone)]
pub struct BinaryAccuracy {
    counter: BinaryCounter,
}

impl BinaryAccuracy {
    /// Binary accuracy with threshold 0.5.
    pub fn new() -> BinaryAccuracy {
        BinaryAccuracy {
            counter: BinaryCounter::new("binary_accuracy", ConfusionMatrix::accuracy),
        }
    }
}

binary_metric!(BinaryAccuracy);
