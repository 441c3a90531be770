//! [`Accuracy`]: the share of samples whose predicted class is the label.

use super::inputs::{check_pair_lists, input_error, same_samples, shape_error, squeezed};
use super::running::{Running, SumCount};
use super::EvalMetric;
use crate::nd::NDArray;
use crate::{Error, Result};

/// Classification accuracy, as `mx.metric.Accuracy` (name `"accuracy"`).
///
/// Predictions are either class ids, one per label, or class scores along
/// [`axis`](Accuracy::with_axis) (1 unless set), from which the highest-scoring class is
/// taken (the first one on ties).
///
/// # Shapes
///
/// - label: class ids, e.g. `(N,)` or `(N, 1)`;
/// - pred: class ids holding the label's samples (`(N,)` and `(N, 1)` are the same N
///   samples), or scores `(N, C)` with the class axis at `axis`.
///
/// # Errors
///
/// `update` returns an error when a label is not a whole number, when class-id
/// predictions are not whole numbers (probabilities: threshold them, or use
/// [`BinaryAccuracy`](super::BinaryAccuracy)), or when the shapes fit neither layout.
///
/// # Limitations
///
/// MXNet 1.9.1 truncates non-integer predictions to integers, so probabilities below 1
/// all count as class 0, and it argmaxes `(N, 1)` probabilities over their single column,
/// which always gives class 0. Both silently report the share of negative labels; here
/// both are errors.
///
/// ```
/// use gluon_rs::metric::{Accuracy, EvalMetric};
/// use gluon_rs::nd;
///
/// let mut accuracy = Accuracy::new();
/// let labels = nd::array(&[1.0, 0.0, 0.0], &[3]);
/// let scores = nd::array(&[0.3, 0.7, 0.6, 0.4, 0.2, 0.8], &[3, 2]); // classes 1, 0, 1
/// accuracy.update(&labels, &scores)?;
/// assert!((accuracy.get().1 - 2.0 / 3.0).abs() < 1e-12);
///
/// let probabilities = nd::array(&[0.9, 0.2, 0.7], &[3]);
/// assert!(accuracy.update(&labels, &probabilities).is_err());
/// # Ok::<(), gluon_rs::Error>(())
/// ```
#[derive(Debug, Clone)]
pub struct Accuracy {
    axis: isize,
    running: Running<SumCount>,
}

impl Default for Accuracy {
    fn default() -> Self {
        Self::new()
    }
}

impl Accuracy {
    /// Accuracy whose scores carry the classes along axis 1.
    pub fn new() -> Accuracy {
        Accuracy {
            axis: 1,
            running: Running::default(),
        }
    }

    /// Sets the class axis of score predictions; negative values count from the end.
    pub fn with_axis(mut self, axis: isize) -> Accuracy {
        self.axis = axis;
        self
    }

    /// Correct predictions and samples of one update.
    fn count(&self, labels: &[NDArray], preds: &[NDArray]) -> Result<SumCount> {
        check_pair_lists("accuracy", labels, preds)?;

        let mut counts = SumCount::default();
        for (label, pred) in labels.iter().zip(preds) {
            let label_ids = label.to_vec();
            check_whole_labels(&label_ids)?;
            let predicted = self.predicted_classes(label, pred)?;
            let correct = label_ids
                .iter()
                .zip(&predicted)
                .filter(|(a, b)| a == b)
                .count();
            counts.sum += correct as f64;
            counts.count += label_ids.len() as f64;
        }
        Ok(counts)
    }

    /// The predicted class of every sample of `pred`, in the label's order.
    fn predicted_classes(&self, label: &NDArray, pred: &NDArray) -> Result<Vec<f32>> {
        if same_samples(label.shape(), pred.shape()) {
            let ids = pred.to_vec();
            check_whole_predictions(label, pred, &ids)?;
            return Ok(ids);
        }

        let axis = self.resolve_axis(label, pred)?;
        let classes = argmax_along(pred, axis);
        let mut reduced = pred.shape().to_vec();
        reduced.remove(axis);
        if !same_samples(label.shape(), &reduced) {
            return Err(shape_error(
                "accuracy",
                label,
                pred,
                format!(
                    "predictions must hold one class id per label, or class scores along \
                     axis {} with the other axes matching the labels",
                    self.axis
                ),
            ));
        }
        Ok(classes)
    }

