//! The seeded global random generator, as MXNet's `mx.random`.
//!
//! # Algorithm
//!
//! One process-wide generator, xoshiro256++ (Blackman and Vigna, "Scrambled linear
//! pseudorandom number generators", 2018), whose 256-bit state is filled from the seed by
//! SplitMix64. Uniform `f32` values take the top 24 bits of one output. Normal values use the
//! Box–Muller transform on two uniforms, producing a pair; a fill of odd length drops the last
//! value of the final pair. Every draw happens on the calling thread, in element order, so the
//! same seed gives the same numbers in every process and for every thread count. This
//! algorithm is part of the API: it will not change between releases.
//!
//! Unlike MXNet, the data loader's shuffling also draws from this generator, so
//! [`seed`] alone makes a whole training run repeatable.

use crate::nd::NDArray;
use std::sync::Mutex;

/// The seed the generator starts from when [`seed`] was never called.
pub const DEFAULT_SEED: u64 = 0;

/// A xoshiro256++ generator. The global one is reached through this module's functions;
/// a loader or a test may own its own.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Generator {
    state: [u64; 4],
}

impl Generator {
    /// A generator whose state is expanded from `seed` by SplitMix64.
    pub const fn new(seed: u64) -> Self {
        let mut splitmix = seed;
        let mut state = [0u64; 4];
        let mut i = 0;
        while i < 4 {
            splitmix = splitmix.wrapping_add(0x9E37_79B9_7F4A_7C15);
            let mut z = splitmix;
            z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
            z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
            state[i] = z ^ (z >> 31);
            i += 1;
        }
        Generator { state }
    }

    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        let s = &mut self.state;
        let result = s[0].wrapping_add(s[3]).rotate_left(23).wrapping_add(s[0]);
        let t = s[1] << 17;
        s[2] ^= s[0];
        s[3] ^= s[1];
        s[1] ^= s[2];
        s[0] ^= s[3];
        s[2] ^= t;
        s[3] = s[3].rotate_left(45);
        result
    }

    /// A uniform value in `[0, 1)` with 24 random bits.
    pub fn next_f32(&mut self) -> f32 {
        (self.next_u64() >> 40) as f32 * (1.0 / (1u64 << 24) as f32)
    }

    /// A uniform integer in `[0, bound)`, by Lemire's multiply-shift (bias below 2^-32 for
    /// the bounds a data loader uses).
    pub fn below(&mut self, bound: usize) -> usize {
        ((self.next_u64() as u128 * bound as u128) >> 64) as usize
    }

    /// Fills `out` with uniform values in `[low, high)`.
    pub fn fill_uniform(&mut self, out: &mut [f32], low: f32, high: f32) {
        let width = high - low;
        for value in out.iter_mut() {
            *value = low + width * self.next_f32();
        }
    }

    /// Fills `out` with normal values of mean `loc` and standard deviation `scale`.
    pub fn fill_normal(&mut self, out: &mut [f32], loc: f32, scale: f32) {
        for pair in out.chunks_mut(2) {
            // Box–Muller in f64: u1 in (0, 1] keeps the logarithm finite.
            let u1 = 1.0 - (self.next_u64() >> 11) as f64 * (1.0 / (1u64 << 53) as f64);
            let u2 = (self.next_u64() >> 11) as f64 * (1.0 / (1u64 << 53) as f64);
            let radius = (-2.0 * u1.ln()).sqrt();
            let angle = std::f64::consts::TAU * u2;
            pair[0] = loc + scale * (radius * angle.cos()) as f32;
            if let Some(second) = pair.get_mut(1) {
                *second = loc + scale * (radius * angle.sin()) as f32;
            }
        }
    }

    /// Shuffles `items` in place (Fisher–Yates, from the last position down).
    pub fn shuffle<T>(&mut self, items: &mut [T]) {
        for i in (1..items.len()).rev() {
            let j = self.below(i + 1);
            items.swap(i, j);
        }
    }
}

