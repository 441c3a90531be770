//! [`RawArray`] and [`RawData`]: an array of any file dtype, stored exactly.

use super::dtype::DType;
use std::fmt;

/// The elements of a [`RawArray`], one vector per dtype, in row-major order.
///
/// `Float16` holds the raw IEEE 754 half precision bits (see
/// [`f16_bits_to_f32`](super::f16_bits_to_f32)), so every value, NaN payloads included,
/// survives a read and a write unchanged.
///
/// Equality compares bit patterns, so a NaN equals the same NaN and `0.0` differs from
/// `-0.0`: two equal `RawData` are written as the same bytes.
#[derive(Clone)]
#[non_exhaustive]
pub enum RawData {
    /// `float32` elements.
    Float32(Vec<f32>),
    /// `float64` elements.
    Float64(Vec<f64>),
    /// `float16` elements as raw bits.
    Float16(Vec<u16>),
    /// `uint8` elements.
    UInt8(Vec<u8>),
    /// `int32` elements.
    Int32(Vec<i32>),
    /// `int8` elements.
    Int8(Vec<i8>),
    /// `int64` elements.
    Int64(Vec<i64>),
}

impl RawData {
    /// The dtype of the elements.
    pub fn dtype(&self) -> DType {
        match self {
            RawData::Float32(_) => DType::Float32,
            RawData::Float64(_) => DType::Float64,
            RawData::Float16(_) => DType::Float16,
            RawData::UInt8(_) => DType::UInt8,
            RawData::Int32(_) => DType::Int32,
            RawData::Int8(_) => DType::Int8,
            RawData::Int64(_) => DType::Int64,
        }
    }

    /// The number of elements.
    pub fn len(&self) -> usize {
        match self {
            RawData::Float32(values) => values.len(),
            RawData::Float64(values) => values.len(),
            RawData::Float16(values) => values.len(),
            RawData::UInt8(values) => values.len(),
            RawData::Int32(values) => values.len(),
            RawData::Int8(values) => values.len(),
            RawData::Int64(values) => values.len(),
        }
    }

    /// Whether there are no elements.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Decodes little-endian element bytes.
    ///
    /// # Panics
    ///
    /// If `bytes.len()` is not a multiple of the dtype's size; the reader checks this first.
    pub(crate) fn from_le_bytes(dtype: DType, bytes: &[u8]) -> RawData {
        assert_eq!(
            bytes.len() % dtype.size(),
            0,
            "RawData::from_le_bytes: partial element"
        );
        fn decode<T, const N: usize>(bytes: &[u8], from: fn([u8; N]) -> T) -> Vec<T> {
            bytes
                .chunks_exact(N)
                .map(|chunk| from(chunk.try_into().expect("chunks_exact yields N bytes")))
                .collect()
        }
        match dtype {
            DType::Float32 => RawData::Float32(decode(bytes, f32::from_le_bytes)),
            DType::Float64 => RawData::Float64(decode(bytes, f64::from_le_bytes)),
            DType::Float16 => RawData::Float16(decode(bytes, u16::from_le_bytes)),
            DType::UInt8 => RawData::UInt8(bytes.to_vec()),
            DType::Int32 => RawData::Int32(decode(bytes, i32::from_le_bytes)),
            DType::Int8 => RawData::Int8(decode(bytes, i8::from_le_bytes)),
            DType::Int64 => RawData::Int64(decode(bytes, i64::from_le_bytes)),
        }
    }

    /// Appends the elements to `out` as little-endian bytes, as a parameter file holds them.
    pub(crate) fn write_le_bytes(&self, out: &mut Vec<u8>) {
        match self {
            RawData::Float32(values) => values.iter().for_each(|v| out.extend(v.to_le_bytes())),
            RawData::Float64(values) => values.iter().for_each(|v| out.extend(v.to_le_bytes())),
            RawData::Float16(values) => values.iter().for_each(|v| out.extend(v.to_le_bytes())),
            RawData::UInt8(values) => out.extend_from_slice(values),
            RawData::Int32(values) => values.iter().for_each(|v| out.extend(v.to_le_bytes())),
            RawData::Int8(values) => values.iter().for_each(|v| out.extend(v.to_le_bytes())),
            RawData::Int64(values) => values.iter().for_each(|v| out.extend(v.to_le_bytes())),
        }
    }

    fn le_bytes(&self) -> Vec<u8> {
        let mut bytes = Vec::with_capacity(self.len() * self.dtype().size());
        self.write_le_bytes(&mut bytes);
        bytes
    }
}

impl PartialEq for RawData {
    fn eq(&self, other: &RawData) -> bool {
        self.dtype() == other.dtype() && self.le_bytes() == other.le_bytes()
    }
}

