//! The one table of places where gluon-rs deliberately differs from MXNet 1.9.1.
//!
//! Each rule says when it applies (a predicate over the case's JSON, never its name), how
//! the expected value is then derived, and why. A case a rule applies to counts as
//! deviated, and is still checked against the derived expectation.

use serde_json::Value;

/// How the expectation of a deviated case is derived.
pub enum Derivation {
    /// The recorded expectation is rewritten by a corrected formula.
    Corrected(fn(&mut Value)),
    /// The case runs in one of our compatibility modes, which reproduces MXNet's figure.
    CompatMode(&'static str),
    /// We return an error where MXNet returns a value; the text must appear in it.
    ExpectedError(&'static str),
}

/// One deliberate difference from MXNet 1.9.1.
pub struct Rule {
    pub id: &'static str,
    pub family: &'static str,
    pub applies: fn(&Value) -> bool,
    pub derivation: Derivation,
    pub reason: &'static str,
}

/// Every rule. Families look rules up with [`find`] or [`find_all`].
pub static RULES: &[Rule] = &[
    Rule {
        id: "data-f32-batches",
        family: "data",
        applies: records_non_f32_dtype,
        derivation: Derivation::Corrected(dtypes_to_f32),
        reason: "gluon-rs batches every item into f32 arrays; MXNet keeps the dtype of what it \
                 batches, so Python floats give float64 batches, Python ints int64 and float64 \
                 numpy arrays float64",
    },
    Rule {
        id: "metric-per-batch-mean-is-opt-in",
        family: "metric",
        applies: metric_rules::uses_mxnet_batch_mean,
        derivation: Derivation::CompatMode("per_batch_mean"),
        reason: "MXNet 1.9.1's F1 and MCC default to the mean of per-update scores, where a \
                 batch without positives scores 0; ours pool the counts of every update (as \
                 MXNet 2.0 does) and offer the 1.9.1 figure as Average::PerBatchMean, which \
                 must reproduce it exactly",
    },
    Rule {
        id: "metric-accuracy-refuses-truncation",
        family: "metric",
        applies: metric_rules::accuracy_truncates,
        derivation: Derivation::Corrected(metric_rules::derive_accuracy),
        reason: "MXNet 1.9.1's Accuracy truncates same-shape predictions to integers (every \
                 probability below 1 becomes class 0) and argmaxes (N, 1) predictions over \
                 their single column; ours reads predictions that line up with the labels as \
                 class ids, and refuses non-integer ones with an error naming BinaryAccuracy. \
                 Expected: that error, the metric unchanged, later readings without the update",
    },
    Rule {
        id: "metric-binary-reads-probabilities",
        family: "metric",
        applies: metric_rules::binary_reads_differently,
        derivation: Derivation::Corrected(metric_rules::derive_binary_metrics),
        reason: "MXNet 1.9.1's F1 and MCC argmax every prediction over axis 1, so (N,) or \
                 (N, 1) class-1 probabilities always predict class 0, and they count any \
                 label but 1 as negative; ours threshold class-1 probabilities at 0.5 and \
                 refuse labels other than 0/1 and predictions that are not probabilities. \
                 Expected: our counts, or our error with the sequence ending there",
    },
    Rule {
        id: "metric-regression-weighs-samples",
        family: "metric",
        applies: metric_rules::regression_averages_pairs,
        derivation: Derivation::Corrected(metric_rules::derive_regression),
        reason: "MXNet 1.9.1's MAE, MSE and RMSE average per-update values, so a small batch \
                 weighs as much as a full one and RMSE is not the RMSE of the data; ours weigh \
                 every element the same (MXNet 2.0) and refuse pairs whose samples do not line \
                 up instead of broadcasting them. Expected: pooled sums over all elements",
    },
    Rule {
        id: "loss.per_sample_weight",
        family: "loss",
        applies: loss_rules::per_sample_weight_applies,
        derivation: Derivation::Corrected(loss_rules::per_sample_weight_expectation),
        reason: "a sample weight of shape (N,) against a loss of shape (N,1) weights each \
                 sample by its own value; MXNet broadcasts it to (N,N) and scales every \
                 sample's loss by the mean of the weights",
    },
    Rule {
        id: "loss.sigmoid_zero_logit_gradient",
        family: "loss",
        applies: loss_rules::zero_logit_applies,
        derivation: Derivation::Corrected(loss_rules::zero_logit_expectation),
        reason: "the sigmoid cross-entropy on logits is one fused op with gradient \
                 sigmoid(x) - z; MXNet composes it from relu and abs, whose zero \
                 subgradients give -z (1 - z with pos_weight) at a logit of exactly 0",
    },
    Rule {
        id: "trajectory.f1_macro_per_batch_mean",
        family: "trajectory",
        applies: loss_rules::records_macro_f1,
        derivation: Derivation::CompatMode("per_batch_mean"),
        reason: "the run's val_f1_macro and val_f1_tutorial_cumulative are MXNet 1.9.1's \
                 default F1, a mean of per-batch scores; gluon-rs's F1 pools its counts by \
                 default, so these two figures are computed with Average::PerBatchMean, \
                 which must reproduce them exactly (val_f1_micro uses the default)",
    },
    Rule {
        id: "init-layer-not-available",
        family: "init",
        applies: uses_unavailable_layer,
        derivation: Derivation::ExpectedError("not available in gluon-rs"),
        reason: "the network report needs a layer gluon-rs does not have yet (such as Conv2D or \
                 BatchNorm); building it must fail with a clear error until the layer exists",
    },
    Rule {
        id: "params_format.classic_scalar_refused",
        family: "params_format",
        applies: params_rules::classic_mode_scalar,
        derivation: Derivation::ExpectedError("V2 records cannot hold"),
        reason: "MXNet 1.9.1 writes a 0-d array outside numpy shape mode as a V2 record with \
                 ndim 0 and one element, a file it cannot read back (V2 ndim 0 means an empty \
                 none array); ours refuses to write such a file and points to V3 or shape (1,)",
    },
];

/// Whether a data case records an item or batch whose dtype is not float32.
fn records_non_f32_dtype(case: &Value) -> bool {
    fn visit(value: &Value) -> bool {
        match value {
            Value::Object(map) => {
                let odd = map
                    .get("dtype")
                    .and_then(Value::as_str)
                    .is_some_and(|dtype| dtype != "float32");
                let python_scalar = map
                    .get("kind")
                    .and_then(Value::as_str)
                    .is_some_and(|kind| kind.starts_with("python"));
                odd || python_scalar || map.values().any(visit)
            }
            Value::Array(items) => items.iter().any(visit),
            _ => false,
        }
    }
    visit(&case["epochs"]) || visit(&case["item_1"])
}

/// Rewrites every recorded dtype to float32, the dtype of every gluon-rs batch.
fn dtypes_to_f32(case: &mut Value) {
    match case {
        Value::Object(map) => {
            if map.get("dtype").is_some_and(Value::is_string) {
                map.insert("dtype".to_string(), Value::from("float32"));
            }
            map.values_mut().for_each(dtypes_to_f32);
        }
        Value::Array(items) => items.iter_mut().for_each(dtypes_to_f32),
        _ => {}
    }
}

/// The layers the `init` family's network builder can make.
const AVAILABLE_LAYERS: [&str; 3] = ["Dense", "Activation", "Dropout"];

/// Whether a `network_init` case's `net` description (`Container: Layer(...), ...; input`)
/// names a layer outside [`AVAILABLE_LAYERS`].
fn uses_unavailable_layer(case: &Value) -> bool {
    let Some(description) = case["net"].as_str() else {
        return false;
    };
    let layers = description
        .split(';')
        .next()
        .and_then(|architecture| architecture.split_once(':'))
        .map_or("", |(_, layers)| layers);
    let mut depth = 0;
    let mut name = String::new();
    for c in layers.chars() {
        match c {
            '(' => {
                if depth == 0 && !AVAILABLE_LAYERS.contains(&name.trim()) {
                    return true;
                }
                depth += 1;
            }
            ')' => {
                depth -= 1;
                name.clear();
            }
            ',' if depth == 0 => name.clear(),
            _ if depth == 0 => name.push(c),
            _ => {}
        }
    }
    false
}

/// The rule of `family` that applies to `case`, if any.
pub fn find(family: &str, case: &Value) -> Option<&'static Rule> {
    RULES
        .iter()
        .find(|rule| rule.family == family && (rule.applies)(case))
}

/// Every rule of `family` that applies to `case`, in table order; their corrections are
/// applied in that order.
pub fn find_all(family: &str, case: &Value) -> Vec<&'static Rule> {
    RULES
        .iter()
        .filter(|rule| rule.family == family && (rule.applies)(case))
        .collect()
}

