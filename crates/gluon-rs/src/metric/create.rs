//! [`create`]: metrics by name, as `mx.metric.create`.

use super::{
    Accuracy, BinaryAccuracy, CompositeEvalMetric, CrossEntropy, EvalMetric, Loss, Precision,
    Recall, TopKAccuracy, AUC, F1, MAE, MCC, MSE, RMSE,
};
use crate::{Error, Result};

/// Every name [`create`] accepts; `top_k_accuracy_<k>` stands for any k of at least 1.
pub const METRIC_NAMES: &[&str] = &[
    "acc",
    "accuracy",
    "auc",
    "binary_accuracy",
    "binaryaccuracy",
    "ce",
    "composite",
    "compositeevalmetric",
    "cross-entropy",
    "crossentropy",
    "f1",
    "loss",
    "mae",
    "mcc",
    "mse",
    "precision",
    "recall",
    "rmse",
    "roc_auc",
    "top_k_accuracy_<k>",
];

/// A metric with default settings from its name, compared case-insensitively: `"acc"`,
/// `"f1"`, `"mcc"`, `"top_k_accuracy_5"` and the rest of [`METRIC_NAMES`].
///
/// F1, Precision, Recall and MCC are created with pooled counts; for MXNet 1.9.1's
/// per-batch mean build them with
/// [`with_average`](F1::with_average).
///
/// # Errors
///
/// When the name is unknown (the message lists the valid names), or is a top-k accuracy
/// without its k.
///
/// ```
/// use gluon_rs::metric;
///
/// let f1 = metric::create("F1")?;
/// assert_eq!(f1.name(), "f1");
/// assert!(metric::create("accuracy_score").is_err());
/// # Ok::<(), gluon_rs::Error>(())
/// ```
pub fn create(name: &str) -> Result<Box<dyn EvalMetric>> {
    let key = name.trim().to_lowercase();
    let metric: Box<dyn EvalMetric> = match key.as_str() {
        "acc" | "accuracy" => Box::new(Accuracy::new()),
        "auc" | "roc_auc" => Box::new(AUC::new()),
        "binary_accuracy" | "binaryaccuracy" => Box::new(BinaryAccuracy::new()),
        "ce" | "cross-entropy" | "crossentropy" => Box::new(CrossEntropy::new()),
        "composite" | "compositeevalmetric" => Box::new(CompositeEvalMetric::new()),
        "f1" => Box::new(F1::new()),
        "loss" => Box::new(Loss::new()),
        "mae" => Box::new(MAE::new()),
        "mcc" => Box::new(MCC::new()),
        "mse" => Box::new(MSE::new()),
        "precision" => Box::new(Precision::new()),
        "recall" => Box::new(Recall::new()),
        "rmse" => Box::new(RMSE::new()),
        "top_k_acc" | "top_k_accuracy" | "topkaccuracy" => {
            return Err(Error::config(
                "metric",
                format!("{name:?} needs its k: write top_k_accuracy_<k>, e.g. top_k_accuracy_5"),
            ))
        }
        _ => match key.strip_prefix("top_k_accuracy_").map(str::parse::<usize>) {
            Some(Ok(top_k)) => Box::new(TopKAccuracy::new(top_k)?),
            _ => {
                return Err(Error::config(
                    "metric",
                    format!(
                        "unknown metric {name:?}; valid names: {}",
                        METRIC_NAMES.join(", ")
                    ),
                ))
            }
        },
    };
    Ok(metric)
}

/// A [`CompositeEvalMetric`] of the metrics named, in order, as `mx.metric.create` given
/// a list.
///
/// # Errors
///
/// As [`create`], for the first name that fails.
pub fn create_composite(names: &[&str]) -> Result<CompositeEvalMetric> {
    let mut composite = CompositeEvalMetric::new();
    for name in names {
        composite.add(create(name)?);
    }
    Ok(composite)
}
