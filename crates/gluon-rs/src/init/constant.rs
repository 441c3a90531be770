//! Initializers that set every element to one value.

use super::Initializer;
use crate::error::Result;

/// Sets every element to `value`, as `mx.init.Constant`.
///
/// ```
/// use gluon_rs::init::{Constant, Init};
///
/// let mut values = vec![0.0; 3];
/// Init::from(Constant::new(0.5)).fill("w", &[3], &mut values)?;
/// assert_eq!(values, vec![0.5; 3]);
/// # Ok::<(), gluon_rs::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Constant {
    value: f32,
}

impl Constant {
    /// An initializer that writes `value` everywhere.
    pub fn new(value: f32) -> Constant {
        Constant { value }
    }

    /// The value written.
    pub fn value(&self) -> f32 {
        self.value
    }
}

impl Initializer for Constant {
    fn name(&self) -> &'static str {
        "constant"
    }

    fn fill(&self, _param_name: &str, _shape: &[usize], out: &mut [f32]) -> Result<()> {
        out.fill(self.value);
        Ok(())
    }
}

/// Sets every element to 0, as `mx.init.Zero` (registry names `zero`, `zeros`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Zero;

impl Initializer for Zero {
    fn name(&self) -> &'static str {
        "zero"
    }

    fn fill(&self, _param_name: &str, _shape: &[usize], out: &mut [f32]) -> Result<()> {
        out.fill(0.0);
        Ok(())
    }
}

/// Sets every element to 1, as `mx.init.One` (registry names `one`, `ones`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct One;

impl Initializer for One {
    fn name(&self) -> &'static str {
        "one"
    }

    fn fill(&self, _param_name: &str, _shape: &[usize], out: &mut [f32]) -> Result<()> {
        out.fill(1.0);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn zero_and_one_fill_every_element() {
        let mut values = vec![7.0; 4];

        Zero.fill("b", &[4], &mut values).unwrap();
        let zeros = values.clone();
        One.fill("b", &[4], &mut values).unwrap();

        assert_eq!(zeros, vec![0.0; 4]);
        assert_eq!(values, vec![1.0; 4]);
    }
}
