//! [`MSE`]: mean squared error.

use super::regression::regression_metric;
use super::running::{Running, SumCount};

/// Mean squared error, `mean (label - pred)^2` over every element seen, as
/// `mx.metric.MSE` (name `"mse"`).
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
/// Every element weighs the same (MXNet 2.0). MXNet 1.9.1 averages per-update means.
///
/// ```
/// use gluon_rs::metric::{EvalMetric, MSE};
/// use gluon_rs::nd;
///
/// let mut mse = MSE::new();
/// mse.update(&nd::array(&[1.0, 2.0], &[2]), &nd::array(&[2.0, 2.0], &[2]))?;
/// mse.update(&nd::array(&[0.0], &[1]), &nd::array(&[2.0], &[1]))?;
/// assert_eq!(mse.get().1, 5.0 / 3.0);
/// # Ok::<(), gluon_rs::Error>(())
/// ```
#[derive(Debug, Clone)]
pub struct MSE {
    running: Running<SumCount>,
}

impl MSE {
    /// An empty mean-squared-error metric.
    pub fn new() -> MSE {
        MSE {
            running: Running::default(),
        }
    }
}

regression_metric!(MSE, "mse", |difference| difference * difference, |mean| {
    mean
});
