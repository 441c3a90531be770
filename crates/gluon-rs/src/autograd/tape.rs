//! The recorded graph and the backward pass.
//!
//! Each array produced by a recorded operation holds an [`Node`]: the operation's inputs and
//! its gradient rule. There is no global tape: the graph is reachable only from the arrays
//! that hold it, so it is freed as soon as they are dropped, and `backward` frees the
//! saved inputs eagerly unless asked to retain them. A training loop therefore cannot grow
//! memory, which [`live_nodes`] lets a test confirm.

use crate::autograd::scope::set_recording;
use crate::error::{Error, Result};
use crate::nd::NDArray;
use smallvec::SmallVec;
use std::collections::{HashMap, HashSet};
use std::hash::{BuildHasherDefault, Hasher};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;

/// How `backward` writes a variable's gradient buffer, as MXNet's `grad_req`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum GradReq {
    /// Each backward overwrites the buffer.
    Write,
    /// Each backward adds to the buffer; the caller clears it.
    Add,
    /// No gradient is computed.
    Null,
}

impl GradReq {
    /// Parses MXNet's names `"write"`, `"add"` and `"null"`.
    ///
    /// # Errors
    ///
    /// [`Error::Config`] for any other name.
    pub fn parse(name: &str) -> Result<GradReq> {
        match name {
            "write" => Ok(GradReq::Write),
            "add" => Ok(GradReq::Add),
            "null" => Ok(GradReq::Null),
            other => Err(Error::config(
                "grad_req",
                format!("'{other}' is not one of write, add, null"),
            )),
        }
    }
}

/// A variable's gradient buffer and bookkeeping.
pub(crate) struct GradSlot {
    pub(crate) req: GradReq,
    pub(crate) buffer: NDArray,
    /// Written by a backward pass since the optimizer last consumed it.
    pub(crate) fresh: bool,
    /// The length of axis 0 of the head that the last backward started from.
    pub(crate) batch_size: Option<usize>,
}

impl GradSlot {
    pub(crate) fn new(buffer: NDArray, req: GradReq) -> GradSlot {
        GradSlot {
            req,
            buffer,
            fresh: false,
            batch_size: None,
        }
    }
}

/// What a gradient rule is given: the op's inputs, its output and the output's gradient.
pub(crate) struct Backward<'a> {
    pub(crate) inputs: &'a [NDArray],
    pub(crate) output: &'a NDArray,
    pub(crate) grad: &'a NDArray,
}

impl Backward<'_> {
    pub(crate) fn input(&self, index: usize) -> &NDArray {
        &self.inputs[index]
    }

    /// Whether backward will use the gradient of input `index`: a rule may return `None`
    /// for the others (a data batch or a label) instead of computing it.
    pub(crate) fn needs_grad(&self, index: usize) -> bool {
        self.inputs[index].requires_grad()
    }
}

/// A gradient rule: the gradient of each input (None where it gets none).
pub(crate) trait GradFn: Fn(&Backward) -> Grads + Send + Sync + 'static {}

impl<T> GradFn for T where T: Fn(&Backward) -> Grads + Send + Sync + 'static {}

static LIVE_NODES: AtomicUsize = AtomicUsize::new(0);

/// The number of recorded graph nodes alive in the process, for leak tests.
pub fn live_nodes() -> usize {
    LIVE_NODES.load(Ordering::Relaxed)
}

/// The inputs an operation saved for its gradient rule, inline for up to three.
pub(crate) type Inputs = SmallVec<[NDArray; 3]>;

/// What a gradient rule returns: one entry per input, `None` where the input needs no
/// gradient; inline for up to three inputs.
pub(crate) type Grads = SmallVec<[Option<NDArray>; 3]>;

/// One recorded operation: its saved inputs and its gradient rule, in a single allocation
/// (the rule is stored inline, not boxed; `Node` without a parameter is the type-erased
/// form every array holds).
pub(crate) struct Node<R: ?Sized + GradFn = dyn GradFn> {
    /// `None` once a backward pass has freed the graph.
    inputs: Mutex<Option<Inputs>>,
    rule: R,
}

impl<R: GradFn> Node<R> {
    pub(crate) fn new(inputs: Inputs, rule: R) -> Node<R> {
        LIVE_NODES.fetch_add(1, Ordering::Relaxed);
        Node {
            inputs: Mutex::new(Some(inputs)),
            rule,
        }
    }
}

impl<R: ?Sized + GradFn> Node<R> {
    fn lock(&self) -> std::sync::MutexGuard<'_, Option<Inputs>> {
        self.inputs
            .lock()
            .unwrap_or_else(|poison| poison.into_inner())
    }
}

impl<R: ?Sized + GradFn> Drop for Node<R> {
    fn drop(&mut self) {
        LIVE_NODES.fetch_sub(1, Ordering::Relaxed);
    }
}

/// A hasher for the pointer keys of the backward pass. The default SipHash guards against
/// chosen keys, which addresses are not; for the seed program's small graphs it cost more
/// than the gradient rules themselves.
#[derive(Default)]
struct AddressHasher(u64);

