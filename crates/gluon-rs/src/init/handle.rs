//! The [`Initializer`] trait and the shared handle [`Init`] that parameters keep.

use crate::error::{Error, Result};
use std::fmt;
use std::sync::Arc;

/// A rule that fills a parameter's array, as MXNet's `mx.init.Initializer`.
///
/// Gluon applies the chosen initializer's weight rule to every parameter whatever its
/// name, so the rule receives the parameter's name only for error messages.
pub trait Initializer: fmt::Debug + Send + Sync {
    /// MXNet's registry name (`"xavier"`, `"uniform"`, ...).
    fn name(&self) -> &'static str;

    /// Fills `out`, the row-major elements of an array of `shape` belonging to the
    /// parameter `param_name`.
    ///
    /// # Errors
    ///
    /// [`Error::Parameter`] when the rule cannot apply to this shape (Xavier on an array
    /// with fewer than two dimensions).
    fn fill(&self, param_name: &str, shape: &[usize], out: &mut [f32]) -> Result<()>;
}

/// A cheap, clonable handle to an initializer, as stored by a
/// [`Parameter`](crate::nn::Parameter) and passed to `initialize`.
///
/// Every initializer converts into it with `.into()`. The default is MXNet's default
/// global initializer, `Uniform(0.07)`.
///
/// ```
/// use gluon_rs::init::{Init, Zero};
///
/// let zero: Init = Zero.into();
/// assert_eq!(zero.name(), "zero");
/// assert_eq!(Init::default().name(), "uniform");
/// assert_eq!(Init::parse("ones")?.name(), "one");
/// # Ok::<(), gluon_rs::Error>(())
/// ```
#[derive(Clone)]
pub struct Init(Arc<dyn Initializer>);

impl Init {
    /// Wraps an initializer.
    pub fn new(initializer: impl Initializer + 'static) -> Init {
        Init(Arc::new(initializer))
    }

    /// An initializer by MXNet's registry name with default settings: `zero`/`zeros`,
    /// `one`/`ones`, `uniform`, `normal`, `xavier`.
    ///
    /// # Errors
    ///
    /// [`Error::Config`] for any other name.
    pub fn parse(name: &str) -> Result<Init> {
        match name {
            "zero" | "zeros" => Ok(super::Zero.into()),
            "one" | "ones" => Ok(super::One.into()),
            "uniform" => Ok(super::Uniform::default().into()),
            "normal" => Ok(super::Normal::default().into()),
            "xavier" => Ok(super::Xavier::default().into()),
            other => Err(Error::config(
                "initializer",
                format!("'{other}' is not one of zero, zeros, one, ones, uniform, normal, xavier"),
            )),
        }
    }

    /// The registry name of the wrapped initializer.
    pub fn name(&self) -> &'static str {
        self.0.name()
    }

    /// Fills `out` for the parameter `param_name` of shape `shape`.
    ///
    /// # Errors
    ///
    /// As [`Initializer::fill`].
    ///
    /// # Panics
    ///
    /// If `out.len()` differs from the product of `shape`.
    #[track_caller]
    pub fn fill(&self, param_name: &str, shape: &[usize], out: &mut [f32]) -> Result<()> {
        assert_eq!(
            out.len(),
            shape.iter().product::<usize>(),
            "Init::fill: {} values cannot hold shape {shape:?}",
            out.len()
        );
        self.0.fill(param_name, shape, out)
    }
}

impl Default for Init {
    fn default() -> Self {
        super::Uniform::default().into()
    }
}

impl fmt::Debug for Init {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

impl<T: Initializer + 'static> From<T> for Init {
    fn from(initializer: T) -> Init {
        Init::new(initializer)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parse_rejects_unknown_names() {
        let error = Init::parse("orthogonal").unwrap_err();

        assert!(error.to_string().contains("xavier"));
    }
}