    fn resolve_axis(&self, label: &NDArray, pred: &NDArray) -> Result<usize> {
        let ndim = pred.ndim() as isize;
        let axis = if self.axis < 0 {
            self.axis + ndim
        } else {
            self.axis
        };
        if !(0..ndim).contains(&axis) {
            return Err(shape_error(
                "accuracy",
                label,
                pred,
                format!(
                    "predictions do not hold one class id per label, and have no class axis {}",
                    self.axis
                ),
            ));
        }
        Ok(axis as usize)
    }
}

fn check_whole_labels(labels: &[f32]) -> Result<()> {
    match labels.iter().position(|v| !is_whole(*v)) {
        None => Ok(()),
        Some(position) => Err(Error::LabelEncoding {
            context: "accuracy".to_string(),
            message: format!(
                "label {} at position {position} is not a class id (a whole number)",
                labels[position]
            ),
        }),
    }
}

fn check_whole_predictions(label: &NDArray, pred: &NDArray, ids: &[f32]) -> Result<()> {
    let Some(position) = ids.iter().position(|v| !is_whole(*v)) else {
        return Ok(());
    };
    let layout = if squeezed(pred.shape()).len() < pred.ndim() && pred.shape() != label.shape() {
        format!(
            "predictions of shape {:?} hold one value per label of shape {:?} (an axis of \
             length 1 is no class axis)",
            pred.shape(),
            label.shape()
        )
    } else {
        format!("predictions of the labels' shape {:?}", pred.shape())
    };
    Err(input_error(
        "accuracy",
        format!(
            "{layout} are read as class ids, but {} at position {position} is not a whole \
             number; these look like probabilities: threshold them into classes first \
             (e.g. p > 0.5), or use BinaryAccuracy",
            ids[position]
        ),
    ))
}

fn is_whole(value: f32) -> bool {
    value.is_finite() && value.fract() == 0.0
}

/// The index of the largest value along `axis` (the first on ties), as `f32` class ids in
/// row-major order of the remaining axes.
fn argmax_along(pred: &NDArray, axis: usize) -> Vec<f32> {
    let shape = pred.shape();
    let classes = shape[axis];
    let inner: usize = shape[axis + 1..].iter().product();
    let outer: usize = shape[..axis].iter().product();
    let values = pred.read();

    let mut result = Vec::with_capacity(outer * inner);
    for o in 0..outer {
        for i in 0..inner {
            let score = |c: usize| values[(o * classes + c) * inner + i];
            let mut best = 0;
            for c in 1..classes {
                if score(c) > score(best) {
                    best = c;
                }
            }
            result.push(best as f32);
        }
    }
    result
}

impl EvalMetric for Accuracy {
    fn name(&self) -> &str {
        "accuracy"
    }

    fn update_many(&mut self, labels: &[NDArray], preds: &[NDArray]) -> Result<()> {
        let counts = self.count(labels, preds)?;
        self.running.add(&counts);
        Ok(())
    }

    fn validate(&self, labels: &[NDArray], preds: &[NDArray]) -> Result<()> {
        self.count(labels, preds).map(|_| ())
    }

    fn get(&self) -> (String, f64) {
        (self.name().to_string(), self.running.local.mean())
    }

    fn get_global(&self) -> (String, f64) {
        (self.name().to_string(), self.running.global.mean())
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
    fn argmax_runs_along_the_middle_axis() {
        // Shape (1, 3, 2): column 0 peaks at class 2, column 1 at class 0.
        let pred = NDArray::from_vec(vec![0.1, 0.9, 0.2, 0.5, 0.7, 0.3], &[1, 3, 2]);

        let classes = argmax_along(&pred, 1);

        assert_eq!(classes, vec![2.0, 0.0]);
    }

    #[test]
    fn argmax_takes_the_first_of_tied_scores() {
        let pred = NDArray::from_vec(vec![0.5, 0.5, 0.2, 0.2, 0.7, 0.7], &[2, 3]);

        let classes = argmax_along(&pred, 1);

        assert_eq!(classes, vec![0.0, 1.0]);
    }
}
