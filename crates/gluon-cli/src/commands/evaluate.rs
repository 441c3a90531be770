//! `gluon-rs evaluate`: the metrics of a trained model on a labelled CSV file.

use crate::args::EvaluateArgs;
use crate::csv_input;
use crate::evaluation::Evaluation;
use crate::logger;
use crate::model::Model;
use crate::output;
use anyhow::Result;
use gluon_rs::data::CsvDataset;

/// Runs `evaluate`.
pub fn run(args: &EvaluateArgs) -> Result<()> {
    let model = Model::load(&args.model)?;
    // Read with the training file's columns and label encoding, by name.
    let options =
        csv_input::matching_options(args.delimiter, &model.spec.features, &model.spec.label)?
            .with_missing(csv_input::missing_values(args.missing));
    let rows = CsvDataset::load(&args.csv, &options)?;
    if let Some(line) = csv_input::describe_dropped(&rows) {
        // On stderr, so that `--json` stays one object on stdout.
        logger::print_line(&format!("{}: {line}", rows.path().display()));
    }
    let probabilities = model.probabilities(&rows.features())?;
    let evaluation =
        Evaluation::compute(rows.label_values(), &probabilities, model.spec.threshold)?;

    if args.json {
        output::print_stdout(&format!("{}\n", serde_json::to_string(&evaluation)?))
    } else {
        output::print_stdout(&evaluation.report(&rows.path().display().to_string()))
    }
}
