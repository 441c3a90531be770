//! [`RandomSampler`]: a fresh permutation each epoch, as `gluon.data.RandomSampler`.

use super::sampler::Sampler;
use crate::random::{self, Generator};
use std::sync::Mutex;

/// The indices `0..length` in a new random order for each epoch, as
/// `gluon.data.RandomSampler`.
///
/// By default the order is drawn from the library's global generator, so
/// [`random::seed`](crate::random::seed) alone makes a whole run repeatable, data order
/// included. A sampler made [`with_seed`](RandomSampler::with_seed) owns its generator
/// instead: its sequence of epochs depends on that seed only.
///
/// # Limitations
///
/// MXNet 1.9.1 shuffles with numpy's global generator, which `mx.random.seed` does not
/// seed, so MXNet's data order is not repeatable through its own seed. The orders drawn here
/// are not numpy's.
///
/// ```
/// use gluon_rs::data::{RandomSampler, Sampler};
///
/// let first = RandomSampler::with_seed(10, 7).sample();
/// let again = RandomSampler::with_seed(10, 7).sample();
/// assert_eq!(first, again);
/// let mut sorted = first.clone();
/// sorted.sort();
/// assert_eq!(sorted, (0..10).collect::<Vec<_>>());
/// ```
#[derive(Debug)]
pub struct RandomSampler {
    length: usize,
    /// `None`: draw from the global generator.
    generator: Option<Mutex<Generator>>,
}

impl RandomSampler {
    /// A sampler over `0..length` drawing from the global generator.
    pub fn new(length: usize) -> Self {
        RandomSampler {
            length,
            generator: None,
        }
    }

    /// A sampler over `0..length` with its own generator, seeded with `seed`.
    pub fn with_seed(length: usize, seed: u64) -> Self {
        RandomSampler {
            length,
            generator: Some(Mutex::new(Generator::new(seed))),
        }
    }
}

impl Sampler for RandomSampler {
    type Item = usize;

    fn len(&self) -> usize {
        self.length
    }

    fn sample(&self) -> Vec<usize> {
        let mut indices: Vec<usize> = (0..self.length).collect();
        match &self.generator {
            Some(generator) => {
                // A panic cannot leave a generator's state invalid, so poisoning is ignored.
                let mut generator = generator.lock().unwrap_or_else(|p| p.into_inner());
                generator.shuffle(&mut indices);
            }
            None => random::shuffle(&mut indices),
        }
        indices
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn own_generator_gives_new_order_each_epoch() {
        let sampler = RandomSampler::with_seed(50, 1);

        let first = sampler.sample();
        let second = sampler.sample();

        assert_ne!(first, second);
    }
}
