//! Parameter files: reading MXNet's files, writing them back byte for byte, bad inputs,
//! every dtype, `nd::save`/`nd::load` and atomic writes.
//!
//! Expected bytes come from the MXNet 1.9.1 fixtures in `tests/fixtures/mxnet/params_format`
//! and from the layout in spec section 12 (records built by hand below).

use gluon_rs::io::{
    self, decode_params, encode_params, DType, ParamList, RawArray, RawData, RecordVersion,
};
use gluon_rs::{nd, Error, Result};
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

/// The message of a [`Error::ParamFile`] for `bytes`, failing the test on anything else.
fn param_file_error(bytes: &[u8]) -> String {
    match decode_params(bytes, "bad.params") {
        Err(Error::ParamFile { path, message }) => {
            assert_eq!(path, Path::new("bad.params"));
            message
        }
        other => panic!("expected a ParamFile error, got {other:?}"),
    }
}

/// Little-endian bytes built field by field.
#[derive(Default)]
struct Bytes(Vec<u8>);

impl Bytes {
    fn u32(mut self, value: u32) -> Bytes {
        self.0.extend(value.to_le_bytes());
        self
    }
    fn i32(mut self, value: i32) -> Bytes {
        self.0.extend(value.to_le_bytes());
        self
    }
    fn u64(mut self, value: u64) -> Bytes {
        self.0.extend(value.to_le_bytes());
        self
    }
    fn i64(mut self, value: i64) -> Bytes {
        self.0.extend(value.to_le_bytes());
        self
    }
    fn f32(mut self, value: f32) -> Bytes {
        self.0.extend(value.to_le_bytes());
        self
    }
    fn header(count: u64) -> Bytes {
        Bytes::default().u64(0x112).u64(0).u64(count)
    }
    fn cpu_f32(self) -> Bytes {
        self.i32(1).i32(0).i32(0)
    }
}

/// Replaces the bytes at `offset` with `value`'s.
fn patched(mut bytes: Vec<u8>, offset: usize, value: &[u8]) -> Vec<u8> {
    bytes[offset..offset + value.len()].copy_from_slice(value);
    bytes
}

// Offsets in ndsave_f32_legacy.params (3 named float32 arrays, V2): the first record starts
// at byte 24 with its magic, storage type at 28, ndim at 32, dim 0 at 36, device at 44 and
// 48, dtype code at 52, data at 56; the name count is at 168, the first name length at 176.
const LEGACY: &str = "ndsave_f32_legacy.params";

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

#[test]
fn more_dtypes_fixture_reads_exact_values() -> Result<()> {
    let path = fixture_dir().join("ndsave_more_dtypes.params");

    let list = io::read_params(&path)?;

    assert_eq!(list.names().unwrap(), ["f16", "u8", "i8", "i64"]);
    let f16 = list.get("f16").unwrap();
    assert_eq!(f16.to_f32_vec("f16")?, vec![0.5, -1.25, 65504.0]);
    assert_eq!(
        list.get("u8").unwrap().data(),
        &RawData::UInt8(vec![0, 1, 128, 255])
    );
    assert_eq!(
        list.get("i8").unwrap().data(),
        &RawData::Int8(vec![-128, -1, 0, 127])
    );
    let i64_values = vec![-1_099_511_627_776, 0, 1_099_511_627_779];
    assert_eq!(list.get("i64").unwrap().data(), &RawData::Int64(i64_values));
    Ok(())
}

#[test]
fn npshape_fixture_holds_a_true_scalar_in_v3() -> Result<()> {
    let list = io::read_params(fixture_dir().join("ndsave_f32_npshape.params"))?;

    let scalar = list.get("scalar").unwrap();

    assert_eq!(list.version(), RecordVersion::V3);
    assert!(!scalar.is_none());
    assert_eq!(scalar.shape(), &[] as &[usize]);
    assert_eq!(scalar.data(), &RawData::Float32(vec![3.25]));
    Ok(())
}

#[test]
fn list_and_empty_fixtures_have_no_names() -> Result<()> {
    let list = io::read_params(fixture_dir().join("ndsave_list.params"))?;
    let empty = io::read_params(fixture_dir().join("ndsave_empty.params"))?;

    assert!(!list.has_names());
    assert_eq!(list.len(), 2);
    assert_eq!(list.arrays()[1].shape(), &[1, 2, 2]);
    assert!(empty.is_empty());
    assert!(!empty.has_names());
    Ok(())
}

// --- other record layouts ---

