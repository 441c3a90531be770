//! Reductions: sum, mean, max, min and argmax over all axes, some axes, or all but some.
//!
//! A reduction over every axis has shape `(1,)`, MXNet 1.x's rule.

use super::array::{NDArray, Shape};
use super::kernels::{broadcast_to, fold_to_shape, normalize_axis, strides, sum_to_shape};
use crate::autograd::tape::Backward;
use smallvec::smallvec;
use smallvec::SmallVec;

/// Which axes a reduction covers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Axes {
    /// Every axis.
    All,
    /// The listed axes (negative values count from the end).
    These(SmallVec<[isize; 4]>),
    /// Every axis except the listed ones (MXNet's `exclude=True`).
    Except(SmallVec<[isize; 4]>),
}

impl Axes {
    /// Every axis except `axes`.
    pub fn except(axes: &[isize]) -> Axes {
        Axes::Except(SmallVec::from_slice(axes))
    }

    /// Resolves to a sorted list of distinct axes of an array with `ndim` axes.
    #[track_caller]
    fn resolve(&self, ndim: usize, op: &str) -> SmallVec<[usize; 4]> {
        let listed = |axes: &[isize]| -> SmallVec<[usize; 4]> {
            let mut out: SmallVec<[usize; 4]> =
                axes.iter().map(|&a| normalize_axis(a, ndim, op)).collect();
            out.sort_unstable();
            out.dedup();
            out
        };
        match self {
            Axes::All => (0..ndim).collect(),
            Axes::These(axes) => listed(axes),
            Axes::Except(axes) => {
                let kept = listed(axes);
                (0..ndim).filter(|a| !kept.contains(a)).collect()
            }
        }
    }
}

impl From<i32> for Axes {
    fn from(axis: i32) -> Axes {
        Axes::These(SmallVec::from_slice(&[axis as isize]))
    }
}

impl From<isize> for Axes {
    fn from(axis: isize) -> Axes {
        Axes::These(SmallVec::from_slice(&[axis]))
    }
}

impl From<usize> for Axes {
    fn from(axis: usize) -> Axes {
        Axes::These(SmallVec::from_slice(&[axis as isize]))
    }
}

impl From<&[isize]> for Axes {
    fn from(axes: &[isize]) -> Axes {
        Axes::These(SmallVec::from_slice(axes))
    }
}

impl<const N: usize> From<[i32; N]> for Axes {
    fn from(axes: [i32; N]) -> Axes {
        Axes::These(axes.iter().map(|&a| a as isize).collect())
    }
}

impl From<Option<isize>> for Axes {
    fn from(axis: Option<isize>) -> Axes {
        axis.map_or(Axes::All, Axes::from)
    }
}

/// The reduced shape with reduced axes kept as 1, and the shape of the result.
fn reduced_shapes(shape: &[usize], axes: &[usize], keepdims: bool) -> (Shape, Shape) {
    let kept: Shape = shape
        .iter()
        .enumerate()
        .map(|(i, &d)| if axes.contains(&i) { 1 } else { d })
        .collect();
    let out: Shape = if keepdims {
        kept.clone()
    } else {
        let remaining: Shape = shape
            .iter()
            .enumerate()
            .filter(|(i, _)| !axes.contains(i))
            .map(|(_, &d)| d)
            .collect();
        if remaining.is_empty() {
            Shape::from_slice(&[1])
        } else {
            remaining
        }
    };
    (kept, out)
}

impl NDArray {
    /// The sum of every element, shape `(1,)`.
    pub fn sum(&self) -> NDArray {
        self.sum_axis(Axes::All, false)
    }

    /// The sum over `axes`, keeping them as length 1 when `keepdims`.
    ///
    /// ```
    /// use gluon_rs::nd::NDArray;
    ///
    /// let x = NDArray::from_vec(vec![1.0, 2.5, 0.5, 0.1, 3.0, 0.0], &[3, 2]);
    /// assert_eq!(x.sum_axis(1, false).to_vec(), vec![3.5, 0.6, 3.0]);
    /// ```
    ///
    /// # Panics
    ///
    /// If an axis is out of range.
    #[track_caller]
    pub fn sum_axis(&self, axes: impl Into<Axes>, keepdims: bool) -> NDArray {
        self.sum_scaled(axes.into(), keepdims, false)
    }

    /// The mean of every element, shape `(1,)`.
    pub fn mean(&self) -> NDArray {
        self.mean_axis(Axes::All, false)
    }

    /// The mean over `axes`.
    ///
    /// # Panics
    ///
    /// If an axis is out of range.
    #[track_caller]
    pub fn mean_axis(&self, axes: impl Into<Axes>, keepdims: bool) -> NDArray {
        self.sum_scaled(axes.into(), keepdims, true)
    }

