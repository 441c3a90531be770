//! A bounds-checked little-endian cursor over a file's bytes, whose errors name the file
//! and the byte offset.

use crate::error::Error;
use std::path::Path;

/// Reads little-endian values from `bytes`, never past the end.
pub(crate) struct Cursor<'a> {
    bytes: &'a [u8],
    offset: usize,
    path: &'a Path,
}

impl<'a> Cursor<'a> {
    pub(crate) fn new(bytes: &'a [u8], path: &'a Path) -> Cursor<'a> {
        Cursor {
            bytes,
            offset: 0,
            path,
        }
    }

    /// The offset of the next unread byte.
    pub(crate) fn offset(&self) -> usize {
        self.offset
    }

    /// The file the bytes came from.
    pub(crate) fn path(&self) -> &Path {
        self.path
    }

    /// How many bytes are left.
    pub(crate) fn remaining(&self) -> usize {
        self.bytes.len() - self.offset
    }

    /// An [`Error::ParamFile`] for this file with `message`.
    pub(crate) fn error(&self, message: impl Into<String>) -> Error {
        Error::ParamFile {
            path: self.path.to_path_buf(),
            message: message.into(),
        }
    }

    /// The next `count` bytes; `what` names them in the truncation error.
    pub(crate) fn take(&mut self, count: usize, what: &str) -> Result<&'a [u8], Error> {
        if count > self.remaining() {
            return Err(self.error(format!(
                "file ends early: {what} needs {count} bytes at byte {}, but only {} remain",
                self.offset,
                self.remaining()
            )));
        }
        let slice = &self.bytes[self.offset..self.offset + count];
        self.offset += count;
        Ok(slice)
    }

    fn array<const N: usize>(&mut self, what: &str) -> Result<[u8; N], Error> {
        let slice = self.take(N, what)?;
        Ok(slice.try_into().expect("take returns exactly N bytes"))
    }

    pub(crate) fn u32(&mut self, what: &str) -> Result<u32, Error> {
        self.array(what).map(u32::from_le_bytes)
    }

    pub(crate) fn i32(&mut self, what: &str) -> Result<i32, Error> {
        self.array(what).map(i32::from_le_bytes)
    }

    pub(crate) fn u64(&mut self, what: &str) -> Result<u64, Error> {
        self.array(what).map(u64::from_le_bytes)
    }

    pub(crate) fn i64(&mut self, what: &str) -> Result<i64, Error> {
        self.array(what).map(i64::from_le_bytes)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_little_endian_values_in_order() {
        let bytes = [1, 0, 0, 0, 0xfe, 0xff, 0xff, 0xff];
        let mut cursor = Cursor::new(&bytes, Path::new("x.params"));

        let first = cursor.u32("first").unwrap();
        let second = cursor.i32("second").unwrap();

        assert_eq!((first, second), (1, -2));
        assert_eq!(cursor.remaining(), 0);
    }

    #[test]
    fn reading_past_the_end_names_file_offset_and_field() {
        let bytes = [1, 2, 3];
        let mut cursor = Cursor::new(&bytes, Path::new("x.params"));
        cursor.take(1, "lead").unwrap();

        let error = cursor.u64("array count").unwrap_err().to_string();

        assert_eq!(
            error,
            "x.params: file ends early: array count needs 8 bytes at byte 1, but only 2 remain"
        );
    }
}
