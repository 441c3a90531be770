//! [`Trainer`]: applies an optimizer to a set of parameters, as `gluon.Trainer`.

use super::optimizer::Optimizer;
use super::params::OptimizerParams;
use crate::error::{Error, Result};
use crate::nd::NDArray;
use crate::nn::{Parameter, ParameterDict};

/// The parameters a [`Trainer`] updates, in the order that gives each its optimizer index.
///
/// A [`ParameterDict`] gives its parameters sorted by full name, as MXNet 1.x's Trainer
/// does; a list keeps its order.
pub trait TrainerParams {
    /// The parameters in optimizer-index order.
    fn into_parameters(self) -> Vec<Parameter>;
}

impl TrainerParams for &ParameterDict {
    fn into_parameters(self) -> Vec<Parameter> {
        let mut params: Vec<Parameter> = self.values().cloned().collect();
        params.sort_by(|a, b| a.name().cmp(b.name()));
        params
    }
}

impl TrainerParams for ParameterDict {
    fn into_parameters(self) -> Vec<Parameter> {
        (&self).into_parameters()
    }
}

impl TrainerParams for Vec<Parameter> {
    fn into_parameters(self) -> Vec<Parameter> {
        self
    }
}

impl TrainerParams for &[Parameter] {
    fn into_parameters(self) -> Vec<Parameter> {
        self.to_vec()
    }
}

/// The optimizer a [`Trainer`] uses: a registry name with settings, or an instance.
#[derive(Debug)]
pub enum OptimizerChoice {
    /// A name for [`create`](super::create), such as `"sgd"`.
    Name(String),
    /// A ready optimizer; the Trainer's settings map must then be empty.
    Instance(Box<dyn Optimizer>),
}

impl From<&str> for OptimizerChoice {
    fn from(name: &str) -> Self {
        OptimizerChoice::Name(name.to_string())
    }
}

impl From<String> for OptimizerChoice {
    fn from(name: String) -> Self {
        OptimizerChoice::Name(name)
    }
}

impl From<Box<dyn Optimizer>> for OptimizerChoice {
    fn from(optimizer: Box<dyn Optimizer>) -> Self {
        OptimizerChoice::Instance(optimizer)
    }
}

impl<T: Optimizer + 'static> From<T> for OptimizerChoice {
    fn from(optimizer: T) -> Self {
        OptimizerChoice::Instance(Box::new(optimizer))
    }
}

/// Applies an optimizer to parameters after each backward pass, as `gluon.Trainer`.
///
/// [`Trainer::step`] divides the summed gradients by the batch size it is given, so a loss
/// with one value per sample trains on the mean gradient. Each parameter's update count,
/// `lr_mult` and `wd_mult` key off its index in the Trainer.
///
/// ```
/// use gluon_rs::nn::Parameter;
/// use gluon_rs::{autograd, nd::NDArray, optim, Trainer};
///
/// let weight = Parameter::new("weight", &[1]);
/// weight.load(&NDArray::from_vec(vec![1.0], &[1]))?;
/// let mut trainer = Trainer::new(vec![weight.clone()], "sgd", optim::params([("learning_rate", 0.5)]))?;
///
/// let w = weight.data()?;
/// let loss = autograd::record(|| (&w * &w).sum()); // d/dw w^2 = 2w = 2
/// loss.backward()?;
/// trainer.step(1)?;
/// assert_eq!(weight.data()?.to_vec(), vec![0.0]);
/// # Ok::<(), gluon_rs::Error>(())
/// ```
#[derive(Debug)]
pub struct Trainer {
    params: Vec<Parameter>,
    pub(super) optimizer: Box<dyn Optimizer>,
    pub(super) states: Vec<Option<Vec<NDArray>>>,
    /// `rescale_grad` as configured; each step divides it by the batch size.
    pub(super) original_rescale_grad: f64,
    /// The parameters a step updates: kept between steps (empty) so that a step allocates
    /// nothing.
    ready: Vec<Ready>,
}

impl Trainer {
    /// A Trainer for `params` with `optimizer`, a registry name with `optimizer_params`
    /// (`Trainer::new(params, "sgd", optim::params([("learning_rate", 0.1)]))`) or an
    /// optimizer instance with an empty map.
    ///
    /// # Errors
    ///
    /// [`Error::Config`] for an unknown optimizer or setting, or settings given alongside
    /// an instance; [`Error::Parameter`] naming a parameter that was never initialized.
    pub fn new(
        params: impl TrainerParams,
        optimizer: impl Into<OptimizerChoice>,
        optimizer_params: OptimizerParams,
    ) -> Result<Trainer> {
        let params = params.into_parameters();
        for param in &params {
            if !param.is_initialized() && !param.is_deferred() {
                return Err(Error::Parameter {
                    name: param.name().to_string(),
                    message: "is not initialized; initialize the network before creating \
                              the Trainer"
                        .to_string(),
                });
            }
        }
        let optimizer = match optimizer.into() {
            OptimizerChoice::Name(name) => super::create(&name, optimizer_params)?,
            OptimizerChoice::Instance(instance) if optimizer_params.is_empty() => instance,
            OptimizerChoice::Instance(_) => {
                return Err(Error::config(
                    "optimizer_params",
                    "settings must be empty when the optimizer is given as an instance; \
                     configure the instance instead",
                ))
            }
        };
        let original_rescale_grad = optimizer.base().rescale_grad;
        Ok(Trainer {
            states: vec![None; params.len()],
            params,
            optimizer,
            original_rescale_grad,
            ready: Vec::new(),
        })
    }

    /// The parameters, in optimizer-index order.
    pub fn params(&self) -> &[Parameter] {
        &self.params
    }

