//! Autograd: every differentiable op against finite differences, the record/pause and
//! grad_req semantics of MXNet's `autograd` (spec section 3), its error cases, and a long
//! training loop that must not grow the recorded graph.
//!
//! Expected gradients come from the finite-difference checker
//! ([`autograd::check_gradients`]) or from hand computation, stated in each test.

use gluon_rs::autograd::{self, check_gradients, GradCheck, GradReq};
use gluon_rs::nd::{self, ActType, Axes, IndexMode, NDArray};
use gluon_rs::random::Generator;
use gluon_rs::Result;
use std::sync::{Mutex, MutexGuard};

/// Serializes the tests of this file, so that [`autograd::live_nodes`], a process-wide
/// count, sees only the graph of the test that reads it.
fn serial() -> MutexGuard<'static, ()> {
    static LOCK: Mutex<()> = Mutex::new(());
    LOCK.lock().unwrap_or_else(|poison| poison.into_inner())
}

// --- inputs away from kinks ---

fn uniform(shape: &[usize], low: f32, high: f32, seed: u64) -> NDArray {
    let mut data = vec![0.0; shape.iter().product()];
    Generator::new(seed).fill_uniform(&mut data, low, high);
    NDArray::from_vec(data, shape)
}

/// Values in `[-2, 2]` at least `0.05` away from every point of `kinks`.
fn away_from(shape: &[usize], kinks: &[f32], seed: u64) -> NDArray {
    let values = uniform(shape, -2.0, 2.0, seed).to_vec();
    let moved = values.iter().map(|&v| {
        kinks.iter().fold(v, |v, &kink| {
            if (v - kink).abs() < 0.05 {
                kink + 0.1f32.copysign(v - kink)
            } else {
                v
            }
        })
    });
    NDArray::from_vec(moved.collect(), shape)
}

/// Values on the grid `0.2 (k + offset)` for random integers `k` in `[-8, 8)`: two arrays
/// with offsets 0 and 0.5 never tie, whatever broadcasting pairs them.
fn grid(shape: &[usize], offset: f32, seed: u64) -> NDArray {
    let mut generator = Generator::new(seed);
    let data = (0..shape.iter().product::<usize>())
        .map(|_| 0.2 * (generator.below(16) as f32 - 8.0 + offset))
        .collect();
    NDArray::from_vec(data, shape)
}

/// Distinct values `0.1 k` in a random order: no ties for max, min or argmax.
fn distinct(shape: &[usize], seed: u64) -> NDArray {
    let size: usize = shape.iter().product();
    let mut order: Vec<usize> = (0..size).collect();
    Generator::new(seed).shuffle(&mut order);
    let data = order.iter().map(|&k| 0.1 * k as f32 - 0.05 * size as f32);
    NDArray::from_vec(data.collect(), shape)
}

/// Positive values in `[0.5, 2]`.
fn positive(shape: &[usize], seed: u64) -> NDArray {
    uniform(shape, 0.5, 2.0, seed)
}

/// Values in `[0.5, 2]` with random signs.
fn nonzero(shape: &[usize], seed: u64) -> NDArray {
    let signs = away_from(shape, &[0.0], seed + 1).sign();
    &positive(shape, seed) * &signs
}

type Function = Box<dyn Fn(&[NDArray]) -> NDArray>;

