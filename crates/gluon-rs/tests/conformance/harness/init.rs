//! The `init` family: initializer formulas, statistics of our own large draws (fixtures
//! README §4), and which arrays a freshly initialized network leaves constant.

use super::common::{catch, load_family, Report};
use super::deviations::{self, Derivation};
use gluon_rs::init::{FactorType, Init, Normal, One, RndType, Uniform, Xavier, Zero};
use gluon_rs::nd::NDArray;
use gluon_rs::nn::{Activation, Block, Dense, Dropout, HybridSequential};
use gluon_rs::random;
use serde_json::Value;
use std::path::Path;

const FAMILY: &str = "init";

pub fn run(dir: &Path) -> Report {
    let mut report = Report::default();
    let files = match load_family(dir, FAMILY) {
        Ok(files) => files,
        Err(problem) => {
            report.record(FAMILY, "(load)", None, Err(problem));
            return report;
        }
    };
    for file in &files {
        for key in ["xavier_cases", "other_initializers"] {
            for case in file.json[key].as_array().into_iter().flatten() {
                let name = case["name"].as_str().unwrap_or("(unnamed)");
                report.record(&file.name, name, None, catch(|| check_distribution(case)));
            }
        }
        for (index, case) in file.json["network_init"]
            .as_array()
            .into_iter()
            .flatten()
            .enumerate()
        {
            let name = format!("network_init[{index}]");
            let rule = deviations::find(FAMILY, case);
            let outcome = catch(|| match rule.map(|rule| &rule.derivation) {
                Some(Derivation::ExpectedError(text)) => expect_error(check_network(case), text),
                Some(_) => Err("unsupported derivation for the init family".to_string()),
                None => check_network(case),
            });
            report.record(&file.name, &name, rule.map(|rule| rule.id), outcome);
        }
    }
    report
}

fn expect_error(outcome: Result<(), String>, text: &str) -> Result<(), String> {
    match outcome {
        Err(problem) if problem.contains(text) => Ok(()),
        Err(problem) => Err(format!(
            "expected an error containing {text:?}, got: {problem}"
        )),
        Ok(()) => Err(format!(
            "expected an error containing {text:?}, but the case ran"
        )),
    }
}

// --- distributions ---

/// What an initializer case promises about the values.
enum Law {
    Uniform { scale: f64 },
    Normal { std: f64 },
}

fn shape_of(value: &Value) -> Result<Vec<usize>, String> {
    value
        .as_array()
        .ok_or("shape is not a list")?
        .iter()
        .map(|d| {
            d.as_u64()
                .map(|d| d as usize)
                .ok_or_else(|| format!("bad dimension {d}"))
        })
        .collect()
}

fn text_arg<'a>(kwargs: &'a Value, key: &str, default: &'a str) -> &'a str {
    kwargs[key].as_str().unwrap_or(default)
}

fn number_arg(kwargs: &Value, key: &str, default: f64) -> f64 {
    kwargs[key].as_f64().unwrap_or(default)
}

/// Builds the initializer a case names, checks the formula against `theory`, and says
/// which law our draws must follow.
fn initializer_and_law(case: &Value, shape: &[usize]) -> Result<(Init, Law), String> {
    let kwargs = &case["kwargs"];
    let theory = &case["theory"];
    let error = |e: gluon_rs::Error| e.to_string();
    match case["initializer"].as_str().unwrap_or("") {
        "Xavier" => {
            let xavier = Xavier::new(
                RndType::parse(text_arg(kwargs, "rnd_type", "uniform")).map_err(error)?,
                FactorType::parse(text_arg(kwargs, "factor_type", "avg")).map_err(error)?,
                number_arg(kwargs, "magnitude", 3.0),
            )
            .map_err(error)?;
            let scale = xavier.scale("weight", shape).map_err(error)?;
            for (field, got) in [
                ("fan_in", scale.fan_in),
                ("fan_out", scale.fan_out),
                ("factor", scale.factor),
                ("scale", scale.scale),
            ] {
                exact(field, got, &theory[field])?;
            }
            let law = match xavier.rnd_type() {
                RndType::Uniform => Law::Uniform { scale: scale.scale },
                RndType::Gaussian => Law::Normal { std: scale.scale },
            };
            Ok((xavier.into(), law))
        }
        "Uniform" => {
            let default = Uniform::default().scale() as f64;
            let uniform =
                Uniform::new(number_arg(kwargs, "scale", default) as f32).map_err(error)?;
            exact("scale", uniform.scale() as f64, &theory["scale"])?;
            let scale = uniform.scale() as f64;
            Ok((uniform.into(), Law::Uniform { scale }))
        }
        "Normal" => {
            let default = Normal::default().sigma() as f64;
            let normal = Normal::new(number_arg(kwargs, "sigma", default) as f32).map_err(error)?;
            exact("sigma", normal.sigma() as f64, &theory["sigma"])?;
            let std = normal.sigma() as f64;
            Ok((normal.into(), Law::Normal { std }))
        }
        other => Err(format!(
            "initializer {other:?} is not supported by the harness"
        )),
    }
}

