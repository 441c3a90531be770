//! The `ops` family (forward values) and `ops.grad` (their gradients).
//!
//! Each case names an MXNet operator in `op` with its parameters in `attrs`; the case is
//! evaluated by [`dispatch::apply`] on the inputs in `input_order`. For `ops.grad` the
//! `differentiable` inputs get gradient buffers, the call is recorded, and the recorded
//! output is differentiated with the case's `head_grad`.

mod dispatch;

use super::common::{catch, compare_array, load_family, ndarray, Report, DEFAULT_TOLERANCE};
use super::deviations::{self, Derivation};
use gluon_rs::autograd;
use gluon_rs::nd::NDArray;
use serde_json::Value;
use std::path::Path;

/// Runs every case of `dir/ops`: forward values, or gradients when `gradients` is set.
pub fn run(dir: &Path, gradients: bool) -> Report {
    let family = if gradients { "ops.grad" } else { "ops" };
    let mut report = Report::default();
    let files = match load_family(dir, "ops") {
        Ok(files) => files,
        Err(problem) => {
            report.record("ops", "(loading)", None, Err(problem));
            return report;
        }
    };
    for file in &files {
        let Some(cases) = file.json["cases"].as_array() else {
            report.record(&file.name, "(file)", None, Err("no `cases` list".into()));
            continue;
        };
        for (index, case) in cases.iter().enumerate() {
            let label = case["name"]
                .as_str()
                .map_or_else(|| format!("case {index}"), str::to_string);
            let rule = deviations::find(family, case);
            let outcome = match rule.map(|rule| &rule.derivation) {
                None => catch(|| run_case(case, gradients)),
                Some(Derivation::Corrected(correct)) => {
                    let mut corrected = case.clone();
                    correct(&mut corrected);
                    catch(|| run_case(&corrected, gradients))
                }
                Some(Derivation::ExpectedError(text)) => expect_error(case, gradients, text),
                Some(Derivation::CompatMode(mode)) => Err(format!(
                    "compatibility mode {mode} is not known to the ops family"
                )),
            };
            report.record(&file.name, &label, rule.map(|rule| rule.id), outcome);
        }
    }
    report
}

/// A case whose deviation rule expects an error containing `text`.
fn expect_error(case: &Value, gradients: bool, text: &str) -> Result<(), String> {
    match catch(|| run_case(case, gradients)) {
        Ok(()) => Err(format!(
            "expected an error containing `{text}`, got a value"
        )),
        Err(problem) if problem.contains(text) => Ok(()),
        Err(problem) => Err(format!(
            "expected an error containing `{text}`, got: {problem}"
        )),
    }
}

/// The inputs of a case, in `input_order`, with their names.
fn inputs(case: &Value) -> Result<Vec<(String, NDArray)>, String> {
    let order = case["input_order"]
        .as_array()
        .ok_or("missing `input_order`")?;
    order
        .iter()
        .map(|name| {
            let name = name.as_str().ok_or("`input_order` holds a non-string")?;
            let array = case["inputs"]
                .get(name)
                .ok_or_else(|| format!("input `{name}` is missing from `inputs`"))?;
            Ok((name.to_string(), ndarray(array)))
        })
        .collect()
}

/// Evaluates one case and compares `output`, or (with `gradients`) every entry of `grads`.
fn run_case(case: &Value, gradients: bool) -> Result<(), String> {
    let op = case["op"].as_str().ok_or("missing `op`")?;
    let attrs = &case["attrs"];
    let named = inputs(case)?;
    let arrays: Vec<NDArray> = named.iter().map(|(_, array)| array.clone()).collect();

    if !gradients {
        let output = dispatch::apply(op, attrs, &arrays)?;
        return compare_array("output", &output, &case["output"], DEFAULT_TOLERANCE);
    }

    let differentiable: Vec<&str> = case["differentiable"]
        .as_array()
        .ok_or("missing `differentiable`")?
        .iter()
        .filter_map(Value::as_str)
        .collect();
    for (name, array) in &named {
        if differentiable.contains(&name.as_str()) {
            array.attach_grad();
        }
    }
    let output = autograd::record(|| dispatch::apply(op, attrs, &arrays))?;
    // A 0-d head gradient is read as shape (1,), which is what a full reduction returns.
    let head_grad = ndarray(&case["head_grad"]);
    let head_grad = if head_grad.size() == output.size() {
        NDArray::from_vec(head_grad.to_vec(), output.shape())
    } else {
        head_grad
    };
    output
        .backward_with(Some(&head_grad), false)
        .map_err(|error| format!("backward failed: {error}"))?;

    let grads = case["grads"].as_object().ok_or("missing `grads`")?;
    for (name, want) in grads {
        let (_, array) = named
            .iter()
            .find(|(input, _)| input == name)
            .ok_or_else(|| format!("`grads` names `{name}`, which is not an input"))?;
        let got = array
            .grad()
            .ok_or_else(|| format!("`grads` names `{name}`, which is not differentiable"))?;
        compare_array(&format!("grads.{name}"), &got, want, DEFAULT_TOLERANCE)?;
    }
    Ok(())
}
