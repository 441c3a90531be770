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

/// Every rule. Families look rules up with [`find`].
pub static RULES: &[Rule] = &[Rule {
    id: "data-f32-batches",
    family: "data",
    applies: records_non_f32_dtype,
    derivation: Derivation::Corrected(dtypes_to_f32),
    reason: "gluon-rs batches every item into f32 arrays; MXNet keeps the dtype of what it \
             batches, so Python floats give float64 batches, Python ints int64 and float64 \
             numpy arrays float64",
}];

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

/// The rule of `family` that applies to `case`, if any.
pub fn find(family: &str, case: &Value) -> Option<&'static Rule> {
    RULES
        .iter()
        .find(|rule| rule.family == family && (rule.applies)(case))
}
