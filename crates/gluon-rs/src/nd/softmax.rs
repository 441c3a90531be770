//! `softmax` and `log_softmax` along an axis, with a temperature.

use super::array::NDArray;
use super::kernels::{normalize_axis, strides};
use crate::autograd::tape::Backward;
use smallvec::smallvec;

/// Calls `f(lane)` with the element indices of every 1-D lane along `axis`.
fn for_each_lane(shape: &[usize], axis: usize, mut f: impl FnMut(&[usize])) {
    let length = shape[axis];
    let inner = strides(shape)[axis];
    let outer: usize = shape[..axis].iter().product();
    let mut lane = vec![0; length];
    for o in 0..outer {
        for i in 0..inner {
            for (k, slot) in lane.iter_mut().enumerate() {
                *slot = (o * length + k) * inner + i;
            }
            f(&lane);
        }
    }
}

/// Softmax of `values / temperature` along `axis`, or its logarithm.
fn softmax_values(x: &NDArray, axis: usize, temperature: f32, log: bool) -> Vec<f32> {
    let values = x.read();
    let mut out = vec![0.0; values.len()];
    for_each_lane(x.shape(), axis, |lane| {
        let max = lane
            .iter()
            .map(|&i| values[i] / temperature)
            .fold(f32::NEG_INFINITY, f32::max);
        let total: f32 = lane
            .iter()
            .map(|&i| (values[i] / temperature - max).exp())
            .sum();
        for &i in lane {
            let shifted = values[i] / temperature - max;
            out[i] = if log {
                shifted - total.ln()
            } else {
                shifted.exp() / total
            };
        }
    });
    out
}

impl NDArray {
    /// `exp(x/T) / sum(exp(x/T))` along `axis` (default in MXNet: -1).
    ///
    /// # Panics
    ///
    /// If the axis is out of range.
    #[track_caller]
    pub fn softmax(&self, axis: isize, temperature: f32) -> NDArray {
        let axis = normalize_axis(axis, self.ndim(), "softmax");
        let data = softmax_values(self, axis, temperature, false);

        // d softmax/dx: dx = y (g - sum(g y)) / T along the axis.
        NDArray::from_op(
            data,
            self.cell.shape.clone(),
            &[self],
            move |c: &Backward| {
                let (y, g) = (c.output.read(), c.grad.read());
                let mut grad = vec![0.0; y.len()];
                for_each_lane(c.output.shape(), axis, |lane| {
                    let dot: f32 = lane.iter().map(|&i| g[i] * y[i]).sum();
                    for &i in lane {
                        grad[i] = y[i] * (g[i] - dot) / temperature;
                    }
                });
                smallvec![Some(NDArray::from_vec(grad, c.output.shape()))]
            },
        )
    }

    /// `log(softmax(x/T))` along `axis`, computed stably.
    ///
    /// # Panics
    ///
    /// If the axis is out of range.
    #[track_caller]
    pub fn log_softmax(&self, axis: isize, temperature: f32) -> NDArray {
        let axis = normalize_axis(axis, self.ndim(), "log_softmax");
        let data = softmax_values(self, axis, temperature, true);

        // d log_softmax/dx: dx = (g - softmax * sum(g)) / T along the axis.
        NDArray::from_op(
            data,
            self.cell.shape.clone(),
            &[self],
            move |c: &Backward| {
                let (y, g) = (c.output.read(), c.grad.read());
                let mut grad = vec![0.0; y.len()];
                for_each_lane(c.output.shape(), axis, |lane| {
                    let total: f32 = lane.iter().map(|&i| g[i]).sum();
                    for &i in lane {
                        grad[i] = (g[i] - y[i].exp() * total) / temperature;
                    }
                });
                smallvec![Some(NDArray::from_vec(grad, c.output.shape()))]
            },
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn softmax_rows_sum_to_one() {
        let x = NDArray::from_vec(vec![1.0, 2.0, 3.0, -1.0, 0.0, 1000.0], &[2, 3]);

        let y = x.softmax(-1, 1.0).to_vec();

        assert!((y[0] + y[1] + y[2] - 1.0).abs() < 1e-6);
        assert!((y[5] - 1.0).abs() < 1e-6);
    }
}
