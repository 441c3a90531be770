//! `gluon-rs predict`: the probability and class of every row of a CSV file.

use crate::args::PredictArgs;
use crate::csv_input;
use crate::model::Model;
use crate::output;
use anyhow::Result;
use gluon_rs::data::{CsvFeatures, CsvOptions};
use std::fmt::Write as _;

/// Runs `predict`.
pub fn run(args: &PredictArgs) -> Result<()> {
    let model = Model::load(&args.model)?;
    // The model's columns are looked up by name, so their order in the file does not
    // matter and any other column (the label, an id) is ignored.
    let options = CsvOptions::new()
        .with_delimiter(csv_input::delimiter(args.delimiter)?)
        .with_features(model.spec.features.clone());
    let rows = CsvFeatures::load(&args.csv, &options)?;
    let probabilities = model.probabilities(&rows.features())?;

    let threshold = model.spec.threshold;
    let mut text = String::with_capacity(probabilities.len() * 12 + 20);
    text.push_str("probability,class\n");
    for probability in probabilities {
        let class = u8::from(f64::from(probability) > threshold);
        let _ = writeln!(text, "{probability:.6},{class}");
    }
    match &args.out {
        Some(path) => output::write_atomic(path, text.as_bytes()),
        None => output::print_stdout(&text),
    }
}
