//! Datasets, loaders, samplers, CSV input, standardization and splits.

use gluon_rs::data::{
    ArrayDataset, BatchSampler, DataLoader, Dataset, IntervalSampler, LastBatch, RandomSampler,
    Sampler, SequentialSampler, SimpleDataset,
};
use gluon_rs::nd::NDArray;
use gluon_rs::{random, Error, Result};
use proptest::prelude::*;
use std::time::Duration;

/// A dataset of `n` items whose label is the item's index.
fn indexed(n: usize, width: usize) -> ArrayDataset<(NDArray, NDArray)> {
    let x = NDArray::from_vec((0..n * width).map(|v| v as f32).collect(), &[n, width]);
    let y = NDArray::from_vec((0..n).map(|i| i as f32).collect(), &[n]);
    ArrayDataset::new((x, y)).expect("equal lengths")
}

fn epoch_sizes<D: Dataset + 'static>(loader: &DataLoader<D, (NDArray, NDArray)>) -> Vec<usize> {
    loader
        .into_iter()
        .map(|(data, _)| data.shape()[0])
        .collect()
}

fn epoch_indices<D: Dataset + 'static>(loader: &DataLoader<D, (NDArray, NDArray)>) -> Vec<usize> {
    loader
        .into_iter()
        .flat_map(|(_, label)| label.to_vec())
        .map(|v| v as usize)
        .collect()
}

fn loader(
    n: usize,
    batch_size: usize,
    last_batch: LastBatch,
) -> DataLoader<ArrayDataset<(NDArray, NDArray)>> {
    DataLoader::builder(indexed(n, 2))
        .with_batch_size(batch_size)
        .with_last_batch(last_batch)
        .build()
        .expect("valid settings")
}

// --- last batch handling: 5 items in batches of 2 (expected sizes by hand) ---

#[test]
fn keep_yields_the_short_batch() {
    let loader = loader(5, 2, LastBatch::Keep);

    let sizes = epoch_sizes(&loader);

    assert_eq!(sizes, vec![2, 2, 1]);
    assert_eq!(loader.len(), 3);
}

#[test]
fn discard_drops_the_short_batch() {
    let loader = loader(5, 2, LastBatch::Discard);

    let sizes = epoch_sizes(&loader);

    assert_eq!(sizes, vec![2, 2]);
    assert_eq!(loader.len(), 2);
}

#[test]
fn rollover_carries_the_remainder_to_the_next_epoch() {
    let loader = loader(5, 2, LastBatch::Rollover);

    let first_len = loader.len();
    let first = epoch_sizes(&loader);
    let second_len = loader.len();
    let second = epoch_indices(&loader);

    assert_eq!((first_len, first), (2, vec![2, 2]));
    assert_eq!(second_len, 3);
    // Item 4, left over from the first epoch, comes first.
    assert_eq!(second, vec![4, 0, 1, 2, 3, 4]);
}

// --- batch shapes ---

#[test]
fn flat_label_batches_to_a_vector_and_column_label_to_a_column() -> Result<()> {
    let x = NDArray::zeros(&[6, 3]);
    let flat = ArrayDataset::new((x.clone(), NDArray::zeros(&[6])))?;
    let column = ArrayDataset::new((x, NDArray::zeros(&[6, 1])))?;

    let (_, flat_label) = DataLoader::new(flat, 4, false)?.into_iter().next().unwrap();
    let (data, column_label) = DataLoader::new(column, 4, false)?
        .into_iter()
        .next()
        .unwrap();

    assert_eq!(data.shape(), &[4, 3]);
    assert_eq!(flat_label.shape(), &[4]);
    assert_eq!(column_label.shape(), &[4, 1]);
    Ok(())
}

#[test]
fn single_array_and_vec_datasets_batch_naturally() -> Result<()> {
    let single = ArrayDataset::new(NDArray::zeros(&[5, 2]))?;
    let several = ArrayDataset::new(vec![
        NDArray::zeros(&[5, 2]),
        NDArray::zeros(&[5]),
        NDArray::zeros(&[5, 3, 3]),
    ])?;

    let first: NDArray = DataLoader::new(single, 5, false)?
        .into_iter()
        .next()
        .unwrap();
    let parts: Vec<NDArray> = DataLoader::new(several, 5, false)?
        .into_iter()
        .next()
        .unwrap();

    assert_eq!(first.shape(), &[5, 2]);
    let shapes: Vec<&[usize]> = parts.iter().map(NDArray::shape).collect();
    assert_eq!(shapes, vec![&[5, 2][..], &[5][..], &[5, 3, 3][..]]);
    Ok(())
}