/// Runs the checker on every case and reports all failures at once.
fn check_all(cases: Vec<(&str, Function, Vec<NDArray>)>) {
    let failures: Vec<String> = cases
        .iter()
        .filter_map(|(name, function, inputs)| {
            check_gradients(function, inputs, &GradCheck::default())
                .err()
                .map(|problem| format!("{name}: {problem}"))
        })
        .collect();
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

macro_rules! case {
    ($name:expr, |$x:ident| $body:expr, $($input:expr),+ $(,)?) => {
        ($name, Box::new(move |$x: &[NDArray]| $body) as Function, vec![$($input),+])
    };
}

// --- finite differences for every differentiable op ---

#[test]
fn unary_ops_match_finite_differences() {
    let _serial = serial();
    let shape = [3, 4];
    let integers = [-2.0, -1.0, 0.0, 1.0, 2.0];
    let halves = [-1.5, -0.5, 0.5, 1.5];

    check_all(vec![
        case!("relu", |x| x[0].relu(), away_from(&shape, &[0.0], 1)),
        case!("sigmoid", |x| x[0].sigmoid(), uniform(&shape, -4.0, 4.0, 2)),
        case!("tanh", |x| x[0].tanh(), uniform(&shape, -2.0, 2.0, 3)),
        case!(
            "softrelu",
            |x| x[0].softrelu(),
            uniform(&shape, -5.0, 5.0, 4)
        ),
        case!(
            "softsign",
            |x| x[0].softsign(),
            away_from(&shape, &[0.0], 5)
        ),
        case!("exp", |x| x[0].exp(), uniform(&shape, -2.0, 2.0, 6)),
        case!("log", |x| x[0].log(), positive(&shape, 7)),
        case!("log1p", |x| x[0].log1p(), uniform(&shape, -0.5, 2.0, 8)),
        case!("sqrt", |x| x[0].sqrt(), positive(&shape, 9)),
        case!("square", |x| x[0].square(), uniform(&shape, -2.0, 2.0, 10)),
        case!("abs", |x| x[0].abs(), away_from(&shape, &[0.0], 11)),
        case!(
            "negative",
            |x| x[0].negative(),
            uniform(&shape, -2.0, 2.0, 12)
        ),
        case!("neg operator", |x| -&x[0], uniform(&shape, -2.0, 2.0, 13)),
        case!(
            "clip",
            |x| x[0].clip(-0.5, 0.5),
            away_from(&shape, &[-0.5, 0.5], 14)
        ),
        case!("ceil", |x| x[0].ceil(), away_from(&shape, &integers, 15)),
        case!("floor", |x| x[0].floor(), away_from(&shape, &integers, 16)),
        case!("round", |x| x[0].round(), away_from(&shape, &halves, 17)),
        case!("sign", |x| x[0].sign(), away_from(&shape, &[0.0], 18)),
    ]);
}

#[test]
fn activations_by_name_match_finite_differences() {
    let _serial = serial();

    let cases = ActType::NAMES
        .iter()
        .enumerate()
        .map(|(seed, &name)| {
            let act_type = ActType::parse(name).expect("a listed name");
            let input = away_from(&[2, 5], &[0.0], 20 + seed as u64);
            case!(name, |x| x[0].activation(act_type), input)
        })
        .collect();

    check_all(cases);
}

#[test]
fn scalar_ops_match_finite_differences() {
    let _serial = serial();
    let shape = [2, 3];

    check_all(vec![
        case!(
            "plus_scalar",
            |x| &x[0] + 2.5,
            uniform(&shape, -2.0, 2.0, 1)
        ),
        case!(
            "minus_scalar",
            |x| &x[0] - 2.5,
            uniform(&shape, -2.0, 2.0, 2)
        ),
        case!(
            "rminus_scalar",
            |x| 2.5 - &x[0],
            uniform(&shape, -2.0, 2.0, 3)
        ),
        case!("mul_scalar", |x| &x[0] * 2.5, uniform(&shape, -2.0, 2.0, 4)),
        case!("div_scalar", |x| &x[0] / 2.5, uniform(&shape, -2.0, 2.0, 5)),
        case!("rdiv_scalar", |x| 2.5 / &x[0], nonzero(&shape, 6)),
        case!(
            "power_scalar",
            |x| x[0].power_scalar(3.0),
            positive(&shape, 7)
        ),
        case!(
            "power_scalar 0.5",
            |x| x[0].power_scalar(0.5),
            positive(&shape, 8)
        ),
        case!(
            "rpower_scalar",
            |x| x[0].rpower_scalar(2.5),
            uniform(&shape, -2.0, 2.0, 9)
        ),
        case!(
            "maximum_scalar",
            |x| x[0].maximum_scalar(0.3),
            away_from(&shape, &[0.3], 10)
        ),
        case!(
            "minimum_scalar",
            |x| x[0].minimum_scalar(0.3),
            away_from(&shape, &[0.3], 11)
        ),
        case!(
            "greater_scalar",
            |x| x[0].greater_scalar(0.3),
            away_from(&shape, &[0.3], 12)
        ),
        case!(
            "lesser_equal_scalar",
            |x| x[0].lesser_equal_scalar(0.3),
            away_from(&shape, &[0.3], 13)
        ),
        case!(
            "not_equal_scalar",
            |x| x[0].not_equal_scalar(0.3),
            away_from(&shape, &[0.3], 14)
        ),
    ]);
}

/// Shape pairs of the fixtures and more: same shape, both sides broadcast, a missing
/// leading axis, and a one-element operand on either side.
const BROADCAST_PAIRS: [(&[usize], &[usize]); 7] = [
    (&[2, 3], &[2, 3]),
    (&[3, 1], &[1, 4]),
    (&[2, 3, 4], &[3, 1]),
    (&[2, 3, 4], &[4]),
    (&[2, 1, 4], &[1, 3, 1]),
    (&[1], &[2, 3]),
    (&[2, 3], &[1]),
];

#[test]
fn broadcasting_binary_ops_match_finite_differences() {
    let _serial = serial();
    let mut cases = Vec::new();

    for (seed, (a, b)) in BROADCAST_PAIRS.iter().enumerate() {
        let seed = 100 * seed as u64;
        let any = |offset| uniform(a, -2.0, 2.0, seed + offset);
        let other = |offset| uniform(b, -2.0, 2.0, seed + offset);
        cases.push(case!("add", |x| &x[0] + &x[1], any(1), other(2)));
        cases.push(case!("sub", |x| &x[0] - &x[1], any(3), other(4)));
        cases.push(case!("mul", |x| &x[0] * &x[1], any(5), other(6)));
        cases.push(case!(
            "div",
            |x| &x[0] / &x[1],
            any(7),
            nonzero(b, seed + 8)
        ));
        cases.push(case!(
            "power",
            |x| nd::power(&x[0], &x[1]),
            positive(a, seed + 9),
            other(10)
        ));
        cases.push(case!(
            "maximum",
            |x| nd::maximum(&x[0], &x[1]),
            grid(a, 0.5, seed + 11),
            grid(b, 0.0, seed + 12)
        ));
        cases.push(case!(
            "minimum",
            |x| nd::minimum(&x[0], &x[1]),
            grid(a, 0.0, seed + 13),
            grid(b, 0.5, seed + 14)
        ));
        cases.push(case!(
            "greater",
            |x| x[0].greater(&x[1]),
            grid(a, 0.5, seed + 15),
            grid(b, 0.0, seed + 16)
        ));
        cases.push(case!(
            "equal",
            |x| x[0].equal(&x[1]),
            grid(a, 0.5, seed + 17),
            grid(b, 0.0, seed + 18)
        ));
    }

    check_all(cases);
}

#[test]
fn reductions_match_finite_differences() {
    let _serial = serial();
    let shape = [2, 3, 4];
    let x = || uniform(&shape, -2.0, 2.0, 7);

    check_all(vec![
        case!("sum", |x| x[0].sum(), x()),
        case!("sum axis 1", |x| x[0].sum_axis(1, false), x()),
        case!("sum axis -1 keepdims", |x| x[0].sum_axis(-1, true), x()),
        case!("sum axes 0 2", |x| x[0].sum_axis([0, 2], false), x()),
        case!(
            "sum exclude 0",
            |x| x[0].sum_axis(Axes::except(&[0]), false),
            x()
        ),
        case!("mean", |x| x[0].mean(), x()),
        case!("mean axis 2 keepdims", |x| x[0].mean_axis(2, true), x()),
        case!(
            "mean exclude 0",
            |x| x[0].mean_axis(Axes::except(&[0]), false),
            x()
        ),
        case!("max", |x| x[0].max(), distinct(&shape, 1)),
        case!(
            "max axis 1",
            |x| x[0].max_axis(1, false),
            distinct(&shape, 2)
        ),
        case!(
            "min axes 0 2 keepdims",
            |x| x[0].min_axis([0, 2], true),
            distinct(&shape, 3)
        ),
        case!(
            "argmax",
            |x| x[0].argmax(Some(1), false),
            distinct(&shape, 4)
        ),
        case!(
            "argmax flat",
            |x| x[0].argmax(None, false),
            distinct(&shape, 5)
        ),
    ]);
}

#[test]
fn shape_ops_match_finite_differences() {
    let _serial = serial();
    let x = || uniform(&[2, 3, 4], -2.0, 2.0, 11);

    check_all(vec![
        case!("reshape -1", |x| x[0].reshape(&[-1]), x()),
        case!("reshape 0 -1", |x| x[0].reshape(&[0, -1]), x()),
        case!("reshape -4", |x| x[0].reshape(&[-4, 1, 2, -2]), x()),
        case!("reshape reverse", |x| x[0].reshape_reverse(&[-1, 0]), x()),
        case!("transpose", |x| x[0].transpose(None), x()),
        case!("transpose 1 0 2", |x| x[0].transpose(Some(&[1, 0, 2])), x()),
        case!("transpose 2 0 1", |x| x[0].transpose(Some(&[2, 0, 1])), x()),
        case!("t", |x| x[0].t(), uniform(&[2, 3], -2.0, 2.0, 12)),
        case!("flatten", |x| x[0].flatten(), x()),
        case!("expand_dims 1", |x| x[0].expand_dims(1), x()),
        case!("expand_dims -1", |x| x[0].expand_dims(-1), x()),
    ]);
}

#[test]
fn join_and_index_ops_match_finite_differences() {
    let _serial = serial();
    let matrix = |seed| uniform(&[5, 3], -2.0, 2.0, seed);
    let repeated = nd::array(&[4.0, 0.0, 4.0, 2.0], &[4]);
    let columns = nd::array(&[2.0, 0.0, 2.0], &[3]);
    let wrapped = nd::array(&[-1.0, 7.0], &[2]);
    let picks = nd::array(&[0.0, 2.0, 1.0, 1.0, 0.0], &[5]);

    check_all(vec![
        case!(
            "stack 0",
            |x| nd::stack(&[&x[0], &x[1]], 0),
            matrix(1),
            matrix(2)
        ),
        case!(
            "stack -1",
            |x| nd::stack(&[&x[0], &x[1]], -1),
            matrix(3),
            matrix(4)
        ),
        case!(
            "concat 1",
            |x| nd::concat(&[&x[0], &x[1]], 1),
            matrix(5),
            uniform(&[5, 2], -2.0, 2.0, 6)
        ),
        case!(
            "concat 0",
            |x| nd::concat(&[&x[0], &x[1]], 0),
            matrix(7),
            uniform(&[1, 3], -2.0, 2.0, 8)
        ),
        case!(
            "slice",
            |x| x[0].slice(&[Some(1), Some(0)], &[Some(3), Some(2)], &[]),
            matrix(9)
        ),
        case!(
            "slice negative step",
            |x| x[0].slice(&[None, None], &[None, None], &[Some(2), Some(-1)]),
            matrix(10)
        ),
        case!(
            "slice_axis",
            |x| x[0].slice_axis(0, 1, Some(-1)),
            matrix(11)
        ),
        case!("at", |x| x[0].at(2), matrix(12)),
        case!("at vector", |x| x[0].at(-1), uniform(&[4], -2.0, 2.0, 13)),
        case!(
            "take repeated",
            |x| x[0].take(&repeated, 0, IndexMode::Clip),
            matrix(14)
        ),
        case!(
            "take axis 1",
            |x| x[0].take(&columns, 1, IndexMode::Clip),
            matrix(15)
        ),
        case!(
            "take wrap",
            |x| x[0].take(&wrapped, 0, IndexMode::Wrap),
            matrix(16)
        ),
        case!("pick", |x| x[0].pick(&picks, 1, false), matrix(17)),
    ]);
}

#[test]
fn pick_with_keepdims_matches_finite_differences() {
    let _serial = serial();
    let index = nd::array(&[1.0, 0.0, 2.0], &[3, 1]);

    check_all(vec![case!(
        "pick keepdims axis 0",
        |x| x[0].pick(&index.reshape(&[1, 3]), 0, true),
        uniform(&[3, 3], -2.0, 2.0, 1)
    )]);
}

#[test]
fn matrix_products_match_finite_differences() {
    let _serial = serial();
    let m = |shape: &[usize], seed| uniform(shape, -1.0, 1.0, seed);

    check_all(vec![
        case!(
            "dot",
            |x| nd::dot(&x[0], &x[1], false, false),
            m(&[3, 4], 1),
            m(&[4, 5], 2)
        ),
        case!(
            "dot ta",
            |x| nd::dot(&x[0], &x[1], true, false),
            m(&[4, 3], 3),
            m(&[4, 5], 4)
        ),
        case!(
            "dot tb",
            |x| nd::dot(&x[0], &x[1], false, true),
            m(&[3, 4], 5),
            m(&[5, 4], 6)
        ),
        case!(
            "dot ta tb",
            |x| nd::dot(&x[0], &x[1], true, true),
            m(&[4, 3], 7),
            m(&[5, 4], 8)
        ),
        case!(
            "dot vector matrix",
            |x| nd::dot(&x[0], &x[1], false, false),
            m(&[4], 9),
            m(&[4, 5], 10)
        ),
        case!(
            "dot matrix vector",
            |x| nd::dot(&x[0], &x[1], false, false),
            m(&[3, 4], 11),
            m(&[4], 12)
        ),
        case!(
            "dot vectors",
            |x| nd::dot(&x[0], &x[1], false, false),
            m(&[4], 13),
            m(&[4], 14)
        ),
        case!(
            "dot 3-d",
            |x| nd::dot(&x[0], &x[1], false, false),
            m(&[2, 3, 4], 15),
            m(&[4, 2], 16)
        ),
        case!(
            "fully_connected",
            |x| nd::fully_connected(&x[0], &x[1], Some(&x[2]), true),
            m(&[4, 5], 17),
            m(&[3, 5], 18),
            m(&[3], 19)
        ),
        case!(
            "fully_connected no bias",
            |x| nd::fully_connected(&x[0], &x[1], None, true),
            m(&[4, 5], 20),
            m(&[3, 5], 21)
        ),
        case!(
            "fully_connected flattens",
            |x| nd::fully_connected(&x[0], &x[1], Some(&x[2]), true),
            m(&[2, 3, 4], 22),
            m(&[5, 12], 23),
            m(&[5], 24)
        ),
        case!(
            "fully_connected last axis",
            |x| nd::fully_connected(&x[0], &x[1], Some(&x[2]), false),
            m(&[2, 3, 4], 25),
            m(&[5, 4], 26),
            m(&[5], 27)
        ),
    ]);
}

#[test]
fn softmax_ops_match_finite_differences() {
    let _serial = serial();
    let x = |shape: &[usize], seed| uniform(shape, -2.0, 2.0, seed);

    check_all(vec![
        case!("softmax", |x| x[0].softmax(-1, 1.0), x(&[3, 4], 1)),
        case!("softmax axis 0", |x| x[0].softmax(0, 1.0), x(&[3, 4], 2)),
        case!(
            "softmax temperature",
            |x| x[0].softmax(-1, 2.0),
            x(&[3, 4], 3)
        ),
        case!(
            "softmax 3-d axis 1",
            |x| x[0].softmax(1, 0.5),
            x(&[2, 3, 4], 4)
        ),
        case!("log_softmax", |x| x[0].log_softmax(-1, 1.0), x(&[3, 4], 5)),
        case!(
            "log_softmax temperature",
            |x| x[0].log_softmax(1, 3.0),
            x(&[2, 3, 4], 6)
        ),
    ]);
}

#[test]
fn composite_expression_matches_finite_differences() {
    let _serial = serial();

    // A variable used twice and a loss built from several ops, as a loss block would.
    let loss = |x: &[NDArray]| {
        let logits = nd::fully_connected(&x[0], &x[1], Some(&x[2]), true);
        let stable = logits.relu() - &logits * &x[3] + (-logits.abs()).exp().log1p();
        stable.mean_axis(Axes::except(&[0]), false) + x[0].square().sum()
    };

    let result = check_gradients(
        loss,
        &[
            uniform(&[4, 3], -1.0, 1.0, 1),
            uniform(&[2, 3], -1.0, 1.0, 2),
            uniform(&[2], -1.0, 1.0, 3),
            nd::array(&[0.0, 1.0, 1.0, 0.0, 1.0, 1.0, 0.0, 0.0], &[4, 2]),
        ],
        &GradCheck::default(),
    );

    assert!(result.is_ok(), "{result:?}");
}

#[test]
fn checker_rejects_a_gradient_that_ignores_a_path() {
    let _serial = serial();

    // x * detach(x) has autograd gradient x (detach is a constant), but its value changes
    // like x^2, so finite differences see 2x: the checker must report the mismatch.
    let result = check_gradients(
        |x| &x[0] * &x[0].detach(),
        &[positive(&[3], 1)],
        &GradCheck::default(),
    );

    assert!(result.unwrap_err().contains("input 0"));
}

// --- record, pause and grad_req ---

#[test]
fn grad_req_add_accumulates_over_two_backward_calls() -> Result<()> {
    let _serial = serial();
    let x = nd::array(&[1.0, 2.0, 3.0], &[3]);
    x.attach_grad_with(GradReq::Add);

    for _ in 0..2 {
        autograd::record(|| (&x * 2.0).sum()).backward()?;
    }

    // Spec 3.3: two backwards of sum(2x) give [4, 4, 4].
    assert_eq!(x.grad().expect("attached").to_vec(), vec![4.0; 3]);
    Ok(())
}

#[test]
fn grad_req_write_overwrites_on_each_backward() -> Result<()> {
    let _serial = serial();
    let x = nd::array(&[1.0, 2.0], &[2]);
    x.attach_grad();

    autograd::record(|| (&x * 2.0).sum()).backward()?;
    autograd::record(|| (&x * 5.0).sum()).backward()?;

    assert_eq!(x.grad().expect("attached").to_vec(), vec![5.0, 5.0]);
    Ok(())
}

#[test]
fn grad_req_null_leaves_the_gradient_untouched() -> Result<()> {
    let _serial = serial();
    let (x, w) = (nd::array(&[1.0, 2.0], &[2]), nd::array(&[3.0, 4.0], &[2]));
    x.attach_grad_with(GradReq::Null);
    w.attach_grad();
    x.grad().expect("a buffer is allocated").fill(7.0);

    autograd::record(|| (&x * &w).sum()).backward()?;

    assert_eq!(x.grad().expect("attached").to_vec(), vec![7.0, 7.0]);
    assert_eq!(w.grad().expect("attached").to_vec(), vec![1.0, 2.0]);
    Ok(())
}

#[test]
fn pause_records_nothing() -> Result<()> {
    let _serial = serial();
    let x = nd::array(&[1.0, 2.0], &[2]);
    x.attach_grad();

    let (paused, total) = autograd::record(|| {
        let paused = autograd::pause(|| &x * 3.0);
        let total = (&paused + &x).sum();
        (paused, total)
    });
    total.backward()?;

    // d/dx (3x paused + x) = 1: the paused product is a constant.
    assert_eq!(x.grad().expect("attached").to_vec(), vec![1.0, 1.0]);
    assert!(paused.backward().is_err());
    Ok(())
}

#[test]
fn record_with_training_mode_off_still_records() -> Result<()> {
    let _serial = serial();
    let x = nd::array(&[1.0, 2.0], &[2]);
    x.attach_grad();

    let y = autograd::record_with(false, || {
        assert!(autograd::is_recording() && !autograd::is_training());
        (&x * &x).sum()
    });
    y.backward()?;

    assert_eq!(x.grad().expect("attached").to_vec(), vec![2.0, 4.0]);
    Ok(())
}

#[test]
fn guard_scopes_restore_the_previous_state() {
    let _serial = serial();

    {
        let _record = autograd::record_scope(true);
        assert!(autograd::is_recording() && autograd::is_training());
        {
            let _pause = autograd::pause_scope(false);
            assert!(!autograd::is_recording() && !autograd::is_training());
        }
        assert!(autograd::is_recording());
    }

    assert!(!autograd::is_recording() && !autograd::is_training());
}

// --- backward errors and options ---

#[test]
fn second_backward_without_retain_graph_is_an_error() -> Result<()> {
    let _serial = serial();
    let x = nd::array(&[1.0, 2.0], &[2]);
    x.attach_grad();
    let y = autograd::record(|| (&x * &x).sum());

    y.backward()?;
    let second = y.backward();

    let message = second.expect_err("the graph was freed").to_string();
    assert!(message.contains("retain_graph"), "{message}");
    Ok(())
}

#[test]
fn backward_on_an_unrecorded_array_is_an_error() {
    let _serial = serial();
    let x = nd::array(&[1.0, 2.0], &[2]);
    x.attach_grad();

    let outside = (&x * 2.0).sum().backward();
    let without_variables = autograd::record(|| nd::array(&[1.0], &[1]) * 2.0).backward();

    let message = outside.expect_err("not recorded").to_string();
    assert!(message.contains("record"), "{message}");
    assert!(without_variables.is_err());
}

#[test]
fn retain_graph_allows_a_second_backward() -> Result<()> {
    let _serial = serial();
    let x = nd::array(&[1.0, 2.0], &[2]);
    x.attach_grad_with(GradReq::Add);
    let y = autograd::record(|| (&x * &x).sum());

    y.backward_with(None, true)?;
    y.backward_with(None, false)?;

    // Two accumulated gradients of x^2: 2 * 2x.
    assert_eq!(x.grad().expect("attached").to_vec(), vec![4.0, 8.0]);
    assert!(y.backward().is_err());
    Ok(())
}

#[test]
fn explicit_head_gradient_scales_the_result() -> Result<()> {
    let _serial = serial();
    let x = nd::array(&[1.0, 2.0, 3.0], &[3]);
    x.attach_grad();
    let y = autograd::record(|| &x * 3.0);

    y.backward_with(Some(&nd::array(&[1.0, 0.0, 2.0], &[3])), false)?;

    // Spec 3.3: x*3 with head gradient [1, 0, 2] gives [3, 0, 6].
    assert_eq!(x.grad().expect("attached").to_vec(), vec![3.0, 0.0, 6.0]);
    Ok(())
}

#[test]
fn head_gradient_of_the_wrong_shape_is_an_error() {
    let _serial = serial();
    let x = nd::array(&[1.0, 2.0, 3.0], &[3]);
    x.attach_grad();
    let y = autograd::record(|| &x * 3.0);

    let result = y.backward_with(Some(&nd::ones(&[2])), false);

    let message = result.expect_err("shapes differ").to_string();
    assert!(
        message.contains("[2]") && message.contains("[3]"),
        "{message}"
    );
}

#[test]
fn grad_batch_size_is_axis_zero_of_the_head() -> Result<()> {
    let _serial = serial();
    let (x, w) = (nd::ones(&[5, 3]), nd::ones(&[3]));
    w.attach_grad();

    let per_sample = autograd::record(|| (&x * &w).sum_axis(1, false));
    per_sample.backward()?;

    // The head has 5 samples; the gradient sums over them.
    assert_eq!(w.grad_batch_size(), Some(5));
    assert_eq!(w.grad().expect("attached").to_vec(), vec![5.0; 3]);
    assert!(w.grad_is_fresh());
    w.mark_grad_used();
    assert!(!w.grad_is_fresh());
    Ok(())
}

// --- memory ---

/// One parameter of the MLP: a weight `(units, inputs)` or a bias `(units,)`.
fn parameter(shape: &[usize], seed: u64) -> NDArray {
    let fan_in = *shape.last().expect("a shape") as f32;
    let bound = (3.0 / fan_in).sqrt();
    let p = uniform(shape, -bound, bound, seed);
    p.attach_grad();
    p
}

#[test]
fn training_loop_keeps_the_graph_flat() -> Result<()> {
    let _serial = serial();
    let widths = [10, 10, 10, 10, 1];
    let layers: Vec<(NDArray, NDArray)> = widths
        .windows(2)
        .enumerate()
        .map(|(i, pair)| {
            let seed = 2 * i as u64;
            (
                parameter(&[pair[1], pair[0]], seed),
                parameter(&[pair[1]], seed + 1),
            )
        })
        .collect();
    let x = uniform(&[10, 10], -1.0, 1.0, 99);
    let target = x.sum_axis(1, true).greater_scalar(0.0);
    let steps = 100_000;
    let mut live_at_1000 = None;
    let mut first_loss = None;
    let mut last_loss = 0.0;

    for step in 1..=steps {
        let loss = autograd::record(|| {
            let mut h = x.clone();
            for (i, (weight, bias)) in layers.iter().enumerate() {
                h = nd::fully_connected(&h, weight, Some(bias), true);
                if i + 1 < layers.len() {
                    h = h.relu();
                }
            }
            (&h - &target).square().mean()
        });
        loss.backward()?;
        for (weight, bias) in &layers {
            for p in [weight, bias] {
                let g = p.grad().expect("attached");
                p.assign(&(p - &(&g * 0.05)));
            }
        }
        last_loss = loss.asscalar();
        first_loss.get_or_insert(last_loss);
        drop(loss);
        if step == 1000 {
            live_at_1000 = Some(autograd::live_nodes());
        }
    }

    let live_at_end = autograd::live_nodes();
    assert_eq!(live_at_1000, Some(live_at_end));
    assert_eq!(live_at_end, 0, "nodes survive a step");
    assert!(
        last_loss < first_loss.expect("one step ran"),
        "training made progress"
    );
    Ok(())
}
