//! Optimizers, schedulers and the Trainer: MXNet 1.9.1 figures quoted from the spec
//! (section 9) and hand computations, with the math in comments.

use gluon_rs::init::Init;
use gluon_rs::loss::{Loss, SigmoidBinaryCrossEntropyLoss};
use gluon_rs::nd::{self, NDArray};
use gluon_rs::nn::{Block, Dense, Parameter, ParameterDict};
use gluon_rs::optim::{
    self, CosineScheduler, FactorScheduler, LRScheduler, Optimizer, PolyScheduler, Warmup,
    WarmupMode, SGD,
};
use gluon_rs::{autograd, Error, Result, Trainer};
use std::sync::Mutex;

/// Collects warnings so tests can assert on them; tests run in parallel, so each one looks
/// for its own message.
struct Capture(Mutex<Vec<String>>);

impl log::Log for Capture {
    fn enabled(&self, _: &log::Metadata) -> bool {
        true
    }
    fn log(&self, record: &log::Record) {
        if record.level() <= log::Level::Warn {
            self.0.lock().unwrap().push(record.args().to_string());
        }
    }
    fn flush(&self) {}
}

static CAPTURE: Capture = Capture(Mutex::new(Vec::new()));

fn install_capture() {
    let _ = log::set_logger(&CAPTURE);
    log::set_max_level(log::LevelFilter::Warn);
}

fn warnings_containing(text: &str) -> usize {
    CAPTURE
        .0
        .lock()
        .unwrap()
        .iter()
        .filter(|m| m.contains(text))
        .count()
}

fn assert_close(got: &[f32], want: &[f32], atol: f32) {
    assert_eq!(got.len(), want.len(), "got {got:?}, want {want:?}");
    for (g, w) in got.iter().zip(want) {
        assert!((g - w).abs() <= atol, "got {got:?}, want {want:?}");
    }
}

fn parameter(name: &str, values: &[f32], shape: &[usize]) -> Result<Parameter> {
    let param = Parameter::new(name, shape);
    param.load(&NDArray::from_slice(values, shape))?;
    Ok(param)
}

/// Dense(1, in_units=1, no bias) with weight 1, fed input 1 with label 0: one backward of
/// the sigmoid cross-entropy, so the weight's gradient is sigmoid(1) - 0 = 0.7310586.
fn one_sample_dense() -> Result<Dense> {
    let dense = Dense::builder(1).in_units(1).use_bias(false).build()?;
    dense.initialize(Init::default(), false)?;
    dense
        .weight()
        .set_data(&NDArray::from_vec(vec![1.0], &[1, 1]))?;
    let x = NDArray::from_vec(vec![1.0], &[1, 1]);
    let label = NDArray::from_vec(vec![0.0], &[1]);
    let loss = autograd::record(|| {
        let out = dense.forward(&x)?;
        SigmoidBinaryCrossEntropyLoss::new().forward(&out, &label)
    })?;
    loss.backward()?;
    Ok(dense)
}

#[test]
fn step_scales_by_the_batch_size_the_caller_passes() -> Result<()> {
    // w = 1 - 0.7310586 / batch_size with learning rate 1; MXNet gives 0.26894 and 0.63447.
    install_capture();
    let mut results = Vec::new();
    for batch_size in [1, 2] {
        let dense = one_sample_dense()?;
        let settings = optim::params([("learning_rate", 1.0)]);
        let mut trainer = Trainer::new(dense.collect_params(), "sgd", settings)?;

        trainer.step(batch_size)?;

        results.push(dense.weight().data()?.asscalar());
    }

    assert_close(&results, &[0.26894, 0.63447], 1e-5);
    assert!(warnings_containing("started from one value") >= 1);
    Ok(())
}

#[test]
fn averaged_loss_stepped_with_a_batch_warns_about_dividing_twice() -> Result<()> {
    install_capture();
    let weight = parameter("averaged_weight", &[1.0, 1.0], &[2])?;
    let mut trainer = Trainer::new(
        vec![weight.clone()],
        "sgd",
        optim::params([("learning_rate", 0.1)]),
    )?;
    let w = weight.data()?;
    let loss = autograd::record(|| (&w * 2.0).mean());
    loss.backward()?;

    trainer.step(4)?;

    assert!(warnings_containing("divided twice") >= 1);
    Ok(())
}

