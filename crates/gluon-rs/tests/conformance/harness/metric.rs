//! The `metric` family: replays each case's `update` / `reset` / `reset_local` sequence on
//! the metric the case names and compares `get()` and `get_global()` after every step.
//!
//! Besides the recorded fields, a case rewritten by a deviation rule may carry, on an
//! update step, `expect_error` (text the error must contain; the metric must then be
//! unchanged), and at the top level `derivation_failed` (the rule could not derive an
//! expectation; the case fails with that message).

use super::common::{catch, load_family, ndarray, number, Report, Tolerance};
use super::deviations::{self, Derivation};
use gluon_rs::metric::{
    Accuracy, Average, CompositeEvalMetric, CrossEntropy, EvalMetric, Loss, TopKAccuracy, F1, MAE,
    MCC, MSE, RMSE,
};
use gluon_rs::nd::NDArray;
use serde_json::Value;
use std::path::Path;

mod binary_replay;
mod replay;

pub use binary_replay::*;
pub use replay::*;

/// Metric values are float64 from float32 inputs (fixtures README, section 6).
const TOLERANCE: Tolerance = Tolerance {
    atol: 1e-9,
    rtol: 1e-6,
};

pub fn run(dir: &Path) -> Report {
    let mut report = Report::default();
    let files = match load_family(dir, "metric") {
        Ok(files) => files,
        Err(problem) => {
            report.record("metric", "(loading)", None, Err(problem));
            return report;
        }
    };

    for file in &files {
        let Some(cases) = file.json["cases"].as_array() else {
            report.record(
                &file.name,
                "(file)",
                None,
                Err("no cases array".to_string()),
            );
            continue;
        };
        for case in cases {
            let name = case["name"].as_str().unwrap_or("(unnamed)");
            let rules: Vec<_> = deviations::RULES
                .iter()
                .filter(|rule| rule.family == "metric" && (rule.applies)(case))
                .collect();

            let mut expected = case.clone();
            let mut compat_modes = Vec::new();
            for rule in &rules {
                match rule.derivation {
                    Derivation::Corrected(rewrite) => rewrite(&mut expected),
                    Derivation::CompatMode(mode) => compat_modes.push(mode),
                    Derivation::ExpectedError(text) => {
                        expect_error_at_first_update(&mut expected, text)
                    }
                }
            }

            let ids: Vec<&str> = rules.iter().map(|rule| rule.id).collect();
            let rule_label = (!ids.is_empty()).then(|| ids.join(" + "));
            let outcome = catch(|| run_case(&expected, &compat_modes));
            report.record(&file.name, name, rule_label.as_deref(), outcome);
        }
    }
    report
}

fn run_case(case: &Value, compat_modes: &[&str]) -> Result<(), String> {
    if let Some(problem) = case["derivation_failed"].as_str() {
        return Err(format!(
            "the deviation rule could not derive an expectation: {problem}"
        ));
    }
    let mut metric = build_case_metric(case, compat_modes)?;
    let steps = case["sequence"].as_array().ok_or("no sequence")?;

    for (index, step) in steps.iter().enumerate() {
        let op = step["op"].as_str().ok_or("step without op")?;
        let at = format!("step {index} ({op})");
        match op {
            "update" => run_update(metric.as_mut(), step, &at)?,
            "reset" => metric.reset(),
            "reset_local" => metric.reset_local(),
            other => return Err(format!("{at}: unknown op {other:?}")),
        }
        compare_reading(&format!("{at} get"), &metric.get_name_value(), &step["get"])?;
        compare_reading(
            &format!("{at} get_global"),
            &metric.get_global_name_value(),
            &step["get_global"],
        )?;
    }
    Ok(())
}

fn run_update(metric: &mut dyn EvalMetric, step: &Value, at: &str) -> Result<(), String> {
    let labels = arrays(&step["labels"]);
    let preds = arrays(&step["preds"]);
    let result = metric.update_many(&labels, &preds);

    match (result, step["expect_error"].as_str()) {
        (Ok(()), None) => Ok(()),
        (Err(error), Some(text)) if error.to_string().contains(text) => Ok(()),
        (Err(error), Some(text)) => Err(format!("{at}: error {error:?} does not mention {text:?}")),
        (Ok(()), Some(text)) => Err(format!("{at}: succeeded, expected an error about {text:?}")),
        (Err(error), None) => Err(format!("{at}: {error}")),
    }
}

/// A list of fixture arrays; `null` (Loss labels) is an empty list.
fn arrays(list: &Value) -> Vec<NDArray> {
    list.as_array()
        .map(|items| items.iter().map(ndarray).collect())
        .unwrap_or_default()
}

