//! Expectations derived for F1 and MCC where our reading of a pair differs from MXNet
//! 1.9.1's: MXNet argmaxes every prediction over axis 1 (so `(N,)` or `(N, 1)`
//! probabilities always predict class 0) and counts any label other than 1 as negative;
//! ours thresholds class-1 probabilities at 0.5 and refuses anything but probabilities and
//! 0/1 labels.

use super::super::common::{close, values};
use super::replay::{argmax_axis1, dims, reading, same_samples, set_reading, squeezed};
use super::TOLERANCE;
use serde_json::Value;

/// True positives, false positives, false negatives, true negatives.
type Counts = [f64; 4];

fn count(labels: &[bool], predicted: &[bool]) -> Counts {
    let mut counts = [0.0; 4];
    for (&label, &prediction) in labels.iter().zip(predicted) {
        let index = match (label, prediction) {
            (true, true) => 0,
            (false, true) => 1,
            (true, false) => 2,
            (false, false) => 3,
        };
        counts[index] += 1.0;
    }
    counts
}

fn f1([tp, fp, fn_, _]: Counts) -> f64 {
    let precision = if tp + fp > 0.0 { tp / (tp + fp) } else { 0.0 };
    let recall = if tp + fn_ > 0.0 { tp / (tp + fn_) } else { 0.0 };
    if precision + recall > 0.0 {
        2.0 * precision * recall / (precision + recall)
    } else {
        0.0
    }
}

fn mcc([tp, fp, fn_, tn]: Counts) -> f64 {
    let denominator: f64 = [tp + fp, tp + fn_, tn + fp, tn + fn_]
        .iter()
        .map(|&m| if m == 0.0 { 1.0 } else { m })
        .product();
    (tp * tn - fp * fn_) / denominator.sqrt()
}

/// MXNet 1.9.1: argmax over axis 1, labels truncated, exactly 1 is positive.
fn counts_mxnet(label: &Value, pred: &Value) -> Counts {
    let labels: Vec<bool> = values(label).iter().map(|v| v.trunc() == 1.0).collect();
    let predicted: Vec<bool> = argmax_axis1(&dims(pred), &values(pred))
        .iter()
        .map(|&class| class == 1.0)
        .collect();
    count(&labels, &predicted)
}

/// Ours: labels 0 or 1; class-1 probabilities, or the second of two probability columns,
/// above 0.5. `Err` holds text our error contains.
fn counts_ours(label: &Value, pred: &Value) -> Result<Counts, &'static str> {
    let label_values = values(label);
    if label_values.iter().any(|&v| v != 0.0 && v != 1.0) {
        return Err("is not 0 or 1");
    }
    let pred_values = values(pred);
    if pred_values.iter().any(|v| !(0.0..=1.0).contains(v)) {
        return Err("is not a probability");
    }
    let scores: Vec<f64> = if same_samples(label, pred) {
        pred_values
    } else {
        let pred_dims = squeezed(&dims(pred));
        let two_columns = pred_dims.last() == Some(&2)
            && squeezed(&dims(label)) == pred_dims[..pred_dims.len() - 1];
        if !two_columns {
            return Err("shape");
        }
        if pred_values
            .chunks(2)
            .any(|row| (row[0] + row[1] - 1.0).abs() > 1e-3)
        {
            return Err("sums to");
        }
        pred_values.chunks(2).map(|row| row[1]).collect()
    };
    let labels: Vec<bool> = label_values.iter().map(|&v| v == 1.0).collect();
    let predicted: Vec<bool> = scores.iter().map(|&p| p > 0.5).collect();
    Ok(count(&labels, &predicted))
}

/// Whether our F1/MCC reads this pair differently from MXNet 1.9.1.
pub fn binary_pair_deviates(label: &Value, pred: &Value) -> bool {
    match counts_ours(label, pred) {
        Err(_) => true,
        Ok(ours) => same_samples(label, pred) || ours != counts_mxnet(label, pred),
    }
}

/// The statistics of one metric: pooled counts and per-update scores, local and global.
#[derive(Default, Clone, Copy)]
struct Stats {
    counts: Counts,
    scores: (f64, f64),
}

