//! NDArray behaviour: broadcasting, reshape, reductions and softmax as properties over
//! random shapes, and hand-computed checks of printing, reshape codes and contexts.
//!
//! Expected values come from an element-by-element reference written here (properties) or
//! from hand computation (stated in each test).

use gluon_rs::nd::{self, Axes, NDArray};
use gluon_rs::random::Generator;
use proptest::prelude::*;

// --- helpers ---

/// Whether `got` and `want` agree within `atol + rtol * |want|` everywhere.
fn assert_close(got: &[f32], want: &[f32], atol: f32, rtol: f32) {
    assert_eq!(got.len(), want.len(), "lengths differ");
    for (i, (&g, &w)) in got.iter().zip(want).enumerate() {
        assert!(
            (g - w).abs() <= atol + rtol * w.abs(),
            "element {i}: got {g}, expected {w}"
        );
    }
}

/// Deterministic values in `[-2, 2)` for a shape.
fn values(shape: &[usize], seed: u64) -> NDArray {
    let mut data = vec![0.0; shape.iter().product()];
    Generator::new(seed).fill_uniform(&mut data, -2.0, 2.0);
    NDArray::from_vec(data, shape)
}

/// The message of a panic raised by `f`.
fn panic_message(f: impl FnOnce()) -> String {
    let payload = std::panic::catch_unwind(std::panic::AssertUnwindSafe(f))
        .expect_err("the call should panic");
    payload
        .downcast_ref::<String>()
        .cloned()
        .or_else(|| payload.downcast_ref::<&str>().map(|s| s.to_string()))
        .unwrap_or_default()
}

/// Reads `data` of `shape` at the output position `index` of a broadcast into `out_shape`.
fn broadcast_read(data: &[f32], shape: &[usize], out_shape: &[usize], index: &[usize]) -> f32 {
    let offset = out_shape.len() - shape.len();
    let mut flat = 0;
    for (axis, &dim) in shape.iter().enumerate() {
        let position = if dim == 1 { 0 } else { index[axis + offset] };
        flat = flat * dim + position;
    }
    data[flat]
}

/// The row-major multi-index of flat position `flat` in `shape`.
fn unravel(mut flat: usize, shape: &[usize]) -> Vec<usize> {
    let mut index = vec![0; shape.len()];
    for (axis, &dim) in shape.iter().enumerate().rev() {
        index[axis] = flat % dim;
        flat /= dim;
    }
    index
}

/// The element-by-element reference of a broadcasting binary op.
fn reference(a: &NDArray, b: &NDArray, out_shape: &[usize], f: fn(f32, f32) -> f32) -> Vec<f32> {
    let (a_data, b_data) = (a.to_vec(), b.to_vec());
    (0..out_shape.iter().product())
        .map(|flat| {
            let index = unravel(flat, out_shape);
            f(
                broadcast_read(&a_data, a.shape(), out_shape, &index),
                broadcast_read(&b_data, b.shape(), out_shape, &index),
            )
        })
        .collect()
}

/// NumPy's rule for compatible shapes: right-aligned, each axis the longer of the two.
fn broadcast_by_hand(a: &[usize], b: &[usize]) -> Vec<usize> {
    let rank = a.len().max(b.len());
    let dim = |shape: &[usize], axis: usize| {
        (axis + shape.len())
            .checked_sub(rank)
            .map_or(1, |position| shape[position])
    };
    (0..rank)
        .map(|axis| dim(a, axis).max(dim(b, axis)))
        .collect()
}

/// An array op and the scalar function it applies to each broadcast pair.
type OpWithReference = (fn(&NDArray, &NDArray) -> NDArray, fn(f32, f32) -> f32);

// --- strategies ---

/// An output shape of rank 1 to 4 with dims 1 to 8, and two shapes that broadcast to it:
/// each drops some leading axes and sets some of the remaining ones to 1.
fn compatible_shapes() -> impl Strategy<Value = (Vec<usize>, Vec<usize>, Vec<usize>)> {
    prop::collection::vec(1usize..=8, 1..=4).prop_flat_map(|out| {
        let rank = out.len();
        let operand = (0..=rank, prop::collection::vec(any::<bool>(), rank));
        (Just(out), operand.clone(), operand).prop_map(
            move |(out, (drop_a, ones_a), (drop_b, ones_b))| {
                let shrink = |drop: usize, ones: &[bool]| -> Vec<usize> {
                    (drop..out.len())
                        .map(|axis| if ones[axis] { 1 } else { out[axis] })
                        .collect()
                };
                let a = shrink(drop_a.min(rank - 1), &ones_a);
                let b = shrink(drop_b.min(rank - 1), &ones_b);
                (out.clone(), a, b)
            },
        )
    })
}

/// A shape of rank 1 to 4 with dims 1 to 8.
fn shape() -> impl Strategy<Value = Vec<usize>> {
    prop::collection::vec(1usize..=8, 1..=4)
}

