//! `gluon-rs train`: read a CSV file, train a classifier, report its metrics and write the
//! model directory.

use super::BadInput;
use crate::args::TrainArgs;
use crate::csv_input;
use crate::evaluation::{self, Evaluation};
use crate::model::{Architecture, Model, ModelSpec};
use crate::output;
use crate::plot::{self, EpochPoint};
use crate::training::{self, EpochRecord, ScoredRows, Settings};
use anyhow::{Context, Result};
use gluon_rs::data::{CsvDataset, Split, Standardizer};
use gluon_rs::nn::Dense;
use gluon_rs::{optim, random};
use serde::Serialize;
use std::fmt::Write as _;

/// The decision threshold: fixed, or chosen to maximize F1.
enum Threshold {
    Fixed(f64),
    MaxF1,
}

/// `metrics.json`.
#[derive(Serialize)]
struct MetricsFile<'a> {
    /// Which rows the per-epoch and final metrics were computed on.
    scored_rows: &'static str,
    epochs: &'a [EpochRecord],
    #[serde(rename = "final")]
    final_metrics: &'a Evaluation,
}

/// Runs `train`.
pub fn run(args: &TrainArgs) -> Result<()> {
    // Everything that needs no data is checked before the file is read.
    let hidden = parse_hidden(&args.hidden)?;
    check_network_size(&args.hidden, None, &hidden)?;
    let threshold = parse_threshold(&args.threshold)?;
    check_settings(args)?;
    random::seed(args.seed);

    let options = csv_input::options(&args.csv_options)?;
    let data = CsvDataset::load(&args.csv, &options)?;
    check_network_size(&args.hidden, Some(data.num_features()), &hidden)?;
    let mut summary = describe_data(&data);
    let (train, validation) = split(args, &data)?;
    check_both_classes(&train, "the training rows")?;
    if let Some(validation) = &validation {
        let _ = writeln!(
            summary,
            "training rows {}, validation rows {}",
            train.len(),
            validation.len()
        );
    } else {
        let _ = writeln!(
            summary,
            "no validation set (use --split, --val or --val-split): all {} rows train the \
             model and the metrics below are on those training rows",
            train.len()
        );
    }
    output::print_stdout(&summary)?;

    let standardizer = (!args.no_standardize)
        .then(|| Standardizer::fit(train.table()))
        .transpose()?;
    let standardize = |rows: &CsvDataset| -> Result<CsvDataset> {
        Ok(match &standardizer {
            Some(stats) => rows.standardized(stats)?,
            None => rows.clone(),
        })
    };
    let train_rows = standardize(&train)?;
    let validation_rows = validation.as_ref().map(standardize).transpose()?;
    let scored = match &validation_rows {
        Some(rows) => ScoredRows {
            name: "validation",
            rows,
        },
        None => ScoredRows {
            name: "training",
            rows: &train_rows,
        },
    };

    let settings = Settings {
        optimizer: args.optimizer.clone(),
        lr: args.lr,
        momentum: args.momentum,
        wd: args.wd,
        batch_size: args.batch_size,
        epochs: args.epochs,
        pos_weight: pos_weight(args.pos_weight.as_deref(), &train_rows)?,
        threshold: match threshold {
            Threshold::Fixed(value) => value,
            Threshold::MaxF1 => 0.5,
        },
        quiet: args.quiet,
    };
    let architecture = Architecture::new(train.num_features(), &hidden);
    let net = architecture.build_initialized()?;
    let history = training::fit(&net, &train_rows, &scored, &settings)?;

    let labels = scored.rows.label_values();
    let probabilities = training::probabilities(&net, scored.rows)?;
    let threshold = match threshold {
        Threshold::Fixed(value) => value,
        Threshold::MaxF1 => evaluation::max_f1_threshold(labels, &probabilities),
    };
    let final_metrics = Evaluation::compute(labels, &probabilities, threshold)?;
    output::print_stdout(&final_metrics.report(scored.name))?;
    if hidden.is_empty() {
        let text = coefficients(&net, train.feature_names(), standardizer.as_ref())?;
        output::print_stdout(&text)?;
    }

    let spec = ModelSpec::new(
        architecture,
        train.feature_names().to_vec(),
        train.label_mapping().clone(),
        standardizer,
        threshold,
    );
    let model = Model { spec, net };
    let roc = evaluation::roc_curve(labels, &probabilities);
    write_outputs(args, &model, &history, &final_metrics, scored.name, &roc)?;
    output::print_stdout(&format!("model written to {}\n", args.out.display()))
}

