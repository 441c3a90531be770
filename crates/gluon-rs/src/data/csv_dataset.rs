//! [`CsvDataset`]: a labelled CSV file for binary classification.

use super::array_dataset::ArrayDataset;
use super::csv_features::{feature_columns, find_column, read_rows, CsvFeatures};
use super::csv_options::{CsvOptions, LabelColumn};
use super::csv_reader::{column_label, csv_error, read_file, read_table, RawTable};
use super::dataset::Dataset;
use super::label_mapping::{encode_labels, LabelColumnRef, LabelMapping};
use super::standardizer::Standardizer;
use crate::nd::NDArray;
use crate::Result;
use std::path::Path;

/// A CSV file of numeric features and a binary label, read strictly: a bad cell is an
/// error naming its file, line and column, never a silent value.
///
/// Item `i` is `(features, label)`: the row's features, shape `(num_features,)`, and its
/// 0/1 label as a 0-d array, so a [`DataLoader`](super::DataLoader) yields batches of shape
/// `(B, num_features)` and `(B,)`.
///
/// Unlike MXNet 1.9.1's `CSVIter`, which reads a header line as a row of zeros and `1e400`
/// as a large finite number without a word, the header is required and read as names, and
/// out-of-range values are errors.
///
/// ```
/// use gluon_rs::data::{CsvDataset, CsvOptions, Dataset};
///
/// let text = "age,income,bought\n31,2.5,yes\n45,3.1,no\n";
/// let options = CsvOptions::new().with_positive("yes");
/// let dataset = CsvDataset::from_bytes("shop.csv", text.as_bytes(), &options)?;
///
/// assert_eq!(dataset.feature_names(), &["age", "income"]);
/// assert_eq!(dataset.label_values(), &[1.0, 0.0]);
/// assert_eq!(dataset.label_mapping().to_string(), "label \"bought\": \"yes\" -> 1, \"no\" -> 0");
/// let (row, label) = dataset.get(1);
/// assert_eq!(row.to_vec(), vec![45.0, 3.1]);
/// assert_eq!(label.asscalar(), 0.0);
/// # Ok::<(), gluon_rs::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct CsvDataset {
    table: CsvFeatures,
    labels: Vec<f32>,
    mapping: LabelMapping,
}

impl CsvDataset {
    /// Reads the CSV file at `path`.
    ///
    /// # Errors
    ///
    /// [`Error::Io`](crate::Error::Io) if the file cannot be read.
    /// [`Error::Csv`](crate::Error::Csv), naming the file and where possible the line and
    /// column, for: an empty file; a header without rows; an empty
    /// or repeated column name; a row with too few or too many fields; a feature cell that
    /// is not a number, is infinite or overflows `f32`; a missing value (unless rows with
    /// one are dropped); a label column or feature column that does not exist; a label
    /// column that is not binary, or not 0/1 without a named positive value.
    pub fn load(path: impl AsRef<Path>, options: &CsvOptions) -> Result<Self> {
        let path = path.as_ref();
        CsvDataset::from_bytes(path, &read_file(path)?, options)
    }

    /// As [`load`](CsvDataset::load), from the contents of a file; `path` names it in
    /// messages.
    ///
    /// # Errors
    ///
    /// As [`load`](CsvDataset::load).
    pub fn from_bytes(path: impl AsRef<Path>, bytes: &[u8], options: &CsvOptions) -> Result<Self> {
        let table = read_table(path.as_ref(), bytes, options.delimiter())?;
        let label = label_column(&table, options.label())?;
        let columns = feature_columns(&table, options, Some(label))?;
        let (features, cells) = read_rows(&table, &columns, Some(label), options.missing())?;

        let column = LabelColumnRef {
            path: &table.path,
            label: column_label(label, &table.header[label]),
            name: &table.header[label],
        };
        let (labels, mapping) = encode_labels(&column, &cells, options.positive())?;
        if mapping.mapped {
            log::debug!("{}: {mapping}", table.path.display());
        }
        Ok(CsvDataset {
            table: features,
            labels,
            mapping,
        })
    }

    /// The feature columns, with their names, `f64` values and source lines.
    pub fn table(&self) -> &CsvFeatures {
        &self.table
    }

    /// The file the rows came from.
    pub fn path(&self) -> &Path {
        self.table.path()
    }

    /// The feature names, in column order.
    pub fn feature_names(&self) -> &[String] {
        self.table.feature_names()
    }

    /// The label column's header name.
    pub fn label_name(&self) -> &str {
        &self.mapping.column
    }

    /// The number of rows (the same as [`Dataset::len`], without importing the trait).
    pub fn len(&self) -> usize {
        self.labels.len()
    }

    /// Whether there is no row (never true for a loaded file).
    pub fn is_empty(&self) -> bool {
        self.labels.is_empty()
    }

