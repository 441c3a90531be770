//! The [`NDArray`] type: storage, creation and access.

use crate::autograd::tape::{GradFn, GradReq, GradSlot, Node};
use crate::autograd::{self};
use crate::context::{cpu, Context};
use smallvec::SmallVec;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, RwLock, RwLockReadGuard, RwLockWriteGuard};

/// A shape: the length of each axis. Four axes are stored inline.
pub(crate) type Shape = SmallVec<[usize; 4]>;

/// An n-dimensional array of `f32`, row-major, on `cpu(0)`: MXNet's `mx.nd.NDArray`.
///
/// An `NDArray` is a cheap handle: `clone` shares the same storage, as assigning an
/// NDArray to a second Python name does. Operations return new arrays. Inside
/// [`autograd::record`](crate::autograd::record) every operation on an array that needs a
/// gradient is recorded, so [`NDArray::backward`] can compute gradients later.
///
/// ```
/// use gluon_rs::nd::NDArray;
///
/// let x = NDArray::from_vec(vec![1.0, 2.0, 3.0, 4.0], &[2, 2]);
/// let y = &x * 2.0 + 1.0;
/// assert_eq!(y.to_vec(), vec![3.0, 5.0, 7.0, 9.0]);
/// assert_eq!(y.shape(), &[2, 2]);
/// ```
#[derive(Clone)]
pub struct NDArray {
    pub(crate) cell: Arc<Cell>,
}

pub(crate) struct Cell {
    pub(crate) shape: Shape,
    data: RwLock<Vec<f32>>,
    /// The recorded operation that produced this array, if any.
    pub(crate) node: Option<Arc<Node>>,
    /// Set by `attach_grad`: the gradient buffer and how backward writes it.
    grad: Mutex<Option<GradSlot>>,
    /// A lock-free copy of "has a gradient buffer with a request other than null", read by
    /// every recorded op.
    is_variable: AtomicBool,
}

impl Drop for Cell {
    /// Hands the buffer to this thread's cache, for the next array of its size.
    fn drop(&mut self) {
        let data = self
            .data
            .get_mut()
            .unwrap_or_else(|poison| poison.into_inner());
        super::buffers::recycle(std::mem::take(data));
    }
}

impl NDArray {
    // --- creation ---

    /// An array holding `data` with the given shape.
    ///
    /// # Panics
    ///
    /// If `data.len()` differs from the product of `shape`.
    #[track_caller]
    pub fn from_vec(data: Vec<f32>, shape: &[usize]) -> NDArray {
        let size: usize = shape.iter().product();
        assert_eq!(
            data.len(),
            size,
            "NDArray::from_vec: {} values cannot fill shape {:?}",
            data.len(),
            shape
        );
        NDArray::from_parts(data, Shape::from_slice(shape), None)
    }

    /// An array copied from a slice, as `nd.array`.
    ///
    /// # Panics
    ///
    /// If `data.len()` differs from the product of `shape`.
    #[track_caller]
    pub fn from_slice(data: &[f32], shape: &[usize]) -> NDArray {
        NDArray::from_vec(data.to_vec(), shape)
    }

    /// A one-element array of shape `(1,)`.
    pub fn scalar(value: f32) -> NDArray {
        NDArray::from_vec(vec![value], &[1])
    }

    /// An array of zeros.
    pub fn zeros(shape: &[usize]) -> NDArray {
        NDArray::full(shape, 0.0)
    }

    /// An array of ones.
    pub fn ones(shape: &[usize]) -> NDArray {
        NDArray::full(shape, 1.0)
    }

    /// An array with every element equal to `value`.
    pub fn full(shape: &[usize], value: f32) -> NDArray {
        let size = shape.iter().product();
        NDArray::from_vec(
            super::buffers::collect(size, std::iter::repeat_n(value, size)),
            shape,
        )
    }

