//! [`Trainer::save_states`] and [`Trainer::load_states`]: the optimizer and its per-parameter
//! state in a gluon-rs JSON file.
//!
//! The file holds the optimizer's name and settings, its update counters, and every state
//! array with its `f32` values stored as bit patterns, so a reload is exact. Python pickles,
//! MXNet's format, are out of scope.

use super::trainer::Trainer;
use super::{create, OptimizerParams, ParamValue};
use crate::error::{Error, Result};
use crate::nd::NDArray;
use serde_json::{json, Map, Value};
use std::path::Path;

const FORMAT: &str = "gluon-rs trainer states";
const VERSION: u64 = 1;

impl Trainer {
    /// Writes the optimizer's settings, counters and states to `path`, as
    /// `Trainer.save_states`. The file is written beside `path` and renamed into place, so
    /// a crash never leaves a half-written file.
    ///
    /// # Errors
    ///
    /// [`Error::Io`] when the file cannot be written.
    pub fn save_states(&mut self, path: impl AsRef<Path>) -> Result<()> {
        let path = path.as_ref();
        let optimizer = &self.optimizer;
        let mut settings = optimizer.base().params();
        settings.extend(optimizer.own_params());
        settings.insert(
            "rescale_grad".into(),
            ParamValue::Number(self.original_rescale_grad),
        );
        let settings: Map<String, Value> = settings
            .into_iter()
            .filter_map(|(key, value)| match value {
                ParamValue::Number(number) => Some((key, json!(number))),
                ParamValue::Bool(flag) => Some((key, json!(flag))),
                ParamValue::Scheduler(_) => None,
            })
            .collect();
        let counts: Map<String, Value> = optimizer
            .base()
            .update_counts()
            .map(|(index, count)| (index.to_string(), json!(count)))
            .collect();
        let states: Vec<Value> = self
            .states
            .iter()
            .map(|state| match state {
                None => Value::Null,
                Some(arrays) => Value::Array(arrays.iter().map(array_to_json).collect()),
            })
            .collect();
        let document = json!({
            "format": FORMAT,
            "version": VERSION,
            "optimizer": optimizer.name(),
            "settings": settings,
            "num_update": optimizer.base().num_update(),
            "update_counts": counts,
            "states": states,
        });
        write_atomically(path, document.to_string().as_bytes())
    }

    /// Replaces the optimizer, its counters and its states with those saved in `path`, as
    /// `Trainer.load_states`: the saved learning rate, momentum and other settings win.
    /// A learning-rate schedule is not saved; the current one is kept. `lr_mult` and
    /// `wd_mult` stay with the parameters, as in MXNet.
    ///
    /// # Errors
    ///
    /// [`Error::Io`] when the file cannot be read; [`Error::ParamFile`] when it is not a
    /// states file or does not fit this Trainer's parameters.
    pub fn load_states(&mut self, path: impl AsRef<Path>) -> Result<()> {
        let path = path.as_ref();
        let text = std::fs::read_to_string(path).map_err(|source| Error::io(path, source))?;
        let bad = |message: String| Error::ParamFile {
            path: path.to_path_buf(),
            message,
        };
        let document: Value =
            serde_json::from_str(&text).map_err(|e| bad(format!("not JSON: {e}")))?;
        if document["format"] != FORMAT || document["version"] != VERSION {
            return Err(bad(format!("not a {FORMAT} file of version {VERSION}")));
        }
        let expected = self.params().len();
        let shapes: Vec<Vec<usize>> = self.params().iter().map(|p| p.shape()).collect();

        let name = document["optimizer"]
            .as_str()
            .ok_or_else(|| bad("no optimizer name".into()))?;
        let mut settings = OptimizerParams::new();
        for (key, value) in document["settings"].as_object().into_iter().flatten() {
            let value = match value {
                Value::Bool(flag) => ParamValue::Bool(*flag),
                other => ParamValue::Number(
                    other
                        .as_f64()
                        .ok_or_else(|| bad(format!("setting {key}")))?,
                ),
            };
            settings.insert(key.clone(), value);
        }
        let saved_states = read_states(&document["states"], &shapes, expected).map_err(bad)?;
        let counts = read_counts(&document["update_counts"], expected).map_err(bad)?;
        let num_update = document["num_update"]
            .as_u64()
            .ok_or_else(|| bad("no num_update".into()))?;

        let mut replacement = create(name, settings)?;
        let scheduler = self.optimizer.base_mut().take_scheduler();
        replacement.base_mut().set_scheduler(scheduler);
        replacement.base_mut().restore_counts(counts, num_update);
        self.original_rescale_grad = replacement.base().rescale_grad;
        self.optimizer = replacement;
        self.states = saved_states;
        Ok(())
    }
}

