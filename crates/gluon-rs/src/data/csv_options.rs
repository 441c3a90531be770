//! [`CsvOptions`]: how a CSV file is read into a dataset.

/// Which column holds the label.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum LabelColumn {
    /// The last column (the default).
    #[default]
    Last,
    /// The column with this header name.
    Name(String),
    /// The column at this 0-based position.
    Index(usize),
}

/// What to do with a row that has a missing value.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum MissingValues {
    /// Stop with an error naming the line and column (the default).
    #[default]
    Error,
    /// Leave the row out; the dataset reports the lines it left out.
    DropRows,
}

/// How [`CsvDataset`](super::CsvDataset) and [`CsvFeatures`](super::CsvFeatures) read a file.
///
/// The file must be UTF-8 (a byte-order mark is allowed) and start with a header row of
/// unique column names. Lines may end in LF or CRLF, fields may be quoted, spaces around
/// fields are ignored, and blank lines are skipped. Every feature cell must be a finite
/// number that fits in `f32`.
///
/// A cell is missing when it is empty or one of `NA`, `N/A`, `NaN`, `null`, `None`, `?`
/// (in any letter case).
///
/// ```
/// use gluon_rs::data::{CsvOptions, LabelColumn, MissingValues};
///
/// let options = CsvOptions::new()
///     .with_label(LabelColumn::Name("diagnosis".into()))
///     .with_positive("M")
///     .with_delimiter(b';')
///     .with_missing(MissingValues::DropRows);
/// assert_eq!(options.positive(), Some("M"));
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CsvOptions {
    label: LabelColumn,
    positive: Option<String>,
    delimiter: u8,
    missing: MissingValues,
    features: Option<Vec<String>>,
}

impl Default for CsvOptions {
    fn default() -> Self {
        CsvOptions::new()
    }
}

impl CsvOptions {
    /// The defaults: label in the last column, comma-separated, missing values are errors,
    /// every other column is a feature.
    pub fn new() -> Self {
        CsvOptions {
            label: LabelColumn::Last,
            positive: None,
            delimiter: b',',
            missing: MissingValues::Error,
            features: None,
        }
    }

    /// The label column.
    pub fn with_label(mut self, label: LabelColumn) -> Self {
        self.label = label;
        self
    }

    /// The label value that means the positive class (1); the other value becomes 0. Needed
    /// when the labels are not 0 and 1 (`-1`/`1`, `yes`/`no`, `M`/`B`).
    pub fn with_positive(mut self, positive: impl Into<String>) -> Self {
        self.positive = Some(positive.into());
        self
    }

    /// The field separator (default `,`).
    pub fn with_delimiter(mut self, delimiter: u8) -> Self {
        self.delimiter = delimiter;
        self
    }

    /// What to do with rows that have a missing value (default: an error).
    pub fn with_missing(mut self, missing: MissingValues) -> Self {
        self.missing = missing;
        self
    }

    /// Reads exactly these feature columns, by header name and in this order, and ignores
    /// every other column except the label. Without it, every column but the label is a
    /// feature.
    pub fn with_features(mut self, names: Vec<String>) -> Self {
        self.features = Some(names);
        self
    }

    /// The label column.
    pub fn label(&self) -> &LabelColumn {
        &self.label
    }

    /// The positive label value, if one was named.
    pub fn positive(&self) -> Option<&str> {
        self.positive.as_deref()
    }

    /// The field separator.
    pub fn delimiter(&self) -> u8 {
        self.delimiter
    }

    /// What happens to rows with a missing value.
    pub fn missing(&self) -> MissingValues {
        self.missing
    }

    /// The feature columns named by [`with_features`](CsvOptions::with_features), if any.
    pub fn features(&self) -> Option<&[String]> {
        self.features.as_deref()
    }
}
