//! The `params_format` family: MXNet's `.params` files, read and rebuilt.
//!
//! Three checks per file, each recorded as its own case:
//! - `read`: the binary reads with the names, order, dtypes, shapes, record versions and
//!   values of its JSON, exactly;
//! - `rebuild`: the JSON alone (never the bytes read) is turned into a list, written with
//!   `io::write_params` and compared byte for byte with the binary;
//! - `sha256`: the rebuilt bytes hash to the JSON's and `index.json`'s sha256.

use super::common::{catch, load_family, Report};
use super::deviations::{self, Derivation};
use gluon_rs::io::{
    self, f16_bits_to_f32, f32_to_f16_bits, DType, ParamList, RawArray, RawData, RecordVersion,
};
use serde_json::Value;
use sha2::{Digest, Sha256};
use std::collections::HashMap;
use std::path::Path;

const FAMILY: &str = "params_format";
const V2_MAGIC: &str = "0xF993FAC9";
const V3_MAGIC: &str = "0xF993FACA";

pub fn run(dir: &Path) -> Report {
    let mut report = Report::default();
    let folder = dir.join(FAMILY);
    let (files, index) = match (load_family(dir, FAMILY), index_hashes(&folder)) {
        (Ok(files), Ok(index)) => (files, index),
        (Err(problem), _) | (_, Err(problem)) => {
            report.record(FAMILY, "(loading)", None, Err(problem));
            return report;
        }
    };

    // index.json lists the files; every other JSON describes one binary.
    for fixture in files.iter().filter(|f| f.json["arrays"].is_array()) {
        let json = &fixture.json;
        let rule = deviations::find(FAMILY, json);
        let rule_id = rule.map(|r| r.id);
        if let Some(Derivation::ExpectedError(text)) = rule.map(|r| &r.derivation) {
            let outcome = catch(|| expect_refusal(&folder, json, text));
            report.record(&fixture.name, "refused", rule_id, outcome);
            continue;
        }

        let read = catch(|| check_read(&folder, json));
        report.record(&fixture.name, "read", rule_id, read);

        let rebuilt = catch(|| rebuild(json));
        let same_bytes = rebuilt
            .clone()
            .and_then(|bytes| check_same_bytes(&folder, json, &bytes));
        report.record(&fixture.name, "rebuild", rule_id, same_bytes);
        let hashes = rebuilt.and_then(|bytes| check_sha256(json, &index, &bytes));
        report.record(&fixture.name, "sha256", rule_id, hashes);
    }
    report
}

/// `index.json`'s sha256 of each binary, by file name.
fn index_hashes(folder: &Path) -> Result<HashMap<String, String>, String> {
    let path = folder.join("index.json");
    let text = std::fs::read_to_string(&path).map_err(|e| format!("{}: {e}", path.display()))?;
    let index: Value =
        serde_json::from_str(&text).map_err(|e| format!("{}: {e}", path.display()))?;
    let files = index["files"]
        .as_array()
        .ok_or("index.json: no files list")?;
    files
        .iter()
        .map(|entry| {
            let file = entry["file"]
                .as_str()
                .ok_or("index.json: entry without file")?;
            let hash = entry["sha256"]
                .as_str()
                .ok_or("index.json: entry without sha256")?;
            Ok((file.to_string(), hash.to_string()))
        })
        .collect()
}

fn binary(folder: &Path, json: &Value) -> Result<(std::path::PathBuf, Vec<u8>), String> {
    let file = json["file"].as_str().ok_or("no file field")?;
    let path = folder.join(file);
    let bytes = std::fs::read(&path).map_err(|e| format!("{}: {e}", path.display()))?;
    Ok((path, bytes))
}

// --- read ---

fn check_read(folder: &Path, json: &Value) -> Result<(), String> {
    let (path, _) = binary(folder, json)?;
    let list = io::read_params(&path).map_err(|e| e.to_string())?;
    let expected = json["arrays"].as_array().ok_or("no arrays")?;

    if list.len() != expected.len() {
        return Err(format!(
            "{} arrays, expected {}",
            list.len(),
            expected.len()
        ));
    }
    let has_names = json["has_names"].as_bool().ok_or("no has_names")?;
    if list.has_names() != has_names {
        return Err(format!(
            "has_names {}, expected {has_names}",
            list.has_names()
        ));
    }
    let want_version = version_of(json)?;
    if list.version() != want_version {
        return Err(format!(
            "record version {:?}, expected {want_version:?}",
            list.version()
        ));
    }
    for (index, ((name, array), want)) in list.iter().zip(expected).enumerate() {
        let want_name = want["name"].as_str();
        if name != want_name {
            return Err(format!(
                "array {index}: name {name:?}, expected {want_name:?}"
            ));
        }
        let label = format!("array {index} ({})", name.unwrap_or("unnamed"));
        compare_array(
            &label,
            array,
            &raw_array(want).map_err(|e| format!("{label}: {e}"))?,
        )?;
    }
    Ok(())
}