    /// Evenly spaced values in `[start, stop)`, as `nd.arange`.
    ///
    /// ```
    /// use gluon_rs::nd::NDArray;
    ///
    /// assert_eq!(NDArray::arange(1.0, 2.0, 0.25).to_vec(), vec![1.0, 1.25, 1.5, 1.75]);
    /// ```
    ///
    /// # Panics
    ///
    /// If `step` is zero or not finite.
    #[track_caller]
    pub fn arange(start: f32, stop: f32, step: f32) -> NDArray {
        assert!(
            step != 0.0 && step.is_finite(),
            "NDArray::arange: step must be finite and non-zero, got {step}"
        );
        let count = ((stop - start) / step).ceil().max(0.0) as usize;
        let data: Vec<f32> = (0..count).map(|i| start + i as f32 * step).collect();
        let len = data.len();
        NDArray::from_vec(data, &[len])
    }

    /// An array with the same shape as `self`, filled with `value`.
    pub fn full_like(&self, value: f32) -> NDArray {
        NDArray::full(self.shape(), value)
    }

    pub(crate) fn from_parts(data: Vec<f32>, shape: Shape, node: Option<Arc<Node>>) -> NDArray {
        NDArray {
            cell: Arc::new(Cell {
                shape,
                data: RwLock::new(data),
                node,
                grad: Mutex::new(None),
                is_variable: AtomicBool::new(false),
            }),
        }
    }

    /// Wraps the result of an operation, recording it for backward when autograd is
    /// recording and an input needs a gradient. `rule` computes the inputs' gradients from
    /// the output's gradient; it must not capture the output array itself (that would be a
    /// reference cycle), which is why the output is handed to it instead.
    pub(crate) fn from_op(
        data: Vec<f32>,
        shape: Shape,
        inputs: &[&NDArray],
        rule: impl GradFn,
    ) -> NDArray {
        let node = if autograd::is_recording() && inputs.iter().any(|x| x.requires_grad()) {
            let inputs = inputs.iter().map(|&x| x.clone()).collect();
            let node: Arc<Node> = Arc::new(Node::new(inputs, rule));
            Some(node)
        } else {
            None
        };
        NDArray::from_parts(data, shape, node)
    }

    // --- access ---

    /// The length of each axis.
    pub fn shape(&self) -> &[usize] {
        &self.cell.shape
    }

    /// The number of axes.
    pub fn ndim(&self) -> usize {
        self.cell.shape.len()
    }

    /// The number of elements.
    pub fn size(&self) -> usize {
        self.cell.shape.iter().product()
    }

    /// Where the array lives: always `cpu(0)` in this build.
    pub fn context(&self) -> Context {
        cpu()
    }

    /// A copy of the elements in row-major order.
    pub fn to_vec(&self) -> Vec<f32> {
        self.read().to_vec()
    }