fn array_to_json(array: &NDArray) -> Value {
    let bits: Vec<u32> = array.read().iter().map(|v| v.to_bits()).collect();
    json!({ "shape": array.shape(), "bits": bits })
}

/// The saved update counts; each index must name one of the `expected` parameters.
fn read_counts(value: &Value, expected: usize) -> std::result::Result<Vec<(usize, u64)>, String> {
    let object = value.as_object().ok_or("no update_counts")?;
    object
        .iter()
        .map(|(index, count)| {
            let index: usize = index.parse().map_err(|_| format!("bad index {index}"))?;
            if index >= expected {
                return Err(format!(
                    "update count for parameter index {index}, but the Trainer has {expected} \
                     parameters"
                ));
            }
            let count = count
                .as_u64()
                .ok_or(format!("bad count for index {index}"))?;
            Ok((index, count))
        })
        .collect()
}

type States = Vec<Option<Vec<NDArray>>>;

fn read_states(
    value: &Value,
    shapes: &[Vec<usize>],
    expected: usize,
) -> std::result::Result<States, String> {
    let entries = value.as_array().ok_or("no states")?;
    if entries.len() != expected {
        return Err(format!(
            "it holds states for {} parameters, but the Trainer has {expected}",
            entries.len()
        ));
    }
    entries
        .iter()
        .zip(shapes)
        .enumerate()
        .map(|(index, (entry, shape))| {
            if entry.is_null() {
                return Ok(None);
            }
            let arrays = entry
                .as_array()
                .ok_or(format!("bad states for parameter {index}"))?;
            arrays
                .iter()
                .map(|array| read_array(array, shape, index))
                .collect::<std::result::Result<Vec<_>, String>>()
                .map(Some)
        })
        .collect()
}

fn read_array(
    value: &Value,
    shape: &[usize],
    index: usize,
) -> std::result::Result<NDArray, String> {
    let saved: Vec<usize> = value["shape"]
        .as_array()
        .ok_or(format!("no shape for parameter {index}"))?
        .iter()
        .map(|d| d.as_u64().map(|d| d as usize).ok_or("bad dimension"))
        .collect::<std::result::Result<_, _>>()?;
    if saved != shape {
        return Err(format!(
            "the state of parameter {index} has shape {saved:?}, but the parameter has {shape:?}"
        ));
    }
    let data: Vec<f32> = value["bits"]
        .as_array()
        .ok_or(format!("no values for parameter {index}"))?
        .iter()
        .map(|bits| {
            bits.as_u64()
                .map(|b| f32::from_bits(b as u32))
                .ok_or("bad value")
        })
        .collect::<std::result::Result<_, _>>()?;
    if data.len() != shape.iter().product::<usize>() {
        return Err(format!(
            "the state of parameter {index} has the wrong number of values"
        ));
    }
    Ok(NDArray::from_vec(data, shape))
}

/// Writes `bytes` to a temporary file in `path`'s folder and renames it over `path`.
pub(crate) fn write_atomically(path: &Path, bytes: &[u8]) -> Result<()> {
    let file_name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let temporary = path.with_file_name(format!(".{file_name}.tmp{}", std::process::id()));
    let result = std::fs::write(&temporary, bytes).and_then(|()| std::fs::rename(&temporary, path));
    if let Err(source) = result {
        let _ = std::fs::remove_file(&temporary);
        return Err(Error::io(path, source));
    }
    Ok(())
}
