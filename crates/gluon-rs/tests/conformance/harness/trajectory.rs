//! The `trajectory` family: whole training runs of the tutorial network from fixed
//! weights. Every batch loss, every epoch's validation loss, accuracy and F1 figures, the
//! parameters after each epoch and the network's outputs must match MXNet.
//!
//! The network is a `HybridSequential` of `Dense` layers, one per entry of
//! `architecture.layers`, trained by a `Trainer` over `collect_params()`, so the run
//! exercises the layers, the losses, autograd, the Trainer and the optimizers exactly as the
//! tutorial's loop does.

use super::common::{
    catch, compare_array, compare_number, compare_values, load_family, ndarray, Report,
    DEFAULT_TOLERANCE,
};
use super::deviations::find;
use gluon_rs::init::Init;
use gluon_rs::loss::{Loss, SigmoidBinaryCrossEntropyLoss};
use gluon_rs::metric::{Accuracy, Average, EvalMetric, F1};
use gluon_rs::nd::{self, NDArray};
use gluon_rs::nn::{Block, Dense, HybridSequential, Parameter};
use gluon_rs::optim::{OptimizerParams, ParamValue};
use gluon_rs::{autograd, Trainer};
use serde_json::Value;
use std::path::Path;

pub fn run(dir: &Path) -> Report {
    let mut report = Report::default();
    let files = match load_family(dir, "trajectory") {
        Ok(files) => files,
        Err(problem) => {
            report.record("trajectory", "(load)", None, Err(problem));
            return report;
        }
    };
    for file in &files {
        let case = &file.json;
        let name = case["name"].as_str().unwrap_or("?");
        let rule = find("trajectory", case);
        let outcome = catch(|| check_run(case));
        report.record(&file.name, name, rule.map(|r| r.id), outcome);
    }
    report
}

/// The tutorial network: a HybridSequential of Dense layers, with every parameter set to
/// `initial_params` by its structural name (`0.weight`, `0.bias`, ...).
struct Network {
    net: HybridSequential,
    /// Every parameter by structural name.
    params: Vec<(String, Parameter)>,
}

impl Network {
    fn build(case: &Value) -> Result<Network, String> {
        let specs = case["architecture"]["layers"]
            .as_array()
            .ok_or("architecture.layers")?;
        let mut in_units = case["architecture"]["input_dim"]
            .as_u64()
            .ok_or("input_dim")? as usize;
        let mut net = HybridSequential::new();
        net.name_scope(|net| -> Result<(), String> {
            for spec in specs {
                if spec["type"] != "Dense" {
                    return Err(format!("unsupported layer {}", spec["type"]));
                }
                let units = spec["units"].as_u64().ok_or("units")? as usize;
                let mut builder = Dense::builder(units).in_units(in_units);
                if let Some(activation) = spec["activation"].as_str() {
                    builder = builder.activation(activation);
                }
                net.add(builder.build().map_err(|e| e.to_string())?)
                    .map_err(|e| e.to_string())?;
                in_units = units;
            }
            Ok(())
        })?;
        net.initialize(Init::default(), false)
            .map_err(|e| e.to_string())?;
        let params = net.structural_params();
        for (name, param) in &params {
            let initial = ndarray(&case["initial_params"][name]);
            param.set_data(&initial).map_err(|e| e.to_string())?;
        }
        Ok(Network { net, params })
    }

    /// `net(x)`.
    fn forward(&self, x: &NDArray) -> Result<NDArray, String> {
        self.net.forward(x).map_err(|e| e.to_string())
    }

    fn compare_params(&self, field: &str, want: &Value) -> Result<(), String> {
        for (name, param) in &self.params {
            let data = param.data().map_err(|e| e.to_string())?;
            compare_array(
                &format!("{field}.{name}"),
                &data,
                &want[name],
                DEFAULT_TOLERANCE,
            )?;
        }
        Ok(())
    }
}

fn optimizer_params(case: &Value) -> Result<OptimizerParams, String> {
    let mut params = OptimizerParams::new();
    for (key, value) in case["optimizer_params"].as_object().into_iter().flatten() {
        let value = match value {
            Value::Bool(flag) => ParamValue::Bool(*flag),
            other => ParamValue::Number(other.as_f64().ok_or(format!("setting {key}"))?),
        };
        params.insert(key.clone(), value);
    }
    Ok(params)
}

