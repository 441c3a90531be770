//! Reading MXNet parameter files: the list header, V1, V2, V3 and pre-V1 array records, and
//! the names.
//!
//! Every size read from the file is checked against the bytes that remain before anything
//! is allocated, so a corrupt header yields an error, never a huge allocation or a panic.

use super::cursor::Cursor;
use super::dtype::DType;
use super::format::{
    DENSE_STORAGE, LIST_MAGIC, MAX_LEGACY_NDIM, MIN_NAME_BYTES, MIN_RECORD_BYTES,
    UNDEFINED_STORAGE, V1_MAGIC, V2_MAGIC, V3_MAGIC,
};
use super::param_list::{ParamList, RecordVersion};
use super::raw_array::{RawArray, RawData};
use crate::error::{Error, Result};
use std::path::Path;

/// Reads the parameter file at `path` (any dtype, named or unnamed), as MXNet's `nd.load`.
///
/// # Errors
///
/// [`Error::Io`] when the file cannot be read, [`Error::ParamFile`] naming the file, the
/// problem and its byte offset when it is not a well-formed parameter file, and
/// [`Error::Unsupported`] for sparse arrays.
pub fn read_params(path: impl AsRef<Path>) -> Result<ParamList> {
    let path = path.as_ref();
    let bytes = std::fs::read(path).map_err(|source| Error::io(path, source))?;
    decode_params(&bytes, path)
}

/// Decodes the bytes of a parameter file; `path` is used only in error messages.
///
/// ```
/// use gluon_rs::io::{decode_params, encode_params, ParamList, RawArray};
///
/// let list = ParamList::named(vec![("w", RawArray::new(&[2], vec![1.0f64, 2.0]))]);
/// let bytes = encode_params(&list, "w.params")?;
/// assert_eq!(decode_params(&bytes, "w.params")?, list);
/// assert!(decode_params(&bytes[..20], "w.params").is_err());
/// # Ok::<(), gluon_rs::Error>(())
/// ```
///
/// # Errors
///
/// As [`read_params`], without the [`Error::Io`] case.
pub fn decode_params(bytes: &[u8], path: impl AsRef<Path>) -> Result<ParamList> {
    let mut cursor = Cursor::new(bytes, path.as_ref());

    let magic = cursor.u64("the list magic")?;
    if magic != LIST_MAGIC {
        return Err(cursor.error(format!(
            "not an MXNet parameter file: list magic at byte 0 is {magic:#x}, expected \
             {LIST_MAGIC:#x}"
        )));
    }
    cursor.u64("the reserved header field")?;
    let count = read_count(&mut cursor, "array", MIN_RECORD_BYTES)?;

    let mut arrays = Vec::with_capacity(count);
    let mut version = RecordVersion::V2;
    for index in 0..count {
        let (array, record_version) = read_record(&mut cursor, index)?;
        if record_version == RecordVersion::V3 {
            version = RecordVersion::V3;
        }
        arrays.push(array);
    }

    let names = read_names(&mut cursor, count)?;
    if cursor.remaining() > 0 {
        return Err(cursor.error(format!(
            "{} unexpected bytes after the last name, from byte {}",
            cursor.remaining(),
            cursor.offset()
        )));
    }
    Ok(ParamList::from_file_parts(arrays, names, version))
}

/// A u64 count of items that each take at least `min_bytes`, checked against the bytes
/// that remain so it can size an allocation.
fn read_count(cursor: &mut Cursor, what: &str, min_bytes: usize) -> Result<usize> {
    let offset = cursor.offset();
    let count = cursor.u64(&format!("the {what} count"))?;
    let possible = cursor.remaining() / min_bytes;
    match usize::try_from(count) {
        Ok(count) if count <= possible => Ok(count),
        _ => Err(cursor.error(format!(
            "{what} count {count} at byte {offset} is impossible: the {} remaining bytes \
             hold at most {possible}",
            cursor.remaining()
        ))),
    }
}

/// One array record, dispatched on its magic.
fn read_record(cursor: &mut Cursor, index: usize) -> Result<(RawArray, RecordVersion)> {
    let start = cursor.offset();
    let magic = cursor.u32(&format!("array {index}'s magic"))?;
    let record = Record { index, start };
    match magic {
        V1_MAGIC => Ok((
            record.read_v1_to_v3(cursor, false, false)?,
            RecordVersion::V2,
        )),
        V2_MAGIC => Ok((
            record.read_v1_to_v3(cursor, true, false)?,
            RecordVersion::V2,
        )),
        V3_MAGIC => Ok((record.read_v1_to_v3(cursor, true, true)?, RecordVersion::V3)),
        ndim if ndim <= MAX_LEGACY_NDIM => {
            Ok((record.read_legacy(cursor, ndim)?, RecordVersion::V2))
        }
        other => Err(cursor.error(format!(
            "array {index} at byte {start}: unknown record magic {other:#010x} (expected V1 \
             {V1_MAGIC:#x}, V2 {V2_MAGIC:#x}, V3 {V3_MAGIC:#x} or a legacy ndim up to \
             {MAX_LEGACY_NDIM})"
        ))),
    }
}

/// Where a record sits, for messages.
struct Record {
    index: usize,
    start: usize,
}

