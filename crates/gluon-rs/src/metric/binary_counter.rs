//! The counting machinery behind F1, Precision, Recall and MCC.

use super::inputs::{binary_labels, check_pair_lists, class_one_scores};
use super::running::{Merge, Running, SumCount};
use super::{Average, ConfusionMatrix};
use crate::nd::NDArray;
use crate::{Error, Result};

/// What a count-based metric accumulates: the pooled counts, and the per-update scores for
/// [`Average::PerBatchMean`].
#[derive(Debug, Clone, Default)]
pub(crate) struct BinaryStats {
    pooled: ConfusionMatrix,
    update_scores: SumCount,
}

impl Merge for BinaryStats {
    fn merge(&mut self, other: &Self) {
        self.pooled.merge(&other.pooled);
        self.update_scores.merge(&other.update_scores);
    }
}

/// Thresholds class-1 probabilities, counts the outcomes and scores them with `score`.
#[derive(Debug, Clone)]
pub(crate) struct BinaryCounter {
    name: &'static str,
    threshold: f32,
    average: Average,
    score: fn(&ConfusionMatrix) -> f64,
    running: Running<BinaryStats>,
}

impl BinaryCounter {
    /// A counter with threshold 0.5 and pooled counts.
    pub(crate) fn new(name: &'static str, score: fn(&ConfusionMatrix) -> f64) -> BinaryCounter {
        BinaryCounter {
            name,
            threshold: 0.5,
            average: Average::Pooled,
            score,
            running: Running::default(),
        }
    }

    pub(crate) fn name(&self) -> &'static str {
        self.name
    }

    pub(crate) fn threshold(&self) -> f32 {
        self.threshold
    }

    /// Sets the threshold; a probability above it predicts class 1.
    pub(crate) fn set_threshold(&mut self, threshold: f32) -> Result<()> {
        if !(0.0..=1.0).contains(&threshold) {
            return Err(Error::config(
                format!("{} threshold", self.name),
                format!("{threshold} is not a probability in [0, 1]"),
            ));
        }
        self.threshold = threshold;
        Ok(())
    }

    pub(crate) fn average(&self) -> Average {
        self.average
    }

    pub(crate) fn set_average(&mut self, average: Average) {
        self.average = average;
    }

    /// The counts of every pair of one update, pooled.
    pub(crate) fn count(&self, labels: &[NDArray], preds: &[NDArray]) -> Result<ConfusionMatrix> {
        check_pair_lists(self.name, labels, preds)?;

        let mut counts = ConfusionMatrix::default();
        for (label, pred) in labels.iter().zip(preds) {
            let scores = class_one_scores(self.name, label, pred, true)?;
            let classes = binary_labels(self.name, label)?;
            let predicted: Vec<bool> = scores.iter().map(|&p| p > self.threshold).collect();
            counts.merge(&ConfusionMatrix::from_classes(&classes, &predicted));
        }
        Ok(counts)
    }

    pub(crate) fn update_many(&mut self, labels: &[NDArray], preds: &[NDArray]) -> Result<()> {
        let counts = self.count(labels, preds)?;

        // An update without samples is no batch: it would score 0 under the per-batch mean.
        if counts.total() > 0 {
            let update_scores = SumCount {
                sum: (self.score)(&counts),
                count: 1.0,
            };
            self.running.add(&BinaryStats {
                pooled: counts,
                update_scores,
            });
        }
        Ok(())
    }

    fn value(&self, stats: &BinaryStats) -> f64 {
        match self.average {
            Average::Pooled if stats.pooled.total() == 0 => f64::NAN,
            Average::Pooled => (self.score)(&stats.pooled),
            Average::PerBatchMean => stats.update_scores.mean(),
        }
    }

    pub(crate) fn get(&self) -> f64 {
        self.value(&self.running.local)
    }

    pub(crate) fn get_global(&self) -> f64 {
        self.value(&self.running.global)
    }

    pub(crate) fn confusion(&self) -> ConfusionMatrix {
        self.running.local.pooled
    }

    pub(crate) fn reset(&mut self) {
        self.running.reset();
    }

    pub(crate) fn reset_local(&mut self) {
        self.running.reset_local();
    }
}

/// Implements the shared builder methods and [`EvalMetric`](super::EvalMetric) for a
/// metric type whose `counter` field is a [`BinaryCounter`].
macro_rules! binary_metric {
    ($metric:ident, averaged) => {
        impl $metric {
            /// Sets how updates are combined (see [`Average`](super::Average)).
            pub fn with_average(mut self, average: super::Average) -> Self {
                self.counter.set_average(average);
                self
            }

            /// How updates are combined.
            pub fn average(&self) -> super::Average {
                self.counter.average()
            }
        }

        binary_metric!($metric);
    };
    ($metric:ident) => {
        impl $metric {
            /// Sets the threshold: a class-1 probability above it predicts class 1.
            ///
            /// # Errors
            ///
            /// When `threshold` is not in `[0, 1]`.
            pub fn with_threshold(mut self, threshold: f32) -> $crate::Result<Self> {
                self.counter.set_threshold(threshold)?;
                Ok(self)
            }

            /// The threshold applied to class-1 probabilities.
            pub fn threshold(&self) -> f32 {
                self.counter.threshold()
            }

            /// The counts pooled over the updates since the last `reset` or `reset_local`,
            /// whatever the averaging mode.
            pub fn confusion(&self) -> super::ConfusionMatrix {
                self.counter.confusion()
            }
        }

        impl Default for $metric {
            fn default() -> Self {
                Self::new()
            }
        }

        impl super::EvalMetric for $metric {
            fn name(&self) -> &str {
                self.counter.name()
            }

            fn update_many(
                &mut self,
                labels: &[$crate::nd::NDArray],
                preds: &[$crate::nd::NDArray],
            ) -> $crate::Result<()> {
                self.counter.update_many(labels, preds)
            }

            fn validate(
                &self,
                labels: &[$crate::nd::NDArray],
                preds: &[$crate::nd::NDArray],
            ) -> $crate::Result<()> {
                self.counter.count(labels, preds).map(|_| ())
            }

            fn get(&self) -> (String, f64) {
                (self.counter.name().to_string(), self.counter.get())
            }

            fn get_global(&self) -> (String, f64) {
                (self.counter.name().to_string(), self.counter.get_global())
            }

            fn reset(&mut self) {
                self.counter.reset();
            }

            fn reset_local(&mut self) {
                self.counter.reset_local();
            }
        }
    };
}

pub(crate) use binary_metric;