/// Rows `[begin, end)` of `x`.
fn rows(x: &NDArray, begin: usize, end: usize) -> NDArray {
    x.slice_axis(0, begin as isize, Some(end as isize))
}

/// The validation metrics MXNet's run records.
struct Metrics {
    accuracy: Accuracy,
    f1_macro: F1,
    f1_micro: F1,
    /// Macro F1 never reset across epochs, as the tutorial's code does.
    f1_cumulative: F1,
}

fn check_run(case: &Value) -> Result<(), String> {
    if case["loss"]["type"] != "SigmoidBinaryCrossEntropyLoss" {
        return Err(format!("unsupported loss {}", case["loss"]["type"]));
    }
    let loss = SigmoidBinaryCrossEntropyLoss::new()
        .with_from_sigmoid(case["loss"]["from_sigmoid"].as_bool().unwrap_or(false));
    let net = Network::build(case)?;
    let parameters: Vec<Parameter> = net.params.iter().map(|(_, p)| p.clone()).collect();
    let optimizer = case["optimizer"].as_str().ok_or("optimizer")?;
    let mut trainer =
        Trainer::new(parameters, optimizer, optimizer_params(case)?).map_err(|e| e.to_string())?;
    let (train_x, train_y) = (ndarray(&case["train"]["x"]), ndarray(&case["train"]["y"]));
    let (val_x, val_y) = (ndarray(&case["val"]["x"]), ndarray(&case["val"]["y"]));
    let batch_size = case["batch_size"].as_u64().ok_or("batch_size")? as usize;
    let val_batch_size = case["val_batch_size"].as_u64().ok_or("val_batch_size")? as usize;
    let mut metrics = Metrics {
        accuracy: Accuracy::new(),
        f1_macro: F1::new().with_average(Average::PerBatchMean),
        f1_micro: F1::new(),
        f1_cumulative: F1::new().with_average(Average::PerBatchMean),
    };

    let initial = net.forward(&val_x)?;
    compare_array(
        "initial_val_output",
        &initial,
        &case["initial_val_output"],
        DEFAULT_TOLERANCE,
    )?;
    check_first_batch(case, &net, &loss, &train_x, &train_y, batch_size)?;

    for epoch in case["epochs"].as_array().ok_or("epochs")? {
        let at = format!("epoch {}", epoch["epoch"]);
        let mut sums = Vec::new();
        for begin in (0..train_x.shape()[0]).step_by(batch_size) {
            let end = (begin + batch_size).min(train_x.shape()[0]);
            let (x, y) = (rows(&train_x, begin, end), rows(&train_y, begin, end));
            let losses = autograd::record(|| {
                net.forward(&x)
                    .and_then(|out| loss.forward(&out, &y).map_err(|e| e.to_string()))
            })?;
            losses.backward().map_err(|e| e.to_string())?;
            trainer.step(end - begin).map_err(|e| e.to_string())?;
            sums.push(losses.sum().asscalar() as f64);
        }
        check_numbers(
            &format!("{at} batch_loss_sums"),
            &sums,
            &epoch["batch_loss_sums"],
        )?;
        let total: f64 = sums.iter().sum();
        compare_number(
            &format!("{at} train_loss_sum"),
            total,
            number(&epoch["train_loss_sum"])?,
            DEFAULT_TOLERANCE,
        )?;
        let average = total / train_x.shape()[0] as f64;
        compare_number(
            &format!("{at} train_loss_avg"),
            average,
            number(&epoch["train_loss_avg"])?,
            DEFAULT_TOLERANCE,
        )?;

        validate(
            &at,
            epoch,
            &net,
            &loss,
            &val_x,
            &val_y,
            val_batch_size,
            &mut metrics,
        )?;
        net.compare_params(&format!("{at} params"), &epoch["params"])?;
    }

    net.compare_params("final_params", &case["final_params"])?;
    let last = net.forward(&val_x)?;
    compare_array(
        "final_val_output",
        &last,
        &case["final_val_output"],
        DEFAULT_TOLERANCE,
    )
}

fn number(value: &Value) -> Result<f64, String> {
    value
        .as_f64()
        .ok_or_else(|| format!("not a number: {value}"))
}

fn check_numbers(field: &str, got: &[f64], want: &Value) -> Result<(), String> {
    let want: Vec<f64> = want
        .as_array()
        .ok_or(format!("{field}: not a list"))?
        .iter()
        .map(number)
        .collect::<Result<_, _>>()?;
    compare_values(field, got, &want, DEFAULT_TOLERANCE)
}

