//! [`BatchSampler`] and [`LastBatch`]: grouping indices into batches, as
//! `gluon.data.BatchSampler`.

use super::sampler::Sampler;
use crate::{Error, Result};
use std::str::FromStr;
use std::sync::Mutex;

/// What to do with the final batch of an epoch when it is short, as MXNet's `last_batch`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum LastBatch {
    /// Yield the short batch (MXNet's default).
    #[default]
    Keep,
    /// Drop the short batch.
    Discard,
    /// Carry the leftover indices over to the front of the next epoch.
    Rollover,
}

impl FromStr for LastBatch {
    type Err = Error;

    /// Parses MXNet's names: `keep`, `discard`, `rollover`.
    fn from_str(name: &str) -> Result<Self> {
        match name {
            "keep" => Ok(LastBatch::Keep),
            "discard" => Ok(LastBatch::Discard),
            "rollover" => Ok(LastBatch::Rollover),
            other => Err(Error::config(
                "last_batch",
                format!("\"{other}\" is not one of keep, discard, rollover"),
            )),
        }
    }
}

/// Groups the indices of a sampler into batches of `batch_size`, as
/// `gluon.data.BatchSampler`.
///
/// With [`LastBatch::Rollover`] the leftover indices of an epoch are kept and put in front of
/// the next epoch's indices; leftovers accumulate until they fill a batch. The number of
/// batches of the next epoch is then `(carried + n) / batch_size`, so it can change from
/// epoch to epoch.
///
/// ```
/// use gluon_rs::data::{BatchSampler, LastBatch, Sampler, SequentialSampler};
///
/// let sampler = BatchSampler::new(SequentialSampler::new(5), 2, LastBatch::Rollover)?;
/// assert_eq!(sampler.sample(), vec![vec![0, 1], vec![2, 3]]);
/// assert_eq!(sampler.len(), 3);
/// assert_eq!(sampler.sample(), vec![vec![4, 0], vec![1, 2], vec![3, 4]]);
/// # Ok::<(), gluon_rs::Error>(())
/// ```
#[derive(Debug)]
pub struct BatchSampler<S> {
    sampler: S,
    batch_size: usize,
    last_batch: LastBatch,
    /// Indices carried over by rollover, yielded first in the next epoch.
    carried: Mutex<Vec<usize>>,
}

impl<S: Sampler<Item = usize>> BatchSampler<S> {
    /// Batches of `batch_size` indices drawn from `sampler`.
    ///
    /// # Errors
    ///
    /// [`Error::Config`] if `batch_size` is 0.
    pub fn new(sampler: S, batch_size: usize, last_batch: LastBatch) -> Result<Self> {
        if batch_size == 0 {
            return Err(Error::config("batch_size", "must be at least 1, got 0"));
        }
        Ok(BatchSampler {
            sampler,
            batch_size,
            last_batch,
            carried: Mutex::new(Vec::new()),
        })
    }

    /// The number of indices per full batch.
    pub fn batch_size(&self) -> usize {
        self.batch_size
    }

    /// How a short final batch is handled.
    pub fn last_batch(&self) -> LastBatch {
        self.last_batch
    }

    fn carried(&self) -> std::sync::MutexGuard<'_, Vec<usize>> {
        // The carried list is replaced whole, so a poisoned lock still holds a valid list.
        self.carried.lock().unwrap_or_else(|p| p.into_inner())
    }
}

impl<S: Sampler<Item = usize>> Sampler for BatchSampler<S> {
    type Item = Vec<usize>;

    fn len(&self) -> usize {
        let count = self.sampler.len();
        match self.last_batch {
            LastBatch::Keep => count.div_ceil(self.batch_size),
            LastBatch::Discard => count / self.batch_size,
            LastBatch::Rollover => (self.carried().len() + count) / self.batch_size,
        }
    }

    fn sample(&self) -> Vec<Vec<usize>> {
        let mut carried = self.carried();
        let mut indices = std::mem::take(&mut *carried);
        indices.extend(self.sampler.sample());

        let mut batches: Vec<Vec<usize>> = indices
            .chunks(self.batch_size)
            .map(<[usize]>::to_vec)
            .collect();
        let short = batches
            .last()
            .is_some_and(|last| last.len() < self.batch_size);
        if short {
            match self.last_batch {
                LastBatch::Keep => {}
                LastBatch::Discard => {
                    batches.pop();
                }
                LastBatch::Rollover => {
                    *carried = batches.pop().unwrap_or_default();
                }
            }
        }
        batches
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data::SequentialSampler;

    #[test]
    fn zero_batch_size_is_rejected() {
        let result = BatchSampler::new(SequentialSampler::new(3), 0, LastBatch::Keep);

        assert!(matches!(result, Err(Error::Config { .. })));
    }

    #[test]
    fn unknown_last_batch_name_lists_choices() {
        let error = "pad".parse::<LastBatch>().err().map(|e| e.to_string());

        assert_eq!(
            error.as_deref(),
            Some("invalid last_batch: \"pad\" is not one of keep, discard, rollover")
        );
    }

    #[test]
    fn rollover_accumulates_until_a_batch_fills() {
        let sampler = BatchSampler::new(SequentialSampler::new(3), 5, LastBatch::Rollover).unwrap();

        let lengths: Vec<(usize, usize)> = (0..3)
            .map(|_| {
                let before = sampler.len();
                (before, sampler.sample().len())
            })
            .collect();

        assert_eq!(lengths, vec![(0, 0), (1, 1), (0, 0)]);
    }
}
