//! Checks and conversions of metric inputs, shared by the metrics.
//!
//! Two shapes hold "the same samples" when they are equal once every axis of length 1 is
//! dropped: `(N,)`, `(N, 1)` and `(1, N)` all hold N samples. A pair whose shapes do not
//! line up that way is an error naming both shapes; no metric broadcasts a label against a
//! prediction, since `(N,)` against `(N, 1)` would then compare N×N pairs.

use crate::nd::NDArray;
use crate::{Error, Result};

/// How far a row of two-column probabilities may sum from 1 (float32 softmax rounding
/// stays far below this; logits and independent sigmoids do not).
const ROW_SUM_TOLERANCE: f64 = 1e-3;

/// `shape` without its axes of length 1.
pub(crate) fn squeezed(shape: &[usize]) -> Vec<usize> {
    shape.iter().copied().filter(|&dim| dim != 1).collect()
}

/// Whether two shapes hold the same samples in the same order (see the module doc).
pub(crate) fn same_samples(label_shape: &[usize], pred_shape: &[usize]) -> bool {
    squeezed(label_shape) == squeezed(pred_shape)
}

/// A shape error for `metric` naming both arrays' shapes.
pub(crate) fn shape_error(
    metric: &str,
    label: &NDArray,
    pred: &NDArray,
    message: impl Into<String>,
) -> Error {
    Error::ShapeMismatch {
        op: metric.to_string(),
        pred_shape: pred.shape().to_vec(),
        label_shape: label.shape().to_vec(),
        message: message.into(),
    }
}

/// An input error for `metric`.
pub(crate) fn input_error(metric: &str, message: impl Into<String>) -> Error {
    Error::MetricInput {
        metric: metric.to_string(),
        message: message.into(),
    }
}

/// Checks that an update gives one prediction per label array.
pub(crate) fn check_pair_lists(metric: &str, labels: &[NDArray], preds: &[NDArray]) -> Result<()> {
    if labels.len() != preds.len() {
        return Err(input_error(
            metric,
            format!(
                "an update needs one prediction array per label array, got {} label arrays \
                 and {} prediction arrays",
                labels.len(),
                preds.len()
            ),
        ));
    }
    Ok(())
}

/// The labels of a two-class metric as booleans (`true` for class 1).
///
/// # Errors
///
/// When a label is anything but exactly 0 or 1.
pub(crate) fn binary_labels(metric: &str, label: &NDArray) -> Result<Vec<bool>> {
    let values = label.read();
    let mut classes = Vec::with_capacity(values.len());
    for (position, &value) in values.iter().enumerate() {
        if value == 0.0 || value == 1.0 {
            classes.push(value == 1.0);
        } else {
            return Err(Error::LabelEncoding {
                context: metric.to_string(),
                message: format!(
                    "label {value} at position {position} is not 0 or 1; {metric} scores \
                     two classes, encoded as 0 (negative) and 1 (positive)"
                ),
            });
        }
    }
    Ok(classes)
}

/// The class-1 score of every sample of a two-class prediction, paired with `label`.
///
/// `pred` holds either one class-1 probability per label (same samples as the label) or
/// two columns `[p(class 0), p(class 1)]` per label (last axis of length 2, once axes of
/// length 1 are dropped), from which column 1 is taken. With `require_probabilities`, every value must lie in `[0, 1]` and
/// two-column rows must sum to 1, which catches logits passed where probabilities belong.
///
/// # Errors
///
/// When the shapes fit neither layout, or the values are not probabilities as required.
pub(crate) fn class_one_scores(
    metric: &str,
    label: &NDArray,
    pred: &NDArray,
    require_probabilities: bool,
) -> Result<Vec<f32>> {
    let values = pred.read();
    if let Some(position) = values.iter().position(|v| !v.is_finite()) {
        return Err(input_error(
            metric,
            format!(
                "prediction {} at position {position} is not finite",
                values[position]
            ),
        ));
    }

    if same_samples(label.shape(), pred.shape()) {
        if require_probabilities {
            check_unit_interval(metric, &values)?;
        }
        return Ok(values.to_vec());
    }

    // Axes of length 1 do not change the row-major order, so the tutorial's
    // `stack([1 - p, p], axis=1)` of `(N, 1)` probabilities, shaped `(N, 2, 1)`, is read as
    // `(N, 2)`.
    let pred_dims = squeezed(pred.shape());
    let two_columns =
        pred_dims.last() == Some(&2) && squeezed(label.shape()) == pred_dims[..pred_dims.len() - 1];
    if !two_columns {
        return Err(shape_error(
            metric,
            label,
            pred,
            "predictions must hold one class-1 probability per label, or two columns \
             [p(class 0), p(class 1)] per label",
        ));
    }
    if require_probabilities {
        check_unit_interval(metric, &values)?;
        check_rows_sum_to_one(metric, &values)?;
    }
    Ok(values.chunks_exact(2).map(|row| row[1]).collect())
}

fn check_unit_interval(metric: &str, values: &[f32]) -> Result<()> {
    match values.iter().position(|v| !(0.0..=1.0).contains(v)) {
        None => Ok(()),
        Some(position) => Err(input_error(
            metric,
            format!(
                "prediction {} at position {position} is not a probability in [0, 1]; \
                 apply sigmoid (one column) or softmax (two columns) to the network's \
                 output first",
                values[position]
            ),
        )),
    }
}

fn check_rows_sum_to_one(metric: &str, values: &[f32]) -> Result<()> {
    for (row, pair) in values.chunks_exact(2).enumerate() {
        let sum = f64::from(pair[0]) + f64::from(pair[1]);
        if (sum - 1.0).abs() > ROW_SUM_TOLERANCE {
            return Err(input_error(
                metric,
                format!(
                    "two-column prediction row {row} [{}, {}] sums to {sum}, not 1; pass \
                     [1 - p, p] or a softmax output, or the class-1 column alone",
                    pair[0], pair[1]
                ),
            ));
        }
    }
    Ok(())
}

/// A label used as an index among `num_classes` classes.
///
/// # Errors
///
/// When the label is not a whole number in `[0, num_classes)`.
pub(crate) fn class_index(
    metric: &str,
    value: f32,
    position: usize,
    num_classes: usize,
) -> Result<usize> {
    let in_range = value.fract() == 0.0 && value >= 0.0 && (value as f64) < num_classes as f64;
    if !in_range {
        return Err(Error::LabelEncoding {
            context: metric.to_string(),
            message: format!(
                "label {value} at position {position} is not a class index in \
                 [0, {num_classes})"
            ),
        });
    }
    Ok(value as usize)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn squeezing_drops_every_axis_of_length_one() {
        let shape = [1, 4, 1, 3];

        let result = squeezed(&shape);

        assert_eq!(result, vec![4, 3]);
    }

    #[test]
    fn a_column_and_a_vector_hold_the_same_samples() {
        let column = [5, 1];
        let vector = [5];

        let same = same_samples(&column, &vector);

        assert!(same);
        assert!(!same_samples(&[6], &[2, 3]));
    }

    #[test]
    fn class_index_rejects_fractions_and_out_of_range_labels() {
        let fraction = class_index("ce", 0.5, 0, 3);
        let too_large = class_index("ce", 3.0, 1, 3);

        let fine = class_index("ce", 2.0, 2, 3);

        assert!(fraction.is_err());
        assert!(too_large.is_err());
        assert_eq!(fine.unwrap(), 2);
    }
}