/// The largest network `train` builds: 2^28 parameters, 1 GiB of weights (and as much
/// again for their gradients, and for optimizer state).
const MAX_PARAMETERS: u64 = 1 << 28;

/// Refuses a network too large to train here, before allocating any of it. Without the
/// number of inputs (before the file is read) the count is for a single input.
fn check_network_size(text: &str, inputs: Option<usize>, hidden: &[usize]) -> Result<()> {
    let mut total: Option<u64> = Some(0);
    let mut from = inputs.unwrap_or(1) as u64;
    for &units in hidden.iter().chain(std::iter::once(&1)) {
        let units = units as u64;
        total = total
            .and_then(|sum| sum.checked_add(from.checked_mul(units)?))
            .and_then(|sum| sum.checked_add(units));
        from = units;
    }
    match total {
        Some(count) if count <= MAX_PARAMETERS => Ok(()),
        count => Err(BadInput(format!(
            "--hidden {text}: {} the network would have {} parameters; train builds at \
             most {MAX_PARAMETERS} (1 GiB of weights)",
            inputs.map_or_else(
                || "even with a single input".to_string(),
                |inputs| format!("with the file's {inputs} inputs")
            ),
            count.map_or_else(|| "more than 2^64".to_string(), |count| count.to_string())
        ))
        .into()),
    }
}

/// Checks the settings that need no data, naming the option at fault.
fn check_settings(args: &TrainArgs) -> Result<()> {
    let bad = |text: String| -> anyhow::Error { BadInput(text).into() };
    if args.epochs == 0 {
        return Err(bad(
            "--epochs 0: expected at least 1 pass over the training rows".into(),
        ));
    }
    if args.batch_size == 0 {
        return Err(bad(
            "--batch-size 0: expected at least 1 row per batch".into()
        ));
    }
    if !(args.lr.is_finite() && args.lr > 0.0) {
        return Err(bad(format!("--lr {}: expected a positive number", args.lr)));
    }
    let name = args.optimizer.to_ascii_lowercase();
    if let Some(momentum) = args.momentum {
        if name != "sgd" && name != "nag" {
            return Err(bad(format!(
                "--momentum {momentum}: only sgd and nag use momentum, not {}",
                args.optimizer
            )));
        }
        if !(0.0..1.0).contains(&momentum) {
            return Err(bad(format!(
                "--momentum {momentum}: expected a number from 0 up to (not including) 1"
            )));
        }
    }
    if let Some(wd) = args.wd {
        if !(wd.is_finite() && wd >= 0.0) {
            return Err(bad(format!("--wd {wd}: expected a number of at least 0")));
        }
    }
    if !optim::OPTIMIZER_NAMES.contains(&name.as_str()) {
        return Err(bad(format!(
            "--optimizer {}: expected one of {}",
            args.optimizer,
            optim::OPTIMIZER_NAMES.join(", ")
        )));
    }
    if let Some(fraction) = args.val_split {
        if !(fraction > 0.0 && fraction < 1.0) {
            return Err(bad(format!(
                "--val-split {fraction}: expected a fraction between 0 and 1 (exclusive)"
            )));
        }
    }
    if let Some(text) = &args.pos_weight {
        parse_pos_weight(text)?;
    }
    if args.out.exists() && !args.out.is_dir() {
        return Err(bad(format!(
            "--out {}: exists and is not a directory; the model is written as a directory",
            args.out.display()
        )));
    }
    Ok(())
}