/// Predicates and derivations of the `loss` rules.
mod loss_rules;

/// Conditions and derivations of the `metric` rules.
mod metric_rules {
    use super::super::metric::{
        accuracy_pair_deviates, binary_pair_deviates, derive_binary, derive_readings, same_samples,
        slot_kwargs, slots_of, update_pairs, ACCURACY_REPLAY, MAE_REPLAY, MSE_REPLAY, RMSE_REPLAY,
    };
    use serde_json::Value;

    /// An F1 or MCC (alone or in a composite) with MXNet 1.9.1's default averaging.
    pub fn uses_mxnet_batch_mean(case: &Value) -> bool {
        slots_of(case, &["F1", "MCC"]).into_iter().any(|slot| {
            let average = &slot_kwargs(case, slot)["average"];
            average.is_null() || average == "macro"
        })
    }

    /// An Accuracy on axis 1 given a pair it reads differently from MXNet.
    pub fn accuracy_truncates(case: &Value) -> bool {
        let on_axis_one = slots_of(case, &["Accuracy"]).into_iter().any(|slot| {
            let axis = &slot_kwargs(case, slot)["axis"];
            axis.is_null() || axis == 1
        });
        on_axis_one
            && update_pairs(case)
                .iter()
                .any(|(_, label, pred)| accuracy_pair_deviates(label, pred))
    }

