//! Maps an MXNet operator name and its `attrs` onto gluon-rs calls.
//!
//! MXNet registers several names for one operator (`broadcast_add`, `elemwise_add`,
//! `_plus`, ...); every alias of an op we implement is accepted. Attributes absent from a
//! case take MXNet's defaults.

use gluon_rs::nd::{self, ActType, Axes, IndexMode, NDArray};
use serde_json::Value;

type Outcome = Result<NDArray, String>;

/// Evaluates operator `op` with `attrs` on `inputs` (in the case's `input_order`).
pub fn apply(op: &str, attrs: &Value, inputs: &[NDArray]) -> Outcome {
    let op = op.trim_start_matches('_');
    if let Some(result) = scalar_op(op, attrs, inputs) {
        return result;
    }
    if let Some(result) = binary_op(op, attrs, inputs) {
        return result;
    }
    if let Some(result) = unary_op(op, attrs, inputs) {
        return result;
    }
    match op {
        "sum" | "sum_axis" | "mean" | "max" | "max_axis" | "min" | "min_axis" => {
            reduce(op, attrs, one(op, inputs)?)
        }
        "argmax" => {
            let axis = optional_int(attrs, "axis")?.map(|a| a as isize);
            Ok(one(op, inputs)?.argmax(axis, flag(attrs, "keepdims", false)?))
        }
        "reshape" | "Reshape" => reshape(attrs, one(op, inputs)?),
        "transpose" => {
            let axes = optional_ints(attrs, "axes")?
                .filter(|axes| !axes.is_empty())
                .map(|axes| axes.iter().map(|&a| a as usize).collect::<Vec<_>>());
            Ok(one(op, inputs)?.transpose(axes.as_deref()))
        }
        "flatten" | "Flatten" => Ok(one(op, inputs)?.flatten()),
        "expand_dims" => Ok(one(op, inputs)?.expand_dims(int(attrs, "axis")? as isize)),
        "stack" => {
            let axis = optional_int(attrs, "axis")?.unwrap_or(0) as isize;
            Ok(nd::stack(&inputs.iter().collect::<Vec<_>>(), axis))
        }
        "concat" | "Concat" => {
            let dim = optional_int(attrs, "dim")?.unwrap_or(1) as isize;
            Ok(nd::concat(&inputs.iter().collect::<Vec<_>>(), dim))
        }
        "slice" | "crop" => slice(attrs, one(op, inputs)?),
        "slice_axis" => {
            let axis = int(attrs, "axis")? as isize;
            let begin = optional_int(attrs, "begin")?.unwrap_or(0) as isize;
            let end = optional_int(attrs, "end")?.map(|e| e as isize);
            Ok(one(op, inputs)?.slice_axis(axis, begin, end))
        }
        "take" => take(attrs, inputs),
        "pick" => {
            let [x, index] = two(op, inputs)?;
            let axis = optional_int(attrs, "axis")?.unwrap_or(-1) as isize;
            Ok(x.pick(index, axis, flag(attrs, "keepdims", false)?))
        }
        "dot" => {
            let [a, b] = two(op, inputs)?;
            let transpose_a = flag(attrs, "transpose_a", false)?;
            let transpose_b = flag(attrs, "transpose_b", false)?;
            Ok(nd::dot(a, b, transpose_a, transpose_b))
        }
        "FullyConnected" => fully_connected(attrs, inputs),
        "softmax" | "log_softmax" => {
            let axis = optional_int(attrs, "axis")?.unwrap_or(-1) as isize;
            let temperature = optional_number(attrs, "temperature")?.unwrap_or(1.0);
            let x = one(op, inputs)?;
            Ok(if op == "softmax" {
                x.softmax(axis, temperature)
            } else {
                x.log_softmax(axis, temperature)
            })
        }
        other => Err(format!(
            "operator `{other}` is not supported by the harness"
        )),
    }
}

/// Array-with-scalar operators (`plus_scalar`, ..., and `maximum` with a `scalar` attr).
fn scalar_op(op: &str, attrs: &Value, inputs: &[NDArray]) -> Option<Outcome> {
    let base = op.strip_suffix("_scalar").or_else(|| {
        (attrs.get("scalar").is_some_and(|s| !s.is_null()) && inputs.len() == 1).then_some(op)
    })?;
    let scalar = match number(attrs, "scalar") {
        Ok(scalar) => scalar,
        Err(problem) => return Some(Err(problem)),
    };
    let x = match one(op, inputs) {
        Ok(x) => x,
        Err(problem) => return Some(Err(problem)),
    };
    let result = match base {
        "plus" | "add" => x.add_scalar(scalar),
        "minus" | "sub" => x.sub_scalar(scalar),
        "rminus" | "rsub" => x.rsub_scalar(scalar),
        "mul" => x.mul_scalar(scalar),
        "div" => x.div_scalar(scalar),
        "rdiv" => x.rdiv_scalar(scalar),
        "power" => x.power_scalar(scalar),
        "rpower" => x.rpower_scalar(scalar),
        "maximum" => x.maximum_scalar(scalar),
        "minimum" => x.minimum_scalar(scalar),
        "greater" => x.greater_scalar(scalar),
        "lesser" => x.lesser_scalar(scalar),
        "greater_equal" => x.greater_equal_scalar(scalar),
        "lesser_equal" => x.lesser_equal_scalar(scalar),
        "equal" => x.equal_scalar(scalar),
        "not_equal" => x.not_equal_scalar(scalar),
        _ => return None,
    };
    Some(Ok(result))
}

