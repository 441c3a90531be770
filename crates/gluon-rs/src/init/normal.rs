//! The normal initializer.

use super::Initializer;
use crate::error::{Error, Result};
use crate::random;

/// Draws from `N(0, sigma²)`, as `mx.init.Normal` (default sigma 0.01).
///
/// ```
/// use gluon_rs::init::{Init, Normal};
///
/// let mut values = vec![0.0; 1000];
/// Init::from(Normal::new(0.01)?).fill("w", &[1000], &mut values)?;
/// assert!(values.iter().all(|v| v.abs() < 0.1));
/// # Ok::<(), gluon_rs::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Normal {
    sigma: f32,
}

impl Normal {
    /// A normal initializer with standard deviation `sigma`.
    ///
    /// # Errors
    ///
    /// [`Error::Config`] when `sigma` is negative or not finite.
    pub fn new(sigma: f32) -> Result<Normal> {
        if !(sigma >= 0.0 && sigma.is_finite()) {
            return Err(Error::config(
                "Normal sigma",
                format!("{sigma} is not a finite value >= 0"),
            ));
        }
        Ok(Normal { sigma })
    }

    /// The standard deviation.
    pub fn sigma(&self) -> f32 {
        self.sigma
    }
}

impl Default for Normal {
    fn default() -> Self {
        Normal { sigma: 0.01 }
    }
}

impl Initializer for Normal {
    fn name(&self) -> &'static str {
        "normal"
    }

    fn fill(&self, _param_name: &str, _shape: &[usize], out: &mut [f32]) -> Result<()> {
        random::with_generator(|generator| generator.fill_normal(out, 0.0, self.sigma));
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn new_rejects_negative_sigma() {
        assert!(Normal::new(-0.5).is_err());
    }
}
