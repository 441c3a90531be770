//! Elementwise math and activations, each with its derivative beside it.

use super::array::NDArray;
use crate::autograd::tape::{Backward, Grads};
use crate::error::{Error, Result};
use smallvec::smallvec;

/// A zero gradient for ops that are flat almost everywhere (ceil, floor, sign, comparisons).
pub(crate) fn zero_grad(c: &Backward) -> Grads {
    c.inputs.iter().map(|x| Some(x.full_like(0.0))).collect()
}

/// `log(1 + e^x)`, returning `x` above 20 as MXNet's `softrelu` does.
pub(crate) fn softrelu_value(x: f32) -> f32 {
    if x > 20.0 {
        x
    } else {
        x.exp().ln_1p()
    }
}

/// `1 / (1 + e^-x)`. For `x < -88` the exponential overflows to infinity and the result
/// is exactly 0, as in MXNet; no NaN can arise.
pub(crate) fn sigmoid_value(x: f32) -> f32 {
    1.0 / (1.0 + (-x).exp())
}

impl NDArray {
    /// `max(x, 0)`. Its gradient at exactly 0 is 0, as in MXNet.
    pub fn relu(&self) -> NDArray {
        self.activation(ActType::Relu)
    }

    /// The logistic function `1 / (1 + e^-x)`.
    pub fn sigmoid(&self) -> NDArray {
        self.activation(ActType::Sigmoid)
    }

    /// The hyperbolic tangent.
    pub fn tanh(&self) -> NDArray {
        self.activation(ActType::Tanh)
    }

    /// `log(1 + e^x)` (`x` itself above 20), MXNet's `softrelu`.
    pub fn softrelu(&self) -> NDArray {
        self.activation(ActType::Softrelu)
    }

    /// `x / (1 + |x|)`.
    pub fn softsign(&self) -> NDArray {
        self.activation(ActType::Softsign)
    }

    /// An activation chosen by name, as MXNet's `Activation(act_type=...)`.
    pub fn activation(&self, activation: ActType) -> NDArray {
        if activation.has_output_rule() {
            return self.unary_op(
                move |x| activation.value(x),
                move |c: &Backward| smallvec![activation.grad_from_output(c.grad, c.output)],
            );
        }
        // Softsign, the one activation whose derivative needs the input:
        // d softsign(x)/dx = 1 / (1 + |x|)^2.
        self.unary_op(
            |x| activation.value(x),
            |c: &Backward| {
                smallvec![Some(c.grad.zip_map(c.input(0), |g, x| {
                    g / ((1.0 + x.abs()) * (1.0 + x.abs()))
                }))]
            },
        )
    }

    /// `e^x`.
    pub fn exp(&self) -> NDArray {
        // d e^x/dx = e^x = y.
        self.unary_op(f32::exp, |c: &Backward| {
            smallvec![Some(c.grad.zip_map(c.output, |g, y| g * y))]
        })
    }

    /// The natural logarithm (`log(0) = -inf`, `log(-1) = nan`).
    pub fn log(&self) -> NDArray {
        // d ln(x)/dx = 1/x.
        self.unary_op(f32::ln, |c: &Backward| {
            smallvec![Some(c.grad.zip_map(c.input(0), |g, x| g / x))]
        })
    }

    /// `log(1 + x)`, accurate near 0.
    pub fn log1p(&self) -> NDArray {
        // d ln(1+x)/dx = 1/(1+x).
        self.unary_op(f32::ln_1p, |c: &Backward| {
            smallvec![Some(c.grad.zip_map(c.input(0), |g, x| g / (1.0 + x)))]
        })
    }

    /// The square root.
    pub fn sqrt(&self) -> NDArray {
        // d sqrt(x)/dx = 1 / (2 y).
        self.unary_op(f32::sqrt, |c: &Backward| {
            smallvec![Some(c.grad.zip_map(c.output, |g, y| g / (2.0 * y)))]
        })
    }

    /// `x^2`.
    pub fn square(&self) -> NDArray {
        // d x^2/dx = 2x.
        self.unary_op(
            |x| x * x,
            |c: &Backward| smallvec![Some(c.grad.zip_map(c.input(0), |g, x| 2.0 * g * x))],
        )
    }

    /// `|x|`. Its gradient at 0 is 0.
    pub fn abs(&self) -> NDArray {
        // d|x|/dx = sign(x), with sign(0) = 0.
        self.unary_op(f32::abs, |c: &Backward| {
            smallvec![Some(c.grad.zip_map(c.input(0), |g, x| g * sign_value(x)))]
        })
    }

    /// `-x`.
    pub fn negative(&self) -> NDArray {
        // d(-x)/dx = -1.
        self.unary_op(|x| -x, |c: &Backward| smallvec![Some(c.grad.map(|g| -g))])
    }

    /// The smallest integer not below `x` (`ceil(-0.5) = -0.0`). Zero gradient.
    pub fn ceil(&self) -> NDArray {
        self.unary_op(f32::ceil, zero_grad)
    }