/// Operators between two arrays, broadcasting (`elemwise_*` names included: on the same
/// shapes they agree with the broadcasting form).
fn binary_op(op: &str, _attrs: &Value, inputs: &[NDArray]) -> Option<Outcome> {
    let base = op
        .strip_prefix("broadcast_")
        .or_else(|| op.strip_prefix("elemwise_"))
        .unwrap_or(op);
    let function: fn(&NDArray, &NDArray) -> NDArray = match base {
        "add" | "plus" => NDArray::add,
        "sub" | "minus" => NDArray::sub,
        "mul" => NDArray::mul,
        "div" => NDArray::div,
        "power" => NDArray::power,
        "maximum" => NDArray::maximum,
        "minimum" => NDArray::minimum,
        "greater" => NDArray::greater,
        "lesser" => NDArray::lesser,
        "greater_equal" => NDArray::greater_equal,
        "lesser_equal" => NDArray::lesser_equal,
        "equal" => NDArray::equal,
        "not_equal" => NDArray::not_equal,
        _ => return None,
    };
    Some(two(op, inputs).map(|[a, b]| function(a, b)))
}

/// Elementwise functions of one array, and `Activation`.
fn unary_op(op: &str, attrs: &Value, inputs: &[NDArray]) -> Option<Outcome> {
    let function: fn(&NDArray) -> NDArray = match op {
        "relu" => NDArray::relu,
        "sigmoid" => NDArray::sigmoid,
        "tanh" => NDArray::tanh,
        "softrelu" => NDArray::softrelu,
        "softsign" => NDArray::softsign,
        "exp" => NDArray::exp,
        "log" => NDArray::log,
        "log1p" => NDArray::log1p,
        "sqrt" => NDArray::sqrt,
        "square" => NDArray::square,
        "abs" => NDArray::abs,
        "negative" => NDArray::negative,
        "ceil" => NDArray::ceil,
        "floor" => NDArray::floor,
        "round" => NDArray::round,
        "sign" => NDArray::sign,
        "Activation" => {
            return Some((|| {
                let name = attrs["act_type"].as_str().ok_or("missing `act_type`")?;
                let act_type = ActType::parse(name).map_err(|error| error.to_string())?;
                Ok(one(op, inputs)?.activation(act_type))
            })())
        }
        "clip" => {
            return Some((|| {
                let (low, high) = (number(attrs, "a_min")?, number(attrs, "a_max")?);
                Ok(one(op, inputs)?.clip(low, high))
            })())
        }
        _ => return None,
    };
    Some(one(op, inputs).map(function))
}

/// `sum`, `mean`, `max` and `min` with `axis`, `keepdims` and `exclude`.
fn reduce(op: &str, attrs: &Value, x: &NDArray) -> Outcome {
    let keepdims = flag(attrs, "keepdims", false)?;
    let axes = match optional_ints(attrs, "axis")? {
        None => Axes::All,
        Some(list) if list.is_empty() && !flag(attrs, "exclude", false)? => Axes::All,
        Some(list) => {
            let list: Vec<isize> = list.iter().map(|&a| a as isize).collect();
            if flag(attrs, "exclude", false)? {
                Axes::except(&list)
            } else {
                Axes::from(&list[..])
            }
        }
    };
    Ok(match op.trim_end_matches("_axis") {
        "sum" => x.sum_axis(axes, keepdims),
        "mean" => x.mean_axis(axes, keepdims),
        "max" => x.max_axis(axes, keepdims),
        _ => x.min_axis(axes, keepdims),
    })
}

fn reshape(attrs: &Value, x: &NDArray) -> Outcome {
    let codes: Vec<isize> = optional_ints(attrs, "shape")?
        .ok_or("missing `shape`")?
        .iter()
        .map(|&c| c as isize)
        .collect();
    Ok(if flag(attrs, "reverse", false)? {
        x.reshape_reverse(&codes)
    } else {
        x.reshape(&codes)
    })
}

