//! Shape arithmetic and the loops every op is built from: broadcasting, reducing to a
//! shape, and permuting axes.
//!
//! All arrays are contiguous and row-major, so one loop over the output with a stride per
//! input axis (0 along broadcast axes) covers broadcasting, reduction and transposition.
//! Same-shape and scalar operands take plain slice loops, which is what keeps small ops at
//! a few tens of nanoseconds.

use super::array::Shape;
use super::buffers;

/// Row-major strides of a contiguous array of `shape`.
pub(crate) fn strides(shape: &[usize]) -> Shape {
    let mut strides = Shape::from_elem(0, shape.len());
    let mut step = 1;
    for (stride, &dim) in strides.iter_mut().zip(shape).rev() {
        *stride = step;
        step *= dim;
    }
    strides
}

/// NumPy's broadcast of two shapes, or `None` when they are incompatible.
pub(crate) fn broadcast_shape(a: &[usize], b: &[usize]) -> Option<Shape> {
    let ndim = a.len().max(b.len());
    let mut out = Shape::from_elem(0, ndim);
    for i in 0..ndim {
        let da = if i + a.len() >= ndim {
            a[i + a.len() - ndim]
        } else {
            1
        };
        let db = if i + b.len() >= ndim {
            b[i + b.len() - ndim]
        } else {
            1
        };
        out[i] = match (da, db) {
            (x, y) if x == y => x,
            (1, y) => y,
            (x, 1) => x,
            _ => return None,
        };
    }
    Some(out)
}

/// The strides with which `source` (right-aligned) is read for each axis of `target`:
/// zero along axes where `source` has length 1 or is missing.
pub(crate) fn broadcast_strides(source: &[usize], target: &[usize]) -> Shape {
    let own = strides(source);
    let offset = target.len() - source.len();
    (0..target.len())
        .map(|i| {
            if i < offset || source[i - offset] == 1 {
                0
            } else {
                own[i - offset]
            }
        })
        .collect()
}

/// Calls `f(out_index, a_index, b_index)` for every element of an array of `shape`, where
/// the two other indices advance by the given per-axis strides.
pub(crate) fn for_each_strided(
    shape: &[usize],
    strides_a: &[usize],
    strides_b: &[usize],
    mut f: impl FnMut(usize, usize, usize),
) {
    let ndim = shape.len();
    if ndim == 0 {
        f(0, 0, 0);
        return;
    }
    let size: usize = shape.iter().product();
    if size == 0 {
        return;
    }
    let inner = shape[ndim - 1];
    let (inner_a, inner_b) = (strides_a[ndim - 1], strides_b[ndim - 1]);
    let mut counter: Shape = Shape::from_elem(0, ndim - 1);
    let (mut base_a, mut base_b, mut out) = (0usize, 0usize, 0usize);
    for _ in 0..size / inner {
        for k in 0..inner {
            f(out, base_a + k * inner_a, base_b + k * inner_b);
            out += 1;
        }
        for axis in (0..ndim - 1).rev() {
            counter[axis] += 1;
            base_a += strides_a[axis];
            base_b += strides_b[axis];
            if counter[axis] < shape[axis] {
                break;
            }
            base_a -= strides_a[axis] * shape[axis];
            base_b -= strides_b[axis] * shape[axis];
            counter[axis] = 0;
        }
    }
}

/// `f(a, b)` elementwise with NumPy broadcasting into `out_shape`.
pub(crate) fn broadcast_zip(
    a: &[f32],
    a_shape: &[usize],
    b: &[f32],
    b_shape: &[usize],
    out_shape: &[usize],
    f: impl Fn(f32, f32) -> f32,
) -> Vec<f32> {
    if a_shape == b_shape {
        return buffers::collect(a.len(), a.iter().zip(b).map(|(&x, &y)| f(x, y)));
    }
    let size: usize = out_shape.iter().product();
    if b.len() == 1 && a.len() == size {
        let y = b[0];
        return buffers::collect(a.len(), a.iter().map(|&x| f(x, y)));
    }
    if a.len() == 1 && b.len() == size {
        let x = a[0];
        return buffers::collect(b.len(), b.iter().map(|&y| f(x, y)));
    }
    // One pass per row of the last axis, where each operand is either contiguous (stride
    // 1) or repeats one value (stride 0): the inner loops then run over plain slices.
    let ndim = out_shape.len();
    let inner = out_shape[ndim - 1];
    let strides_a = broadcast_strides(a_shape, out_shape);
    let strides_b = broadcast_strides(b_shape, out_shape);
    let (step_a, step_b) = (strides_a[ndim - 1], strides_b[ndim - 1]);
    let mut out = buffers::with_capacity(size);
    let outer = &out_shape[..ndim - 1];
    for_each_strided(
        outer,
        &strides_a[..ndim - 1],
        &strides_b[..ndim - 1],
        |_, i, j| match (step_a, step_b) {
            (0, 0) => out.extend(std::iter::repeat_n(f(a[i], b[j]), inner)),
            (0, _) => out.extend(b[j..j + inner].iter().map(|&y| f(a[i], y))),
            (_, 0) => out.extend(a[i..i + inner].iter().map(|&x| f(x, b[j]))),
            _ => out.extend(
                a[i..i + inner]
                    .iter()
                    .zip(&b[j..j + inner])
                    .map(|(&x, &y)| f(x, y)),
            ),
        },
    );
    out
}

