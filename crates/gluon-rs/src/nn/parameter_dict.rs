//! [`ParameterDict`]: parameters by full name, in insertion order, as 1.x's
//! `gluon.ParameterDict`.

use super::Parameter;
use crate::autograd::GradReq;
use crate::error::{Error, Result};
use crate::init::Init;
use regex::Regex;
use std::fmt;

/// An insertion-ordered map from full names to [`Parameter`] handles, as
/// `Block.collect_params()` returns it.
///
/// ```
/// use gluon_rs::nn::{Parameter, ParameterDict};
///
/// let mut params = ParameterDict::new("net0_");
/// params.insert(Parameter::new("net0_weight", &[2, 2]))?;
/// params.insert(Parameter::new("net0_bias", &[2]))?;
/// assert_eq!(params.keys(), vec!["net0_weight", "net0_bias"]);
/// assert_eq!(params.select(".*bias")?.len(), 1);
/// # Ok::<(), gluon_rs::Error>(())
/// ```
#[derive(Clone, Default)]
pub struct ParameterDict {
    prefix: String,
    entries: Vec<Parameter>,
}

impl ParameterDict {
    /// An empty dictionary whose parameters are named with `prefix`.
    pub fn new(prefix: impl Into<String>) -> ParameterDict {
        ParameterDict {
            prefix: prefix.into(),
            entries: Vec::new(),
        }
    }

    /// The prefix of the owning block.
    pub fn prefix(&self) -> &str {
        &self.prefix
    }

    /// Adds a parameter under its full name. Adding the same parameter twice is a no-op.
    ///
    /// # Errors
    ///
    /// [`Error::Parameter`] when a different parameter already has that name.
    pub fn insert(&mut self, param: Parameter) -> Result<()> {
        match self.get(param.name()) {
            Some(existing) if existing.same(&param) => Ok(()),
            Some(_) => Err(Error::Parameter {
                name: param.name().to_string(),
                message: "another parameter with this name is already in the dictionary"
                    .to_string(),
            }),
            None => {
                self.entries.push(param);
                Ok(())
            }
        }
    }

    /// Adds every parameter of `other`, as `update`.
    ///
    /// # Errors
    ///
    /// As [`ParameterDict::insert`].
    pub fn update(&mut self, other: &ParameterDict) -> Result<()> {
        other
            .entries
            .iter()
            .try_for_each(|param| self.insert(param.clone()))
    }

    /// The parameter with full name `name`.
    pub fn get(&self, name: &str) -> Option<&Parameter> {
        self.entries.iter().find(|param| param.name() == name)
    }

    /// Whether a parameter is called `name`.
    pub fn contains(&self, name: &str) -> bool {
        self.get(name).is_some()
    }

    /// The number of parameters.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether there are no parameters.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// The full names in insertion order.
    pub fn keys(&self) -> Vec<&str> {
        self.entries.iter().map(Parameter::name).collect()
    }

    /// The parameters in insertion order.
    pub fn values(&self) -> impl Iterator<Item = &Parameter> {
        self.entries.iter()
    }

    /// `(full name, parameter)` pairs in insertion order.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &Parameter)> {
        self.entries.iter().map(|param| (param.name(), param))
    }

    /// The parameters whose full name matches `pattern` at its start, as Python's
    /// `re.match` does in `collect_params(select)`: `".*bias"` selects every bias,
    /// `"dense0"` selects nothing in `hybridsequential0_dense0_weight`.
    ///
    /// # Errors
    ///
    /// [`Error::Config`] when `pattern` is not a valid regular expression.
    pub fn select(&self, pattern: &str) -> Result<ParameterDict> {
        let regex = Regex::new(&format!("^(?:{pattern})"))
            .map_err(|error| Error::config("parameter selection pattern", error.to_string()))?;
        Ok(ParameterDict {
            prefix: self.prefix.clone(),
            entries: self
                .entries
                .iter()
                .filter(|param| regex.is_match(param.name()))
                .cloned()
                .collect(),
        })
    }

    /// Initializes every parameter, as `ParameterDict.initialize`: `init` is the global
    /// initializer, used where a parameter has none of its own. Parameters with a known
    /// shape are filled now, in order; the others at the first forward.
    ///
    /// # Errors
    ///
    /// The first error of [`Parameter::initialize`].
    pub fn initialize(&self, init: &Init, force_reinit: bool) -> Result<()> {
        self.entries
            .iter()
            .try_for_each(|param| param.initialize(None, init, force_reinit))
    }

    /// Sets every gradient buffer to zero.
    pub fn zero_grad(&self) {
        self.entries.iter().for_each(Parameter::zero_grad);
    }

    /// Sets the gradient request of every parameter, as `setattr('grad_req', ...)`.
    pub fn set_grad_req(&self, grad_req: GradReq) {
        self.entries
            .iter()
            .for_each(|param| param.set_grad_req(grad_req));
    }

    /// Sets the learning-rate multiplier of every parameter.
    pub fn set_lr_mult(&self, lr_mult: f32) {
        self.entries
            .iter()
            .for_each(|param| param.set_lr_mult(lr_mult));
    }

    /// Sets the weight-decay multiplier of every parameter.
    pub fn set_wd_mult(&self, wd_mult: f32) {
        self.entries
            .iter()
            .for_each(|param| param.set_wd_mult(wd_mult));
    }
}

impl<'a> IntoIterator for &'a ParameterDict {
    type Item = (&'a str, &'a Parameter);
    type IntoIter = Box<dyn Iterator<Item = (&'a str, &'a Parameter)> + 'a>;

    fn into_iter(self) -> Self::IntoIter {
        Box::new(self.iter())
    }
}

impl fmt::Debug for ParameterDict {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "{} (", self.prefix)?;
        for param in &self.entries {
            writeln!(f, "  {param:?}")?;
        }
        write!(f, ")")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::init::{One, Zero};

    fn dict() -> ParameterDict {
        let mut params = ParameterDict::new("net0_");
        for name in [
            "net0_dense0_weight",
            "net0_dense0_bias",
            "net0_dense1_weight",
        ] {
            params
                .insert(Parameter::new(name, &[2, 2]).with_init(One.into()))
                .unwrap();
        }
        params
    }

    #[test]
    fn select_is_anchored_at_the_start_only() {
        let params = dict();

        let biases = params.select(".*bias").unwrap();
        let none = params.select("dense0").unwrap();
        let dense0 = params.select("net0_dense0").unwrap();

        assert_eq!(biases.keys(), vec!["net0_dense0_bias"]);
        assert!(none.is_empty());
        assert_eq!(dense0.len(), 2);
    }

    #[test]
    fn select_rejects_a_bad_pattern() {
        assert!(dict().select("(").is_err());
    }

    #[test]
    fn insert_rejects_a_different_parameter_with_the_same_name() {
        let mut params = dict();
        let same = params.get("net0_dense0_bias").unwrap().clone();

        assert!(params.insert(same).is_ok());
        assert!(params
            .insert(Parameter::new("net0_dense0_bias", &[2]))
            .is_err());
        assert_eq!(params.len(), 3);
    }

    #[test]
    fn initialize_and_set_grad_req_reach_every_parameter() {
        let params = dict();

        params.initialize(&Zero.into(), false).unwrap();
        params.set_grad_req(GradReq::Null);

        for (_, param) in &params {
            assert_eq!(param.data().unwrap().to_vec(), vec![1.0; 4]);
            assert!(param.grad().is_err());
        }
    }
}