#[test]
fn simple_dataset_of_numbers_batches_to_f32() -> Result<()> {
    let dataset = SimpleDataset::new(vec![(1.5f64, 1i64), (2.5, 0), (3.5, 1)]);

    let batches: Vec<(NDArray, NDArray)> =
        DataLoader::new(dataset, 2, false)?.into_iter().collect();

    assert_eq!(batches[0].0.to_vec(), vec![1.5, 2.5]);
    assert_eq!(batches[1].1.to_vec(), vec![1.0]);
    Ok(())
}

#[test]
fn custom_batchify_receives_items_in_order() -> Result<()> {
    let loader = DataLoader::builder(SimpleDataset::new(vec![3, 1, 4, 1, 5]))
        .with_batch_size(2)
        .build_with(|items: Vec<i32>| items.iter().sum::<i32>())?;

    let sums: Vec<i32> = loader.into_iter().collect();

    assert_eq!(sums, vec![4, 5, 5]);
    Ok(())
}

#[test]
fn transformed_dataset_is_loaded_through_its_transform() -> Result<()> {
    let dataset = indexed(4, 2).transform_first(|row: NDArray| &row * 0.0 + 1.0);

    let (data, label) = DataLoader::new(dataset, 4, false)?
        .into_iter()
        .next()
        .unwrap();

    assert_eq!(data.to_vec(), vec![1.0; 8]);
    assert_eq!(label.to_vec(), vec![0.0, 1.0, 2.0, 3.0]);
    Ok(())
}

// --- settings checked at construction ---

fn config_error<T>(result: Result<T>) -> String {
    match result {
        Err(error @ Error::Config { .. }) => error.to_string(),
        Err(other) => panic!("expected a config error, got {other}"),
        Ok(_) => panic!("expected a config error, got a loader"),
    }
}

#[test]
fn zero_batch_size_is_rejected_at_construction() {
    let message = config_error(DataLoader::new(indexed(3, 1), 0, false));

    assert_eq!(message, "invalid batch_size: must be at least 1, got 0");
}

#[test]
fn missing_batch_size_is_rejected() {
    let message = config_error(DataLoader::builder(indexed(3, 1)).build());

    assert!(message.contains("batch_size is required"), "{message}");
}

#[test]
fn shuffle_with_sampler_is_rejected() {
    let builder = DataLoader::builder(indexed(3, 1))
        .with_batch_size(1)
        .with_shuffle(true)
        .with_sampler(SequentialSampler::new(3));

    let message = config_error(builder.build());

    assert!(message.contains("shuffle and a sampler"), "{message}");
}

#[test]
fn batch_sampler_with_batch_size_is_rejected() -> Result<()> {
    let batches = BatchSampler::new(SequentialSampler::new(3), 2, LastBatch::Keep)?;
    let builder = DataLoader::builder(indexed(3, 1))
        .with_batch_size(2)
        .with_batch_sampler(batches);

    let message = config_error(builder.build());

    assert!(message.contains("a batch sampler excludes"), "{message}");
    Ok(())
}

#[test]
fn seed_without_shuffle_is_rejected() {
    let builder = DataLoader::builder(indexed(3, 1))
        .with_batch_size(1)
        .with_seed(3);

    let message = config_error(builder.build());

    assert!(
        message.contains("seed applies only when shuffle"),
        "{message}"
    );
}

#[test]
fn zero_prefetch_with_workers_is_rejected() {
    let builder = DataLoader::builder(indexed(3, 1))
        .with_batch_size(1)
        .with_num_workers(2)
        .with_prefetch(0);

    let message = config_error(builder.build());

    assert!(message.contains("prefetch"), "{message}");
}

// --- samplers ---

#[test]
fn batch_sampler_drives_the_loader() -> Result<()> {
    let batches = BatchSampler::new(IntervalSampler::new(6, 2, true)?, 3, LastBatch::Keep)?;
    let loader = DataLoader::builder(indexed(6, 1))
        .with_batch_sampler(batches)
        .build()?;

    let order = epoch_indices(&loader);

    assert_eq!(order, vec![0, 2, 4, 1, 3, 5]);
    Ok(())
}

