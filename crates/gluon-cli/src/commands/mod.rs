//! One module per subcommand, and the mapping from errors to exit codes.

mod demo;
mod evaluate;
mod predict;
mod train;

use crate::args::Command;
use anyhow::Result;

/// Runs a subcommand.
pub fn run(command: Command) -> Result<()> {
    match command {
        Command::Train(args) => train::run(&args),
        Command::Predict(args) => predict::run(&args),
        Command::Evaluate(args) => evaluate::run(&args),
        Command::Demo => demo::run(),
    }
}

/// Whether the command reads its CSV with `--missing`.
pub fn has_missing_option(command: &Command) -> bool {
    matches!(command, Command::Train(_) | Command::Evaluate(_))
}

/// The error and its causes on one line; `missing_option` says whether the command that
/// failed has `--missing`, for the advice on missing values.
pub fn describe(error: &anyhow::Error, missing_option: bool) -> String {
    let mut text = error.to_string();
    for cause in error.chain().skip(1) {
        let cause = cause.to_string();
        if !text.contains(&cause) {
            text.push_str(": ");
            text.push_str(&cause);
        }
    }
    // The library words its advice for any caller; name the options that act on it here.
    if text.contains("(for example positive = ") {
        text.push_str(" (on the command line: --positive <value>)");
    }
    if text.contains("choose to drop rows with missing values") {
        text.push_str(if missing_option {
            " (on the command line: --missing drop)"
        } else {
            " (predict needs every feature cell: fill it in or remove the row)"
        });
    }
    text
}

/// 2 for bad input (files, CSV cells, labels, arguments), 1 for any other failure.
pub fn exit_code(error: &anyhow::Error) -> u8 {
    if error
        .chain()
        .any(|cause| cause.downcast_ref::<BadInput>().is_some())
    {
        return 2;
    }
    let from_library = error
        .chain()
        .find_map(|cause| cause.downcast_ref::<gluon_rs::Error>());
    match from_library {
        Some(gluon_rs::Error::Io { .. }) => 2,
        Some(gluon_rs::Error::Csv { .. }) => 2,
        Some(gluon_rs::Error::LabelEncoding { .. }) => 2,
        Some(gluon_rs::Error::ParamFile { .. }) => 2,
        Some(gluon_rs::Error::Data(_)) => 2,
        Some(gluon_rs::Error::DataFile { .. }) => 2,
        Some(gluon_rs::Error::ShapeMismatch { .. }) => 2,
        Some(gluon_rs::Error::LayerInput { .. }) => 2,
        Some(gluon_rs::Error::Config { .. }) => 2,
        _ => 1,
    }
}

/// An error caused by the user's input, reported with exit status 2.
#[derive(Debug)]
pub struct BadInput(pub String);

impl std::fmt::Display for BadInput {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for BadInput {}
