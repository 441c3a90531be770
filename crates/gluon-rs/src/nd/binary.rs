//! Arithmetic between arrays with NumPy broadcasting (MXNet's `broadcast_*` ops), the
//! scalar forms (`plus_scalar`, `rminus_scalar`, ...), and the operator overloads.

use super::array::{NDArray, Shape};
use super::buffers;
use super::kernels::{broadcast_shape, broadcast_zip, sum_to_shape};
use crate::autograd::tape::{Backward, GradFn, Grads};
use smallvec::smallvec;

impl NDArray {
    /// Applies `f` to every element, outside autograd. Gradient rules and kernels use it.
    pub(crate) fn map(&self, f: impl Fn(f32) -> f32) -> NDArray {
        let values = self.read();
        let data = buffers::collect(values.len(), values.iter().map(|&x| f(x)));
        NDArray::from_parts(data, self.cell.shape.clone(), None)
    }

    /// `f` on pairs of elements of two same-sized arrays, outside autograd.
    pub(crate) fn zip_map(&self, other: &NDArray, f: impl Fn(f32, f32) -> f32) -> NDArray {
        let (a, b) = (self.read(), other.read());
        debug_assert_eq!(a.len(), b.len());
        let data = buffers::collect(a.len(), a.iter().zip(b.iter()).map(|(&x, &y)| f(x, y)));
        NDArray::from_parts(data, self.cell.shape.clone(), None)
    }

    /// An elementwise op with one input, recorded with `rule`.
    pub(crate) fn unary_op(&self, f: impl Fn(f32) -> f32, rule: impl GradFn) -> NDArray {
        let values = self.read();
        let data = buffers::collect(values.len(), values.iter().map(|&x| f(x)));
        NDArray::from_op(data, self.cell.shape.clone(), &[self], rule)
    }

    /// The gradient of a broadcast: `self` summed down to `shape`.
    pub(crate) fn unbroadcast(&self, shape: &[usize]) -> NDArray {
        if self.shape() == shape {
            return self.clone();
        }
        let data = sum_to_shape(&self.read(), self.shape(), shape);
        NDArray::from_parts(data, Shape::from_slice(shape), None)
    }

    /// Elementwise `f(self, other)` with broadcasting, recorded with `rule`.
    #[track_caller]
    pub(crate) fn binary_op(
        &self,
        other: &NDArray,
        op: &str,
        f: impl Fn(f32, f32) -> f32,
        rule: impl GradFn,
    ) -> NDArray {
        let shape = broadcast_shape(self.shape(), other.shape()).unwrap_or_else(|| {
            panic!(
                "{op}: shapes {:?} and {:?} cannot be broadcast together",
                self.shape(),
                other.shape()
            )
        });
        let data = {
            let (a, b) = (self.read(), other.read());
            broadcast_zip(&a, self.shape(), &b, other.shape(), &shape, f)
        };
        NDArray::from_op(data, shape, &[self, other], rule)
    }

    /// `self + other` with broadcasting (`broadcast_add`).
    ///
    /// # Panics
    ///
    /// If the shapes cannot be broadcast together; the message names both.
    #[track_caller]
    pub fn add(&self, other: &NDArray) -> NDArray {
        // d(a+b)/da = 1, d(a+b)/db = 1, summed over broadcast axes.
        self.binary_op(
            other,
            "broadcast_add",
            |a, b| a + b,
            |c: &Backward| {
                smallvec![
                    Some(c.grad.unbroadcast(c.input(0).shape())),
                    Some(c.grad.unbroadcast(c.input(1).shape())),
                ]
            },
        )
    }

    /// `self - other` with broadcasting (`broadcast_sub`).
    ///
    /// # Panics
    ///
    /// If the shapes cannot be broadcast together.
    #[track_caller]
    pub fn sub(&self, other: &NDArray) -> NDArray {
        // d(a-b)/da = 1, d(a-b)/db = -1.
        self.binary_op(
            other,
            "broadcast_sub",
            |a, b| a - b,
            |c: &Backward| {
                smallvec![
                    Some(c.grad.unbroadcast(c.input(0).shape())),
                    Some(c.grad.map(|g| -g).unbroadcast(c.input(1).shape())),
                ]
            },
        )
    }

