//! Datasets, data loaders, samplers and CSV input, as `mx.gluon.data`.
//!
//! - [`Dataset`], [`ArrayDataset`], [`SimpleDataset`] and the lazy
//!   [`transform`](Dataset::transform) / [`transform_first`](Dataset::transform_first);
//! - [`DataLoader`], which batches a dataset with the default [`Batchify`], optionally on
//!   worker threads;
//! - samplers: [`SequentialSampler`], [`RandomSampler`], [`BatchSampler`],
//!   [`IntervalSampler`];
//! - CSV input for binary classification: [`CsvDataset`] (features and a 0/1 label, with
//!   the [`LabelMapping`] that produced it) and [`CsvFeatures`] (features only), read with
//!   [`CsvOptions`], strictly: every bad cell is an error naming file, line and column;
//! - [`Standardizer`], fitted on training rows, and [`Split`], the train/validation split
//!   files of `data/splits/` and a seeded stratified split.

mod array_dataset;
mod batch_sampler;
mod batchify;
mod csv_cell;
mod csv_dataset;
mod csv_features;
mod csv_options;
mod csv_reader;
mod dataloader;
mod dataset;
mod interval_sampler;
mod label_mapping;
mod prefetch;
mod random_sampler;
mod sampler;
mod split;
mod standardizer;
mod stratified_split;
mod transform;

pub use array_dataset::{ArrayDataset, Arrays};
pub use batch_sampler::{BatchSampler, LastBatch};
pub use batchify::Batchify;
pub use csv_dataset::CsvDataset;
pub use csv_features::CsvFeatures;
pub use csv_options::{CsvOptions, LabelColumn, MissingValues};
pub use dataloader::{Batches, DataLoader, DataLoaderBuilder};
pub use dataset::{Dataset, SimpleDataset};
pub use interval_sampler::IntervalSampler;
pub use label_mapping::LabelMapping;
pub use random_sampler::RandomSampler;
pub use sampler::{Sampler, SequentialSampler};
pub use split::{RecordedStandardization, Split};
pub use standardizer::Standardizer;
pub use transform::{ReplaceFirst, TransformFirst, Transformed};
