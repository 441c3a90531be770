//! [`MultiFactorScheduler`]: multiply the rate by a factor at each listed update.

use super::lr_scheduler::{check_base_lr, LRScheduler, Warmup};
use crate::error::{Error, Result};

/// The rate `base_lr * factor^k`, where `k` counts the listed steps that update `n` has
/// passed (`n > step`), as `mx.lr_scheduler.MultiFactorScheduler`.
///
/// ```
/// use gluon_rs::optim::{LRScheduler, MultiFactorScheduler};
///
/// let schedule = MultiFactorScheduler::new(vec![2, 5], 0.1, 1.0)?;
/// let rates: Vec<f64> = (0..8).map(|n| schedule.lr(n)).collect();
/// assert_eq!(rates[2], 1.0);
/// assert!((rates[3] - 0.1).abs() < 1e-12 && (rates[6] - 0.01).abs() < 1e-12);
/// # Ok::<(), gluon_rs::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct MultiFactorScheduler {
    steps: Vec<u64>,
    factor: f64,
    base_lr: f64,
    warmup: Warmup,
}

impl MultiFactorScheduler {
    /// A schedule that multiplies `base_lr` by `factor` after each update in `steps`.
    ///
    /// # Errors
    ///
    /// [`Error::Config`] when `steps` is not strictly increasing from at least 1, `factor`
    /// lies outside `[0, 1]`, or `base_lr` is negative or not finite.
    pub fn new(steps: Vec<u64>, factor: f64, base_lr: f64) -> Result<MultiFactorScheduler> {
        let increasing = steps.windows(2).all(|pair| pair[0] < pair[1]);
        if !increasing || steps.first().is_some_and(|&first| first < 1) {
            return Err(Error::config(
                "MultiFactorScheduler step",
                format!("{steps:?} must increase strictly and start at 1 or more"),
            ));
        }
        if !(0.0..=1.0).contains(&factor) {
            return Err(Error::config(
                "MultiFactorScheduler factor",
                format!("{factor} is outside [0, 1]; the rate may only decay"),
            ));
        }
        Ok(MultiFactorScheduler {
            steps,
            factor,
            base_lr: check_base_lr(base_lr)?,
            warmup: Warmup::default(),
        })
    }

    /// Adds a warmup.
    ///
    /// # Errors
    ///
    /// [`Error::Config`] when the warmup's begin rate exceeds the base rate.
    pub fn with_warmup(mut self, warmup: Warmup) -> Result<Self> {
        warmup.check(self.base_lr)?;
        self.warmup = warmup;
        Ok(self)
    }
}

impl LRScheduler for MultiFactorScheduler {
    fn lr(&self, num_update: u64) -> f64 {
        if let Some(lr) = self.warmup.lr(num_update, self.base_lr) {
            return lr;
        }
        let passed = self.steps.iter().filter(|&&step| num_update > step).count();
        (0..passed).fold(self.base_lr, |lr, _| lr * self.factor)
    }

    fn base_lr(&self) -> f64 {
        self.base_lr
    }

    fn set_base_lr(&mut self, base_lr: f64) {
        self.base_lr = base_lr;
    }

    fn clone_box(&self) -> Box<dyn LRScheduler> {
        Box::new(self.clone())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unordered_steps_are_rejected() {
        assert!(MultiFactorScheduler::new(vec![5, 2], 0.1, 1.0).is_err());
        assert!(MultiFactorScheduler::new(vec![0, 2], 0.1, 1.0).is_err());
        assert!(MultiFactorScheduler::new(vec![2], 2.0, 1.0).is_err());
    }
}