    /// The optimizer.
    pub fn optimizer(&self) -> &dyn Optimizer {
        self.optimizer.as_ref()
    }

    /// The learning rate of the next update (the schedule's value when one is set).
    pub fn learning_rate(&self) -> f64 {
        self.optimizer.base().learning_rate()
    }

    /// Sets the learning rate.
    ///
    /// # Errors
    ///
    /// [`Error::Config`] when a schedule is set or `lr` is negative or not finite.
    pub fn set_learning_rate(&mut self, lr: f64) -> Result<()> {
        self.optimizer.base_mut().set_learning_rate(lr)
    }

    /// The optimizer state arrays of the parameter at `index` (empty before its first
    /// update or when the optimizer keeps none).
    pub fn states(&self, index: usize) -> Vec<NDArray> {
        self.states
            .get(index)
            .and_then(Option::clone)
            .unwrap_or_default()
    }

    /// Rescales the gradients by `1 / batch_size` and updates every parameter, as
    /// `Trainer.step`. Pass the number of samples whose losses were summed by backward,
    /// including for a short last batch.
    ///
    /// A warning is logged when the gradients came from fewer samples than `batch_size`,
    /// or from a loss already averaged to one value (dividing again would shrink the step).
    ///
    /// # Errors
    ///
    /// As [`Trainer::update`], and [`Error::Config`] when `batch_size` is 0.
    pub fn step(&mut self, batch_size: usize) -> Result<()> {
        self.step_with(batch_size, false)
    }

    /// [`Trainer::step`], skipping parameters whose gradient is stale when
    /// `ignore_stale_grad` is set.
    ///
    /// # Errors
    ///
    /// As [`Trainer::step`].
    pub fn step_with(&mut self, batch_size: usize, ignore_stale_grad: bool) -> Result<()> {
        if batch_size == 0 {
            return Err(Error::config("batch_size", "must be at least 1"));
        }
        self.update(batch_size, ignore_stale_grad)
    }

    /// Sets `rescale_grad` to its configured value over `batch_size` and updates every
    /// parameter from its gradient, as `Trainer.update` (the second half of `step`; on one
    /// device there is nothing to all-reduce).
    ///
    /// # Errors
    ///
    /// [`Error::Parameter`] naming the first parameter whose gradient no backward pass has
    /// written since the last update (unless `ignore_stale_grad`), or that is not
    /// initialized yet. Nothing is updated then.
    pub fn update(&mut self, batch_size: usize, ignore_stale_grad: bool) -> Result<()> {
        self.optimizer.base_mut().rescale_grad =
            self.original_rescale_grad / batch_size.max(1) as f64;
        // Taken out (empty: every step drains it) for the loop, which borrows `self`.
        let mut ready = std::mem::take(&mut self.ready);
        self.ready_parameters(ignore_stale_grad, &mut ready)?;
        if let Some(first) = ready.first() {
            warn_about_batch_size(first.samples, batch_size);
        }

        for Ready {
            index,
            data,
            grad,
            lr_mult,
            wd_mult,
            ..
        } in ready.drain(..)
        {
            let base = self.optimizer.base_mut();
            base.set_lr_mult(index, f64::from(lr_mult));
            base.set_wd_mult(index, f64::from(wd_mult));
            let states =
                self.states[index].get_or_insert_with(|| self.optimizer.create_state(&data));
            self.optimizer.update(index, &data, &grad, states);
            data.mark_grad_used();
        }
        self.ready = ready;
        Ok(())
    }

    /// Puts the parameters to update and their data into `ready`, after checking every one
    /// for staleness so that an error leaves all of them untouched.
    fn ready_parameters(&self, ignore_stale_grad: bool, ready: &mut Vec<Ready>) -> Result<()> {
        for (index, param) in self.params.iter().enumerate() {
            let Some((data, lr_mult, wd_mult)) = param.update_view()? else {
                continue;
            };
            if let Some((grad, samples)) = data.fresh_grad() {
                ready.push(Ready {
                    index,
                    data,
                    grad,
                    samples,
                    lr_mult,
                    wd_mult,
                });
            } else if !ignore_stale_grad {
                return Err(Error::Parameter {
                    name: param.name().to_string(),
                    message: "has a stale gradient: no backward pass wrote it since the last \
                              update; call backward on a loss that depends on it first, or \
                              step with ignore_stale_grad = true to skip such parameters"
                        .to_string(),
                });
            }
        }
        Ok(())
    }
}

/// A parameter a step updates, with what the update reads: one lock of the parameter and
/// one of its gradient gather all of it.
#[derive(Debug)]
struct Ready {
    /// The optimizer index.
    index: usize,
    data: NDArray,
    grad: NDArray,
    /// The batch size of the backward pass that wrote the gradient.
    samples: Option<usize>,
    lr_mult: f32,
    wd_mult: f32,
}

/// Warns when the step's batch size does not match the samples behind the gradients.
fn warn_about_batch_size(samples: Option<usize>, batch_size: usize) {
    match samples {
        Some(1) if batch_size > 1 => log::warn!(
            "Trainer::step({batch_size}) divides gradients by {batch_size}, but backward \
             started from one value: either the batch held one sample, or the loss was \
             already averaged over the batch and the gradient is divided twice; pass the \
             number of samples whose losses were summed"
        ),
        Some(samples) if samples < batch_size => log::warn!(
            "Trainer::step({batch_size}) divides gradients by {batch_size}, but the batch \
             that produced them had {samples} samples; pass the actual batch size to train \
             on the mean gradient"
        ),
        _ => {}
    }
}