// --- properties ---

proptest! {
    #[test]
    fn broadcasting_ops_agree_with_the_elementwise_reference(
        (_, a_shape, b_shape) in compatible_shapes(),
        seed in any::<u64>(),
    ) {
        let a = values(&a_shape, seed);
        let b = values(&b_shape, seed ^ 0x5eed);
        let expected_shape = broadcast_by_hand(&a_shape, &b_shape);
        let ops: [OpWithReference; 6] = [
            (NDArray::add, |x, y| x + y),
            (NDArray::sub, |x, y| x - y),
            (NDArray::mul, |x, y| x * y),
            (NDArray::div, |x, y| x / y),
            (NDArray::maximum, f32::max),
            (NDArray::greater, |x, y| f32::from(u8::from(x > y))),
        ];

        for (op, scalar_op) in ops {
            let got = op(&a, &b);

            prop_assert_eq!(got.shape(), &expected_shape[..]);
            assert_close(&got.to_vec(), &reference(&a, &b, got.shape(), scalar_op), 0.0, 1e-6);
        }
    }

    #[test]
    fn broadcasting_is_symmetric((_, a_shape, b_shape) in compatible_shapes(), seed in any::<u64>()) {
        let a = values(&a_shape, seed);
        let b = values(&b_shape, seed.wrapping_add(1));

        let forward = &a + &b;
        let backward = &b + &a;

        prop_assert_eq!(forward.shape(), backward.shape());
        assert_close(&forward.to_vec(), &backward.to_vec(), 0.0, 0.0);
    }

    #[test]
    fn incompatible_shapes_panic_naming_both(
        a_shape in shape(),
        axis_pick in any::<prop::sample::Index>(),
        bump in 1usize..=7,
    ) {
        // Make one axis at least 2 long in `a` and longer still in `b`: neither is 1.
        let axis = axis_pick.index(a_shape.len());
        let mut a_shape = a_shape;
        a_shape[axis] = a_shape[axis].max(2);
        let mut b_shape = a_shape.clone();
        b_shape[axis] += bump;
        let (a, b) = (NDArray::zeros(&a_shape), NDArray::zeros(&b_shape));

        let message = panic_message(|| {
            let _ = &a * &b;
        });

        prop_assert!(message.contains(&format!("{a_shape:?}")), "{}", message);
        prop_assert!(message.contains(&format!("{b_shape:?}")), "{}", message);
        prop_assert!(message.contains("broadcast_mul"), "{}", message);
    }

    #[test]
    fn reshape_round_trips(dims in shape(), seed in any::<u64>()) {
        let x = values(&dims, seed);
        let codes: Vec<isize> = dims.iter().map(|&d| d as isize).collect();

        let flat = x.reshape(&[-1]);
        let back = flat.reshape(&codes);
        let reversed_dims: Vec<isize> = codes.iter().rev().copied().collect();
        let through_reversed = x.reshape(&reversed_dims).reshape(&codes);

        prop_assert_eq!(flat.shape(), &[x.size()]);
        prop_assert_eq!(back.shape(), x.shape());
        prop_assert_eq!(back.to_vec(), x.to_vec());
        prop_assert_eq!(through_reversed.to_vec(), x.to_vec());
    }

    #[test]
    fn summing_every_axis_in_turn_gives_the_total(dims in shape(), seed in any::<u64>()) {
        let x = values(&dims, seed);
        let total = x.sum().asscalar();

        let mut reduced = x.clone();
        while reduced.ndim() > 1 {
            reduced = reduced.sum_axis(0, false);
        }
        let last = reduced.sum_axis(0, false);
        let every_axis: Vec<isize> = (0..dims.len() as isize).collect();
        let listed = x.sum_axis(&every_axis[..], false);
        let kept = x.sum_axis(Axes::All, true);

        prop_assert_eq!(last.shape(), &[1]);
        prop_assert_eq!(listed.shape(), &[1]);
        prop_assert_eq!(kept.shape(), &vec![1; dims.len()][..]);
        assert_close(&last.to_vec(), &[total], 1e-4, 1e-4);
        assert_close(&listed.to_vec(), &[total], 1e-4, 1e-4);
        assert_close(&kept.to_vec(), &[total], 1e-4, 1e-4);
    }

    #[test]
    fn softmax_lanes_sum_to_one(dims in shape(), seed in any::<u64>(), axis_pick in any::<prop::sample::Index>()) {
        let x = &values(&dims, seed) * 20.0;
        let axis = axis_pick.index(dims.len()) as isize;

        let y = x.softmax(axis, 1.0);
        let lanes = y.sum_axis(axis, false);
        let log_lanes = x.log_softmax(axis, 2.0).exp().sum_axis(axis, false);

        assert_close(&lanes.to_vec(), &vec![1.0; lanes.size()], 1e-5, 0.0);
        assert_close(&log_lanes.to_vec(), &vec![1.0; log_lanes.size()], 1e-5, 0.0);
        prop_assert!(y.to_vec().iter().all(|&p| (0.0..=1.0).contains(&p)));
    }
}