/// The sum of a slice with eight running partial sums, which the compiler keeps in one
/// vector register; the order of additions is fixed, so the result is deterministic.
pub(crate) fn sum_slice(data: &[f32]) -> f32 {
    let mut partial = [0.0f32; 8];
    let chunks = data.chunks_exact(8);
    let tail: f32 = chunks.remainder().iter().sum();
    for chunk in chunks {
        for (total, &value) in partial.iter_mut().zip(chunk) {
            *total += value;
        }
    }
    partial.iter().sum::<f32>() + tail
}

/// Sums `data` of `shape` down to `target` (which broadcasts to `shape`): the gradient of a
/// broadcast, and the keepdims form of a sum over axes.
pub(crate) fn sum_to_shape(data: &[f32], shape: &[usize], target: &[usize]) -> Vec<f32> {
    let target_size: usize = target.iter().product();
    if target_size == data.len() {
        return buffers::collect(data.len(), data.iter().copied());
    }
    if target_size == 1 {
        return buffers::collect(1, std::iter::once(sum_slice(data)));
    }
    // The common reductions keep a prefix of the axes (sum over trailing axes: one sum per
    // contiguous chunk) or a suffix (sum over leading axes, as a bias gradient: rows added
    // together); anything else takes the strided loop.
    let offset = shape.len() - target.len();
    let ones_then_same = |split: usize| {
        (0..shape.len()).all(|axis| {
            let kept = if axis < offset {
                1
            } else {
                target[axis - offset]
            };
            if axis < split {
                kept == 1
            } else {
                kept == shape[axis]
            }
        })
    };
    let same_then_ones = |split: usize| {
        (0..shape.len()).all(|axis| {
            let kept = if axis < offset {
                1
            } else {
                target[axis - offset]
            };
            if axis < split {
                kept == shape[axis]
            } else {
                kept == 1
            }
        })
    };
    if (0..=shape.len()).any(same_then_ones) {
        let chunk = data.len() / target_size;
        return buffers::collect(target_size, data.chunks_exact(chunk).map(sum_slice));
    }
    let mut out = buffers::zeros(target_size);
    if (0..=shape.len()).any(ones_then_same) {
        for row in data.chunks_exact(target_size) {
            out.iter_mut()
                .zip(row)
                .for_each(|(total, &value)| *total += value);
        }
        return out;
    }
    let target_strides = broadcast_strides(target, shape);
    let own = strides(shape);
    for_each_strided(shape, &own, &target_strides, |_, i, t| {
        out[t] += data[i];
    });
    out
}

/// Folds `data` of `shape` into `target` (the keepdims shape) with `combine`, starting from
/// `init`.
pub(crate) fn fold_to_shape(
    data: &[f32],
    shape: &[usize],
    target: &[usize],
    init: f32,
    combine: impl Fn(f32, f32) -> f32,
) -> Vec<f32> {
    let mut out = vec![init; target.iter().product()];
    let target_strides = broadcast_strides(target, shape);
    let own = strides(shape);
    for_each_strided(shape, &own, &target_strides, |_, i, t| {
        out[t] = combine(out[t], data[i]);
    });
    out
}

/// Expands `data` of `shape` to `target` by repeating along broadcast axes.
pub(crate) fn broadcast_to(data: &[f32], shape: &[usize], target: &[usize]) -> Vec<f32> {
    let size: usize = target.iter().product();
    if data.len() == size {
        return buffers::collect(size, data.iter().copied());
    }
    let mut out = buffers::zeros(size);
    let source = broadcast_strides(shape, target);
    let zeros = Shape::from_elem(0, target.len());
    for_each_strided(target, &source, &zeros, |o, i, _| out[o] = data[i]);
    out
}