/// A formula value must equal the recorded one to rounding (the recorded scale of a
/// float32 setting such as 0.07 is compared at f32 precision).
fn exact(field: &str, got: f64, want: &Value) -> Result<(), String> {
    let want = want
        .as_f64()
        .ok_or_else(|| format!("theory.{field} is missing"))?;
    if (got - want).abs() <= 1e-12 + 1e-7 * want.abs() {
        Ok(())
    } else {
        Err(format!("theory.{field}: got {got}, expected {want}"))
    }
}

fn check_distribution(case: &Value) -> Result<(), String> {
    let shape = shape_of(&case["shape"])?;
    let (init, law) = initializer_and_law(case, &shape)?;
    check_theory(&case["theory"], &law)?;
    if let (Law::Uniform { scale }, Some(sample)) = (&law, case["sample"].get("data")) {
        // MXNet's own draw must respect the same bound.
        let outside = sample
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(Value::as_f64);
        if let Some(value) = outside.into_iter().find(|v| v.abs() > scale * (1.0 + 1e-6)) {
            return Err(format!(
                "recorded sample value {value} exceeds the bound {scale}"
            ));
        }
    }

    let count = case["empirical"]["count"]
        .as_u64()
        .unwrap_or(200_000)
        .max(100_000) as usize;
    let draws = draw(&init, &shape, count)?;
    match law {
        Law::Uniform { scale } => check_uniform(&draws, scale),
        Law::Normal { std } => check_normal(&draws, std),
    }
}

fn check_theory(theory: &Value, law: &Law) -> Result<(), String> {
    let (std, bounds) = match *law {
        Law::Uniform { scale } => (scale / 3f64.sqrt(), Some((-scale, scale))),
        Law::Normal { std } => (std, None),
    };
    exact("std", std, &theory["std"])?;
    if let Some((low, high)) = bounds {
        exact("low", low, &theory["low"])?;
        exact("high", high, &theory["high"])?;
    }
    match theory["mean"].as_f64() {
        Some(0.0) => Ok(()),
        other => Err(format!("theory.mean: expected 0, got {other:?}")),
    }
}

/// At least `count` values from repeated fills of `shape`, from a fixed seed.
fn draw(init: &Init, shape: &[usize], count: usize) -> Result<Vec<f64>, String> {
    random::seed(20_251_203);
    let size: usize = shape.iter().product();
    let mut values = Vec::with_capacity(count + size);
    let mut buffer = vec![0.0f32; size];
    while values.len() < count {
        init.fill("weight", shape, &mut buffer)
            .map_err(|e| e.to_string())?;
        values.extend(buffer.iter().map(|&v| v as f64));
    }
    Ok(values)
}

fn moments(values: &[f64]) -> (f64, f64) {
    let n = values.len() as f64;
    let mean = values.iter().sum::<f64>() / n;
    let var = values.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / n;
    (mean, var.sqrt())
}

fn quantile(sorted: &[f64], q: f64) -> f64 {
    // Linear interpolation between order statistics, as numpy's default.
    let position = q * (sorted.len() - 1) as f64;
    let (low, frac) = (position.floor() as usize, position.fract());
    let high = (low + 1).min(sorted.len() - 1);
    sorted[low] + frac * (sorted[high] - sorted[low])
}