/// Compares dtype, shape and every element's bits.
fn compare_array(label: &str, got: &RawArray, want: &RawArray) -> Result<(), String> {
    if got.dtype() != want.dtype() {
        return Err(format!(
            "{label}: dtype {}, expected {}",
            got.dtype(),
            want.dtype()
        ));
    }
    if got.is_none() != want.is_none() || got.shape() != want.shape() {
        return Err(format!(
            "{label}: shape {:?}, expected {:?}",
            got.shape(),
            want.shape()
        ));
    }
    if got.data() != want.data() {
        let (got, want) = (elements(got.data()), elements(want.data()));
        let index = got.iter().zip(&want).position(|(g, w)| g != w).unwrap_or(0);
        return Err(format!(
            "{label}: element {index} is {}, expected {}",
            got.get(index).map_or("missing", String::as_str),
            want.get(index).map_or("missing", String::as_str)
        ));
    }
    Ok(())
}

/// Each element spelled out exactly (floats with their bits), for messages.
fn elements(data: &RawData) -> Vec<String> {
    match data {
        RawData::Float32(v) => v
            .iter()
            .map(|x| format!("{x:?} ({:#010x})", x.to_bits()))
            .collect(),
        RawData::Float64(v) => v
            .iter()
            .map(|x| format!("{x:?} ({:#018x})", x.to_bits()))
            .collect(),
        RawData::Float16(v) => v.iter().map(|x| format!("float16 bits {x:#06x}")).collect(),
        RawData::UInt8(v) => v.iter().map(u8::to_string).collect(),
        RawData::Int32(v) => v.iter().map(i32::to_string).collect(),
        RawData::Int8(v) => v.iter().map(i8::to_string).collect(),
        RawData::Int64(v) => v.iter().map(i64::to_string).collect(),
        other => vec![format!("{other:?}")],
    }
}

// --- rebuild from the JSON ---

/// The bytes our writer produces for the JSON's contents, written through a real file.
fn rebuild(json: &Value) -> Result<Vec<u8>, String> {
    let list = param_list(json)?;
    let directory = tempfile::tempdir().map_err(|e| e.to_string())?;
    let path = directory.path().join("rebuilt.params");
    io::write_params(&path, &list).map_err(|e| e.to_string())?;
    std::fs::read(&path).map_err(|e| e.to_string())
}

fn check_same_bytes(folder: &Path, json: &Value, rebuilt: &[u8]) -> Result<(), String> {
    let (_, original) = binary(folder, json)?;
    if rebuilt == original.as_slice() {
        return Ok(());
    }
    let first_difference = rebuilt
        .iter()
        .zip(&original)
        .position(|(a, b)| a != b)
        .unwrap_or(rebuilt.len().min(original.len()));
    Err(format!(
        "rebuilt file is {} bytes, original {}; first difference at byte {first_difference}",
        rebuilt.len(),
        original.len()
    ))
}

fn check_sha256(
    json: &Value,
    index: &HashMap<String, String>,
    rebuilt: &[u8],
) -> Result<(), String> {
    let got = hex(&Sha256::digest(rebuilt));
    let file = json["file"].as_str().ok_or("no file field")?;
    let from_json = json["sha256"].as_str().ok_or("no sha256 field")?;
    let from_index = index.get(file).ok_or("file missing from index.json")?;
    if got != from_json || got != *from_index {
        return Err(format!(
            "sha256 {got}, expected {from_json} (index.json {from_index})"
        ));
    }
    Ok(())
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|byte| format!("{byte:02x}")).collect()
}

/// The file's list, from the JSON alone.
fn param_list(json: &Value) -> Result<ParamList, String> {
    let arrays = json["arrays"].as_array().ok_or("no arrays")?;
    let raw: Vec<RawArray> = arrays.iter().map(raw_array).collect::<Result<_, _>>()?;
    let list = if json["has_names"].as_bool().ok_or("no has_names")? {
        let names: Vec<&str> = arrays
            .iter()
            .map(|a| a["name"].as_str().ok_or("a named file with a null name"))
            .collect::<Result<_, _>>()?;
        ParamList::named(names.into_iter().zip(raw))
    } else {
        ParamList::unnamed(raw)
    };
    Ok(list.with_version(version_of(json)?))
}

