//! [`ParamList`]: the contents of one parameter file, and the [`RecordVersion`] it uses.

use super::raw_array::RawArray;

/// How the array records of a file are written: MXNet's V2 or V3 layout.
///
/// MXNet 1.x writes V2 records in its classic shape mode and V3 records when numpy shape
/// semantics are on (`mx.util.np_shape(True)`, `npx.save`). The layouts are the same apart
/// from the magic number and the meaning of a 0-d shape: in V2 it marks an empty "none"
/// array, in V3 a scalar with one element. MXNet 1.9.1 loads a V3 file only with numpy shape
/// semantics on, and a V2 file only with them off.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum RecordVersion {
    /// Classic shapes, magic `0xF993FAC9`. Cannot hold a 0-d scalar.
    V2,
    /// numpy shapes, magic `0xF993FACA`.
    V3,
}

/// The contents of a parameter file: arrays in file order, with names or without.
///
/// A named list is what `nd.save(path, dict)` and `save_parameters` write; an unnamed one is
/// what `nd.save(path, [a, b])` writes. The record version is chosen as MXNet chooses it:
/// V3 when an array is 0-d (only numpy shape semantics can express that), V2 otherwise;
/// [`ParamList::with_version`] overrides it.
///
/// ```
/// use gluon_rs::io::{ParamList, RawArray, RecordVersion};
///
/// let list = ParamList::named(vec![
///     ("weight", RawArray::new(&[2], vec![0.5f32, -1.0])),
///     ("step", RawArray::new(&[], vec![7i64])),
/// ]);
/// assert_eq!(list.len(), 2);
/// assert_eq!(list.version(), RecordVersion::V3);
/// assert_eq!(list.get("step").map(|a| a.shape()), Some(&[][..]));
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct ParamList {
    arrays: Vec<RawArray>,
    /// `None` for an unnamed list; otherwise one name per array.
    names: Option<Vec<String>>,
    version: RecordVersion,
}

impl ParamList {
    /// A list of named arrays, in the given order.
    pub fn named<S: Into<String>>(entries: impl IntoIterator<Item = (S, RawArray)>) -> ParamList {
        let (names, arrays): (Vec<String>, Vec<RawArray>) = entries
            .into_iter()
            .map(|(name, array)| (name.into(), array))
            .unzip();
        let version = default_version(&arrays);
        ParamList {
            arrays,
            names: Some(names),
            version,
        }
    }

    /// A list of arrays without names.
    pub fn unnamed(arrays: impl IntoIterator<Item = RawArray>) -> ParamList {
        let arrays: Vec<RawArray> = arrays.into_iter().collect();
        let version = default_version(&arrays);
        ParamList {
            arrays,
            names: None,
            version,
        }
    }

    /// The same list, to be written with `version` records. Asking for V2 while an array is
    /// 0-d makes the write fail, since MXNet cannot read such a file back.
    pub fn with_version(mut self, version: RecordVersion) -> ParamList {
        self.version = version;
        self
    }

    /// The record version the list is written with (for a list read from a file: V3 when
    /// any record was V3, V2 otherwise).
    pub fn version(&self) -> RecordVersion {
        self.version
    }

    /// Whether the list has names. A file with no arrays reads as an unnamed list.
    pub fn has_names(&self) -> bool {
        self.names.is_some()
    }

    /// The names in file order, or `None` for an unnamed list.
    pub fn names(&self) -> Option<&[String]> {
        self.names.as_deref()
    }

    /// The arrays in file order.
    pub fn arrays(&self) -> &[RawArray] {
        &self.arrays
    }

    /// The number of arrays.
    pub fn len(&self) -> usize {
        self.arrays.len()
    }

    /// Whether there are no arrays.
    pub fn is_empty(&self) -> bool {
        self.arrays.is_empty()
    }

    /// The first array called `name`, if the list has names and one matches.
    pub fn get(&self, name: &str) -> Option<&RawArray> {
        let names = self.names.as_ref()?;
        let index = names.iter().position(|candidate| candidate == name)?;
        Some(&self.arrays[index])
    }

    /// Each array with its name (`None` in an unnamed list), in file order.
    pub fn iter(&self) -> impl Iterator<Item = (Option<&str>, &RawArray)> + '_ {
        self.arrays.iter().enumerate().map(|(index, array)| {
            let name = self.names.as_ref().map(|names| names[index].as_str());
            (name, array)
        })
    }

    /// The names (`None` for an unnamed list) and the arrays, taken out of the list.
    pub fn into_parts(self) -> (Option<Vec<String>>, Vec<RawArray>) {
        (self.names, self.arrays)
    }

    /// Builds a list read from a file; `names` is empty for an unnamed list.
    pub(crate) fn from_file_parts(
        arrays: Vec<RawArray>,
        names: Vec<String>,
        version: RecordVersion,
    ) -> ParamList {
        let names = (!names.is_empty()).then_some(names);
        ParamList {
            arrays,
            names,
            version,
        }
    }
}

/// V3 when some array is a genuine 0-d scalar, which only numpy shape semantics can hold.
fn default_version(arrays: &[RawArray]) -> RecordVersion {
    let has_scalar = arrays
        .iter()
        .any(|array| !array.is_none() && array.ndim() == 0);
    if has_scalar {
        RecordVersion::V3
    } else {
        RecordVersion::V2
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classic_shapes_default_to_v2() {
        let list = ParamList::named(vec![("a", RawArray::new(&[1], vec![1.0f32]))]);

        assert_eq!(list.version(), RecordVersion::V2);
    }

    #[test]
    fn none_arrays_do_not_force_v3() {
        let list = ParamList::unnamed(vec![RawArray::none()]);

        assert_eq!(list.version(), RecordVersion::V2);
    }

    #[test]
    fn iteration_keeps_order_and_names() {
        let list = ParamList::named(vec![
            ("b", RawArray::new(&[1], vec![1i32])),
            ("a", RawArray::new(&[1], vec![2i32])),
        ]);

        let names: Vec<Option<&str>> = list.iter().map(|(name, _)| name).collect();

        assert_eq!(names, vec![Some("b"), Some("a")]);
        assert_eq!(list.get("a"), Some(&RawArray::new(&[1], vec![2i32])));
        assert_eq!(list.get("c"), None);
    }

    #[test]
    fn unnamed_lists_have_no_names() {
        let list = ParamList::unnamed(vec![RawArray::new(&[1], vec![1u8])]);

        assert!(!list.has_names());
        assert_eq!(list.get("0"), None);
        assert_eq!(list.iter().next().map(|(name, _)| name), Some(None));
    }
}
