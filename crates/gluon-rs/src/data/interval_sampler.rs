//! [`IntervalSampler`]: indices at a fixed stride, as `gluon.data.IntervalSampler`.

use super::sampler::Sampler;
use crate::{Error, Result};

/// The indices `0, interval, 2·interval, …`, then (with rollover) `1, 1 + interval, …`, and
/// so on for each offset below `interval`, as `gluon.data.IntervalSampler`.
///
/// # Limitations
///
/// MXNet's `len()` returns `length` even without rollover, when fewer indices are yielded;
/// here `len()` is the number of indices actually yielded.
///
/// ```
/// use gluon_rs::data::{IntervalSampler, Sampler};
///
/// let sampler = IntervalSampler::new(7, 3, true)?;
/// assert_eq!(sampler.sample(), vec![0, 3, 6, 1, 4, 2, 5]);
/// assert_eq!(IntervalSampler::new(7, 3, false)?.sample(), vec![0, 3, 6]);
/// # Ok::<(), gluon_rs::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct IntervalSampler {
    length: usize,
    interval: usize,
    rollover: bool,
}

impl IntervalSampler {
    /// Indices below `length` at stride `interval`; with `rollover`, every offset below
    /// `interval` in turn, otherwise offset 0 only.
    ///
    /// # Errors
    ///
    /// [`Error::Config`] if `interval` is 0 or larger than `length`.
    pub fn new(length: usize, interval: usize, rollover: bool) -> Result<Self> {
        if interval == 0 || interval > length {
            return Err(Error::config(
                "interval",
                format!("must be between 1 and the length {length}, got {interval}"),
            ));
        }
        Ok(IntervalSampler {
            length,
            interval,
            rollover,
        })
    }
}

impl Sampler for IntervalSampler {
    type Item = usize;

    fn len(&self) -> usize {
        if self.rollover {
            self.length
        } else {
            self.length.div_ceil(self.interval)
        }
    }

    fn sample(&self) -> Vec<usize> {
        let offsets = if self.rollover { self.interval } else { 1 };
        (0..offsets)
            .flat_map(|offset| (offset..self.length).step_by(self.interval))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn thirteen_by_three_matches_mxnet_order() {
        // Order recorded from MXNet 1.9.1 (spec section 10.3).
        let sampler = IntervalSampler::new(13, 3, true).unwrap();

        let order = sampler.sample();

        assert_eq!(order, vec![0, 3, 6, 9, 12, 1, 4, 7, 10, 2, 5, 8, 11]);
        assert_eq!(sampler.len(), 13);
    }

    #[test]
    fn interval_beyond_length_is_rejected() {
        let result = IntervalSampler::new(3, 4, true);

        assert!(matches!(result, Err(Error::Config { .. })));
    }
}
