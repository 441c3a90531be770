//! The metrics of a binary classifier on labelled rows: what `evaluate` prints, `train`
//! reports at the end, and the last object of `metrics.json` holds.

use anyhow::Result;
use gluon_rs::metric::{ConfusionMatrix, CrossEntropy, EvalMetric, AUC};
use gluon_rs::nd::NDArray;
use serde::Serialize;
use std::fmt::Write as _;

/// The confusion matrix under the short keys of the JSON output.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Counts {
    /// Label 1, predicted 1.
    pub tp: u64,
    /// Label 0, predicted 1.
    pub fp: u64,
    /// Label 0, predicted 0.
    pub tn: u64,
    /// Label 1, predicted 0.
    #[serde(rename = "fn")]
    pub false_negatives: u64,
}

/// Every figure `evaluate --json` prints, in its key order.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Evaluation {
    /// Share of rows whose predicted class is their label.
    pub accuracy: f64,
    /// tp / (tp + fp), 0 when nothing is predicted positive.
    pub precision: f64,
    /// tp / (tp + fn), 0 when no label is positive.
    pub recall: f64,
    /// The harmonic mean of precision and recall.
    pub f1: f64,
    /// Matthews correlation coefficient.
    pub mcc: f64,
    /// Area under the ROC curve (NaN, written as null, with only one class present).
    pub roc_auc: f64,
    /// Mean negative log-likelihood of the labels under the predicted probabilities.
    pub log_loss: f64,
    /// The probability above which a row is predicted positive.
    pub threshold: f64,
    /// The number of rows.
    pub rows: usize,
    /// Share of rows labelled 1.
    pub positive_rate: f64,
    /// The accuracy of always predicting the more frequent class.
    pub majority_accuracy: f64,
    /// The four counts.
    pub confusion_matrix: Counts,
}

impl Evaluation {
    /// Scores class-1 `probabilities` against 0/1 `labels` at `threshold`.
    pub fn compute(labels: &[f32], probabilities: &[f32], threshold: f64) -> Result<Evaluation> {
        let rows = labels.len();
        let actual: Vec<bool> = labels.iter().map(|&label| label == 1.0).collect();
        let predicted: Vec<bool> = probabilities
            .iter()
            .map(|&p| f64::from(p) > threshold)
            .collect();
        let counts = ConfusionMatrix::from_classes(&actual, &predicted);

        let label_array = NDArray::from_slice(labels, &[rows]);
        let mut auc = AUC::new();
        auc.update(&label_array, &NDArray::from_slice(probabilities, &[rows]))?;
        let both_columns: Vec<f32> = probabilities.iter().flat_map(|&p| [1.0 - p, p]).collect();
        let mut log_loss = CrossEntropy::new();
        log_loss.update(&label_array, &NDArray::from_vec(both_columns, &[rows, 2]))?;

        let positives = actual.iter().filter(|&&label| label).count();
        let positive_rate = positives as f64 / rows as f64;
        Ok(Evaluation {
            accuracy: counts.accuracy(),
            precision: counts.precision(),
            recall: counts.recall(),
            f1: counts.f1(),
            mcc: counts.mcc(),
            roc_auc: auc.get().1,
            log_loss: log_loss.get().1,
            threshold,
            rows,
            positive_rate,
            majority_accuracy: positive_rate.max(1.0 - positive_rate),
            confusion_matrix: Counts {
                tp: counts.true_positives,
                fp: counts.false_positives,
                tn: counts.true_negatives,
                false_negatives: counts.false_negatives,
            },
        })
    }

    /// The class the model predicts for every row, if it predicts only one.
    pub fn single_class(&self) -> Option<u8> {
        let counts = &self.confusion_matrix;
        if counts.tp + counts.fp == 0 {
            Some(0)
        } else if counts.tn + counts.false_negatives == 0 {
            Some(1)
        } else {
            None
        }
    }

    /// The human-readable report, `rows_name` saying which rows were scored.
    pub fn report(&self, rows_name: &str) -> String {
        let mut text = String::new();
        let plural = if self.rows == 1 { "" } else { "s" };
        let _ = writeln!(text, "{rows_name} ({} row{plural}):", self.rows);
        let _ = writeln!(
            text,
            "  accuracy  {:.4}   (positive rate {:.4}, majority-class accuracy {:.4})",
            self.accuracy, self.positive_rate, self.majority_accuracy
        );
        if let Some(class) = self.single_class() {
            let _ = writeln!(
                text,
                "  note: the model predicts class {class} for every row; it has learned \
                 nothing that separates the classes at threshold {}",
                self.threshold
            );
        }
        let _ = writeln!(
            text,
            "  precision {:.4}   recall {:.4}   F1 {:.4}   MCC {:.4}",
            self.precision, self.recall, self.f1, self.mcc
        );
        let _ = writeln!(
            text,
            "  ROC AUC   {:.4}   log-loss {:.4}   threshold {}",
            self.roc_auc, self.log_loss, self.threshold
        );
        let counts = &self.confusion_matrix;
        let _ = writeln!(
            text,
            "  confusion matrix (rows: actual, columns: predicted):"
        );
        let _ = writeln!(text, "               predicted 0  predicted 1");
        let _ = writeln!(text, "    actual 0  {:>11}  {:>11}", counts.tn, counts.fp);
        let _ = writeln!(
            text,
            "    actual 1  {:>11}  {:>11}",
            counts.false_negatives, counts.tp
        );
        text
    }
}