    /// `self * other` with broadcasting (`broadcast_mul`).
    ///
    /// # Panics
    ///
    /// If the shapes cannot be broadcast together.
    #[track_caller]
    pub fn mul(&self, other: &NDArray) -> NDArray {
        // d(ab)/da = b, d(ab)/db = a.
        self.binary_op(
            other,
            "broadcast_mul",
            |a, b| a * b,
            |c: &Backward| {
                let (a, b) = (c.input(0), c.input(1));
                smallvec![
                    c.needs_grad(0)
                        .then(|| NDArray::mul(c.grad, b).unbroadcast(a.shape())),
                    c.needs_grad(1)
                        .then(|| NDArray::mul(c.grad, a).unbroadcast(b.shape())),
                ]
            },
        )
    }

    /// `self / other` with broadcasting (`broadcast_div`).
    ///
    /// # Panics
    ///
    /// If the shapes cannot be broadcast together.
    #[track_caller]
    pub fn div(&self, other: &NDArray) -> NDArray {
        // d(a/b)/da = 1/b, d(a/b)/db = -a/b^2.
        self.binary_op(
            other,
            "broadcast_div",
            |a, b| a / b,
            |c: &Backward| {
                let (a, b) = (c.input(0), c.input(1));
                let grad_b = NDArray::mul(c.grad, a).binary_op(
                    b,
                    "",
                    |ga, b| -ga / (b * b),
                    |_: &Backward| smallvec![],
                );
                smallvec![
                    Some(NDArray::div(c.grad, b).unbroadcast(a.shape())),
                    Some(grad_b.unbroadcast(b.shape())),
                ]
            },
        )
    }

    /// `self ** other` with broadcasting (`broadcast_power`).
    ///
    /// # Panics
    ///
    /// If the shapes cannot be broadcast together.
    #[track_caller]
    pub fn power(&self, other: &NDArray) -> NDArray {
        // d(a^b)/da = b a^(b-1), d(a^b)/db = a^b ln a.
        self.binary_op(other, "broadcast_power", f32::powf, |c: &Backward| {
            let (a, b) = (c.input(0), c.input(1));
            let none = |_: &Backward| smallvec![];
            let da = a.binary_op(b, "", |a, b| b * a.powf(b - 1.0), none);
            let db = a.binary_op(b, "", |a, b| a.powf(b) * a.ln(), none);
            smallvec![
                Some(NDArray::mul(c.grad, &da).unbroadcast(a.shape())),
                Some(NDArray::mul(c.grad, &db).unbroadcast(b.shape())),
            ]
        })
    }

    /// The elementwise larger of two arrays, with broadcasting (`broadcast_maximum`).
    ///
    /// On ties the whole gradient goes to `self`, as in MXNet.
    ///
    /// # Panics
    ///
    /// If the shapes cannot be broadcast together.
    #[track_caller]
    pub fn maximum(&self, other: &NDArray) -> NDArray {
        // d max(a,b)/da = [a >= b], d/db = [a < b].
        self.binary_op(other, "broadcast_maximum", f32::max, |c: &Backward| {
            select_grad(c, |a, b| a >= b)
        })
    }

    /// The elementwise smaller of two arrays, with broadcasting (`broadcast_minimum`).
    ///
    /// On ties the whole gradient goes to `self`, as in MXNet.
    ///
    /// # Panics
    ///
    /// If the shapes cannot be broadcast together.
    #[track_caller]
    pub fn minimum(&self, other: &NDArray) -> NDArray {
        // d min(a,b)/da = [a <= b], d/db = [a > b].
        self.binary_op(other, "broadcast_minimum", f32::min, |c: &Backward| {
            select_grad(c, |a, b| a <= b)
        })
    }

    // --- with a scalar ---

    /// `self + scalar` (`plus_scalar`).
    pub fn add_scalar(&self, scalar: f32) -> NDArray {
        // d(x+s)/dx = 1.
        self.unary_op(
            |x| x + scalar,
            |c: &Backward| smallvec![Some(c.grad.clone())],
        )
    }

