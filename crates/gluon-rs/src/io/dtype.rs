//! [`DType`]: the element types a parameter file can hold, with MXNet's type codes.

use std::fmt;

/// The element type of a [`RawArray`](super::RawArray), as MXNet's `dtype`.
///
/// Each variant carries MXNet's numeric type code (the `type_flag` written in a parameter
/// file) and numpy's name for it.
///
/// ```
/// use gluon_rs::io::DType;
///
/// assert_eq!(DType::from_code(6), Some(DType::Int64));
/// assert_eq!(DType::Int64.code(), 6);
/// assert_eq!(DType::Float16.size(), 2);
/// assert_eq!(DType::from_name("uint8"), Some(DType::UInt8));
/// ```
///
/// # Limitations
///
/// MXNet also defines bool (7), int16 (8), uint16 (9), uint32 (10), uint64 (11) and
/// bfloat16 (12). MXNet 1.9.1's Gluon never writes them to parameter files, so they are not
/// represented; a file holding one is rejected with an error that names the code.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum DType {
    /// 32-bit float, code 0 (MXNet's default).
    Float32,
    /// 64-bit float, code 1.
    Float64,
    /// IEEE 754 half precision float, code 2.
    Float16,
    /// Unsigned byte, code 3.
    UInt8,
    /// 32-bit signed integer, code 4.
    Int32,
    /// Signed byte, code 5.
    Int8,
    /// 64-bit signed integer, code 6.
    Int64,
}

impl DType {
    /// Every supported dtype, in code order.
    pub const ALL: [DType; 7] = [
        DType::Float32,
        DType::Float64,
        DType::Float16,
        DType::UInt8,
        DType::Int32,
        DType::Int8,
        DType::Int64,
    ];

    /// MXNet's type code (`type_flag`), 0 to 6.
    pub fn code(self) -> i32 {
        match self {
            DType::Float32 => 0,
            DType::Float64 => 1,
            DType::Float16 => 2,
            DType::UInt8 => 3,
            DType::Int32 => 4,
            DType::Int8 => 5,
            DType::Int64 => 6,
        }
    }

    /// The dtype with MXNet type code `code`, or `None` for codes this library does not
    /// represent (see [`DType::code_name`] for a readable name of any MXNet code).
    pub fn from_code(code: i32) -> Option<DType> {
        DType::ALL.into_iter().find(|dtype| dtype.code() == code)
    }

    /// Bytes per element.
    pub fn size(self) -> usize {
        match self {
            DType::UInt8 | DType::Int8 => 1,
            DType::Float16 => 2,
            DType::Float32 | DType::Int32 => 4,
            DType::Float64 | DType::Int64 => 8,
        }
    }

    /// numpy's name: `float32`, `float64`, `float16`, `uint8`, `int32`, `int8`, `int64`.
    pub fn name(self) -> &'static str {
        match self {
            DType::Float32 => "float32",
            DType::Float64 => "float64",
            DType::Float16 => "float16",
            DType::UInt8 => "uint8",
            DType::Int32 => "int32",
            DType::Int8 => "int8",
            DType::Int64 => "int64",
        }
    }

    /// The dtype with numpy name `name` (`"float32"`, ...), or `None`.
    pub fn from_name(name: &str) -> Option<DType> {
        DType::ALL.into_iter().find(|dtype| dtype.name() == name)
    }

    /// A readable name for any MXNet type code, including the ones not represented here,
    /// for error messages.
    pub fn code_name(code: i32) -> &'static str {
        match DType::from_code(code) {
            Some(dtype) => dtype.name(),
            None => match code {
                7 => "bool",
                8 => "int16",
                9 => "uint16",
                10 => "uint32",
                11 => "uint64",
                12 => "bfloat16",
                _ => "unknown",
            },
        }
    }
}

impl fmt::Display for DType {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str(self.name())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_and_names_round_trip() {
        for dtype in DType::ALL {
            assert_eq!(DType::from_code(dtype.code()), Some(dtype));
            assert_eq!(DType::from_name(dtype.name()), Some(dtype));
        }
    }

    #[test]
    fn codes_follow_mxnet_numbering() {
        let codes: Vec<i32> = DType::ALL.iter().map(|dtype| dtype.code()).collect();

        assert_eq!(codes, vec![0, 1, 2, 3, 4, 5, 6]);
    }

    #[test]
    fn unknown_codes_are_rejected_but_named() {
        assert_eq!(DType::from_code(7), None);
        assert_eq!(DType::from_code(-1), None);
        assert_eq!(DType::code_name(7), "bool");
        assert_eq!(DType::code_name(12), "bfloat16");
        assert_eq!(DType::code_name(99), "unknown");
    }
}
