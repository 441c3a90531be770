//! [`DataLoader`]: batches of a dataset, one epoch per iteration, as `gluon.data.DataLoader`.

use super::batch_sampler::{BatchSampler, LastBatch};
use super::batchify::Batchify;
use super::dataset::Dataset;
use super::prefetch::{MakeBatch, Prefetcher};
use super::random_sampler::RandomSampler;
use super::sampler::{Sampler, SequentialSampler};
use crate::{Error, Result};
use std::sync::Arc;

type IndexSampler = Box<dyn Sampler<Item = usize>>;
type BatchIndexSampler = Box<dyn Sampler<Item = Vec<usize>>>;

/// Loads a dataset in batches, as `gluon.data.DataLoader`.
///
/// Iterating `&loader` runs one epoch: the batch sampler draws the epoch's index batches,
/// each batch's items are read and combined by the batchify function (by default
/// [`Batchify`], which stacks arrays into `f32` batches). For a dataset of `(data, label)`
/// pairs each batch is a `(data, label)` pair of arrays; for a dataset of single arrays it
/// is one array; for `Vec<NDArray>` items, a `Vec` of batches.
///
/// With `num_workers > 0`, that many threads read and batchify up to `prefetch` batches
/// ahead, and the batches still come in sampler order, identical to those of
/// `num_workers = 0`. Workers pay off when reading an item costs time.
///
/// Shuffling draws from the library's global generator (or the loader's own, given
/// [`with_seed`](DataLoaderBuilder::with_seed)); see [`RandomSampler`] for how this differs
/// from MXNet.
///
/// ```
/// use gluon_rs::data::{ArrayDataset, DataLoader};
/// use gluon_rs::nd::NDArray;
///
/// let x = NDArray::zeros(&[25, 4]);
/// let y = NDArray::zeros(&[25]);
/// let loader = DataLoader::new(ArrayDataset::new((x, y))?, 10, true)?;
///
/// let mut sizes = Vec::new();
/// for (data, label) in &loader {
///     assert_eq!(data.shape()[1], 4);
///     sizes.push(label.shape()[0]);
/// }
/// assert_eq!(sizes, vec![10, 10, 5]);
/// assert_eq!(loader.len(), 3);
/// # Ok::<(), gluon_rs::Error>(())
/// ```
pub struct DataLoader<D: Dataset, B = <<D as Dataset>::Item as Batchify>::Batch> {
    dataset: Arc<D>,
    batch_sampler: BatchIndexSampler,
    make_batch: MakeBatch<B>,
    num_workers: usize,
    prefetch: usize,
}

impl<D> DataLoader<D>
where
    D: Dataset + 'static,
    D::Item: Batchify,
    <D::Item as Batchify>::Batch: Send + 'static,
{
    /// A loader of `batch_size` items per batch, shuffled each epoch when `shuffle` is set,
    /// keeping a short final batch: `DataLoader(dataset, batch_size, shuffle)`. Use
    /// [`DataLoader::builder`] for the other settings.
    ///
    /// # Errors
    ///
    /// [`Error::Config`] if `batch_size` is 0.
    pub fn new(dataset: D, batch_size: usize, shuffle: bool) -> Result<Self> {
        DataLoader::builder(dataset)
            .with_batch_size(batch_size)
            .with_shuffle(shuffle)
            .build()
    }
}

// The builder lives in an impl for one fixed batch type so that `DataLoader::builder(..)`
// needs no type annotation; the batch type of the loader it builds is set by `build`.
impl<D: Dataset + 'static> DataLoader<D, ()> {
    /// A builder for a loader over `dataset`, to set the sampler, last batch handling,
    /// workers or batchify function.
    ///
    /// ```
    /// use gluon_rs::data::{ArrayDataset, DataLoader, LastBatch};
    /// use gluon_rs::nd::NDArray;
    ///
    /// let dataset = ArrayDataset::new(NDArray::arange(0.0, 5.0, 1.0))?;
    /// let loader = DataLoader::builder(dataset)
    ///     .with_batch_size(2)
    ///     .with_last_batch(LastBatch::Discard)
    ///     .with_num_workers(2)
    ///     .build()?;
    /// let batches: Vec<Vec<f32>> = loader.into_iter().map(|batch| batch.to_vec()).collect();
    /// assert_eq!(batches, vec![vec![0.0, 1.0], vec![2.0, 3.0]]);
    /// # Ok::<(), gluon_rs::Error>(())
    /// ```
    pub fn builder(dataset: D) -> DataLoaderBuilder<D> {
        DataLoaderBuilder {
            dataset,
            batch_size: None,
            shuffle: false,
            sampler: None,
            batch_sampler: None,
            last_batch: None,
            seed: None,
            num_workers: 0,
            prefetch: None,
        }
    }
}