// --- hand-computed ---

#[test]
fn display_prints_values_then_shape_and_context() {
    let x = nd::array(&[1.0, 2.0, 3.0, 4.0], &[2, 2]);

    let text = x.to_string();

    // MXNet prints `\n[[1. 2.]\n [3. 4.]]\n<NDArray 2x2 @cpu(0)>`.
    assert_eq!(text, "\n[[1. 2.]\n [3. 4.]]\n<NDArray 2x2 @cpu(0)>");
    assert!(nd::zeros(&[2, 3, 4])
        .to_string()
        .ends_with("<NDArray 2x3x4 @cpu(0)>"));
}

#[test]
fn reshape_special_codes_follow_the_spec_table() {
    // Spec section 1.5, on input shape (2, 3, 4).
    let x = nd::arange(0.0, 24.0, 1.0).reshape(&[2, 3, 4]);
    let cases: [(&[isize], &[usize]); 10] = [
        (&[6, -1], &[6, 4]),
        (&[0, -1], &[2, 12]),
        (&[0, 0, -1], &[2, 3, 4]),
        (&[-1], &[24]),
        (&[-2], &[2, 3, 4]),
        (&[0, -2], &[2, 3, 4]),
        (&[-3, 4], &[6, 4]),
        (&[2, -3], &[2, 12]),
        (&[-4, 1, 2, -2], &[1, 2, 3, 4]),
        (&[-4, -1, 1, 3, 4], &[2, 1, 3, 4]),
    ];

    for (codes, expected) in cases {
        let y = x.reshape(codes);

        assert_eq!(y.shape(), expected, "codes {codes:?}");
        assert_eq!(y.to_vec(), x.to_vec(), "codes {codes:?}");
    }
    assert_eq!(x.reshape_reverse(&[-1, 0]).shape(), &[6, 4]);
}

#[test]
fn reshape_rejects_a_second_inferred_axis() {
    let x = nd::zeros(&[2, 3, 4]);

    let message = panic_message(|| {
        x.reshape(&[-1, -1]);
    });

    assert!(message.contains("[2, 3, 4]"), "{message}");
    assert!(message.contains("-1"), "{message}");
}

#[test]
fn reshape_rejects_a_wrong_element_count() {
    let x = nd::zeros(&[2, 3, 4]);

    let message = panic_message(|| {
        x.reshape(&[5, -1]);
    });

    assert!(message.contains("24"), "{message}");
}

#[test]
fn gpu_is_an_error_naming_the_missing_support() {
    let result = gluon_rs::gpu(1);

    let message = result.expect_err("no GPU in this build").to_string();
    assert!(message.contains("gpu(1)"), "{message}");
    assert!(message.contains("no GPU support"), "{message}");
    assert_eq!(nd::zeros(&[1]).context(), gluon_rs::cpu());
}

#[test]
fn seed_label_rule_reads_naturally() {
    // Spec 1.2: [[1, 2.5], [0.5, 0.1], [3, 0]].sum(axis=1) > 3 is [1, 0, 0].
    let x = nd::array(&[1.0, 2.5, 0.5, 0.1, 3.0, 0.0], &[3, 2]);

    let labels = x.sum_axis(1, false).greater_scalar(3.0);

    assert_eq!(labels.to_vec(), vec![1.0, 0.0, 0.0]);
}

#[test]
fn asscalar_on_many_elements_names_the_shape() {
    let x = nd::zeros(&[2, 3]);

    let message = panic_message(|| {
        x.asscalar();
    });

    assert!(message.contains("[2, 3]"), "{message}");
}

#[test]
fn dot_with_mismatched_inner_sizes_names_both_shapes() {
    let (a, b) = (nd::zeros(&[2, 3]), nd::zeros(&[4, 5]));

    let message = panic_message(|| {
        nd::dot(&a, &b, false, false);
    });

    assert!(
        message.contains("[2, 3]") && message.contains("[4, 5]"),
        "{message}"
    );
}

#[test]
fn scalar_operators_work_on_both_sides() {
    // Hand computation: 1 - [0.25, 0.75] = [0.75, 0.25]; [0.25, 0.75] - 0.5 = [-0.25, 0.25].
    let prediction = nd::array(&[0.25, 0.75], &[2]);

    let complement = 1.0 - &prediction;
    let centred = &prediction - 0.5;
    let scaled = 2.0 * prediction.clone() / 4.0;

    assert_eq!(complement.to_vec(), vec![0.75, 0.25]);
    assert_eq!(centred.to_vec(), vec![-0.25, 0.25]);
    assert_eq!(scaled.to_vec(), vec![0.125, 0.375]);
}
