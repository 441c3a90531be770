//! The Xavier (Glorot) initializer.

use super::Initializer;
use crate::error::{Error, Result};
use crate::random;

/// The distribution [`Xavier`] draws from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RndType {
    /// `U(-scale, scale)`.
    Uniform,
    /// `N(0, scale²)`.
    Gaussian,
}

/// Which fan [`Xavier`] scales by.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FactorType {
    /// The mean of fan-in and fan-out.
    Avg,
    /// Fan-in.
    In,
    /// Fan-out.
    Out,
}

impl RndType {
    /// Parses MXNet's names `"uniform"` and `"gaussian"`.
    ///
    /// # Errors
    ///
    /// [`Error::Config`] for any other name.
    pub fn parse(name: &str) -> Result<RndType> {
        match name {
            "uniform" => Ok(RndType::Uniform),
            "gaussian" => Ok(RndType::Gaussian),
            other => Err(Error::config(
                "Xavier rnd_type",
                format!("'{other}' is not one of uniform, gaussian"),
            )),
        }
    }
}

impl FactorType {
    /// Parses MXNet's names `"avg"`, `"in"` and `"out"`.
    ///
    /// # Errors
    ///
    /// [`Error::Config`] for any other name.
    pub fn parse(name: &str) -> Result<FactorType> {
        match name {
            "avg" => Ok(FactorType::Avg),
            "in" => Ok(FactorType::In),
            "out" => Ok(FactorType::Out),
            other => Err(Error::config(
                "Xavier factor_type",
                format!("'{other}' is not one of avg, in, out"),
            )),
        }
    }
}

/// The quantities Xavier derives from a shape.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct XavierScale {
    /// `shape[1] · ∏ shape[2..]`.
    pub fan_in: f64,
    /// `shape[0] · ∏ shape[2..]`.
    pub fan_out: f64,
    /// The fan selected by the factor type.
    pub factor: f64,
    /// `sqrt(magnitude / factor)`: the uniform bound or the normal standard deviation.
    pub scale: f64,
}

/// Glorot and Bengio's initializer ("Understanding the difficulty of training deep
/// feedforward neural networks", 2010), as `mx.init.Xavier`.
///
/// For a shape `s` with at least two axes, `hw = ∏ s[2..]`, `fan_in = s[1]·hw`,
/// `fan_out = s[0]·hw`, the factor is their mean (`avg`), `fan_in` (`in`) or `fan_out`
/// (`out`), and `scale = sqrt(magnitude / factor)`. Values are drawn from
/// `U(-scale, scale)` or `N(0, scale²)`. The defaults are MXNet's: uniform, avg, 3.
///
/// ```
/// use gluon_rs::init::{FactorType, RndType, Xavier};
///
/// let xavier = Xavier::new(RndType::Gaussian, FactorType::In, 2.0)?;
/// let scale = xavier.scale("dense0_weight", &[10, 5])?;
/// assert_eq!(scale.factor, 5.0);
/// assert!((scale.scale - (2.0f64 / 5.0).sqrt()).abs() < 1e-12);
/// # Ok::<(), gluon_rs::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Xavier {
    rnd_type: RndType,
    factor_type: FactorType,
    magnitude: f64,
}

impl Xavier {
    /// A Xavier initializer.
    ///
    /// # Errors
    ///
    /// [`Error::Config`] when `magnitude` is negative or not finite.
    pub fn new(rnd_type: RndType, factor_type: FactorType, magnitude: f64) -> Result<Xavier> {
        if !(magnitude >= 0.0 && magnitude.is_finite()) {
            return Err(Error::config(
                "Xavier magnitude",
                format!("{magnitude} is not a finite value >= 0"),
            ));
        }
        Ok(Xavier {
            rnd_type,
            factor_type,
            magnitude,
        })
    }

    /// The distribution.
    pub fn rnd_type(&self) -> RndType {
        self.rnd_type
    }

    /// The fan used.
    pub fn factor_type(&self) -> FactorType {
        self.factor_type
    }

    /// The magnitude.
    pub fn magnitude(&self) -> f64 {
        self.magnitude
    }

    /// The fans, factor and scale for the parameter `param_name` of `shape`.
    ///
    /// # Errors
    ///
    /// [`Error::Parameter`] naming the parameter when `shape` has fewer than two axes.
    pub fn scale(&self, param_name: &str, shape: &[usize]) -> Result<XavierScale> {
        if shape.len() < 2 {
            return Err(Error::Parameter {
                name: param_name.to_string(),
                message: format!(
                    "Xavier needs an array of at least 2 dimensions, got shape {shape:?}; \
                     give this parameter its own initializer (biases usually use zeros)"
                ),
            });
        }
        let hw: f64 = shape[2..].iter().map(|&d| d as f64).product();
        let fan_in = shape[1] as f64 * hw;
        let fan_out = shape[0] as f64 * hw;
        let factor = match self.factor_type {
            FactorType::Avg => (fan_in + fan_out) / 2.0,
            FactorType::In => fan_in,
            FactorType::Out => fan_out,
        };
        Ok(XavierScale {
            fan_in,
            fan_out,
            factor,
            scale: (self.magnitude / factor).sqrt(),
        })
    }
}

impl Default for Xavier {
    fn default() -> Self {
        Xavier {
            rnd_type: RndType::Uniform,
            factor_type: FactorType::Avg,
            magnitude: 3.0,
        }
    }
}

impl Initializer for Xavier {
    fn name(&self) -> &'static str {
        "xavier"
    }

    fn fill(&self, param_name: &str, shape: &[usize], out: &mut [f32]) -> Result<()> {
        let scale = self.scale(param_name, shape)?.scale as f32;
        random::with_generator(|generator| match self.rnd_type {
            RndType::Uniform => generator.fill_uniform(out, -scale, scale),
            RndType::Gaussian => generator.fill_normal(out, 0.0, scale),
        });
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_bound_matches_the_spec_check() {
        // Spec 7.2: a (10,7) weight has bound sqrt(3/8.5).
        let scale = Xavier::default().scale("w", &[10, 7]).unwrap();

        assert!((scale.scale - (3.0f64 / 8.5).sqrt()).abs() < 1e-12);
    }

    #[test]
    fn convolution_shapes_multiply_the_receptive_field() {
        let scale = Xavier::default().scale("w", &[8, 3, 3, 3]).unwrap();

        assert_eq!((scale.fan_in, scale.fan_out), (27.0, 72.0));
    }

    #[test]
    fn vectors_are_rejected_with_the_parameter_name() {
        let mut values = vec![0.0; 4];

        let error = Xavier::default()
            .fill("dense0_bias", &[4], &mut values)
            .unwrap_err();

        assert!(error.to_string().contains("dense0_bias"));
        assert!(error.to_string().contains("2 dimensions"));
    }

    #[test]
    fn names_parse() {
        assert_eq!(RndType::parse("gaussian").unwrap(), RndType::Gaussian);
        assert_eq!(FactorType::parse("out").unwrap(), FactorType::Out);
        assert!(FactorType::parse("mean").is_err());
        assert!(Xavier::new(RndType::Uniform, FactorType::Avg, -1.0).is_err());
    }
}
