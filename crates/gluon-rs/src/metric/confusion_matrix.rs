//! [`ConfusionMatrix`]: the four counts of a two-class problem.

use super::running::Merge;
use std::fmt;

/// True and false positives and negatives of a two-class problem, class 1 being the
/// positive class.
///
/// The scores follow MXNet 1.9.1's conventions for empty denominators: precision is 0 with
/// no predicted positive, recall is 0 with no positive label, F1 is 0 when both are 0, and
/// MCC replaces a zero marginal by 1 (so it is 0 when a whole row or column is empty).
///
/// It prints as a small table, for the command line:
///
/// ```
/// use gluon_rs::metric::ConfusionMatrix;
///
/// let counts = ConfusionMatrix { true_positives: 2, false_positives: 0,
///                                true_negatives: 1, false_negatives: 1 };
/// assert!((counts.f1() - 0.8).abs() < 1e-12);
/// assert!(counts.to_string().contains("actual 1"));
/// ```
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ConfusionMatrix {
    /// Label 1, predicted 1.
    pub true_positives: u64,
    /// Label 0, predicted 1.
    pub false_positives: u64,
    /// Label 0, predicted 0.
    pub true_negatives: u64,
    /// Label 1, predicted 0.
    pub false_negatives: u64,
}

impl ConfusionMatrix {
    /// Counts `(label, predicted)` pairs of classes, `true` standing for class 1.
    pub fn from_classes(labels: &[bool], predicted: &[bool]) -> ConfusionMatrix {
        let mut counts = ConfusionMatrix::default();
        for (&label, &prediction) in labels.iter().zip(predicted) {
            match (label, prediction) {
                (true, true) => counts.true_positives += 1,
                (false, true) => counts.false_positives += 1,
                (false, false) => counts.true_negatives += 1,
                (true, false) => counts.false_negatives += 1,
            }
        }
        counts
    }

    /// The number of samples counted.
    pub fn total(&self) -> u64 {
        self.true_positives + self.false_positives + self.true_negatives + self.false_negatives
    }

    /// `tp / (tp + fp)`, or 0 when nothing was predicted positive.
    pub fn precision(&self) -> f64 {
        ratio(
            self.true_positives,
            self.true_positives + self.false_positives,
        )
    }

    /// `tp / (tp + fn)`, or 0 when no label is positive.
    pub fn recall(&self) -> f64 {
        ratio(
            self.true_positives,
            self.true_positives + self.false_negatives,
        )
    }

    /// `2 P R / (P + R)`, or 0 when precision and recall are both 0.
    pub fn f1(&self) -> f64 {
        let precision = self.precision();
        let recall = self.recall();
        if precision + recall == 0.0 {
            0.0
        } else {
            2.0 * precision * recall / (precision + recall)
        }
    }

    /// Matthews correlation coefficient,
    /// `(tp tn - fp fn) / sqrt((tp+fp)(tp+fn)(tn+fp)(tn+fn))`, with each zero factor under
    /// the root replaced by 1 (MXNet's convention; the numerator is then 0).
    pub fn mcc(&self) -> f64 {
        let [tp, fp, tn, fn_] = [
            self.true_positives,
            self.false_positives,
            self.true_negatives,
            self.false_negatives,
        ]
        .map(|count| count as f64);
        let denominator: f64 = [tp + fp, tp + fn_, tn + fp, tn + fn_]
            .iter()
            .map(|&marginal| if marginal == 0.0 { 1.0 } else { marginal })
            .product();
        (tp * tn - fp * fn_) / denominator.sqrt()
    }

    /// `(tp + tn) / total`, or NaN when nothing was counted.
    pub fn accuracy(&self) -> f64 {
        if self.total() == 0 {
            f64::NAN
        } else {
            (self.true_positives + self.true_negatives) as f64 / self.total() as f64
        }
    }
}

fn ratio(numerator: u64, denominator: u64) -> f64 {
    if denominator == 0 {
        0.0
    } else {
        numerator as f64 / denominator as f64
    }
}

impl Merge for ConfusionMatrix {
    fn merge(&mut self, other: &Self) {
        self.true_positives += other.true_positives;
        self.false_positives += other.false_positives;
        self.true_negatives += other.true_negatives;
        self.false_negatives += other.false_negatives;
    }
}

impl fmt::Display for ConfusionMatrix {
    /// Rows are the labels, columns the predictions.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let width = self.total().to_string().len().max("predicted 0".len());
        writeln!(
            f,
            "{:>10} {:>width$} {:>width$}",
            "", "predicted 0", "predicted 1"
        )?;
        writeln!(
            f,
            "{:>10} {:>width$} {:>width$}",
            "actual 0", self.true_negatives, self.false_positives
        )?;
        write!(
            f,
            "{:>10} {:>width$} {:>width$}",
            "actual 1", self.false_negatives, self.true_positives
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_each_outcome_once() {
        let labels = [true, false, true, true];
        let predicted = [true, false, false, true];

        let counts = ConfusionMatrix::from_classes(&labels, &predicted);

        assert_eq!(counts.true_positives, 2);
        assert_eq!(counts.true_negatives, 1);
        assert_eq!(counts.false_negatives, 1);
        assert_eq!(counts.false_positives, 0);
    }

    #[test]
    fn empty_denominators_give_zero_scores() {
        let all_negative = ConfusionMatrix {
            true_negatives: 4,
            ..Default::default()
        };

        let scores = [
            all_negative.precision(),
            all_negative.recall(),
            all_negative.f1(),
        ];

        assert_eq!(scores, [0.0, 0.0, 0.0]);
        assert_eq!(all_negative.mcc(), 0.0);
    }

    #[test]
    fn mcc_matches_a_hand_computed_value() {
        // tp 2, fp 0, tn 2, fn 1: (4 - 0) / sqrt(2 * 3 * 2 * 3) = 4 / 6.
        let counts = ConfusionMatrix {
            true_positives: 2,
            false_positives: 0,
            true_negatives: 2,
            false_negatives: 1,
        };

        let mcc = counts.mcc();

        assert!((mcc - 2.0 / 3.0).abs() < 1e-12);
    }

    #[test]
    fn display_puts_labels_in_rows() {
        let counts = ConfusionMatrix {
            true_positives: 7,
            false_positives: 3,
            true_negatives: 11,
            false_negatives: 5,
        };

        let text = counts.to_string();

        let rows: Vec<&str> = text.lines().collect();
        assert!(rows[1].trim_start().starts_with("actual 0") && rows[1].ends_with(" 3"));
        assert!(rows[2].trim_start().starts_with("actual 1") && rows[2].ends_with(" 7"));
    }
}
