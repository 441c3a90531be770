//! The [`Optimizer`] trait and [`OptimizerBase`], the settings and counters every optimizer
//! shares, as MXNet 1.x's `mx.optimizer.Optimizer`.

use super::lr_scheduler::LRScheduler;
use super::params::{check_range, OptimizerParams, ParamReader, ParamValue};
use crate::error::{Error, Result};
use crate::nd::NDArray;
use smallvec::SmallVec;

/// The resolved settings of one parameter's update.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct UpdateStep {
    /// The learning rate, after the schedule and the parameter's `lr_mult`.
    pub lr: f64,
    /// The weight decay, after the parameter's `wd_mult`.
    pub wd: f64,
    /// The factor applied to the raw gradient (`rescale_grad`).
    pub rescale_grad: f64,
    /// The gradient clipping bound, if clipping is on.
    pub clip_gradient: Option<f64>,
    /// How many times this parameter has been updated, counting this update (from 1).
    pub t: u64,
}

impl UpdateStep {
    /// `clip(v)` to `[-c, c]` when clipping is on, in `f32` as MXNet's kernels.
    pub(crate) fn clip(&self, value: f32) -> f32 {
        match self.clip_gradient {
            Some(bound) => value.clamp(-(bound as f32), bound as f32),
            None => value,
        }
    }
}

/// An update rule, as MXNet's `Optimizer`: it changes a weight in place from its gradient
/// and per-weight state arrays.
///
/// Each weight is known by an index (its position in the [`Trainer`](crate::Trainer)),
/// which keys its update count and its multipliers. [`Optimizer::update`] resolves the
/// learning rate and weight decay for the index and calls [`Optimizer::apply`].
pub trait Optimizer: std::fmt::Debug + Send + Sync {
    /// The registry name (`"sgd"`, `"adam"`, ...).
    fn name(&self) -> &'static str;

    /// The shared settings and counters.
    fn base(&self) -> &OptimizerBase;

    /// Mutable access to the shared settings and counters.
    fn base_mut(&mut self) -> &mut OptimizerBase;

    /// How many state arrays (each of the weight's shape, starting at zero) a weight needs.
    fn state_count(&self) -> usize;

    /// The optimizer's own settings (momentum, betas, ...), by MXNet's names, so that an
    /// equal optimizer can be made by name; the shared settings are not included.
    fn own_params(&self) -> OptimizerParams;

    /// Applies one update elementwise. `states` holds [`Optimizer::state_count`] buffers.
    ///
    /// # Panics
    ///
    /// If `states` does not hold [`Optimizer::state_count`] buffers.
    fn apply(&self, step: &UpdateStep, weight: &mut [f32], grad: &[f32], states: &mut [Vec<f32>]);

    /// Fresh state for `weight`: [`Optimizer::state_count`] arrays of zeros.
    fn create_state(&self, weight: &NDArray) -> Vec<NDArray> {
        (0..self.state_count())
            .map(|_| NDArray::zeros(weight.shape()))
            .collect()
    }

    /// Updates the weight at `index` in place from `grad`, counting the update.
    ///
    /// # Panics
    ///
    /// If `grad` or a state array has a different element count than `weight`, or the
    /// number of state arrays differs from [`Optimizer::state_count`].
    #[track_caller]
    fn update(&mut self, index: usize, weight: &NDArray, grad: &NDArray, states: &[NDArray]) {
        let step = self.base_mut().next_step(index);
        assert_eq!(
            weight.size(),
            grad.size(),
            "{}: gradient of shape {:?} does not fit weight of shape {:?}",
            self.name(),
            grad.shape(),
            weight.shape()
        );
        // The state buffers are moved out of their arrays for the update and moved back,
        // so the kernel sees plain slices without copying (and, up to three states, with
        // no allocation).
        let mut buffers: SmallVec<[Vec<f32>; 3]> = states
            .iter()
            .map(|state| std::mem::take(&mut *state.write()))
            .collect();
        assert!(
            buffers.iter().all(|buffer| buffer.len() == weight.size()),
            "{}: state arrays do not fit weight of shape {:?}",
            self.name(),
            weight.shape()
        );
        {
            let mut values = weight.write();
            if grad.same_storage(weight) {
                // Reading the gradient under the weight's write lock would deadlock.
                let gradient = values.clone();
                self.apply(&step, &mut values, &gradient, &mut buffers);
            } else {
                self.apply(&step, &mut values, &grad.read(), &mut buffers);
            }
        }
        for (state, buffer) in states.iter().zip(buffers) {
            *state.write() = buffer;
        }
    }
}

