//! [`Parameter`]: a named, shared array that a block learns, as `gluon.Parameter` (1.x).

use crate::autograd::GradReq;
use crate::error::{Error, Result};
use crate::init::Init;
use crate::nd::NDArray;
use std::fmt;
use std::sync::{Arc, Mutex, MutexGuard};

/// A learnable array with a name, its gradient buffer and its optimizer settings, as
/// MXNet's `gluon.Parameter`.
///
/// A `Parameter` is a cheap handle: clones share the same state, so a network and a
/// [`Trainer`](crate::optim) see the same values without copying. Dimensions of the shape
/// that are `0` are unknown until the first forward infers them (deferred initialization).
/// The gradient buffer is the data array's own (`attach_grad`), so
/// [`NDArray::grad_is_fresh`] and friends work on [`Parameter::data`].
///
/// # Limitations
///
/// Parameters live on `cpu(0)` in `float32`: there is no `ctx` argument, no per-context
/// copies and no `dtype` setting.
///
/// ```
/// use gluon_rs::init::{Init, One};
/// use gluon_rs::nn::Parameter;
///
/// let weight = Parameter::new("dense0_weight", &[2, 3]);
/// weight.initialize(Some(&One.into()), &Init::default(), false)?;
/// assert_eq!(weight.data()?.to_vec(), vec![1.0; 6]);
/// assert_eq!(weight.grad()?.to_vec(), vec![0.0; 6]);
/// # Ok::<(), gluon_rs::Error>(())
/// ```
#[derive(Clone)]
pub struct Parameter {
    inner: Arc<Inner>,
}

struct Inner {
    name: String,
    state: Mutex<State>,
}

struct State {
    shape: Vec<usize>,
    grad_req: GradReq,
    lr_mult: f32,
    wd_mult: f32,
    init: Option<Init>,
    allow_deferred_init: bool,
    differentiable: bool,
    data: Option<NDArray>,
    /// Set by `initialize` while the shape is unknown: the initializer to run, and a value
    /// given by `set_data` meanwhile, used instead of it.
    deferred: Option<(Init, Option<NDArray>)>,
}

impl Parameter {
    /// A parameter called `name` of `shape` (`0` marks an unknown dimension) with MXNet's
    /// defaults: grad_req `write`, lr_mult and wd_mult 1, no initializer of its own, no
    /// deferred initialization.
    pub fn new(name: impl Into<String>, shape: &[usize]) -> Parameter {
        Parameter {
            inner: Arc::new(Inner {
                name: name.into(),
                state: Mutex::new(State {
                    shape: shape.to_vec(),
                    grad_req: GradReq::Write,
                    lr_mult: 1.0,
                    wd_mult: 1.0,
                    init: None,
                    allow_deferred_init: false,
                    differentiable: true,
                    data: None,
                    deferred: None,
                }),
            }),
        }
    }

    /// Sets the gradient request (builder form of [`Parameter::set_grad_req`]).
    pub fn with_grad_req(self, grad_req: GradReq) -> Parameter {
        self.set_grad_req(grad_req);
        self
    }

    /// Sets the parameter's own initializer, used when `initialize` is not given one.
    pub fn with_init(self, init: Init) -> Parameter {
        self.set_init(Some(init));
        self
    }

    /// Sets the learning-rate multiplier.
    pub fn with_lr_mult(self, lr_mult: f32) -> Parameter {
        self.set_lr_mult(lr_mult);
        self
    }

    /// Sets the weight-decay multiplier.
    pub fn with_wd_mult(self, wd_mult: f32) -> Parameter {
        self.set_wd_mult(wd_mult);
        self
    }

    /// Lets `initialize` wait for the first forward when the shape is not yet known.
    pub fn with_allow_deferred_init(self, allow: bool) -> Parameter {
        self.state().allow_deferred_init = allow;
        self
    }

    /// Marks the parameter as not differentiable, which forces grad_req `null`.
    pub fn with_differentiable(self, differentiable: bool) -> Parameter {
        self.state().differentiable = differentiable;
        if !differentiable {
            self.set_grad_req(GradReq::Null);
        }
        self
    }

