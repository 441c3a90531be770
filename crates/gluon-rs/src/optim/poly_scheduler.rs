//! [`PolyScheduler`]: polynomial decay to a final rate.

use super::lr_scheduler::{check_base_lr, LRScheduler, Warmup};
use crate::error::{Error, Result};

/// The rate `final + (base - final) (1 - (n - w) / (max_update - w))^pwr` for warmup length
/// `w`, held at `final_lr` after `max_update`, as `mx.lr_scheduler.PolyScheduler`.
///
/// ```
/// use gluon_rs::optim::{LRScheduler, PolyScheduler};
///
/// let schedule = PolyScheduler::new(10, 1.0, 2.0, 0.0)?;
/// assert!((schedule.lr(1) - 0.81).abs() < 1e-12);
/// assert_eq!(schedule.lr(12), 0.0);
/// # Ok::<(), gluon_rs::Error>(())
/// ```
///
/// # Limitations
///
/// The decay starts from the base rate in effect, including one an optimizer set; MXNet
/// keeps decaying from the rate given to the constructor.
#[derive(Debug, Clone, PartialEq)]
pub struct PolyScheduler {
    max_update: u64,
    base_lr: f64,
    pwr: f64,
    final_lr: f64,
    warmup: Warmup,
}

impl PolyScheduler {
    /// A schedule that decays from `base_lr` to `final_lr` over `max_update` updates with
    /// power `pwr` (MXNet's default 2).
    ///
    /// # Errors
    ///
    /// [`Error::Config`] when `max_update` is 0 or a rate is negative or not finite.
    pub fn new(max_update: u64, base_lr: f64, pwr: f64, final_lr: f64) -> Result<PolyScheduler> {
        if max_update < 1 {
            return Err(Error::config(
                "PolyScheduler max_update",
                "must be at least 1",
            ));
        }
        Ok(PolyScheduler {
            max_update,
            base_lr: check_base_lr(base_lr)?,
            pwr,
            final_lr: check_base_lr(final_lr)?,
            warmup: Warmup::default(),
        })
    }

    /// Adds a warmup, which must end before `max_update`.
    ///
    /// # Errors
    ///
    /// [`Error::Config`] when the warmup's begin rate exceeds the base rate or the warmup
    /// does not end before `max_update`.
    pub fn with_warmup(mut self, warmup: Warmup) -> Result<Self> {
        warmup.check_before(self.base_lr, self.max_update)?;
        self.warmup = warmup;
        Ok(self)
    }
}

impl LRScheduler for PolyScheduler {
    fn lr(&self, num_update: u64) -> f64 {
        if let Some(lr) = self.warmup.lr(num_update, self.base_lr) {
            return lr;
        }
        let n = num_update.min(self.max_update) - self.warmup.steps;
        let span = (self.max_update - self.warmup.steps) as f64;
        let remaining = 1.0 - n as f64 / span;
        self.final_lr + (self.base_lr - self.final_lr) * remaining.powf(self.pwr)
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