/// A classifier needs rows of both classes to learn from, and to score.
fn check_both_classes(rows: &CsvDataset, what: &str) -> Result<()> {
    let (negatives, positives) = rows.class_counts();
    if negatives > 0 && positives > 0 {
        return Ok(());
    }
    let class = if positives == 0 {
        "negative"
    } else {
        "positive"
    };
    Err(BadInput(format!(
        "{what} ({} of {}) are all {class}; a binary classifier needs rows of both classes",
        rows.len(),
        rows.path().display()
    ))
    .into())
}

fn parse_hidden(text: &str) -> Result<Vec<usize>> {
    if text.trim().eq_ignore_ascii_case("none") {
        return Ok(Vec::new());
    }
    text.split(',')
        .map(|size| match size.trim().parse::<usize>() {
            Ok(size) if size > 0 => Ok(size),
            _ => Err(BadInput(format!(
                "--hidden {text}: expected positive layer sizes separated by commas \
                 (e.g. 10,10,10) or `none`"
            ))
            .into()),
        })
        .collect()
}

fn parse_threshold(text: &str) -> Result<Threshold> {
    if text.eq_ignore_ascii_case("max-f1") {
        return Ok(Threshold::MaxF1);
    }
    match text.parse::<f64>() {
        Ok(value) if (0.0..=1.0).contains(&value) => Ok(Threshold::Fixed(value)),
        _ => Err(BadInput(format!(
            "--threshold {text}: expected a probability between 0 and 1, or max-f1"
        ))
        .into()),
    }
}

fn describe_data(data: &CsvDataset) -> String {
    let (negatives, positives) = data.class_counts();
    let mut text = format!(
        "{}: {} rows, {} features, {}; {positives} positive, {negatives} negative\n",
        data.path().display(),
        data.len(),
        data.num_features(),
        csv_input::describe_mapping(data.label_mapping()),
    );
    if let Some(line) = csv_input::describe_dropped(data) {
        let _ = writeln!(text, "{line}");
    }
    text
}

/// The training and validation rows, from `--split`, `--val` or `--val-split`.
fn split(args: &TrainArgs, data: &CsvDataset) -> Result<(CsvDataset, Option<CsvDataset>)> {
    if let Some(path) = &args.split {
        if !data.dropped_lines().is_empty() {
            return Err(BadInput(format!(
                "--split {}: its row numbers refer to the whole file, but rows with missing \
                 values were dropped; clean the file or use --val-split",
                path.display()
            ))
            .into());
        }
        let split = Split::load(path)?;
        split
            .check_rows(data.len())
            .map_err(|error| BadInput(format!("{}: {error}", path.display())))?;
        return Ok((
            data.select(&split.train)?,
            Some(data.select(&split.validation)?),
        ));
    }
    if let Some(path) = &args.val {
        let options = csv_input::matching_options(
            args.csv_options.delimiter,
            data.feature_names(),
            data.label_mapping(),
        )?;
        let options = options.with_missing(csv_input::options(&args.csv_options)?.missing());
        let validation = CsvDataset::load(path, &options)?;
        return Ok((data.clone(), Some(validation)));
    }
    if let Some(fraction) = args.val_split {
        let split = Split::stratified(data.label_values(), fraction, args.seed)?;
        let validation = data.select(&split.validation)?;
        check_both_classes(
            &validation,
            &format!("--val-split {fraction}: the validation rows"),
        )?;
        return Ok((data.select(&split.train)?, Some(validation)));
    }
    Ok((data.clone(), None))
}

/// `--pos-weight`: `None` for `auto`, else the weight.
fn parse_pos_weight(text: &str) -> Result<Option<f32>> {
    if text.eq_ignore_ascii_case("auto") {
        return Ok(None);
    }
    match text.parse::<f32>() {
        Ok(value) if value.is_finite() && value > 0.0 => Ok(Some(value)),
        _ => Err(BadInput(format!(
            "--pos-weight {text}: expected a positive number or auto"
        ))
        .into()),
    }
}