/// Spec 9.3's setup: Dense(1, in_units=2) with W = [0.5, 0.5] and b = 0, data
/// X = [[1,2],[3,4]], Y = [1,2], L2Loss, `step(2)`. Returns (W, b) after each step.
fn spec_run(
    optimizer: &str,
    settings: optim::OptimizerParams,
    steps: usize,
) -> Result<Vec<(Vec<f32>, f32)>> {
    let weight = parameter("dense0_weight", &[0.5, 0.5], &[1, 2])?;
    let bias = parameter("dense0_bias", &[0.0], &[1])?;
    let mut params = ParameterDict::new("dense0_");
    params.insert(weight.clone())?;
    params.insert(bias.clone())?;
    let mut trainer = Trainer::new(&params, optimizer, settings)?;
    let x = NDArray::from_vec(vec![1.0, 2.0, 3.0, 4.0], &[2, 2]);
    let y = NDArray::from_vec(vec![1.0, 2.0], &[2]);

    let mut after = Vec::new();
    for _ in 0..steps {
        let (w, b) = (weight.data()?, bias.data()?);
        let loss = autograd::record(|| {
            let out = nd::fully_connected(&x, &w, Some(&b), true);
            gluon_rs::loss::L2Loss::new().forward(&out, &y)
        })?;
        loss.backward()?;
        trainer.step(2)?;
        after.push((weight.data()?.to_vec(), bias.data()?.asscalar()));
    }
    Ok(after)
}

#[test]
fn sgd_momentum_weight_decay_two_steps_match_mxnet() -> Result<()> {
    // Spec 9.3 table: sgd lr 0.1, momentum 0.9, wd 0.01.
    let settings = optim::params([("learning_rate", 0.1), ("momentum", 0.9), ("wd", 0.01)]);

    let after = spec_run("sgd", settings, 2)?;

    assert_close(&after[0].0, &[0.2495, 0.1495], 1e-6);
    assert_close(&after[1].0, &[0.1644005, 0.03975053], 1e-6);
    assert_close(&[after[0].1, after[1].1], &[-0.1, -0.12465], 1e-6);
    Ok(())
}

#[test]
fn spec_one_liners_match_mxnet_for_every_optimizer() -> Result<()> {
    // Spec 9.3 "other verified one-liners", all on the same setup.
    let lr = || optim::params([("learning_rate", 0.1)]);

    let plain = spec_run("sgd", lr(), 2)?;
    let clipped = spec_run(
        "sgd",
        optim::params([("learning_rate", 0.1), ("clip_gradient", 0.5)]),
        1,
    )?;
    let adam = spec_run("adam", lr(), 2)?;
    let nag = spec_run(
        "nag",
        optim::params([("learning_rate", 0.1), ("momentum", 0.9)]),
        2,
    )?;
    let adagrad = spec_run("adagrad", lr(), 1)?;
    let rmsprop = spec_run("rmsprop", lr(), 1)?;

    assert_close(&plain[1].0, &[0.39, 0.355], 1e-6);
    assert_close(&[plain[1].1, clipped[0].1], &[-0.035, -0.05], 1e-6);
    assert_close(&clipped[0].0, &[0.45, 0.45], 1e-6);
    assert_close(&adam[0].0, &[0.3999994, 0.3999994], 1e-6);
    assert_close(&adam[1].0, &[0.3086906, 0.3090902], 1e-6);
    assert_close(&[adam[0].1, adam[1].1], &[-0.1000006, -0.1898586], 1e-6);
    assert_close(&nag[0].0, &[0.025, -0.165], 1e-6);
    assert_close(&nag[1].0, &[0.7554, 0.89005], 1e-5);
    assert_close(&adagrad[0].0, &[0.4, 0.4], 1e-6);
    assert_close(&rmsprop[0].0, &[0.1837722, 0.1837722], 1e-6);
    Ok(())
}

