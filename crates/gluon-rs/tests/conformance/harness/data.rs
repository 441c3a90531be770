//! The `data` family: `ArrayDataset` + `DataLoader` batch order, lengths and shapes.
//!
//! Datasets are rebuilt from the rules the fixture states (feature row `i` is
//! `[i, i + 0.5, -i, 2i, i + 0.25][:d]`, label `i` is `i`), so a batch's indices are read
//! back from its label (or, without labels, from its first feature column).

use super::common::{compare_array, load_family, Report, Tolerance};
use super::deviations;
use gluon_rs::data::{ArrayDataset, DataLoader, Dataset, LastBatch};
use gluon_rs::nd::NDArray;
use serde_json::Value;
use std::path::Path;

const EXACT: Tolerance = Tolerance {
    atol: 0.0,
    rtol: 0.0,
};

pub fn run(dir: &Path) -> Report {
    let mut report = Report::default();
    let files = match load_family(dir, "data") {
        Ok(files) => files,
        Err(problem) => {
            report.record("data", "(loading)", None, Err(problem));
            return report;
        }
    };
    for fixture in &files {
        for case in fixture.json["cases"].as_array().into_iter().flatten() {
            let name = case["name"].as_str().unwrap_or("(unnamed)");
            let rule = deviations::find("data", case);
            let mut expected = case.clone();
            if let Some(rule) = rule {
                if let deviations::Derivation::Corrected(correct) = rule.derivation {
                    correct(&mut expected);
                }
            }
            let outcome = super::common::catch(|| check_case(&expected));
            report.record(&fixture.name, name, rule.map(|r| r.id), outcome);
        }
    }
    report
}

/// The value of feature `column` of item `i`, by the fixture's rule.
fn feature_value(i: usize, column: usize) -> f32 {
    let i = i as f32;
    [i, i + 0.5, -i, 2.0 * i, i + 0.25][column]
}

fn features(num_items: usize, num_features: usize) -> NDArray {
    let data = (0..num_items)
        .flat_map(|i| (0..num_features).map(move |column| feature_value(i, column)))
        .collect();
    NDArray::from_vec(data, &[num_items, num_features])
}

fn labels(num_items: usize, column: bool) -> NDArray {
    let data = (0..num_items).map(|i| i as f32).collect();
    if column {
        NDArray::from_vec(data, &[num_items, 1])
    } else {
        NDArray::from_vec(data, &[num_items])
    }
}

/// The arrays a case's dataset holds, in order: features, then the label if any.
fn arrays(dataset: &Value) -> Result<Vec<NDArray>, String> {
    let num_items = dataset["num_items"].as_u64().ok_or("dataset.num_items")? as usize;
    if let Some(specs) = dataset["arrays"].as_array() {
        return specs
            .iter()
            .map(|spec| {
                let shape: Vec<usize> = spec["shape"]
                    .as_array()
                    .ok_or("array shape")?
                    .iter()
                    .map(|d| d.as_u64().map(|d| d as usize).ok_or("dimension"))
                    .collect::<Result<_, _>>()?;
                match (spec["role"].as_str(), shape.as_slice()) {
                    (Some("features"), [_, width]) => Ok(features(num_items, *width)),
                    (Some("label"), [_]) => Ok(labels(num_items, false)),
                    (Some("label"), [_, 1]) => Ok(labels(num_items, true)),
                    _ => Err(format!("unsupported array spec {spec}")),
                }
            })
            .collect();
    }

    let num_features = dataset["num_features"]
        .as_u64()
        .ok_or("dataset.num_features")? as usize;
    let mut arrays = vec![features(num_items, num_features)];
    match dataset["label"].as_str() {
        Some("none") => {}
        Some("nd_float32_col") => arrays.push(labels(num_items, true)),
        // Every other kind is a flat sequence of N values (NDArray, numpy or Python list).
        Some(_) => arrays.push(labels(num_items, false)),
        None => return Err("dataset.label missing".to_string()),
    }
    Ok(arrays)
}

