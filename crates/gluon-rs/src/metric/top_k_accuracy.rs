//! [`TopKAccuracy`]: the share of samples whose label is among the k best-scored classes.

use super::inputs::{check_pair_lists, class_index, input_error, same_samples, shape_error};
use super::running::{Running, SumCount};
use super::EvalMetric;
use crate::nd::NDArray;
use crate::{Error, Result};

/// Top-k accuracy, as `mx.metric.TopKAccuracy` (name `"top_k_accuracy_<k>"`): a sample
/// counts as correct when its label is among the `k` classes with the highest scores.
///
/// Classes are ranked by score, ties going to the lower class index (as
/// [`Accuracy`](super::Accuracy)'s argmax does), so `k = 1` agrees with `Accuracy`.
///
/// # Shapes
///
/// - label: `(N,)` or `(N, 1)`, class indices in `[0, C)`;
/// - pred: scores `(N, C)`.
///
/// # Errors
///
/// `update` returns an error when the prediction is not two-dimensional, when its rows do
/// not match the labels, or when a label is not a class index below C.
///
/// ```
/// use gluon_rs::metric::{EvalMetric, TopKAccuracy};
/// use gluon_rs::nd;
///
/// let mut top2 = TopKAccuracy::new(2)?;
/// top2.update(&nd::array(&[2.0, 0.0, 1.0], &[3]),
///             &nd::array(&[0.1, 0.3, 0.6, 0.2, 0.5, 0.3, 0.5, 0.1, 0.4], &[3, 3]))?;
/// assert_eq!(top2.get().0, "top_k_accuracy_2");
/// assert!((top2.get().1 - 1.0 / 3.0).abs() < 1e-12);
/// # Ok::<(), gluon_rs::Error>(())
/// ```
#[derive(Debug, Clone)]
pub struct TopKAccuracy {
    top_k: usize,
    name: String,
    running: Running<SumCount>,
}

impl TopKAccuracy {
    /// Top-`top_k` accuracy.
    ///
    /// # Errors
    ///
    /// When `top_k` is 0.
    pub fn new(top_k: usize) -> Result<TopKAccuracy> {
        if top_k == 0 {
            return Err(Error::config("top_k", "must be at least 1"));
        }
        Ok(TopKAccuracy {
            top_k,
            name: format!("top_k_accuracy_{top_k}"),
            running: Running::default(),
        })
    }

    /// How many of the best-scored classes count.
    pub fn top_k(&self) -> usize {
        self.top_k
    }

    fn count(&self, labels: &[NDArray], preds: &[NDArray]) -> Result<SumCount> {
        check_pair_lists(&self.name, labels, preds)?;

        let mut counts = SumCount::default();
        for (label, pred) in labels.iter().zip(preds) {
            if pred.ndim() != 2 || !same_samples(label.shape(), &pred.shape()[..1]) {
                return Err(shape_error(
                    &self.name,
                    label,
                    pred,
                    "predictions must be scores (N, C) with one row per label",
                ));
            }
            let num_classes = pred.shape()[1];
            let scores = pred.read();
            if let Some(position) = scores.iter().position(|v| v.is_nan()) {
                return Err(input_error(
                    &self.name,
                    format!("score at position {position} is NaN"),
                ));
            }

            for (row, &value) in label.read().iter().enumerate() {
                let class = class_index(&self.name, value, row, num_classes)?;
                let row_scores = &scores[row * num_classes..(row + 1) * num_classes];
                if rank(row_scores, class) < self.top_k {
                    counts.sum += 1.0;
                }
            }
            counts.count += label.size() as f64;
        }
        Ok(counts)
    }
}

/// The 0-based rank of `class` when classes are sorted by descending score, ties broken
/// by ascending class index.
fn rank(scores: &[f32], class: usize) -> usize {
    let own = scores[class];
    scores
        .iter()
        .enumerate()
        .filter(|&(other, &score)| score > own || (score == own && other < class))
        .count()
}

impl EvalMetric for TopKAccuracy {
    fn name(&self) -> &str {
        &self.name
    }

    fn update_many(&mut self, labels: &[NDArray], preds: &[NDArray]) -> Result<()> {
        let counts = self.count(labels, preds)?;
        self.running.add(&counts);
        Ok(())
    }

    fn validate(&self, labels: &[NDArray], preds: &[NDArray]) -> Result<()> {
        self.count(labels, preds).map(|_| ())
    }

    fn get(&self) -> (String, f64) {
        (self.name.clone(), self.running.local.mean())
    }

    fn get_global(&self) -> (String, f64) {
        (self.name.clone(), self.running.global.mean())
    }

    fn reset(&mut self) {
        self.running.reset();
    }

    fn reset_local(&mut self) {
        self.running.reset_local();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rank_breaks_ties_by_class_index() {
        let scores = [0.5, 0.9, 0.5, 0.1];

        let ranks: Vec<usize> = (0..4).map(|class| rank(&scores, class)).collect();

        assert_eq!(ranks, vec![1, 0, 2, 3]);
    }
}
