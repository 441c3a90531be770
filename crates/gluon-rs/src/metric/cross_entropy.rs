//! [`CrossEntropy`]: mean negative log-probability of the true class.

use super::inputs::{check_pair_lists, class_index, input_error, same_samples, shape_error};
use super::running::{Running, SumCount};
use super::EvalMetric;
use crate::nd::NDArray;
use crate::{Error, Result};

/// Cross-entropy (log-loss) of predicted class probabilities, as `mx.metric.CrossEntropy`
/// (name `"cross-entropy"`): the mean over samples of `-ln(p[label] + eps)`, with `eps`
/// 1e-12 unless set, so a probability of 0 costs `-ln(1e-12)` rather than infinity.
///
/// # Shapes
///
/// - label: `(N,)` or `(N, 1)`, class indices in `[0, C)`;
/// - pred: probabilities `(N, C)` (a softmax output; for two classes, `[1 - p, p]`).
///
/// # Errors
///
/// `update` returns an error when the prediction is not `(N, C)` with one row per label,
/// a label is not a class index below C, or a prediction is not a probability in
/// `[0, 1]` (logits: apply softmax first).
///
/// ```
/// use gluon_rs::metric::{CrossEntropy, EvalMetric};
/// use gluon_rs::nd;
///
/// let mut ce = CrossEntropy::new();
/// ce.update(&nd::array(&[1.0, 0.0], &[2]), &nd::array(&[0.5, 0.5, 0.5, 0.5], &[2, 2]))?;
/// assert!((ce.get().1 - 2f64.ln()).abs() < 1e-9);
/// # Ok::<(), gluon_rs::Error>(())
/// ```
#[derive(Debug, Clone)]
pub struct CrossEntropy {
    eps: f64,
    running: Running<SumCount>,
}

impl Default for CrossEntropy {
    fn default() -> Self {
        Self::new()
    }
}

impl CrossEntropy {
    /// Cross-entropy with `eps` 1e-12.
    pub fn new() -> CrossEntropy {
        CrossEntropy {
            eps: 1e-12,
            running: Running::default(),
        }
    }

    /// Sets the constant added to each probability before the logarithm.
    ///
    /// # Errors
    ///
    /// When `eps` is negative or not finite.
    pub fn with_eps(mut self, eps: f64) -> Result<CrossEntropy> {
        if !(eps.is_finite() && eps >= 0.0) {
            return Err(Error::config(
                "cross-entropy eps",
                format!("{eps} is not >= 0"),
            ));
        }
        self.eps = eps;
        Ok(self)
    }

    fn sums(&self, labels: &[NDArray], preds: &[NDArray]) -> Result<SumCount> {
        check_pair_lists("cross-entropy", labels, preds)?;

        let mut sums = SumCount::default();
        for (label, pred) in labels.iter().zip(preds) {
            if pred.ndim() != 2 || !same_samples(label.shape(), &pred.shape()[..1]) {
                return Err(shape_error(
                    "cross-entropy",
                    label,
                    pred,
                    "predictions must be probabilities (N, C) with one row per label",
                ));
            }
            let num_classes = pred.shape()[1];
            let probabilities = pred.read();
            if let Some(position) = probabilities.iter().position(|p| !(0.0..=1.0).contains(p)) {
                return Err(input_error(
                    "cross-entropy",
                    format!(
                        "prediction {} at position {position} is not a probability in [0, 1]; \
                         apply softmax to the network's output first",
                        probabilities[position]
                    ),
                ));
            }

            for (row, &value) in label.read().iter().enumerate() {
                let class = class_index("cross-entropy", value, row, num_classes)?;
                let probability = f64::from(probabilities[row * num_classes + class]);
                sums.sum -= (probability + self.eps).ln();
            }
            sums.count += label.size() as f64;
        }
        Ok(sums)
    }
}

impl EvalMetric for CrossEntropy {
    fn name(&self) -> &str {
        "cross-entropy"
    }

    fn update_many(&mut self, labels: &[NDArray], preds: &[NDArray]) -> Result<()> {
        let sums = self.sums(labels, preds)?;
        self.running.add(&sums);
        Ok(())
    }

    fn validate(&self, labels: &[NDArray], preds: &[NDArray]) -> Result<()> {
        self.sums(labels, preds).map(|_| ())
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
