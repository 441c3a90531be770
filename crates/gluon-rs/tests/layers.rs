//! Blocks, parameters and parameter files: naming as MXNet 1.9.1 (spec §4.2, fixtures
//! `params_format/tutorial_net.json`), deferred initialization, error cases, dropout,
//! save/load and gradients.
//!
//! Every test runs on its own thread, and block-name counters are per thread, so each
//! test sees MXNet's names for the first network of a fresh program.

use gluon_rs::autograd::{self, GradCheck, GradReq};
use gluon_rs::init::{Init, One, Uniform, Xavier, Zero};
use gluon_rs::nd::NDArray;
use gluon_rs::nn::{Activation, Block, Dense, Dropout, HybridSequential, Sequential};
use gluon_rs::{random, Error, Result};

/// The tutorial network: Dense(10, relu) ×3 then Dense(1), built inside `name_scope`.
fn seed_net() -> Result<HybridSequential> {
    let mut net = HybridSequential::new();
    net.name_scope(|net| -> Result<()> {
        for _ in 0..3 {
            net.add(Dense::builder(10).activation("relu").build()?)?;
        }
        net.add(Dense::new(1)?)?;
        Ok(())
    })?;
    Ok(net)
}

fn temp_file(name: &str) -> (tempfile::TempDir, std::path::PathBuf) {
    let dir = tempfile::tempdir().expect("temporary directory");
    let path = dir.path().join(name);
    (dir, path)
}

#[test]
fn seed_network_has_mxnets_full_names() -> Result<()> {
    // Expected names: spec §4.2 table and params_format/tutorial_net.json.
    let net = seed_net()?;

    let names = net.collect_params().keys().join(" ");

    let expected: Vec<String> = (0..4)
        .flat_map(|i| ["weight", "bias"].map(|local| format!("hybridsequential0_dense{i}_{local}")))
        .collect();
    assert_eq!(names, expected.join(" "));
    Ok(())
}

#[test]
fn seed_network_has_mxnets_structural_names() -> Result<()> {
    let net = seed_net()?;

    let names: Vec<String> = net
        .structural_params()
        .into_iter()
        .map(|(n, _)| n)
        .collect();

    assert_eq!(
        names,
        ["0.weight", "0.bias", "1.weight", "1.bias", "2.weight", "2.bias", "3.weight", "3.bias"]
    );
    Ok(())
}

#[test]
fn net_built_twice_gets_the_next_counter() -> Result<()> {
    let _first = seed_net()?;

    let second = seed_net()?;
    let loose = Dense::new(3)?;

    assert_eq!(second.prefix(), "hybridsequential1_");
    assert_eq!(
        second.collect_params().keys()[0],
        "hybridsequential1_dense0_weight"
    );
    // Blocks made outside any name scope use the thread's own counter.
    assert_eq!(loose.prefix(), "dense0_");
    Ok(())
}

#[test]
fn without_name_scope_layers_use_global_counters() -> Result<()> {
    let mut net = HybridSequential::new();
    net.add(Dense::new(2)?)?;
    net.add(Dense::new(1)?)?;

    let names = net.collect_params().keys().join(" ");

    assert_eq!(names, "dense0_weight dense0_bias dense1_weight dense1_bias");
    Ok(())
}

#[test]
fn dense_activation_child_is_named_after_the_activation() -> Result<()> {
    let net = seed_net()?;

    let dense = net[0].children();

    assert_eq!(dense[0].1.prefix(), "hybridsequential0_dense0_relu_");
    Ok(())
}

#[test]
fn collect_params_select_matches_from_the_start() -> Result<()> {
    // Spec §4.3: '.*bias' selects the four biases, 'dense0' selects nothing.
    let net = seed_net()?;

    let biases = net.collect_params_select(".*bias")?;
    let none = net.collect_params_select("dense0")?;

    assert_eq!(biases.len(), 4);
    assert!(none.is_empty());
    Ok(())
}