/// Compares our `(name, value)` pairs with a recorded `{"name", "value"}`, whose fields
/// are lists for a composite.
fn compare_reading(field: &str, got: &[(String, f64)], want: &Value) -> Result<(), String> {
    if want.is_null() {
        return Ok(());
    }
    let (names, values): (Vec<&Value>, Vec<&Value>) = match (&want["name"], &want["value"]) {
        (Value::Array(names), Value::Array(values)) => {
            (names.iter().collect(), values.iter().collect())
        }
        (name, value) => (vec![name], vec![value]),
    };
    if got.len() != names.len() {
        return Err(format!(
            "{field}: {} values, expected {}",
            got.len(),
            names.len()
        ));
    }
    for ((got_name, got_value), (name, value)) in got.iter().zip(names.iter().zip(&values)) {
        let want_value = number(value);
        if Some(got_name.as_str()) != name.as_str() {
            return Err(format!("{field}: name {got_name:?}, expected {name}"));
        }
        if !super::common::close(*got_value, want_value, TOLERANCE) {
            return Err(format!(
                "{field} {got_name}: got {got_value}, expected {want_value}"
            ));
        }
    }
    Ok(())
}

fn build_case_metric(case: &Value, compat_modes: &[&str]) -> Result<Box<dyn EvalMetric>, String> {
    let class = case["metric"].as_str().ok_or("case without metric")?;
    if class != "CompositeEvalMetric" {
        return build_metric(class, &case["ctor_kwargs"], compat_modes);
    }
    let mut composite = CompositeEvalMetric::new();
    for child in case["children"]
        .as_array()
        .ok_or("composite without children")?
    {
        let child_class = child["metric"].as_str().ok_or("child without metric")?;
        composite.add(build_metric(
            child_class,
            &child["ctor_kwargs"],
            compat_modes,
        )?);
    }
    Ok(Box::new(composite))
}

/// Our equivalent of `mxnet.metric.<class>(**kwargs)`.
fn build_metric(
    class: &str,
    kwargs: &Value,
    compat_modes: &[&str],
) -> Result<Box<dyn EvalMetric>, String> {
    let empty = serde_json::Map::new();
    let kwargs = kwargs.as_object().unwrap_or(&empty);
    let known: &[&str] = match class {
        "Accuracy" => &["axis"],
        "F1" | "MCC" => &["average"],
        "TopKAccuracy" => &["top_k"],
        "CrossEntropy" => &["eps"],
        _ => &[],
    };
    if let Some(unknown) = kwargs.keys().find(|key| !known.contains(&key.as_str())) {
        return Err(format!(
            "{class}: constructor argument {unknown:?} is not mapped"
        ));
    }
    let int = |key: &str, default: i64| kwargs.get(key).and_then(Value::as_i64).unwrap_or(default);

    let metric: Box<dyn EvalMetric> = match class {
        "Accuracy" => Box::new(Accuracy::new().with_axis(int("axis", 1) as isize)),
        "F1" => Box::new(F1::new().with_average(average(kwargs, compat_modes)?)),
        "MCC" => Box::new(MCC::new().with_average(average(kwargs, compat_modes)?)),
        "TopKAccuracy" => {
            Box::new(TopKAccuracy::new(int("top_k", 1) as usize).map_err(|e| e.to_string())?)
        }
        "CrossEntropy" => {
            let eps = kwargs.get("eps").map(number).unwrap_or(1e-12);
            Box::new(
                CrossEntropy::new()
                    .with_eps(eps)
                    .map_err(|e| e.to_string())?,
            )
        }
        "MAE" => Box::new(MAE::new()),
        "MSE" => Box::new(MSE::new()),
        "RMSE" => Box::new(RMSE::new()),
        "Loss" => Box::new(Loss::new()),
        other => return Err(format!("metric class {other:?} is not mapped")),
    };
    Ok(metric)
}

/// MXNet's `average` argument: `"micro"` pools the counts, as ours does by default; its
/// default `"macro"` (a mean over updates) is only reproduced under the compatibility
/// mode a deviation rule names.
fn average(
    kwargs: &serde_json::Map<String, Value>,
    compat_modes: &[&str],
) -> Result<Average, String> {
    match kwargs.get("average").and_then(Value::as_str) {
        Some("micro") => Ok(Average::Pooled),
        None | Some("macro") if compat_modes.contains(&"per_batch_mean") => {
            Ok(Average::PerBatchMean)
        }
        None | Some("macro") => Ok(Average::Pooled),
        Some(other) => Err(format!("average {other:?} is not mapped")),
    }
}

/// The first update must fail with `text`; nothing after it is checked.
fn expect_error_at_first_update(case: &mut Value, text: &str) {
    let Some(steps) = case["sequence"].as_array_mut() else {
        return;
    };
    if let Some(first) = steps.iter().position(|step| step["op"] == "update") {
        steps.truncate(first + 1);
        steps[first]["expect_error"] = Value::from(text);
        steps[first]["get"] = Value::Null;
        steps[first]["get_global"] = Value::Null;
    }
}
