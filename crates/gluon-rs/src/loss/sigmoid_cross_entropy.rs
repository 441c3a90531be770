//! Binary cross-entropy on logits as one fused, numerically stable operation.
//!
//! MXNet builds this loss from `relu`, `abs` and `softrelu`, so autograd applies their
//! zero subgradients at a logit of exactly 0 and returns `-z` there instead of the true
//! derivative `0.5 - z`. Fusing the loss into one op with its analytic gradient fixes that
//! and costs one pass over the data instead of six.

use crate::autograd::tape::Backward;
use crate::error::{Error, Result};
use crate::nd::{buffers, NDArray};
use smallvec::smallvec;
use smallvec::SmallVec;

/// `log(1 + e^-x)`, written so that neither exponential can overflow.
fn softplus_of_negative(x: f32) -> f32 {
    (-x).max(0.0) + (-x.abs()).exp().ln_1p()
}

/// The element loss for logit `x`, label `z` and positive-class weight `p`.
///
/// Without `p`: `max(x, 0) - x z + log(1 + e^-|x|)`. With `p`:
/// `x - x z + (1 + (p - 1) z) log(1 + e^-x)`, which up-weights the positive term.
fn element_loss(x: f32, z: f32, p: Option<f32>) -> f32 {
    match p {
        None => x.max(0.0) - x * z + (-x.abs()).exp().ln_1p(),
        Some(p) => x - x * z + (1.0 + (p - 1.0) * z) * softplus_of_negative(x),
    }
}

/// The sigmoid cross-entropy of logits `x` against labels `z` (same shape), elementwise,
/// with an optional positive-class weight broadcast to `x`'s shape.
///
/// # Errors
///
/// [`Error::LayerInput`] when `pos_weight` does not broadcast to `x`'s shape.
pub(crate) fn sigmoid_cross_entropy(
    op: &str,
    x: &NDArray,
    z: &NDArray,
    pos_weight: Option<&NDArray>,
) -> Result<NDArray> {
    debug_assert_eq!(x.shape(), z.shape());
    let weights = match pos_weight {
        Some(weight) => Some(expand_pos_weight(op, weight, x.shape())?),
        None => None,
    };

    let data: Vec<f32> = {
        let (xs, zs) = (x.read(), z.read());
        buffers::collect(
            xs.len(),
            (0..xs.len()).map(|i| element_loss(xs[i], zs[i], weights.as_ref().map(|w| w[i]))),
        )
    };

    // d/dx = sigmoid(x) (1 + (p - 1) z) - p z, which is sigmoid(x) - z when p = 1;
    // d/dz = -x + (p - 1) log(1 + e^-x).
    let rule = move |c: &Backward| {
        let (xs, zs, gs) = (c.input(0).read(), c.input(1).read(), c.grad.read());
        let weight = |i: usize| weights.as_ref().map_or(1.0, |w| w[i]);
        let grad_x = buffers::collect(
            xs.len(),
            (0..xs.len()).map(|i| {
                let (x, z, p) = (xs[i], zs[i], weight(i));
                let s = 1.0 / (1.0 + (-x).exp());
                gs[i] * (s * (1.0 + (p - 1.0) * z) - p * z)
            }),
        );
        let grad_z = buffers::collect(
            xs.len(),
            (0..xs.len())
                .map(|i| gs[i] * (-xs[i] + (weight(i) - 1.0) * softplus_of_negative(xs[i]))),
        );
        smallvec![
            Some(NDArray::from_vec(grad_x, c.input(0).shape())),
            Some(NDArray::from_vec(grad_z, c.input(1).shape())),
        ]
    };
    Ok(NDArray::from_op(
        data,
        SmallVec::from_slice(x.shape()),
        &[x, z],
        rule,
    ))
}

/// `pos_weight`'s values broadcast to `shape`.
fn expand_pos_weight(op: &str, weight: &NDArray, shape: &[usize]) -> Result<Vec<f32>> {
    let fits = crate::nd::kernels::broadcast_shape(shape, weight.shape())
        .is_some_and(|broadcast| broadcast.as_slice() == shape);
    if !fits {
        return Err(Error::LayerInput {
            layer: op.to_string(),
            message: format!(
                "pos_weight of shape {:?} does not broadcast to the prediction's shape {:?}",
                weight.shape(),
                shape
            ),
        });
    }
    Ok(crate::nd::kernels::broadcast_to(
        &weight.read(),
        weight.shape(),
        shape,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::autograd::{check_gradients, record, GradCheck};

    #[test]
    fn gradient_matches_finite_differences_away_from_zero() {
        let x = NDArray::from_vec(vec![0.7, -1.3, 2.1, -0.4], &[4]);
        let z = NDArray::from_vec(vec![1.0, 0.0, 0.3, 1.0], &[4]);
        let p = NDArray::from_vec(vec![2.5], &[1]);

        let plain = check_gradients(
            |v| sigmoid_cross_entropy("t", &v[0], &v[1], None).unwrap(),
            &[x.clone(), z.clone()],
            &GradCheck::default(),
        );
        let weighted = check_gradients(
            |v| sigmoid_cross_entropy("t", &v[0], &v[1], Some(&p)).unwrap(),
            &[x, z],
            &GradCheck::default(),
        );

        assert!(plain.is_ok(), "{plain:?}");
        assert!(weighted.is_ok(), "{weighted:?}");
    }

    #[test]
    fn gradient_at_a_zero_logit_is_half_minus_label() {
        let x = NDArray::zeros(&[2]);
        x.attach_grad();
        let z = NDArray::from_vec(vec![0.0, 1.0], &[2]);

        let loss = record(|| sigmoid_cross_entropy("t", &x, &z, None).unwrap());
        loss.backward().unwrap();

        assert_eq!(x.grad().unwrap().to_vec(), vec![0.5, -0.5]);
    }

    #[test]
    fn pos_weight_that_does_not_broadcast_is_an_error() {
        let x = NDArray::zeros(&[4, 3]);
        let p = NDArray::ones(&[2]);

        let error = sigmoid_cross_entropy("t", &x, &x, Some(&p)).unwrap_err();

        assert!(error.to_string().contains("pos_weight"), "{error}");
    }
}