    pub fn derive_accuracy(case: &mut Value) {
        for slot in slots_of(case, &["Accuracy"]) {
            derive_readings(case, slot, &ACCURACY_REPLAY);
        }
    }

    /// An F1 or MCC given a pair it reads differently from MXNet.
    pub fn binary_reads_differently(case: &Value) -> bool {
        !slots_of(case, &["F1", "MCC"]).is_empty()
            && update_pairs(case)
                .iter()
                .any(|(_, label, pred)| binary_pair_deviates(label, pred))
    }

    pub fn derive_binary_metrics(case: &mut Value) {
        for class in ["F1", "MCC"] {
            for slot in slots_of(case, &[class]) {
                derive_binary(case, slot, class);
            }
        }
    }

    /// An MAE, MSE or RMSE that counts more than one pair between resets, or is given a
    /// pair whose samples do not line up.
    pub fn regression_averages_pairs(case: &Value) -> bool {
        if slots_of(case, &["MAE", "MSE", "RMSE"]).is_empty() {
            return false;
        }
        let pairs = update_pairs(case);
        let shared_window = pairs.windows(2).any(|two| two[0].0 == two[1].0);
        shared_window
            || pairs
                .iter()
                .any(|(_, label, pred)| !same_samples(label, pred))
    }

    pub fn derive_regression(case: &mut Value) {
        for (class, replay) in [
            ("MAE", &MAE_REPLAY),
            ("MSE", &MSE_REPLAY),
            ("RMSE", &RMSE_REPLAY),
        ] {
            for slot in slots_of(case, &[class]) {
                derive_readings(case, slot, replay);
            }
        }
    }
}

/// Conditions of the `params_format` rules.
mod params_rules {
    use serde_json::Value;

    /// A file written in classic shape mode that holds a 0-d array.
    pub fn classic_mode_scalar(file: &Value) -> bool {
        let classic = file["np_shape_semantics"].as_bool() == Some(false);
        let has_scalar = file["arrays"]
            .as_array()
            .into_iter()
            .flatten()
            .any(|array| {
                array["shape"]
                    .as_array()
                    .is_some_and(|shape| shape.is_empty())
            });
        classic && has_scalar
    }
}
