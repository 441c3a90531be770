//! The cost of one op on the seed program's 10 x 10 arrays, and of one forward + backward
//! of its 10-10-10-10-1 MLP at batch 10. At these sizes the arithmetic is tens of
//! nanoseconds, so the figures measure the per-op overhead: allocation, locking and
//! recording.
//!
//! Run with `cargo bench -p gluon-rs --bench nd_ops`; results go in `BENCHMARKS.md`.

// `criterion_group!` defines a public function that cannot carry a doc comment.
#![allow(missing_docs)]

use criterion::{black_box, criterion_group, criterion_main, Criterion};
use gluon_rs::autograd;
use gluon_rs::nd::{self, NDArray};
use gluon_rs::random;

fn matrix(seed: u64) -> NDArray {
    random::seed(seed);
    random::normal(0.0, 1.0, &[10, 10])
}

fn elementwise(c: &mut Criterion) {
    let (a, b) = (matrix(1), matrix(2));

    c.bench_function("add/10x10", |bench| bench.iter(|| black_box(&a + &b)));
    c.bench_function("mul_scalar/10x10", |bench| {
        bench.iter(|| black_box(&a * 0.5))
    });
    c.bench_function("relu/10x10", |bench| bench.iter(|| black_box(a.relu())));
    c.bench_function("add_broadcast/10x10+10", |bench| {
        let row = random::normal(0.0, 1.0, &[10]);
        bench.iter(|| black_box(&a + &row))
    });
}

fn reductions(c: &mut Criterion) {
    let a = matrix(3);

    c.bench_function("sum/10x10", |bench| bench.iter(|| black_box(a.sum())));
    c.bench_function("sum_axis1/10x10", |bench| {
        bench.iter(|| black_box(a.sum_axis(1, false)))
    });
}

fn products(c: &mut Criterion) {
    let (a, b) = (matrix(4), matrix(5));
    let bias = random::normal(0.0, 1.0, &[10]);

    c.bench_function("dot/10x10x10", |bench| {
        bench.iter(|| black_box(nd::dot(&a, &b, false, false)))
    });
    c.bench_function("fully_connected/10x10x10", |bench| {
        bench.iter(|| black_box(nd::fully_connected(&a, &b, Some(&bias), true)))
    });
}

fn recorded(c: &mut Criterion) {
    let (a, b) = (matrix(6), matrix(7));
    a.attach_grad();

    c.bench_function("add_recorded/10x10", |bench| {
        bench.iter(|| black_box(autograd::record(|| &a + &b)))
    });
}

/// One forward + backward of Dense(10, relu) x 3 + Dense(1) at batch 10, sum loss.
fn mlp(c: &mut Criterion) {
    let widths = [10, 10, 10, 10, 1];
    let layers: Vec<(NDArray, NDArray)> = widths
        .windows(2)
        .map(|pair| {
            let weight = random::normal(0.0, 0.3, &[pair[1], pair[0]]);
            let bias = nd::zeros(&[pair[1]]);
            weight.attach_grad();
            bias.attach_grad();
            (weight, bias)
        })
        .collect();
    let x = matrix(8);

    c.bench_function("mlp_forward_backward/batch10", |bench| {
        bench.iter(|| {
            let loss = autograd::record(|| {
                let mut h = x.clone();
                for (i, (weight, bias)) in layers.iter().enumerate() {
                    h = nd::fully_connected(&h, weight, Some(bias), true);
                    if i + 1 < layers.len() {
                        h = h.relu();
                    }
                }
                h.sum()
            });
            loss.backward().expect("a recorded loss");
        })
    });
}

criterion_group!(benches, elementwise, reductions, products, recorded, mlp);
criterion_main!(benches);
