//! Writing MXNet parameter files, byte for byte as MXNet 1.9.1 writes them.

use super::atomic::write_with;
use super::format::{CPU_DEVICE_TYPE, DENSE_STORAGE, LIST_MAGIC, V2_MAGIC, V3_MAGIC};
use super::param_list::{ParamList, RecordVersion};
use super::raw_array::RawArray;
use crate::error::{Error, Result};
use std::io::Write;
use std::path::Path;

/// Writes `list` to `path` as MXNet's `nd.save` would, replacing the file atomically (see
/// [`write_atomically`](super::write_atomically)).
///
/// Records are V2 or V3 as [`ParamList::version`] says; every array is written dense, from
/// context `cpu(0)`.
///
/// # Errors
///
/// [`Error::ParamFile`] when the list cannot be written in its record version (a 0-d array
/// in a V2 file), [`Error::Io`] when the file cannot be written; the old file then stays
/// as it was.
pub fn write_params(path: impl AsRef<Path>, list: &ParamList) -> Result<()> {
    let path = path.as_ref();
    let bytes = encode_params(list, path)?;
    write_with(path, |file| file.write_all(&bytes))
}

/// The bytes of `list` as a parameter file; `path` is used only in error messages.
///
/// # Errors
///
/// [`Error::ParamFile`] when a 0-d array is to be written as a V2 record: MXNet writes such
/// a file but cannot read it back, so it is refused.
pub fn encode_params(list: &ParamList, path: impl AsRef<Path>) -> Result<Vec<u8>> {
    let version = list.version();
    if version == RecordVersion::V2 {
        if let Some(index) = list
            .arrays()
            .iter()
            .position(|a| !a.is_none() && a.ndim() == 0)
        {
            return Err(Error::ParamFile {
                path: path.as_ref().to_path_buf(),
                message: format!(
                    "array {index} is 0-d, which V2 records cannot hold; write the file \
                     with V3 records (numpy shape semantics) or give the array shape (1,)"
                ),
            });
        }
    }

    let mut bytes = Vec::new();
    bytes.extend(LIST_MAGIC.to_le_bytes());
    bytes.extend(0u64.to_le_bytes());
    bytes.extend(len_u64(list.len()).to_le_bytes());
    for array in list.arrays() {
        write_record(&mut bytes, array, version);
    }

    let names = list.names().unwrap_or_default();
    bytes.extend(len_u64(names.len()).to_le_bytes());
    for name in names {
        bytes.extend(len_u64(name.len()).to_le_bytes());
        bytes.extend(name.as_bytes());
    }
    Ok(bytes)
}

fn write_record(bytes: &mut Vec<u8>, array: &RawArray, version: RecordVersion) {
    let magic = match version {
        RecordVersion::V2 => V2_MAGIC,
        RecordVersion::V3 => V3_MAGIC,
    };
    bytes.extend(magic.to_le_bytes());
    bytes.extend(DENSE_STORAGE.to_le_bytes());

    if array.is_none() {
        // A none array is its shape alone: ndim 0 in classic semantics, unknown (-1) in
        // numpy semantics, where ndim 0 would mean a scalar.
        let ndim: i32 = match version {
            RecordVersion::V2 => 0,
            RecordVersion::V3 => -1,
        };
        bytes.extend(ndim.to_le_bytes());
        return;
    }
    let ndim = i32::try_from(array.ndim()).expect("an array has fewer than 2^31 axes");
    bytes.extend(ndim.to_le_bytes());
    for &dim in array.shape() {
        let dim = i64::try_from(dim).expect("a dimension that fits in memory fits in i64");
        bytes.extend(dim.to_le_bytes());
    }

    bytes.extend(CPU_DEVICE_TYPE.to_le_bytes());
    bytes.extend(0i32.to_le_bytes());
    bytes.extend(array.dtype().code().to_le_bytes());
    array.data().write_le_bytes(bytes);
}

fn len_u64(length: usize) -> u64 {
    u64::try_from(length).expect("a length in memory fits in u64")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spec_example_bytes_are_reproduced() {
        // The annotated 154-byte example of the spec: {'w': float32 (2,3) 1..6,
        // 'b': float64 [0.5]}.
        let list = ParamList::named(vec![
            (
                "w",
                RawArray::new(&[2, 3], vec![1.0f32, 2.0, 3.0, 4.0, 5.0, 6.0]),
            ),
            ("b", RawArray::new(&[1], vec![0.5f64])),
        ]);

        let bytes = encode_params(&list, "spec.params").unwrap();

        assert_eq!(bytes.len(), 154);
        assert_eq!(&bytes[0x18..0x1c], &[0xc9, 0xfa, 0x93, 0xf9]);
        assert_eq!(&bytes[0x78..0x80], &0.5f64.to_le_bytes());
        assert_eq!(&bytes[0x88..0x91], &[1, 0, 0, 0, 0, 0, 0, 0, b'w']);
        assert_eq!(bytes[0x99], b'b');
    }

    #[test]
    fn one_array_dict_is_77_bytes() {
        let list = ParamList::named(vec![("a", RawArray::new(&[1], vec![7.0f32]))]);

        let bytes = encode_params(&list, "a.params").unwrap();

        assert_eq!(bytes.len(), 77);
    }

    #[test]
    fn v3_scalar_has_ndim_zero_and_one_element() {
        let list = ParamList::unnamed(vec![RawArray::new(&[], vec![3.25f32])]);

        let bytes = encode_params(&list, "s.params").unwrap();

        assert_eq!(&bytes[24..28], &V3_MAGIC.to_le_bytes());
        assert_eq!(&bytes[32..36], &0i32.to_le_bytes());
        assert_eq!(&bytes[48..52], &3.25f32.to_le_bytes());
        assert_eq!(bytes.len(), 52 + 8);
    }

    #[test]
    fn v2_refuses_a_scalar() {
        let list = ParamList::unnamed(vec![RawArray::new(&[], vec![1i32])])
            .with_version(RecordVersion::V2);

        let error = encode_params(&list, "s.params").unwrap_err().to_string();

        assert!(error.starts_with("s.params: array 0 is 0-d"), "{error}");
    }
}