impl fmt::Debug for RawData {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RawData::Float32(values) => formatter.debug_tuple("Float32").field(values).finish(),
            RawData::Float64(values) => formatter.debug_tuple("Float64").field(values).finish(),
            RawData::Float16(values) => formatter.debug_tuple("Float16").field(values).finish(),
            RawData::UInt8(values) => formatter.debug_tuple("UInt8").field(values).finish(),
            RawData::Int32(values) => formatter.debug_tuple("Int32").field(values).finish(),
            RawData::Int8(values) => formatter.debug_tuple("Int8").field(values).finish(),
            RawData::Int64(values) => formatter.debug_tuple("Int64").field(values).finish(),
        }
    }
}

macro_rules! raw_data_from_vec {
    ($($element:ty => $variant:ident),*) => {$(
        impl From<Vec<$element>> for RawData {
            fn from(values: Vec<$element>) -> RawData {
                RawData::$variant(values)
            }
        }
    )*};
}

raw_data_from_vec!(f32 => Float32, f64 => Float64, u8 => UInt8, i32 => Int32, i8 => Int8,
    i64 => Int64);

/// An array as a parameter file stores it: a dtype, a shape and the exact elements.
///
/// [`NDArray`](crate::nd::NDArray) holds only `f32`; `RawArray` holds any dtype a file can
/// (see [`DType`]) so files read and write bit for bit. Convert with
/// [`RawArray::from_ndarray`] and [`RawArray::to_ndarray`].
///
/// A shape of `[]` is a 0-d scalar with one element. MXNet also has empty "none" arrays
/// (an NDArray that was never allocated); [`RawArray::none`] represents one.
///
/// ```
/// use gluon_rs::io::{DType, RawArray};
///
/// let counts = RawArray::new(&[2, 2], vec![1i64, 2, 3, 4]);
/// assert_eq!(counts.dtype(), DType::Int64);
/// assert_eq!(counts.shape(), &[2, 2]);
/// assert_eq!(counts.size(), 4);
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct RawArray {
    /// `None` for a none array.
    shape: Option<Vec<usize>>,
    data: RawData,
}

impl RawArray {
    /// An array of `shape` holding `data` (a [`RawData`] or a `Vec` of a supported element
    /// type).
    ///
    /// # Panics
    ///
    /// If the number of elements differs from the product of `shape`.
    #[track_caller]
    pub fn new(shape: &[usize], data: impl Into<RawData>) -> RawArray {
        let data = data.into();
        let size: usize = shape.iter().product();
        assert_eq!(
            data.len(),
            size,
            "RawArray::new: {} elements cannot fill shape {:?}",
            data.len(),
            shape
        );
        RawArray {
            shape: Some(shape.to_vec()),
            data,
        }
    }

    /// An empty "none" array: MXNet's NDArray that holds no storage. It has no shape, no
    /// elements and reports dtype `float32`.
    pub fn none() -> RawArray {
        RawArray {
            shape: None,
            data: RawData::Float32(Vec::new()),
        }
    }

    /// Whether this is a none array.
    pub fn is_none(&self) -> bool {
        self.shape.is_none()
    }

    /// The shape; `[]` for a 0-d scalar and for a none array (tell them apart with
    /// [`RawArray::is_none`]).
    pub fn shape(&self) -> &[usize] {
        self.shape.as_deref().unwrap_or(&[])
    }

    /// The number of axes.
    pub fn ndim(&self) -> usize {
        self.shape().len()
    }

    /// The number of elements (0 for a none array).
    pub fn size(&self) -> usize {
        self.data.len()
    }

    /// The element type.
    pub fn dtype(&self) -> DType {
        self.data.dtype()
    }

    /// The elements.
    pub fn data(&self) -> &RawData {
        &self.data
    }

    /// The elements, taking them out of the array.
    pub fn into_data(self) -> RawData {
        self.data
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bytes_round_trip_for_every_dtype() {
        for dtype in DType::ALL {
            let bytes: Vec<u8> = (0..dtype.size() * 3).map(|i| (i * 37 + 1) as u8).collect();

            let data = RawData::from_le_bytes(dtype, &bytes);
            let mut written = Vec::new();
            data.write_le_bytes(&mut written);

            assert_eq!(data.dtype(), dtype);
            assert_eq!(data.len(), 3);
            assert_eq!(written, bytes);
        }
    }

    #[test]
    fn equality_compares_bits() {
        let nan = RawData::Float32(vec![f32::NAN]);
        let zero = RawData::Float64(vec![0.0]);
        let negative_zero = RawData::Float64(vec![-0.0]);

        assert_eq!(nan, nan.clone());
        assert_ne!(zero, negative_zero);
        assert_ne!(RawData::Int32(vec![1]), RawData::UInt8(vec![1, 0, 0, 0]));
    }

    #[test]
    fn scalar_and_none_differ() {
        let scalar = RawArray::new(&[], vec![2.5f32]);
        let none = RawArray::none();

        assert!(!scalar.is_none());
        assert_eq!(scalar.size(), 1);
        assert!(none.is_none());
        assert_eq!(none.size(), 0);
        assert_ne!(scalar, none);
    }

    #[test]
    #[should_panic(expected = "3 elements cannot fill shape [2, 2]")]
    fn new_rejects_mismatched_element_count() {
        RawArray::new(&[2, 2], vec![1i32, 2, 3]);
    }
}