#[test]
fn shapes_are_deferred_until_the_first_forward() -> Result<()> {
    let net = seed_net()?;
    net.initialize(Xavier::default().into(), false)?;
    let params = net.collect_params();
    let before = params.values().map(|p| p.shape()).collect::<Vec<_>>();

    let error = params.values().next().map(|p| p.data());
    net.forward(&NDArray::ones(&[5, 10]))?;
    let after = params.values().map(|p| p.shape()).collect::<Vec<_>>();

    assert_eq!(before[0], vec![10, 0]);
    assert_eq!(before[6], vec![1, 0]);
    assert!(matches!(error, Some(Err(Error::Parameter { .. }))));
    assert_eq!(after[0], vec![10, 10]);
    assert_eq!(after[6], vec![1, 10]);
    Ok(())
}

#[test]
fn xavier_leaves_biases_at_zero_and_weights_in_bounds() -> Result<()> {
    random::seed(1);
    let net = seed_net()?;
    net.initialize(Xavier::default().into(), false)?;

    net.forward(&NDArray::ones(&[2, 10]))?;

    for (name, param) in &net.collect_params() {
        let values = param.data()?.to_vec();
        if name.ends_with("bias") {
            assert!(values.iter().all(|&v| v == 0.0), "{name}");
        } else {
            // Bound sqrt(3 / ((fan_in + fan_out) / 2)), spec §7.2.
            let shape = param.shape();
            let bound = (6.0 / (shape[0] + shape[1]) as f32).sqrt();
            assert!(values.iter().all(|v| v.abs() <= bound), "{name}");
        }
    }
    Ok(())
}

#[test]
fn forward_before_initialize_says_to_call_initialize() -> Result<()> {
    let net = seed_net()?;

    let error = net
        .forward(&NDArray::ones(&[2, 10]))
        .unwrap_err()
        .to_string();

    assert!(error.contains("hybridsequential0_dense0_weight"), "{error}");
    assert!(error.contains("initialize"), "{error}");
    Ok(())
}

#[test]
fn width_mismatch_names_the_layer_and_both_widths() -> Result<()> {
    let net = seed_net()?;
    net.initialize(Init::default(), false)?;
    net.forward(&NDArray::ones(&[2, 10]))?;

    let error = net.forward(&NDArray::ones(&[2, 7])).unwrap_err();

    match error {
        Error::LayerInput { layer, message } => {
            assert_eq!(layer, "hybridsequential0_dense0");
            assert!(message.contains("10") && message.contains('7'), "{message}");
        }
        other => panic!("expected a layer input error, got {other}"),
    }
    Ok(())
}

#[test]
fn fixed_in_units_rejects_other_widths_at_once() -> Result<()> {
    let dense = Dense::builder(3).in_units(4).build()?;
    dense.initialize(One.into(), false)?;

    let result = dense.forward(&NDArray::ones(&[2, 5]));

    assert!(matches!(result, Err(Error::LayerInput { .. })));
    Ok(())
}

#[test]
fn second_initialize_keeps_values_unless_forced() -> Result<()> {
    let dense = Dense::builder(2).in_units(2).build()?;
    dense.initialize(Xavier::default().into(), false)?;
    let first = dense.weight().data()?.to_vec();

    dense.initialize(One.into(), false)?;
    let kept = dense.weight().data()?.to_vec();
    dense.initialize(One.into(), true)?;

    assert_eq!(kept, first);
    // Spec §7.3: One with force_reinit sets weights to 1 and biases stay 0.
    assert_eq!(dense.weight().data()?.to_vec(), vec![1.0; 4]);
    assert_eq!(dense.bias().unwrap().data()?.to_vec(), vec![0.0; 2]);
    Ok(())
}

#[test]
fn bias_taking_the_global_xavier_is_an_error_naming_it() -> Result<()> {
    let dense = Dense::builder(2)
        .in_units(3)
        .bias_initializer_global()
        .build()?;

    let error = dense
        .initialize(Xavier::default().into(), false)
        .unwrap_err();

    assert!(error.to_string().contains("dense0_bias"), "{error}");
    Ok(())
}