impl<D: Dataset + 'static, B: Send + 'static> DataLoader<D, B> {
    /// The number of batches the next epoch yields, as `len(loader)`. With
    /// [`LastBatch::Rollover`] it depends on the indices carried over so far.
    pub fn len(&self) -> usize {
        self.batch_sampler.len()
    }

    /// Whether the next epoch yields no batch.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The dataset being loaded.
    pub fn dataset(&self) -> &D {
        &self.dataset
    }

    /// The number of worker threads (0: batches are built on the iterating thread).
    pub fn num_workers(&self) -> usize {
        self.num_workers
    }

    /// The index batches of the next epoch, checked against the dataset's length.
    #[track_caller]
    fn draw_epoch(&self) -> Vec<Vec<usize>> {
        let batches = self.batch_sampler.sample();
        let length = self.dataset.len();
        for index in batches.iter().flatten() {
            assert!(
                *index < length,
                "DataLoader: the sampler yielded index {index}, but the dataset has {length} \
                 items"
            );
        }
        batches
    }
}

/// The batches of one epoch of a [`DataLoader`], in sampler order.
pub struct Batches<'a, D: Dataset, B> {
    source: Source<'a, D, B>,
}

enum Source<'a, D: Dataset, B> {
    Inline {
        loader: &'a DataLoader<D, B>,
        batches: std::vec::IntoIter<Vec<usize>>,
    },
    Workers(Prefetcher<B>),
}

impl<D: Dataset + 'static, B: Send + 'static> Iterator for Batches<'_, D, B> {
    type Item = B;

    fn next(&mut self) -> Option<B> {
        match &mut self.source {
            Source::Inline { loader, batches } => {
                let indices = batches.next()?;
                Some((loader.make_batch)(indices))
            }
            Source::Workers(prefetcher) => prefetcher.next(),
        }
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        match &self.source {
            Source::Inline { batches, .. } => batches.size_hint(),
            Source::Workers(prefetcher) => prefetcher.size_hint(),
        }
    }
}

impl<'a, D: Dataset + 'static, B: Send + 'static> IntoIterator for &'a DataLoader<D, B> {
    type Item = B;
    type IntoIter = Batches<'a, D, B>;

    /// Starts an epoch: draws its index batches now (shuffling, rollover), then yields the
    /// batches.
    ///
    /// # Panics
    ///
    /// If a custom sampler yields an index outside the dataset, and wherever the dataset's
    /// `get` or the batchify function panics (also when they run on a worker thread).
    #[track_caller]
    fn into_iter(self) -> Batches<'a, D, B> {
        let batches = self.draw_epoch();
        let source = if self.num_workers == 0 {
            Source::Inline {
                loader: self,
                batches: batches.into_iter(),
            }
        } else {
            Source::Workers(Prefetcher::start(
                batches,
                Arc::clone(&self.make_batch),
                self.num_workers,
                self.prefetch,
            ))
        };
        Batches { source }
    }
}

/// The settings of a [`DataLoader`], checked together by [`build`](DataLoaderBuilder::build).
pub struct DataLoaderBuilder<D> {
    dataset: D,
    batch_size: Option<usize>,
    shuffle: bool,
    sampler: Option<IndexSampler>,
    batch_sampler: Option<BatchIndexSampler>,
    last_batch: Option<LastBatch>,
    seed: Option<u64>,
    num_workers: usize,
    prefetch: Option<usize>,
}

