//! [`Activation`]: an element-wise activation function as a layer.

use super::naming::NameScope;
use super::{summary, Block};
use crate::error::Result;
use crate::nd::{ActType, NDArray};
use std::any::Any;
use std::sync::Arc;

/// Applies an activation function element-wise, as `nn.Activation`. It has no
/// parameters; its name uses the activation as the alias (`relu0_`).
///
/// # Shapes
///
/// - input: any shape; output: the same shape
///
/// ```
/// use gluon_rs::nd::NDArray;
/// use gluon_rs::nn::{Activation, Block};
///
/// let relu = Activation::new("relu")?;
/// let y = relu.forward(&NDArray::from_vec(vec![-1.0, 2.0], &[2]))?;
/// assert_eq!(y.to_vec(), vec![0.0, 2.0]);
/// # Ok::<(), gluon_rs::Error>(())
/// ```
pub struct Activation {
    scope: Arc<NameScope>,
    act_type: ActType,
}

impl Activation {
    /// An activation layer by MXNet's name: relu, sigmoid, tanh, softrelu or softsign.
    ///
    /// # Errors
    ///
    /// [`Error::Config`](crate::Error) listing the valid names for any other name.
    pub fn new(activation: &str) -> Result<Activation> {
        Activation::with_prefix(activation, None)
    }

    /// As [`Activation::new`] with an explicit prefix instead of a counted one.
    ///
    /// # Errors
    ///
    /// As [`Activation::new`].
    pub fn with_prefix(activation: &str, prefix: Option<&str>) -> Result<Activation> {
        let act_type = ActType::parse(activation)?;
        Ok(Activation {
            scope: NameScope::create(act_type.name(), prefix),
            act_type,
        })
    }

    /// The activation function.
    pub fn act_type(&self) -> ActType {
        self.act_type
    }
}

impl Block for Activation {
    fn forward(&self, x: &NDArray) -> Result<NDArray> {
        let y = x.activation(self.act_type);
        summary::record_layer(self, &y);
        Ok(y)
    }

    fn prefix(&self) -> &str {
        self.scope.prefix()
    }

    fn class_name(&self) -> &'static str {
        "Activation"
    }

    fn as_any(&self) -> &dyn Any {
        self
    }

    fn as_dyn(&self) -> &dyn Block {
        self
    }
}

impl std::fmt::Debug for Activation {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Activation({})", self.act_type.name())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknown_activation_is_rejected_at_construction() {
        let error = Activation::new("gelu").unwrap_err().to_string();

        assert!(error.contains("relu"), "{error}");
    }

    #[test]
    fn prefix_uses_the_activation_name() {
        let block = Activation::new("tanh").unwrap();

        assert!(block.prefix().starts_with("tanh"));
    }
}
