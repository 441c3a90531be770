//! Evaluation metrics, as `mx.metric` (MXNet 1.x) and `mx.gluon.metric` (2.0).
//!
//! Every metric implements [`EvalMetric`]: `update` with labels and predictions, `get`
//! for `(name, value)`, `reset`. [`create`] builds one from its name.
//!
//! Where MXNet 1.9.1 gives a figure that misleads, these metrics return an error or a
//! corrected value instead:
//!
//! - [`Accuracy`] refuses probabilities where it needs class ids (MXNet truncates them to
//!   0); [`BinaryAccuracy`] thresholds them;
//! - [`F1`], [`Precision`], [`Recall`] and [`MCC`] take class-1 probabilities in any of
//!   the usual shapes and pool their counts over all updates ([`Average`]);
//! - [`MAE`], [`MSE`] and [`RMSE`] weigh every sample the same;
//! - a label and prediction shaped `(N,)` and `(N, 1)` are the same N samples, never an
//!   N×N comparison;
//! - a metric without data reports NaN, not 0.
//!
//! ```
//! use gluon_rs::metric::{self, EvalMetric};
//! use gluon_rs::nd;
//!
//! let mut metrics = metric::create_composite(&["binary_accuracy", "f1"])?;
//! let labels = nd::array(&[1.0, 0.0, 1.0, 1.0], &[4, 1]);
//! let probabilities = nd::array(&[0.8, 0.3, 0.4, 0.9], &[4]);
//! metrics.update(&labels, &probabilities)?;
//! assert_eq!(metrics.get_name_value()[1], ("f1".to_string(), 0.8));
//! # Ok::<(), gluon_rs::Error>(())
//! ```

mod accuracy;
mod auc;
mod average;
mod binary_accuracy;
mod binary_counter;
mod composite;
mod confusion_matrix;
mod create;
mod cross_entropy;
mod eval_metric;
mod f1;
mod inputs;
mod loss;
mod mae;
mod mcc;
mod mse;
mod precision;
mod recall;
mod regression;
mod rmse;
mod running;
mod top_k_accuracy;

pub use accuracy::Accuracy;
pub use auc::AUC;
pub use average::Average;
pub use binary_accuracy::BinaryAccuracy;
pub use composite::CompositeEvalMetric;
pub use confusion_matrix::ConfusionMatrix;
pub use create::{create, create_composite, METRIC_NAMES};
pub use cross_entropy::CrossEntropy;
pub use eval_metric::EvalMetric;
pub use f1::F1;
pub use loss::Loss;
pub use mae::MAE;
pub use mcc::MCC;
pub use mse::MSE;
pub use precision::Precision;
pub use recall::Recall;
pub use rmse::RMSE;
pub use top_k_accuracy::TopKAccuracy;