#[test]
fn stepping_without_backward_is_a_stale_gradient_error() -> Result<()> {
    let weight = parameter("stale_weight", &[1.0], &[1])?;
    let mut trainer = Trainer::new(
        vec![weight.clone()],
        "sgd",
        optim::params([("learning_rate", 0.1)]),
    )?;

    let error = trainer.step(1).unwrap_err();

    assert!(matches!(error, Error::Parameter { .. }));
    assert!(
        error.to_string().contains("stale_weight")
            && error.to_string().contains("ignore_stale_grad")
    );
    Ok(())
}

#[test]
fn ignore_stale_grad_skips_parameters_without_a_new_gradient() -> Result<()> {
    let used = parameter("used", &[1.0], &[1])?;
    let unused = parameter("unused", &[1.0], &[1])?;
    let mut trainer = Trainer::new(
        vec![used.clone(), unused.clone()],
        "sgd",
        optim::params([("learning_rate", 0.5)]),
    )?;
    let w = used.data()?;
    autograd::record(|| w.sum()).backward()?;

    trainer.step_with(1, true)?;
    let second = trainer.step(1);

    assert_eq!(used.data()?.to_vec(), vec![0.5]);
    assert_eq!(unused.data()?.to_vec(), vec![1.0]);
    assert!(
        second.is_err(),
        "the used gradient was consumed by the first step"
    );
    Ok(())
}

#[test]
fn unknown_optimizer_lists_the_valid_names() {
    let error = optim::create("sgdd", optim::params([("learning_rate", 0.1)])).unwrap_err();

    let message = error.to_string();
    assert!(
        message.contains("sgdd") && message.contains("adam, nag, rmsprop, sgd"),
        "{message}"
    );
}

#[test]
fn unknown_setting_lists_the_valid_ones() {
    let error = optim::create("sgd", optim::params([("learning_rat", 0.1)])).unwrap_err();

    let message = error.to_string();
    assert!(
        message.contains("learning_rat'") && message.contains("momentum"),
        "{message}"
    );
}

#[test]
fn invalid_settings_are_rejected_at_construction() {
    assert!(optim::create("sgd", optim::params([("learning_rate", -0.1)])).is_err());
    assert!(optim::create("sgd", optim::params([("momentum", 1.5)])).is_err());
    assert!(optim::create("adam", optim::params([("beta1", 1.0)])).is_err());
    assert!(optim::create("sgd", optim::params([("clip_gradient", -1.0)])).is_err());
    assert!(optim::create("rmsprop", optim::params([("centered", 1.0)])).is_err());
    assert!(SGD::new(f64::NAN).is_err());
}

#[test]
fn names_are_case_insensitive() -> Result<()> {
    let adam = optim::create("Adam", optim::OptimizerParams::new())?;

    assert_eq!(adam.name(), "adam");
    assert_eq!(adam.base().learning_rate(), 0.001);
    Ok(())
}

#[test]
fn instance_with_settings_is_an_error() -> Result<()> {
    let weight = parameter("w", &[1.0], &[1])?;

    let result = Trainer::new(
        vec![weight],
        SGD::new(0.1)?,
        optim::params([("momentum", 0.9)]),
    );

    assert!(matches!(result, Err(Error::Config { .. })));
    Ok(())
}

#[test]
fn uninitialized_parameter_is_named() {
    let weight = Parameter::new("never_initialized", &[2]);

    let error = Trainer::new(vec![weight], "sgd", optim::OptimizerParams::new()).unwrap_err();

    assert!(error.to_string().contains("never_initialized"), "{error}");
}

#[test]
fn zero_batch_size_is_an_error() -> Result<()> {
    let weight = parameter("w", &[1.0], &[1])?;
    let mut trainer = Trainer::new(vec![weight], "sgd", optim::OptimizerParams::new())?;

    assert!(matches!(trainer.step(0), Err(Error::Config { .. })));
    Ok(())
}