    /// The largest integer not above `x`. Zero gradient.
    pub fn floor(&self) -> NDArray {
        self.unary_op(f32::floor, zero_grad)
    }

    /// Rounds half away from zero (`round(-2.5) = -3`). Zero gradient.
    pub fn round(&self) -> NDArray {
        self.unary_op(f32::round, zero_grad)
    }

    /// The sign: -1, 0 or 1. Zero gradient.
    pub fn sign(&self) -> NDArray {
        self.unary_op(sign_value, zero_grad)
    }

    /// Limits every value to `[a_min, a_max]`. The gradient passes on the closed interval.
    pub fn clip(&self, a_min: f32, a_max: f32) -> NDArray {
        // d clip(x)/dx = [a_min <= x <= a_max].
        self.unary_op(
            move |x| x.max(a_min).min(a_max),
            move |c: &Backward| {
                let inside = move |g: f32, x: f32| if x >= a_min && x <= a_max { g } else { 0.0 };
                smallvec![Some(c.grad.zip_map(c.input(0), inside))]
            },
        )
    }
}

fn sign_value(x: f32) -> f32 {
    if x > 0.0 {
        1.0
    } else if x < 0.0 {
        -1.0
    } else {
        0.0
    }
}

/// The activations MXNet's `Activation` and `Dense(activation=...)` accept.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ActType {
    /// `max(x, 0)`.
    Relu,
    /// `1 / (1 + e^-x)`.
    Sigmoid,
    /// `tanh(x)`.
    Tanh,
    /// `log(1 + e^x)`.
    Softrelu,
    /// `x / (1 + |x|)`.
    Softsign,
}

impl ActType {
    /// The names accepted by [`ActType::parse`].
    pub const NAMES: [&'static str; 5] = ["relu", "sigmoid", "tanh", "softrelu", "softsign"];

    /// Parses MXNet's activation name.
    ///
    /// # Errors
    ///
    /// [`Error::Config`] listing the valid names.
    pub fn parse(name: &str) -> Result<ActType> {
        match name {
            "relu" => Ok(ActType::Relu),
            "sigmoid" => Ok(ActType::Sigmoid),
            "tanh" => Ok(ActType::Tanh),
            "softrelu" => Ok(ActType::Softrelu),
            "softsign" => Ok(ActType::Softsign),
            other => Err(Error::config(
                "activation",
                format!("'{other}' is not one of {}", ActType::NAMES.join(", ")),
            )),
        }
    }

    /// MXNet's name for the activation.
    pub fn name(self) -> &'static str {
        ActType::NAMES[self as usize]
    }

    /// The activation of one value.
    pub(crate) fn value(self, x: f32) -> f32 {
        match self {
            ActType::Relu => {
                if x > 0.0 {
                    x
                } else {
                    0.0
                }
            }
            ActType::Sigmoid => sigmoid_value(x),
            ActType::Tanh => x.tanh(),
            ActType::Softrelu => softrelu_value(x),
            ActType::Softsign => x / (1.0 + x.abs()),
        }
    }

    /// Whether the output alone determines the derivative (all but softsign), so that
    /// [`ActType::grad_from_output`] applies.
    pub(crate) fn has_output_rule(self) -> bool {
        self != ActType::Softsign
    }

    /// The input's gradient from the output's gradient `grad` and the output `y` alone;
    /// `None` for softsign. Fused layers (`Dense` with an activation) and the standalone
    /// ops share these rules, so both give the same bits.
    pub(crate) fn grad_from_output(self, grad: &NDArray, y: &NDArray) -> Option<NDArray> {
        Some(match self {
            // d relu(x)/dx = [x > 0] = [y > 0].
            ActType::Relu => grad.zip_map(y, |g, y| if y > 0.0 { g } else { 0.0 }),
            // d sigmoid(x)/dx = y (1 - y).
            ActType::Sigmoid => grad.zip_map(y, |g, y| g * y * (1.0 - y)),
            // d tanh(x)/dx = 1 - y^2.
            ActType::Tanh => grad.zip_map(y, |g, y| g * (1.0 - y * y)),
            // d softrelu(x)/dx = sigmoid(x) = 1 - e^-y.
            ActType::Softrelu => grad.zip_map(y, |g, y| -g * (-y).exp_m1()),
            ActType::Softsign => return None,
        })
    }
}

impl std::str::FromStr for ActType {
    type Err = Error;
    fn from_str(name: &str) -> Result<ActType> {
        ActType::parse(name)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn activation_names_round_trip() {
        for name in ActType::NAMES {
            assert_eq!(ActType::parse(name).unwrap().name(), name);
        }
        assert!(ActType::parse("gelu")
            .unwrap_err()
            .to_string()
            .contains("softsign"));
    }

    #[test]
    fn sigmoid_saturates_without_nan() {
        let y = NDArray::from_vec(vec![-100.0, 0.0, 100.0], &[3]).sigmoid();

        assert_eq!(y.to_vec(), vec![0.0, 0.5, 1.0]);
    }
}
