//! The [`Sampler`] trait and [`SequentialSampler`], as `gluon.data.Sampler` and
//! `gluon.data.SequentialSampler`.

/// A source of dataset indices, drawn afresh for each epoch, as `gluon.data.Sampler`.
///
/// Index samplers have `Item = usize`; batch samplers, which group indices into batches,
/// have `Item = Vec<usize>`.
pub trait Sampler: Send + Sync {
    /// What the sampler yields: an index, or a batch of indices.
    type Item;

    /// How many items the next call to [`Sampler::sample`] yields.
    fn len(&self) -> usize;

    /// Whether the next epoch yields nothing.
    fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The items of one epoch, in order. Random samplers draw a new order on each call, and
    /// rollover batch samplers carry state from one call to the next.
    fn sample(&self) -> Vec<Self::Item>;
}

impl<S: Sampler + ?Sized> Sampler for Box<S> {
    type Item = S::Item;

    fn len(&self) -> usize {
        (**self).len()
    }

    fn sample(&self) -> Vec<S::Item> {
        (**self).sample()
    }
}

/// The indices `start, start + 1, …, start + length - 1` in order, as
/// `gluon.data.SequentialSampler`.
///
/// ```
/// use gluon_rs::data::{Sampler, SequentialSampler};
///
/// assert_eq!(SequentialSampler::new(3).sample(), vec![0, 1, 2]);
/// assert_eq!(SequentialSampler::with_start(5, 3).sample(), vec![3, 4, 5, 6, 7]);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SequentialSampler {
    length: usize,
    start: usize,
}

impl SequentialSampler {
    /// The indices `0..length`.
    pub fn new(length: usize) -> Self {
        SequentialSampler::with_start(length, 0)
    }

    /// The indices `start..start + length`.
    pub fn with_start(length: usize, start: usize) -> Self {
        SequentialSampler { length, start }
    }
}

impl Sampler for SequentialSampler {
    type Item = usize;

    fn len(&self) -> usize {
        self.length
    }

    fn sample(&self) -> Vec<usize> {
        (self.start..self.start + self.length).collect()
    }
}
