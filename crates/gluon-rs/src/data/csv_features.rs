//! [`CsvFeatures`]: the numeric feature columns of a CSV file.

use super::csv_cell::{is_missing, parse_number, Cell};
use super::csv_options::{CsvOptions, MissingValues};
use super::csv_reader::{column_label, csv_error, read_file, read_table, RawTable};
use super::standardizer::Standardizer;
use crate::nd::NDArray;
use crate::{Error, Result};
use std::path::{Path, PathBuf};

/// The feature columns of a CSV file, read strictly: every value a finite number that fits
/// in `f32`, kept in `f64` so statistics over them are exact. Each row remembers the line it
/// came from.
///
/// [`CsvDataset`](super::CsvDataset) holds one of these plus the labels; read one alone to
/// predict on a file that may have no label column.
#[derive(Debug, Clone, PartialEq)]
pub struct CsvFeatures {
    path: PathBuf,
    names: Vec<String>,
    /// Row-major, `len() * names.len()` values.
    values: Vec<f64>,
    lines: Vec<u64>,
    dropped_lines: Vec<u64>,
}

impl CsvFeatures {
    /// Reads the feature columns of the CSV file at `path`: those named by
    /// [`CsvOptions::with_features`], in that order, or else every column. The label
    /// options are not used: other columns, a label among them, are ignored.
    ///
    /// # Errors
    ///
    /// [`Error::Io`] if the file cannot be read, and [`Error::Csv`] (with the line and
    /// column) for every problem in its contents; see [`CsvOptions`].
    pub fn load(path: impl AsRef<Path>, options: &CsvOptions) -> Result<Self> {
        let path = path.as_ref();
        CsvFeatures::from_bytes(path, &read_file(path)?, options)
    }

    /// As [`load`](CsvFeatures::load), from the contents of a file; `path` names it in
    /// messages.
    ///
    /// # Errors
    ///
    /// As [`load`](CsvFeatures::load).
    pub fn from_bytes(path: impl AsRef<Path>, bytes: &[u8], options: &CsvOptions) -> Result<Self> {
        let table = read_table(path.as_ref(), bytes, options.delimiter())?;
        let columns = feature_columns(&table, options, None)?;
        let (features, _) = read_rows(&table, &columns, None, options.missing())?;
        Ok(features)
    }

    /// The file the rows came from.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The feature names, in column order.
    pub fn feature_names(&self) -> &[String] {
        &self.names
    }

    /// The number of rows.
    pub fn len(&self) -> usize {
        self.lines.len()
    }

    /// Whether there is no row.
    pub fn is_empty(&self) -> bool {
        self.lines.is_empty()
    }

    /// The number of feature columns.
    pub fn num_features(&self) -> usize {
        self.names.len()
    }

    /// Every value, row-major.
    pub fn values(&self) -> &[f64] {
        &self.values
    }

    /// The values of row `index`.
    ///
    /// # Panics
    ///
    /// If `index >= len()`.
    #[track_caller]
    pub fn row(&self, index: usize) -> &[f64] {
        let width = self.names.len();
        &self.values[index * width..(index + 1) * width]
    }

    /// The 1-based line of the file each row came from.
    pub fn lines(&self) -> &[u64] {
        &self.lines
    }

    /// The lines of the rows left out for a missing value
    /// ([`MissingValues::DropRows`]); their count is the number of rows dropped.
    pub fn dropped_lines(&self) -> &[u64] {
        &self.dropped_lines
    }

    /// The features as an `f32` array.
    ///
    /// # Shapes
    ///
    /// `(len(), num_features())`.
    pub fn features(&self) -> NDArray {
        let data = self.values.iter().map(|&value| value as f32).collect();
        NDArray::from_vec(data, &[self.len(), self.num_features()])
    }

