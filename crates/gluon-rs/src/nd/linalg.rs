//! Matrix products: `dot` and `FullyConnected` (`x · Wᵀ + b`).

use super::array::{NDArray, Shape};
use super::gemm::{matmul, Operand};
use super::unary::ActType;
use crate::autograd::tape::{Backward, Grads};
use smallvec::smallvec;

/// `a · b` for row-major `data` viewed as matrices, as row-major data.
fn product(
    a: &NDArray,
    a_dims: (usize, usize),
    ta: bool,
    b: &NDArray,
    b_dims: (usize, usize),
    tb: bool,
) -> Vec<f32> {
    let (a_data, b_data) = (a.read(), b.read());
    let (data, _, _) = matmul(
        Operand {
            data: &a_data,
            rows: a_dims.0,
            cols: a_dims.1,
            transposed: ta,
        },
        Operand {
            data: &b_data,
            rows: b_dims.0,
            cols: b_dims.1,
            transposed: tb,
        },
    );
    data
}

/// A shape seen as a matrix: 1-D as a row (or column) vector, N-D with all but the last
/// (first) axis collapsed.
fn matrix_dims(shape: &[usize], as_left: bool) -> (usize, usize) {
    match shape.len() {
        0 => (1, 1),
        1 if as_left => (1, shape[0]),
        1 => (shape[0], 1),
        _ if as_left => (
            shape[..shape.len() - 1].iter().product(),
            shape[shape.len() - 1],
        ),
        _ => (shape[0], shape[1..].iter().product()),
    }
}

/// The matrix product, as `nd.dot(a, b, transpose_a, transpose_b)`. 1-D operands act as
/// vectors; N-D operands are multiplied over `a`'s last and `b`'s first axis.
///
/// ```
/// use gluon_rs::nd::{self, NDArray};
///
/// let a = NDArray::from_vec(vec![1.0, 2.0, 3.0, 4.0], &[2, 2]);
/// let b = NDArray::from_vec(vec![1.0, 0.0, 0.0, 1.0], &[2, 2]);
/// assert_eq!(nd::dot(&a, &b, true, false).to_vec(), vec![1.0, 3.0, 2.0, 4.0]);
/// ```
///
/// # Panics
///
/// If the inner sizes differ (the message names both shapes), or a transpose flag is set
/// on an operand with more than two axes.
#[track_caller]
pub fn dot(a: &NDArray, b: &NDArray, transpose_a: bool, transpose_b: bool) -> NDArray {
    assert!(
        (!transpose_a || a.ndim() <= 2) && (!transpose_b || b.ndim() <= 2),
        "dot: transpose flags need operands of at most 2 axes, got {:?} and {:?}",
        a.shape(),
        b.shape()
    );
    let a_dims = matrix_dims(a.shape(), true);
    let b_dims = matrix_dims(b.shape(), false);
    let (m, k) = if transpose_a {
        (a_dims.1, a_dims.0)
    } else {
        a_dims
    };
    let (k2, n) = if transpose_b {
        (b_dims.1, b_dims.0)
    } else {
        b_dims
    };
    assert!(
        k == k2,
        "dot: inner sizes differ between shapes {:?} and {:?} (transpose_a={transpose_a}, \
         transpose_b={transpose_b})",
        a.shape(),
        b.shape()
    );
    let mut out_shape = Shape::new();
    if a.ndim() >= 2 || transpose_a {
        if a.ndim() > 2 {
            out_shape.extend_from_slice(&a.shape()[..a.ndim() - 1]);
        } else {
            out_shape.push(m);
        }
    }
    if b.ndim() >= 2 || transpose_b {
        if b.ndim() > 2 {
            out_shape.extend_from_slice(&b.shape()[1..]);
        } else {
            out_shape.push(n);
        }
    }
    if out_shape.is_empty() {
        out_shape.push(1);
    }
    let data = product(a, a_dims, transpose_a, b, b_dims, transpose_b);

    // C = op(A) op(B): dop(A) = G op(B)ᵀ, dop(B) = op(A)ᵀ G, transposed back where needed.
    NDArray::from_op(data, out_shape, &[a, b], move |c: &Backward| {
        let (a, b) = (c.input(0), c.input(1));
        let g = (c.grad, (m, n));
        let grad_a = if transpose_a {
            product(b, b_dims, transpose_b, g.0, g.1, true)
        } else {
            product(g.0, g.1, false, b, b_dims, !transpose_b)
        };
        let grad_b = if transpose_b {
            product(g.0, g.1, true, a, a_dims, transpose_a)
        } else {
            product(a, a_dims, !transpose_a, g.0, g.1, false)
        };
        smallvec![
            Some(NDArray::from_parts(grad_a, a.cell.shape.clone(), None)),
            Some(NDArray::from_parts(grad_b, b.cell.shape.clone(), None)),
        ]
    })
}

