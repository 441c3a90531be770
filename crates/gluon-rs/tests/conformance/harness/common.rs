//! Reading fixture files and comparing numbers.

use gluon_rs::nd::NDArray;
use serde_json::Value;
use std::path::Path;

/// The outcome of one family.
#[derive(Debug, Default)]
pub struct Report {
    pub passed: usize,
    pub failed: usize,
    pub deviated: usize,
    /// Set while the family is not implemented: the number of cases it would run.
    pub not_implemented: Option<usize>,
    /// One line per failed case: file, case, field and first differing element.
    pub failures: Vec<String>,
    /// One line per deviated case: file, case and the rule applied.
    pub deviations: Vec<String>,
}

impl Report {
    pub fn not_implemented(cases: usize) -> Report {
        Report {
            not_implemented: Some(cases),
            ..Report::default()
        }
    }

    pub fn summary_line(&self, family: &str) -> String {
        match self.not_implemented {
            Some(cases) => format!("{family}: not implemented ({cases} cases)"),
            None => format!(
                "{family}: {} passed, {} failed, {} deviated",
                self.passed, self.failed, self.deviated
            ),
        }
    }

    /// Records a case: `Ok` passes (or deviates when `rule` is set), `Err` fails.
    pub fn record(
        &mut self,
        file: &str,
        case: &str,
        rule: Option<&str>,
        outcome: Result<(), String>,
    ) {
        match (outcome, rule) {
            (Ok(()), None) => self.passed += 1,
            (Ok(()), Some(rule)) => {
                self.deviated += 1;
                self.deviations.push(format!("{file} / {case}: {rule}"));
            }
            (Err(problem), rule) => {
                self.failed += 1;
                let rule = rule
                    .map(|r| format!(" (under deviation rule {r})"))
                    .unwrap_or_default();
                self.failures
                    .push(format!("{file} / {case}{rule}: {problem}"));
            }
        }
    }

    pub fn absorb(&mut self, other: &Report) {
        self.passed += other.passed;
        self.failed += other.failed;
        self.deviated += other.deviated;
    }
}

/// A parsed fixture file.
pub struct Fixture {
    /// The file name, for messages.
    pub name: String,
    pub json: Value,
}

/// Every `*.json` file of `dir/family`, sorted by name.
pub fn load_family(dir: &Path, family: &str) -> Result<Vec<Fixture>, String> {
    let folder = dir.join(family);
    let mut paths: Vec<_> = std::fs::read_dir(&folder)
        .map_err(|e| format!("{}: {e}", folder.display()))?
        .filter_map(|entry| entry.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|ext| ext == "json"))
        .collect();
    paths.sort();
    paths
        .into_iter()
        .map(|path| {
            let text =
                std::fs::read_to_string(&path).map_err(|e| format!("{}: {e}", path.display()))?;
            let json =
                serde_json::from_str(&text).map_err(|e| format!("{}: {e}", path.display()))?;
            let name = format!("{family}/{}", path.file_name().unwrap().to_string_lossy());
            Ok(Fixture { name, json })
        })
        .collect()
}

/// A number that may be written as `"nan"`, `"inf"` or `"-inf"`.
pub fn number(value: &Value) -> f64 {
    match value {
        Value::Number(n) => n.as_f64().expect("finite JSON number"),
        Value::String(s) if s == "nan" => f64::NAN,
        Value::String(s) if s == "inf" => f64::INFINITY,
        Value::String(s) if s == "-inf" => f64::NEG_INFINITY,
        other => panic!("not a number: {other}"),
    }
}

/// The shape of a fixture array.
pub fn shape(array: &Value) -> Vec<usize> {
    array["shape"]
        .as_array()
        .expect("array shape")
        .iter()
        .map(|d| d.as_u64().expect("dimension") as usize)
        .collect()
}

/// The values of a fixture array as `f64`.
pub fn values(array: &Value) -> Vec<f64> {
    array["data"]
        .as_array()
        .expect("array data")
        .iter()
        .map(number)
        .collect()
}

/// A fixture array as an `NDArray` (`f32`; a 0-d array becomes shape `(1,)`).
pub fn ndarray(array: &Value) -> NDArray {
    let data: Vec<f32> = values(array).iter().map(|&v| v as f32).collect();
    let mut dims = shape(array);
    if dims.is_empty() {
        dims.push(1);
    }
    NDArray::from_vec(data, &dims)
}

/// Tolerances `|got - want| <= atol + rtol * |want|`.
#[derive(Debug, Clone, Copy)]
pub struct Tolerance {
    pub atol: f64,
    pub rtol: f64,
}

/// The fixtures' default: atol 1e-5, rtol 1e-4.
pub const DEFAULT_TOLERANCE: Tolerance = Tolerance {
    atol: 1e-5,
    rtol: 1e-4,
};

/// Whether two numbers agree within `tol` (NaN equals NaN; infinities must match).
pub fn close(got: f64, want: f64, tol: Tolerance) -> bool {
    if want.is_nan() || got.is_nan() {
        return want.is_nan() && got.is_nan();
    }
    if want.is_infinite() || got.is_infinite() {
        return got == want;
    }
    (got - want).abs() <= tol.atol + tol.rtol * want.abs()
}

/// Compares an array with a fixture array: shape, then every element. The error names
/// `field` and the first differing element.
pub fn compare_array(
    field: &str,
    got: &NDArray,
    want: &Value,
    tol: Tolerance,
) -> Result<(), String> {
    let want_shape = shape(want);
    let want_shape_1x = if want_shape.is_empty() {
        vec![1]
    } else {
        want_shape.clone()
    };
    if got.shape() != want_shape_1x.as_slice() {
        return Err(format!(
            "{field}: shape {:?}, expected {:?}",
            got.shape(),
            want_shape
        ));
    }
    compare_values(
        field,
        &got.to_vec().iter().map(|&v| v as f64).collect::<Vec<_>>(),
        &values(want),
        tol,
    )
}

/// Compares two lists of numbers element by element.
pub fn compare_values(
    field: &str,
    got: &[f64],
    want: &[f64],
    tol: Tolerance,
) -> Result<(), String> {
    if got.len() != want.len() {
        return Err(format!(
            "{field}: {} elements, expected {}",
            got.len(),
            want.len()
        ));
    }
    for (i, (&g, &w)) in got.iter().zip(want).enumerate() {
        if !close(g, w, tol) {
            return Err(format!("{field}[{i}]: got {g}, expected {w}"));
        }
    }
    Ok(())
}

/// Compares one number.
pub fn compare_number(field: &str, got: f64, want: f64, tol: Tolerance) -> Result<(), String> {
    compare_values(field, &[got], &[want], tol)
}

/// Runs `f`, turning a panic into an error that carries the panic message.
pub fn catch<T>(f: impl FnOnce() -> Result<T, String>) -> Result<T, String> {
    match std::panic::catch_unwind(std::panic::AssertUnwindSafe(f)) {
        Ok(result) => result,
        Err(payload) => {
            let message = payload
                .downcast_ref::<String>()
                .cloned()
                .or_else(|| payload.downcast_ref::<&str>().map(|s| s.to_string()))
                .unwrap_or_else(|| "panic".to_string());
            Err(format!("panicked: {message}"))
        }
    }
}

/// Counts the cases of a family that is not implemented yet.
pub fn count_cases(dir: &Path, family: &str, key: &str) -> usize {
    load_family(dir, family)
        .map(|files| {
            files
                .iter()
                .map(|f| f.json[key].as_array().map_or(1, Vec::len))
                .sum()
        })
        .unwrap_or(0)
}