    /// `self - scalar` (`minus_scalar`).
    pub fn sub_scalar(&self, scalar: f32) -> NDArray {
        // d(x-s)/dx = 1.
        self.unary_op(
            |x| x - scalar,
            |c: &Backward| smallvec![Some(c.grad.clone())],
        )
    }

    /// `scalar - self` (`rminus_scalar`).
    pub fn rsub_scalar(&self, scalar: f32) -> NDArray {
        // d(s-x)/dx = -1.
        self.unary_op(
            |x| scalar - x,
            |c: &Backward| smallvec![Some(c.grad.map(|g| -g))],
        )
    }

    /// `self * scalar` (`mul_scalar`).
    pub fn mul_scalar(&self, scalar: f32) -> NDArray {
        // d(sx)/dx = s.
        self.unary_op(
            |x| x * scalar,
            move |c: &Backward| smallvec![Some(c.grad.map(|g| g * scalar))],
        )
    }

    /// `self / scalar` (`div_scalar`).
    pub fn div_scalar(&self, scalar: f32) -> NDArray {
        // d(x/s)/dx = 1/s.
        self.unary_op(
            |x| x / scalar,
            move |c: &Backward| smallvec![Some(c.grad.map(|g| g / scalar))],
        )
    }

    /// `scalar / self` (`rdiv_scalar`).
    pub fn rdiv_scalar(&self, scalar: f32) -> NDArray {
        // d(s/x)/dx = -s/x^2.
        self.unary_op(
            |x| scalar / x,
            move |c: &Backward| {
                smallvec![Some(
                    c.grad.zip_map(c.input(0), |g, x| -g * scalar / (x * x)),
                )]
            },
        )
    }

    /// `self ** scalar` (`power_scalar`).
    pub fn power_scalar(&self, scalar: f32) -> NDArray {
        // d(x^s)/dx = s x^(s-1).
        self.unary_op(
            |x| x.powf(scalar),
            move |c: &Backward| {
                smallvec![Some(c.grad.zip_map(c.input(0), |g, x| {
                    g * scalar * x.powf(scalar - 1.0)
                }))]
            },
        )
    }

    /// `scalar ** self` (`rpower_scalar`).
    pub fn rpower_scalar(&self, scalar: f32) -> NDArray {
        // d(s^x)/dx = s^x ln s.
        self.unary_op(
            |x| scalar.powf(x),
            move |c: &Backward| {
                smallvec![Some(c.grad.zip_map(c.output, |g, y| g * y * scalar.ln()))]
            },
        )
    }

    /// `max(self, scalar)` elementwise (`maximum` with a scalar). The gradient passes where
    /// `x >= scalar`, unlike [`NDArray::relu`] at 0.
    pub fn maximum_scalar(&self, scalar: f32) -> NDArray {
        // d max(x,s)/dx = [x >= s].
        self.unary_op(
            |x| x.max(scalar),
            move |c: &Backward| {
                smallvec![Some(c.grad.zip_map(c.input(0), |g, x| {
                    if x >= scalar {
                        g
                    } else {
                        0.0
                    }
                }))]
            },
        )
    }

    /// `min(self, scalar)` elementwise (`minimum` with a scalar).
    pub fn minimum_scalar(&self, scalar: f32) -> NDArray {
        // d min(x,s)/dx = [x <= s].
        self.unary_op(
            |x| x.min(scalar),
            move |c: &Backward| {
                smallvec![Some(c.grad.zip_map(c.input(0), |g, x| {
                    if x <= scalar {
                        g
                    } else {
                        0.0
                    }
                }))]
            },
        )
    }
}

/// Routes the output gradient to the first input where `first_wins(a, b)` holds and to
/// the second elsewhere, each summed back to its input's shape.
fn select_grad(c: &Backward, first_wins: fn(f32, f32) -> bool) -> Grads {
    let (a, b) = (c.input(0), c.input(1));
    let none = |_: &Backward| smallvec![];
    let mask = a.binary_op(b, "", move |x, y| f32::from(first_wins(x, y) as u8), none);
    let grad_a = c.grad.zip_map(&mask, |g, m| g * m);
    let grad_b = c.grad.zip_map(&mask, |g, m| g * (1.0 - m));
    smallvec![
        Some(grad_a.unbroadcast(a.shape())),
        Some(grad_b.unbroadcast(b.shape())),
    ]
}