/// The settings every optimizer shares, and the update counters.
#[derive(Debug, Clone)]
pub struct OptimizerBase {
    learning_rate: f64,
    /// The weight decay applied to every parameter (times its `wd_mult`).
    pub wd: f64,
    /// The factor applied to every raw gradient; the Trainer sets it to
    /// `original / batch_size` on each step.
    pub rescale_grad: f64,
    /// Gradients are clipped to `[-c, c]` when set.
    pub clip_gradient: Option<f64>,
    lr_scheduler: Option<Box<dyn LRScheduler>>,
    /// What is kept per weight index, sorted by index. A Trainer's indices are its
    /// parameter positions, so after the first step every lookup is a binary search in a
    /// short vector that no longer grows: no hashing and no allocation per update.
    per_index: Vec<IndexEntry>,
    begin_num_update: u64,
    num_update: u64,
}

impl OptimizerBase {
    /// Shared settings with learning rate `learning_rate` and MXNet's other defaults: no
    /// weight decay, `rescale_grad` 1, no clipping, no schedule.
    pub fn new(learning_rate: f64) -> OptimizerBase {
        OptimizerBase {
            learning_rate,
            wd: 0.0,
            rescale_grad: 1.0,
            clip_gradient: None,
            lr_scheduler: None,
            per_index: Vec::new(),
            begin_num_update: 0,
            num_update: 0,
        }
    }

    /// Reads the shared settings from `reader`. `default_lr` is the optimizer's own default
    /// rate when it has one (Adam, RMSProp); without one, a schedule's base rate is used, or
    /// 0.01.
    pub(crate) fn from_reader(
        optimizer: &'static str,
        reader: &mut ParamReader,
        default_lr: Option<f64>,
    ) -> Result<OptimizerBase> {
        let given_lr = reader.number("learning_rate")?;
        let wd = reader.number("wd")?.unwrap_or(0.0);
        let rescale_grad = reader.number("rescale_grad")?.unwrap_or(1.0);
        let clip_gradient = reader.number("clip_gradient")?;
        let mut scheduler = reader.scheduler("lr_scheduler")?;
        let begin = reader.number("begin_num_update")?.unwrap_or(0.0);

        let lr = match (given_lr.or(default_lr), scheduler.as_mut()) {
            (Some(lr), Some(scheduler)) => {
                if scheduler.base_lr() != lr {
                    log::info!("{optimizer}: the schedule's base rate becomes {lr}");
                }
                scheduler.set_base_lr(lr);
                lr
            }
            (None, Some(scheduler)) => scheduler.base_lr(),
            (Some(lr), None) => lr,
            (None, None) => 0.01,
        };
        let mut base = OptimizerBase::new(check_range(
            optimizer,
            "learning_rate",
            lr,
            0.0,
            f64::MAX,
            false,
        )?);
        base.wd = check_range(optimizer, "wd", wd, 0.0, f64::MAX, false)?;
        base.rescale_grad = check_range(
            optimizer,
            "rescale_grad",
            rescale_grad,
            0.0,
            f64::MAX,
            false,
        )?;
        base.clip_gradient = clip_setting(optimizer, clip_gradient)?;
        base.lr_scheduler = scheduler;
        base.begin_num_update =
            check_range(optimizer, "begin_num_update", begin, 0.0, f64::MAX, false)? as u64;
        base.num_update = base.begin_num_update;
        Ok(base)
    }

