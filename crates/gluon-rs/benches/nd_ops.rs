//! The cost of one op on the seed program's 10 x 10 arrays, and of one forward + backward
//! of its 10-10-10-10-1 MLP at batch 10. At these sizes the arithmetic is tens of
//! nanoseconds, so the figures measure the per-op overhead: allocation, locking and
//! recording.
//!
//! Run with `cargo bench -p gluon-rs --bench nd_ops`; results go in `BENCHMARKS.md`. With
//! `GLUON_RS_BENCH_ON_CPU=1` (Linux only) the figures are the time this thread spent on a
//! CPU instead of wall-clock time, which stays meaningful on a machine shared with other
//! busy processes.

use criterion::measurement::{Measurement, ValueFormatter};
use criterion::{black_box, Criterion, Throughput};
use gluon_rs::autograd;
use gluon_rs::nd::{self, NDArray};
use gluon_rs::random;

fn matrix(seed: u64) -> NDArray {
    random::seed(seed);
    random::normal(0.0, 1.0, &[10, 10])
}

/// Nanoseconds the calling thread has spent running on a CPU, from the first field of
/// Linux's `/proc/thread-self/schedstat`.
fn on_cpu_nanoseconds() -> u64 {
    let text = std::fs::read_to_string("/proc/thread-self/schedstat")
        .expect("GLUON_RS_BENCH_ON_CPU needs Linux's /proc/thread-self/schedstat");
    text.split_whitespace()
        .next()
        .and_then(|field| field.parse().ok())
        .expect("schedstat starts with the on-CPU time in nanoseconds")
}

/// A criterion measurement of on-CPU time: time the thread waited while other processes
/// ran is not counted.
struct OnCpuTime;

impl Measurement for OnCpuTime {
    type Intermediate = u64;
    type Value = u64;

    fn start(&self) -> u64 {
        on_cpu_nanoseconds()
    }

    fn end(&self, start: u64) -> u64 {
        on_cpu_nanoseconds() - start
    }

    fn add(&self, first: &u64, second: &u64) -> u64 {
        first + second
    }

    fn zero(&self) -> u64 {
        0
    }

    fn to_f64(&self, value: &u64) -> f64 {
        *value as f64
    }

    fn formatter(&self) -> &dyn ValueFormatter {
        &Nanoseconds
    }
}

/// Shows nanosecond values in ns, µs, ms or s.
struct Nanoseconds;

impl ValueFormatter for Nanoseconds {
    fn scale_values(&self, typical_value: f64, values: &mut [f64]) -> &'static str {
        let (factor, unit) = match typical_value {
            v if v < 1e3 => (1.0, "ns"),
            v if v < 1e6 => (1e-3, "µs"),
            v if v < 1e9 => (1e-6, "ms"),
            _ => (1e-9, "s"),
        };
        values.iter_mut().for_each(|value| *value *= factor);
        unit
    }

    fn scale_throughputs(
        &self,
        _typical_value: f64,
        _throughput: &Throughput,
        values: &mut [f64],
    ) -> &'static str {
        // No benchmark here sets a throughput; report iterations per second.
        values.iter_mut().for_each(|value| *value = 1e9 / *value);
        "iter/s"
    }

    fn scale_for_machines(&self, _values: &mut [f64]) -> &'static str {
        "ns"
    }
}

fn elementwise<M: Measurement + 'static>(c: &mut Criterion<M>) {
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

fn reductions<M: Measurement + 'static>(c: &mut Criterion<M>) {
    let a = matrix(3);

    c.bench_function("sum/10x10", |bench| bench.iter(|| black_box(a.sum())));
    c.bench_function("sum_axis1/10x10", |bench| {
        bench.iter(|| black_box(a.sum_axis(1, false)))
    });
}

fn products<M: Measurement + 'static>(c: &mut Criterion<M>) {
    let (a, b) = (matrix(4), matrix(5));
    let bias = random::normal(0.0, 1.0, &[10]);

    c.bench_function("dot/10x10x10", |bench| {
        bench.iter(|| black_box(nd::dot(&a, &b, false, false)))
    });
    c.bench_function("fully_connected/10x10x10", |bench| {
        bench.iter(|| black_box(nd::fully_connected(&a, &b, Some(&bias), true)))
    });
}

fn recorded<M: Measurement + 'static>(c: &mut Criterion<M>) {
    let (a, b) = (matrix(6), matrix(7));
    a.attach_grad();

    c.bench_function("add_recorded/10x10", |bench| {
        bench.iter(|| black_box(autograd::record(|| &a + &b)))
    });
}

/// One forward + backward of Dense(10, relu) x 3 + Dense(1) at batch 10, sum loss.
fn mlp<M: Measurement + 'static>(c: &mut Criterion<M>) {
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

fn run_all<M: Measurement + 'static>(mut c: Criterion<M>) {
    elementwise(&mut c);
    reductions(&mut c);
    products(&mut c);
    recorded(&mut c);
    mlp(&mut c);
    c.final_summary();
}

fn main() {
    if std::env::var_os("GLUON_RS_BENCH_ON_CPU").is_some() {
        // The kernel updates the on-CPU count at scheduler ticks (a few milliseconds), so
        // ten long samples replace criterion's hundred short ones.
        let on_cpu = Criterion::default()
            .sample_size(10)
            .with_measurement(OnCpuTime)
            .configure_from_args();
        run_all(on_cpu);
    } else {
        run_all(Criterion::default().configure_from_args());
    }
}
