//! [`Loss`]: the mean of loss values.

use super::running::{Running, SumCount};
use super::EvalMetric;
use crate::nd::NDArray;
use crate::Result;

/// The mean of per-sample loss values, as `mx.metric.Loss` (name `"loss"`): the
/// "predictions" are the output of a loss function, and labels are ignored.
///
/// Every element weighs the same, so a small last batch counts for its size.
///
/// # Shapes
///
/// - label: ignored (pass any array, or an empty list to `update_many`);
/// - pred: loss values of any shape.
///
/// ```
/// use gluon_rs::metric::{EvalMetric, Loss};
/// use gluon_rs::nd;
///
/// let mut loss = Loss::new();
/// loss.update_loss(&nd::array(&[1.0, 2.0, 3.0], &[3]));
/// loss.update_loss(&nd::array(&[6.0], &[1]));
/// assert_eq!(loss.get(), ("loss".to_string(), 3.0));
/// ```
#[derive(Debug, Clone, Default)]
pub struct Loss {
    running: Running<SumCount>,
}

impl Loss {
    /// An empty loss metric.
    pub fn new() -> Loss {
        Loss::default()
    }

    /// Counts every element of `losses`.
    pub fn update_loss(&mut self, losses: &NDArray) {
        self.running.add(&sums(std::slice::from_ref(losses)));
    }
}

fn sums(preds: &[NDArray]) -> SumCount {
    let mut sums = SumCount::default();
    for pred in preds {
        sums.sum += pred.read().iter().map(|&v| f64::from(v)).sum::<f64>();
        sums.count += pred.size() as f64;
    }
    sums
}

impl EvalMetric for Loss {
    fn name(&self) -> &str {
        "loss"
    }

    /// Counts every element of every prediction; `labels` are ignored.
    fn update_many(&mut self, _labels: &[NDArray], preds: &[NDArray]) -> Result<()> {
        self.running.add(&sums(preds));
        Ok(())
    }

    fn validate(&self, _labels: &[NDArray], _preds: &[NDArray]) -> Result<()> {
        Ok(())
    }

    fn get(&self) -> (String, f64) {
        (self.name().to_string(), self.running.local.mean())
    }

    fn get_global(&self) -> (String, f64) {
        (self.name().to_string(), self.running.global.mean())
    }

    fn reset(&mut self) {
        self.running.reset();
    }

    fn reset_local(&mut self) {
        self.running.reset_local();
    }
}
