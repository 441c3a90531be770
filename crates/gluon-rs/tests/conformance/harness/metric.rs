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

// --- expectations derived by the deviation rules ---

/// Statistics since the last reset (local) and since the last full reset (global).
#[derive(Default, Clone, Copy)]
struct Sums {
    local: (f64, f64),
    global: (f64, f64),
}

/// A pair's `(sum, count)` under our rule, or text our error must contain.
pub type OurPairRule = fn(&Value, &Value) -> Result<(f64, f64), &'static str>;

/// How one metric turns a `(label, pred)` pair into `(sum, count)`, and sums into a value.
pub struct Replay {
    /// Our rule.
    pub ours: OurPairRule,
    /// MXNet 1.9.1's rule, to check that the recorded values are understood.
    pub mxnet: fn(&Value, &Value) -> (f64, f64),
    /// Our value from the summed `(sum, count)`.
    pub finish: fn(f64, f64) -> f64,
}

/// Rewrites the expected readings of the metric at `slot` (None: the case's only metric;
/// Some(i): the composite's i-th child) under `replay.ours`. An update that `ours` rejects
/// is marked `expect_error`; in a composite the other children's readings after it would
/// need their own replay, so the sequence is cut there.
///
/// The recorded readings are first replayed under `replay.mxnet`; when they do not agree,
/// the case is marked `derivation_failed`.
pub fn derive_readings(case: &mut Value, slot: Option<usize>, replay: &Replay) {
    if let Err(problem) = check_mxnet_replay(case, slot, replay) {
        case["derivation_failed"] = Value::from(problem);
        return;
    }
    let Some(steps) = case["sequence"].as_array_mut() else {
        return;
    };

    let mut sums = Sums::default();
    let mut cut = None;
    for (index, step) in steps.iter_mut().enumerate() {
        match step["op"].as_str() {
            Some("update") => match pair_sums(step, |l, p| (replay.ours)(l, p)) {
                Ok(delta) => add(&mut sums, delta),
                Err(text) => {
                    step["expect_error"] = Value::from(text);
                    if slot.is_some() {
                        cut = Some(index + 1);
                        break;
                    }
                }
            },
            Some("reset") => sums = Sums::default(),
            Some("reset_local") => sums.local = (0.0, 0.0),
            _ => {}
        }
        set_reading(&mut step["get"], slot, value(sums.local, replay.finish));
        set_reading(
            &mut step["get_global"],
            slot,
            value(sums.global, replay.finish),
        );
    }
    if let Some(length) = cut {
        steps.truncate(length);
        if let Some(last) = steps.last_mut() {
            last["get"] = Value::Null;
            last["get_global"] = Value::Null;
        }
    }
}

fn check_mxnet_replay(case: &Value, slot: Option<usize>, replay: &Replay) -> Result<(), String> {
    let steps = case["sequence"].as_array().ok_or("no sequence")?;
    let mut sums = Sums::default();
    for (index, step) in steps.iter().enumerate() {
        match step["op"].as_str() {
            Some("update") => {
                let delta = pair_sums(step, |l, p| Ok::<_, ()>((replay.mxnet)(l, p)))
                    .map_err(|()| "unreachable".to_string())?;
                add(&mut sums, delta);
            }
            Some("reset") => sums = Sums::default(),
            Some("reset_local") => sums.local = (0.0, 0.0),
            _ => {}
        }
        let mean = |(sum, count): (f64, f64)| if count == 0.0 { f64::NAN } else { sum / count };
        for (field, got) in [("get", mean(sums.local)), ("get_global", mean(sums.global))] {
            let recorded = reading(&step[field], slot);
            if !super::common::close(got, recorded, TOLERANCE) {
                return Err(format!(
                    "step {index} {field}: MXNet's rule gives {got}, the fixture records {recorded}"
                ));
            }
        }
    }
    Ok(())
}

fn pair_sums<E>(
    step: &Value,
    rule: impl Fn(&Value, &Value) -> Result<(f64, f64), E>,
) -> Result<(f64, f64), E> {
    let labels = step["labels"].as_array().cloned().unwrap_or_default();
    let preds = step["preds"].as_array().cloned().unwrap_or_default();
    let mut total = (0.0, 0.0);
    for (label, pred) in labels.iter().zip(&preds) {
        let (sum, count) = rule(label, pred)?;
        total = (total.0 + sum, total.1 + count);
    }
    Ok(total)
}