fn check_case(case: &Value) -> Result<(), String> {
    let arrays = arrays(&case["dataset"])?;
    let num_arrays = arrays.len();
    let dataset = ArrayDataset::new(arrays).map_err(|e| e.to_string())?;
    if let Some(item) = case["item_1"].as_array() {
        check_item(&dataset.get(1), item)?;
    }

    let loader_spec = &case["loader"];
    let batch_size = loader_spec["batch_size"]
        .as_u64()
        .ok_or("loader.batch_size")? as usize;
    let last_batch: LastBatch = loader_spec["last_batch"]
        .as_str()
        .unwrap_or("keep")
        .parse()
        .map_err(|e: gluon_rs::Error| e.to_string())?;
    if loader_spec["shuffle"].as_bool() == Some(true) {
        return Err("shuffled cases cannot be compared: MXNet shuffles with numpy".to_string());
    }
    let loader = DataLoader::builder(dataset)
        .with_batch_size(batch_size)
        .with_last_batch(last_batch)
        .build()
        .map_err(|e| e.to_string())?;

    for epoch in case["epochs"].as_array().ok_or("epochs")? {
        let number = epoch["epoch"].as_u64().unwrap_or(0);
        let want_len = epoch["len_before_epoch"]
            .as_u64()
            .ok_or("len_before_epoch")? as usize;
        if loader.len() != want_len {
            return Err(format!(
                "epoch {number}: len {}, expected {want_len}",
                loader.len()
            ));
        }
        let batches: Vec<Vec<NDArray>> = loader.into_iter().collect();
        let want_batches = epoch["batches"].as_array().ok_or("batches")?;
        if batches.len() != want_batches.len() {
            return Err(format!(
                "epoch {number}: {} batches, expected {}",
                batches.len(),
                want_batches.len()
            ));
        }
        for (position, (batch, want)) in batches.iter().zip(want_batches).enumerate() {
            let field = format!("epoch {number} batch {position}");
            check_batch(&field, batch, want, num_arrays)?;
        }
    }
    Ok(())
}

fn check_item(item: &[NDArray], want: &[Value]) -> Result<(), String> {
    if item.len() != want.len() {
        return Err(format!(
            "item 1: {} fields, expected {}",
            item.len(),
            want.len()
        ));
    }
    for (position, (field, spec)) in item.iter().zip(want).enumerate() {
        let want_shape: Vec<usize> = match spec["kind"].as_str() {
            // Scalars: a numpy scalar or a Python number is a 0-d array here.
            Some("numpy scalar" | "python int" | "python float") => Vec::new(),
            _ => json_shape(&spec["shape"])?,
        };
        if field.shape() != want_shape.as_slice() {
            return Err(format!(
                "item 1 field {position}: shape {:?}, expected {want_shape:?}",
                field.shape()
            ));
        }
        check_dtype(&format!("item 1 field {position}"), spec)?;
    }
    Ok(())
}

fn check_batch(
    field: &str,
    batch: &[NDArray],
    want: &Value,
    num_arrays: usize,
) -> Result<(), String> {
    let parts = want["parts"].as_array().ok_or("parts")?;
    let want_type = if num_arrays == 1 { "single" } else { "list" };
    if want["batch_type"].as_str() != Some(want_type) || parts.len() != batch.len() {
        return Err(format!(
            "{field}: {} parts, expected {} ({})",
            batch.len(),
            parts.len(),
            want["batch_type"]
        ));
    }
    for (position, (array, spec)) in batch.iter().zip(parts).enumerate() {
        let want_shape = json_shape(&spec["shape"])?;
        if array.shape() != want_shape.as_slice() {
            return Err(format!(
                "{field} part {position}: shape {:?}, expected {want_shape:?}",
                array.shape()
            ));
        }
        check_dtype(&format!("{field} part {position}"), spec)?;
    }

    let want_indices: Vec<usize> = want["indices"]
        .as_array()
        .ok_or("indices")?
        .iter()
        .map(|i| i.as_u64().map(|i| i as usize).ok_or("index"))
        .collect::<Result<_, _>>()?;
    let got_indices = indices_of(batch);
    if got_indices != want_indices {
        return Err(format!(
            "{field}: indices {got_indices:?}, expected {want_indices:?}"
        ));
    }

    if let Some(arrays) = want["arrays"].as_array() {
        for (position, (array, want_array)) in batch.iter().zip(arrays).enumerate() {
            compare_array(
                &format!("{field} part {position}"),
                array,
                want_array,
                EXACT,
            )?;
        }
    }
    Ok(())
}

/// The item indices of a batch: its label values, or the first feature column.
fn indices_of(batch: &[NDArray]) -> Vec<usize> {
    match batch {
        [_, label, ..] => label.to_vec().iter().map(|&v| v as usize).collect(),
        [features] => {
            let width = features.shape().get(1).copied().unwrap_or(1);
            features
                .to_vec()
                .iter()
                .step_by(width)
                .map(|&v| v as usize)
                .collect()
        }
        [] => Vec::new(),
    }
}

fn json_shape(shape: &Value) -> Result<Vec<usize>, String> {
    shape
        .as_array()
        .ok_or("shape")?
        .iter()
        .map(|d| {
            d.as_u64()
                .map(|d| d as usize)
                .ok_or_else(|| "dimension".to_string())
        })
        .collect()
}

fn check_dtype(field: &str, spec: &Value) -> Result<(), String> {
    match spec["dtype"].as_str() {
        None | Some("float32") => Ok(()),
        Some(other) => Err(format!(
            "{field}: batches are float32, the case expects {other}"
        )),
    }
}