    /// The rows at `rows`, in that order (a split's train or validation rows).
    ///
    /// # Errors
    ///
    /// [`Error::Data`] if an index is not below `len()`.
    pub fn select(&self, rows: &[usize]) -> Result<Self> {
        if let Some(&bad) = rows.iter().find(|&&row| row >= self.len()) {
            return Err(Error::Data(format!(
                "row index {bad} is out of range for the {} rows of {}",
                self.len(),
                self.path.display()
            )));
        }
        Ok(CsvFeatures {
            path: self.path.clone(),
            names: self.names.clone(),
            values: rows
                .iter()
                .flat_map(|&row| self.row(row).to_vec())
                .collect(),
            lines: rows.iter().map(|&row| self.lines[row]).collect(),
            dropped_lines: self.dropped_lines.clone(),
        })
    }

    /// The rows standardized by `standardizer`: `(x - mean) / std` per column.
    ///
    /// # Errors
    ///
    /// [`Error::Data`] if the standardizer was fitted on another number of features.
    pub fn standardized(&self, standardizer: &Standardizer) -> Result<Self> {
        standardizer.check_width(self.num_features())?;
        let width = self.num_features().max(1);
        let values = self
            .values
            .iter()
            .enumerate()
            .map(|(position, &value)| standardizer.apply(position % width, value))
            .collect();
        Ok(CsvFeatures {
            values,
            ..self.clone()
        })
    }
}

/// The positions of the feature columns: the named ones, or every column but the label.
pub(crate) fn feature_columns(
    table: &RawTable,
    options: &CsvOptions,
    label: Option<usize>,
) -> Result<Vec<usize>> {
    let columns: Vec<usize> = match options.features() {
        Some(names) => names
            .iter()
            .map(|name| find_column(table, name))
            .collect::<Result<_>>()?,
        None => (0..table.header.len())
            .filter(|&c| Some(c) != label)
            .collect(),
    };
    if let Some(label) = label.filter(|label| columns.contains(label)) {
        return Err(csv_error(
            &table.path,
            Some(table.header_line),
            Some(column_label(label, &table.header[label])),
            "the label column is also named as a feature; expected them apart",
        ));
    }
    if columns.is_empty() {
        return Err(csv_error(
            &table.path,
            Some(table.header_line),
            None,
            "no feature column; expected at least one besides the label",
        ));
    }
    Ok(columns)
}

/// The position of the column called `name`.
pub(crate) fn find_column(table: &RawTable, name: &str) -> Result<usize> {
    if let Some(position) = table.header.iter().position(|column| column == name) {
        return Ok(position);
    }
    let hint = table
        .header
        .iter()
        .find(|column| column.eq_ignore_ascii_case(name))
        .map(|close| format!(" (did you mean \"{close}\"?)"))
        .unwrap_or_default();
    Err(csv_error(
        &table.path,
        Some(table.header_line),
        Some(name.to_string()),
        format!(
            "no column named \"{name}\"{hint}; the columns are {}",
            table.header.join(", ")
        ),
    ))
}