impl Record {
    fn error(&self, cursor: &Cursor, message: impl std::fmt::Display) -> Error {
        cursor.error(format!(
            "array {} (record at byte {}): {message}",
            self.index, self.start
        ))
    }

    /// A V1, V2 or V3 record after its magic. `numpy_shape` makes ndim 0 a scalar.
    fn read_v1_to_v3(
        &self,
        cursor: &mut Cursor,
        has_storage_type: bool,
        numpy_shape: bool,
    ) -> Result<RawArray> {
        if has_storage_type {
            self.check_storage_type(cursor)?;
        }

        let ndim_offset = cursor.offset();
        let ndim = cursor.i32("an ndim")?;
        let is_none = ndim == -1 || (ndim == 0 && !numpy_shape);
        if is_none {
            return Ok(RawArray::none());
        }
        let ndim = usize::try_from(ndim)
            .ok()
            .filter(|&ndim| ndim <= cursor.remaining() / 8)
            .ok_or_else(|| {
                self.error(
                    cursor,
                    format!(
                        "ndim {ndim} at byte {ndim_offset} is impossible with {} bytes left",
                        cursor.remaining()
                    ),
                )
            })?;
        let mut shape = Vec::with_capacity(ndim);
        for axis in 0..ndim {
            let offset = cursor.offset();
            let dim = cursor.i64("a dimension")?;
            let dim = usize::try_from(dim).map_err(|_| {
                self.error(
                    cursor,
                    format!("dimension {axis} is {dim} at byte {offset}"),
                )
            })?;
            shape.push(dim);
        }

        self.read_payload(cursor, shape)
    }

    /// The storage type of a V2 or V3 record: dense reads on, sparse is unsupported.
    fn check_storage_type(&self, cursor: &mut Cursor) -> Result<()> {
        let offset = cursor.offset();
        let storage_type = cursor.i32("a storage type")?;
        match storage_type {
            DENSE_STORAGE | UNDEFINED_STORAGE => Ok(()),
            1 | 2 => {
                let kind = if storage_type == 1 {
                    "row_sparse"
                } else {
                    "csr"
                };
                Err(Error::Unsupported(format!(
                    "{}: array {} (record at byte {}) has {kind} storage; only dense arrays \
                     can be read",
                    cursor.path().display(),
                    self.index,
                    self.start
                )))
            }
            other => Err(self.error(
                cursor,
                format!("unknown storage type {other} at byte {offset}"),
            )),
        }
    }

    /// A pre-V1 record after its first word (the ndim): u32 dims, then the payload.
    fn read_legacy(&self, cursor: &mut Cursor, ndim: u32) -> Result<RawArray> {
        if ndim == 0 {
            return Ok(RawArray::none());
        }
        let mut shape = Vec::with_capacity(ndim as usize);
        for _ in 0..ndim {
            let dim = cursor.u32("a legacy dimension")?;
            shape.push(dim as usize);
        }
        self.read_payload(cursor, shape)
    }

    /// Context, dtype code and elements, checked against the bytes left.
    fn read_payload(&self, cursor: &mut Cursor, shape: Vec<usize>) -> Result<RawArray> {
        cursor.i32("the device type")?;
        cursor.i32("the device id")?;
        let code_offset = cursor.offset();
        let code = cursor.i32("the dtype code")?;
        let dtype = DType::from_code(code).ok_or_else(|| {
            self.error(
                cursor,
                format!(
                    "dtype code {code} ({}) at byte {code_offset} is not supported; \
                     supported codes are 0 to 6",
                    DType::code_name(code)
                ),
            )
        })?;

        let byte_len = shape
            .iter()
            .try_fold(dtype.size(), |total, &dim| total.checked_mul(dim))
            .filter(|&byte_len| byte_len <= cursor.remaining())
            .ok_or_else(|| {
                self.error(
                    cursor,
                    format!(
                        "shape {shape:?} of {dtype} needs more data than the {} bytes left \
                         at byte {}",
                        cursor.remaining(),
                        cursor.offset()
                    ),
                )
            })?;
        let bytes = cursor.take(byte_len, "the array data")?;
        Ok(RawArray::new(&shape, RawData::from_le_bytes(dtype, bytes)))
    }
}

/// The name table: a count of 0 (unnamed list) or one name per array.
fn read_names(cursor: &mut Cursor, array_count: usize) -> Result<Vec<String>> {
    let count_offset = cursor.offset();
    let count = read_count(cursor, "name", MIN_NAME_BYTES)?;
    if count != 0 && count != array_count {
        return Err(cursor.error(format!(
            "name count {count} at byte {count_offset} does not match the {array_count} arrays"
        )));
    }

    let mut names = Vec::with_capacity(count);
    for index in 0..count {
        let offset = cursor.offset();
        let length = cursor.u64("a name length")?;
        let length = usize::try_from(length)
            .ok()
            .filter(|&length| length <= cursor.remaining())
            .ok_or_else(|| {
                cursor.error(format!(
                    "name {index} at byte {offset} claims {length} bytes, but only {} remain",
                    cursor.remaining()
                ))
            })?;
        let bytes = cursor.take(length, "a name")?;
        let name = std::str::from_utf8(bytes).map_err(|_| {
            cursor.error(format!(
                "name {index} at byte {} is not valid UTF-8",
                offset + 8
            ))
        })?;
        names.push(name.to_string());
    }
    Ok(names)
}
