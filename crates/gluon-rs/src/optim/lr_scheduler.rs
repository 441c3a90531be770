//! The [`LRScheduler`] trait and the warmup that every schedule shares, as
//! `mx.lr_scheduler.LRScheduler`.

use crate::error::{Error, Result};

/// A learning rate as a function of the update count, as MXNet's `LRScheduler`.
///
/// The optimizer asks for `lr(num_update)` before each update, where `num_update` counts
/// updates from 1. When the optimizer is given its own learning rate, it overwrites the
/// schedule's base rate with it.
pub trait LRScheduler: std::fmt::Debug + Send + Sync {
    /// The learning rate for update number `num_update`.
    fn lr(&self, num_update: u64) -> f64;

    /// The rate the schedule starts from after warmup.
    fn base_lr(&self) -> f64;

    /// Replaces the base rate, as an optimizer given a learning rate does.
    fn set_base_lr(&mut self, base_lr: f64);

    /// A boxed copy, so that schedules can sit inside cloneable settings.
    fn clone_box(&self) -> Box<dyn LRScheduler>;
}

impl Clone for Box<dyn LRScheduler> {
    fn clone(&self) -> Self {
        self.clone_box()
    }
}

/// How the rate rises during warmup, as MXNet's `warmup_mode`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WarmupMode {
    /// From the begin rate to the base rate in equal steps.
    Linear,
    /// The begin rate throughout.
    Constant,
}

impl WarmupMode {
    /// Parses `"linear"` or `"constant"`.
    ///
    /// # Errors
    ///
    /// [`Error::Config`] for any other name.
    pub fn parse(name: &str) -> Result<WarmupMode> {
        match name {
            "linear" => Ok(WarmupMode::Linear),
            "constant" => Ok(WarmupMode::Constant),
            other => Err(Error::config(
                "warmup_mode",
                format!("'{other}' is not one of linear, constant"),
            )),
        }
    }
}

/// The first `steps` updates of a schedule, where the rate rises from `begin_lr`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Warmup {
    /// The number of warmup updates.
    pub steps: u64,
    /// The rate at update 0.
    pub begin_lr: f64,
    /// How the rate rises.
    pub mode: WarmupMode,
}

impl Default for Warmup {
    /// No warmup.
    fn default() -> Self {
        Warmup {
            steps: 0,
            begin_lr: 0.0,
            mode: WarmupMode::Linear,
        }
    }
}

impl Warmup {
    /// Checks the warmup against the schedule's base rate.
    ///
    /// # Errors
    ///
    /// [`Error::Config`] when `begin_lr` exceeds `base_lr` or is negative.
    pub(crate) fn check(&self, base_lr: f64) -> Result<()> {
        if !(self.begin_lr >= 0.0 && self.begin_lr <= base_lr) {
            return Err(Error::config(
                "warmup_begin_lr",
                format!("{} must lie in [0, base_lr = {base_lr}]", self.begin_lr),
            ));
        }
        Ok(())
    }

    /// [`Warmup::check`], and that the warmup ends before `max_update`, for the schedules
    /// that decay towards a final update (Poly, Cosine).
    pub(crate) fn check_before(&self, base_lr: f64, max_update: u64) -> Result<()> {
        self.check(base_lr)?;
        if self.steps >= max_update {
            return Err(Error::config(
                "warmup_steps",
                format!("{} must be below max_update {max_update}", self.steps),
            ));
        }
        Ok(())
    }

    /// The warmup rate at update `num_update` when it is still warming up towards
    /// `base_lr`, else `None`.
    pub(crate) fn lr(&self, num_update: u64, base_lr: f64) -> Option<f64> {
        if num_update >= self.steps {
            return None;
        }
        Some(match self.mode {
            WarmupMode::Linear => {
                self.begin_lr + (base_lr - self.begin_lr) * num_update as f64 / self.steps as f64
            }
            WarmupMode::Constant => self.begin_lr,
        })
    }
}

/// Checks a schedule's base rate.
pub(crate) fn check_base_lr(base_lr: f64) -> Result<f64> {
    if base_lr.is_finite() && base_lr >= 0.0 {
        Ok(base_lr)
    } else {
        Err(Error::config(
            "base_lr",
            format!("{base_lr} must be a finite number of at least 0"),
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn linear_warmup_rises_to_the_base_rate() {
        let warmup = Warmup {
            steps: 4,
            begin_lr: 0.2,
            mode: WarmupMode::Linear,
        };

        let rates: Vec<Option<f64>> = (0..5).map(|n| warmup.lr(n, 1.0)).collect();

        assert_eq!(rates[0], Some(0.2));
        assert!((rates[3].unwrap() - 0.8).abs() < 1e-12);
        assert_eq!(rates[4], None);
    }

    #[test]
    fn begin_rate_above_base_is_rejected() {
        let warmup = Warmup {
            steps: 2,
            begin_lr: 2.0,
            mode: WarmupMode::Constant,
        };

        assert!(warmup.check(1.0).is_err());
        assert!(WarmupMode::parse("cubic").is_err());
    }
}