#[test]
fn dropout_acts_only_in_training() -> Result<()> {
    let dropout = Dropout::new(0.5)?;
    let x = NDArray::ones(&[4, 50]);

    let predicted = dropout.forward(&x)?.to_vec();
    let trained = autograd::record(|| dropout.forward(&x))?.to_vec();

    assert_eq!(predicted, vec![1.0; 200]);
    // Spec §6.3: kept values are scaled by 1 / (1 - 0.5) = 2.
    assert!(trained.iter().all(|&v| v == 0.0 || v == 2.0));
    assert!(trained.contains(&0.0) && trained.contains(&2.0));
    Ok(())
}

#[test]
fn dropout_rejects_rates_outside_zero_one() {
    assert!(matches!(Dropout::new(1.0), Err(Error::Config { .. })));
    assert!(matches!(Dropout::new(-0.2), Err(Error::Config { .. })));
}

#[test]
fn activation_name_is_validated_at_construction() {
    assert!(Activation::new("mish_typo").is_err());
    assert!(Dense::builder(2).activation("Relu").build().is_err());
}

#[test]
fn sequential_nests_and_hybrid_sequential_refuses_it() -> Result<()> {
    let mut outer = Sequential::new();
    let mut inner = Sequential::new();
    inner.add(Dense::new(3)?);
    outer.add(inner);
    outer.add(Dense::new(1)?);
    let mut hybrid = HybridSequential::new();

    let refused = hybrid.add(Sequential::new());
    outer.initialize(One.into(), false)?;
    let y = outer.forward(&NDArray::ones(&[2, 4]))?;

    assert!(refused.is_err());
    assert_eq!(y.to_vec(), vec![12.0, 12.0]); // 4 ones -> 3 fours -> 12
    assert_eq!(outer.structural_params()[0].0, "0.0.weight");
    Ok(())
}

#[test]
fn save_then_load_restores_every_value_exactly() -> Result<()> {
    random::seed(3);
    let net = seed_net()?;
    net.initialize(Xavier::default().into(), false)?;
    let x = random::uniform(-1.0, 1.0, &[3, 10]);
    let expected = net.forward(&x)?.to_vec();
    let (_dir, path) = temp_file("net.params");
    net.save_parameters(&path)?;

    let copy = seed_net()?;
    copy.load_parameters(&path, false, false)?;

    for ((_, saved), (_, loaded)) in net.structural_params().iter().zip(copy.structural_params()) {
        assert_eq!(saved.data()?.to_vec(), loaded.data()?.to_vec());
        assert_eq!(saved.shape(), loaded.shape());
    }
    assert_eq!(copy.forward(&x)?.to_vec(), expected);
    Ok(())
}

#[test]
fn loaded_width_is_enforced() -> Result<()> {
    let net = seed_net()?;
    net.initialize(Init::default(), false)?;
    net.forward(&NDArray::ones(&[1, 10]))?;
    let (_dir, path) = temp_file("net.params");
    net.save_parameters(&path)?;
    let copy = seed_net()?;
    copy.load_parameters(&path, false, false)?;

    let result = copy.forward(&NDArray::ones(&[1, 6]));

    assert!(matches!(result, Err(Error::LayerInput { .. })));
    Ok(())
}

#[test]
fn load_reports_missing_and_extra_names_unless_allowed() -> Result<()> {
    let small = HybridSequential::new();
    let mut large = HybridSequential::new();
    large.add(Dense::builder(2).in_units(2).build()?)?;
    large.initialize(One.into(), false)?;
    let (_dir, path) = temp_file("large.params");
    large.save_parameters(&path)?;
    let mut other = HybridSequential::new();
    other.add(Dense::builder(2).in_units(2).build()?)?;
    other.add(Dense::builder(1).in_units(2).build()?)?;

    let extra = small
        .load_parameters(&path, false, false)
        .unwrap_err()
        .to_string();
    let missing = other
        .load_parameters(&path, false, false)
        .unwrap_err()
        .to_string();
    small.load_parameters(&path, false, true)?;
    other.load_parameters(&path, true, false)?;

    assert!(
        extra.contains("large.params") && extra.contains("0.weight"),
        "{extra}"
    );
    assert!(extra.contains("ignore_extra"), "{extra}");
    assert!(
        missing.contains("large.params") && missing.contains("1.weight"),
        "{missing}"
    );
    assert!(missing.contains("allow_missing"), "{missing}");
    assert_eq!(
        other.structural_params()[0].1.data()?.to_vec(),
        vec![1.0; 4]
    );
    assert!(!other.structural_params()[2].1.is_initialized());
    Ok(())
}

