//! [`Dense`]: the fully connected layer.

use super::naming::NameScope;
use super::{summary, Activation, Block, Parameter};
use crate::error::{Error, Result};
use crate::init::{Init, Zero};
use crate::nd::{self, NDArray};
use std::any::Any;
use std::sync::Arc;

/// A fully connected layer, `y = act(x·Wᵀ + b)`, as `nn.Dense`.
///
/// The weight has shape `(units, in_units)` and the bias `(units,)`. With `in_units` left
/// at 0 the width is inferred at the first forward, and initialization waits until then.
///
/// # Shapes
///
/// - input: `(batch, d1, ..., dk)`; with `flatten` (the default) the trailing axes are
///   collapsed, so `in_units = d1·…·dk` and the output is `(batch, units)`; without it the
///   map applies to the last axis (`in_units = dk`) and the output is
///   `(batch, d1, ..., d(k-1), units)`
///
/// ```
/// use gluon_rs::init::One;
/// use gluon_rs::nd::NDArray;
/// use gluon_rs::nn::{Block, Dense};
///
/// let dense = Dense::builder(2).activation("relu").in_units(3).build()?;
/// dense.initialize(One.into(), false)?;
/// let y = dense.forward(&NDArray::from_vec(vec![1.0, 2.0, 3.0], &[1, 3]))?;
/// assert_eq!(y.to_vec(), vec![6.0, 6.0]); // weights 1, bias 0
/// # Ok::<(), gluon_rs::Error>(())
/// ```
pub struct Dense {
    scope: Arc<NameScope>,
    units: usize,
    flatten: bool,
    weight: Parameter,
    bias: Option<Parameter>,
    act: Option<Activation>,
}

/// The settings of a [`Dense`] layer; [`DenseBuilder::build`] validates them.
#[derive(Debug, Clone)]
pub struct DenseBuilder {
    units: usize,
    activation: Option<String>,
    use_bias: bool,
    flatten: bool,
    in_units: usize,
    weight_initializer: Option<Init>,
    bias_initializer: Option<Init>,
    prefix: Option<String>,
}

impl DenseBuilder {
    /// Applies the activation named `name` (relu, sigmoid, tanh, softrelu, softsign) after
    /// the affine map.
    pub fn activation(mut self, name: &str) -> DenseBuilder {
        self.activation = Some(name.to_string());
        self
    }

    /// Whether the layer has a bias (default true).
    pub fn use_bias(mut self, use_bias: bool) -> DenseBuilder {
        self.use_bias = use_bias;
        self
    }

    /// Whether trailing input axes are collapsed (default true).
    pub fn flatten(mut self, flatten: bool) -> DenseBuilder {
        self.flatten = flatten;
        self
    }

    /// The input width; 0 (the default) infers it at the first forward.
    pub fn in_units(mut self, in_units: usize) -> DenseBuilder {
        self.in_units = in_units;
        self
    }

    /// The weight's own initializer (default: the one given to `initialize`).
    pub fn weight_initializer(mut self, init: impl Into<Init>) -> DenseBuilder {
        self.weight_initializer = Some(init.into());
        self
    }

    /// The bias's own initializer (default: zeros, whatever `initialize` is given).
    pub fn bias_initializer(mut self, init: impl Into<Init>) -> DenseBuilder {
        self.bias_initializer = Some(init.into());
        self
    }

    /// Lets the bias take the initializer given to `initialize`, as MXNet's
    /// `bias_initializer=None`.
    pub fn bias_initializer_global(mut self) -> DenseBuilder {
        self.bias_initializer = None;
        self
    }

    /// Uses `prefix` instead of a counted `dense<n>_`.
    pub fn prefix(mut self, prefix: &str) -> DenseBuilder {
        self.prefix = Some(prefix.to_string());
        self
    }

    /// Builds the layer, taking its name from the active name scope.
    ///
    /// # Errors
    ///
    /// [`Error::Config`] when `units` is 0 or the activation name is unknown.
    pub fn build(self) -> Result<Dense> {
        if self.units == 0 {
            return Err(Error::config("Dense units", "must be at least 1"));
        }
        if let Some(name) = &self.activation {
            nd::ActType::parse(name)?;
        }

        let scope = NameScope::create("dense", self.prefix.as_deref());
        let prefix = scope.prefix().to_string();
        let weight = Parameter::new(format!("{prefix}weight"), &[self.units, self.in_units])
            .with_allow_deferred_init(true);
        weight.set_init(self.weight_initializer);
        let bias = self.use_bias.then(|| {
            let bias = Parameter::new(format!("{prefix}bias"), &[self.units])
                .with_allow_deferred_init(true);
            bias.set_init(self.bias_initializer);
            bias
        });
        let act = match &self.activation {
            Some(name) => {
                let child_prefix = format!("{name}_");
                Some(scope.enter(|| Activation::with_prefix(name, Some(&child_prefix)))?)
            }
            None => None,
        };
        Ok(Dense {
            scope,
            units: self.units,
            flatten: self.flatten,
            weight,
            bias,
            act,
        })
    }
}

impl Dense {
    /// A layer with `units` outputs and MXNet's defaults (no activation, bias, flatten,
    /// inferred input width).
    ///
    /// # Errors
    ///
    /// [`Error::Config`] when `units` is 0.
    pub fn new(units: usize) -> Result<Dense> {
        Dense::builder(units).build()
    }

    /// A builder for a layer with `units` outputs.
    pub fn builder(units: usize) -> DenseBuilder {
        DenseBuilder {
            units,
            activation: None,
            use_bias: true,
            flatten: true,
            in_units: 0,
            weight_initializer: None,
            bias_initializer: Some(Zero.into()),
            prefix: None,
        }
    }