#[test]
#[should_panic(expected = "the sampler yielded index 3, but the dataset has 3 items")]
fn sampler_index_outside_the_dataset_panics_with_both_numbers() {
    let loader = DataLoader::builder(indexed(3, 1))
        .with_batch_size(2)
        .with_sampler(SequentialSampler::with_start(3, 1))
        .build()
        .unwrap();

    loader.into_iter().count();
}

#[test]
fn global_seed_makes_shuffled_epochs_repeatable() -> Result<()> {
    // The only test in this binary that draws from the global generator, so no other test
    // can interleave draws with it.
    let loader = DataLoader::new(indexed(30, 1), 7, true)?;

    random::seed(11);
    let first = (epoch_indices(&loader), epoch_indices(&loader));
    random::seed(11);
    let second = (epoch_indices(&loader), epoch_indices(&loader));

    assert_eq!(first, second);
    assert_ne!(first.0, first.1);
    assert_ne!(first.0, (0..30).collect::<Vec<_>>());
    Ok(())
}

#[test]
fn loader_seed_gives_its_own_repeatable_order() -> Result<()> {
    let make = || {
        DataLoader::builder(indexed(20, 1))
            .with_batch_size(6)
            .with_shuffle(true)
            .with_seed(5)
            .build()
    };

    let first = epoch_indices(&make()?);
    let second = epoch_indices(&make()?);

    assert_eq!(first, second);
    Ok(())
}

#[test]
fn random_sampler_with_seed_is_a_permutation() {
    let sampler = RandomSampler::with_seed(17, 2);

    let mut order = sampler.sample();

    order.sort_unstable();
    assert_eq!(order, (0..17).collect::<Vec<_>>());
}

// --- workers ---

/// A dataset whose items take time to read, finishing out of order.
struct Slow(usize);

impl Dataset for Slow {
    type Item = (NDArray, NDArray);

    fn len(&self) -> usize {
        self.0
    }

    fn get(&self, index: usize) -> (NDArray, NDArray) {
        std::thread::sleep(Duration::from_millis(((index * 7) % 5) as u64));
        (
            NDArray::full(&[2], index as f32),
            NDArray::from_vec(vec![index as f32], &[]),
        )
    }
}

#[test]
fn workers_give_the_same_batches_as_no_workers() -> Result<()> {
    let build = |workers: usize| {
        DataLoader::builder(Slow(23))
            .with_batch_size(4)
            .with_shuffle(true)
            .with_seed(9)
            .with_last_batch(LastBatch::Rollover)
            .with_num_workers(workers)
            .build()
    };
    let inline = build(0)?;
    let threaded = build(3)?;

    let expected: Vec<Vec<usize>> = (0..3).map(|_| epoch_indices(&inline)).collect();
    let got: Vec<Vec<usize>> = (0..3).map(|_| epoch_indices(&threaded)).collect();

    assert_eq!(got, expected);
    Ok(())
}

#[test]
fn stopping_an_epoch_early_with_workers_is_clean() -> Result<()> {
    let loader = DataLoader::builder(Slow(40))
        .with_batch_size(2)
        .with_num_workers(2)
        .build()?;

    let first_two = loader.into_iter().take(2).count();
    let full = loader.into_iter().count();

    assert_eq!((first_two, full), (2, 20));
    Ok(())
}

struct Faulty;

impl Dataset for Faulty {
    type Item = NDArray;

    fn len(&self) -> usize {
        4
    }

    fn get(&self, index: usize) -> NDArray {
        assert!(index != 2, "item 2 is broken");
        NDArray::zeros(&[1])
    }
}

#[test]
#[should_panic(expected = "item 2 is broken")]
fn a_panic_on_a_worker_reaches_the_caller() {
    let loader = DataLoader::builder(Faulty)
        .with_batch_size(1)
        .with_num_workers(2)
        .build()
        .unwrap();

    loader.into_iter().count();
}

// --- property: one shuffled epoch covers every index once ---

proptest! {
    #[test]
    fn one_shuffled_epoch_yields_every_index_once(
        n in 1usize..60,
        batch_size in 1usize..12,
        seed in any::<u64>(),
        workers in 0usize..3,
    ) {
        let loader = DataLoader::builder(indexed(n, 1))
            .with_batch_size(batch_size)
            .with_shuffle(true)
            .with_seed(seed)
            .with_num_workers(workers)
            .build()
            .unwrap();

        let mut order = epoch_indices(&loader);

        order.sort_unstable();
        prop_assert_eq!(order, (0..n).collect::<Vec<_>>());
    }
}
