//! Checks that the conformance harness catches a wrong expectation: a copy of the ops
//! fixtures (from `GLUON_RS_FIXTURES` when set) with one changed value must be reported
//! failed, naming the file, the case, the field and the element.

#[path = "conformance/harness/mod.rs"]
mod harness;

use serde_json::Value;
use std::path::Path;

/// A copy of the ops fixtures in a fresh folder where `tamper` changed the first case of the
/// first file (in sorted order): the folder, the file as the harness names it, and the case.
struct Tampered {
    root: tempfile::TempDir,
    file: String,
    case: String,
}

fn tampered_fixtures(tamper: impl FnOnce(&mut Value)) -> Tampered {
    let source = harness::fixture_dir().join("ops");
    let root = tempfile::tempdir().expect("temporary folder");
    let target = root.path().join("ops");
    std::fs::create_dir(&target).expect("ops folder");
    let mut names = Vec::new();
    for entry in std::fs::read_dir(&source).expect("fixture folder") {
        let path = entry.expect("fixture entry").path();
        let name = path.file_name().expect("file name").to_owned();
        std::fs::copy(&path, target.join(&name)).expect("copy fixture");
        if path.extension().is_some_and(|ext| ext == "json") {
            names.push(name.to_string_lossy().into_owned());
        }
    }
    names.sort();
    let first = target.join(&names[0]);
    let mut json: Value =
        serde_json::from_str(&std::fs::read_to_string(&first).expect("read")).expect("json");
    tamper(&mut json["cases"][0]);
    let case = json["cases"][0]["name"]
        .as_str()
        .expect("case name")
        .to_string();
    std::fs::write(&first, json.to_string()).expect("write");
    Tampered {
        root,
        file: format!("ops/{}", names[0]),
        case,
    }
}

fn shift(value: &mut Value, by: f64) {
    *value = serde_json::json!(value.as_f64().expect("number") + by);
}

fn run(family: &str, dir: &Path) -> harness::Report {
    harness::run_family(family, dir)
}

#[test]
fn untouched_copy_passes_every_ops_case() {
    let copy = tampered_fixtures(|_| {});

    let report = run("ops", copy.root.path());

    assert_eq!(report.failed, 0, "{:?}", report.failures);
    assert!(report.passed > 0);
}

#[test]
fn changed_output_value_is_reported_with_file_case_field_and_element() {
    let copy = tampered_fixtures(|case| shift(&mut case["output"]["data"][0], 0.5));

    let report = run("ops", copy.root.path());

    assert_eq!(report.failed, 1, "{:?}", report.failures);
    let failure = &report.failures[0];
    assert!(failure.contains(&copy.file), "{failure}");
    assert!(failure.contains(&copy.case), "{failure}");
    assert!(failure.contains("output[0]"), "{failure}");
}

#[test]
fn changed_gradient_value_is_reported_by_ops_grad_only() {
    let mut input = String::new();
    let copy = tampered_fixtures(|case| {
        input = case["differentiable"][0]
            .as_str()
            .expect("name")
            .to_string();
        shift(&mut case["grads"][&input]["data"][0], -0.25);
    });

    let forward = run("ops", copy.root.path());
    let gradients = run("ops.grad", copy.root.path());

    assert_eq!(forward.failed, 0, "{:?}", forward.failures);
    assert_eq!(gradients.failed, 1, "{:?}", gradients.failures);
    let failure = &gradients.failures[0];
    assert!(failure.contains(&copy.file), "{failure}");
    assert!(failure.contains(&copy.case), "{failure}");
    assert!(failure.contains(&format!("grads.{input}[0]")), "{failure}");
}

#[test]
fn unknown_operator_is_reported_not_skipped() {
    let copy = tampered_fixtures(|case| case["op"] = Value::from("no_such_op"));

    let report = run("ops", copy.root.path());

    assert_eq!(report.failed, 1);
    assert!(report.failures[0].contains(&copy.case));
    assert!(report.failures[0].contains("no_such_op"));
}

/// Copies `params_format/` into a fresh folder and lets `tamper` change it.
fn tampered_params(tamper: impl FnOnce(&Path)) -> tempfile::TempDir {
    let source = harness::fixture_dir().join("params_format");
    let root = tempfile::tempdir().expect("temporary folder");
    let target = root.path().join("params_format");
    std::fs::create_dir(&target).expect("params_format folder");
    for entry in std::fs::read_dir(&source).expect("fixture folder") {
        let path = entry.expect("fixture entry").path();
        let name = path.file_name().expect("file name").to_owned();
        std::fs::copy(&path, target.join(name)).expect("copy fixture");
    }
    tamper(&target);
    root
}

#[test]
fn untouched_params_files_pass_every_check() {
    let root = tampered_params(|_| {});

    let report = run("params_format", root.path());

    assert_eq!(report.failed, 0, "{:?}", report.failures);
    assert_eq!(report.passed, 27);
}

#[test]
fn changed_params_byte_fails_read_and_rebuild_naming_element_and_offset() {
    // Byte 100 of tutorial_net.params is inside element 9 of 0.weight (data starts at 64).
    let root = tampered_params(|folder| {
        let path = folder.join("tutorial_net.params");
        let mut bytes = std::fs::read(&path).expect("read");
        bytes[100] ^= 1;
        std::fs::write(&path, bytes).expect("write");
    });

    let report = run("params_format", root.path());

    assert_eq!(report.failed, 2, "{:?}", report.failures);
    assert!(report.failures[0].contains("tutorial_net.json / read: array 0 (0.weight): element 9"));
    assert!(report.failures[1].contains("tutorial_net.json / rebuild"));
    assert!(report.failures[1].contains("first difference at byte 100"));
}

#[test]
fn changed_params_json_value_fails_every_check() {
    let root = tampered_params(|folder| {
        let path = folder.join("ndsave_f64_i32.json");
        let mut json: Value =
            serde_json::from_str(&std::fs::read_to_string(&path).expect("read")).expect("json");
        json["arrays"][1]["data"][0] = serde_json::json!(-4);
        std::fs::write(&path, json.to_string()).expect("write");
    });

    let report = run("params_format", root.path());

    assert_eq!(report.failed, 3, "{:?}", report.failures);
    assert!(report.failures[2].contains("ndsave_f64_i32.json / sha256"));
}
