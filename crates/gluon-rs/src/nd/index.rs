//! Selecting elements: `slice`, `slice_axis`, indexing a row, `take` and `pick`.
//!
//! Every one of these gathers input elements by flat index, so they share one op whose
//! gradient scatters (and adds, for repeated indices) back into the input's shape.

use super::array::{NDArray, Shape};
use super::kernels::{normalize_axis, strides};
use crate::autograd::tape::Backward;
use smallvec::smallvec;
use std::sync::Arc;

/// How out-of-range indices are treated by [`NDArray::take`] and [`NDArray::pick`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum IndexMode {
    /// Clamp into range (MXNet's default).
    #[default]
    Clip,
    /// Wrap around modulo the axis length.
    Wrap,
}

fn resolve_index(index: f32, length: usize, mode: IndexMode) -> usize {
    let index = index as i64;
    let length = length as i64;
    let resolved = match mode {
        IndexMode::Clip => index.clamp(0, length - 1),
        IndexMode::Wrap => index.rem_euclid(length),
    };
    resolved as usize
}

/// The positions selected along one axis by `begin:end:step`, Python-style.
fn axis_positions(
    length: usize,
    begin: Option<isize>,
    end: Option<isize>,
    step: isize,
) -> Vec<usize> {
    let length = length as isize;
    let wrap = |i: isize| if i < 0 { i + length } else { i };
    let mut positions = Vec::new();
    if step > 0 {
        let mut i = begin.map_or(0, wrap).clamp(0, length);
        let stop = end.map_or(length, wrap).clamp(0, length);
        while i < stop {
            positions.push(i as usize);
            i += step;
        }
    } else {
        let mut i = begin.map_or(length - 1, wrap).clamp(-1, length - 1);
        let stop = end.map_or(-1, wrap).clamp(-1, length - 1);
        while i > stop {
            positions.push(i as usize);
            i += step;
        }
    }
    positions
}

/// Flat indices of the cartesian product of per-axis positions, in row-major order.
fn cartesian_indices(shape: &[usize], positions: &[Vec<usize>]) -> Vec<usize> {
    let own = strides(shape);
    let mut flat = vec![0usize];
    for (axis, selected) in positions.iter().enumerate() {
        let stride = own[axis];
        flat = flat
            .iter()
            .flat_map(|&base| selected.iter().map(move |&p| base + p * stride))
            .collect();
    }
    flat
}

impl NDArray {
    /// The elements at `sources` (flat indices), in the given shape.
    fn gather(&self, sources: Vec<usize>, shape: Shape) -> NDArray {
        let data = {
            let values = self.read();
            sources.iter().map(|&i| values[i]).collect()
        };
        let sources = Arc::new(sources);

        // d gather/dx: each output gradient added back at the element it came from.
        NDArray::from_op(data, shape, &[self], move |c: &Backward| {
            let x = c.input(0);
            let mut grad = vec![0.0; x.size()];
            for (&source, &g) in sources.iter().zip(c.grad.read().iter()) {
                grad[source] += g;
            }
            smallvec![Some(NDArray::from_parts(grad, x.cell.shape.clone(), None))]
        })
    }

    /// A strided slice over the leading axes, as `nd.slice(x, begin, end, step)`. `None`
    /// takes the default for that axis (the whole axis, in the step's direction); axes past
    /// the lists are kept whole.
    ///
    /// # Panics
    ///
    /// If the lists are longer than the number of axes or a step is 0.
    #[track_caller]
    pub fn slice(
        &self,
        begin: &[Option<isize>],
        end: &[Option<isize>],
        step: &[Option<isize>],
    ) -> NDArray {
        let ndim = self.ndim();
        assert!(
            begin.len() <= ndim && end.len() <= ndim && step.len() <= ndim,
            "slice: begin {begin:?}, end {end:?} and step {step:?} exceed {ndim} axes"
        );
        let positions: Vec<Vec<usize>> = (0..ndim)
            .map(|axis| {
                let step = step.get(axis).copied().flatten().unwrap_or(1);
                assert!(step != 0, "slice: step along axis {axis} is 0");
                let begin = begin.get(axis).copied().flatten();
                let end = end.get(axis).copied().flatten();
                axis_positions(self.shape()[axis], begin, end, step)
            })
            .collect();
        let shape = positions.iter().map(Vec::len).collect();
        self.gather(cartesian_indices(self.shape(), &positions), shape)
    }