#[test]
fn learning_rate_follows_the_schedule_and_cannot_be_set_under_one() -> Result<()> {
    // Spec 9.4: FactorScheduler(step 1, factor 0.5) with lr 0.1 reports 0.1, 0.05, 0.025.
    let weight = parameter("w", &[1.0], &[1])?;
    let schedule: Box<dyn LRScheduler> = Box::new(FactorScheduler::new(1, 0.5, 0.1)?);
    let mut settings = optim::params([("learning_rate", 0.1)]);
    settings.insert("lr_scheduler".into(), schedule.into());
    let mut trainer = Trainer::new(vec![weight.clone()], "sgd", settings)?;
    let mut rates = vec![trainer.learning_rate()];

    for _ in 0..2 {
        let w = weight.data()?;
        autograd::record(|| w.sum()).backward()?;
        trainer.step(1)?;
        rates.push(trainer.learning_rate());
    }

    assert_eq!(rates, vec![0.1, 0.1, 0.05]);
    assert!(trainer.set_learning_rate(0.3).is_err());
    Ok(())
}

#[test]
fn set_learning_rate_changes_the_next_update() -> Result<()> {
    let weight = parameter("w", &[1.0], &[1])?;
    let mut trainer = Trainer::new(vec![weight.clone()], "sgd", optim::OptimizerParams::new())?;

    trainer.set_learning_rate(0.25)?;
    let w = weight.data()?;
    autograd::record(|| w.sum()).backward()?;
    trainer.step(1)?;

    assert_eq!(trainer.learning_rate(), 0.25);
    assert_eq!(weight.data()?.to_vec(), vec![0.75]);
    assert!(trainer.set_learning_rate(-1.0).is_err());
    Ok(())
}

#[test]
fn saved_states_reload_exactly_and_continue_identically() -> Result<()> {
    let folder = tempfile::tempdir().expect("temporary folder");
    let path = folder.path().join("trainer.states");
    let run = |trainer: &mut Trainer, weight: &Parameter| -> Result<()> {
        let w = weight.data()?;
        autograd::record(|| (&w * &w).sum()).backward()?;
        trainer.step(1)
    };
    let weight = parameter("w", &[1.0, -2.0], &[2])?;
    let mut trainer = Trainer::new(
        vec![weight.clone()],
        "adam",
        optim::params([("learning_rate", 0.1)]),
    )?;
    run(&mut trainer, &weight)?;
    trainer.save_states(&path)?;
    let copy = parameter("w", &weight.data()?.to_vec(), &[2])?;
    let mut restored = Trainer::new(
        vec![copy.clone()],
        "sgd",
        optim::params([("learning_rate", 9.0)]),
    )?;

    restored.load_states(&path)?;
    run(&mut trainer, &weight)?;
    run(&mut restored, &copy)?;

    assert_eq!(restored.optimizer().name(), "adam");
    assert_eq!(restored.learning_rate(), 0.1);
    assert_eq!(copy.data()?.to_vec(), weight.data()?.to_vec());
    Ok(())
}

#[test]
fn loading_a_foreign_file_is_an_error() -> Result<()> {
    let folder = tempfile::tempdir().expect("temporary folder");
    let path = folder.path().join("not_states.json");
    std::fs::write(&path, "{\"format\": \"something else\"}").expect("write");
    let weight = parameter("w", &[1.0], &[1])?;
    let mut trainer = Trainer::new(vec![weight], "sgd", optim::OptimizerParams::new())?;

    let error = trainer.load_states(&path).unwrap_err();
    let missing = trainer.load_states(folder.path().join("missing"));

    assert!(matches!(error, Error::ParamFile { .. }), "{error}");
    assert!(matches!(missing, Err(Error::Io { .. })));
    Ok(())
}

#[test]
fn a_states_file_counting_a_parameter_the_trainer_lacks_is_refused() -> Result<()> {
    let folder = tempfile::tempdir().expect("temporary folder");
    let path = folder.path().join("trainer.states");
    let weight = parameter("w", &[1.0], &[1])?;
    let mut trainer = Trainer::new(vec![weight.clone()], "sgd", optim::OptimizerParams::new())?;
    let w = weight.data()?;
    autograd::record(|| w.sum()).backward()?;
    trainer.step(1)?;
    trainer.save_states(&path)?;
    let saved = std::fs::read_to_string(&path).expect("read");
    let tampered = saved.replace("\"update_counts\":{\"0\"", "\"update_counts\":{\"5\"");
    assert_ne!(
        tampered, saved,
        "the counts were not where the test expects: {saved}"
    );
    std::fs::write(&path, tampered).expect("write");

    let error = trainer.load_states(&path).unwrap_err();

    assert!(matches!(error, Error::ParamFile { .. }), "{error}");
    assert!(
        error
            .to_string()
            .contains("parameter index 5, but the Trainer has 1"),
        "{error}"
    );
    Ok(())
}