    /// The shared settings as a parameter map (without the schedule).
    pub(crate) fn params(&self) -> OptimizerParams {
        let mut params = OptimizerParams::new();
        params.insert(
            "learning_rate".into(),
            ParamValue::Number(self.learning_rate),
        );
        params.insert("wd".into(), ParamValue::Number(self.wd));
        params.insert("rescale_grad".into(), ParamValue::Number(self.rescale_grad));
        if let Some(clip) = self.clip_gradient {
            params.insert("clip_gradient".into(), ParamValue::Number(clip));
        }
        params
    }

    /// The learning rate of the next update: the schedule's value at the current update
    /// count when a schedule is set, else the fixed rate.
    pub fn learning_rate(&self) -> f64 {
        match &self.lr_scheduler {
            Some(scheduler) => scheduler.lr(self.num_update),
            None => self.learning_rate,
        }
    }

    /// Replaces the fixed learning rate.
    ///
    /// # Errors
    ///
    /// [`Error::Config`] when a schedule is set (it owns the rate) or `lr` is negative or
    /// not finite.
    pub fn set_learning_rate(&mut self, lr: f64) -> Result<()> {
        if self.lr_scheduler.is_some() {
            return Err(Error::config(
                "learning_rate",
                "a learning-rate schedule is set and decides the rate; change the schedule \
                 instead",
            ));
        }
        self.learning_rate = check_range("optimizer", "learning_rate", lr, 0.0, f64::MAX, false)?;
        Ok(())
    }

    /// The fixed learning rate, which a schedule's base rate follows.
    pub(crate) fn fixed_learning_rate(&self) -> f64 {
        self.learning_rate
    }

    /// Removes and returns the schedule.
    pub(crate) fn take_scheduler(&mut self) -> Option<Box<dyn LRScheduler>> {
        self.lr_scheduler.take()
    }

    /// Replaces the schedule.
    pub(crate) fn set_scheduler(&mut self, scheduler: Option<Box<dyn LRScheduler>>) {
        self.lr_scheduler = scheduler;
    }

    /// The schedule, if one is set.
    pub fn lr_scheduler(&self) -> Option<&dyn LRScheduler> {
        self.lr_scheduler.as_deref()
    }

    /// Sets the learning-rate multiplier of the weight at `index` (default 1).
    pub fn set_lr_mult(&mut self, index: usize, mult: f64) {
        self.entry(index).lr_mult = mult;
    }

    /// Sets the weight-decay multiplier of the weight at `index` (default 1).
    pub fn set_wd_mult(&mut self, index: usize, mult: f64) {
        self.entry(index).wd_mult = mult;
    }

    /// The entry of `index`, made with the defaults when there is none yet.
    fn entry(&mut self, index: usize) -> &mut IndexEntry {
        let position = match self
            .per_index
            .binary_search_by_key(&index, |entry| entry.index)
        {
            Ok(position) => position,
            Err(position) => {
                self.per_index.insert(
                    position,
                    IndexEntry {
                        index,
                        lr_mult: 1.0,
                        wd_mult: 1.0,
                        update_count: None,
                    },
                );
                position
            }
        };
        &mut self.per_index[position]
    }

    /// The largest update count of any weight: the schedule's position.
    pub fn num_update(&self) -> u64 {
        self.num_update
    }