impl Stats {
    fn add(&mut self, counts: Counts, score: f64) {
        for (total, more) in self.counts.iter_mut().zip(counts) {
            *total += more;
        }
        self.scores = (self.scores.0 + score, self.scores.1 + 1.0);
    }

    fn value(&self, per_batch_mean: bool, score: fn(Counts) -> f64) -> f64 {
        match per_batch_mean {
            true if self.scores.1 == 0.0 => f64::NAN,
            true => self.scores.0 / self.scores.1,
            false if self.counts.iter().sum::<f64>() == 0.0 => f64::NAN,
            false => score(self.counts),
        }
    }
}

/// One update's pooled counts under `rule`.
fn update_counts<E>(
    step: &Value,
    rule: impl Fn(&Value, &Value) -> Result<Counts, E>,
) -> Result<Counts, E> {
    let labels = step["labels"].as_array().cloned().unwrap_or_default();
    let preds = step["preds"].as_array().cloned().unwrap_or_default();
    let mut total = [0.0; 4];
    for (label, pred) in labels.iter().zip(&preds) {
        for (sum, more) in total.iter_mut().zip(rule(label, pred)?) {
            *sum += more;
        }
    }
    Ok(total)
}

/// Replays the sequence under `rule`, calling `reading` with each step's local and global
/// values; stops at the first update `rule` rejects and returns its index and text.
fn replay<E>(
    steps: &[Value],
    per_batch_mean: bool,
    score: fn(Counts) -> f64,
    rule: impl Fn(&Value, &Value) -> Result<Counts, E>,
    mut reading: impl FnMut(usize, f64, f64) -> Result<(), String>,
) -> Result<Option<(usize, E)>, String> {
    let (mut local, mut global) = (Stats::default(), Stats::default());
    for (index, step) in steps.iter().enumerate() {
        match step["op"].as_str() {
            Some("update") => match update_counts(step, &rule) {
                Ok(counts) if counts.iter().sum::<f64>() > 0.0 => {
                    local.add(counts, score(counts));
                    global.add(counts, score(counts));
                }
                Ok(_) => {}
                Err(error) => return Ok(Some((index, error))),
            },
            Some("reset") => (local, global) = (Stats::default(), Stats::default()),
            Some("reset_local") => local = Stats::default(),
            _ => {}
        }
        let values = (
            local.value(per_batch_mean, score),
            global.value(per_batch_mean, score),
        );
        reading(index, values.0, values.1)?;
    }
    Ok(None)
}

/// Rewrites the expected readings of the F1 or MCC at `slot` under our reading of each
/// pair, after checking MXNet's reading reproduces the recorded ones. An update we reject
/// is marked `expect_error` and the sequence is cut there: the values after it would need
/// every other metric of the case replayed too.
pub fn derive_binary(case: &mut Value, slot: Option<usize>, class: &str) {
    let kwargs = super::slot_kwargs(case, slot);
    let per_batch_mean = kwargs["average"].is_null() || kwargs["average"] == "macro";
    let score: fn(Counts) -> f64 = if class == "MCC" { mcc } else { f1 };
    let steps = case["sequence"].as_array().cloned().unwrap_or_default();

    let check = replay(
        &steps,
        per_batch_mean,
        score,
        |l, p| Ok::<_, ()>(counts_mxnet(l, p)),
        |index, local, global| {
            for (field, got) in [("get", local), ("get_global", global)] {
                let recorded = reading(&steps[index][field], slot);
                if !close(got, recorded, TOLERANCE) {
                    return Err(format!("step {index} {field}: MXNet's rule gives {got}, the fixture records {recorded}"));
                }
            }
            Ok(())
        },
    );
    if let Err(problem) = check {
        case["derivation_failed"] = Value::from(problem);
        return;
    }

    let mut derived = steps.clone();
    let rejected = replay(
        &steps,
        per_batch_mean,
        score,
        counts_ours,
        |index, local, global| {
            set_reading(&mut derived[index]["get"], slot, local);
            set_reading(&mut derived[index]["get_global"], slot, global);
            Ok(())
        },
    );
    if let Ok(Some((index, text))) = rejected {
        derived.truncate(index + 1);
        derived[index]["expect_error"] = Value::from(text);
        derived[index]["get"] = Value::Null;
        derived[index]["get_global"] = Value::Null;
    }
    case["sequence"] = Value::Array(derived);
}
