//! The [`EvalMetric`] trait every metric implements.

use crate::nd::NDArray;
use crate::Result;

/// A metric that accumulates over `update` calls and reports one value, as MXNet's
/// `mx.metric.EvalMetric`.
///
/// Each metric keeps two sets of statistics: the local ones, since the last
/// [`reset`](EvalMetric::reset) or [`reset_local`](EvalMetric::reset_local), read by
/// [`get`](EvalMetric::get), and the global ones, since the last `reset`, read by
/// [`get_global`](EvalMetric::get_global).
///
/// An update either counts completely or not at all: when any `(label, pred)` pair is
/// rejected, `update_many` returns the error and the metric is unchanged.
///
/// A metric that has seen no samples since its statistics were cleared reports NaN, never
/// 0, so an empty evaluation cannot pass for a bad or a perfect one.
///
/// ```
/// use gluon_rs::metric::{Accuracy, EvalMetric};
/// use gluon_rs::nd;
///
/// let mut accuracy = Accuracy::new();
/// assert!(accuracy.get().1.is_nan());
///
/// accuracy.update(&nd::array(&[0.0, 1.0, 1.0], &[3]), &nd::array(&[0.0, 1.0, 0.0], &[3]))?;
/// let (name, value) = accuracy.get();
/// assert_eq!(name, "accuracy");
/// assert!((value - 2.0 / 3.0).abs() < 1e-12);
/// # Ok::<(), gluon_rs::Error>(())
/// ```
pub trait EvalMetric: std::fmt::Debug + Send {
    /// The metric's name, as `get` reports it (`"accuracy"`, `"f1"`, `"top_k_accuracy_3"`).
    fn name(&self) -> &str;

    /// Counts one `(label, pred)` pair.
    ///
    /// # Errors
    ///
    /// As [`update_many`](EvalMetric::update_many).
    fn update(&mut self, label: &NDArray, pred: &NDArray) -> Result<()> {
        self.update_many(std::slice::from_ref(label), std::slice::from_ref(pred))
    }

    /// Counts several `(label, pred)` pairs as one update: the i-th label goes with the
    /// i-th prediction. Metrics that average per update (see
    /// [`Average::PerBatchMean`](super::Average::PerBatchMean)) pool the pairs first.
    ///
    /// # Errors
    ///
    /// When the two lists differ in length, or a pair's shapes or values do not fit the
    /// metric (each metric's documentation lists its conditions). The metric is then
    /// unchanged.
    fn update_many(&mut self, labels: &[NDArray], preds: &[NDArray]) -> Result<()>;

    /// Checks that `update_many(labels, preds)` would succeed, without counting anything.
    ///
    /// # Errors
    ///
    /// Exactly those `update_many` would return.
    fn validate(&self, labels: &[NDArray], preds: &[NDArray]) -> Result<()>;

    /// The name and the value over the updates since the last `reset` or `reset_local`;
    /// the value is NaN when there were none.
    fn get(&self) -> (String, f64);

    /// The name and the value over the updates since the last `reset`, ignoring
    /// `reset_local`; NaN when there were none.
    fn get_global(&self) -> (String, f64);

    /// Every `(name, value)` this metric reports: one pair, or one per child of a
    /// [`CompositeEvalMetric`](super::CompositeEvalMetric).
    fn get_name_value(&self) -> Vec<(String, f64)> {
        vec![self.get()]
    }

    /// As [`get_name_value`](EvalMetric::get_name_value), from the global statistics.
    fn get_global_name_value(&self) -> Vec<(String, f64)> {
        vec![self.get_global()]
    }

    /// Clears the local and the global statistics.
    fn reset(&mut self);

    /// Clears the local statistics only; `get_global` keeps counting from the last `reset`.
    fn reset_local(&mut self);
}