fn slice(attrs: &Value, x: &NDArray) -> Outcome {
    let list = |key: &str| -> Result<Vec<Option<isize>>, String> {
        match &attrs[key] {
            Value::Null => Ok(Vec::new()),
            Value::Array(items) => items
                .iter()
                .map(|item| match item {
                    Value::Null => Ok(None),
                    other => other
                        .as_i64()
                        .map(|v| Some(v as isize))
                        .ok_or_else(|| format!("`{key}` holds {other}, not an integer")),
                })
                .collect(),
            other => Err(format!("`{key}` is {other}, not a list")),
        }
    };
    Ok(x.slice(&list("begin")?, &list("end")?, &list("step")?))
}

fn take(attrs: &Value, inputs: &[NDArray]) -> Outcome {
    let [x, indices] = two("take", inputs)?;
    let axis = optional_int(attrs, "axis")?.unwrap_or(0) as isize;
    let mode = match attrs["mode"].as_str().unwrap_or("clip") {
        "clip" => IndexMode::Clip,
        "wrap" => IndexMode::Wrap,
        "raise" => {
            // MXNet raises on an out-of-range index; in range, clip selects the same element.
            let length = x.shape()[axis.rem_euclid(x.ndim() as isize) as usize] as f32;
            if let Some(bad) = indices.to_vec().iter().find(|&&i| i < 0.0 || i >= length) {
                return Err(format!("take: index {bad} is out of range (mode raise)"));
            }
            IndexMode::Clip
        }
        other => return Err(format!("take: unknown mode `{other}`")),
    };
    Ok(x.take(indices, axis, mode))
}

fn fully_connected(attrs: &Value, inputs: &[NDArray]) -> Outcome {
    let no_bias = flag(attrs, "no_bias", false)?;
    let flatten = flag(attrs, "flatten", true)?;
    let expected = if no_bias { 2 } else { 3 };
    if inputs.len() != expected {
        return Err(format!(
            "FullyConnected with no_bias={no_bias} takes {expected} inputs, got {}",
            inputs.len()
        ));
    }
    if let Some(units) = optional_int(attrs, "num_hidden")? {
        if inputs[1].shape().first() != Some(&(units as usize)) {
            return Err(format!(
                "FullyConnected: num_hidden {units} does not match the weight of shape {:?}",
                inputs[1].shape()
            ));
        }
    }
    Ok(nd::fully_connected(
        &inputs[0],
        &inputs[1],
        inputs.get(2),
        flatten,
    ))
}

// --- inputs and attributes ---

fn one<'a>(op: &str, inputs: &'a [NDArray]) -> Result<&'a NDArray, String> {
    match inputs {
        [x] => Ok(x),
        _ => Err(format!("`{op}` takes one input, got {}", inputs.len())),
    }
}

fn two<'a>(op: &str, inputs: &'a [NDArray]) -> Result<[&'a NDArray; 2], String> {
    match inputs {
        [a, b] => Ok([a, b]),
        _ => Err(format!("`{op}` takes two inputs, got {}", inputs.len())),
    }
}

fn number(attrs: &Value, key: &str) -> Result<f32, String> {
    optional_number(attrs, key)?.ok_or_else(|| format!("missing attribute `{key}`"))
}

fn optional_number(attrs: &Value, key: &str) -> Result<Option<f32>, String> {
    match attrs.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(value) => value
            .as_f64()
            .map(|v| Some(v as f32))
            .ok_or_else(|| format!("attribute `{key}` is {value}, not a number")),
    }
}

fn int(attrs: &Value, key: &str) -> Result<i64, String> {
    optional_int(attrs, key)?.ok_or_else(|| format!("missing attribute `{key}`"))
}

fn optional_int(attrs: &Value, key: &str) -> Result<Option<i64>, String> {
    match attrs.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(value) => value
            .as_i64()
            .map(Some)
            .ok_or_else(|| format!("attribute `{key}` is {value}, not an integer")),
    }
}

/// An integer or a list of integers (`axis`, `axes`, `shape`), as a list.
fn optional_ints(attrs: &Value, key: &str) -> Result<Option<Vec<i64>>, String> {
    match attrs.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::Array(items)) => items
            .iter()
            .map(|item| {
                item.as_i64()
                    .ok_or_else(|| format!("attribute `{key}` holds {item}, not an integer"))
            })
            .collect::<Result<_, _>>()
            .map(Some),
        Some(value) => value
            .as_i64()
            .map(|v| Some(vec![v]))
            .ok_or_else(|| format!("attribute `{key}` is {value}, not an integer")),
    }
}

fn flag(attrs: &Value, key: &str, default: bool) -> Result<bool, String> {
    match attrs.get(key) {
        None | Some(Value::Null) => Ok(default),
        Some(Value::Bool(value)) => Ok(*value),
        Some(value) => Err(format!("attribute `{key}` is {value}, not a boolean")),
    }
}
