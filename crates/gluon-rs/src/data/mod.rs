//! Datasets, data loaders, samplers and CSV input, as `mx.gluon.data`.
//!
//! - [`Dataset`], [`ArrayDataset`], [`SimpleDataset`] and the lazy
//!   [`transform`](Dataset::transform) / [`transform_first`](Dataset::transform_first);
//! - [`DataLoader`], which batches a dataset with the default [`Batchify`], optionally on
//!   worker threads;
//! - samplers: [`SequentialSampler`], [`RandomSampler`], [`BatchSampler`],
//!   [`IntervalSampler`].

mod array_dataset;
mod batch_sampler;
mod batchify;
mod dataloader;
mod dataset;
mod interval_sampler;
mod prefetch;
mod random_sampler;
mod sampler;
mod transform;

pub use array_dataset::{ArrayDataset, Arrays};
pub use batch_sampler::{BatchSampler, LastBatch};
pub use batchify::Batchify;
pub use dataloader::{Batches, DataLoader, DataLoaderBuilder};
pub use dataset::{Dataset, SimpleDataset};
pub use interval_sampler::IntervalSampler;
pub use random_sampler::RandomSampler;
pub use sampler::{Sampler, SequentialSampler};
pub use transform::{ReplaceFirst, TransformFirst, Transformed};