#[test]
fn v1_record_without_storage_type_reads() -> Result<()> {
    let bytes = Bytes::header(1)
        .u32(0xF993_FAC8)
        .i32(2)
        .i64(1)
        .i64(2)
        .cpu_f32()
        .f32(1.5)
        .f32(-2.0)
        .u64(0);

    let list = decode_params(&bytes.0, "v1.params")?;

    assert_eq!(list.arrays(), [RawArray::new(&[1, 2], vec![1.5f32, -2.0])]);
    assert_eq!(list.version(), RecordVersion::V2);
    Ok(())
}

#[test]
fn legacy_record_with_u32_shape_reads() -> Result<()> {
    let bytes = Bytes::header(1)
        .u32(2)
        .u32(2)
        .u32(1)
        .cpu_f32()
        .f32(4.0)
        .f32(5.0)
        .u64(0);

    let list = decode_params(&bytes.0, "legacy.params")?;

    assert_eq!(list.arrays(), [RawArray::new(&[2, 1], vec![4.0f32, 5.0])]);
    Ok(())
}

#[test]
fn none_arrays_read_in_every_version() -> Result<()> {
    let v2_ndim_zero = Bytes::header(1).u32(0xF993_FAC9).i32(0).i32(0).u64(0);
    let v2_unknown = Bytes::header(1).u32(0xF993_FAC9).i32(0).i32(-1).u64(0);
    let v3_unknown = Bytes::header(1).u32(0xF993_FACA).i32(0).i32(-1).u64(0);
    let legacy = Bytes::header(1).u32(0).u64(0);

    for bytes in [v2_ndim_zero, v2_unknown, v3_unknown, legacy] {
        let list = decode_params(&bytes.0, "none.params")?;

        assert_eq!(list.arrays(), [RawArray::none()]);
    }
    Ok(())
}

#[test]
fn none_arrays_write_as_mxnet_marks_them() -> Result<()> {
    let classic = ParamList::unnamed(vec![RawArray::none()]);
    let numpy = classic.clone().with_version(RecordVersion::V3);

    let classic_bytes = encode_params(&classic, "none.params")?;
    let numpy_bytes = encode_params(&numpy, "none.params")?;

    // magic, storage type, ndim and nothing more: ndim 0 in V2, unknown (-1) in V3.
    assert_eq!(
        classic_bytes,
        Bytes::header(1).u32(0xF993_FAC9).i32(0).i32(0).u64(0).0
    );
    assert_eq!(
        numpy_bytes,
        Bytes::header(1).u32(0xF993_FACA).i32(0).i32(-1).u64(0).0
    );
    assert_eq!(decode_params(&numpy_bytes, "none.params")?, numpy);
    Ok(())
}

// --- bad input ---

#[test]
fn missing_file_is_an_io_error() {
    let result = io::read_params(fixture_dir().join("no_such_file.params"));

    assert!(matches!(result, Err(Error::Io { .. })), "{result:?}");
}

#[test]
fn empty_file_is_truncated() {
    let message = param_file_error(&[]);

    assert_eq!(
        message,
        "file ends early: the list magic needs 8 bytes at byte 0, but only 0 remain"
    );
}

#[test]
fn every_truncation_of_every_fixture_is_an_error() {
    for name in fixture_names() {
        let bytes = fixture(&name);
        for length in 0..bytes.len() {
            let message = param_file_error(&bytes[..length]);

            assert!(
                message.contains("byte"),
                "{name} cut at {length}: {message}"
            );
        }
    }
}

#[test]
fn wrong_list_magic_is_named() {
    let bytes = patched(fixture(LEGACY), 0, &0x113u64.to_le_bytes());

    let message = param_file_error(&bytes);

    assert_eq!(
        message,
        "not an MXNet parameter file: list magic at byte 0 is 0x113, expected 0x112"
    );
}

#[test]
fn unknown_dtype_code_is_named_with_its_offset() {
    let bool_code = patched(fixture(LEGACY), 52, &7i32.to_le_bytes());
    let garbage_code = patched(fixture(LEGACY), 52, &99i32.to_le_bytes());

    let bool_message = param_file_error(&bool_code);
    let garbage_message = param_file_error(&garbage_code);

    assert_eq!(
        bool_message,
        "array 0 (record at byte 24): dtype code 7 (bool) at byte 52 is not supported; \
         supported codes are 0 to 6"
    );
    assert!(
        garbage_message.contains("dtype code 99 (unknown)"),
        "{garbage_message}"
    );
}