    #[track_caller]
    fn sum_scaled(&self, axes: Axes, keepdims: bool, mean: bool) -> NDArray {
        let axes = axes.resolve(self.ndim(), if mean { "mean" } else { "sum" });
        let (kept, out_shape) = reduced_shapes(self.shape(), &axes, keepdims);
        let count: usize = axes.iter().map(|&a| self.shape()[a]).product();
        let scale = if mean { 1.0 / count.max(1) as f32 } else { 1.0 };
        let mut data = sum_to_shape(&self.read(), self.shape(), &kept);
        if mean {
            data.iter_mut().for_each(|v| *v *= scale);
        }

        // d sum/dx = 1 and d mean/dx = 1/count, spread back over the reduced axes.
        NDArray::from_op(data, out_shape, &[self], move |c: &Backward| {
            let x = c.input(0);
            let mut grad = broadcast_to(&c.grad.read(), &kept, x.shape());
            if scale != 1.0 {
                grad.iter_mut().for_each(|g| *g *= scale);
            }
            smallvec![Some(NDArray::from_vec(grad, x.shape()))]
        })
    }

    /// The largest element, shape `(1,)`.
    pub fn max(&self) -> NDArray {
        self.max_axis(Axes::All, false)
    }

    /// The largest element over `axes`. The gradient goes to every element equal to it.
    ///
    /// # Panics
    ///
    /// If an axis is out of range.
    #[track_caller]
    pub fn max_axis(&self, axes: impl Into<Axes>, keepdims: bool) -> NDArray {
        self.extreme(axes.into(), keepdims, "max", f32::NEG_INFINITY, f32::max)
    }

    /// The smallest element, shape `(1,)`.
    pub fn min(&self) -> NDArray {
        self.min_axis(Axes::All, false)
    }

    /// The smallest element over `axes`.
    ///
    /// # Panics
    ///
    /// If an axis is out of range.
    #[track_caller]
    pub fn min_axis(&self, axes: impl Into<Axes>, keepdims: bool) -> NDArray {
        self.extreme(axes.into(), keepdims, "min", f32::INFINITY, f32::min)
    }

    #[track_caller]
    fn extreme(
        &self,
        axes: Axes,
        keepdims: bool,
        op: &str,
        init: f32,
        combine: fn(f32, f32) -> f32,
    ) -> NDArray {
        let axes = axes.resolve(self.ndim(), op);
        let (kept, out_shape) = reduced_shapes(self.shape(), &axes, keepdims);
        let data = fold_to_shape(&self.read(), self.shape(), &kept, init, combine);

        // d max/dx = [x == max], the output gradient copied to each such element.
        NDArray::from_op(data, out_shape, &[self], move |c: &Backward| {
            let x = c.input(0);
            let extreme = broadcast_to(&c.output.read(), &kept, x.shape());
            let grad = broadcast_to(&c.grad.read(), &kept, x.shape());
            let values = x.read();
            let data = values
                .iter()
                .zip(extreme.iter().zip(grad))
                .map(|(&v, (&m, g))| if v == m { g } else { 0.0 })
                .collect();
            smallvec![Some(NDArray::from_vec(data, x.shape()))]
        })
    }

    /// The index of the largest element along `axis` (over the flattened array when
    /// `None`), as `f32`, as MXNet 1.x returns it. The first of tied maxima wins. Zero
    /// gradient.
    ///
    /// # Panics
    ///
    /// If the axis is out of range.
    #[track_caller]
    pub fn argmax(&self, axis: Option<isize>, keepdims: bool) -> NDArray {
        let Some(axis) = axis else {
            return self.reshape(&[-1]).argmax(Some(0), false);
        };
        let axis = normalize_axis(axis, self.ndim(), "argmax");
        let (kept, out_shape) = reduced_shapes(self.shape(), &[axis], keepdims);
        let shape = self.shape();
        let (outer, length) = (shape[..axis].iter().product::<usize>(), shape[axis]);
        let inner: usize = strides(shape)[axis];
        let values = self.read();
        let mut data = Vec::with_capacity(kept.iter().product());
        for o in 0..outer {
            for i in 0..inner {
                let at = |k: usize| values[(o * length + k) * inner + i];
                let best = (1..length).fold(0, |best, k| if at(k) > at(best) { k } else { best });
                data.push(best as f32);
            }
        }
        drop(values);
        NDArray::from_op(data, out_shape, &[self], super::unary::zero_grad)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn full_reduction_has_shape_one() {
        let x = NDArray::ones(&[2, 3]);

        assert_eq!(x.sum().shape(), &[1]);
        assert_eq!(x.sum().asscalar(), 6.0);
    }

    #[test]
    fn exclude_keeps_the_batch_axis() {
        let x = NDArray::arange(0.0, 6.0, 1.0).reshape(&[2, 3]);

        let means = x.mean_axis(Axes::except(&[0]), false);

        assert_eq!(means.to_vec(), vec![1.0, 4.0]);
    }

    #[test]
    fn argmax_takes_the_first_tie() {
        let x = NDArray::from_vec(vec![1.0, 3.0, 3.0, 0.0], &[2, 2]);

        assert_eq!(x.argmax(Some(1), false).to_vec(), vec![1.0, 0.0]);
        assert_eq!(x.argmax(None, false).to_vec(), vec![1.0]);
    }
}