    /// The number of updates of each weight index that has been updated, for saving.
    pub(crate) fn update_counts(&self) -> impl Iterator<Item = (usize, u64)> + '_ {
        self.per_index
            .iter()
            .filter_map(|entry| Some((entry.index, entry.update_count?)))
    }

    /// Restores saved counters, replacing every current one (the multipliers stay).
    pub(crate) fn restore_counts(
        &mut self,
        counts: impl IntoIterator<Item = (usize, u64)>,
        num_update: u64,
    ) {
        for entry in &mut self.per_index {
            entry.update_count = None;
        }
        for (index, count) in counts {
            self.entry(index).update_count = Some(count);
        }
        self.num_update = num_update;
    }

    /// Counts an update of `index` and resolves its settings. The count rises before the
    /// rate is looked up, so the first update uses `num_update = 1`, as in MXNet.
    pub(crate) fn next_step(&mut self, index: usize) -> UpdateStep {
        let begin = self.begin_num_update;
        let entry = self.entry(index);
        let t = entry.update_count.unwrap_or(begin) + 1;
        entry.update_count = Some(t);
        let (lr_mult, wd_mult) = (entry.lr_mult, entry.wd_mult);
        self.num_update = self.num_update.max(t);
        UpdateStep {
            lr: self.learning_rate() * lr_mult,
            wd: self.wd * wd_mult,
            rescale_grad: self.rescale_grad,
            clip_gradient: self.clip_gradient,
            t,
        }
    }
}

/// The multipliers and update count of one weight index.
#[derive(Debug, Clone, Copy)]
struct IndexEntry {
    index: usize,
    lr_mult: f64,
    wd_mult: f64,
    /// `None` until the first update, which starts from `begin_num_update`.
    update_count: Option<u64>,
}

/// MXNet turns clipping on only for a truthy value, so 0 means off; a negative bound is
/// refused rather than silently ignored.
pub(crate) fn clip_setting(optimizer: &str, clip: Option<f64>) -> Result<Option<f64>> {
    match clip {
        None => Ok(None),
        Some(0.0) => Ok(None),
        Some(bound) => Ok(Some(check_range(
            optimizer,
            "clip_gradient",
            bound,
            0.0,
            f64::MAX,
            false,
        )?)),
    }
}

/// Adds the builders of the shared settings to a typed optimizer with a `base` field.
macro_rules! shared_settings {
    ($optimizer:ty) => {
        impl $optimizer {
            /// Sets the weight decay.
            ///
            /// # Errors
            ///
            /// [`Error::Config`](crate::Error::Config) when `wd` is negative or not finite.
            pub fn with_wd(mut self, wd: f64) -> $crate::Result<Self> {
                self.base.wd = $crate::optim::params::check_range(
                    self.name(),
                    "wd",
                    wd,
                    0.0,
                    f64::MAX,
                    false,
                )?;
                Ok(self)
            }

            /// Sets the factor applied to every raw gradient.
            ///
            /// # Errors
            ///
            /// [`Error::Config`](crate::Error::Config) when `rescale_grad` is negative or
            /// not finite.
            pub fn with_rescale_grad(mut self, rescale_grad: f64) -> $crate::Result<Self> {
                self.base.rescale_grad = $crate::optim::params::check_range(
                    self.name(),
                    "rescale_grad",
                    rescale_grad,
                    0.0,
                    f64::MAX,
                    false,
                )?;
                Ok(self)
            }

            /// Clips every gradient to `[-bound, bound]`; 0 turns clipping off, as in MXNet.
            ///
            /// # Errors
            ///
            /// [`Error::Config`](crate::Error::Config) when `bound` is negative or not
            /// finite.
            pub fn with_clip_gradient(mut self, bound: f64) -> $crate::Result<Self> {
                self.base.clip_gradient =
                    $crate::optim::optimizer::clip_setting(self.name(), Some(bound))?;
                Ok(self)
            }

            /// Sets a learning-rate schedule; its base rate becomes this optimizer's rate.
            pub fn with_lr_scheduler(
                mut self,
                mut scheduler: Box<dyn $crate::optim::LRScheduler>,
            ) -> Self {
                scheduler.set_base_lr(self.base.fixed_learning_rate());
                self.base.set_scheduler(Some(scheduler));
                self
            }
        }
    };
}
pub(crate) use shared_settings;