#[test]
fn shape_claiming_more_data_than_the_file_holds_is_refused() {
    let large = patched(fixture(LEGACY), 36, &(1i64 << 40).to_le_bytes());
    let overflowing = patched(fixture(LEGACY), 36, &i64::MAX.to_le_bytes());

    let large_message = param_file_error(&large);
    let overflowing_message = param_file_error(&overflowing);

    assert_eq!(
        large_message,
        "array 0 (record at byte 24): shape [1099511627776] of float32 needs more data than \
         the 157 bytes left at byte 56"
    );
    assert!(
        overflowing_message.contains("needs more data"),
        "{overflowing_message}"
    );
}

#[test]
fn absurd_ndim_is_refused_before_allocating() {
    let huge = patched(fixture(LEGACY), 32, &i32::MAX.to_le_bytes());
    let negative = patched(fixture(LEGACY), 32, &(-5i32).to_le_bytes());

    let huge_message = param_file_error(&huge);
    let negative_message = param_file_error(&negative);

    assert!(
        huge_message.contains("ndim 2147483647 at byte 32 is impossible"),
        "{huge_message}"
    );
    assert!(
        negative_message.contains("ndim -5 at byte 32"),
        "{negative_message}"
    );
}

#[test]
fn negative_dimension_is_refused() {
    let bytes = patched(fixture(LEGACY), 36, &(-3i64).to_le_bytes());

    let message = param_file_error(&bytes);

    assert!(
        message.contains("dimension 0 is -3 at byte 36"),
        "{message}"
    );
}

#[test]
fn absurd_array_count_is_refused_before_allocating() {
    let bytes = patched(fixture(LEGACY), 16, &u64::MAX.to_le_bytes());

    let message = param_file_error(&bytes);

    assert_eq!(
        message,
        "array count 18446744073709551615 at byte 16 is impossible: the 189 remaining bytes \
         hold at most 47"
    );
}

#[test]
fn absurd_name_length_is_refused_before_allocating() {
    let bytes = patched(fixture(LEGACY), 176, &(u64::MAX - 1).to_le_bytes());

    let message = param_file_error(&bytes);

    assert_eq!(
        message,
        "name 0 at byte 176 claims 18446744073709551614 bytes, but only 29 remain"
    );
}

#[test]
fn name_count_must_be_zero_or_match_the_arrays() {
    let bytes = patched(fixture(LEGACY), 168, &2u64.to_le_bytes());

    let message = param_file_error(&bytes);

    assert!(
        message.contains("name count 2 at byte 168 does not match the 3 arrays"),
        "{message}"
    );
}

#[test]
fn trailing_bytes_are_refused() {
    let mut bytes = fixture(LEGACY);
    bytes.extend([0, 0, 0]);

    let message = param_file_error(&bytes);

    assert_eq!(
        message,
        "3 unexpected bytes after the last name, from byte 213"
    );
}

#[test]
fn name_that_is_not_utf8_is_refused() {
    let bytes = patched(fixture(LEGACY), 184, &[0xff]);

    let message = param_file_error(&bytes);

    assert_eq!(message, "name 0 at byte 184 is not valid UTF-8");
}

#[test]
fn unknown_record_magic_is_named() {
    let bytes = patched(fixture(LEGACY), 24, &0xDEAD_BEEFu32.to_le_bytes());

    let message = param_file_error(&bytes);

    assert!(
        message.starts_with("array 0 at byte 24: unknown record magic 0xdeadbeef"),
        "{message}"
    );
}

#[test]
fn sparse_storage_is_unsupported() {
    for (code, kind) in [(1i32, "row_sparse"), (2, "csr")] {
        let bytes = patched(fixture(LEGACY), 28, &code.to_le_bytes());

        let result = decode_params(&bytes, "sparse.params");

        match result {
            Err(Error::Unsupported(message)) => {
                assert!(message.starts_with("sparse.params: array 0"), "{message}");
                assert!(message.contains(kind), "{message}");
            }
            other => panic!("expected Unsupported, got {other:?}"),
        }
    }
}

#[test]
fn unknown_storage_type_is_refused() {
    let bytes = patched(fixture(LEGACY), 28, &9i32.to_le_bytes());

    let message = param_file_error(&bytes);

    assert!(
        message.contains("unknown storage type 9 at byte 28"),
        "{message}"
    );
}

// --- every dtype round trips ---

fn every_dtype() -> Vec<(&'static str, RawArray)> {
    vec![
        (
            "f32",
            RawArray::new(&[2, 2], vec![1.5f32, -0.0, f32::INFINITY, f32::NAN]),
        ),
        (
            "f64",
            RawArray::new(&[3], vec![0.1f64, f64::MIN_POSITIVE, -1e300]),
        ),
        (
            "f16",
            RawArray::new(&[2], RawData::Float16(vec![0x3c00, 0x7e01])),
        ),
        ("u8", RawArray::new(&[3], vec![0u8, 128, 255])),
        ("i32", RawArray::new(&[2], vec![i32::MIN, i32::MAX])),
        ("i8", RawArray::new(&[2], vec![i8::MIN, i8::MAX])),
        ("i64", RawArray::new(&[1, 2], vec![i64::MIN, i64::MAX])),
        ("empty", RawArray::new(&[0, 3], Vec::<f32>::new())),
    ]
}

