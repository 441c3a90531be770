//! The random draws of `gluon-rs train` with the default network: for each seed, the initial
//! parameters and every epoch's shuffled batches, as one JSON object on stdout.
//!
//! `bench/reference/anes96_replay.py` feeds them to MXNet 1.9.1, which then trains on exactly
//! what the CLI trained on; the per-epoch losses it records are the fixture that
//! `tests/cli.rs` compares the CLI against. Usage:
//!
//! ```text
//! cargo run -p gluon-cli --example replay_plan -- INPUTS TRAIN_ROWS EPOCHS SEED...
//! ```
//!
//! The draws follow `train`'s order: the global generator is seeded, the network
//! (`--hidden 10,10,10`, Xavier) is initialized, then the loader shuffles once per epoch
//! with `--batch-size 10`. Loading and splitting a CSV with `--split` draws nothing.

use gluon_rs::data::{ArrayDataset, DataLoader};
use gluon_rs::init::Xavier;
use gluon_rs::nd::NDArray;
use gluon_rs::nn::{Block, Dense, HybridSequential};
use gluon_rs::random;
use serde_json::{json, Map, Value};

const HIDDEN: [usize; 3] = [10, 10, 10];
const BATCH_SIZE: usize = 10;

fn plan(inputs: usize, rows: usize, epochs: usize, seed: u64) -> gluon_rs::Result<Value> {
    random::seed(seed);
    let mut net = HybridSequential::new();
    net.name_scope(|net| -> gluon_rs::Result<()> {
        let mut in_units = inputs;
        for units in HIDDEN {
            net.add(
                Dense::builder(units)
                    .activation("relu")
                    .in_units(in_units)
                    .build()?,
            )?;
            in_units = units;
        }
        net.add(Dense::builder(1).in_units(in_units).build()?)
    })?;
    net.initialize(Xavier::default().into(), false)?;

    // Layer by layer, weight then bias.
    let mut params = Vec::new();
    for parameter in net.collect_params().values() {
        let data = parameter.data()?;
        params.push(json!({
            "name": parameter.name(),
            "shape": data.shape(),
            "values": data.to_vec(),
        }));
    }

    // The loader over row positions: each batch's labels are the positions it holds.
    let positions = NDArray::from_vec((0..rows).map(|row| row as f32).collect(), &[rows]);
    let loader = DataLoader::new(ArrayDataset::new(positions)?, BATCH_SIZE, true)?;
    let batches: Vec<Vec<Vec<usize>>> = (0..epochs)
        .map(|_| {
            (&loader)
                .into_iter()
                .map(|batch| batch.to_vec().iter().map(|&row| row as usize).collect())
                .collect()
        })
        .collect();
    Ok(json!({ "params": params, "batches": batches }))
}

#[allow(clippy::print_stdout)]
fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let usage = "usage: replay_plan INPUTS TRAIN_ROWS EPOCHS SEED...";
    if args.len() < 4 {
        return Err(usage.into());
    }
    let inputs: usize = args[0].parse()?;
    let rows: usize = args[1].parse()?;
    let epochs: usize = args[2].parse()?;
    let mut seeds = Map::new();
    for seed in &args[3..] {
        seeds.insert(seed.clone(), plan(inputs, rows, epochs, seed.parse()?)?);
    }
    println!("{}", Value::Object(seeds));
    Ok(())
}