    /// The number of outputs.
    pub fn units(&self) -> usize {
        self.units
    }

    /// The input width: 0 until it is known.
    pub fn in_units(&self) -> usize {
        self.weight.dim(1)
    }

    /// The weight parameter, `(units, in_units)`.
    pub fn weight(&self) -> &Parameter {
        &self.weight
    }

    /// The bias parameter, `(units,)`, when the layer has one.
    pub fn bias(&self) -> Option<&Parameter> {
        self.bias.as_ref()
    }

    /// The width of `x` as the layer reads it.
    fn input_width(&self, x: &NDArray) -> usize {
        let shape = x.shape();
        if self.flatten {
            shape.iter().skip(1).product()
        } else {
            shape.last().copied().unwrap_or(1)
        }
    }

    /// Checks that the weight can be used for an input of `width`, completing a deferred
    /// initialization first.
    fn prepare(&self, width: usize) -> Result<()> {
        if !self.weight.is_initialized() && !self.weight.is_deferred() {
            // data() reports the uninitialized parameter with the hint to call initialize.
            self.weight.data()?;
        }
        let in_units = self.in_units();
        if in_units == 0 {
            self.weight.infer_shape(&[self.units, width])?;
        } else if in_units != width {
            return Err(Error::LayerInput {
                layer: self.name().to_string(),
                message: format!(
                    "expected an input width of {in_units} (weight shape [{}, {in_units}]), \
                     got {width}",
                    self.units
                ),
            });
        }
        Ok(())
    }
}

impl Block for Dense {
    fn forward(&self, x: &NDArray) -> Result<NDArray> {
        if x.ndim() == 0 {
            return Err(Error::LayerInput {
                layer: self.name().to_string(),
                message: "the input has no axes".to_string(),
            });
        }
        // A weight already initialized for this width needs no preparation: one lock of
        // the parameter instead of four.
        let width = self.input_width(x);
        let weight = match self.weight.data() {
            Ok(weight) if weight.shape().get(1) == Some(&width) => weight,
            _ => {
                self.prepare(width)?;
                self.weight.data()?
            }
        };
        let bias = self.bias.as_ref().map(Parameter::data).transpose()?;

        let y = match &self.act {
            // One recorded step for the product and the activation; the activation block
            // still reports its output to `summary`, as if it had run on its own.
            Some(act) if act.act_type().has_output_rule() => {
                let y = nd::fully_connected_activated(
                    x,
                    &weight,
                    bias.as_ref(),
                    self.flatten,
                    act.act_type(),
                );
                summary::record_layer(act, &y);
                y
            }
            Some(act) => act.forward(&nd::fully_connected(
                x,
                &weight,
                bias.as_ref(),
                self.flatten,
            ))?,
            None => nd::fully_connected(x, &weight, bias.as_ref(), self.flatten),
        };

        summary::record_layer(self, &y);
        Ok(y)
    }

    fn prefix(&self) -> &str {
        self.scope.prefix()
    }

    fn class_name(&self) -> &'static str {
        "Dense"
    }

    fn own_params(&self) -> Vec<(&'static str, Parameter)> {
        let mut params = vec![("weight", self.weight.clone())];
        if let Some(bias) = &self.bias {
            params.push(("bias", bias.clone()));
        }
        params
    }

    fn children(&self) -> Vec<(String, &dyn Block)> {
        match &self.act {
            Some(act) => vec![("act".to_string(), act as &dyn Block)],
            None => Vec::new(),
        }
    }

    fn as_any(&self) -> &dyn Any {
        self
    }

    fn as_dyn(&self) -> &dyn Block {
        self
    }
}

impl std::fmt::Debug for Dense {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let in_units = match self.in_units() {
            0 => "None".to_string(),
            width => width.to_string(),
        };
        match &self.act {
            Some(act) => write!(f, "Dense({in_units} -> {}, {act:?})", self.units),
            None => write!(f, "Dense({in_units} -> {}, linear)", self.units),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::init::One;

    #[test]
    fn deferred_width_is_inferred_at_the_first_forward() {
        let dense = Dense::new(4).unwrap();
        dense.initialize(One.into(), false).unwrap();

        let y = dense.forward(&NDArray::ones(&[2, 3, 5])).unwrap();

        assert_eq!(y.shape(), &[2, 4]);
        assert_eq!(dense.weight().shape(), vec![4, 15]);
        assert_eq!(y.to_vec(), vec![15.0; 8]);
    }

    #[test]
    fn flatten_off_maps_the_last_axis() {
        let dense = Dense::builder(3).flatten(false).build().unwrap();
        dense.initialize(One.into(), false).unwrap();

        let y = dense.forward(&NDArray::ones(&[2, 4, 5])).unwrap();

        assert_eq!(y.shape(), &[2, 4, 3]);
        assert_eq!(dense.weight().shape(), vec![3, 5]);
    }

    #[test]
    fn zero_units_and_bad_activation_are_rejected() {
        assert!(Dense::new(0).is_err());
        assert!(Dense::builder(2).activation("swish").build().is_err());
    }

    #[test]
    fn without_bias_there_is_one_parameter() {
        let dense = Dense::builder(2).use_bias(false).build().unwrap();

        assert_eq!(dense.own_params().len(), 1);
        assert!(dense.bias().is_none());
    }

    #[test]
    fn debug_matches_mxnets_repr() {
        let dense = Dense::builder(4).in_units(3).build().unwrap();
        let relu = Dense::builder(10).activation("relu").build().unwrap();

        assert_eq!(format!("{dense:?}"), "Dense(3 -> 4, linear)");
        assert_eq!(format!("{relu:?}"), "Dense(None -> 10, Activation(relu))");
    }
}
