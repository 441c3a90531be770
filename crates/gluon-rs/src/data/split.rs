//! [`Split`]: the row indices of a train and a validation set, in the format of
//! `data/splits/*.json`.

use super::standardizer::Standardizer;
use crate::{Error, Result};
use serde::{Deserialize, Serialize};
use std::path::Path;

/// A train/validation split of a CSV file's data rows, as recorded in `data/splits/*.json`.
///
/// `train` and `validation` hold 0-based positions among the data rows (the header is not
/// counted), sorted, without repeats and without overlap. The other fields describe where
/// the split came from; they are optional when reading and kept when writing.
///
/// ```
/// use gluon_rs::data::Split;
///
/// let text = r#"{"n_rows": 5, "train": [0, 2, 3], "validation": [1, 4]}"#;
/// let split = Split::from_json("toy.json", text)?;
/// assert_eq!(split.validation, vec![1, 4]);
/// split.check_rows(5)?;
/// assert!(split.check_rows(4).is_err());
/// # Ok::<(), gluon_rs::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct Split {
    /// The data set's name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dataset: Option<String>,
    /// The CSV file the indices refer to.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub csv: Option<String>,
    /// The number of data rows of that file.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub n_rows: Option<usize>,
    /// The label column's name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub label_column: Option<String>,
    /// The feature columns' names.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub feature_columns: Option<Vec<String>>,
    /// The first index; only 0 is accepted.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub index_base: Option<usize>,
    /// How the split was made.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub method: Option<String>,
    /// The number of train rows, when recorded.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub n_train: Option<usize>,
    /// The number of validation rows, when recorded.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub n_validation: Option<usize>,
    /// The train rows.
    pub train: Vec<usize>,
    /// The validation rows.
    pub validation: Vec<usize>,
    /// Standardization statistics computed on the train rows, when recorded.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub standardization: Option<RecordedStandardization>,
}

/// The standardization statistics a split file records.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RecordedStandardization {
    /// How the statistics were computed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    /// The per-feature mean over the train rows.
    pub mean: Vec<f64>,
    /// The per-feature population standard deviation over the train rows.
    pub std: Vec<f64>,
}

impl Split {
    /// Reads and checks the split file at `path`.
    ///
    /// # Errors
    ///
    /// [`Error::Io`] if the file cannot be read; [`Error::DataFile`] if it is not valid
    /// JSON of this format or its indices are inconsistent (see
    /// [`from_json`](Split::from_json)).
    pub fn load(path: impl AsRef<Path>) -> Result<Self> {
        let path = path.as_ref();
        let text = std::fs::read_to_string(path).map_err(|source| Error::io(path, source))?;
        Split::from_json(path, &text)
    }

    /// Parses and checks a split from JSON text; `path` names it in messages.
    ///
    /// # Errors
    ///
    /// [`Error::DataFile`] if the JSON is malformed or lacks `train` or `validation`, if
    /// `index_base` is not 0, if an index repeats or is in both sets, if a set is empty, if
    /// recorded counts differ from the lists, or if an index is not below `n_rows`.
    pub fn from_json(path: impl AsRef<Path>, text: &str) -> Result<Self> {
        let path = path.as_ref();
        let split: Split = serde_json::from_str(text).map_err(|error| Error::DataFile {
            path: path.to_path_buf(),
            message: format!("not a split file: {error}"),
        })?;
        split.validate().map_err(|message| Error::DataFile {
            path: path.to_path_buf(),
            message,
        })?;
        Ok(split)
    }

    /// Writes the split as JSON to `path`, through a temporary file renamed into place.
    ///
    /// # Errors
    ///
    /// [`Error::Io`] if the file cannot be written.
    pub fn save(&self, path: impl AsRef<Path>) -> Result<()> {
        let path = path.as_ref();
        let text = serde_json::to_string_pretty(self).map_err(|error| Error::DataFile {
            path: path.to_path_buf(),
            message: error.to_string(),
        })?;
        let mut temporary = path.as_os_str().to_owned();
        temporary.push(".tmp");
        std::fs::write(&temporary, text + "\n").map_err(|source| Error::io(&temporary, source))?;
        std::fs::rename(&temporary, path).map_err(|source| Error::io(path, source))
    }