#[test]
fn load_reports_a_shape_mismatch() -> Result<()> {
    let mut net = HybridSequential::new();
    net.add(Dense::builder(2).in_units(3).build()?)?;
    net.initialize(Zero.into(), false)?;
    let (_dir, path) = temp_file("net.params");
    net.save_parameters(&path)?;
    let mut other = HybridSequential::new();
    other.add(Dense::builder(2).in_units(4).build()?)?;

    let error = other
        .load_parameters(&path, false, false)
        .unwrap_err()
        .to_string();

    assert!(
        error.contains("[2, 3]") && error.contains("[2, 4]"),
        "{error}"
    );
    Ok(())
}

#[test]
fn saving_an_uninitialized_network_is_an_error() -> Result<()> {
    let net = seed_net()?;
    let (_dir, path) = temp_file("net.params");

    let result = net.save_parameters(&path);

    assert!(result.is_err());
    assert!(!path.exists());
    Ok(())
}

#[test]
fn parameter_dict_save_strips_the_prefix_and_load_restores_it() -> Result<()> {
    let net = seed_net()?;
    net.initialize(Init::default(), false)?;
    net.forward(&NDArray::ones(&[1, 10]))?;
    let (_dir, path) = temp_file("stripped.params");
    net.collect_params().save(&path, net.prefix())?;

    let copy = seed_net()?; // hybridsequential1_
    copy.load_parameters(&path, false, false)?;

    let first = net
        .collect_params()
        .values()
        .next()
        .unwrap()
        .data()?
        .to_vec();
    let loaded = copy
        .collect_params()
        .values()
        .next()
        .unwrap()
        .data()?
        .to_vec();
    assert_eq!(first, loaded);
    Ok(())
}

#[test]
fn summary_matches_the_spec_example() -> Result<()> {
    // Spec §5.5: Dense(10, relu, in 5) then Dense(1) at input (4,5).
    let mut net = HybridSequential::new();
    net.add(Dense::builder(10).activation("relu").in_units(5).build()?)?;
    net.add(Dense::new(1)?)?;
    net.initialize(Init::default(), false)?;

    let summary = net.summary(&NDArray::ones(&[4, 5]))?;

    let rows: Vec<(String, Vec<usize>, usize)> = summary
        .rows
        .iter()
        .map(|row| (row.layer.clone(), row.output_shape.clone(), row.params))
        .collect();
    assert_eq!(
        rows,
        vec![
            ("Input".to_string(), vec![4, 5], 0),
            ("Activation-1".to_string(), vec![4, 10], 0),
            ("Dense-2".to_string(), vec![4, 10], 60),
            ("Dense-3".to_string(), vec![4, 1], 11),
        ]
    );
    assert_eq!(summary.total_params, 71);
    let table = summary.to_string();
    assert!(table.contains("Dense-3") && table.contains("(4, 1)") && table.contains("71"));
    Ok(())
}

#[test]
fn summary_refuses_a_hybridized_network() -> Result<()> {
    let mut net = seed_net()?;
    net.initialize(Init::default(), false)?;
    net.hybridize(true);

    let result = net.summary(&NDArray::ones(&[1, 10]));

    assert!(result.is_err());
    Ok(())
}

