//! Expectations derived by the `metric` deviation rules: each rule replays a case under our
//! rule, after checking that MXNet 1.9.1's rule, replayed the same way, gives the recorded
//! readings.

use super::super::common::{close, number, shape, values};
use super::TOLERANCE;
use serde_json::Value;

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
            if !close(got, recorded, TOLERANCE) {
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

pub(super) fn json_number(value: f64) -> Value {
    if value.is_nan() {
        Value::from("nan")
    } else {
        Value::from(value)
    }
}

pub(super) fn reading(recorded: &Value, slot: Option<usize>) -> f64 {
    match slot {
        None => number(&recorded["value"]),
        Some(index) => number(&recorded["value"][index]),
    }
}

pub(super) fn set_reading(recorded: &mut Value, slot: Option<usize>, value: f64) {
    match slot {
        None => recorded["value"] = json_number(value),
        Some(index) => recorded["value"][index] = json_number(value),
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

pub(super) fn dims(array: &Value) -> Vec<usize> {
    shape(array)
}

pub(super) fn squeezed(shape: &[usize]) -> Vec<usize> {
    shape.iter().copied().filter(|&dim| dim != 1).collect()
}

/// Whether label and pred hold the same samples once axes of length 1 are dropped.
pub fn same_samples(label: &Value, pred: &Value) -> bool {
    squeezed(&dims(label)) == squeezed(&dims(pred))
}

pub(super) fn is_whole(value: f64) -> bool {
    value.is_finite() && value.fract() == 0.0
}

/// Whether our Accuracy reads this pair differently from MXNet 1.9.1: MXNet truncates
/// same-shape predictions and labels to integers, and argmaxes a prediction whose shape
/// differs from the label's even when the axis has length 1.
pub fn accuracy_pair_deviates(label: &Value, pred: &Value) -> bool {
    let fractional = |array: &Value| values(array).iter().any(|&v| !is_whole(v));
    fractional(label)
        || (same_samples(label, pred) && (dims(label) != dims(pred) || fractional(pred)))
}

/// The index of the largest value along axis 1 (the first on ties).
pub(super) fn argmax_axis1(shape: &[usize], values: &[f64]) -> Vec<f64> {
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
    let labels: Vec<f64> = values(label).iter().map(|v| v.trunc()).collect();
    let mut predicted = values(pred);
    if dims(pred) != dims(label) {
        predicted = argmax_axis1(&dims(pred), &predicted);
    }
    let predicted: Vec<f64> = predicted.iter().map(|v| v.trunc()).collect();
    count_equal(&labels, &predicted)
}

/// Our Accuracy (axis 1): class ids when the samples line up, which must be whole
/// numbers; argmax otherwise.
pub fn accuracy_ours(label: &Value, pred: &Value) -> Result<(f64, f64), &'static str> {
    let labels = values(label);
    if labels.iter().any(|&v| !is_whole(v)) {
        return Err("not a class id");
    }
    let mut predicted = values(pred);
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
    let (labels, preds) = (values(label), values(pred));
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
    let (labels, preds) = (values(label), values(pred));
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
