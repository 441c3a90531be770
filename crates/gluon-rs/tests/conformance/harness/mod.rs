//! The conformance harness, shared by the `conformance` binary and its self-check test.

#![allow(dead_code)]

pub mod common;
pub mod deviations;

mod data;
mod init;
mod loss;
mod metric;
mod ops;
mod optimizer;
mod params_format;
mod trajectory;

use std::path::{Path, PathBuf};

pub use common::Report;

/// Every family, in the sorted order the suite prints them.
pub const FAMILIES: [&str; 9] = [
    "data",
    "init",
    "loss",
    "metric",
    "ops",
    "ops.grad",
    "optimizer",
    "params_format",
    "trajectory",
];

/// The fixture folder: `GLUON_RS_FIXTURES` when set, else the copy in the repository.
pub fn fixture_dir() -> PathBuf {
    match std::env::var_os("GLUON_RS_FIXTURES") {
        Some(dir) => PathBuf::from(dir),
        None => Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/mxnet"),
    }
}

/// Runs one family over the fixture folder `dir`.
pub fn run_family(family: &str, dir: &Path) -> Report {
    match family {
        "data" => data::run(dir),
        "init" => init::run(dir),
        "loss" => loss::run(dir),
        "metric" => metric::run(dir),
        "ops" => ops::run(dir, false),
        "ops.grad" => ops::run(dir, true),
        "optimizer" => optimizer::run(dir),
        "params_format" => params_format::run(dir),
        "trajectory" => trajectory::run(dir),
        other => panic!("unknown family {other}"),
    }
}
