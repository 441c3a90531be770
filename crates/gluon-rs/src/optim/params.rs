//! Optimizer settings given by name, as the `optimizer_params` dict of `gluon.Trainer`.

use super::lr_scheduler::LRScheduler;
use crate::error::{Error, Result};
use std::collections::BTreeMap;

/// One value of an [`OptimizerParams`] map.
#[derive(Debug, Clone)]
pub enum ParamValue {
    /// A number, such as `learning_rate` or `momentum`.
    Number(f64),
    /// A flag, such as RMSProp's `centered`.
    Bool(bool),
    /// A learning-rate schedule (`lr_scheduler`).
    Scheduler(Box<dyn LRScheduler>),
}

impl From<f64> for ParamValue {
    fn from(value: f64) -> Self {
        ParamValue::Number(value)
    }
}

impl From<f32> for ParamValue {
    fn from(value: f32) -> Self {
        ParamValue::Number(value as f64)
    }
}

impl From<i32> for ParamValue {
    fn from(value: i32) -> Self {
        ParamValue::Number(value as f64)
    }
}

impl From<bool> for ParamValue {
    fn from(value: bool) -> Self {
        ParamValue::Bool(value)
    }
}

impl From<Box<dyn LRScheduler>> for ParamValue {
    fn from(value: Box<dyn LRScheduler>) -> Self {
        ParamValue::Scheduler(value)
    }
}

/// Optimizer settings by MXNet's names, e.g. `{"learning_rate": 0.1, "momentum": 0.9}`.
pub type OptimizerParams = BTreeMap<String, ParamValue>;

/// Builds an [`OptimizerParams`] map from pairs.
///
/// ```
/// use gluon_rs::optim;
///
/// let params = optim::params([("learning_rate", 0.1), ("momentum", 0.9)]);
/// assert_eq!(params.len(), 2);
/// ```
pub fn params<K, V>(pairs: impl IntoIterator<Item = (K, V)>) -> OptimizerParams
where
    K: Into<String>,
    V: Into<ParamValue>,
{
    pairs
        .into_iter()
        .map(|(key, value)| (key.into(), value.into()))
        .collect()
}

/// Takes settings out of a map one by one, then rejects whatever is left.
pub(crate) struct ParamReader {
    optimizer: &'static str,
    valid: Vec<&'static str>,
    params: OptimizerParams,
}

impl ParamReader {
    pub(crate) fn new(optimizer: &'static str, params: OptimizerParams) -> ParamReader {
        ParamReader {
            optimizer,
            valid: Vec::new(),
            params,
        }
    }

    fn what(&self, key: &str) -> String {
        format!("{} setting {key}", self.optimizer)
    }

    /// The number under `key`, if present.
    pub(crate) fn number(&mut self, key: &'static str) -> Result<Option<f64>> {
        self.valid.push(key);
        match self.params.remove(key) {
            None => Ok(None),
            Some(ParamValue::Number(value)) if value.is_finite() => Ok(Some(value)),
            Some(ParamValue::Number(value)) => Err(Error::config(
                self.what(key),
                format!("expected a finite number, got {value}"),
            )),
            Some(other) => Err(Error::config(
                self.what(key),
                format!("expected a finite number, got {other:?}"),
            )),
        }
    }

    /// The flag under `key`, if present.
    pub(crate) fn flag(&mut self, key: &'static str) -> Result<Option<bool>> {
        self.valid.push(key);
        match self.params.remove(key) {
            None => Ok(None),
            Some(ParamValue::Bool(value)) => Ok(Some(value)),
            Some(other) => Err(Error::config(
                self.what(key),
                format!("expected true or false, got {other:?}"),
            )),
        }
    }

    /// The schedule under `key`, if present.
    pub(crate) fn scheduler(&mut self, key: &'static str) -> Result<Option<Box<dyn LRScheduler>>> {
        self.valid.push(key);
        match self.params.remove(key) {
            None => Ok(None),
            Some(ParamValue::Scheduler(value)) => Ok(Some(value)),
            Some(other) => Err(Error::config(
                self.what(key),
                format!("expected a learning-rate scheduler, got {other:?}"),
            )),
        }
    }

    /// Fails on the first setting nobody asked for, listing the valid ones.
    pub(crate) fn finish(self) -> Result<()> {
        match self.params.keys().next() {
            None => Ok(()),
            Some(unknown) => {
                let mut valid = self.valid.clone();
                valid.sort_unstable();
                Err(Error::config(
                    format!("{} setting", self.optimizer),
                    format!("'{unknown}' is not one of {}", valid.join(", ")),
                ))
            }
        }
    }
}

/// Checks that `value` lies in `[low, high]` (or `[low, high)` when `high_open`).
pub(crate) fn check_range(
    optimizer: &str,
    key: &str,
    value: f64,
    low: f64,
    high: f64,
    high_open: bool,
) -> Result<f64> {
    let inside = value >= low && (value < high || (!high_open && value <= high));
    if inside && value.is_finite() {
        return Ok(value);
    }
    let message = if !value.is_finite() {
        format!("expected a finite number, got {value}")
    } else if high == f64::MAX {
        // An open-ended range: printing f64::MAX in full helps nobody.
        format!("{value} is below the smallest allowed value, {low}")
    } else {
        let close = if high_open { ")" } else { "]" };
        format!("{value} is outside [{low}, {high}{close}")
    };
    Err(Error::config(format!("{optimizer} setting {key}"), message))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn range_errors_read_as_numbers() {
        let open_ended = check_range("sgd", "learning_rate", -1.0, 0.0, f64::MAX, false)
            .unwrap_err()
            .to_string();
        let bounded = check_range("sgd", "momentum", 1.0, 0.0, 1.0, true)
            .unwrap_err()
            .to_string();
        let nan = ParamReader::new("sgd", params([("wd", f64::NAN)]))
            .number("wd")
            .unwrap_err()
            .to_string();

        assert!(
            open_ended.contains("-1 is below the smallest allowed value, 0"),
            "{open_ended}"
        );
        assert!(!open_ended.contains("1797693"), "{open_ended}");
        assert!(bounded.contains("1 is outside [0, 1)"), "{bounded}");
        assert!(nan.contains("expected a finite number, got NaN"), "{nan}");
    }

    #[test]
    fn reader_rejects_leftovers_and_wrong_types() {
        let mut reader = ParamReader::new("sgd", params([("momentum", 0.9), ("speed", 1.0)]));
        reader.number("momentum").unwrap();

        let leftover = reader.finish().unwrap_err().to_string();
        let mut typed = ParamReader::new("rmsprop", params([("centered", 1.0)]));

        assert!(
            leftover.contains("'speed' is not one of momentum"),
            "{leftover}"
        );
        assert!(typed.flag("centered").is_err());
    }

    #[test]
    fn ranges_are_checked_with_their_bounds() {
        assert!(check_range("sgd", "momentum", 1.0, 0.0, 1.0, true).is_err());
        assert!(check_range("sgd", "momentum", 1.0, 0.0, 1.0, false).is_ok());
        assert!(check_range("sgd", "wd", f64::INFINITY, 0.0, f64::MAX, false).is_err());
    }
}