/// The parsed feature rows, and the label cells (line, text) of the rows kept when a label
/// column is given.
pub(crate) fn read_rows<'a>(
    table: &'a RawTable,
    columns: &[usize],
    label: Option<usize>,
    missing: MissingValues,
) -> Result<(CsvFeatures, Vec<(u64, &'a str)>)> {
    let mut values = Vec::with_capacity(table.rows.len() * columns.len());
    let mut lines = Vec::with_capacity(table.rows.len());
    let mut dropped_lines = Vec::new();
    let mut label_cells = Vec::new();

    for row in &table.rows {
        let at = |column: usize| Some(column_label(column, &table.header[column]));
        let mut row_values = Vec::with_capacity(columns.len());
        let mut missing_at: Option<(usize, &str)> = None;
        for &column in columns {
            let text = row.fields[column].as_str();
            match parse_number(text) {
                Ok(Cell::Number(value)) => row_values.push(value),
                Ok(Cell::Missing) => {
                    missing_at.get_or_insert((column, text));
                }
                Err(message) => {
                    return Err(csv_error(&table.path, Some(row.line), at(column), message))
                }
            }
        }
        if let Some(column) = label {
            if is_missing(&row.fields[column]) {
                missing_at.get_or_insert((column, &row.fields[column]));
            }
        }

        match (missing_at, missing) {
            (None, _) => {
                values.extend(row_values);
                lines.push(row.line);
                if let Some(column) = label {
                    label_cells.push((row.line, row.fields[column].as_str()));
                }
            }
            (Some(_), MissingValues::DropRows) => dropped_lines.push(row.line),
            (Some((column, text)), MissingValues::Error) => {
                let shown = if text.is_empty() {
                    "an empty cell".to_string()
                } else {
                    format!("\"{text}\"")
                };
                let wanted = if Some(column) == label {
                    "a label"
                } else {
                    "a number"
                };
                return Err(csv_error(
                    &table.path,
                    Some(row.line),
                    at(column),
                    format!(
                        "missing value ({shown}); expected {wanted}, or choose to drop rows \
                         with missing values"
                    ),
                ));
            }
        }
    }

    if lines.is_empty() {
        return Err(csv_error(
            &table.path,
            None,
            None,
            format!(
                "all {} rows have a missing value and were dropped; expected at least one \
                 complete row",
                dropped_lines.len()
            ),
        ));
    }
    if !dropped_lines.is_empty() {
        log::debug!(
            "{}: dropped {} rows with missing values",
            table.path.display(),
            dropped_lines.len()
        );
    }
    let features = CsvFeatures {
        path: table.path.clone(),
        names: columns.iter().map(|&c| table.header[c].clone()).collect(),
        values,
        lines,
        dropped_lines,
    };
    Ok((features, label_cells))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data::{CsvDataset, LabelColumn};

    fn dataset_error(text: &str, options: &CsvOptions) -> String {
        CsvDataset::from_bytes("f.csv", text.as_bytes(), options)
            .err()
            .map(|e| e.to_string())
            .unwrap_or_default()
    }

    #[test]
    fn dropping_every_row_is_an_error() {
        let options = CsvOptions::new().with_missing(MissingValues::DropRows);

        let message = dataset_error("a,y\nNA,1\n,0\n", &options);

        assert_eq!(
            message,
            "f.csv: all 2 rows have a missing value and were dropped; expected at least one \
             complete row"
        );
    }

    #[test]
    fn label_named_as_a_feature_is_an_error() {
        let options = CsvOptions::new().with_features(vec!["a".into(), "y".into()]);

        let message = dataset_error("a,y\n1,1\n", &options);

        assert!(message.starts_with("f.csv:1: column 2 (y): the label column is also named"));
    }

    #[test]
    fn single_column_file_has_no_feature() {
        let options = CsvOptions::new().with_label(LabelColumn::Index(0));

        let message = dataset_error("y\n1\n", &options);

        assert_eq!(
            message,
            "f.csv:1: no feature column; expected at least one besides the label"
        );
    }

    #[test]
    fn unknown_feature_name_is_an_error() {
        let options = CsvOptions::new().with_features(vec!["b".into()]);

        let message = CsvFeatures::from_bytes("p.csv", b"a,y\n1,1\n", &options)
            .err()
            .map(|e| e.to_string());

        assert_eq!(
            message.as_deref(),
            Some("p.csv:1: column b: no column named \"b\"; the columns are a, y")
        );
    }

    #[test]
    fn standardized_rows_use_the_fitted_statistics() -> Result<()> {
        let table = CsvFeatures::from_bytes("s.csv", b"a,b\n1,5\n3,5\n", &CsvOptions::new())?;
        let standardizer = Standardizer::fit(&table)?;

        let standardized = table.standardized(&standardizer)?;

        assert_eq!(standardized.values(), &[-1.0, 0.0, 1.0, 0.0]);
        Ok(())
    }
}
