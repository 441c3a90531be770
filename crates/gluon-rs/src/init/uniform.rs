//! The uniform initializer, MXNet's default.

use super::Initializer;
use crate::error::{Error, Result};
use crate::random;

/// Draws from `U(-scale, scale)`, as `mx.init.Uniform`. The default scale 0.07 makes it
/// MXNet's default global initializer.
///
/// ```
/// use gluon_rs::init::{Init, Uniform};
///
/// let mut values = vec![0.0; 100];
/// Init::from(Uniform::new(0.1)?).fill("w", &[10, 10], &mut values)?;
/// assert!(values.iter().all(|v| v.abs() <= 0.1));
/// # Ok::<(), gluon_rs::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Uniform {
    scale: f32,
}

impl Uniform {
    /// A uniform initializer over `[-scale, scale]`.
    ///
    /// # Errors
    ///
    /// [`Error::Config`] when `scale` is negative or not finite.
    pub fn new(scale: f32) -> Result<Uniform> {
        if !(scale >= 0.0 && scale.is_finite()) {
            return Err(Error::config(
                "Uniform scale",
                format!("{scale} is not a finite value >= 0"),
            ));
        }
        Ok(Uniform { scale })
    }

    /// The half-width of the interval.
    pub fn scale(&self) -> f32 {
        self.scale
    }
}

impl Default for Uniform {
    fn default() -> Self {
        Uniform { scale: 0.07 }
    }
}

impl Initializer for Uniform {
    fn name(&self) -> &'static str {
        "uniform"
    }

    fn fill(&self, _param_name: &str, _shape: &[usize], out: &mut [f32]) -> Result<()> {
        random::with_generator(|generator| generator.fill_uniform(out, -self.scale, self.scale));
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_scale_is_mxnets() {
        assert_eq!(Uniform::default().scale(), 0.07);
    }

    #[test]
    fn new_rejects_negative_scale() {
        assert!(Uniform::new(-1.0).is_err());
        assert!(Uniform::new(f32::NAN).is_err());
    }
}
