//! `nd.save` and `nd.load` for `f32` [`NDArray`]s, on top of the raw file format.

use super::param_list::ParamList;
use super::raw_array::RawArray;
use super::reader::read_params;
use super::writer::write_params;
use crate::error::{Error, Result};
use crate::nd::NDArray;
use std::path::Path;

/// Saves named arrays to `path` in MXNet's format, as `nd.save(path, dict)`; the order of
/// `arrays` is kept. Also available as `nd::save`.
///
/// The file has V2 records, or V3 records when an array is 0-d (MXNet's numpy shape
/// semantics), exactly as MXNet 1.9.1 writes it; the write is atomic (see
/// [`write_atomically`](super::write_atomically)).
///
/// ```
/// use gluon_rs::nd;
///
/// # fn main() -> Result<(), gluon_rs::Error> {
/// # let dir = std::env::temp_dir().join(format!("gluon-rs-save-doc-{}", std::process::id()));
/// # std::fs::create_dir_all(&dir).map_err(|e| gluon_rs::Error::io(&dir, e))?;
/// let path = dir.join("arrays.params");
/// let weight = nd::array(&[1.0, 2.0, 3.0, 4.0], &[2, 2]);
/// let bias = nd::array(&[0.5], &[1]);
/// nd::save(&path, &[("weight", &weight), ("bias", &bias)])?;
///
/// let loaded = nd::load(&path)?;
/// assert_eq!(loaded[0].0, "weight");
/// assert_eq!(loaded[0].1.to_vec(), weight.to_vec());
/// assert_eq!(loaded[1].1.shape(), &[1]);
/// # std::fs::remove_dir_all(&dir).map_err(|e| gluon_rs::Error::io(&dir, e))?;
/// # Ok(())
/// # }
/// ```
///
/// # Errors
///
/// [`Error::Io`] when the file cannot be written; the old file then stays as it was.
pub fn save<S: AsRef<str>>(path: impl AsRef<Path>, arrays: &[(S, &NDArray)]) -> Result<()> {
    let entries = arrays
        .iter()
        .map(|(name, array)| (name.as_ref(), RawArray::from_ndarray(array)));
    write_params(path, &ParamList::named(entries))
}

/// Saves arrays without names, as `nd.save(path, [a, b])`.
///
/// # Errors
///
/// As [`save`].
pub fn save_list(path: impl AsRef<Path>, arrays: &[&NDArray]) -> Result<()> {
    let arrays = arrays.iter().map(|array| RawArray::from_ndarray(array));
    write_params(path, &ParamList::unnamed(arrays))
}

/// Loads the named arrays of a parameter file as `f32`, in file order, as
/// `nd.load(path)` on a file saved from a dict. Also available as `nd::load`.
///
/// Arrays of other dtypes are converted when every value survives unchanged (see
/// [`RawArray::to_f32_vec`]). A file with no arrays gives an empty list. Use
/// [`read_params`] to keep the original dtypes.
///
/// # Errors
///
/// [`Error::Io`] when the file cannot be read; [`Error::ParamFile`] naming the file when it
/// is malformed (see [`read_params`]), when it holds an unnamed list, or when an array holds
/// a value `f32` cannot represent (the message names the array) or is a none array.
pub fn load(path: impl AsRef<Path>) -> Result<Vec<(String, NDArray)>> {
    let path = path.as_ref();
    let list = read_params(path)?;
    let (names, arrays) = list.into_parts();
    let Some(names) = names else {
        if arrays.is_empty() {
            return Ok(Vec::new());
        }
        return Err(file_error(
            path,
            format!(
                "the file holds {} arrays without names; load it with load_list",
                arrays.len()
            ),
        ));
    };

    names
        .into_iter()
        .zip(arrays)
        .map(|(name, array)| {
            let array = to_ndarray(path, &name, &array)?;
            Ok((name, array))
        })
        .collect()
}

/// Loads every array of a parameter file as `f32`, in file order, dropping names if the
/// file has them: `nd.load(path)` on a file saved from a list.
///
/// # Errors
///
/// As [`load`], except that an unnamed list is what it expects.
pub fn load_list(path: impl AsRef<Path>) -> Result<Vec<NDArray>> {
    let path = path.as_ref();
    let list = read_params(path)?;
    list.iter()
        .enumerate()
        .map(|(index, (name, array))| {
            let label = name.map_or_else(|| format!("#{index}"), str::to_string);
            to_ndarray(path, &label, array)
        })
        .collect()
}

/// The array as `f32`, with a conversion error restated as a problem of this file.
fn to_ndarray(path: &Path, name: &str, array: &RawArray) -> Result<NDArray> {
    array.to_ndarray(name).map_err(|error| match error {
        Error::Parameter { name, message } => file_error(path, format!("array {name}: {message}")),
        other => other,
    })
}

fn file_error(path: &Path, message: String) -> Error {
    Error::ParamFile {
        path: path.to_path_buf(),
        message,
    }
}
