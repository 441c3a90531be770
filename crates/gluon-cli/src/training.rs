//! The training loop of `train`: the seed program's epochs of shuffled mini-batches through
//! `SigmoidBinaryCrossEntropyLoss` and a `Trainer`, with a progress bar and one line per
//! epoch on stderr.

use crate::evaluation::Evaluation;
use crate::logger;
use anyhow::{bail, Result};
use gluon_rs::data::{CsvDataset, DataLoader};
use gluon_rs::loss::SigmoidBinaryCrossEntropyLoss;
use gluon_rs::nd::NDArray;
use gluon_rs::nn::{Block, HybridSequential};
use gluon_rs::optim::{self, ParamValue};
use gluon_rs::{autograd, Trainer};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use serde::Serialize;

/// How to train.
#[derive(Debug, Clone)]
pub struct Settings {
    /// The optimizer's registry name.
    pub optimizer: String,
    /// The learning rate.
    pub lr: f64,
    /// Momentum, passed on only when given.
    pub momentum: Option<f64>,
    /// Weight decay, passed on only when given.
    pub wd: Option<f64>,
    /// Rows per batch.
    pub batch_size: usize,
    /// Passes over the training rows.
    pub epochs: usize,
    /// The weight of the positive class in the loss.
    pub pos_weight: Option<f32>,
    /// The threshold the per-epoch metrics use.
    pub threshold: f64,
    /// No progress bar and no per-epoch lines.
    pub quiet: bool,
}

/// The rows scored after each epoch, and what to call them.
pub struct ScoredRows<'a> {
    /// `"validation"`, or `"training"` when there is no validation set.
    pub name: &'static str,
    /// The rows, standardized as the training rows are.
    pub rows: &'a CsvDataset,
}

/// One epoch's figures, as `metrics.json` lists them.
#[derive(Debug, Clone, Serialize)]
pub struct EpochRecord {
    /// 1-based epoch number.
    pub epoch: usize,
    /// Mean loss over the training rows during the epoch.
    pub train_loss: f64,
    /// Mean loss over the validation rows after the epoch (null without a validation set).
    pub val_loss: Option<f64>,
    /// Accuracy on the scored rows.
    pub accuracy: f64,
    /// F1 on the scored rows.
    pub f1: f64,
    /// ROC AUC on the scored rows.
    pub roc_auc: f64,
}

/// Trains `net` in place on `train`, scoring `scored` after every epoch.
pub fn fit(
    net: &HybridSequential,
    train: &CsvDataset,
    scored: &ScoredRows<'_>,
    settings: &Settings,
) -> Result<Vec<EpochRecord>> {
    let loss = SigmoidBinaryCrossEntropyLoss::new();
    let pos_weight = settings
        .pos_weight
        .map(|w| NDArray::from_vec(vec![w], &[1, 1]));
    let mut trainer = Trainer::new(
        net.collect_params(),
        settings.optimizer.as_str(),
        optimizer_params(settings),
    )?;
    // Shuffling draws from the global generator, seeded by the caller.
    let loader = DataLoader::new(train.to_array_dataset(), settings.batch_size, true)?;
    let bar = progress_bar(settings);

    let mut history = Vec::with_capacity(settings.epochs);
    for epoch in 1..=settings.epochs {
        let mut loss_sum = 0.0;
        for (data, label) in &loader {
            let batch_loss = autograd::record(|| -> gluon_rs::Result<NDArray> {
                let output = net.forward(&data)?;
                loss.forward_with_pos_weight(&output, &label, None, pos_weight.as_ref())
            })?;
            batch_loss.backward()?;
            trainer.step(label.shape()[0])?;
            loss_sum += f64::from(batch_loss.sum().asscalar());
        }
        let train_loss = loss_sum / train.len() as f64;
        if !train_loss.is_finite() {
            bar.finish_and_clear();
            logger::set_active_bar(None);
            bail!(
                "training diverged: the loss is {train_loss} at epoch {epoch}; try a lower \
                 learning rate (--lr) or standardized inputs"
            );
        }

        let record = score_epoch(net, &loss, pos_weight.as_ref(), scored, settings.threshold).map(
            |(val_loss, evaluation)| EpochRecord {
                epoch,
                train_loss,
                val_loss,
                accuracy: evaluation.accuracy,
                f1: evaluation.f1,
                roc_auc: evaluation.roc_auc,
            },
        )?;
        if !settings.quiet {
            logger::print_line(&epoch_line(&record, settings.epochs, scored.name));
        }
        bar.inc(1);
        history.push(record);
    }
    bar.finish_and_clear();
    logger::set_active_bar(None);
    Ok(history)
}

/// The class-1 probabilities of `rows` under `net` (inputs already standardized).
pub fn probabilities(net: &HybridSequential, rows: &CsvDataset) -> Result<Vec<f32>> {
    Ok(net.forward(&rows.features())?.sigmoid().to_vec())
}

fn optimizer_params(settings: &Settings) -> optim::OptimizerParams {
    let mut params = optim::params([("learning_rate", settings.lr)]);
    if let Some(momentum) = settings.momentum {
        params.insert("momentum".to_string(), ParamValue::from(momentum));
    }
    if let Some(wd) = settings.wd {
        params.insert("wd".to_string(), ParamValue::from(wd));
    }
    params
}

/// The validation loss (when the rows are validation rows) and the metrics of the rows.
fn score_epoch(
    net: &HybridSequential,
    loss: &SigmoidBinaryCrossEntropyLoss,
    pos_weight: Option<&NDArray>,
    scored: &ScoredRows<'_>,
    threshold: f64,
) -> Result<(Option<f64>, Evaluation)> {
    let logits = net.forward(&scored.rows.features())?;
    let val_loss = if scored.name == "validation" {
        let values =
            loss.forward_with_pos_weight(&logits, &scored.rows.labels(), None, pos_weight)?;
        Some(f64::from(values.mean().asscalar()))
    } else {
        None
    };
    let probabilities = logits.sigmoid().to_vec();
    let evaluation = Evaluation::compute(scored.rows.label_values(), &probabilities, threshold)?;
    Ok((val_loss, evaluation))
}

fn epoch_line(record: &EpochRecord, epochs: usize, rows_name: &str) -> String {
    let val_loss = record
        .val_loss
        .map(|value| format!(", val loss {value:.4}"))
        .unwrap_or_default();
    format!(
        "epoch {}/{epochs}: loss {:.4}{val_loss}, {rows_name} accuracy {:.4}, F1 {:.4}, ROC AUC {:.4}",
        record.epoch, record.train_loss, record.accuracy, record.f1, record.roc_auc
    )
}

/// A bar on stderr, drawn only when stderr is a terminal and `--quiet` is not given.
fn progress_bar(settings: &Settings) -> ProgressBar {
    let bar = if settings.quiet {
        ProgressBar::hidden()
    } else {
        ProgressBar::with_draw_target(Some(settings.epochs as u64), ProgressDrawTarget::stderr())
    };
    if let Ok(style) =
        ProgressStyle::with_template("{bar:40} epoch {pos}/{len} [{elapsed_precise}]")
    {
        bar.set_style(style);
    }
    logger::set_active_bar(Some(bar.clone()));
    bar
}