#[test]
fn update_counts_and_multipliers_follow_each_index_in_any_order() {
    // Indices need not be dense or come in order: each keeps its own count, and the
    // schedule's position is the largest count (spec: MXNet's `_index_update_count`).
    let mut sgd = SGD::new(1.0).expect("valid rate");
    sgd.base_mut().set_lr_mult(3, 0.0);
    let far = NDArray::from_vec(vec![1.0], &[1]);
    let near = NDArray::from_vec(vec![1.0], &[1]);
    let grad = NDArray::from_vec(vec![1.0], &[1]);
    let mut seen = Vec::new();

    for index in [7, 3, 7, 3, 3] {
        let weight = if index == 7 { &far } else { &near };
        sgd.update(index, weight, &grad, &[]);
        seen.push(sgd.base().num_update());
    }

    assert_eq!(seen, vec![1, 1, 2, 2, 3]);
    assert_eq!(far.to_vec(), vec![-1.0]);
    assert_eq!(near.to_vec(), vec![1.0]);
}

#[test]
fn a_gradient_sharing_the_weights_storage_updates_without_deadlock() {
    let weight = NDArray::from_vec(vec![2.0, -4.0], &[2]);
    let mut sgd = SGD::new(0.5).expect("valid rate");

    sgd.update(0, &weight, &weight.clone(), &[]);

    assert_eq!(weight.to_vec(), vec![1.0, -2.0]);
}

#[test]
fn lr_mult_zero_freezes_a_parameter() -> Result<()> {
    let frozen = parameter("frozen", &[1.0], &[1])?.with_lr_mult(0.0);
    let mut trainer = Trainer::new(
        vec![frozen.clone()],
        "sgd",
        optim::params([("learning_rate", 1.0)]),
    )?;
    let w = frozen.data()?;
    autograd::record(|| w.sum()).backward()?;

    trainer.step(1)?;

    assert_eq!(frozen.data()?.to_vec(), vec![1.0]);
    Ok(())
}

#[test]
fn poly_and_cosine_schedules_match_mxnet() -> Result<()> {
    // Spec 9.4: max_update 10 from 1.0: poly pwr 2 gives 1, .81, .64; cosine 1, .975528.
    let poly = PolyScheduler::new(10, 1.0, 2.0, 0.0)?;
    let cosine = CosineScheduler::new(10, 1.0, 0.0)?;
    let warm = CosineScheduler::new(10, 1.0, 0.0)?.with_warmup(Warmup {
        steps: 2,
        begin_lr: 0.0,
        mode: WarmupMode::Constant,
    })?;

    let poly_rates: Vec<f32> = (0..3).map(|n| poly.lr(n) as f32).collect();

    assert_close(&poly_rates, &[1.0, 0.81, 0.64], 1e-6);
    assert_close(
        &[
            cosine.lr(1) as f32,
            cosine.lr(10) as f32,
            cosine.lr(14) as f32,
        ],
        &[0.975528, 0.0, 0.0],
        1e-6,
    );
    assert_eq!(warm.lr(1), 0.0);
    assert_eq!(warm.lr(2), 1.0);
    Ok(())
}

#[test]
fn warmup_must_end_before_the_last_update() -> Result<()> {
    let too_long = gluon_rs::optim::Warmup {
        steps: 10,
        begin_lr: 0.0,
        mode: gluon_rs::optim::WarmupMode::Linear,
    };

    let cosine = gluon_rs::optim::CosineScheduler::new(10, 0.1, 0.0)?.with_warmup(too_long);
    let poly = gluon_rs::optim::PolyScheduler::new(10, 0.1, 2.0, 0.0)?.with_warmup(too_long);

    for error in [cosine.unwrap_err(), poly.unwrap_err()] {
        assert!(
            error.to_string().contains("must be below max_update 10"),
            "{error}"
        );
    }
    Ok(())
}
