//! Command-line arguments (clap derive).

use clap::{Args, Parser, Subcommand, ValueEnum};
use std::path::PathBuf;

/// Train, evaluate and apply binary classifiers on CSV files with gluon-rs.
#[derive(Debug, Parser)]
#[command(name = "gluon-rs", version, about, long_about = None)]
pub struct Cli {
    /// Show debug logs from the library on stderr.
    #[arg(long, short, global = true)]
    pub verbose: bool,

    /// The command to run.
    #[command(subcommand)]
    pub command: Command,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Train a binary classifier on a CSV file and write the model to a directory.
    Train(Box<TrainArgs>),
    /// Write the predicted probability and class of every row of a CSV file.
    Predict(PredictArgs),
    /// Print the metrics of a trained model on a labelled CSV file.
    Evaluate(EvaluateArgs),
    /// Run the MXNet "logistic regression with Gluon" tutorial program.
    Demo,
}

/// What to do with rows that have an empty or missing cell.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Missing {
    /// Stop with an error naming the first such cell.
    Error,
    /// Drop such rows and report how many were dropped.
    Drop,
}

/// Options shared by every command that reads a CSV file.
#[derive(Debug, Clone, Args)]
pub struct CsvOptions {
    /// The label column, by name or 1-based number (default: the last column).
    #[arg(long)]
    pub label: Option<String>,

    /// The label value that means the positive class, for labels that are not 0/1
    /// (e.g. `--positive yes` or `--positive M`).
    #[arg(long)]
    pub positive: Option<String>,

    /// The field delimiter.
    #[arg(long, default_value_t = ',')]
    pub delimiter: char,

    /// What to do with rows that have missing values.
    #[arg(long, value_enum, default_value_t = Missing::Error)]
    pub missing: Missing,
}

/// `gluon-rs train`.
#[derive(Debug, Args)]
pub struct TrainArgs {
    /// The training CSV file: a header row, numeric feature columns and a two-class label.
    pub csv: PathBuf,

    /// Hidden layer sizes, comma-separated, or `none` for a logistic regression.
    #[arg(long, default_value = "10,10,10")]
    pub hidden: String,

    /// The optimizer: sgd, nag, adam, adagrad or rmsprop.
    #[arg(long, default_value = "sgd")]
    pub optimizer: String,

    /// The learning rate.
    #[arg(long, default_value_t = 0.1, allow_negative_numbers = true)]
    pub lr: f64,

    /// Samples per training batch.
    #[arg(long, default_value_t = 10)]
    pub batch_size: usize,

    /// Passes over the training rows.
    #[arg(long, default_value_t = 10)]
    pub epochs: usize,

    /// Momentum (sgd and nag).
    #[arg(long, allow_negative_numbers = true)]
    pub momentum: Option<f64>,

    /// Weight decay.
    #[arg(long, allow_negative_numbers = true)]
    pub wd: Option<f64>,

    /// The random seed: initialization, shuffling and the validation split.
    #[arg(long, default_value_t = 12345)]
    pub seed: u64,

    /// A separate validation CSV file.
    #[arg(long, conflicts_with_all = ["split", "val_split"])]
    pub val: Option<PathBuf>,

    /// A split file (JSON with `train` and `validation` row indices, as in data/splits/).
    #[arg(long, conflicts_with = "val_split")]
    pub split: Option<PathBuf>,

    /// Hold out this fraction of the rows, stratified by label, for validation.
    #[arg(long, allow_negative_numbers = true)]
    pub val_split: Option<f64>,

    /// Train on the raw feature values instead of standardizing them.
    #[arg(long)]
    pub no_standardize: bool,

    /// Weight of positive samples in the loss: a number, or `auto` for negatives/positives.
    #[arg(long, allow_negative_numbers = true)]
    pub pos_weight: Option<String>,

    /// The decision threshold: a probability, or `max-f1` to pick the one that maximizes
    /// F1 on the validation rows.
    #[arg(long, default_value = "0.5", allow_negative_numbers = true)]
    pub threshold: String,

    /// The directory to write the model, metrics and plot to.
    #[arg(long, default_value = "model")]
    pub out: PathBuf,

    /// Print neither the progress bar nor the per-epoch lines.
    #[arg(long, short)]
    pub quiet: bool,

    /// CSV reading options.
    #[command(flatten)]
    pub csv_options: CsvOptions,
}

/// `gluon-rs predict`.
#[derive(Debug, Args)]
pub struct PredictArgs {
    /// The model directory written by `gluon-rs train`.
    pub model: PathBuf,

    /// The CSV file to predict: the model's feature columns, by name.
    pub csv: PathBuf,

    /// Write the predictions to this file instead of stdout.
    #[arg(long)]
    pub out: Option<PathBuf>,

    /// The field delimiter.
    #[arg(long, default_value_t = ',')]
    pub delimiter: char,
}

/// `gluon-rs evaluate`.
#[derive(Debug, Args)]
pub struct EvaluateArgs {
    /// The model directory written by `gluon-rs train`.
    pub model: PathBuf,

    /// A labelled CSV file with the model's feature columns.
    pub csv: PathBuf,

    /// Print one JSON object instead of a report.
    #[arg(long)]
    pub json: bool,

    /// The field delimiter.
    #[arg(long, default_value_t = ',')]
    pub delimiter: char,

    /// What to do with rows that have missing values (dropped rows are not scored).
    #[arg(long, value_enum, default_value_t = Missing::Error)]
    pub missing: Missing,
}