    /// The number of feature columns.
    pub fn num_features(&self) -> usize {
        self.table.num_features()
    }

    /// How the label values were read as 0 and 1.
    pub fn label_mapping(&self) -> &LabelMapping {
        &self.mapping
    }

    /// The 0/1 labels, one per row.
    pub fn label_values(&self) -> &[f32] {
        &self.labels
    }

    /// The lines of the rows dropped for a missing value; their count is the number of
    /// rows dropped.
    pub fn dropped_lines(&self) -> &[u64] {
        self.table.dropped_lines()
    }

    /// The number of rows of each class: `(negatives, positives)`.
    pub fn class_counts(&self) -> (usize, usize) {
        let positives = self.labels.iter().filter(|&&label| label == 1.0).count();
        (self.labels.len() - positives, positives)
    }

    /// The features as an `f32` array.
    ///
    /// # Shapes
    ///
    /// `(len(), num_features())`.
    pub fn features(&self) -> NDArray {
        self.table.features()
    }

    /// The labels as an `f32` array.
    ///
    /// # Shapes
    ///
    /// `(len(),)`.
    pub fn labels(&self) -> NDArray {
        NDArray::from_slice(&self.labels, &[self.labels.len()])
    }

    /// The rows at `rows`, in that order (a split's train or validation rows).
    ///
    /// # Errors
    ///
    /// [`Error::Data`](crate::Error::Data) if an index is not below `len()`.
    pub fn select(&self, rows: &[usize]) -> Result<Self> {
        Ok(CsvDataset {
            table: self.table.select(rows)?,
            labels: rows.iter().map(|&row| self.labels[row]).collect(),
            mapping: self.mapping.clone(),
        })
    }

    /// The dataset with its features standardized by `standardizer`.
    ///
    /// # Errors
    ///
    /// [`Error::Data`](crate::Error::Data) if the standardizer was fitted on another number
    /// of features.
    pub fn standardized(&self, standardizer: &Standardizer) -> Result<Self> {
        Ok(CsvDataset {
            table: self.table.standardized(standardizer)?,
            ..self.clone()
        })
    }

    /// The features and labels as an [`ArrayDataset`], whose items are read without
    /// conversion.
    pub fn to_array_dataset(&self) -> ArrayDataset<(NDArray, NDArray)> {
        ArrayDataset::new((self.features(), self.labels()))
            .expect("features and labels have one entry per row")
    }
}

impl Dataset for CsvDataset {
    type Item = (NDArray, NDArray);

    fn len(&self) -> usize {
        CsvDataset::len(self)
    }

    #[track_caller]
    fn get(&self, index: usize) -> (NDArray, NDArray) {
        assert!(
            index < self.len(),
            "CsvDataset::get: index {index} is out of range for {} rows",
            self.len()
        );
        let row = self
            .table
            .row(index)
            .iter()
            .map(|&value| value as f32)
            .collect();
        (
            NDArray::from_vec(row, &[self.num_features()]),
            NDArray::from_vec(vec![self.labels[index]], &[]),
        )
    }
}

/// The position of the label column.
fn label_column(table: &RawTable, label: &LabelColumn) -> Result<usize> {
    let width = table.header.len();
    match label {
        LabelColumn::Last if width < 2 => Err(csv_error(
            &table.path,
            Some(table.header_line),
            None,
            format!("the header has {width} column; expected at least one feature and a label"),
        )),
        LabelColumn::Last => Ok(width - 1),
        LabelColumn::Name(name) => find_column(table, name),
        LabelColumn::Index(index) if *index < width => Ok(*index),
        LabelColumn::Index(index) => Err(csv_error(
            &table.path,
            Some(table.header_line),
            Some((index + 1).to_string()),
            format!(
                "label column {} does not exist; the file has {width} columns ({})",
                index + 1,
                table.header.join(", ")
            ),
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn select_keeps_labels_with_their_rows() -> Result<()> {
        let text = "a,y\n1,0\n2,1\n3,1\n";
        let dataset = CsvDataset::from_bytes("s.csv", text.as_bytes(), &CsvOptions::new())?;

        let picked = dataset.select(&[2, 0])?;

        assert_eq!(picked.table().values(), &[3.0, 1.0]);
        assert_eq!(picked.label_values(), &[1.0, 0.0]);
        assert_eq!(picked.table().lines(), &[4, 2]);
        Ok(())
    }

    #[test]
    fn select_out_of_range_is_an_error() -> Result<()> {
        let text = "a,y\n1,0\n";
        let dataset = CsvDataset::from_bytes("s.csv", text.as_bytes(), &CsvOptions::new())?;

        let error = dataset.select(&[1]).err().map(|e| e.to_string());

        assert_eq!(
            error.as_deref(),
            Some("row index 1 is out of range for the 1 rows of s.csv")
        );
        Ok(())
    }
}