#[test]
fn grad_req_null_on_a_selection_stops_its_gradients() -> Result<()> {
    let net = seed_net()?;
    net.initialize(Init::default(), false)?;
    net.forward(&NDArray::ones(&[1, 10]))?;
    net.collect_params_select(".*bias")?
        .set_grad_req(GradReq::Null);

    let loss = autograd::record(|| net.forward(&NDArray::ones(&[2, 10])))?;
    loss.backward()?;

    for (name, param) in &net.collect_params() {
        assert_eq!(param.grad().is_ok(), name.ends_with("weight"), "{name}");
    }
    Ok(())
}

#[test]
fn dense_input_gradient_matches_finite_differences() -> Result<()> {
    let dense = Dense::builder(3).activation("tanh").in_units(4).build()?;
    dense.initialize(Uniform::new(0.5)?.into(), false)?;
    let x = random::uniform(-1.0, 1.0, &[2, 4]);

    let result = autograd::check_gradients(
        |inputs| dense.forward(&inputs[0]).expect("initialized layer"),
        &[x],
        &GradCheck::default(),
    );

    assert!(result.is_ok(), "{result:?}");
    Ok(())
}

#[test]
fn dense_parameter_gradients_match_finite_differences() -> Result<()> {
    let dense = Dense::builder(3)
        .activation("sigmoid")
        .in_units(4)
        .build()?;
    dense.initialize(Uniform::new(0.5)?.into(), false)?;
    let (weight, bias) = (dense.weight().data()?, dense.bias().unwrap().data()?);
    let x = random::uniform(-1.0, 1.0, &[2, 4]);
    let head = random::uniform(-1.0, 1.0, &[2, 3]);
    let start = [weight.copy(), bias.copy()];

    let y = autograd::record(|| dense.forward(&x))?;
    y.backward_with(Some(&head), false)?;
    let analytic = [
        weight.grad().unwrap().to_vec(),
        bias.grad().unwrap().to_vec(),
    ];
    // The layer's output as a function of its parameter values, written in place.
    let with_values = |values: &[NDArray]| {
        weight.assign(&values[0]);
        bias.assign(&values[1]);
        dense.forward(&x).expect("initialized layer")
    };
    let numeric = autograd::numeric_gradient(&with_values, &start, &head, 1e-3);

    for (got, want) in analytic.iter().zip(&numeric) {
        for (&g, &w) in got.iter().zip(want) {
            assert!((g as f64 - w).abs() <= 1e-3 + 1e-2 * w.abs(), "{g} vs {w}");
        }
    }
    Ok(())
}

#[test]
fn full_name_files_load_through_the_parameter_dict_only() -> Result<()> {
    // Fixtures README §8.2: load_parameters prepends the prefix to a file without dotted
    // keys, so a full-name file is rejected there but loads with collect_params().load.
    let net = seed_net()?;
    net.initialize(Init::default(), false)?;
    net.forward(&NDArray::ones(&[1, 10]))?;
    let (_dir, path) = temp_file("fullnames.params");
    net.collect_params().save(&path, "")?;

    let rejected = net.load_parameters(&path, false, false);
    net.collect_params().load(&path, false, false, "")?;

    assert!(matches!(rejected, Err(Error::ParamFile { .. })));
    Ok(())
}

#[test]
fn load_converts_exact_float64_and_refuses_lossy_values() -> Result<()> {
    use gluon_rs::io::{write_params, ParamList, RawArray};
    let mut net = HybridSequential::new();
    net.add(Dense::builder(2).in_units(1).use_bias(false).build()?)?;
    let (_dir, exact_path) = temp_file("exact.params");
    let lossy_path = exact_path.with_file_name("lossy.params");
    let exact = RawArray::new(&[2, 1], vec![0.5f64, -1.25]);
    let lossy = RawArray::new(&[2, 1], vec![0.1f64, 2.0]);
    write_params(&exact_path, &ParamList::named([("0.weight", exact)]))?;
    write_params(&lossy_path, &ParamList::named([("0.weight", lossy)]))?;

    net.load_parameters(&exact_path, false, false)?;
    let error = net
        .load_parameters(&lossy_path, false, false)
        .unwrap_err()
        .to_string();

    assert_eq!(
        net.structural_params()[0].1.data()?.to_vec(),
        vec![0.5, -1.25]
    );
    assert!(
        error.contains("lossy.params") && error.contains("0.weight"),
        "{error}"
    );
    Ok(())
}

