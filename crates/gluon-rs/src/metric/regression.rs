//! Per-element error sums shared by [`MAE`](super::MAE), [`MSE`](super::MSE) and
//! [`RMSE`](super::RMSE).

use super::inputs::{check_pair_lists, same_samples, shape_error};
use super::running::SumCount;
use crate::nd::NDArray;
use crate::Result;

/// The sum of `error(label - pred)` over every element of every pair, and the number of
/// elements: each sample weighs the same, whatever the size of its batch.
pub(crate) fn error_sums(
    metric: &str,
    labels: &[NDArray],
    preds: &[NDArray],
    error: fn(f64) -> f64,
) -> Result<SumCount> {
    check_pair_lists(metric, labels, preds)?;

    let mut sums = SumCount::default();
    for (label, pred) in labels.iter().zip(preds) {
        if !same_samples(label.shape(), pred.shape()) {
            return Err(shape_error(
                metric,
                label,
                pred,
                "predictions must hold one value per label element",
            ));
        }
        let label_values = label.read();
        let pred_values = pred.read();
        for (&target, &value) in label_values.iter().zip(pred_values.iter()) {
            sums.sum += error(f64::from(target) - f64::from(value));
        }
        sums.count += label_values.len() as f64;
    }
    Ok(sums)
}

/// Implements [`EvalMetric`](super::EvalMetric) for a regression metric with a `running:
/// Running<SumCount>` field, given its name, per-element error and the map from the mean
/// error to the reported value.
macro_rules! regression_metric {
    ($metric:ident, $name:literal, $error:expr, $report:expr) => {
        impl Default for $metric {
            fn default() -> Self {
                Self::new()
            }
        }

        impl super::EvalMetric for $metric {
            fn name(&self) -> &str {
                $name
            }

            fn update_many(
                &mut self,
                labels: &[$crate::nd::NDArray],
                preds: &[$crate::nd::NDArray],
            ) -> $crate::Result<()> {
                let sums = super::regression::error_sums($name, labels, preds, $error)?;
                self.running.add(&sums);
                Ok(())
            }

            fn validate(
                &self,
                labels: &[$crate::nd::NDArray],
                preds: &[$crate::nd::NDArray],
            ) -> $crate::Result<()> {
                super::regression::error_sums($name, labels, preds, $error).map(|_| ())
            }

            fn get(&self) -> (String, f64) {
                let report: fn(f64) -> f64 = $report;
                ($name.to_string(), report(self.running.local.mean()))
            }

            fn get_global(&self) -> (String, f64) {
                let report: fn(f64) -> f64 = $report;
                ($name.to_string(), report(self.running.global.mean()))
            }

            fn reset(&mut self) {
                self.running.reset();
            }

            fn reset_local(&mut self) {
                self.running.reset_local();
            }
        }
    };
}

pub(crate) use regression_metric;