#[test]
fn every_dtype_round_trips_through_a_file() -> Result<()> {
    let directory = tempfile::tempdir().unwrap();
    let path = directory.path().join("dtypes.params");
    let list = ParamList::named(every_dtype());

    io::write_params(&path, &list)?;
    let back = io::read_params(&path)?;

    assert_eq!(back, list);
    let dtypes: Vec<DType> = back.arrays().iter().map(RawArray::dtype).collect();
    assert_eq!(&dtypes[..7], DType::ALL);
    Ok(())
}

#[test]
fn every_dtype_round_trips_as_a_v3_scalar() -> Result<()> {
    let scalars: Vec<RawArray> = every_dtype()
        .into_iter()
        .filter(|(_, array)| array.size() > 0)
        .map(|(_, array)| match array.into_data() {
            RawData::Float32(v) => RawArray::new(&[], vec![v[0]]),
            RawData::Float64(v) => RawArray::new(&[], vec![v[0]]),
            RawData::Float16(v) => RawArray::new(&[], RawData::Float16(vec![v[0]])),
            RawData::UInt8(v) => RawArray::new(&[], vec![v[0]]),
            RawData::Int32(v) => RawArray::new(&[], vec![v[0]]),
            RawData::Int8(v) => RawArray::new(&[], vec![v[0]]),
            RawData::Int64(v) => RawArray::new(&[], vec![v[0]]),
            other => panic!("unexpected {other:?}"),
        })
        .collect();
    let list = ParamList::unnamed(scalars);

    let bytes = encode_params(&list, "scalars.params")?;
    let back = decode_params(&bytes, "scalars.params")?;

    assert_eq!(list.version(), RecordVersion::V3);
    assert_eq!(back, list);
    Ok(())
}

// --- nd::save and nd::load ---

#[test]
fn nd_save_then_load_restores_names_order_and_values() -> Result<()> {
    let directory = tempfile::tempdir().unwrap();
    let path = directory.path().join("net.params");
    let weight = nd::array(&[0.1, -0.2, 0.3, 1e-30, 3.4e38, -0.0], &[2, 3]);
    let bias = nd::array(&[0.5, -1.5], &[2]);

    nd::save(&path, &[("1.weight", &weight), ("0.bias", &bias)])?;
    let loaded = nd::load(&path)?;

    assert_eq!(loaded.len(), 2);
    assert_eq!(
        (loaded[0].0.as_str(), loaded[1].0.as_str()),
        ("1.weight", "0.bias")
    );
    assert_eq!(loaded[0].1.shape(), &[2, 3]);
    let bits = |values: Vec<f32>| values.into_iter().map(f32::to_bits).collect::<Vec<_>>();
    assert_eq!(bits(loaded[0].1.to_vec()), bits(weight.to_vec()));
    assert_eq!(bits(loaded[1].1.to_vec()), bits(bias.to_vec()));
    Ok(())
}

#[test]
fn nd_save_matches_mxnet_bytes() -> Result<()> {
    let directory = tempfile::tempdir().unwrap();
    let path = directory.path().join("legacy.params");
    let mxnet = io::read_params(fixture_dir().join(LEGACY))?;
    let arrays: Vec<(String, nd::NDArray)> = mxnet
        .iter()
        .map(|(name, array)| (name.unwrap().to_string(), array.to_ndarray("x").unwrap()))
        .collect();
    let named: Vec<(&str, &nd::NDArray)> = arrays.iter().map(|(n, a)| (n.as_str(), a)).collect();

    nd::save(&path, &named)?;

    assert_eq!(std::fs::read(&path).unwrap(), fixture(LEGACY));
    Ok(())
}

#[test]
fn nd_save_of_a_0d_array_writes_v3() -> Result<()> {
    let directory = tempfile::tempdir().unwrap();
    let path = directory.path().join("scalar.params");
    let scalar = nd::NDArray::from_vec(vec![3.25], &[]);

    nd::save(&path, &[("s", &scalar)])?;
    let list = io::read_params(&path)?;
    let loaded = nd::load(&path)?;

    assert_eq!(list.version(), RecordVersion::V3);
    assert_eq!(loaded[0].1.shape(), &[] as &[usize]);
    assert_eq!(loaded[0].1.to_vec(), vec![3.25]);
    Ok(())
}

