//! N-dimensional arrays of `f32`, as MXNet's `mx.nd`: creation, elementwise math with
//! broadcasting, comparisons, reductions, shape manipulation, indexing, joining and matrix
//! products. Every operation records its gradient rule for [`crate::autograd`].

mod array;
mod binary;
pub(crate) mod buffers;
mod compare;
mod display;
mod gemm;
mod index;
mod join;
pub(crate) mod kernels;
mod linalg;
mod reduce;
mod shape_ops;
mod softmax;
mod unary;

pub use array::NDArray;
// The file functions live in `io` with the format code; re-exported here because MXNet
// users know them as `nd.save` and `nd.load`.
pub use crate::io::{load, load_list, save, save_list};
pub use binary::{maximum, minimum, power};
pub use index::IndexMode;
pub use join::{concat, stack};
pub(crate) use linalg::fully_connected_activated;
pub use linalg::{dot, fully_connected};
pub use reduce::Axes;
pub use unary::ActType;

/// An array holding `data` with `shape`, as `nd.array`.
///
/// # Panics
///
/// If the element count does not fit the shape.
#[track_caller]
pub fn array(data: &[f32], shape: &[usize]) -> NDArray {
    NDArray::from_slice(data, shape)
}

/// An array of zeros, as `nd.zeros`.
pub fn zeros(shape: &[usize]) -> NDArray {
    NDArray::zeros(shape)
}

/// An array of ones, as `nd.ones`.
pub fn ones(shape: &[usize]) -> NDArray {
    NDArray::ones(shape)
}

/// An array filled with `value`, as `nd.full`.
pub fn full(shape: &[usize], value: f32) -> NDArray {
    NDArray::full(shape, value)
}

/// Evenly spaced values in `[start, stop)`, as `nd.arange`.
///
/// # Panics
///
/// If `step` is zero or not finite.
#[track_caller]
pub fn arange(start: f32, stop: f32, step: f32) -> NDArray {
    NDArray::arange(start, stop, step)
}

/// `ceil(x)` elementwise, as `nd.ceil`.
pub fn ceil(x: &NDArray) -> NDArray {
    x.ceil()
}

/// `sigmoid(x)` elementwise, as `nd.sigmoid`.
pub fn sigmoid(x: &NDArray) -> NDArray {
    x.sigmoid()
}

/// `relu(x)` elementwise, as `nd.relu`.
pub fn relu(x: &NDArray) -> NDArray {
    x.relu()
}

/// The sum of every element, shape `(1,)`, as `nd.sum`.
pub fn sum(x: &NDArray) -> NDArray {
    x.sum()
}

/// The mean of every element, shape `(1,)`, as `nd.mean`.
pub fn mean(x: &NDArray) -> NDArray {
    x.mean()
}