/// `x · Wᵀ + b`, as `nd.FullyConnected`: `weight` is `(units, in_units)` and `bias`
/// `(units,)`. With `flatten`, `x` of shape `(n, d1, ..., dk)` is read as
/// `(n, d1·…·dk)` and the result is `(n, units)`; without it, the map applies to the last
/// axis and the leading axes are kept.
///
/// # Shapes
///
/// - `x`: `(n, ...)`; `weight`: `(units, in_units)`; `bias`: `(units,)`
/// - output: `(n, units)` with `flatten`, `(d0, ..., d_{k-1}, units)` without
///
/// # Panics
///
/// If the input width differs from `in_units` or the bias length from `units`; layers
/// check this first and return an error instead.
#[track_caller]
pub fn fully_connected(
    x: &NDArray,
    weight: &NDArray,
    bias: Option<&NDArray>,
    flatten: bool,
) -> NDArray {
    affine(x, weight, bias, flatten, None)
}

/// `act(x · Wᵀ + b)` as one recorded operation: what `Dense` with an activation computes.
/// It gives the same bits as `fully_connected` followed by `activation`, in half the
/// recorded steps.
///
/// # Panics
///
/// As [`fully_connected`], and if `act` has no [`ActType::grad_from_output`] rule
/// (softsign: apply it separately).
#[track_caller]
pub(crate) fn fully_connected_activated(
    x: &NDArray,
    weight: &NDArray,
    bias: Option<&NDArray>,
    flatten: bool,
    act: ActType,
) -> NDArray {
    assert!(
        act.has_output_rule(),
        "fully_connected_activated: the derivative of {} needs its input",
        act.name()
    );
    affine(x, weight, bias, flatten, Some(act))
}