/// The permuted copy of `data`: output axis `k` is input axis `axes[k]`.
pub(crate) fn permute(data: &[f32], shape: &[usize], axes: &[usize]) -> (Vec<f32>, Shape) {
    let own = strides(shape);
    let out_shape: Shape = axes.iter().map(|&a| shape[a]).collect();
    let source: Shape = axes.iter().map(|&a| own[a]).collect();
    let zeros = Shape::from_elem(0, axes.len());
    let mut out = vec![0.0; data.len()];
    for_each_strided(&out_shape, &source, &zeros, |o, i, _| out[o] = data[i]);
    (out, out_shape)
}

/// Normalizes a possibly negative axis against `ndim` axes.
///
/// # Panics
///
/// If the axis is out of range; the message names `op`.
#[track_caller]
pub(crate) fn normalize_axis(axis: isize, ndim: usize, op: &str) -> usize {
    let resolved = if axis < 0 { axis + ndim as isize } else { axis };
    assert!(
        (0..ndim as isize).contains(&resolved),
        "{op}: axis {axis} is out of range for an array with {ndim} axes"
    );
    resolved as usize
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn broadcast_shape_follows_numpy() {
        assert_eq!(broadcast_shape(&[2, 3], &[3]).unwrap().as_slice(), &[2, 3]);
        assert_eq!(
            broadcast_shape(&[3, 1], &[1, 4]).unwrap().as_slice(),
            &[3, 4]
        );
        assert!(broadcast_shape(&[2, 3], &[3, 2]).is_none());
    }

    #[test]
    fn sum_to_shape_reverses_broadcast() {
        // (2,3) summed to (1,3): column sums 1+4, 2+5, 3+6.
        let data = [1.0, 2.0, 3.0, 4.0, 5.0, 6.0];

        let out = sum_to_shape(&data, &[2, 3], &[1, 3]);

        assert_eq!(out, vec![5.0, 7.0, 9.0]);
    }

    #[test]
    fn sum_to_shape_shortcuts_agree_with_hand_sums() {
        // data = 0..6 as (2, 3): row sums 3, 12; column sums 3, 5, 7.
        let data: Vec<f32> = (0..6).map(|i| i as f32).collect();
        let cube: Vec<f32> = (0..24).map(|i| i as f32).collect();

        let trailing = sum_to_shape(&data, &[2, 3], &[2, 1]);
        let leading = sum_to_shape(&data, &[2, 3], &[3]);
        let leading_kept = sum_to_shape(&data, &[2, 3], &[1, 3]);
        let middle = sum_to_shape(&cube, &[2, 3, 4], &[2, 1, 4]);

        assert_eq!(trailing, vec![3.0, 12.0]);
        assert_eq!(leading, vec![3.0, 5.0, 7.0]);
        assert_eq!(leading_kept, vec![3.0, 5.0, 7.0]);
        // (2,3,4) over axis 1: element [b, k] = sum_j (12 b + 4 j + k) = 36 b + 12 + 3 k.
        assert_eq!(middle, vec![12.0, 15.0, 18.0, 21.0, 48.0, 51.0, 54.0, 57.0]);
    }

    #[test]
    fn sum_slice_covers_chunks_and_remainder() {
        let data: Vec<f32> = (1..=19).map(|i| i as f32).collect();

        assert_eq!(sum_slice(&data), 190.0);
        assert_eq!(sum_slice(&[]), 0.0);
    }

    #[test]
    fn broadcast_zip_rows_cover_every_stride_pattern() {
        // (2,1,3) - (2,1): out[i, j, k] = a[i, 0, k] - b[j, 0].
        let a = [1.0, 2.0, 3.0, 4.0, 5.0, 6.0];
        let b = [10.0, 20.0];

        let out = broadcast_zip(&a, &[2, 1, 3], &b, &[2, 1], &[2, 2, 3], |x, y| x - y);

        let expected = [
            -9.0, -8.0, -7.0, -19.0, -18.0, -17.0, -6.0, -5.0, -4.0, -16.0, -15.0, -14.0,
        ];
        assert_eq!(out, expected);
    }

    #[test]
    fn permute_transposes_a_matrix() {
        let (out, shape) = permute(&[1.0, 2.0, 3.0, 4.0, 5.0, 6.0], &[2, 3], &[1, 0]);

        assert_eq!(shape.as_slice(), &[3, 2]);
        assert_eq!(out, vec![1.0, 4.0, 2.0, 5.0, 3.0, 6.0]);
    }
}
