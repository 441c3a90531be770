//! `save_parameters` / `load_parameters` and `ParameterDict::save` / `load`, in MXNet's
//! `.params` format through [`crate::io`].

use super::{Block, Parameter, ParameterDict};
use crate::error::{Error, Result};
use crate::io;
use crate::nd::NDArray;
use std::path::Path;

/// Writes `block`'s parameters under their structural names (`0.weight`, ...).
pub(crate) fn save_parameters(block: &dyn Block, path: &Path) -> Result<()> {
    let params = block.structural_params();
    write(
        path,
        params.iter().map(|(name, param)| (name.as_str(), param)),
    )
}

/// Reads a file into `block`. Keys with a `.` are structural names; a file with no such
/// key is an older full-name file, read as MXNet does by prepending the block's prefix.
pub(crate) fn load_parameters(
    block: &dyn Block,
    path: &Path,
    allow_missing: bool,
    ignore_extra: bool,
) -> Result<()> {
    let loaded = io::load(path)?;
    if !loaded.is_empty() && !loaded.iter().any(|(name, _)| name.contains('.')) {
        let params = block.collect_params();
        return params.load_arrays(path, loaded, allow_missing, ignore_extra, block.prefix());
    }
    let params = block.structural_params();
    assign(path, &params, loaded, allow_missing, ignore_extra)
}

impl ParameterDict {
    /// Writes the parameters under their full names with `strip_prefix` removed from the
    /// front of each, as 1.x's `ParameterDict.save`.
    ///
    /// # Errors
    ///
    /// [`Error::Parameter`] when a parameter is not initialized; [`Error::Io`] when the
    /// file cannot be written.
    pub fn save(&self, path: &Path, strip_prefix: &str) -> Result<()> {
        let named: Vec<(&str, &Parameter)> = self
            .iter()
            .map(|(name, param)| (name.strip_prefix(strip_prefix).unwrap_or(name), param))
            .collect();
        write(path, named.into_iter())
    }

    /// Reads a file of full names into these parameters, after stripping any `arg:` or
    /// `aux:` key prefix and prepending `restore_prefix`, as 1.x's `ParameterDict.load`.
    ///
    /// # Errors
    ///
    /// As [`Block::load_parameters`].
    pub fn load(
        &self,
        path: &Path,
        allow_missing: bool,
        ignore_extra: bool,
        restore_prefix: &str,
    ) -> Result<()> {
        let loaded = io::load(path)?;
        self.load_arrays(path, loaded, allow_missing, ignore_extra, restore_prefix)
    }

    fn load_arrays(
        &self,
        path: &Path,
        loaded: Vec<(String, NDArray)>,
        allow_missing: bool,
        ignore_extra: bool,
        restore_prefix: &str,
    ) -> Result<()> {
        let loaded = loaded
            .into_iter()
            .map(|(name, array)| {
                let bare = name
                    .strip_prefix("arg:")
                    .or_else(|| name.strip_prefix("aux:"))
                    .unwrap_or(&name);
                (format!("{restore_prefix}{bare}"), array)
            })
            .collect();
        let params: Vec<(String, Parameter)> = self
            .iter()
            .map(|(name, param)| (name.to_string(), param.clone()))
            .collect();
        assign(path, &params, loaded, allow_missing, ignore_extra)
    }
}

fn write<'a>(path: &Path, params: impl Iterator<Item = (&'a str, &'a Parameter)>) -> Result<()> {
    let arrays: Vec<(&str, NDArray)> = params
        .map(|(name, param)| Ok((name, param.data()?)))
        .collect::<Result<_>>()?;
    let refs: Vec<(&str, &NDArray)> = arrays.iter().map(|(name, array)| (*name, array)).collect();
    io::save(path, &refs)
}

/// Loads `loaded` into `params` (both keyed by the same naming scheme), checking that
/// every parameter is present and every array used, unless told otherwise.
fn assign(
    path: &Path,
    params: &[(String, Parameter)],
    loaded: Vec<(String, NDArray)>,
    allow_missing: bool,
    ignore_extra: bool,
) -> Result<()> {
    let file_error = |message: String| Error::ParamFile {
        path: path.to_path_buf(),
        message,
    };
    if !allow_missing {
        if let Some((name, _)) = params
            .iter()
            .find(|(name, _)| !loaded.iter().any(|(key, _)| key == name))
        {
            return Err(file_error(format!(
                "parameter {name} is missing from the file, which holds {}; pass \
                 allow_missing = true to leave it as it is",
                abbreviated(loaded.iter().map(|(key, _)| key.as_str()))
            )));
        }
    }
    if !ignore_extra {
        if let Some((key, _)) = loaded
            .iter()
            .find(|(key, _)| !params.iter().any(|(name, _)| name == key))
        {
            return Err(file_error(format!(
                "the file holds {key}, which is not a parameter of the network (its \
                 parameters are {}); pass ignore_extra = true to skip it",
                abbreviated(params.iter().map(|(name, _)| name.as_str()))
            )));
        }
    }

    for (key, array) in &loaded {
        if let Some((_, param)) = params.iter().find(|(name, _)| name == key) {
            param.load(array).map_err(|error| match error {
                Error::Parameter { message, .. } => {
                    file_error(format!("parameter {key}: {message}"))
                }
                other => other,
            })?;
        }
    }
    Ok(())
}

/// Up to eight names joined by commas, then how many more.
fn abbreviated<'a>(names: impl Iterator<Item = &'a str>) -> String {
    let names: Vec<&str> = names.collect();
    if names.is_empty() {
        return "nothing".to_string();
    }
    let shown = names[..names.len().min(8)].join(", ");
    match names.len() {
        0..=8 => format!("[{shown}]"),
        count => format!("[{shown}, ... {} more]", count - 8),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn abbreviated_lists_at_most_eight_names() {
        let names: Vec<String> = (0..10).map(|i| format!("p{i}")).collect();

        let text = abbreviated(names.iter().map(String::as_str));

        assert!(text.ends_with("p7, ... 2 more]"), "{text}");
        assert_eq!(abbreviated(std::iter::empty()), "nothing");
    }
}
