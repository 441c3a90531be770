//! [`MCC`]: Matthews correlation coefficient.

use super::binary_counter::{binary_metric, BinaryCounter};
use super::ConfusionMatrix;

/// Matthews correlation coefficient of a two-class problem, as `mx.metric.MCC` (name
/// `"mcc"`): `(tp tn - fp fn) / sqrt((tp+fp)(tp+fn)(tn+fp)(tn+fn))`, a zero factor under
/// the root counting as 1. It runs from -1 to 1 and, unlike accuracy and F1, stays near 0
/// for a classifier that always predicts the majority class.
///
/// Inputs and thresholding are those of [`F1`](super::F1). Counts are pooled by default
/// (MXNet 2.0); MXNet 1.9.1's default is
/// [`Average::PerBatchMean`](super::Average::PerBatchMean).
///
/// # Shapes
///
/// - label: `(N,)` or `(N, 1)`, each 0 or 1;
/// - pred: class-1 probabilities `(N,)` or `(N, 1)`, or two columns `(N, 2)`.
///
/// # Errors
///
/// `update` fails under the same conditions as [`F1`](super::F1)'s.
///
/// ```
/// use gluon_rs::metric::{EvalMetric, MCC};
/// use gluon_rs::nd;
///
/// let mut mcc = MCC::new();
/// mcc.update(&nd::array(&[1.0, 1.0, 0.0, 0.0, 1.0], &[5]),
///            &nd::array(&[0.8, 0.7, 0.1, 0.2, 0.3], &[5]))?;
/// assert!((mcc.get().1 - 2.0 / 3.0).abs() < 1e-12);
/// # Ok::<(), gluon_rs::Error>(())
/// ```
#[derive(Debug, Clone)]
pub struct MCC {
    counter: BinaryCounter,
}

impl MCC {
    /// MCC with threshold 0.5 and pooled counts.
    pub fn new() -> MCC {
        MCC {
            counter: BinaryCounter::new("mcc", ConfusionMatrix::mcc),
        }
    }
}

binary_metric!(MCC, averaged);
