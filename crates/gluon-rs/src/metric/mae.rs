//! [`MAE`]: mean absolute error.

use super::regression::regression_metric;
use super::running::{Running, SumCount};

/// Mean absolute error, `mean |label - pred|` over every element seen, as `mx.metric.MAE`
/// (name `"mae"`).
///
/// # Shapes
///
/// - label and pred: the same samples, e.g. `(N,)` and `(N, 1)`, or both `(N, k)`.
///
/// # Errors
///
/// `update` returns an error when the shapes hold different samples; a `(N, 1)`
/// prediction is never broadcast against `(N, k)` labels.
///
/// # Limitations
///
/// Every element weighs the same (MXNet 2.0). MXNet 1.9.1 averages per-update means, so
/// a small last batch counts as much as a full one there.
///
/// ```
/// use gluon_rs::metric::{EvalMetric, MAE};
/// use gluon_rs::nd;
///
/// let mut mae = MAE::new();
/// mae.update(&nd::array(&[1.0, 2.0, 3.0], &[3]), &nd::array(&[1.5, 2.0, 2.0], &[3, 1]))?;
/// assert_eq!(mae.get().1, 0.5);
/// # Ok::<(), gluon_rs::Error>(())
/// ```
#[derive(Debug, Clone)]
pub struct MAE {
    running: Running<SumCount>,
}

impl MAE {
    /// An empty mean-absolute-error metric.
    pub fn new() -> MAE {
        MAE {
            running: Running::default(),
        }
    }
}

regression_metric!(MAE, "mae", f64::abs, |mean| mean);