/// `max(a, b)` elementwise with broadcasting, as `nd.maximum`.
///
/// # Panics
///
/// If the shapes cannot be broadcast together.
#[track_caller]
pub fn maximum(a: &NDArray, b: &NDArray) -> NDArray {
    a.maximum(b)
}

/// `min(a, b)` elementwise with broadcasting, as `nd.minimum`.
///
/// # Panics
///
/// If the shapes cannot be broadcast together.
#[track_caller]
pub fn minimum(a: &NDArray, b: &NDArray) -> NDArray {
    a.minimum(b)
}

/// `a ** b` elementwise with broadcasting, as `nd.power`.
///
/// # Panics
///
/// If the shapes cannot be broadcast together.
#[track_caller]
pub fn power(a: &NDArray, b: &NDArray) -> NDArray {
    a.power(b)
}

// --- operator overloads on values and references ---

macro_rules! array_operator {
    ($trait:ident, $method:ident, $array_fn:ident, $scalar_fn:ident, $reversed_fn:ident) => {
        impl std::ops::$trait<&NDArray> for &NDArray {
            type Output = NDArray;
            #[track_caller]
            fn $method(self, rhs: &NDArray) -> NDArray {
                NDArray::$array_fn(self, rhs)
            }
        }
        impl std::ops::$trait<NDArray> for &NDArray {
            type Output = NDArray;
            #[track_caller]
            fn $method(self, rhs: NDArray) -> NDArray {
                NDArray::$array_fn(self, &rhs)
            }
        }
        impl std::ops::$trait<&NDArray> for NDArray {
            type Output = NDArray;
            #[track_caller]
            fn $method(self, rhs: &NDArray) -> NDArray {
                NDArray::$array_fn(&self, rhs)
            }
        }
        impl std::ops::$trait<NDArray> for NDArray {
            type Output = NDArray;
            #[track_caller]
            fn $method(self, rhs: NDArray) -> NDArray {
                NDArray::$array_fn(&self, &rhs)
            }
        }
        impl std::ops::$trait<f32> for &NDArray {
            type Output = NDArray;
            fn $method(self, rhs: f32) -> NDArray {
                NDArray::$scalar_fn(self, rhs)
            }
        }
        impl std::ops::$trait<f32> for NDArray {
            type Output = NDArray;
            fn $method(self, rhs: f32) -> NDArray {
                NDArray::$scalar_fn(&self, rhs)
            }
        }
        impl std::ops::$trait<&NDArray> for f32 {
            type Output = NDArray;
            fn $method(self, rhs: &NDArray) -> NDArray {
                NDArray::$reversed_fn(rhs, self)
            }
        }
        impl std::ops::$trait<NDArray> for f32 {
            type Output = NDArray;
            fn $method(self, rhs: NDArray) -> NDArray {
                NDArray::$reversed_fn(&rhs, self)
            }
        }
    };
}

array_operator!(Add, add, add, add_scalar, add_scalar);
array_operator!(Sub, sub, sub, sub_scalar, rsub_scalar);
array_operator!(Mul, mul, mul, mul_scalar, mul_scalar);
array_operator!(Div, div, div, div_scalar, rdiv_scalar);

impl std::ops::Neg for &NDArray {
    type Output = NDArray;
    fn neg(self) -> NDArray {
        self.negative()
    }
}

impl std::ops::Neg for NDArray {
    type Output = NDArray;
    fn neg(self) -> NDArray {
        self.negative()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn operators_read_naturally() {
        let x = NDArray::from_vec(vec![0.25, 0.75], &[2]);

        let shifted = &x - 0.5;
        let complement = 1.0 - &x;

        assert_eq!(shifted.to_vec(), vec![-0.25, 0.25]);
        assert_eq!(complement.to_vec(), vec![0.75, 0.25]);
    }

    #[test]
    #[should_panic(expected = "[2, 3] and [3, 2]")]
    fn incompatible_shapes_name_both() {
        let _ = &NDArray::zeros(&[2, 3]) + &NDArray::zeros(&[3, 2]);
    }
}
