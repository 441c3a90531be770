//! The `loss` family: per-sample losses and the gradient of their sum.

use super::common::{catch, compare_array, load_family, ndarray, Report, DEFAULT_TOLERANCE};
use super::deviations::{find_all, Derivation};
use gluon_rs::autograd;
use gluon_rs::loss::{
    L1Loss, L2Loss, LabelFormat, LogisticLoss, Loss, SigmoidBinaryCrossEntropyLoss,
    SoftmaxCrossEntropyLoss,
};
use gluon_rs::nd::NDArray;
use serde_json::Value;
use std::path::Path;

pub fn run(dir: &Path) -> Report {
    let mut report = Report::default();
    let files = match load_family(dir, "loss") {
        Ok(files) => files,
        Err(problem) => {
            report.record("loss", "(load)", None, Err(problem));
            return report;
        }
    };
    for file in &files {
        for case in file.json["cases"].as_array().into_iter().flatten() {
            let name = case["name"].as_str().unwrap_or("?");
            let rules = find_all("loss", case);
            let mut expected = case.clone();
            for rule in &rules {
                if let Derivation::Corrected(correct) = rule.derivation {
                    correct(&mut expected);
                }
            }
            let ids: Vec<&str> = rules.iter().map(|r| r.id).collect();
            let rule = (!ids.is_empty()).then(|| ids.join(", "));
            let outcome = catch(|| check_case(case, &expected));
            report.record(&file.name, name, rule.as_deref(), outcome);
        }
    }
    report
}

fn optional_f32(kwargs: &Value, key: &str) -> Option<f32> {
    kwargs[key].as_f64().map(|v| v as f32)
}

/// The loss block the case describes, by class name and constructor arguments.
fn build(case: &Value) -> Result<Box<dyn Loss>, String> {
    let kwargs = &case["ctor_kwargs"];
    let batch_axis = kwargs["batch_axis"].as_u64().unwrap_or(0) as usize;
    let weight = optional_f32(kwargs, "weight");
    let loss: Box<dyn Loss> = match case["loss"].as_str().unwrap_or("") {
        "SigmoidBinaryCrossEntropyLoss" => Box::new(sigmoid_bce(case)),
        "LogisticLoss" => {
            let format = LabelFormat::parse(kwargs["label_format"].as_str().unwrap_or("signed"))
                .map_err(|e| e.to_string())?;
            let mut loss = LogisticLoss::new(format).with_batch_axis(batch_axis);
            if let Some(w) = weight {
                loss = loss.with_weight(w);
            }
            Box::new(loss)
        }
        "L2Loss" => Box::new(
            L2Loss::new()
                .with_weight(weight.unwrap_or(1.0))
                .with_batch_axis(batch_axis),
        ),
        "L1Loss" => {
            let mut loss = L1Loss::new().with_batch_axis(batch_axis);
            if let Some(w) = weight {
                loss = loss.with_weight(w);
            }
            Box::new(loss)
        }
        "SoftmaxCrossEntropyLoss" => {
            let mut loss = SoftmaxCrossEntropyLoss::new()
                .with_axis(kwargs["axis"].as_i64().unwrap_or(-1) as isize)
                .with_sparse_label(kwargs["sparse_label"].as_bool().unwrap_or(true))
                .with_from_logits(kwargs["from_logits"].as_bool().unwrap_or(false))
                .with_batch_axis(batch_axis);
            if let Some(w) = weight {
                loss = loss.with_weight(w);
            }
            Box::new(loss)
        }
        other => return Err(format!("unknown loss class {other}")),
    };
    Ok(loss)
}

fn sigmoid_bce(case: &Value) -> SigmoidBinaryCrossEntropyLoss {
    let kwargs = &case["ctor_kwargs"];
    let loss = SigmoidBinaryCrossEntropyLoss::new()
        .with_from_sigmoid(kwargs["from_sigmoid"].as_bool().unwrap_or(false))
        .with_batch_axis(kwargs["batch_axis"].as_u64().unwrap_or(0) as usize);
    match optional_f32(kwargs, "weight") {
        Some(w) => loss.with_weight(w),
        None => loss,
    }
}

fn optional_array(case: &Value, key: &str) -> Option<NDArray> {
    case.get(key).filter(|v| !v.is_null()).map(ndarray)
}

fn check_case(case: &Value, expected: &Value) -> Result<(), String> {
    let loss = build(case)?;
    let pred = ndarray(&case["pred"]);
    let label = ndarray(&case["label"]);
    let sample_weight = optional_array(case, "sample_weight");
    let pos_weight = optional_array(case, "pos_weight");
    pred.attach_grad();

    let output = autograd::record(|| match &pos_weight {
        Some(pos_weight) => sigmoid_bce(case).forward_with_pos_weight(
            &pred,
            &label,
            sample_weight.as_ref(),
            Some(pos_weight),
        ),
        None => loss.forward_weighted(&pred, &label, sample_weight.as_ref()),
    })
    .map_err(|e| e.to_string())?;
    output.backward().map_err(|e| e.to_string())?;

    compare_array("output", &output, &expected["output"], DEFAULT_TOLERANCE)?;
    let grad = pred.grad().ok_or("pred has no gradient")?;
    compare_array(
        "grad_pred",
        &grad,
        &expected["grad_pred"],
        DEFAULT_TOLERANCE,
    )
}
