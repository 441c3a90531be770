//! When the `loss` and `trajectory` rules apply and how they derive the expected values.

use super::super::common::{shape, values};
use serde_json::{json, Value};

// --- loss: per-sample weight of shape (N,) ---

/// The shape the element loss has before weighting: pred's, with the class axis reduced to
/// one for SoftmaxCrossEntropyLoss.
fn element_loss_shape(case: &Value) -> Vec<usize> {
    let mut dims = shape(&case["pred"]);
    if case["loss"] == "SoftmaxCrossEntropyLoss" {
        let axis = case["ctor_kwargs"]["axis"].as_i64().unwrap_or(-1);
        let axis = if axis < 0 {
            axis + dims.len() as i64
        } else {
            axis
        } as usize;
        dims[axis] = 1;
    }
    dims
}

/// NumPy's broadcast of two shapes.
fn broadcast(a: &[usize], b: &[usize]) -> Option<Vec<usize>> {
    let ndim = a.len().max(b.len());
    let dim = |s: &[usize], i: usize| {
        if i + s.len() >= ndim {
            s[i + s.len() - ndim]
        } else {
            1
        }
    };
    (0..ndim)
        .map(|i| match (dim(a, i), dim(b, i)) {
            (x, y) if x == y => Some(x),
            (1, y) => Some(y),
            (x, 1) => Some(x),
            _ => None,
        })
        .collect()
}

/// `values` of an array of `source` shape broadcast to `target` (row-major).
fn broadcast_values(values: &[f64], source: &[usize], target: &[usize]) -> Vec<f64> {
    let size: usize = target.iter().product();
    let offset = target.len() - source.len();
    (0..size)
        .map(|flat| {
            let (mut rest, mut index, mut stride) = (flat, 0, 1);
            for axis in (0..target.len()).rev() {
                let coordinate = rest % target[axis];
                rest /= target[axis];
                if axis >= offset {
                    let length = source[axis - offset];
                    if length != 1 {
                        index += coordinate * stride;
                    }
                    stride *= length;
                }
            }
            values[index]
        })
        .collect()
}

fn batch_axis(case: &Value) -> usize {
    case["ctor_kwargs"]["batch_axis"].as_u64().unwrap_or(0) as usize
}

pub(super) fn per_sample_weight_applies(case: &Value) -> bool {
    let weight = &case["sample_weight"];
    if weight.is_null() {
        return false;
    }
    let loss_shape = element_loss_shape(case);
    let samples = loss_shape[batch_axis(case)];
    let weights = values(weight);
    let mean = weights.iter().sum::<f64>() / weights.len() as f64;
    shape(weight).len() == 1
        && weights.len() == samples
        && broadcast(&loss_shape, &shape(weight)).as_deref() != Some(&loss_shape[..])
        && mean != 0.0
}

/// MXNet's loss of sample `i` is `l_i * mean(w)`; ours is `l_i * w_i`. Rescales the
/// recorded output and each sample's gradient by `w_i / mean(w)`.
pub(super) fn per_sample_weight_expectation(case: &mut Value) {
    let weights = values(&case["sample_weight"]);
    let mean = weights.iter().sum::<f64>() / weights.len() as f64;
    let factors: Vec<f64> = weights.iter().map(|w| w / mean).collect();
    let output = values(&case["output"]);
    let corrected: Vec<f64> = output.iter().zip(&factors).map(|(o, f)| o * f).collect();
    case["output"]["data"] = json!(corrected);

    let grad = values(&case["grad_pred"]);
    let per_sample = grad.len() / factors.len();
    let corrected: Vec<f64> = grad
        .iter()
        .enumerate()
        .map(|(k, g)| g * factors[k / per_sample])
        .collect();
    case["grad_pred"]["data"] = json!(corrected);
}

// --- loss: gradient of sigmoid cross-entropy at a logit of exactly 0 ---

pub(super) fn zero_logit_applies(case: &Value) -> bool {
    let on_logits = match case["loss"].as_str() {
        Some("SigmoidBinaryCrossEntropyLoss") => !case["ctor_kwargs"]["from_sigmoid"]
            .as_bool()
            .unwrap_or(false),
        Some("LogisticLoss") => true,
        _ => false,
    };
    on_logits && values(&case["pred"]).contains(&0.0)
}

/// Replaces the gradient at every zero logit by `c (0.5 (1 + (p - 1) z) - p z)`, the
/// analytic derivative `sigmoid(0) (1 + (p - 1) z) - p z` times the chain factor `c` that
/// weighting and averaging apply (sample weight, global weight, 1 / elements per sample).
pub(super) fn zero_logit_expectation(case: &mut Value) {
    let pred_shape = shape(&case["pred"]);
    let pred = values(&case["pred"]);
    let samples = pred_shape[batch_axis(case)];
    let per_sample = pred.len() / samples;

    let mut labels = values(&case["label"]);
    if case["loss"] == "LogisticLoss"
        && case["ctor_kwargs"]["label_format"]
            .as_str()
            .unwrap_or("signed")
            == "signed"
    {
        labels.iter_mut().for_each(|z| *z = (*z + 1.0) / 2.0);
    }
    let pos_weight = match case.get("pos_weight").filter(|p| !p.is_null()) {
        Some(p) => broadcast_values(&values(p), &shape(p), &pred_shape),
        None => vec![1.0; pred.len()],
    };
    let sample_weight = sample_weight_per_element(case, &pred_shape);
    let weight = case["ctor_kwargs"]["weight"].as_f64().unwrap_or(1.0);

    let mut grad = values(&case["grad_pred"]);
    for k in 0..pred.len() {
        if pred[k] == 0.0 {
            let (z, p) = (labels[k], pos_weight[k]);
            let chain = sample_weight[k] * weight / per_sample as f64;
            grad[k] = chain * (0.5 * (1.0 + (p - 1.0) * z) - p * z);
        }
    }
    case["grad_pred"]["data"] = json!(grad);
}

/// The sample weight of each element of pred, by gluon-rs's rule: broadcast when it fits,
/// otherwise one weight per sample.
fn sample_weight_per_element(case: &Value, pred_shape: &[usize]) -> Vec<f64> {
    let size: usize = pred_shape.iter().product();
    let weight = &case["sample_weight"];
    if weight.is_null() {
        return vec![1.0; size];
    }
    let weight_shape = shape(weight);
    if broadcast(pred_shape, &weight_shape).as_deref() == Some(pred_shape) {
        return broadcast_values(&values(weight), &weight_shape, pred_shape);
    }
    let weights = values(weight);
    let per_sample = size / weights.len();
    (0..size).map(|k| weights[k / per_sample]).collect()
}

// --- trajectory: MXNet 1.9.1's per-batch-mean F1 ---

/// Whether a training run records MXNet's default (per-batch mean) F1 figures.
pub(super) fn records_macro_f1(case: &Value) -> bool {
    case["epochs"].as_array().is_some_and(|epochs| {
        epochs.iter().any(|epoch| {
            !epoch["val_f1_macro"].is_null() || !epoch["val_f1_tutorial_cumulative"].is_null()
        })
    })
}
