//! [`FactorScheduler`]: multiply the rate by a factor every `step` updates.

use super::lr_scheduler::{check_base_lr, LRScheduler, Warmup};
use crate::error::{Error, Result};

/// The rate `base_lr * factor^k`, where `k` counts the completed blocks of `step` updates
/// before update `n` (`k = ceil(n / step) - 1`), never below `stop_factor_lr`; as
/// `mx.lr_scheduler.FactorScheduler`.
///
/// MXNet computes this with a stateful loop; the closed form gives the same numbers
/// (the factor is applied by repeated multiplication, as there) and lets
/// [`Trainer::learning_rate`](crate::Trainer::learning_rate) ask without side effects.
/// Warmup does not shift the blocks, as in MXNet.
///
/// ```
/// use gluon_rs::optim::{FactorScheduler, LRScheduler};
///
/// let schedule = FactorScheduler::new(3, 0.5, 1.0)?;
/// let rates: Vec<f64> = (0..8).map(|n| schedule.lr(n)).collect();
/// assert_eq!(rates, vec![1.0, 1.0, 1.0, 1.0, 0.5, 0.5, 0.5, 0.25]);
/// # Ok::<(), gluon_rs::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct FactorScheduler {
    step: u64,
    factor: f64,
    base_lr: f64,
    stop_factor_lr: f64,
    warmup: Warmup,
}

impl FactorScheduler {
    /// A schedule that multiplies `base_lr` by `factor` every `step` updates, with
    /// `stop_factor_lr` 1e-8 and no warmup.
    ///
    /// # Errors
    ///
    /// [`Error::Config`] when `step` is 0, `factor` lies outside `[0, 1]`, or `base_lr` is
    /// negative or not finite.
    pub fn new(step: u64, factor: f64, base_lr: f64) -> Result<FactorScheduler> {
        if step < 1 {
            return Err(Error::config("FactorScheduler step", "must be at least 1"));
        }
        if !(0.0..=1.0).contains(&factor) {
            return Err(Error::config(
                "FactorScheduler factor",
                format!("{factor} is outside [0, 1]; the rate may only decay"),
            ));
        }
        Ok(FactorScheduler {
            step,
            factor,
            base_lr: check_base_lr(base_lr)?,
            stop_factor_lr: 1e-8,
            warmup: Warmup::default(),
        })
    }

    /// The floor under the decayed rate.
    pub fn with_stop_factor_lr(mut self, stop_factor_lr: f64) -> Self {
        self.stop_factor_lr = stop_factor_lr;
        self
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

impl LRScheduler for FactorScheduler {
    fn lr(&self, num_update: u64) -> f64 {
        if let Some(lr) = self.warmup.lr(num_update, self.base_lr) {
            return lr;
        }
        let decays = num_update.div_ceil(self.step).saturating_sub(1);
        let mut lr = self.base_lr;
        for _ in 0..decays {
            lr *= self.factor;
            if lr < self.stop_factor_lr {
                return self.stop_factor_lr;
            }
        }
        lr
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
    use crate::optim::WarmupMode;

    #[test]
    fn rate_stops_at_the_floor() {
        let schedule = FactorScheduler::new(1, 0.5, 1.0)
            .unwrap()
            .with_stop_factor_lr(0.2);

        let rates: Vec<f64> = (0..6).map(|n| schedule.lr(n)).collect();

        assert_eq!(rates, vec![1.0, 1.0, 0.5, 0.25, 0.2, 0.2]);
    }

    #[test]
    fn warmup_does_not_shift_the_blocks() {
        let warmup = Warmup {
            steps: 4,
            begin_lr: 0.2,
            mode: WarmupMode::Linear,
        };
        let schedule = FactorScheduler::new(3, 0.5, 1.0)
            .unwrap()
            .with_warmup(warmup)
            .unwrap();

        let rates: Vec<f64> = (0..8).map(|n| schedule.lr(n)).collect();
        let want = [0.2, 0.4, 0.6, 0.8, 0.5, 0.5, 0.5, 0.25];

        for (got, want) in rates.iter().zip(want) {
            assert!((got - want).abs() < 1e-12, "{rates:?}");
        }
    }

    #[test]
    fn invalid_settings_are_rejected() {
        assert!(FactorScheduler::new(0, 0.5, 1.0).is_err());
        assert!(FactorScheduler::new(2, 1.5, 1.0).is_err());
        assert!(FactorScheduler::new(2, 0.5, -1.0).is_err());
    }
}