    /// Checks that the split fits a file of `num_rows` data rows: every index is below it,
    /// and a recorded `n_rows` equals it.
    ///
    /// # Errors
    ///
    /// [`Error::Data`] naming the mismatch.
    pub fn check_rows(&self, num_rows: usize) -> Result<()> {
        if let Some(recorded) = self.n_rows.filter(|&recorded| recorded != num_rows) {
            return Err(Error::Data(format!(
                "the split was made for {recorded} rows, the data has {num_rows}"
            )));
        }
        let largest = self.train.iter().chain(&self.validation).max();
        if let Some(&largest) = largest.filter(|&&largest| largest >= num_rows) {
            return Err(Error::Data(format!(
                "the split uses row {largest}, the data has {num_rows} rows"
            )));
        }
        Ok(())
    }

    /// The recorded standardization statistics as a [`Standardizer`], if the file has them.
    pub fn recorded_standardizer(&self) -> Option<Standardizer> {
        self.standardization.as_ref().map(|recorded| Standardizer {
            mean: recorded.mean.clone(),
            std: recorded.std.clone(),
        })
    }

    fn validate(&self) -> std::result::Result<(), String> {
        if let Some(base) = self.index_base.filter(|&base| base != 0) {
            return Err(format!(
                "index_base is {base}; expected 0 (0-based row indices)"
            ));
        }
        for (name, rows, recorded) in [
            ("train", &self.train, self.n_train),
            ("validation", &self.validation, self.n_validation),
        ] {
            if rows.is_empty() {
                return Err(format!(
                    "the {name} set is empty; expected at least one row"
                ));
            }
            if let Some(recorded) = recorded.filter(|&recorded| recorded != rows.len()) {
                return Err(format!(
                    "n_{name} is {recorded}, but the {name} list has {} rows",
                    rows.len()
                ));
            }
        }

        let mut seen = std::collections::HashMap::new();
        for (name, rows) in [("train", &self.train), ("validation", &self.validation)] {
            for &row in rows {
                if let Some(first) = seen.insert(row, name) {
                    return Err(format!(
                        "row {row} is listed in {first} and again in {name}"
                    ));
                }
            }
        }
        if let Some(n_rows) = self.n_rows {
            if let Some(&row) = seen.keys().find(|&&row| row >= n_rows) {
                return Err(format!("row {row} is out of range for n_rows {n_rows}"));
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn problem(text: &str) -> String {
        Split::from_json("s.json", text)
            .err()
            .map(|e| e.to_string())
            .unwrap_or_default()
    }

    #[test]
    fn one_based_indices_are_rejected() {
        let message = problem(r#"{"index_base": 1, "train": [1], "validation": [2]}"#);

        assert_eq!(
            message,
            "s.json: index_base is 1; expected 0 (0-based row indices)"
        );
    }

    #[test]
    fn empty_validation_set_is_rejected() {
        let message = problem(r#"{"train": [0, 1], "validation": []}"#);

        assert_eq!(
            message,
            "s.json: the validation set is empty; expected at least one row"
        );
    }

    #[test]
    fn recorded_count_that_differs_is_rejected() {
        let message = problem(r#"{"n_train": 3, "train": [0, 1], "validation": [2]}"#);

        assert_eq!(
            message,
            "s.json: n_train is 3, but the train list has 2 rows"
        );
    }

    #[test]
    fn index_beyond_n_rows_is_rejected() {
        let message = problem(r#"{"n_rows": 3, "train": [0, 1], "validation": [3]}"#);

        assert_eq!(message, "s.json: row 3 is out of range for n_rows 3");
    }

    #[test]
    fn repeated_index_is_rejected() {
        let message = problem(r#"{"train": [0, 0], "validation": [1]}"#);

        assert_eq!(
            message,
            "s.json: row 0 is listed in train and again in train"
        );
    }

    #[test]
    fn malformed_json_is_rejected() {
        let message = problem(r#"{"train": [0, 1]"#);

        assert!(
            message.starts_with("s.json: not a split file: "),
            "{message}"
        );
    }
}