fn within(field: &str, got: f64, want: f64, relative: f64) -> Result<(), String> {
    if (got - want).abs() <= relative * want.abs() {
        Ok(())
    } else {
        Err(format!(
            "empirical {field}: got {got}, expected {want} within {relative}"
        ))
    }
}

fn check_uniform(values: &[f64], scale: f64) -> Result<(), String> {
    let (min, max) = values
        .iter()
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), &v| {
            (lo.min(v), hi.max(v))
        });
    if min < -scale * (1.0 + 1e-6) || max > scale * (1.0 + 1e-6) {
        return Err(format!(
            "empirical range [{min}, {max}] leaves [-{scale}, {scale}]"
        ));
    }
    within("min", min, -scale, 0.01)?;
    within("max", max, scale, 0.01)?;
    let (mean, std) = moments(values);
    within("std", std, scale / 3f64.sqrt(), 0.02)?;
    let limit = 5.0 * std / (values.len() as f64).sqrt();
    if mean.abs() >= limit {
        return Err(format!("empirical mean {mean} is not within {limit} of 0"));
    }
    Ok(())
}

fn check_normal(values: &[f64], std_want: f64) -> Result<(), String> {
    let (_, std) = moments(values);
    within("std", std, std_want, 0.02)?;
    let mut sorted = values.to_vec();
    sorted.sort_by(f64::total_cmp);
    within("q05", quantile(&sorted, 0.05), -1.645 * std_want, 0.03)?;
    within("q95", quantile(&sorted, 0.95), 1.645 * std_want, 0.03)
}

// --- network reports ---

/// A call such as `Dense(10,relu)` or `Xavier(magnitude=2)`: its name, positional
/// arguments and keyword arguments, as text.
struct Call {
    name: String,
    positional: Vec<String>,
    keywords: Vec<(String, String)>,
}

fn parse_call(text: &str) -> Result<Call, String> {
    let text = text.trim();
    let open = text
        .find('(')
        .ok_or_else(|| format!("{text:?} is not a call"))?;
    let inner = text[open + 1..]
        .strip_suffix(')')
        .ok_or_else(|| format!("{text:?} does not end with ')'"))?;
    let mut call = Call {
        name: text[..open].trim().to_string(),
        positional: Vec::new(),
        keywords: Vec::new(),
    };
    for argument in inner.split(',').map(str::trim).filter(|a| !a.is_empty()) {
        match argument.split_once('=') {
            Some((key, value)) => call.keywords.push((key.trim().to_string(), unquote(value))),
            None => call.positional.push(unquote(argument)),
        }
    }
    Ok(call)
}

fn unquote(text: &str) -> String {
    text.trim()
        .trim_matches(|c| c == '\'' || c == '"')
        .to_string()
}

impl Call {
    fn argument(&self, position: usize, key: &str) -> Option<&str> {
        self.keywords
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
            .or_else(|| self.positional.get(position).map(String::as_str))
    }
}

/// Splits `A(1,2), B(), C(3)` at the commas between calls.
fn split_calls(text: &str) -> Vec<&str> {
    let mut calls = Vec::new();
    let (mut depth, mut start) = (0, 0);
    for (index, c) in text.char_indices() {
        match c {
            '(' => depth += 1,
            ')' => depth -= 1,
            ',' if depth == 0 => {
                calls.push(text[start..index].trim());
                start = index + 1;
            }
            _ => {}
        }
    }
    calls.push(text[start..].trim());
    calls.into_iter().filter(|c| !c.is_empty()).collect()
}

