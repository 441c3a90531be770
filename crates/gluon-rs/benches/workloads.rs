//! The three training workloads of BENCHMARKS.md, one JSON line each:
//! `cargo bench -p gluon-rs --bench workloads -- W1 W2 W3`.
//!
//! The same workloads, for MXNet 1.9.1 and PyTorch, are in `bench/reference/`; each
//! framework makes its rows with the same recipe from its own seeded generator.

use gluon_rs::autograd;
use gluon_rs::data::{ArrayDataset, DataLoader};
use gluon_rs::init::Xavier;
use gluon_rs::loss::{Loss, SigmoidBinaryCrossEntropyLoss};
use gluon_rs::metric::{Accuracy, EvalMetric, F1};
use gluon_rs::nd::{self, NDArray};
use gluon_rs::nn::{Block, Dense, HybridSequential};
use gluon_rs::{optim, random, Result, Trainer};
use std::time::Instant;

/// One workload's settings (see `bench/reference/workloads.py`).
struct Workload {
    name: &'static str,
    train: usize,
    val: usize,
    features: usize,
    hidden: &'static [usize],
    batch: usize,
    epochs: usize,
    lr: f64,
    momentum: f64,
    /// The seed's `sum > 3` labels, or a fixed random linear rule with noise.
    sum_rule: bool,
}

const WORKLOADS: [Workload; 3] = [
    Workload {
        name: "W1",
        train: 1000,
        val: 100,
        features: 10,
        hidden: &[10, 10, 10],
        batch: 10,
        epochs: 10,
        lr: 0.1,
        momentum: 0.0,
        sum_rule: true,
    },
    Workload {
        name: "W2",
        train: 200_000,
        val: 10_000,
        features: 100,
        hidden: &[256, 256],
        batch: 1024,
        epochs: 3,
        lr: 0.05,
        momentum: 0.9,
        sum_rule: false,
    },
    Workload {
        name: "W3",
        train: 1_000_000,
        val: 10_000,
        features: 100,
        hidden: &[],
        batch: 4096,
        epochs: 5,
        lr: 0.1,
        momentum: 0.0,
        sum_rule: false,
    },
];

/// Rows from N(0, 1) and their labels.
fn make_data(w: &Workload) -> (NDArray, NDArray) {
    let rows = w.train + w.val;
    let x = random::normal(0.0, 1.0, &[rows, w.features]);
    let y = if w.sum_rule {
        x.sum_axis(1, false).greater_scalar(3.0)
    } else {
        let mut generator = random::Generator::new(1234);
        let mut coef = vec![0.0; w.features];
        generator.fill_normal(&mut coef, 0.0, 1.0 / (w.features as f32).sqrt());
        let coef = NDArray::from_vec(coef, &[w.features, 1]);
        let noise = random::normal(0.0, 0.5, &[rows]);
        (nd::dot(&x, &coef, false, false).reshape(&[-1]) + noise).greater_scalar(0.0)
    };
    (x, y)
}

/// Multiply-adds times 2 of forward and backward (about 3 x forward) per sample.
fn flops_per_sample(w: &Workload) -> f64 {
    let mut sizes = vec![w.features];
    sizes.extend_from_slice(w.hidden);
    sizes.push(1);
    3.0 * sizes
        .windows(2)
        .map(|p| 2.0 * (p[0] * p[1]) as f64)
        .sum::<f64>()
}

fn run(w: &Workload) -> Result<String> {
    let start = Instant::now();
    random::seed(12345);
    let (x, y) = make_data(w);
    let train_rows: Vec<isize> = vec![0, w.train as isize];
    let (train_x, val_x) = (
        x.slice_axis(0, 0, Some(train_rows[1])),
        x.slice_axis(0, train_rows[1], None),
    );
    let (train_y, val_y) = (
        y.slice_axis(0, 0, Some(train_rows[1])),
        y.slice_axis(0, train_rows[1], None),
    );
    let train_loader = DataLoader::new(ArrayDataset::new((train_x, train_y))?, w.batch, true)?;
    let val_loader = DataLoader::new(ArrayDataset::new((val_x, val_y))?, w.batch, false)?;
    let mut net = HybridSequential::new();
    net.name_scope(|net| -> Result<()> {
        for &units in w.hidden {
            net.add(Dense::builder(units).activation("relu").build()?)?;
        }
        net.add(Dense::new(1)?)
    })?;
    net.initialize(Xavier::default().into(), false)?;
    let loss = SigmoidBinaryCrossEntropyLoss::new();
    let settings = optim::params([("learning_rate", w.lr), ("momentum", w.momentum)]);
    let mut trainer = Trainer::new(net.collect_params(), "sgd", settings)?;
    let mut accuracy = Accuracy::new();
    let mut f1 = F1::new();
    let setup = start.elapsed().as_secs_f64();

    let start = Instant::now();
    let (mut steps, mut final_loss) = (0usize, 0.0f64);
    for _ in 0..w.epochs {
        let mut total = 0.0f64;
        for (data, label) in &train_loader {
            let batch_loss = autograd::record(|| loss.forward(&net.forward(&data)?, &label))?;
            batch_loss.backward()?;
            trainer.step(data.shape()[0])?;
            total += batch_loss.sum().asscalar() as f64;
            steps += 1;
        }
        final_loss = total / w.train as f64;
        accuracy.reset();
        for (data, label) in &val_loader {
            let probability = net.forward(&data)?.sigmoid().reshape(&[-1]);
            accuracy.update(&label, &nd::ceil(&(&probability - 0.5)))?;
            f1.update(
                &label,
                &nd::stack(&[&(1.0 - &probability), &probability], 1),
            )?;
        }
    }
    let train = start.elapsed().as_secs_f64();

    let samples = (w.train * w.epochs) as f64;
    let line = serde_json::json!({
        "impl": "gluon-rs",
        "workload": w.name,
        "threads": std::env::var("MATMUL_NUM_THREADS").ok().and_then(|t| t.parse::<usize>().ok()),
        "setup_s": setup,
        "train_s": train,
        "step_us": train / steps as f64 * 1e6,
        "samples_per_s": samples / train,
        "gflops": samples * flops_per_sample(w) / train / 1e9,
        "final_loss": final_loss,
        "val_accuracy": accuracy.get().1,
    });
    Ok(line.to_string())
}

#[allow(clippy::print_stdout)]
fn main() -> Result<()> {
    // `cargo bench` passes `--bench`; every other argument names a workload.
    let wanted: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| !a.starts_with("--"))
        .collect();
    for workload in &WORKLOADS {
        if wanted.is_empty() || wanted.iter().any(|name| name == workload.name) {
            println!("{}", run(workload)?);
        }
    }
    Ok(())
}