fn add(sums: &mut Sums, (sum, count): (f64, f64)) {
    sums.local = (sums.local.0 + sum, sums.local.1 + count);
    sums.global = (sums.global.0 + sum, sums.global.1 + count);
}

fn value((sum, count): (f64, f64), finish: fn(f64, f64) -> f64) -> f64 {
    if count == 0.0 {
        f64::NAN
    } else {
        finish(sum, count)
    }
}

fn json_number(value: f64) -> Value {
    if value.is_nan() {
        Value::from("nan")
    } else {
        Value::from(value)
    }
}

fn reading(recorded: &Value, slot: Option<usize>) -> f64 {
    match slot {
        None => number(&recorded["value"]),
        Some(index) => number(&recorded["value"][index]),
    }
}

fn set_reading(recorded: &mut Value, slot: Option<usize>, value: f64) {
    match slot {
        None => recorded["value"] = json_number(value),
        Some(index) => recorded["value"][index] = json_number(value),
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

// --- the metrics' rules, ours and MXNet 1.9.1's, over fixture arrays ---

/// The slots of a case holding a metric of one of `classes`: `None` for the case's own
/// metric, `Some(i)` for a composite's i-th child.
pub fn slots_of(case: &Value, classes: &[&str]) -> Vec<Option<usize>> {
    let is_one = |metric: &Value| metric.as_str().is_some_and(|name| classes.contains(&name));
    if is_one(&case["metric"]) {
        return vec![None];
    }
    case["children"]
        .as_array()
        .map(|children| {
            children
                .iter()
                .enumerate()
                .filter(|(_, child)| is_one(&child["metric"]))
                .map(|(index, _)| Some(index))
                .collect()
        })
        .unwrap_or_default()
}

/// The constructor arguments of the metric at `slot`.
pub fn slot_kwargs(case: &Value, slot: Option<usize>) -> &Value {
    match slot {
        None => &case["ctor_kwargs"],
        Some(index) => &case["children"][index]["ctor_kwargs"],
    }
}

/// Every `(label, pred)` pair of every update, with the number of resets (full or local)
/// before it, so pairs with the same number are counted together.
pub fn update_pairs(case: &Value) -> Vec<(usize, Value, Value)> {
    let mut pairs = Vec::new();
    let mut window = 0;
    for step in case["sequence"].as_array().into_iter().flatten() {
        match step["op"].as_str() {
            Some("update") => {
                let labels = step["labels"].as_array().cloned().unwrap_or_default();
                let preds = step["preds"].as_array().cloned().unwrap_or_default();
                for (label, pred) in labels.into_iter().zip(preds) {
                    pairs.push((window, label, pred));
                }
            }
            Some("reset") | Some("reset_local") => window += 1,
            _ => {}
        }
    }
    pairs
}

fn dims(array: &Value) -> Vec<usize> {
    super::common::shape(array)
}

fn squeezed(shape: &[usize]) -> Vec<usize> {
    shape.iter().copied().filter(|&dim| dim != 1).collect()
}

/// Whether label and pred hold the same samples once axes of length 1 are dropped.
pub fn same_samples(label: &Value, pred: &Value) -> bool {
    squeezed(&dims(label)) == squeezed(&dims(pred))
}

fn is_whole(value: f64) -> bool {
    value.is_finite() && value.fract() == 0.0
}

/// Whether our Accuracy reads this pair differently from MXNet 1.9.1: MXNet truncates
/// same-shape predictions and labels to integers, and argmaxes a prediction whose shape
/// differs from the label's even when the axis has length 1.
pub fn accuracy_pair_deviates(label: &Value, pred: &Value) -> bool {
    let fractional = |array: &Value| super::common::values(array).iter().any(|&v| !is_whole(v));
    fractional(label)
        || (same_samples(label, pred) && (dims(label) != dims(pred) || fractional(pred)))
}

/// The index of the largest value along axis 1 (the first on ties).
fn argmax_axis1(shape: &[usize], values: &[f64]) -> Vec<f64> {
    let classes = shape.get(1).copied().unwrap_or(1);
    let inner: usize = shape.iter().skip(2).product();
    let outer = shape.first().copied().unwrap_or(1);
    let mut result = Vec::with_capacity(outer * inner);
    for o in 0..outer {
        for i in 0..inner {
            let at = |c: usize| values[(o * classes + c) * inner + i];
            let best = (1..classes).fold(0, |best, c| if at(c) > at(best) { c } else { best });
            result.push(best as f64);
        }
    }
    result
}

fn count_equal(labels: &[f64], predicted: &[f64]) -> (f64, f64) {
    let correct = labels.iter().zip(predicted).filter(|(a, b)| a == b).count();
    (correct as f64, labels.len() as f64)
}

/// MXNet 1.9.1's Accuracy (axis 1): argmax when the shapes differ, then truncation.
pub fn accuracy_mxnet(label: &Value, pred: &Value) -> (f64, f64) {
    let labels: Vec<f64> = super::common::values(label)
        .iter()
        .map(|v| v.trunc())
        .collect();
    let mut predicted = super::common::values(pred);
    if dims(pred) != dims(label) {
        predicted = argmax_axis1(&dims(pred), &predicted);
    }
    let predicted: Vec<f64> = predicted.iter().map(|v| v.trunc()).collect();
    count_equal(&labels, &predicted)
}

/// Our Accuracy (axis 1): class ids when the samples line up, which must be whole
/// numbers; argmax otherwise.
pub fn accuracy_ours(label: &Value, pred: &Value) -> Result<(f64, f64), &'static str> {
    let labels = super::common::values(label);
    if labels.iter().any(|&v| !is_whole(v)) {
        return Err("not a class id");
    }
    let mut predicted = super::common::values(pred);
    if same_samples(label, pred) {
        if predicted.iter().any(|&v| !is_whole(v)) {
            return Err("BinaryAccuracy");
        }
    } else {
        predicted = argmax_axis1(&dims(pred), &predicted);
    }
    Ok(count_equal(&labels, &predicted))
}

/// MXNet 1.9.1's per-pair regression value: 1-D arrays become `(N, 1)`, a `(N, 1)` side
/// broadcasts against `(N, k)`, and the pair contributes `reduce(mean of error)` with
/// weight 1. Shapes it would not broadcast give NaN, which fails the replay check.
fn regression_mxnet(label: &Value, pred: &Value, error: fn(f64) -> f64) -> f64 {
    let as_matrix = |array: &Value| {
        let shape = dims(array);
        match shape.len() {
            1 => (shape[0], 1),
            2 => (shape[0], shape[1]),
            _ => (0, 0),
        }
    };
    let ((label_rows, label_cols), (pred_rows, pred_cols)) = (as_matrix(label), as_matrix(pred));
    let cols = label_cols.max(pred_cols);
    let fits = |c: usize| c == cols || c == 1;
    if label_rows != pred_rows || label_rows == 0 || !fits(label_cols) || !fits(pred_cols) {
        return f64::NAN;
    }
    let (labels, preds) = (super::common::values(label), super::common::values(pred));
    let at = |values: &[f64], row: usize, col: usize, width: usize| {
        values[row * width + if width == 1 { 0 } else { col }]
    };
    let mut total = 0.0;
    for row in 0..label_rows {
        for col in 0..cols {
            total += error(at(&labels, row, col, label_cols) - at(&preds, row, col, pred_cols));
        }
    }
    total / (label_rows * cols) as f64
}

/// Our regression sums: every element weighs the same; the samples must line up.
fn regression_ours(
    label: &Value,
    pred: &Value,
    error: fn(f64) -> f64,
) -> Result<(f64, f64), &'static str> {
    if !same_samples(label, pred) {
        return Err("shape");
    }
    let (labels, preds) = (super::common::values(label), super::common::values(pred));
    let sum = labels.iter().zip(&preds).map(|(l, p)| error(l - p)).sum();
    Ok((sum, labels.len() as f64))
}

fn squared(difference: f64) -> f64 {
    difference * difference
}

fn ratio(sum: f64, count: f64) -> f64 {
    sum / count
}

pub static ACCURACY_REPLAY: Replay = Replay {
    ours: accuracy_ours,
    mxnet: accuracy_mxnet,
    finish: ratio,
};

pub static MAE_REPLAY: Replay = Replay {
    ours: |label, pred| regression_ours(label, pred, f64::abs),
    mxnet: |label, pred| (regression_mxnet(label, pred, f64::abs), 1.0),
    finish: ratio,
};

pub static MSE_REPLAY: Replay = Replay {
    ours: |label, pred| regression_ours(label, pred, squared),
    mxnet: |label, pred| (regression_mxnet(label, pred, squared), 1.0),
    finish: ratio,
};

pub static RMSE_REPLAY: Replay = Replay {
    ours: |label, pred| regression_ours(label, pred, squared),
    mxnet: |label, pred| (regression_mxnet(label, pred, squared).sqrt(), 1.0),
    finish: |sum, count| (sum / count).sqrt(),
};