/// The ROC curve, `(false positive rate, true positive rate)` from (0, 0) to (1, 1), one
/// point per distinct score. Empty when either class is absent.
pub fn roc_curve(labels: &[f32], probabilities: &[f32]) -> Vec<(f64, f64)> {
    let positives = labels.iter().filter(|&&label| label == 1.0).count() as f64;
    let negatives = labels.len() as f64 - positives;
    if positives == 0.0 || negatives == 0.0 {
        return Vec::new();
    }
    let mut scored: Vec<(f32, bool)> = probabilities
        .iter()
        .zip(labels)
        .map(|(&p, &label)| (p, label == 1.0))
        .collect();
    scored.sort_by(|a, b| b.0.total_cmp(&a.0));

    let mut curve = vec![(0.0, 0.0)];
    let (mut true_positives, mut false_positives) = (0.0, 0.0);
    for (index, &(score, positive)) in scored.iter().enumerate() {
        if positive {
            true_positives += 1.0;
        } else {
            false_positives += 1.0;
        }
        // Rows with tied scores are one step of the curve.
        let last_of_tie = scored.get(index + 1).is_none_or(|next| next.0 != score);
        if last_of_tie {
            curve.push((false_positives / negatives, true_positives / positives));
        }
    }
    curve
}

/// The threshold that maximizes F1 on these rows: the midpoint between the lowest
/// probability still predicted positive and the next lower one (0 below the lowest).
pub fn max_f1_threshold(labels: &[f32], probabilities: &[f32]) -> f64 {
    let mut distinct: Vec<f64> = probabilities.iter().map(|&p| f64::from(p)).collect();
    distinct.sort_by(|a, b| b.total_cmp(a));
    distinct.dedup();

    let actual: Vec<bool> = labels.iter().map(|&label| label == 1.0).collect();
    let mut best = (f64::NEG_INFINITY, 0.5);
    for (index, &lowest_positive) in distinct.iter().enumerate() {
        let below = distinct.get(index + 1).copied().unwrap_or(0.0);
        let threshold = (lowest_positive + below) / 2.0;
        let predicted: Vec<bool> = probabilities
            .iter()
            .map(|&p| f64::from(p) > threshold)
            .collect();
        let f1 = ConfusionMatrix::from_classes(&actual, &predicted).f1();
        if f1 > best.0 {
            best = (f1, threshold);
        }
    }
    best.1
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn evaluation_counts_and_rates_match_hand_computation() -> Result<()> {
        // Labels 1,1,0,0 with p 0.9,0.4,0.6,0.1 at 0.5: tp 1, fn 1, fp 1, tn 1.
        let evaluation = Evaluation::compute(&[1.0, 1.0, 0.0, 0.0], &[0.9, 0.4, 0.6, 0.1], 0.5)?;

        assert_eq!(evaluation.accuracy, 0.5);
        assert_eq!(evaluation.confusion_matrix.tp, 1);
        assert_eq!(evaluation.confusion_matrix.false_negatives, 1);
        assert_eq!(evaluation.majority_accuracy, 0.5);
        assert_eq!(evaluation.roc_auc, 0.75);
        Ok(())
    }

    #[test]
    fn json_keys_are_exactly_the_documented_ones() -> Result<()> {
        let evaluation = Evaluation::compute(&[1.0, 0.0], &[0.8, 0.3], 0.5)?;

        let value = serde_json::to_value(&evaluation)?;

        let keys: Vec<&String> = value.as_object().map(|o| o.keys().collect()).unwrap();
        assert_eq!(keys.len(), 12);
        assert!(value["confusion_matrix"]["fn"].is_u64());
        Ok(())
    }

    #[test]
    fn roc_curve_groups_tied_scores() {
        let curve = roc_curve(&[1.0, 0.0, 1.0, 0.0], &[0.9, 0.5, 0.5, 0.1]);

        assert_eq!(curve, vec![(0.0, 0.0), (0.0, 0.5), (0.5, 1.0), (1.0, 1.0)]);
    }

    #[test]
    fn max_f1_threshold_separates_separable_rows() {
        let threshold = max_f1_threshold(&[0.0, 0.0, 1.0, 1.0], &[0.1, 0.3, 0.35, 0.9]);

        assert!((threshold - 0.325).abs() < 1e-6, "{threshold}");
    }

    #[test]
    fn single_class_prediction_is_detected() -> Result<()> {
        let evaluation = Evaluation::compute(&[1.0, 0.0, 0.0], &[0.2, 0.1, 0.3], 0.5)?;

        assert_eq!(evaluation.single_class(), Some(0));
        assert!(evaluation
            .report("validation")
            .contains("predicts class 0 for every row"));
        Ok(())
    }
}
