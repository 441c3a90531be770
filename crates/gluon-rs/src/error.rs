//! The one error type of the library, for failures that depend on data or files.
//!
//! Misuse of the API that is a bug in the calling code (arrays whose shapes cannot broadcast,
//! `asscalar` on many elements) panics instead; see each method's `# Panics` section.

use std::path::PathBuf;

/// Every failure the library reports as a value.
///
/// Variants carry the facts (what was expected, what was found, where) rather than
/// pre-formatted text, so callers can match on them.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    // --- files and io ---
    /// Reading or writing a file failed.
    #[error("{}: {source}", path.display())]
    Io {
        /// The file involved.
        path: PathBuf,
        /// The operating system's error.
        #[source]
        source: std::io::Error,
    },

    // --- CSV and data ---
    /// A CSV file could not be used; the message says what and where.
    #[error("{}{}: {message}", path.display(), location(*line, column.as_deref()))]
    Csv {
        /// The CSV file.
        path: PathBuf,
        /// 1-based line number, when the problem is on one line.
        line: Option<u64>,
        /// The column name or 1-based number, when the problem is in one column.
        column: Option<String>,
        /// What was expected and what was found.
        message: String,
    },
    /// Labels that are not encoded as the operation requires.
    #[error("{context}: {message}")]
    LabelEncoding {
        /// Where the labels were used (a loss, a metric, a file).
        context: String,
        /// What was found and how to fix it.
        message: String,
    },
    /// A data file other than a CSV (a split file) is malformed or does not fit the data.
    #[error("{}: {message}", path.display())]
    DataFile {
        /// The file.
        path: PathBuf,
        /// What is wrong, with the field or index involved.
        message: String,
    },
    /// A dataset or loader was built from inconsistent parts.
    #[error("{0}")]
    Data(String),

    // --- parameter files ---
    /// A parameter file is malformed or does not fit the network.
    #[error("{}: {message}", path.display())]
    ParamFile {
        /// The parameter file.
        path: PathBuf,
        /// What is wrong, with the offset or parameter name where known.
        message: String,
    },

    // --- layers, parameters and shapes that depend on data ---
    /// A layer was given an input it cannot take.
    #[error("layer {layer}: {message}")]
    LayerInput {
        /// The layer's name.
        layer: String,
        /// What was expected and what was found.
        message: String,
    },
    /// A parameter, or a named array, cannot be used as asked (used before it was
    /// initialized, or holding values that do not convert exactly).
    #[error("parameter {name}: {message}")]
    Parameter {
        /// The parameter's full name.
        name: String,
        /// What is wrong and what to do.
        message: String,
    },
    /// A loss or metric was given arrays whose shapes do not fit each other.
    #[error("{op}: {message} (pred shape {pred_shape:?}, label shape {label_shape:?})")]
    ShapeMismatch {
        /// The loss or metric.
        op: String,
        /// The prediction's shape.
        pred_shape: Vec<usize>,
        /// The label's shape.
        label_shape: Vec<usize>,
        /// What went wrong and the usual cause.
        message: String,
    },

    /// A metric was given values it cannot score: probabilities where it needs class ids,
    /// scores outside the range it accepts, and the like.
    #[error("{metric}: {message}")]
    MetricInput {
        /// The metric's name.
        metric: String,
        /// What was found and how to fix it.
        message: String,
    },

    // --- autograd ---
    /// `backward` could not run.
    #[error("autograd: {0}")]
    Autograd(String),

    // --- configuration ---
    /// A setting is invalid (a negative learning rate, an unknown optimizer name, ...).
    #[error("invalid {what}: {message}")]
    Config {
        /// The setting.
        what: String,
        /// Why it is invalid, and the valid choices where there are few.
        message: String,
    },
    /// The operation is not supported by this build.
    #[error("unsupported: {0}")]
    Unsupported(String),
}

fn location(line: Option<u64>, column: Option<&str>) -> String {
    match (line, column) {
        (Some(line), Some(column)) => format!(":{line}: column {column}"),
        (Some(line), None) => format!(":{line}"),
        (None, Some(column)) => format!(": column {column}"),
        (None, None) => String::new(),
    }
}

impl Error {
    /// Builds an [`Error::Config`].
    pub fn config(what: impl Into<String>, message: impl Into<String>) -> Self {
        Error::Config {
            what: what.into(),
            message: message.into(),
        }
    }

    /// Builds an [`Error::Io`] for `path`.
    pub fn io(path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        Error::Io {
            path: path.into(),
            source,
        }
    }
}

/// The library's result type.
pub type Result<T, E = Error> = std::result::Result<T, E>;