impl Hasher for AddressHasher {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        for &byte in bytes {
            self.0 = (self.0 ^ u64::from(byte)).wrapping_mul(0x0000_0100_0000_01b3);
        }
    }

    fn write_usize(&mut self, address: usize) {
        // Fibonacci hashing: the multiply spreads the aligned low bits over the high bits,
        // which hashbrown reads.
        self.0 = (address as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15);
    }
}

type AddressMap<V> = HashMap<usize, V, BuildHasherDefault<AddressHasher>>;
type AddressSet = HashSet<usize, BuildHasherDefault<AddressHasher>>;

fn key(array: &NDArray) -> usize {
    std::sync::Arc::as_ptr(&array.cell) as usize
}

const NOT_RECORDED: &str = "the array is not part of a recorded graph: compute it inside \
    autograd::record, from an array with attach_grad, before calling backward";
const FREED: &str = "the graph was already freed by an earlier backward; pass \
    retain_graph = true to the first backward to differentiate twice";

/// The working memory of one backward pass, kept per thread between passes (emptied) so that
/// a training step's backward allocates only the gradients themselves.
#[derive(Default)]
struct Scratch {
    /// The recorded arrays in topological order.
    order: Vec<NDArray>,
    /// The depth-first search's stack; the flag marks the second visit (children done).
    stack: Vec<(NDArray, bool)>,
    visited: AddressSet,
    /// Gradients flowing to recorded arrays not yet processed, with the array.
    pending: AddressMap<(NDArray, NDArray)>,
    /// Gradients of the variables, with the variable.
    leaves: AddressMap<(NDArray, NDArray)>,
}

/// Graphs above this many recorded arrays do not leave their (large) scratch behind.
const MAX_KEPT_NODES: usize = 4096;

thread_local! {
    static SCRATCH: std::cell::RefCell<Option<Scratch>> = const { std::cell::RefCell::new(None) };
}

impl Scratch {
    /// This thread's scratch, or a new one (also while a backward runs inside a rule).
    fn take() -> Scratch {
        SCRATCH.with_borrow_mut(Option::take).unwrap_or_default()
    }

    /// Empties every collection, dropping the arrays, and keeps the capacity for the next
    /// pass on this thread.
    fn give_back(mut self) {
        self.order.clear();
        self.stack.clear();
        self.visited.clear();
        self.pending.clear();
        self.leaves.clear();
        if self.order.capacity() <= MAX_KEPT_NODES {
            SCRATCH.with_borrow_mut(|kept| *kept = Some(self));
        }
    }
}

/// Puts the arrays computed by recorded ops that the heads depend on into `order`, so that
/// every array comes after all arrays it was computed from.
fn topological_order(
    heads: &[&NDArray],
    order: &mut Vec<NDArray>,
    stack: &mut Vec<(NDArray, bool)>,
    visited: &mut AddressSet,
) -> Result<()> {
    stack.extend(heads.iter().map(|&h| (h.clone(), false)));
    while let Some((array, children_done)) = stack.pop() {
        if children_done {
            order.push(array);
            continue;
        }
        if !visited.insert(key(&array)) {
            continue;
        }
        stack.push((array.clone(), true));
        let node = array
            .cell
            .node
            .as_ref()
            .expect("only recorded arrays are pushed");
        let inputs = node.lock();
        let inputs = inputs
            .as_ref()
            .ok_or_else(|| Error::Autograd(FREED.into()))?;
        for input in inputs {
            if input.cell.node.is_some() && !input.is_variable() && !visited.contains(&key(input)) {
                stack.push((input.clone(), false));
            }
        }
    }
    Ok(())
}

fn accumulate(map: &mut AddressMap<(NDArray, NDArray)>, target: &NDArray, grad: NDArray) {
    match map.get_mut(&key(target)) {
        Some((_, total)) => *total = &*total + &grad,
        None => {
            map.insert(key(target), (target.clone(), grad));
        }
    }
}

/// Computes the gradients of `heads` with respect to every variable they depend on, as
/// `autograd.backward`. `head_grads` defaults to ones of each head's shape.
///
/// # Errors
///
/// [`Error::Autograd`] when a head was not recorded, when the graph was freed by an earlier
/// backward, or when a head gradient's shape differs from its head's.
pub fn backward(
    heads: &[&NDArray],
    head_grads: Option<&[NDArray]>,
    retain_graph: bool,
) -> Result<()> {
    for (index, head) in heads.iter().enumerate() {
        if head.cell.node.is_none() {
            return Err(Error::Autograd(NOT_RECORDED.into()));
        }
        if let Some(grad) = head_grads.and_then(|grads| grads.get(index)) {
            if grad.shape() != head.shape() {
                return Err(Error::Autograd(format!(
                    "head gradient of shape {:?} does not match the head's shape {:?}",
                    grad.shape(),
                    head.shape()
                )));
            }
        }
    }
    let mut scratch = Scratch::take();
    let result = differentiate(heads, head_grads, retain_graph, &mut scratch);
    scratch.give_back();
    result
}

