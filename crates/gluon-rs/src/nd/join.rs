//! Joining arrays: `stack` along a new axis and `concat` along an existing one.

use super::array::{NDArray, Shape};
use super::kernels::normalize_axis;
use crate::autograd::tape::{Backward, Grads};

/// Splits `grad` (shape `shape`) along `axis` into consecutive pieces of the given lengths.
fn split_along(grad: &NDArray, axis: usize, lengths: &[usize]) -> Grads {
    let shape = grad.shape();
    let outer: usize = shape[..axis].iter().product();
    let inner: usize = shape[axis + 1..].iter().product();
    let total = shape[axis];
    let data = grad.read();
    let mut start = 0;
    lengths
        .iter()
        .map(|&length| {
            let mut piece = Vec::with_capacity(outer * length * inner);
            for o in 0..outer {
                let begin = (o * total + start) * inner;
                piece.extend_from_slice(&data[begin..begin + length * inner]);
            }
            start += length;
            let mut piece_shape = Shape::from_slice(shape);
            piece_shape[axis] = length;
            Some(NDArray::from_parts(piece, piece_shape, None))
        })
        .collect()
}

/// Joins arrays of equal shape along `axis` of the result (the lengths along it may differ
/// for `concat`).
fn join(arrays: &[&NDArray], axis: usize, out_shape: Shape, lengths: Vec<usize>) -> NDArray {
    let outer: usize = out_shape[..axis].iter().product();
    let inner: usize = out_shape[axis + 1..].iter().product();
    let mut data = Vec::with_capacity(out_shape.iter().product());
    let guards: Vec<_> = arrays.iter().map(|a| a.read()).collect();
    for o in 0..outer {
        for (guard, &length) in guards.iter().zip(&lengths) {
            let chunk = length * inner;
            data.extend_from_slice(&guard[o * chunk..(o + 1) * chunk]);
        }
    }
    drop(guards);

    // d join/dx_i: the slice of the output gradient that came from x_i.
    NDArray::from_op(data, out_shape, arrays, move |c: &Backward| {
        let pieces = split_along(c.grad, axis, &lengths);
        pieces
            .into_iter()
            .zip(c.inputs)
            .map(|(piece, input)| {
                piece.map(|p| NDArray::from_parts(p.to_vec(), input.cell.shape.clone(), None))
            })
            .collect()
    })
}

/// Stacks arrays of identical shape along a new axis, as `nd.stack`.
///
/// ```
/// use gluon_rs::nd::{self, NDArray};
///
/// let a = NDArray::from_vec(vec![1.0, 2.0, 3.0], &[3]);
/// let b = NDArray::from_vec(vec![4.0, 5.0, 6.0], &[3]);
/// let stacked = nd::stack(&[&a, &b], 1);
/// assert_eq!(stacked.shape(), &[3, 2]);
/// assert_eq!(stacked.to_vec(), vec![1.0, 4.0, 2.0, 5.0, 3.0, 6.0]);
/// ```
///
/// # Panics
///
/// If `arrays` is empty, the shapes differ, or the axis is out of range.
#[track_caller]
pub fn stack(arrays: &[&NDArray], axis: isize) -> NDArray {
    assert!(!arrays.is_empty(), "stack: no arrays given");
    let shape = arrays[0].shape();
    for array in arrays {
        assert!(
            array.shape() == shape,
            "stack: shapes {:?} and {:?} differ",
            shape,
            array.shape()
        );
    }
    let axis = normalize_axis(axis, shape.len() + 1, "stack");
    let mut out_shape = Shape::from_slice(shape);
    out_shape.insert(axis, arrays.len());
    join(arrays, axis, out_shape, vec![1; arrays.len()])
}

/// Joins arrays along an existing axis `dim`, as `nd.concat` (whose default is `dim=1`).
///
/// # Panics
///
/// If `arrays` is empty, the other axes differ, or the axis is out of range.
#[track_caller]
pub fn concat(arrays: &[&NDArray], dim: isize) -> NDArray {
    assert!(!arrays.is_empty(), "concat: no arrays given");
    let first = arrays[0].shape();
    let axis = normalize_axis(dim, first.len(), "concat");
    let mut out_shape = Shape::from_slice(first);
    out_shape[axis] = 0;
    for array in arrays {
        let compatible = array.ndim() == first.len()
            && (0..first.len()).all(|i| i == axis || array.shape()[i] == first[i]);
        assert!(
            compatible,
            "concat: shapes {:?} and {:?} differ outside axis {axis}",
            first,
            array.shape()
        );
        out_shape[axis] += array.shape()[axis];
    }
    let lengths = arrays.iter().map(|a| a.shape()[axis]).collect();
    join(arrays, axis, out_shape, lengths)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn concat_defaults_join_columns() {
        let a = NDArray::ones(&[2, 3]);
        let b = NDArray::zeros(&[2, 2]);

        let joined = concat(&[&a, &b], 1);

        assert_eq!(joined.shape(), &[2, 5]);
        assert_eq!(joined.to_vec()[..5], [1.0, 1.0, 1.0, 0.0, 0.0]);
    }
}
