//! [`CompositeEvalMetric`]: several metrics updated together.

use super::EvalMetric;
use crate::nd::NDArray;
use crate::Result;

/// Several metrics fed the same updates, as `mx.metric.CompositeEvalMetric` (name
/// `"composite"`).
///
/// An update is checked by every child before any child counts it, so a rejected update
/// leaves all of them unchanged.
///
/// Read it with [`get_name_value`](EvalMetric::get_name_value), one `(name, value)` per
/// child in the order they were added. A composite has no single value: its `get` reports
/// the children's names joined by `", "` and NaN.
///
/// ```
/// use gluon_rs::metric::{Accuracy, CompositeEvalMetric, EvalMetric, F1};
/// use gluon_rs::nd;
///
/// let mut metrics = CompositeEvalMetric::new().with(Accuracy::new()).with(F1::new());
/// metrics.update(&nd::array(&[1.0, 0.0], &[2]), &nd::array(&[0.2, 0.8, 0.6, 0.4], &[2, 2]))?;
/// let names: Vec<String> = metrics.get_name_value().into_iter().map(|(name, _)| name).collect();
/// assert_eq!(names, ["accuracy", "f1"]);
/// # Ok::<(), gluon_rs::Error>(())
/// ```
#[derive(Debug, Default)]
pub struct CompositeEvalMetric {
    metrics: Vec<Box<dyn EvalMetric>>,
}

impl CompositeEvalMetric {
    /// A composite without children.
    pub fn new() -> CompositeEvalMetric {
        CompositeEvalMetric::default()
    }

    /// Adds a child metric, as MXNet's `add`.
    pub fn add(&mut self, metric: Box<dyn EvalMetric>) {
        self.metrics.push(metric);
    }

    /// Adds a child metric, builder style.
    pub fn with(mut self, metric: impl EvalMetric + 'static) -> CompositeEvalMetric {
        self.metrics.push(Box::new(metric));
        self
    }

    /// The children, in the order they were added.
    pub fn metrics(&self) -> &[Box<dyn EvalMetric>] {
        &self.metrics
    }

    /// The child at `index`, as MXNet's `get_metric`.
    pub fn get_metric(&self, index: usize) -> Option<&dyn EvalMetric> {
        self.metrics.get(index).map(|metric| metric.as_ref())
    }

    /// The children's names and values as two lists, as MXNet's composite `get()`.
    pub fn get_lists(&self) -> (Vec<String>, Vec<f64>) {
        self.get_name_value().into_iter().unzip()
    }
}

impl EvalMetric for CompositeEvalMetric {
    fn name(&self) -> &str {
        "composite"
    }

    fn update_many(&mut self, labels: &[NDArray], preds: &[NDArray]) -> Result<()> {
        self.validate(labels, preds)?;

        for metric in &mut self.metrics {
            metric.update_many(labels, preds)?;
        }
        Ok(())
    }

    fn validate(&self, labels: &[NDArray], preds: &[NDArray]) -> Result<()> {
        self.metrics
            .iter()
            .try_for_each(|metric| metric.validate(labels, preds))
    }

    fn get(&self) -> (String, f64) {
        let names: Vec<String> = self.metrics.iter().map(|m| m.name().to_string()).collect();
        (names.join(", "), f64::NAN)
    }

    fn get_global(&self) -> (String, f64) {
        self.get()
    }

    fn get_name_value(&self) -> Vec<(String, f64)> {
        self.metrics
            .iter()
            .flat_map(|m| m.get_name_value())
            .collect()
    }

    fn get_global_name_value(&self) -> Vec<(String, f64)> {
        self.metrics
            .iter()
            .flat_map(|m| m.get_global_name_value())
            .collect()
    }

    fn reset(&mut self) {
        self.metrics.iter_mut().for_each(|metric| metric.reset());
    }

    fn reset_local(&mut self) {
        self.metrics
            .iter_mut()
            .for_each(|metric| metric.reset_local());
    }
}