impl<D: Dataset + 'static> DataLoaderBuilder<D> {
    /// The number of items per batch (required unless a batch sampler is given).
    pub fn with_batch_size(mut self, batch_size: usize) -> Self {
        self.batch_size = Some(batch_size);
        self
    }

    /// Whether to draw a new random order each epoch (default: no).
    pub fn with_shuffle(mut self, shuffle: bool) -> Self {
        self.shuffle = shuffle;
        self
    }

    /// A sampler giving the order of the indices, instead of sequential or shuffled order.
    pub fn with_sampler(mut self, sampler: impl Sampler<Item = usize> + 'static) -> Self {
        self.sampler = Some(Box::new(sampler));
        self
    }

    /// A sampler giving whole batches of indices; it replaces batch size, shuffle, sampler
    /// and last batch handling.
    pub fn with_batch_sampler(
        mut self,
        sampler: impl Sampler<Item = Vec<usize>> + 'static,
    ) -> Self {
        self.batch_sampler = Some(Box::new(sampler));
        self
    }

    /// What to do with a short final batch (default: [`LastBatch::Keep`]).
    pub fn with_last_batch(mut self, last_batch: LastBatch) -> Self {
        self.last_batch = Some(last_batch);
        self
    }

    /// Shuffles with the loader's own generator seeded with `seed`, instead of the global
    /// one. Requires shuffling.
    pub fn with_seed(mut self, seed: u64) -> Self {
        self.seed = Some(seed);
        self
    }

    /// The number of worker threads that build batches ahead (default 0: none).
    pub fn with_num_workers(mut self, num_workers: usize) -> Self {
        self.num_workers = num_workers;
        self
    }

    /// How many batches the workers may build ahead (default `2 * num_workers`).
    pub fn with_prefetch(mut self, prefetch: usize) -> Self {
        self.prefetch = Some(prefetch);
        self
    }

    /// The loader, batching with the default [`Batchify`]. Each batch comes from
    /// [`Dataset::batch`], so a dataset that copies its rows straight into the batch (such
    /// as [`ArrayDataset`](super::ArrayDataset)) makes no array per item.
    ///
    /// # Errors
    ///
    /// As [`build_with`](DataLoaderBuilder::build_with).
    pub fn build(self) -> Result<DataLoader<D>>
    where
        D::Item: Batchify,
        <D::Item as Batchify>::Batch: Send + 'static,
    {
        self.build_from(|dataset: &D, indices: Vec<usize>| dataset.batch(&indices))
    }

    /// The loader, combining each batch's items with `batchify` (MXNet's `batchify_fn`).
    ///
    /// # Errors
    ///
    /// [`Error::Config`] when the settings contradict each other, as MXNet checks them:
    /// - a batch size of 0, or none without a batch sampler;
    /// - a batch sampler together with a batch size, shuffle, sampler, last batch or seed;
    /// - shuffle together with a sampler;
    /// - a seed without shuffle;
    /// - a prefetch of 0 with workers.
    pub fn build_with<B, F>(self, batchify: F) -> Result<DataLoader<D, B>>
    where
        B: Send + 'static,
        F: Fn(Vec<D::Item>) -> B + Send + Sync + 'static,
    {
        self.build_from(move |dataset: &D, indices: Vec<usize>| {
            batchify(
                indices
                    .into_iter()
                    .map(|index| dataset.get(index))
                    .collect(),
            )
        })
    }

    /// The loader, turning each index batch into a batch with `make_batch`.
    fn build_from<B, F>(self, make_batch: F) -> Result<DataLoader<D, B>>
    where
        B: Send + 'static,
        F: Fn(&D, Vec<usize>) -> B + Send + Sync + 'static,
    {
        self.check()?;
        let prefetch = self.prefetch.unwrap_or(2 * self.num_workers);
        let length = self.dataset.len();

        let batch_sampler = match self.batch_sampler {
            Some(batch_sampler) => batch_sampler,
            None => {
                let sampler: IndexSampler = match (self.sampler, self.shuffle, self.seed) {
                    (Some(sampler), _, _) => sampler,
                    (None, true, Some(seed)) => Box::new(RandomSampler::with_seed(length, seed)),
                    (None, true, None) => Box::new(RandomSampler::new(length)),
                    (None, false, _) => Box::new(SequentialSampler::new(length)),
                };
                let batch_size = self.batch_size.unwrap_or(1);
                let last_batch = self.last_batch.unwrap_or_default();
                Box::new(BatchSampler::new(sampler, batch_size, last_batch)?)
            }
        };

        let dataset = Arc::new(self.dataset);
        let reader = Arc::clone(&dataset);
        let make_batch: MakeBatch<B> =
            Arc::new(move |indices: Vec<usize>| make_batch(&reader, indices));
        Ok(DataLoader {
            dataset,
            batch_sampler,
            make_batch,
            num_workers: self.num_workers,
            prefetch,
        })
    }

    fn check(&self) -> Result<()> {
        let conflict = |message: &str| Err(Error::config("DataLoader settings", message));
        if self.batch_sampler.is_some() {
            if self.batch_size.is_some()
                || self.shuffle
                || self.sampler.is_some()
                || self.last_batch.is_some()
                || self.seed.is_some()
            {
                return conflict(
                    "a batch sampler excludes batch_size, shuffle, sampler, last_batch and seed",
                );
            }
        } else {
            match self.batch_size {
                None => return conflict("batch_size is required unless a batch sampler is given"),
                Some(0) => return Err(Error::config("batch_size", "must be at least 1, got 0")),
                Some(_) => {}
            }
        }
        if self.shuffle && self.sampler.is_some() {
            return conflict("shuffle and a sampler exclude each other");
        }
        if self.seed.is_some() && !self.shuffle {
            return conflict("a seed applies only when shuffle is set");
        }
        if self.num_workers > 0 && self.prefetch == Some(0) {
            return conflict("prefetch must be at least 1 when there are workers");
        }
        Ok(())
    }
}
