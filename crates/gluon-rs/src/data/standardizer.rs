//! [`Standardizer`]: per-feature standardization fitted on training rows.

use super::csv_features::CsvFeatures;
use crate::nd::NDArray;
use crate::{Error, Result};
use serde::{Deserialize, Serialize};

/// Per-feature mean and standard deviation, fitted on the training rows and applied to any
/// rows: `z = (x - mean) / std`, as scikit-learn's `StandardScaler`.
///
/// `std` is the population standard deviation (divided by the row count). A feature that is
/// constant on the training rows has `std` 0 and is only centred, not divided. The
/// statistics serialize with serde, to be saved next to a model.
///
/// ```
/// use gluon_rs::data::Standardizer;
/// use gluon_rs::nd::NDArray;
///
/// let train = NDArray::from_vec(vec![1.0, 10.0, 3.0, 10.0], &[2, 2]);
/// let standardizer = Standardizer::fit_array(&train)?;
/// assert_eq!(standardizer.mean, vec![2.0, 10.0]);
/// assert_eq!(standardizer.std, vec![1.0, 0.0]);
///
/// let other = NDArray::from_vec(vec![4.0, 12.0], &[1, 2]);
/// assert_eq!(standardizer.transform_array(&other)?.to_vec(), vec![2.0, 2.0]);
/// # Ok::<(), gluon_rs::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Standardizer {
    /// The mean of each feature over the rows fitted on.
    pub mean: Vec<f64>,
    /// The population standard deviation of each feature over the rows fitted on.
    pub std: Vec<f64>,
}

impl Standardizer {
    /// Fits on every row of `table` (select the training rows first), in `f64`.
    ///
    /// # Errors
    ///
    /// [`Error::Data`] if the table has no row.
    pub fn fit(table: &CsvFeatures) -> Result<Self> {
        Standardizer::fit_values(table.values(), table.len(), table.num_features())
    }

    /// Fits on the rows of a `(rows, features)` array, accumulating in `f64`.
    ///
    /// # Errors
    ///
    /// [`Error::Data`] if the array is not 2-D or has no row.
    pub fn fit_array(x: &NDArray) -> Result<Self> {
        let [rows, width] = two_dimensional(x)?;
        let values: Vec<f64> = x.read().iter().map(|&value| f64::from(value)).collect();
        Standardizer::fit_values(&values, rows, width)
    }

    fn fit_values(values: &[f64], rows: usize, width: usize) -> Result<Self> {
        if rows == 0 {
            return Err(Error::Data(
                "cannot fit a standardizer on zero rows".to_string(),
            ));
        }
        let count = rows as f64;
        let mut mean = vec![0.0; width];
        for row in values.chunks(width) {
            mean.iter_mut()
                .zip(row)
                .for_each(|(sum, value)| *sum += value);
        }
        mean.iter_mut().for_each(|sum| *sum /= count);

        // Two passes (mean, then squared deviations) keep the variance accurate for
        // features with a large mean, such as areas in the thousands.
        let mut variance = vec![0.0; width];
        for row in values.chunks(width) {
            for ((sum, value), center) in variance.iter_mut().zip(row).zip(&mean) {
                *sum += (value - center) * (value - center);
            }
        }
        let std = variance.iter().map(|sum| (sum / count).sqrt()).collect();
        Ok(Standardizer { mean, std })
    }

    /// The number of features fitted.
    pub fn num_features(&self) -> usize {
        self.mean.len()
    }

    /// Standardizes a `(rows, features)` array.
    ///
    /// # Errors
    ///
    /// [`Error::Data`] if the array is not 2-D or has another number of features.
    pub fn transform_array(&self, x: &NDArray) -> Result<NDArray> {
        let [_, width] = two_dimensional(x)?;
        self.check_width(width)?;
        let data = x
            .read()
            .iter()
            .enumerate()
            .map(|(position, &value)| self.apply(position % width, f64::from(value)) as f32)
            .collect();
        Ok(NDArray::from_vec(data, x.shape()))
    }

    /// Standardizes the rows of `table`.
    ///
    /// # Errors
    ///
    /// [`Error::Data`] if the table has another number of features.
    pub fn transform(&self, table: &CsvFeatures) -> Result<CsvFeatures> {
        table.standardized(self)
    }

    /// `(value - mean) / std` for feature `feature`; a zero `std` leaves the value centred.
    pub(crate) fn apply(&self, feature: usize, value: f64) -> f64 {
        let scale = if self.std[feature] > 0.0 {
            self.std[feature]
        } else {
            1.0
        };
        (value - self.mean[feature]) / scale
    }

    pub(crate) fn check_width(&self, width: usize) -> Result<()> {
        if width != self.num_features() || self.std.len() != self.mean.len() {
            return Err(Error::Data(format!(
                "the standardizer was fitted on {} features ({} std values), the data has \
                 {width}",
                self.mean.len(),
                self.std.len()
            )));
        }
        Ok(())
    }
}

fn two_dimensional(x: &NDArray) -> Result<[usize; 2]> {
    match x.shape() {
        &[rows, width] => Ok([rows, width]),
        other => Err(Error::Data(format!(
            "standardization needs a (rows, features) array, got shape {other:?}"
        ))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fitting_zero_rows_is_an_error() {
        let error = Standardizer::fit_array(&NDArray::zeros(&[0, 3])).err();

        assert!(matches!(error, Some(Error::Data(_))));
    }

    #[test]
    fn non_matrix_input_is_an_error() {
        let error = Standardizer::fit_array(&NDArray::zeros(&[4])).err();

        assert!(matches!(error, Some(Error::Data(_))));
    }

    #[test]
    fn wrong_width_is_an_error() -> Result<()> {
        let standardizer = Standardizer::fit_array(&NDArray::zeros(&[3, 2]))?;

        let error = standardizer.transform_array(&NDArray::zeros(&[1, 3])).err();

        assert!(matches!(error, Some(Error::Data(_))));
        Ok(())
    }

    #[test]
    fn statistics_round_trip_through_json() -> Result<()> {
        let standardizer = Standardizer {
            mean: vec![3.1041666666666665],
            std: vec![0.47642695021261017],
        };

        let text = serde_json::to_string(&standardizer).map_err(|e| Error::Data(e.to_string()))?;
        let back: Standardizer =
            serde_json::from_str(&text).map_err(|e| Error::Data(e.to_string()))?;

        assert_eq!(back, standardizer);
        Ok(())
    }
}