/// The product, the bias and an optional activation given with its gradient rule.
#[track_caller]
fn affine(
    x: &NDArray,
    weight: &NDArray,
    bias: Option<&NDArray>,
    flatten: bool,
    act: Option<ActType>,
) -> NDArray {
    let shape = x.shape();
    let (rows, width) = if flatten {
        (
            shape.first().copied().unwrap_or(1),
            shape.iter().skip(1).product(),
        )
    } else {
        (
            shape[..shape.len().saturating_sub(1)].iter().product(),
            shape.last().copied().unwrap_or(1),
        )
    };
    let (units, in_units) = (
        weight.shape()[0],
        weight.shape().get(1).copied().unwrap_or(1),
    );
    assert!(
        width == in_units && weight.ndim() == 2,
        "FullyConnected: input of shape {:?} has width {width}, but the weight of shape {:?} \
         expects {in_units}",
        shape,
        weight.shape()
    );
    if let Some(bias) = bias {
        assert!(
            bias.size() == units,
            "FullyConnected: bias of shape {:?} does not match {units} units",
            bias.shape()
        );
    }
    let mut data = product(x, (rows, width), false, weight, (units, in_units), true);
    if let Some(bias) = bias {
        let bias = bias.read();
        data.chunks_mut(units)
            .for_each(|row| row.iter_mut().zip(bias.iter()).for_each(|(y, b)| *y += b));
    }
    if let Some(act) = act {
        data.iter_mut().for_each(|y| *y = act.value(*y));
    }
    let out_shape: Shape = if flatten {
        Shape::from_slice(&[rows, units])
    } else {
        let mut s = Shape::from_slice(&shape[..shape.len().saturating_sub(1)]);
        s.push(units);
        s
    };
    let with_bias = [x, weight, bias.unwrap_or(x)];
    let inputs = if bias.is_some() {
        &with_bias[..]
    } else {
        &with_bias[..2]
    };

    // y = x Wᵀ + b: dx = G W, dW = Gᵀ x, db = column sums of G; with an activation,
    // G is first taken through it (from the output y).
    NDArray::from_op(data, out_shape, inputs, move |c: &Backward| {
        let (x, weight) = (c.input(0), c.input(1));
        let g = act
            .and_then(|act| act.grad_from_output(c.grad, c.output))
            .unwrap_or_else(|| c.grad.clone());
        // The input batch of a first layer needs no gradient: skip its product.
        let grad_x = c.needs_grad(0).then(|| {
            let grad = product(&g, (rows, units), false, weight, (units, width), false);
            NDArray::from_parts(grad, x.cell.shape.clone(), None)
        });
        let grad_w = c.needs_grad(1).then(|| {
            let grad = product(&g, (rows, units), true, x, (rows, width), false);
            NDArray::from_parts(grad, weight.cell.shape.clone(), None)
        });
        let mut grads: Grads = smallvec![grad_x, grad_w];
        if c.inputs.len() == 3 && c.needs_grad(2) {
            let mut grad_b = super::buffers::zeros(units);
            for row in g.read().chunks(units) {
                grad_b
                    .iter_mut()
                    .zip(row)
                    .for_each(|(total, g)| *total += g);
            }
            grads.push(Some(NDArray::from_parts(
                grad_b,
                c.input(2).cell.shape.clone(),
                None,
            )));
        }
        grads
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fully_connected_matches_the_spec_example() {
        // Spec 1.10: x=[[1,1,1],[0,1,0]], W=[[1,2,3],[4,5,6]], b=[10,20] -> [[16,35],[12,25]].
        let x = NDArray::from_vec(vec![1.0, 1.0, 1.0, 0.0, 1.0, 0.0], &[2, 3]);
        let w = NDArray::from_vec(vec![1.0, 2.0, 3.0, 4.0, 5.0, 6.0], &[2, 3]);
        let b = NDArray::from_vec(vec![10.0, 20.0], &[2]);

        let y = fully_connected(&x, &w, Some(&b), true);

        assert_eq!(y.to_vec(), vec![16.0, 35.0, 12.0, 25.0]);
    }

    #[test]
    fn weight_gradient_is_right_when_the_batch_needs_none() {
        // The rule skips dx for a plain input batch; dW = Gᵀ x with G = ones is the column
        // sums of x, [1, 2, 1], for each unit, and db = rows = 2.
        let x = NDArray::from_vec(vec![1.0, 1.0, 1.0, 0.0, 1.0, 0.0], &[2, 3]);
        let w = NDArray::from_vec(vec![1.0, 2.0, 3.0, 4.0, 5.0, 6.0], &[2, 3]);
        let b = NDArray::from_vec(vec![10.0, 20.0], &[2]);
        w.attach_grad();
        b.attach_grad();

        let y = crate::autograd::record(|| fully_connected(&x, &w, Some(&b), true));
        y.backward().unwrap();

        assert_eq!(
            w.grad().unwrap().to_vec(),
            vec![1.0, 2.0, 1.0, 1.0, 2.0, 1.0]
        );
        assert_eq!(b.grad().unwrap().to_vec(), vec![2.0, 2.0]);
        assert!(x.grad().is_none());
    }

    #[test]
    fn flatten_off_keeps_leading_axes() {
        let x = NDArray::ones(&[4, 2, 3]);
        let w = NDArray::ones(&[5, 3]);

        assert_eq!(fully_connected(&x, &w, None, false).shape(), &[4, 2, 5]);
        assert_eq!(
            fully_connected(&x, &NDArray::ones(&[5, 6]), None, true).shape(),
            &[4, 5]
        );
    }

    /// The fused layer and the two separate ops, forward and backward, on the same inputs.
    fn fused_and_separate(act: ActType) -> [Vec<Vec<f32>>; 2] {
        let run = |fused: bool| {
            let x = NDArray::from_vec((0..12).map(|i| i as f32 * 0.37 - 2.0).collect(), &[4, 3]);
            let w = NDArray::from_vec((0..6).map(|i| 0.9 - i as f32 * 0.41).collect(), &[2, 3]);
            let b = NDArray::from_vec(vec![0.25, -0.5], &[2]);
            for array in [&x, &w, &b] {
                array.attach_grad();
            }
            let y = crate::autograd::record(|| {
                if fused {
                    fully_connected_activated(&x, &w, Some(&b), true, act)
                } else {
                    fully_connected(&x, &w, Some(&b), true).activation(act)
                }
            });
            let head = NDArray::from_vec((0..8).map(|i| 1.5 - i as f32 * 0.3).collect(), &[4, 2]);
            y.backward_with(Some(&head), false).unwrap();
            vec![
                y.to_vec(),
                x.grad().unwrap().to_vec(),
                w.grad().unwrap().to_vec(),
                b.grad().unwrap().to_vec(),
            ]
        };
        [run(true), run(false)]
    }

    #[test]
    fn fused_activation_gives_the_bits_of_the_separate_ops() {
        for act in [
            ActType::Relu,
            ActType::Sigmoid,
            ActType::Tanh,
            ActType::Softrelu,
        ] {
            let [fused, separate] = fused_and_separate(act);

            assert_eq!(fused, separate, "{}", act.name());
        }
    }

    #[test]
    #[should_panic(expected = "softsign needs its input")]
    fn fusing_softsign_is_refused() {
        let x = NDArray::ones(&[1, 2]);

        fully_connected_activated(&x, &NDArray::ones(&[1, 2]), None, true, ActType::Softsign);
    }
}
