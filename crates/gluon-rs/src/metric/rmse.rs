//! [`RMSE`]: root mean squared error.

use super::regression::regression_metric;
use super::running::{Running, SumCount};

/// Root mean squared error, `sqrt(mean (label - pred)^2)` over every element seen, as
/// `mx.metric.RMSE` (name `"rmse"`).
///
/// # Shapes
///
/// - label and pred: the same samples, e.g. `(N,)` and `(N, 1)`, or both `(N, k)`.
///
/// # Errors
///
/// `update` returns an error when the shapes hold different samples.
///
/// # Limitations
///
/// This is the square root of the pooled MSE (MXNet 2.0). MXNet 1.9.1 reports the mean of
/// per-update RMSEs, which is not the RMSE of the data.
///
/// ```
/// use gluon_rs::metric::{EvalMetric, RMSE};
/// use gluon_rs::nd;
///
/// let mut rmse = RMSE::new();
/// rmse.update(&nd::array(&[0.0, 0.0], &[2]), &nd::array(&[3.0, 4.0], &[2]))?;
/// assert_eq!(rmse.get().1, 12.5f64.sqrt());
/// # Ok::<(), gluon_rs::Error>(())
/// ```
#[derive(Debug, Clone)]
pub struct RMSE {
    running: Running<SumCount>,
}

impl RMSE {
    /// An empty root-mean-squared-error metric.
    pub fn new() -> RMSE {
        RMSE {
            running: Running::default(),
        }
    }
}

regression_metric!(
    RMSE,
    "rmse",
    |difference| difference * difference,
    f64::sqrt
);
