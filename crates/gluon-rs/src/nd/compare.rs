//! Comparisons returning 0/1 arrays of `f32`, named as MXNet names them.

use super::array::NDArray;
use super::unary::zero_grad;

macro_rules! comparison {
    ($name:ident, $scalar_name:ident, $op:literal, $test:expr) => {
        impl NDArray {
            #[doc = concat!("1 where `self ", $op, " other` (with broadcasting), else 0. Zero gradient.")]
            ///
            /// # Panics
            ///
            /// If the shapes cannot be broadcast together.
            #[track_caller]
            pub fn $name(&self, other: &NDArray) -> NDArray {
                let test: fn(f32, f32) -> bool = $test;
                self.binary_op(
                    other,
                    concat!("broadcast_", stringify!($name)),
                    move |a, b| f32::from(u8::from(test(a, b))),
                    zero_grad,
                )
            }

            #[doc = concat!("1 where `self ", $op, " scalar`, else 0. Zero gradient.")]
            pub fn $scalar_name(&self, scalar: f32) -> NDArray {
                let test: fn(f32, f32) -> bool = $test;
                self.unary_op(move |a| f32::from(u8::from(test(a, scalar))), zero_grad)
            }
        }
    };
}

comparison!(greater, greater_scalar, ">", |a, b| a > b);
comparison!(lesser, lesser_scalar, "<", |a, b| a < b);
comparison!(greater_equal, greater_equal_scalar, ">=", |a, b| a >= b);
comparison!(lesser_equal, lesser_equal_scalar, "<=", |a, b| a <= b);
comparison!(equal, equal_scalar, "==", |a, b| a == b);
comparison!(not_equal, not_equal_scalar, "!=", |a, b| a != b);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strict_comparison_of_the_seed_labels() {
        // Spec 1.2: [3.5, 0.6, 3.0] > 3 is [1, 0, 0].
        let sums = NDArray::from_vec(vec![3.5, 0.6, 3.0], &[3]);

        assert_eq!(sums.greater_scalar(3.0).to_vec(), vec![1.0, 0.0, 0.0]);
    }
}