fn pos_weight(setting: Option<&str>, train: &CsvDataset) -> Result<Option<f32>> {
    let Some(text) = setting else {
        return Ok(None);
    };
    if let Some(weight) = parse_pos_weight(text)? {
        return Ok(Some(weight));
    }
    // `auto`: negatives over positives (both classes are present: checked after the split).
    let (negatives, positives) = train.class_counts();
    Ok(Some(negatives as f32 / positives.max(1) as f32))
}

/// The logistic regression's coefficients in the original feature units: with inputs
/// `z = (x - mean) / std`, `w z + b = (w / std) x + (b - sum(w mean / std))`.
fn coefficients(
    net: &gluon_rs::nn::HybridSequential,
    names: &[String],
    standardizer: Option<&Standardizer>,
) -> Result<String> {
    let layer = net
        .get(0)
        .and_then(|block| block.as_any().downcast_ref::<Dense>())
        .context("a logistic regression is one Dense layer")?;
    let weights: Vec<f64> = layer
        .weight()
        .data()?
        .to_vec()
        .into_iter()
        .map(f64::from)
        .collect();
    let bias = match layer.bias() {
        Some(bias) => f64::from(bias.data()?.to_vec()[0]),
        None => 0.0,
    };
    let (raw_weights, intercept) = match standardizer {
        Some(stats) => {
            // A constant feature (std 0) was centred but not scaled, as the library does.
            let scale: Vec<f64> = stats
                .std
                .iter()
                .map(|&s| if s > 0.0 { s } else { 1.0 })
                .collect();
            let raw: Vec<f64> = weights.iter().zip(&scale).map(|(w, s)| w / s).collect();
            let shift: f64 = raw.iter().zip(&stats.mean).map(|(w, m)| w * m).sum();
            (raw, bias - shift)
        }
        None => (weights, bias),
    };

    let width = names
        .iter()
        .map(String::len)
        .max()
        .unwrap_or(0)
        .max("intercept".len());
    let mut text = String::from("coefficients (original units):\n");
    let _ = writeln!(text, "  {:<width$}  {intercept:>12.6}", "intercept");
    for (name, weight) in names.iter().zip(&raw_weights) {
        let _ = writeln!(text, "  {name:<width$}  {weight:>12.6}");
    }
    Ok(text)
}

fn write_outputs(
    args: &TrainArgs,
    model: &Model,
    history: &[EpochRecord],
    final_metrics: &Evaluation,
    scored_rows: &'static str,
    roc: &[(f64, f64)],
) -> Result<()> {
    std::fs::create_dir_all(&args.out)
        .with_context(|| format!("cannot create the output directory {}", args.out.display()))?;
    model.save(&args.out)?;

    let metrics = MetricsFile {
        scored_rows,
        epochs: history,
        final_metrics,
    };
    let text = serde_json::to_string_pretty(&metrics)?;
    output::write_atomic(
        &args.out.join("metrics.json"),
        format!("{text}\n").as_bytes(),
    )?;

    let points: Vec<EpochPoint> = history
        .iter()
        .map(|record| EpochPoint {
            epoch: record.epoch,
            train_loss: record.train_loss,
            val_loss: record.val_loss,
            accuracy: Some(record.accuracy),
            f1: Some(record.f1),
            roc_auc: Some(record.roc_auc),
        })
        .collect();
    plot::draw(&args.out.join("training.png"), &points, roc, scored_rows)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hidden_sizes_parse_and_none_is_logistic_regression() -> Result<()> {
        assert_eq!(parse_hidden("10,10,10")?, vec![10, 10, 10]);
        assert!(parse_hidden("none")?.is_empty());
        assert!(parse_hidden("10,0").is_err());
        assert!(parse_hidden("ten").is_err());
        Ok(())
    }

    #[test]
    fn threshold_is_a_probability_or_max_f1() {
        assert!(matches!(parse_threshold("0.3"), Ok(Threshold::Fixed(v)) if v == 0.3));
        assert!(matches!(parse_threshold("max-f1"), Ok(Threshold::MaxF1)));
        assert!(parse_threshold("1.5").is_err());
    }
}