    /// `begin..end` along one axis, as `nd.slice_axis` (`end = None` runs to the end;
    /// negative values count from the end).
    ///
    /// # Panics
    ///
    /// If the axis is out of range.
    #[track_caller]
    pub fn slice_axis(&self, axis: isize, begin: isize, end: Option<isize>) -> NDArray {
        let axis = normalize_axis(axis, self.ndim(), "slice_axis");
        let mut begins = vec![None; axis + 1];
        let mut ends = vec![None; axis + 1];
        begins[axis] = Some(begin);
        ends[axis] = end;
        self.slice(&begins, &ends, &[])
    }

    /// `x[i]`: row `i` of the first axis, as MXNet 1.x indexes (shape `(1,)` for a 1-D
    /// array). Negative `i` counts from the end.
    ///
    /// # Panics
    ///
    /// If `i` is out of range.
    #[track_caller]
    pub fn at(&self, i: isize) -> NDArray {
        let length = self.shape().first().copied().unwrap_or(0) as isize;
        let resolved = if i < 0 { i + length } else { i };
        assert!(
            (0..length).contains(&resolved),
            "at: index {i} is out of range for shape {:?}",
            self.shape()
        );
        let row = self.slice_axis(0, resolved, Some(resolved + 1));
        if self.ndim() == 1 {
            row
        } else {
            row.reshaped(Shape::from_slice(&self.shape()[1..]))
        }
    }

    /// Elements at `indices` (float values, as MXNet stores them) along `axis`, as
    /// `nd.take`. The result's shape replaces `axis` by the shape of `indices`. Repeated
    /// indices add up their gradients.
    ///
    /// # Panics
    ///
    /// If the axis is out of range.
    #[track_caller]
    pub fn take(&self, indices: &NDArray, axis: isize, mode: IndexMode) -> NDArray {
        let axis = normalize_axis(axis, self.ndim(), "take");
        let shape = self.shape();
        let (outer, length) = (shape[..axis].iter().product::<usize>(), shape[axis]);
        let inner: usize = shape[axis + 1..].iter().product();
        let picks: Vec<usize> = indices
            .read()
            .iter()
            .map(|&i| resolve_index(i, length, mode))
            .collect();
        let mut sources = Vec::with_capacity(outer * picks.len() * inner);
        for o in 0..outer {
            for &p in &picks {
                sources.extend((0..inner).map(|i| (o * length + p) * inner + i));
            }
        }
        let mut out_shape = Shape::from_slice(&shape[..axis]);
        out_shape.extend_from_slice(indices.shape());
        out_shape.extend_from_slice(&shape[axis + 1..]);
        self.gather(sources, out_shape)
    }

    /// One element per lane along `axis`, chosen by `index` (whose shape is this array's
    /// without `axis`), as `nd.pick`. Out-of-range indices are clipped.
    ///
    /// # Panics
    ///
    /// If the axis is out of range or `index` has the wrong number of elements.
    #[track_caller]
    pub fn pick(&self, index: &NDArray, axis: isize, keepdims: bool) -> NDArray {
        let axis = normalize_axis(axis, self.ndim(), "pick");
        let shape = self.shape();
        let (outer, length) = (shape[..axis].iter().product::<usize>(), shape[axis]);
        let inner: usize = shape[axis + 1..].iter().product();
        let index_values = index.read();
        assert_eq!(
            index_values.len(),
            outer * inner,
            "pick: index of shape {:?} does not fit data of shape {:?} along axis {axis}",
            index.shape(),
            shape
        );
        let sources = (0..outer * inner)
            .map(|lane| {
                let (o, i) = (lane / inner, lane % inner);
                let p = resolve_index(index_values[lane], length, IndexMode::Clip);
                (o * length + p) * inner + i
            })
            .collect();
        drop(index_values);
        let mut out_shape = Shape::from_slice(shape);
        if keepdims {
            out_shape[axis] = 1;
        } else {
            out_shape.remove(axis);
        }
        self.gather(sources, out_shape)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn negative_step_walks_backwards() {
        let x = NDArray::arange(0.0, 6.0, 1.0).reshape(&[2, 3]);

        let reversed = x.slice(&[None, None], &[None, None], &[Some(1), Some(-1)]);

        assert_eq!(reversed.to_vec(), vec![2.0, 1.0, 0.0, 5.0, 4.0, 3.0]);
    }

    #[test]
    fn indexing_a_vector_gives_shape_one() {
        let x = NDArray::arange(0.0, 3.0, 1.0);

        assert_eq!(x.at(2).shape(), &[1]);
        assert_eq!(x.at(-1).to_vec(), vec![2.0]);
    }
}