    fn state(&self) -> MutexGuard<'_, State> {
        // No code panics while holding the lock in a way that leaves the state torn.
        self.inner
            .state
            .lock()
            .unwrap_or_else(|poison| poison.into_inner())
    }

    // --- attributes ---

    /// The full name, e.g. `hybridsequential0_dense0_weight`.
    pub fn name(&self) -> &str {
        &self.inner.name
    }

    /// The shape; `0` marks a dimension not known yet.
    pub fn shape(&self) -> Vec<usize> {
        self.state().shape.clone()
    }

    /// The length of `axis` of the shape (0 while unknown), without copying the shape.
    ///
    /// # Panics
    ///
    /// If the shape has no such axis.
    pub(crate) fn dim(&self, axis: usize) -> usize {
        self.state().shape[axis]
    }

    /// Whether every dimension of the shape is known.
    pub fn has_known_shape(&self) -> bool {
        is_known(&self.state().shape)
    }

    /// How backward writes the gradient: `write`, `add` or `null`.
    pub fn grad_req(&self) -> GradReq {
        self.state().grad_req
    }

    /// Changes the gradient request. `null` stops gradients from being computed; a
    /// parameter that is not differentiable stays `null`.
    pub fn set_grad_req(&self, grad_req: GradReq) {
        let mut state = self.state();
        let grad_req = if state.differentiable {
            grad_req
        } else {
            GradReq::Null
        };
        state.grad_req = grad_req;
        if let Some(data) = &state.data {
            data.set_grad_req(grad_req);
        }
    }

    /// The learning-rate multiplier the optimizer applies to this parameter.
    pub fn lr_mult(&self) -> f32 {
        self.state().lr_mult
    }

    /// Sets the learning-rate multiplier.
    pub fn set_lr_mult(&self, lr_mult: f32) {
        self.state().lr_mult = lr_mult;
    }

    /// The weight-decay multiplier the optimizer applies to this parameter.
    pub fn wd_mult(&self) -> f32 {
        self.state().wd_mult
    }

    /// Sets the weight-decay multiplier.
    pub fn set_wd_mult(&self, wd_mult: f32) {
        self.state().wd_mult = wd_mult;
    }

    /// The parameter's own initializer, if it has one.
    pub fn init(&self) -> Option<Init> {
        self.state().init.clone()
    }

    /// Sets or clears the parameter's own initializer.
    pub fn set_init(&self, init: Option<Init>) {
        self.state().init = init;
    }

    /// Whether the parameter holds data.
    pub fn is_initialized(&self) -> bool {
        self.state().data.is_some()
    }

    /// Whether `initialize` ran but waits for the shape to be inferred.
    pub fn is_deferred(&self) -> bool {
        let state = self.state();
        state.data.is_none() && state.deferred.is_some()
    }

    /// The number of elements (the product of the shape; 0 while a dimension is unknown).
    pub fn size(&self) -> usize {
        self.state().shape.iter().product()
    }

    /// Whether two handles refer to the same parameter.
    pub fn same(&self, other: &Parameter) -> bool {
        Arc::ptr_eq(&self.inner, &other.inner)
    }

    // --- initialization ---

    /// Initializes the data, as `Parameter.initialize`.
    ///
    /// The initializer is `init` when given, else the parameter's own, else
    /// `default_init`. When the shape is still unknown and deferred initialization is
    /// allowed, the choice is stored and applied when the shape is inferred. A parameter
    /// that already holds data keeps it and a warning is logged, unless `force_reinit`.
    ///
    /// # Errors
    ///
    /// [`Error::Parameter`] when the shape is unknown and deferred initialization is not
    /// allowed, or when the initializer cannot apply to the shape.
    pub fn initialize(
        &self,
        init: Option<&Init>,
        default_init: &Init,
        force_reinit: bool,
    ) -> Result<()> {
        let mut state = self.state();
        if state.data.is_some() && !force_reinit {
            log::warn!(
                "parameter {} is already initialized, so initialize leaves it unchanged; \
                 pass force_reinit = true to reinitialize it",
                self.name()
            );
            return Ok(());
        }
        let chosen = init.or(state.init.as_ref()).unwrap_or(default_init).clone();

        if !is_known(&state.shape) {
            if !state.allow_deferred_init {
                return Err(self.error(format!(
                    "cannot initialize with the unknown shape {:?}; give the full shape",
                    state.shape
                )));
            }
            log::debug!(
                "parameter {}: initialization deferred until its shape is known",
                self.name()
            );
            state.deferred = Some((chosen, None));
            return Ok(());
        }
        self.create_data(&mut state, &chosen, None)
    }

    /// Fills in the unknown dimensions of the shape, and completes a deferred
    /// initialization once the shape is known. Layers call this at the first forward.
    ///
    /// # Errors
    ///
    /// [`Error::Parameter`] when `shape` contradicts a known dimension, or when the
    /// deferred initializer cannot apply to the shape.
    pub fn infer_shape(&self, shape: &[usize]) -> Result<()> {
        let mut state = self.state();
        state.shape = self.merged_shape(&state.shape, shape)?;
        if state.data.is_none() && is_known(&state.shape) {
            if let Some((init, pending)) = state.deferred.take() {
                log::debug!(
                    "parameter {}: shape inferred as {:?}",
                    self.name(),
                    state.shape
                );
                return self.create_data(&mut state, &init, pending.as_ref());
            }
        }
        Ok(())
    }

    /// Allocates (or overwrites) the data from `values` or the initializer, and attaches
    /// the gradient buffer.
    fn create_data(&self, state: &mut State, init: &Init, values: Option<&NDArray>) -> Result<()> {
        let shape = state.shape.clone();
        let mut buffer = vec![0.0; shape.iter().product()];
        match values {
            Some(values) => buffer.copy_from_slice(&values.read()),
            None => {
                log::debug!("parameter {}: initialized with {:?}", self.name(), init);
                init.fill(self.name(), &shape, &mut buffer)?;
            }
        }
        state.deferred = None;

        // Overwriting in place keeps every handle to the array (a trainer's) valid.
        if let Some(data) = state
            .data
            .as_ref()
            .filter(|data| data.shape() == shape.as_slice())
        {
            data.write().copy_from_slice(&buffer);
            return Ok(());
        }
        let data = NDArray::from_vec(buffer, &shape);
        if state.grad_req != GradReq::Null {
            data.attach_grad_with(state.grad_req);
        }
        state.data = Some(data);
        Ok(())
    }

    // --- data and gradient ---

    /// What a Trainer step needs, read under one lock: `None` when the gradient request is
    /// `null`, else the data and the learning-rate and weight-decay multipliers.
    ///
    /// # Errors
    ///
    /// As [`Parameter::data`].
    pub(crate) fn update_view(&self) -> Result<Option<(NDArray, f32, f32)>> {
        let state = self.state();
        if state.grad_req == GradReq::Null {
            return Ok(None);
        }
        let data = self.data_in(&state)?;
        Ok(Some((data, state.lr_mult, state.wd_mult)))
    }

    /// The data array. It shares storage with the parameter: writing to it changes the
    /// parameter.
    ///
    /// # Errors
    ///
    /// [`Error::Parameter`] when the parameter was never initialized, or when its
    /// initialization waits for the first forward.
    pub fn data(&self) -> Result<NDArray> {
        self.data_in(&self.state())
    }

    /// The data held in `state` (this parameter's, locked by the caller).
    fn data_in(&self, state: &State) -> Result<NDArray> {
        match (&state.data, &state.deferred) {
            (Some(data), _) => Ok(data.clone()),
            (None, Some(_)) => Err(self.deferred_error()),
            (None, None) => Err(self.uninitialized_error()),
        }
    }

    /// The gradient buffer, which backward writes.
    ///
    /// # Errors
    ///
    /// As [`Parameter::data`], and [`Error::Parameter`] when grad_req is `null`.
    pub fn grad(&self) -> Result<NDArray> {
        if self.grad_req() == GradReq::Null {
            return Err(self.error(
                "has no gradient because its grad_req is null; set grad_req to write or add \
                 to compute one"
                    .to_string(),
            ));
        }
        let data = self.data()?;
        data.grad()
            .ok_or_else(|| self.error("has no gradient buffer".to_string()))
    }

    /// Overwrites the value, as `Parameter.set_data`. Unknown dimensions adopt the new
    /// size; a parameter still waiting for its first forward keeps the value for then.
    ///
    /// # Errors
    ///
    /// [`Error::Parameter`] when the shapes are incompatible (both are named), or when the
    /// parameter was never initialized.
    pub fn set_data(&self, values: &NDArray) -> Result<()> {
        let mut state = self.state();
        let shape = self.merged_shape(&state.shape, values.shape())?;
        if state.data.is_none() && state.deferred.is_none() {
            return Err(self.uninitialized_error());
        }
        state.shape = shape;
        if let Some(data) = &state.data {
            data.assign(values);
            return Ok(());
        }
        let init = state
            .deferred
            .take()
            .map(|(init, _)| init)
            .expect("checked above: the parameter is deferred");
        self.create_data(&mut state, &init, Some(values))
    }

    /// Sets the value from a loaded array, initializing the parameter if needed: unknown
    /// dimensions are filled from `values`, so a loaded network needs no `initialize`.
    ///
    /// # Errors
    ///
    /// [`Error::Parameter`] when the shapes are incompatible.
    pub fn load(&self, values: &NDArray) -> Result<()> {
        let mut state = self.state();
        state.shape = self.merged_shape(&state.shape, values.shape())?;
        let init = match state.deferred.take() {
            Some((init, _)) => init,
            None => Init::default(),
        };
        self.create_data(&mut state, &init, Some(values))
    }

    /// Sets the gradient buffer to zero, as `zero_grad`; nothing happens without one.
    pub fn zero_grad(&self) {
        if let Some(grad) = self.state().data.as_ref().and_then(NDArray::grad) {
            grad.fill(0.0);
        }
    }

    // --- errors ---

    fn error(&self, message: String) -> Error {
        Error::Parameter {
            name: self.name().to_string(),
            message,
        }
    }

    fn uninitialized_error(&self) -> Error {
        self.error(
            "has not been initialized; call initialize on the network (for a whole network, \
             net.initialize or net.collect_params().initialize) before using it"
                .to_string(),
        )
    }

    fn deferred_error(&self) -> Error {
        self.error(
            "is not initialized yet: its shape is inferred and its value set at the first \
             forward; run one batch through the network first, or give the layer in_units"
                .to_string(),
        )
    }

    /// `current` with its unknown dimensions taken from `new`, or an error naming both.
    fn merged_shape(&self, current: &[usize], new: &[usize]) -> Result<Vec<usize>> {
        let compatible = current.is_empty()
            || (current.len() == new.len()
                && current.iter().zip(new).all(|(&c, &n)| c == 0 || c == n));
        if !compatible {
            return Err(self.error(format!(
                "shape {new:?} is incompatible with the parameter's shape {current:?}"
            )));
        }
        Ok(new.to_vec())
    }
}