fn build_layer(call: &Call) -> Result<Box<dyn Block>, String> {
    let error = |e: gluon_rs::Error| e.to_string();
    let parse_usize = |text: &str| text.parse::<usize>().map_err(|e| format!("{text:?}: {e}"));
    let flag = |text: &str| text == "True";
    match call.name.as_str() {
        "Dense" => {
            let units = parse_usize(call.argument(0, "units").ok_or("Dense needs units")?)?;
            let mut builder = Dense::builder(units);
            if let Some(name) = call.argument(1, "activation").filter(|a| *a != "None") {
                builder = builder.activation(name);
            }
            if let Some(value) = call.argument(2, "use_bias") {
                builder = builder.use_bias(flag(value));
            }
            if let Some(value) = call.argument(3, "flatten") {
                builder = builder.flatten(flag(value));
            }
            if let Some(value) = call.argument(5, "in_units") {
                builder = builder.in_units(parse_usize(value)?);
            }
            Ok(Box::new(builder.build().map_err(error)?))
        }
        "Activation" => {
            let name = call
                .argument(0, "activation")
                .ok_or("Activation needs a name")?;
            Ok(Box::new(Activation::new(name).map_err(error)?))
        }
        "Dropout" => {
            let rate = call.argument(0, "rate").ok_or("Dropout needs a rate")?;
            let rate = rate.parse::<f32>().map_err(|e| format!("{rate:?}: {e}"))?;
            Ok(Box::new(Dropout::new(rate).map_err(error)?))
        }
        other => Err(format!("layer {other} is not available in gluon-rs")),
    }
}

/// The global initializer a call names, and the bound it puts on every value (for the
/// uniform kinds), given a weight shape.
struct GlobalInit {
    init: Init,
    bound: Option<BoundFn>,
}

/// The bound of a uniform-type initializer for a parameter name and shape.
type BoundFn = Box<dyn Fn(&str, &[usize]) -> Result<f64, String>>;

fn parse_init(call: &str) -> Result<GlobalInit, String> {
    let text = call.trim().trim_end_matches(';');
    let inner = text
        .split_once("initialize(")
        .map(|(_, rest)| rest.strip_suffix(')').unwrap_or(rest).trim())
        .ok_or_else(|| format!("{text:?} is not an initialize call"))?;
    if inner.is_empty() {
        let scale = Uniform::default().scale() as f64;
        return Ok(GlobalInit {
            init: Init::default(),
            bound: Some(Box::new(move |_, _| Ok(scale))),
        });
    }
    let call = parse_call(
        inner
            .trim_start_matches("mx.init.")
            .trim_start_matches("init."),
    )?;
    let number = |key: &str, position: usize| -> Option<f64> {
        call.argument(position, key).and_then(|v| v.parse().ok())
    };
    let error = |e: gluon_rs::Error| e.to_string();
    let unbounded = |init: Init| GlobalInit { init, bound: None };
    match call.name.as_str() {
        "Xavier" => {
            let xavier = Xavier::new(
                RndType::parse(call.argument(0, "rnd_type").unwrap_or("uniform")).map_err(error)?,
                FactorType::parse(call.argument(1, "factor_type").unwrap_or("avg"))
                    .map_err(error)?,
                number("magnitude", 2).unwrap_or(3.0),
            )
            .map_err(error)?;
            let bound = (xavier.rnd_type() == RndType::Uniform).then(|| {
                Box::new(move |name: &str, shape: &[usize]| {
                    xavier
                        .scale(name, shape)
                        .map(|s| s.scale)
                        .map_err(|e| e.to_string())
                }) as BoundFn
            });
            Ok(GlobalInit {
                init: xavier.into(),
                bound,
            })
        }
        "Uniform" => {
            let uniform = Uniform::new(number("scale", 0).unwrap_or(0.07) as f32).map_err(error)?;
            let scale = uniform.scale() as f64;
            Ok(GlobalInit {
                init: uniform.into(),
                bound: Some(Box::new(move |_, _| Ok(scale))),
            })
        }
        "Normal" => Ok(unbounded(
            Normal::new(number("sigma", 0).unwrap_or(0.01) as f32)
                .map_err(error)?
                .into(),
        )),
        "Zero" => Ok(unbounded(Zero.into())),
        "One" => Ok(unbounded(One.into())),
        other => Err(format!(
            "initializer {other} is not supported by the harness"
        )),
    }
}

/// Builds the described network in a fresh thread (fresh name counters, as the fixture's
/// fresh process), initializes it, runs one batch and compares the report.
fn check_network(case: &Value) -> Result<(), String> {
    let case = case.clone();
    std::thread::spawn(move || catch(|| check_network_here(&case)))
        .join()
        .map_err(|_| "the network check panicked".to_string())?
}