    /// Read access to the elements in row-major order.
    pub fn read(&self) -> RwLockReadGuard<'_, Vec<f32>> {
        // Writers never panic while holding the lock, so poisoning cannot mean torn data.
        self.cell
            .data
            .read()
            .unwrap_or_else(|poison| poison.into_inner())
    }

    /// Write access to the elements, for in-place updates (optimizers, `set_data`).
    ///
    /// Changing an array that a recorded graph still needs changes the gradients that graph
    /// computes, as in MXNet.
    pub fn write(&self) -> RwLockWriteGuard<'_, Vec<f32>> {
        self.cell
            .data
            .write()
            .unwrap_or_else(|poison| poison.into_inner())
    }

    /// The single value of a one-element array, as `asscalar`.
    ///
    /// # Panics
    ///
    /// If the array holds more or fewer than one element; the message gives the shape.
    #[track_caller]
    pub fn asscalar(&self) -> f32 {
        let data = self.read();
        assert!(
            data.len() == 1,
            "asscalar: the array of shape {:?} is not a scalar (it has {} elements)",
            self.shape(),
            data.len()
        );
        data[0]
    }

    /// A new array with a copy of the data, outside any recorded graph.
    pub fn copy(&self) -> NDArray {
        NDArray::from_parts(self.to_vec(), self.cell.shape.clone(), None)
    }

    /// A copy that autograd treats as a constant, as `detach`.
    ///
    /// # Limitations
    ///
    /// MXNet's `detach` shares memory with the source; this one copies it.
    pub fn detach(&self) -> NDArray {
        self.copy()
    }

    /// Overwrites every element with `values` (same element count), in place.
    ///
    /// # Panics
    ///
    /// If the element counts differ.
    #[track_caller]
    pub fn assign(&self, values: &NDArray) {
        if Arc::ptr_eq(&self.cell, &values.cell) {
            return;
        }
        let source = values.read();
        let mut target = self.write();
        assert_eq!(
            source.len(),
            target.len(),
            "assign: cannot write shape {:?} into shape {:?}",
            values.shape(),
            self.shape()
        );
        target.copy_from_slice(&source);
    }

    /// Sets every element to `value`, in place.
    pub fn fill(&self, value: f32) {
        self.write().fill(value);
    }

    /// Whether two handles share the same storage.
    pub fn same_storage(&self, other: &NDArray) -> bool {
        Arc::ptr_eq(&self.cell, &other.cell)
    }

    // --- autograd hooks ---

    /// Whether an operation on this array is recorded: it is a variable, or it was
    /// computed from one while recording.
    pub(crate) fn requires_grad(&self) -> bool {
        self.cell.node.is_some() || self.cell.is_variable.load(Ordering::Relaxed)
    }

    pub(crate) fn is_variable(&self) -> bool {
        self.cell.is_variable.load(Ordering::Relaxed)
    }

    pub(crate) fn grad_slot(&self) -> MutexGuard<'_, Option<GradSlot>> {
        self.cell
            .grad
            .lock()
            .unwrap_or_else(|poison| poison.into_inner())
    }

    /// Allocates a zero gradient buffer and marks the array as a variable whose gradient
    /// `backward` writes (grad_req `write`).
    pub fn attach_grad(&self) {
        self.attach_grad_with(GradReq::Write);
    }

    /// Allocates a zero gradient buffer with the given request (`write`, `add` or `null`).
    pub fn attach_grad_with(&self, req: GradReq) {
        let buffer = NDArray::zeros(self.shape());
        *self.grad_slot() = Some(GradSlot::new(buffer, req));
        self.cell
            .is_variable
            .store(req != GradReq::Null, Ordering::Relaxed);
    }

    /// Changes the gradient request of a variable, keeping its buffer.
    pub fn set_grad_req(&self, req: GradReq) {
        let mut slot = self.grad_slot();
        match slot.as_mut() {
            Some(existing) => existing.req = req,
            None => *slot = Some(GradSlot::new(NDArray::zeros(self.shape()), req)),
        }
        self.cell
            .is_variable
            .store(req != GradReq::Null, Ordering::Relaxed);
    }

    /// The gradient buffer attached by [`NDArray::attach_grad`], if any. It shares storage
    /// with the buffer `backward` writes.
    pub fn grad(&self) -> Option<NDArray> {
        self.grad_slot().as_ref().map(|slot| slot.buffer.clone())
    }

    /// The gradient request, if a buffer is attached.
    pub fn grad_req(&self) -> Option<GradReq> {
        self.grad_slot().as_ref().map(|slot| slot.req)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn arange_counts_like_numpy() {
        assert_eq!(NDArray::arange(0.0, 5.0, 1.0).shape(), &[5]);
        assert_eq!(NDArray::arange(0.0, 1.0, 0.3).size(), 4);
        assert_eq!(NDArray::arange(3.0, 1.0, 1.0).size(), 0);
    }

    #[test]
    #[should_panic(expected = "shape [2, 2]")]
    fn asscalar_names_the_shape() {
        NDArray::zeros(&[2, 2]).asscalar();
    }

    #[test]
    fn clone_shares_storage_and_copy_does_not() {
        let x = NDArray::zeros(&[3]);
        let alias = x.clone();
        let copy = x.copy();

        x.fill(2.0);

        assert_eq!(alias.to_vec(), vec![2.0; 3]);
        assert_eq!(copy.to_vec(), vec![0.0; 3]);
    }
}