fn is_known(shape: &[usize]) -> bool {
    !shape.is_empty() && shape.iter().all(|&d| d > 0)
}

impl fmt::Debug for Parameter {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let state = self.state();
        write!(
            f,
            "Parameter {} (shape={:?}, dtype=float32, grad_req={:?})",
            self.name(),
            state.shape,
            state.grad_req
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::init::{Constant, One, Xavier, Zero};

    fn one() -> Init {
        One.into()
    }

    #[test]
    fn data_before_initialize_says_to_call_initialize() {
        let param = Parameter::new("dense0_weight", &[2, 2]);

        let error = param.data().unwrap_err().to_string();

        assert!(
            error.contains("dense0_weight") && error.contains("initialize"),
            "{error}"
        );
    }

    #[test]
    fn deferred_parameter_reports_the_first_forward() {
        let param = Parameter::new("dense0_weight", &[3, 0]).with_allow_deferred_init(true);
        param.initialize(None, &one(), false).unwrap();

        let error = param.data().unwrap_err().to_string();

        assert!(param.is_deferred());
        assert!(
            error.contains("first forward") && error.contains("in_units"),
            "{error}"
        );
    }

    #[test]
    fn infer_shape_completes_deferred_initialization() {
        let param = Parameter::new("w", &[3, 0]).with_allow_deferred_init(true);
        param.initialize(None, &one(), false).unwrap();

        param.infer_shape(&[3, 2]).unwrap();

        assert_eq!(param.shape(), vec![3, 2]);
        assert_eq!(param.data().unwrap().to_vec(), vec![1.0; 6]);
        assert!(param.infer_shape(&[4, 2]).is_err());
    }

    #[test]
    fn unknown_shape_without_deferral_is_an_error() {
        let param = Parameter::new("w", &[3, 0]);

        assert!(param.initialize(None, &one(), false).is_err());
    }

    #[test]
    fn initializer_precedence_is_explicit_then_own_then_global() {
        let own = Parameter::new("b", &[2]).with_init(Zero.into());
        let explicit = Parameter::new("c", &[2]).with_init(Zero.into());
        let global = Parameter::new("d", &[2]);

        own.initialize(None, &one(), false).unwrap();
        explicit
            .initialize(Some(&Constant::new(3.0).into()), &one(), false)
            .unwrap();
        global.initialize(None, &one(), false).unwrap();

        assert_eq!(own.data().unwrap().to_vec(), vec![0.0; 2]);
        assert_eq!(explicit.data().unwrap().to_vec(), vec![3.0; 2]);
        assert_eq!(global.data().unwrap().to_vec(), vec![1.0; 2]);
    }

    #[test]
    fn second_initialize_keeps_values_unless_forced() {
        let param = Parameter::new("w", &[2]);
        param.initialize(None, &one(), false).unwrap();
        let handle = param.data().unwrap();

        param.initialize(None, &Zero.into(), false).unwrap();
        let kept = param.data().unwrap().to_vec();
        param.initialize(None, &Zero.into(), true).unwrap();

        assert_eq!(kept, vec![1.0; 2]);
        assert_eq!(handle.to_vec(), vec![0.0; 2], "reinit writes in place");
    }

    #[test]
    fn xavier_on_a_vector_names_the_parameter() {
        let param = Parameter::new("dense0_bias", &[4]);

        let error = param
            .initialize(None, &Xavier::default().into(), false)
            .unwrap_err();

        assert!(error.to_string().contains("dense0_bias"));
    }

    #[test]
    fn set_data_checks_the_shape_and_shares_storage() {
        let param = Parameter::new("w", &[2, 2]);
        param.initialize(None, &one(), false).unwrap();
        let handle = param.data().unwrap();

        let wrong = param
            .set_data(&NDArray::zeros(&[3, 2]))
            .unwrap_err()
            .to_string();
        param.set_data(&NDArray::full(&[2, 2], 5.0)).unwrap();

        assert!(
            wrong.contains("[3, 2]") && wrong.contains("[2, 2]"),
            "{wrong}"
        );
        assert_eq!(handle.to_vec(), vec![5.0; 4]);
    }

    #[test]
    fn set_data_on_a_deferred_parameter_is_used_at_completion() {
        let param = Parameter::new("w", &[2, 0]).with_allow_deferred_init(true);
        param.initialize(None, &one(), false).unwrap();

        param.set_data(&NDArray::full(&[2, 3], 4.0)).unwrap();

        assert_eq!(param.data().unwrap().to_vec(), vec![4.0; 6]);
    }

    #[test]
    fn set_data_before_initialize_is_an_error() {
        let param = Parameter::new("w", &[2]);

        assert!(param.set_data(&NDArray::zeros(&[2])).is_err());
    }

    #[test]
    fn load_fills_unknown_dimensions_without_initialize() {
        let param = Parameter::new("w", &[2, 0]).with_allow_deferred_init(true);

        param.load(&NDArray::full(&[2, 3], 2.0)).unwrap();

        assert_eq!(param.shape(), vec![2, 3]);
        assert_eq!(param.data().unwrap().to_vec(), vec![2.0; 6]);
        assert!(param.load(&NDArray::zeros(&[3, 3])).is_err());
    }

    #[test]
    fn grad_with_null_request_is_an_error_naming_the_parameter() {
        let param = Parameter::new("w", &[2]).with_grad_req(GradReq::Null);
        param.initialize(None, &one(), false).unwrap();

        let error = param.grad().unwrap_err().to_string();

        assert!(error.contains("w") && error.contains("null"), "{error}");
    }

    #[test]
    fn gradient_is_the_data_arrays_own_and_zero_grad_clears_it() {
        let param = Parameter::new("w", &[3]);
        param.initialize(None, &one(), false).unwrap();
        let x = param.data().unwrap();

        let y = crate::autograd::record(|| (&x * &x).sum());
        y.backward().unwrap();
        let grad = param.grad().unwrap().to_vec();
        param.zero_grad();

        assert_eq!(grad, vec![2.0; 3]);
        assert!(x.grad_is_fresh());
        assert_eq!(param.grad().unwrap().to_vec(), vec![0.0; 3]);
    }

    #[test]
    fn clones_share_state() {
        let param = Parameter::new("w", &[1]);
        let alias = param.clone();

        alias.set_lr_mult(0.5);
        alias.set_grad_req(GradReq::Add);

        assert_eq!(param.lr_mult(), 0.5);
        assert_eq!(param.grad_req(), GradReq::Add);
        assert!(param.same(&alias));
    }

    #[test]
    fn non_differentiable_parameter_stays_null() {
        let param = Parameter::new("running_mean", &[2]).with_differentiable(false);

        param.set_grad_req(GradReq::Write);

        assert_eq!(param.grad_req(), GradReq::Null);
    }
}
