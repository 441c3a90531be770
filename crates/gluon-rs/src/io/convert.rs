//! Conversion between [`RawArray`] (any dtype) and [`NDArray`] (`f32`).

use super::half::f16_bits_to_f32;
use super::raw_array::{RawArray, RawData};
use crate::error::{Error, Result};
use crate::nd::NDArray;

impl RawArray {
    /// A `float32` copy of an [`NDArray`]'s shape and values.
    ///
    /// ```
    /// use gluon_rs::io::{DType, RawArray};
    /// use gluon_rs::nd;
    ///
    /// let raw = RawArray::from_ndarray(&nd::array(&[1.0, 2.0], &[2]));
    /// assert_eq!(raw.dtype(), DType::Float32);
    /// assert_eq!(raw.shape(), &[2]);
    /// ```
    pub fn from_ndarray(array: &NDArray) -> RawArray {
        RawArray::new(array.shape(), array.to_vec())
    }

    /// The values as `f32`, converted exactly.
    ///
    /// `float16`, `uint8` and `int8` always convert. `float64`, `int32` and `int64` convert
    /// when every value has an `f32` equal to it (NaN converts to NaN); integers above 2^24
    /// in magnitude are exact only when their low bits are zero.
    ///
    /// # Errors
    ///
    /// [`Error::Parameter`] naming `name`, the first value that would change and its index,
    /// when the conversion would lose information, or when this is a none array.
    pub fn to_f32_vec(&self, name: &str) -> Result<Vec<f32>> {
        if self.is_none() {
            return Err(lossy(name, "is an empty (none) array with no values"));
        }
        match self.data() {
            RawData::Float32(values) => Ok(values.clone()),
            RawData::Float16(values) => Ok(values.iter().map(|&b| f16_bits_to_f32(b)).collect()),
            RawData::UInt8(values) => Ok(values.iter().map(|&v| f32::from(v)).collect()),
            RawData::Int8(values) => Ok(values.iter().map(|&v| f32::from(v)).collect()),
            RawData::Float64(values) => exactly(name, "float64", values, |&v| {
                let narrowed = v as f32;
                (f64::from(narrowed) == v || v.is_nan()).then_some(narrowed)
            }),
            RawData::Int32(values) => {
                exactly(name, "int32", values, |&v| integer_to_f32(i64::from(v)))
            }
            RawData::Int64(values) => exactly(name, "int64", values, |&v| integer_to_f32(v)),
        }
    }

    /// An [`NDArray`] with this shape and the values converted to `f32` exactly (see
    /// [`RawArray::to_f32_vec`]). A 0-d array gives a 0-d `NDArray`.
    ///
    /// ```
    /// use gluon_rs::io::RawArray;
    ///
    /// let raw = RawArray::new(&[3], vec![1i64, -2, 1 << 40]);
    /// assert_eq!(raw.to_ndarray("steps")?.to_vec(), vec![1.0, -2.0, 1099511627776.0]);
    ///
    /// let too_precise = RawArray::new(&[1], vec![16_777_217i64]);
    /// assert!(too_precise.to_ndarray("steps").is_err());
    /// # Ok::<(), gluon_rs::Error>(())
    /// ```
    ///
    /// # Errors
    ///
    /// [`Error::Parameter`] naming `name` when a value would change, or for a none array.
    pub fn to_ndarray(&self, name: &str) -> Result<NDArray> {
        let values = self.to_f32_vec(name)?;
        Ok(NDArray::from_vec(values, self.shape()))
    }
}

/// `value` as `f32` when that is exact. The comparison goes through `i128` because casting
/// back to `i64` saturates, which would call `i64::MAX` exact (its `f32` is 2^63).
fn integer_to_f32(value: i64) -> Option<f32> {
    let narrowed = value as f32;
    (f64::from(narrowed) as i128 == i128::from(value)).then_some(narrowed)
}

fn exactly<T: std::fmt::Display>(
    name: &str,
    dtype: &str,
    values: &[T],
    convert: impl Fn(&T) -> Option<f32>,
) -> Result<Vec<f32>> {
    values
        .iter()
        .enumerate()
        .map(|(index, value)| {
            convert(value).ok_or_else(|| {
                let message = format!(
                    "{dtype} element {index} ({value}) cannot be converted to float32 \
                     without changing its value"
                );
                lossy(name, &message)
            })
        })
        .collect()
}

fn lossy(name: &str, message: &str) -> Error {
    Error::Parameter {
        name: name.to_string(),
        message: message.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn integers_convert_only_when_exact() {
        assert_eq!(integer_to_f32(16_777_216), Some(16_777_216.0));
        assert_eq!(integer_to_f32(16_777_217), None);
        assert_eq!(integer_to_f32(1 << 40), Some(2f32.powi(40)));
        assert_eq!(integer_to_f32(i64::MAX), None);
        assert_eq!(integer_to_f32(i64::MIN), Some(-(2f32.powi(63))));
    }

    #[test]
    fn float64_converts_only_when_exact() {
        let exact = RawArray::new(&[3], vec![0.5f64, -0.0, f64::INFINITY]);
        let inexact = RawArray::new(&[2], vec![0.5f64, 0.1]);

        let values = exact.to_f32_vec("w").unwrap();
        let error = inexact.to_f32_vec("w").unwrap_err().to_string();

        assert_eq!(values, vec![0.5, 0.0, f32::INFINITY]);
        assert!(values[1].is_sign_negative());
        assert_eq!(
            error,
            "parameter w: float64 element 1 (0.1) cannot be converted to float32 without \
             changing its value"
        );
    }

    #[test]
    fn float64_overflow_is_lossy() {
        let huge = RawArray::new(&[1], vec![1e300f64]);

        let result = huge.to_f32_vec("w");

        assert!(result.is_err());
    }

    #[test]
    fn small_types_always_convert() {
        let half = RawArray::new(&[2], RawData::Float16(vec![0x3800, 0x7bff]));
        let bytes = RawArray::new(&[2], vec![0u8, 255]);
        let signed = RawArray::new(&[2], vec![-128i8, 127]);

        assert_eq!(half.to_f32_vec("h").unwrap(), vec![0.5, 65504.0]);
        assert_eq!(bytes.to_f32_vec("u").unwrap(), vec![0.0, 255.0]);
        assert_eq!(signed.to_f32_vec("i").unwrap(), vec![-128.0, 127.0]);
    }

    #[test]
    fn none_array_does_not_convert() {
        let error = RawArray::none().to_ndarray("gone").unwrap_err();

        assert!(error.to_string().contains("gone"), "{error}");
    }

    #[test]
    fn ndarray_round_trips_with_its_shape() {
        let array = NDArray::from_vec(vec![1.5, -2.0, 3.25, 0.0, 5.0, 6.0], &[2, 3]);

        let back = RawArray::from_ndarray(&array).to_ndarray("x").unwrap();

        assert_eq!(back.shape(), &[2, 3]);
        assert_eq!(back.to_vec(), array.to_vec());
    }
}
