//! [`AUC`]: area under the ROC curve.

use super::inputs::{binary_labels, check_pair_lists, class_one_scores};
use super::running::{Merge, Running};
use super::EvalMetric;
use crate::nd::NDArray;
use crate::Result;

/// Every (score, label) pair seen.
#[derive(Debug, Clone, Default)]
struct Scored {
    pairs: Vec<(f32, bool)>,
}

impl Merge for Scored {
    fn merge(&mut self, other: &Self) {
        self.pairs.extend_from_slice(&other.pairs);
    }
}

/// Area under the ROC curve of a two-class problem (name `"auc"`; MXNet has no such
/// class): the probability that a random positive sample scores above a random negative
/// one, a tie counting one half.
///
/// It is computed from the ranks of the scores (the Mann-Whitney U statistic), with tied
/// scores given the mean of the ranks they span, so it needs no threshold and any
/// monotone scores (probabilities or logits) give the same value.
///
/// # Shapes
///
/// - label: `(N,)` or `(N, 1)`, each 0 or 1;
/// - pred: class-1 scores `(N,)` or `(N, 1)`, or two columns `(N, 2)` whose second is
///   used.
///
/// # Errors
///
/// `update` returns an error when a label is not 0 or 1, a score is not finite, or the
/// shapes fit neither layout.
///
/// # Limitations
///
/// It keeps every score seen since the last `reset` (twice, for the local and global
/// statistics), so memory grows with the evaluation set. With only one class among the
/// labels the area is undefined and `get` reports NaN.
///
/// ```
/// use gluon_rs::metric::{EvalMetric, AUC};
/// use gluon_rs::nd;
///
/// let mut auc = AUC::new();
/// auc.update(&nd::array(&[0.0, 0.0, 1.0, 1.0], &[4]),
///            &nd::array(&[0.1, 0.4, 0.35, 0.8], &[4]))?;
/// assert_eq!(auc.get().1, 0.75);
/// # Ok::<(), gluon_rs::Error>(())
/// ```
#[derive(Debug, Clone, Default)]
pub struct AUC {
    running: Running<Scored>,
}

impl AUC {
    /// An empty ROC AUC metric.
    pub fn new() -> AUC {
        AUC::default()
    }

    fn collect(&self, labels: &[NDArray], preds: &[NDArray]) -> Result<Scored> {
        check_pair_lists("auc", labels, preds)?;

        let mut scored = Scored::default();
        for (label, pred) in labels.iter().zip(preds) {
            let scores = class_one_scores("auc", label, pred, false)?;
            let classes = binary_labels("auc", label)?;
            scored.pairs.extend(scores.into_iter().zip(classes));
        }
        Ok(scored)
    }
}

/// The area from the rank sum of the positives: with average ranks `r` (1-based) over all
/// samples, `(sum of r over positives - P (P + 1) / 2) / (P N)`.
fn area(pairs: &[(f32, bool)]) -> f64 {
    let positives = pairs.iter().filter(|pair| pair.1).count() as f64;
    let negatives = pairs.len() as f64 - positives;
    if positives == 0.0 || negatives == 0.0 {
        return f64::NAN;
    }

    let mut sorted = pairs.to_vec();
    sorted.sort_by(|a, b| a.0.total_cmp(&b.0));

    let mut positive_rank_sum = 0.0;
    let mut start = 0;
    while start < sorted.len() {
        let mut end = start;
        while end < sorted.len() && sorted[end].0 == sorted[start].0 {
            end += 1;
        }
        // Ranks start+1 ..= end share their mean.
        let mean_rank = (start + 1 + end) as f64 / 2.0;
        let tied_positives = sorted[start..end].iter().filter(|pair| pair.1).count();
        positive_rank_sum += mean_rank * tied_positives as f64;
        start = end;
    }

    (positive_rank_sum - positives * (positives + 1.0) / 2.0) / (positives * negatives)
}

impl EvalMetric for AUC {
    fn name(&self) -> &str {
        "auc"
    }

    fn update_many(&mut self, labels: &[NDArray], preds: &[NDArray]) -> Result<()> {
        let scored = self.collect(labels, preds)?;
        self.running.add(&scored);
        Ok(())
    }

    fn validate(&self, labels: &[NDArray], preds: &[NDArray]) -> Result<()> {
        self.collect(labels, preds).map(|_| ())
    }

    fn get(&self) -> (String, f64) {
        (self.name().to_string(), area(&self.running.local.pairs))
    }

    fn get_global(&self) -> (String, f64) {
        (self.name().to_string(), area(&self.running.global.pairs))
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
    fn perfect_and_reversed_rankings_give_one_and_zero() {
        let perfect = [(0.1, false), (0.9, true)];
        let reversed = [(0.9, false), (0.1, true)];

        let areas = [area(&perfect), area(&reversed)];

        assert_eq!(areas, [1.0, 0.0]);
    }

    #[test]
    fn all_scores_tied_give_one_half() {
        let tied = [(0.5, false), (0.5, true), (0.5, true)];

        let result = area(&tied);

        assert_eq!(result, 0.5);
    }
}