#[test]
fn nd_load_converts_exact_integers_and_halves() -> Result<()> {
    let directory = tempfile::tempdir().unwrap();
    let path = directory.path().join("small.params");
    let list = ParamList::named(vec![
        ("half", RawArray::new(&[1], RawData::Float16(vec![0xbd00]))),
        ("count", RawArray::new(&[2], vec![16_777_216i64, -3])),
    ]);
    io::write_params(&path, &list)?;

    let loaded = nd::load(&path)?;

    assert_eq!(loaded[0].1.to_vec(), vec![-1.25]);
    assert_eq!(loaded[1].1.to_vec(), vec![16_777_216.0, -3.0]);
    Ok(())
}

#[test]
fn nd_load_refuses_values_f32_cannot_hold_naming_file_and_array() {
    // int64 1099511627779 = 2^40 + 3 needs more than f32's 24 significant bits.
    let path = fixture_dir().join("ndsave_more_dtypes.params");

    let error = nd::load(&path).unwrap_err();

    let text = error.to_string();
    assert!(matches!(error, Error::ParamFile { .. }), "{error:?}");
    assert!(text.contains("ndsave_more_dtypes.params"), "{text}");
    assert!(
        text.contains("array i64: int64 element 2 (1099511627779)"),
        "{text}"
    );
}

#[test]
fn nd_load_refuses_an_unnamed_list_and_load_list_reads_it() -> Result<()> {
    let path = fixture_dir().join("ndsave_list.params");

    let error = nd::load(&path).unwrap_err();
    let arrays = nd::load_list(&path)?;

    assert!(error.to_string().contains("load_list"), "{error}");
    assert_eq!(arrays.len(), 2);
    assert_eq!(arrays[1].shape(), &[1, 2, 2]);
    Ok(())
}

#[test]
fn nd_save_list_writes_mxnet_list_bytes() -> Result<()> {
    let directory = tempfile::tempdir().unwrap();
    let path = directory.path().join("list.params");
    let mxnet = nd::load_list(fixture_dir().join("ndsave_list.params"))?;

    nd::save_list(&path, &mxnet.iter().collect::<Vec<_>>())?;

    assert_eq!(std::fs::read(&path).unwrap(), fixture("ndsave_list.params"));
    Ok(())
}

#[test]
fn nd_load_of_an_empty_file_is_empty() -> Result<()> {
    let loaded = nd::load(fixture_dir().join("ndsave_empty.params"))?;

    assert!(loaded.is_empty());
    Ok(())
}

// --- atomic writes ---

#[test]
fn failed_write_leaves_the_old_file_intact() -> Result<()> {
    // The write fails after the old file exists (a 0-d array cannot go in a V2 file); the
    // old bytes must survive and no temporary file may be left behind. A failure halfway
    // through writing the bytes is covered by the unit tests of io/atomic.rs.
    let directory = tempfile::tempdir().unwrap();
    let path = directory.path().join("model.params");
    nd::save(&path, &[("w", &nd::array(&[1.0, 2.0], &[2]))])?;
    let old = std::fs::read(&path).unwrap();
    let bad =
        ParamList::unnamed(vec![RawArray::new(&[], vec![1.0f32])]).with_version(RecordVersion::V2);

    let result = io::write_params(&path, &bad);

    assert!(matches!(result, Err(Error::ParamFile { .. })), "{result:?}");
    assert_eq!(std::fs::read(&path).unwrap(), old);
    assert_eq!(std::fs::read_dir(directory.path()).unwrap().count(), 1);
    Ok(())
}

#[test]
fn write_into_a_missing_directory_fails_without_creating_anything() {
    let directory = tempfile::tempdir().unwrap();
    let path = directory.path().join("absent").join("model.params");

    let result = nd::save(&path, &[("w", &nd::array(&[1.0], &[1]))]);

    assert!(matches!(result, Err(Error::Io { .. })), "{result:?}");
    assert_eq!(std::fs::read_dir(directory.path()).unwrap().count(), 0);
}

#[test]
fn repeated_saves_leave_only_the_target() -> Result<()> {
    let directory = tempfile::tempdir().unwrap();
    let path = directory.path().join("model.params");

    for step in 0..5 {
        nd::save(&path, &[("step", &nd::array(&[step as f32], &[1]))])?;
    }

    assert_eq!(std::fs::read_dir(directory.path()).unwrap().count(), 1);
    assert_eq!(nd::load(&path)?[0].1.to_vec(), vec![4.0]);
    Ok(())
}