/// Orders the graph, runs the rules and writes each variable's gradient.
fn differentiate(
    heads: &[&NDArray],
    head_grads: Option<&[NDArray]>,
    retain_graph: bool,
    scratch: &mut Scratch,
) -> Result<()> {
    let Scratch {
        order,
        stack,
        visited,
        pending,
        leaves,
    } = scratch;
    topological_order(heads, order, stack, visited)?;

    let previous = set_recording(false);
    let result = run_rules(heads, head_grads, order, retain_graph, pending, leaves);
    set_recording(previous);
    result?;

    let batch_size = heads[0].shape().first().copied().unwrap_or(1);
    for (_, (leaf, grad)) in leaves.drain() {
        let mut slot = leaf.grad_slot();
        let slot = slot.as_mut().expect("a variable has a gradient slot");
        match slot.req {
            GradReq::Write => slot.buffer.assign(&grad),
            GradReq::Add => {
                let total = &slot.buffer + &grad;
                slot.buffer.assign(&total);
            }
            GradReq::Null => continue,
        }
        slot.fresh = true;
        slot.batch_size = Some(batch_size);
    }
    Ok(())
}

/// Runs every rule in reverse topological order, putting each variable's gradient into
/// `leaves`.
fn run_rules(
    heads: &[&NDArray],
    head_grads: Option<&[NDArray]>,
    order: &[NDArray],
    retain_graph: bool,
    pending: &mut AddressMap<(NDArray, NDArray)>,
    leaves: &mut AddressMap<(NDArray, NDArray)>,
) -> Result<()> {
    for (index, &head) in heads.iter().enumerate() {
        let grad = match head_grads.and_then(|grads| grads.get(index)) {
            Some(grad) => grad.clone(),
            None => head.full_like(1.0),
        };
        accumulate(pending, head, grad);
    }

    for array in order.iter().rev() {
        let Some((_, grad)) = pending.remove(&key(array)) else {
            continue;
        };
        let node = array
            .cell
            .node
            .as_ref()
            .expect("ordered arrays are recorded");
        let mut saved = node.lock();
        let inputs = saved
            .as_ref()
            .ok_or_else(|| Error::Autograd(FREED.into()))?;
        let input_grads = (node.rule)(&Backward {
            inputs,
            output: array,
            grad: &grad,
        });
        for (input, input_grad) in inputs.iter().zip(input_grads) {
            let Some(input_grad) = input_grad else {
                continue;
            };
            debug_assert_eq!(input_grad.shape(), input.shape(), "gradient shape");
            if input.is_variable() {
                accumulate(leaves, input, input_grad);
            } else if input.cell.node.is_some() {
                accumulate(pending, input, input_grad);
            }
        }
        if !retain_graph {
            *saved = None;
        }
    }
    Ok(())
}

impl NDArray {
    /// Computes the gradient of this array (with a head gradient of ones) with respect to
    /// every variable it was computed from, and frees the graph.
    ///
    /// For a loss of shape `(batch,)` the variables receive the sum over the batch;
    /// [`Trainer::step`](crate::Trainer::step) divides by the batch size.
    ///
    /// # Errors
    ///
    /// [`Error::Autograd`] when the array was not recorded or its graph was already freed.
    pub fn backward(&self) -> Result<()> {
        backward(&[self], None, false)
    }

    /// [`NDArray::backward`] with an explicit head gradient and the choice to keep the
    /// graph for a second backward.
    ///
    /// # Errors
    ///
    /// As [`NDArray::backward`], and when `head_grad`'s shape differs from this array's.
    pub fn backward_with(&self, head_grad: Option<&NDArray>, retain_graph: bool) -> Result<()> {
        match head_grad {
            Some(grad) => backward(&[self], Some(std::slice::from_ref(grad)), retain_graph),
            None => backward(&[self], None, retain_graph),
        }
    }

    /// The length of axis 0 of the array the last backward into this variable started
    /// from: the number of samples its gradient sums over.
    pub fn grad_batch_size(&self) -> Option<usize> {
        self.grad_slot().as_ref().and_then(|slot| slot.batch_size)
    }

    /// Whether a backward pass wrote this variable's gradient since [`NDArray::mark_grad_used`].
    pub fn grad_is_fresh(&self) -> bool {
        self.grad_slot().as_ref().is_some_and(|slot| slot.fresh)
    }

    /// The gradient buffer and the batch size behind it, read under one lock, when a
    /// backward pass wrote it since it was last marked used.
    pub(crate) fn fresh_grad(&self) -> Option<(NDArray, Option<usize>)> {
        let slot = self.grad_slot();
        let slot = slot.as_ref().filter(|slot| slot.fresh)?;
        Some((slot.buffer.clone(), slot.batch_size))
    }

    /// Marks the gradient as consumed, so the next update can tell it is stale.
    pub fn mark_grad_used(&self) {
        if let Some(slot) = self.grad_slot().as_mut() {
            slot.fresh = false;
        }
    }
}