/// The record version: V3 with numpy shape semantics; every array's magic must agree.
fn version_of(json: &Value) -> Result<RecordVersion, String> {
    let numpy = json["np_shape_semantics"]
        .as_bool()
        .ok_or("no np_shape_semantics")?;
    let (version, magic) = if numpy {
        (RecordVersion::V3, V3_MAGIC)
    } else {
        (RecordVersion::V2, V2_MAGIC)
    };
    for array in json["arrays"].as_array().into_iter().flatten() {
        let found = array["magic"].as_str().unwrap_or("(none)");
        if !found.eq_ignore_ascii_case(magic) {
            return Err(format!(
                "array magic {found} does not match np_shape_semantics {numpy}"
            ));
        }
    }
    Ok(version)
}

/// One JSON array as a raw array of its dtype, every value exact.
fn raw_array(array: &Value) -> Result<RawArray, String> {
    let dtype_name = array["dtype"].as_str().ok_or("no dtype")?;
    let dtype = DType::from_name(dtype_name).ok_or(format!("unsupported dtype {dtype_name}"))?;
    if let Some(code) = array["dtype_code"].as_i64() {
        if code != i64::from(dtype.code()) {
            return Err(format!(
                "dtype_code {code} does not match dtype {dtype_name}"
            ));
        }
    }
    let shape: Vec<usize> = array["shape"]
        .as_array()
        .ok_or("no shape")?
        .iter()
        .map(|d| d.as_u64().map(|d| d as usize).ok_or("bad dimension"))
        .collect::<Result<_, _>>()?;
    let values = array["data"].as_array().ok_or("no data")?;
    let data = raw_data(dtype, values)?;
    if data.len() != shape.iter().product::<usize>() {
        return Err(format!("{} values for shape {shape:?}", data.len()));
    }
    Ok(RawArray::new(&shape, data))
}

fn raw_data(dtype: DType, values: &[Value]) -> Result<RawData, String> {
    Ok(match dtype {
        DType::Float32 => RawData::Float32(floats(values, exact_f32)?),
        DType::Float64 => RawData::Float64(floats(values, Some)?),
        DType::Float16 => RawData::Float16(floats(values, |v| {
            let bits = f32_to_f16_bits(exact_f32(v)?);
            (f64::from(f16_bits_to_f32(bits)) == v).then_some(bits)
        })?),
        DType::UInt8 => RawData::UInt8(integers(values)?),
        DType::Int32 => RawData::Int32(integers(values)?),
        DType::Int8 => RawData::Int8(integers(values)?),
        DType::Int64 => RawData::Int64(integers(values)?),
        other => return Err(format!("dtype {other} not handled")),
    })
}

/// The f32 equal to `value`, if there is one (the fixtures write f32 values as the exact
/// decimal of the f32 widened to f64).
fn exact_f32(value: f64) -> Option<f32> {
    let narrowed = value as f32;
    (f64::from(narrowed) == value).then_some(narrowed)
}

fn floats<T>(values: &[Value], convert: impl Fn(f64) -> Option<T>) -> Result<Vec<T>, String> {
    values
        .iter()
        .map(|value| {
            let number = super::common::number(value);
            convert(number).ok_or(format!("{value} is not exact in its dtype"))
        })
        .collect()
}

fn integers<T: TryFrom<i64>>(values: &[Value]) -> Result<Vec<T>, String> {
    values
        .iter()
        .map(|value| {
            let integer = value.as_i64().ok_or(format!("{value} is not an integer"))?;
            T::try_from(integer).map_err(|_| format!("{integer} out of range"))
        })
        .collect()
}

// --- deviation: classic-mode scalars ---

/// MXNet writes a 0-d array in classic mode (a V2 record with ndim 0 and one element) but
/// cannot read it back, since V2 ndim 0 means a none array. Ours refuses to write it, with
/// an error containing `text`, and reading the binary must not panic.
fn expect_refusal(folder: &Path, json: &Value, text: &str) -> Result<(), String> {
    if let Ok((path, _)) = binary(folder, json) {
        let _ = io::read_params(&path);
    }
    let arrays = json["arrays"].as_array().ok_or("no arrays")?;
    let raw: Vec<RawArray> = arrays.iter().map(raw_array).collect::<Result<_, _>>()?;
    let list = ParamList::unnamed(raw).with_version(RecordVersion::V2);
    match io::encode_params(&list, "rebuilt.params") {
        Err(error) if error.to_string().contains(text) => Ok(()),
        Err(error) => Err(format!("error {error:?} lacks {text:?}")),
        Ok(_) => Err(format!(
            "writing succeeded; expected an error containing {text:?}"
        )),
    }
}