fn check_network_here(case: &Value) -> Result<(), String> {
    let description = case["net"].as_str().ok_or("net is missing")?;
    let (architecture, input) = description.split_once(';').ok_or("net has no input")?;
    let (container, layers) = architecture.split_once(':').ok_or("net has no container")?;
    if container.trim() != "HybridSequential" {
        return Err(format!(
            "container {container} is not supported by the harness"
        ));
    }
    let calls = split_calls(layers)
        .into_iter()
        .map(parse_call)
        .collect::<Result<Vec<_>, _>>()?;
    let mut net = HybridSequential::new();
    net.name_scope(|net| -> Result<(), String> {
        for call in &calls {
            let layer = build_layer(call)?;
            net.add_boxed(layer).map_err(|e| e.to_string())?;
        }
        Ok(())
    })?;
    let init = parse_init(
        case["initialize_call"]
            .as_str()
            .ok_or("initialize_call is missing")?,
    )?;
    net.initialize(init.init.clone(), false)
        .map_err(|e| e.to_string())?;
    let input_shape = parse_input_shape(input)?;
    net.forward(&NDArray::ones(&input_shape))
        .map_err(|e| e.to_string())?;

    compare_params(
        &net,
        case["params"].as_array().ok_or("params is missing")?,
        &init,
    )
}

fn parse_input_shape(text: &str) -> Result<Vec<usize>, String> {
    let inner = text
        .trim()
        .trim_start_matches("input")
        .trim()
        .trim_start_matches('(')
        .trim_end_matches(')');
    inner
        .split(',')
        .map(str::trim)
        .filter(|d| !d.is_empty())
        .map(|d| {
            if d == "N" {
                Ok(2)
            } else {
                d.parse().map_err(|e| format!("{d:?}: {e}"))
            }
        })
        .collect()
}

fn compare_params(net: &HybridSequential, want: &[Value], init: &GlobalInit) -> Result<(), String> {
    let full = net.collect_params();
    let structural = net.structural_params();
    if structural.len() != want.len() {
        return Err(format!(
            "{} parameters, expected {}",
            structural.len(),
            want.len()
        ));
    }
    for ((name, param), expected) in structural.iter().zip(want) {
        let field = |key: &str| expected[key].clone();
        if field("name").as_str() != Some(name.as_str()) {
            return Err(format!(
                "structural name {name}, expected {}",
                field("name")
            ));
        }
        let full_name = field("full_name");
        let full_name = full_name.as_str().unwrap_or("");
        if !full.get(full_name).is_some_and(|other| other.same(param)) {
            return Err(format!(
                "{name}: full name {}, expected {full_name}",
                param.name()
            ));
        }
        if param.shape() != shape_of(&field("shape"))? {
            return Err(format!(
                "{name}: shape {:?}, expected {}",
                param.shape(),
                field("shape")
            ));
        }
        let values = param.data().map_err(|e| e.to_string())?.to_vec();
        let all_zero = values.iter().all(|&v| v == 0.0);
        let all_one = values.iter().all(|&v| v == 1.0);
        if Some(all_zero) != field("all_zero").as_bool()
            || Some(all_one) != field("all_one").as_bool()
        {
            return Err(format!(
                "{name}: all_zero {all_zero}, all_one {all_one}, expected {} and {}",
                field("all_zero"),
                field("all_one")
            ));
        }
        if !all_zero && !all_one {
            check_bound(name, &param.shape(), &values, init, expected)?;
        }
    }
    Ok(())
}

/// A uniform-type initializer bounds both our values and MXNet's recorded min and max.
fn check_bound(
    name: &str,
    shape: &[usize],
    values: &[f32],
    init: &GlobalInit,
    want: &Value,
) -> Result<(), String> {
    let Some(bound) = &init.bound else {
        return Ok(());
    };
    let bound = bound(name, shape)?;
    let slack = bound * (1.0 + 1e-6);
    let recorded = [want["min"].as_f64(), want["max"].as_f64()];
    let ours_outside = values.iter().any(|v| v.abs() as f64 > slack);
    if ours_outside || recorded.iter().flatten().any(|v| v.abs() > slack) {
        return Err(format!(
            "{name}: values exceed the initializer's bound {bound}"
        ));
    }
    Ok(())
}
