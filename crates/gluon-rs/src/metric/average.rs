//! [`Average`]: how F1, Precision, Recall and MCC combine their updates.

/// How a count-based metric ([`F1`](super::F1), [`Precision`](super::Precision),
/// [`Recall`](super::Recall), [`MCC`](super::MCC)) combines its updates.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Average {
    /// Add up the true and false positives and negatives of every update, and score the
    /// totals: the score of all the data seen, whatever its split into batches. This is
    /// MXNet 2.0's default (`average="micro"`) and ours.
    #[default]
    Pooled,
    /// Score each update on its own and report the mean of those scores: MXNet 1.9.1's
    /// default for F1 and MCC (there called `average="macro"`, a name MXNet 2.0 uses for a
    /// mean over classes instead).
    ///
    /// The figure depends on how the data was batched: a batch without positive labels or
    /// positive predictions scores 0 and pulls the mean down, however well it was
    /// classified. With the metric never reset between epochs, the mean also runs over
    /// every batch of every epoch so far. Both are why MXNet's logistic-regression
    /// tutorial prints an F1 well below that of its predictions. Use it to reproduce
    /// MXNet 1.9.1 figures, not to judge a model.
    PerBatchMean,
}

impl Average {
    /// The name used in metric specifications: `"pooled"` or `"per_batch_mean"`.
    pub fn name(&self) -> &'static str {
        match self {
            Average::Pooled => "pooled",
            Average::PerBatchMean => "per_batch_mean",
        }
    }
}