/// The recorded MXNet files of the tutorial network (fixtures README §8).
fn tutorial_fixture(stem: &str) -> (std::path::PathBuf, serde_json::Value) {
    let dir =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/mxnet/params_format");
    let text = std::fs::read_to_string(dir.join(format!("{stem}.json"))).expect("fixture json");
    let json = serde_json::from_str(&text).expect("valid fixture json");
    (dir.join(format!("{stem}.params")), json)
}

fn fixture_array(value: &serde_json::Value) -> NDArray {
    let shape: Vec<usize> = value["shape"]
        .as_array()
        .expect("shape")
        .iter()
        .map(|d| d.as_u64().expect("dimension") as usize)
        .collect();
    let data: Vec<f32> = value["data"]
        .as_array()
        .expect("data")
        .iter()
        .map(|v| v.as_f64().expect("number") as f32)
        .collect();
    NDArray::from_vec(data, &shape)
}

/// Loads an MXNet file of the tutorial network as its JSON says MXNet loads it, checks the
/// names and the recorded forward output, and returns the loaded network.
fn load_tutorial_fixture(stem: &str) -> Result<(HybridSequential, std::path::PathBuf)> {
    let (path, json) = tutorial_fixture(stem);
    let net = seed_net()?;
    let names = json["structural_to_full_name"]
        .as_object()
        .into_iter()
        .flatten();
    for (structural, full) in names {
        let by_structure = net
            .structural_params()
            .into_iter()
            .find(|(s, _)| s == structural);
        let param = by_structure.expect("structural name exists").1;
        assert_eq!(param.name(), full.as_str().unwrap(), "{stem}");
    }

    match json["load_method"].as_str() {
        Some("load_parameters") => net.load_parameters(&path, false, false)?,
        Some("collect_params_load") => net.collect_params().load(&path, false, false, "")?,
        other => panic!("unknown load method {other:?}"),
    }
    let check = &json["forward_check"];
    let output = net.forward(&fixture_array(&check["input"]))?.to_vec();

    let expected = fixture_array(&check["output"]).to_vec();
    for (&got, &want) in output.iter().zip(&expected) {
        assert!(
            (got - want).abs() <= 1e-5 + 1e-4 * want.abs(),
            "{stem}: {got} vs {want}"
        );
    }
    Ok((net, path))
}

#[test]
fn mxnet_tutorial_file_loads_and_saves_byte_identical() -> Result<()> {
    let (net, original) = load_tutorial_fixture("tutorial_net")?;
    let (_dir, path) = temp_file("resaved.params");

    net.save_parameters(&path)?;

    let bytes = std::fs::read(&path).expect("written file");
    assert_eq!(bytes, std::fs::read(&original).expect("fixture file"));
    Ok(())
}

#[test]
fn mxnet_full_name_file_loads_through_the_parameter_dict() -> Result<()> {
    let (net, original) = load_tutorial_fixture("tutorial_net_fullnames")?;
    let (_dir, path) = temp_file("fullnames.params");

    net.collect_params().save(&path, "")?;

    let bytes = std::fs::read(&path).expect("written file");
    assert_eq!(bytes, std::fs::read(&original).expect("fixture file"));
    assert!(net.load_parameters(&original, false, false).is_err());
    Ok(())
}

#[test]
fn mxnet_stripped_file_loads_with_the_prefix_restored() -> Result<()> {
    let (net, original) = load_tutorial_fixture("tutorial_net_stripped")?;
    let (_dir, path) = temp_file("stripped.params");

    net.collect_params().save(&path, net.prefix())?;

    let bytes = std::fs::read(&path).expect("written file");
    assert_eq!(bytes, std::fs::read(&original).expect("fixture file"));
    Ok(())
}
