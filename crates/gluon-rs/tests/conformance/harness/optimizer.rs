//! The `optimizer` family: Trainer updates with fixed gradients, compared step by step on
//! weights, optimizer states and the learning rate used.

use super::common::{
    catch, compare_array, compare_number, load_family, ndarray, Report, Tolerance,
};
use super::deviations::find;
use gluon_rs::autograd;
use gluon_rs::nn::Parameter;
use gluon_rs::optim::{FactorScheduler, LRScheduler, OptimizerParams, ParamValue};
use gluon_rs::Trainer;
use serde_json::Value;
use std::path::Path;

/// The README's tolerance for pure elementwise float32 updates.
const TOLERANCE: Tolerance = Tolerance {
    atol: 1e-6,
    rtol: 1e-5,
};

pub fn run(dir: &Path) -> Report {
    let mut report = Report::default();
    let files = match load_family(dir, "optimizer") {
        Ok(files) => files,
        Err(problem) => {
            report.record("optimizer", "(load)", None, Err(problem));
            return report;
        }
    };
    for file in &files {
        for case in file.json["cases"].as_array().into_iter().flatten() {
            let name = case["name"].as_str().unwrap_or("?");
            let rule = find("optimizer", case);
            let outcome = catch(|| check_case(case));
            report.record(&file.name, name, rule.map(|r| r.id), outcome);
        }
    }
    report
}

/// The Trainer's settings: the recorded dict, JSON numbers and booleans, plus the schedule.
fn optimizer_params(case: &Value) -> Result<OptimizerParams, String> {
    let mut params = OptimizerParams::new();
    for (key, value) in case["optimizer_params"].as_object().into_iter().flatten() {
        let value = match value {
            Value::Bool(flag) => ParamValue::Bool(*flag),
            Value::Number(number) => ParamValue::Number(number.as_f64().ok_or("number")?),
            other => return Err(format!("unsupported optimizer setting {key} = {other}")),
        };
        params.insert(key.clone(), value);
    }
    let schedule = &case["lr_scheduler"];
    if !schedule.is_null() {
        params.insert(
            "lr_scheduler".into(),
            ParamValue::Scheduler(scheduler(schedule)?),
        );
    }
    Ok(params)
}

fn scheduler(schedule: &Value) -> Result<Box<dyn LRScheduler>, String> {
    match schedule["type"].as_str() {
        Some("FactorScheduler") => {
            let number = |key: &str| schedule[key].as_f64().ok_or(format!("scheduler {key}"));
            let built = FactorScheduler::new(
                number("step")? as u64,
                number("factor")?,
                number("base_lr")?,
            )
            .map_err(|e| e.to_string())?
            .with_stop_factor_lr(number("stop_factor_lr").unwrap_or(1e-8));
            Ok(Box::new(built))
        }
        other => Err(format!("unsupported scheduler {other:?}")),
    }
}

fn check_case(case: &Value) -> Result<(), String> {
    let order: Vec<&str> = case["param_order"]
        .as_array()
        .ok_or("param_order")?
        .iter()
        .filter_map(Value::as_str)
        .collect();
    let params: Vec<Parameter> = order
        .iter()
        .map(|name| {
            let initial = ndarray(&case["initial"][*name]);
            let parameter = Parameter::new(*name, initial.shape());
            parameter.load(&initial).map(|_| parameter)
        })
        .collect::<Result<_, _>>()
        .map_err(|e| e.to_string())?;
    let optimizer = case["optimizer"].as_str().ok_or("optimizer")?;
    let mut trainer = Trainer::new(params.clone(), optimizer, optimizer_params(case)?)
        .map_err(|e| e.to_string())?;
    let grads = case["grads"].as_array().ok_or("grads")?;
    let batch_size = case["batch_size"].as_u64().ok_or("batch_size")? as usize;

    for step in case["steps"].as_array().ok_or("steps")? {
        let index = step["grad_index"].as_u64().ok_or("grad_index")? as usize;
        for (parameter, name) in params.iter().zip(&order) {
            // As recorded: the gradient of sum(param * G) is exactly G.
            let data = parameter.data().map_err(|e| e.to_string())?;
            let g = ndarray(&grads[index][*name]);
            let head = autograd::record(|| (&data * &g).sum());
            head.backward().map_err(|e| e.to_string())?;
        }
        trainer.step(batch_size).map_err(|e| e.to_string())?;

        let at = format!("step {}", step["step"]);
        let lr = step["lr"].as_f64().ok_or("lr")?;
        compare_number(&format!("{at} lr"), trainer.learning_rate(), lr, TOLERANCE)?;
        for (i, (parameter, name)) in params.iter().zip(&order).enumerate() {
            let data = parameter.data().map_err(|e| e.to_string())?;
            compare_array(
                &format!("{at} weights.{name}"),
                &data,
                &step["weights"][*name],
                TOLERANCE,
            )?;
            let want = step["states"][*name].as_array().ok_or("states")?;
            let got = trainer.states(i);
            if got.len() != want.len() {
                return Err(format!(
                    "{at} states.{name}: {} arrays, expected {}",
                    got.len(),
                    want.len()
                ));
            }
            for (k, (state, expected)) in got.iter().zip(want).enumerate() {
                compare_array(
                    &format!("{at} states.{name}[{k}]"),
                    state,
                    expected,
                    TOLERANCE,
                )?;
            }
        }
    }
    Ok(())
}