static GLOBAL: Mutex<Generator> = Mutex::new(Generator::new(DEFAULT_SEED));

/// Runs `f` with the global generator.
pub fn with_generator<R>(f: impl FnOnce(&mut Generator) -> R) -> R {
    // A panic while the lock was held cannot leave the state invalid, so a poisoned lock
    // is recovered.
    let mut guard = GLOBAL.lock().unwrap_or_else(|poison| poison.into_inner());
    f(&mut guard)
}

/// Seeds the global generator, as `mx.random.seed`.
///
/// ```
/// use gluon_rs::random;
///
/// random::seed(7);
/// let first = random::uniform(0.0, 1.0, &[3]).to_vec();
/// random::seed(7);
/// assert_eq!(random::uniform(0.0, 1.0, &[3]).to_vec(), first);
/// ```
pub fn seed(seed: u64) {
    with_generator(|generator| *generator = Generator::new(seed));
}

/// Normal samples of mean `loc` and standard deviation `scale`, as `nd.random.normal`.
///
/// # Panics
///
/// If `scale` is negative or not finite.
#[track_caller]
pub fn normal(loc: f32, scale: f32, shape: &[usize]) -> NDArray {
    assert!(
        scale >= 0.0 && scale.is_finite(),
        "random::normal: scale must be a finite value >= 0, got {scale}"
    );
    let mut data = vec![0.0; shape.iter().product()];
    with_generator(|generator| generator.fill_normal(&mut data, loc, scale));
    NDArray::from_vec(data, shape)
}

/// Uniform samples from `[low, high)`, as `nd.random.uniform`.
///
/// # Panics
///
/// If `high < low`.
#[track_caller]
pub fn uniform(low: f32, high: f32, shape: &[usize]) -> NDArray {
    assert!(
        high >= low,
        "random::uniform: high ({high}) must not be below low ({low})"
    );
    let mut data = vec![0.0; shape.iter().product()];
    with_generator(|generator| generator.fill_uniform(&mut data, low, high));
    NDArray::from_vec(data, shape)
}

/// Shuffles `items` with the global generator.
pub fn shuffle<T>(items: &mut [T]) {
    with_generator(|generator| generator.shuffle(items));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_seed_gives_same_stream() {
        let mut first = Generator::new(42);
        let mut second = Generator::new(42);

        let a: Vec<u64> = (0..5).map(|_| first.next_u64()).collect();
        let b: Vec<u64> = (0..5).map(|_| second.next_u64()).collect();

        assert_eq!(a, b);
    }

    #[test]
    fn normal_fill_has_unit_moments() {
        let mut generator = Generator::new(1);
        let mut values = vec![0.0f32; 100_000];

        generator.fill_normal(&mut values, 0.0, 1.0);

        let mean = values.iter().map(|&v| v as f64).sum::<f64>() / values.len() as f64;
        let var = values
            .iter()
            .map(|&v| (v as f64 - mean).powi(2))
            .sum::<f64>()
            / 1e5;
        assert!(mean.abs() < 0.02, "{mean}");
        assert!((var - 1.0).abs() < 0.02, "{var}");
    }

    #[test]
    fn uniform_stays_in_range() {
        let mut generator = Generator::new(3);
        let mut values = vec![0.0f32; 10_000];

        generator.fill_uniform(&mut values, -2.0, 2.0);

        assert!(values.iter().all(|&v| (-2.0..2.0).contains(&v)));
    }

    #[test]
    fn shuffle_is_a_permutation() {
        let mut generator = Generator::new(9);
        let mut items: Vec<usize> = (0..50).collect();

        generator.shuffle(&mut items);

        let mut sorted = items.clone();
        sorted.sort_unstable();
        assert_eq!(sorted, (0..50).collect::<Vec<_>>());
        assert_ne!(items, sorted);
    }
}
