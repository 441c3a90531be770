//! [`Recall`]: the share of positives predicted positive.

use super::binary_counter::{binary_metric, BinaryCounter};
use super::ConfusionMatrix;

/// Recall of a two-class problem, `tp / (tp + fn)`, or 0 with no positive label (name
/// `"recall"`; MXNet has no such class).
///
/// Inputs, thresholding and averaging are those of [`F1`](super::F1).
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
/// use gluon_rs::metric::{EvalMetric, Recall};
/// use gluon_rs::nd;
///
/// let mut recall = Recall::new();
/// recall.update(&nd::array(&[1.0, 0.0, 1.0], &[3]), &nd::array(&[0.9, 0.8, 0.1], &[3]))?;
/// assert_eq!(recall.get(), ("recall".to_string(), 0.5));
/// # Ok::<(), gluon_rs::Error>(())
/// ```
#[derive(Debug, Clone)]
pub struct Recall {
    counter: BinaryCounter,
}

impl Recall {
    /// Recall with threshold 0.5 and pooled counts.
    pub fn new() -> Recall {
        Recall {
            counter: BinaryCounter::new("recall", ConfusionMatrix::recall),
        }
    }
}

binary_metric!(Recall, averaged);