/// The first batch of epoch 0: outputs, per-sample losses and the gradients of their sum,
/// before any update. Runs without stepping, so the gradients are left stale.
fn check_first_batch(
    case: &Value,
    net: &Network,
    loss: &SigmoidBinaryCrossEntropyLoss,
    train_x: &NDArray,
    train_y: &NDArray,
    batch_size: usize,
) -> Result<(), String> {
    let first = &case["first_batch"];
    let end = batch_size.min(train_x.shape()[0]);
    let (x, y) = (rows(train_x, 0, end), rows(train_y, 0, end));
    let (out, losses) = autograd::record(|| {
        let out = net.forward(&x)?;
        let losses = loss.forward(&out, &y).map_err(|e| e.to_string())?;
        Ok::<_, String>((out, losses))
    })?;
    losses.backward().map_err(|e| e.to_string())?;

    compare_array(
        "first_batch.output",
        &out,
        &first["output"],
        DEFAULT_TOLERANCE,
    )?;
    compare_array(
        "first_batch.loss",
        &losses,
        &first["loss"],
        DEFAULT_TOLERANCE,
    )?;
    for (name, param) in &net.params {
        let grad = param.grad().map_err(|e| e.to_string())?;
        compare_array(
            &format!("first_batch.grads.{name}"),
            &grad,
            &first["grads"][name],
            DEFAULT_TOLERANCE,
        )?;
        // The next training batch writes these gradients again; marking them used keeps
        // this probe from looking like a fresh gradient to the Trainer.
        param.data().map_err(|e| e.to_string())?.mark_grad_used();
    }
    Ok(())
}

/// The validation pass after an epoch: loss sums, accuracy and the three F1 figures.
#[allow(clippy::too_many_arguments)]
fn validate(
    at: &str,
    epoch: &Value,
    net: &Network,
    loss: &SigmoidBinaryCrossEntropyLoss,
    val_x: &NDArray,
    val_y: &NDArray,
    val_batch_size: usize,
    metrics: &mut Metrics,
) -> Result<(), String> {
    metrics.accuracy.reset();
    metrics.f1_macro.reset();
    metrics.f1_micro.reset();
    let mut sums = Vec::new();
    for begin in (0..val_x.shape()[0]).step_by(val_batch_size) {
        let end = (begin + val_batch_size).min(val_x.shape()[0]);
        let (x, y) = (rows(val_x, begin, end), rows(val_y, begin, end));
        let out = net.forward(&x)?;
        sums.push(
            loss.forward(&out, &y)
                .map_err(|e| e.to_string())?
                .sum()
                .asscalar() as f64,
        );

        let p = out.sigmoid();
        let classes = (&p - 0.5).ceil().abs().reshape(&[-1]);
        metrics
            .accuracy
            .update(&y, &classes)
            .map_err(|e| e.to_string())?;
        let two_column = nd::stack(&[&p.rsub_scalar(1.0), &p], 1).reshape(&[-1, 2]);
        for f1 in [
            &mut metrics.f1_macro,
            &mut metrics.f1_micro,
            &mut metrics.f1_cumulative,
        ] {
            f1.update(&y, &two_column).map_err(|e| e.to_string())?;
        }
    }
    check_numbers(
        &format!("{at} val_batch_loss_sums"),
        &sums,
        &epoch["val_batch_loss_sums"],
    )?;
    let total: f64 = sums.iter().sum();
    compare_number(
        &format!("{at} val_loss_sum"),
        total,
        number(&epoch["val_loss_sum"])?,
        DEFAULT_TOLERANCE,
    )?;
    let average = total / val_x.shape()[0] as f64;
    compare_number(
        &format!("{at} val_loss_avg"),
        average,
        number(&epoch["val_loss_avg"])?,
        DEFAULT_TOLERANCE,
    )?;

    let figures = [
        ("val_accuracy", metrics.accuracy.get().1),
        ("val_f1_macro", metrics.f1_macro.get().1),
        ("val_f1_micro", metrics.f1_micro.get().1),
        ("val_f1_tutorial_cumulative", metrics.f1_cumulative.get().1),
    ];
    for (field, got) in figures {
        compare_number(
            &format!("{at} {field}"),
            got,
            number(&epoch[field])?,
            DEFAULT_TOLERANCE,
        )?;
    }
    Ok(())
}
