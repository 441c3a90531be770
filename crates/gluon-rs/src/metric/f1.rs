//! [`F1`]: the harmonic mean of precision and recall.

use super::binary_counter::{binary_metric, BinaryCounter};
use super::ConfusionMatrix;

/// The F1 score of a two-class problem, `2 P R / (P + R)`, as `mx.metric.F1` (name `"f1"`).
///
/// By default the true and false positives of every update are pooled and the totals
/// scored ([`Average::Pooled`](super::Average::Pooled), MXNet 2.0's default). MXNet
/// 1.9.1's default, the mean of per-update scores, is
/// [`Average::PerBatchMean`](super::Average::PerBatchMean); its documentation explains
/// why it reads low.
///
/// # Shapes
///
/// - label: `(N,)` or `(N, 1)`, each 0 or 1;
/// - pred: class-1 probabilities `(N,)` or `(N, 1)`, thresholded at
///   [`threshold`](F1::threshold) (0.5 unless set), or two columns `(N, 2)` of
///   `[p(class 0), p(class 1)]` whose second column is thresholded (axes of length 1 are
///   ignored, so MXNet's `stack(1 - p, p, axis=1)` of `(N, 1)` probabilities, shaped
///   `(N, 2, 1)`, works too).
///
/// # Errors
///
/// `update` returns an error when a label is not 0 or 1 (more than two classes), when a
/// prediction is not a probability in `[0, 1]` (logits) or a two-column row does not sum to
/// 1, or when the shapes fit neither layout.
///
/// ```
/// use gluon_rs::metric::{Average, EvalMetric, F1};
/// use gluon_rs::nd;
///
/// let mut pooled = F1::new();
/// let mut per_batch = F1::new().with_average(Average::PerBatchMean);
/// for metric in [&mut pooled, &mut per_batch] {
///     metric.update(&nd::array(&[0.0, 1.0, 1.0, 0.0], &[4]),
///                   &nd::array(&[0.2, 0.7, 0.4, 0.9], &[4]))?;
///     metric.update(&nd::array(&[0.0, 0.0], &[2]), &nd::array(&[0.1, 0.3], &[2]))?;
/// }
/// assert_eq!(pooled.get().1, 0.5);
/// assert_eq!(per_batch.get().1, 0.25);
/// # Ok::<(), gluon_rs::Error>(())
/// ```
#[derive(Debug, Clone)]
pub struct F1 {
    counter: BinaryCounter,
}

impl F1 {
    /// F1 with threshold 0.5 and pooled counts.
    pub fn new() -> F1 {
        F1 {
            counter: BinaryCounter::new("f1", ConfusionMatrix::f1),
        }
    }
}

binary_metric!(F1, averaged);
