//! Parameter files: reading MXNet's files, writing them back byte for byte, bad inputs,
//! every dtype and atomic writes.

use gluon_rs::io::{decode_params, encode_params};
use gluon_rs::Result;
use std::path::{Path, PathBuf};

fn fixture_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/mxnet/params_format")
}

fn fixture(name: &str) -> Vec<u8> {
    std::fs::read(fixture_dir().join(name)).unwrap()
}

fn fixture_names() -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(fixture_dir())
        .unwrap()
        .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|name| name.ends_with(".params"))
        .collect();
    names.sort();
    names
}

// --- MXNet's files ---

#[test]
fn every_fixture_reencodes_to_the_same_bytes() -> Result<()> {
    for name in fixture_names() {
        let bytes = fixture(&name);

        let list = decode_params(&bytes, &name)?;
        let written = encode_params(&list, &name)?;

        assert_eq!(written, bytes, "{name}");
    }
    Ok(())
}
