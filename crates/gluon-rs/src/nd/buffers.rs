//! A per-thread cache of freed array buffers.
//!
//! Every op allocates its result, and a small model's training step makes and frees dozens
//! of arrays of a few dozen floats: at that size the allocator's `malloc` and `free` cost
//! more than the arithmetic. When an array is dropped its buffer goes back to the cache of
//! the dropping thread, filed by capacity class (a power of two), and the next result of
//! that class on the thread takes it instead of allocating.
//!
//! The cache is bounded: only buffers of 16 to 2^16 floats are kept, at most
//! [`KEPT_FLOATS`] floats per class, so an idle thread holds a few MiB at the very most.

use std::cell::RefCell;

/// The smallest class kept: 2^4 = 16 floats.
const SMALLEST: u32 = 4;
/// The largest class kept: 2^16 floats (256 KiB).
const LARGEST: u32 = 16;
const CLASSES: usize = (LARGEST - SMALLEST + 1) as usize;
/// The most floats kept per class (512 KiB), and never more than 64 buffers.
const KEPT_FLOATS: usize = 1 << 17;
const KEPT_BUFFERS: usize = 64;

thread_local! {
    static CACHE: RefCell<[Vec<Vec<f32>>; CLASSES]> =
        const { RefCell::new([const { Vec::new() }; CLASSES]) };
}

/// The class of a request for `len` floats, if such buffers are kept.
fn class_for(len: usize) -> Option<u32> {
    let class = len
        .max(1)
        .next_power_of_two()
        .trailing_zeros()
        .max(SMALLEST);
    (class <= LARGEST).then_some(class)
}

/// How many buffers of `class` the cache keeps.
fn kept(class: u32) -> usize {
    (KEPT_FLOATS >> class).min(KEPT_BUFFERS)
}

/// An empty vector with room for `len` floats, from the cache when it has one.
pub(crate) fn with_capacity(len: usize) -> Vec<f32> {
    let Some(class) = class_for(len) else {
        return Vec::with_capacity(len);
    };
    let cached = CACHE
        .try_with(|cache| cache.borrow_mut()[(class - SMALLEST) as usize].pop())
        .ok()
        .flatten();
    cached.unwrap_or_else(|| Vec::with_capacity(1 << class))
}

/// `len` zeros, in a buffer from the cache when it has one.
pub(crate) fn zeros(len: usize) -> Vec<f32> {
    let mut buffer = with_capacity(len);
    buffer.resize(len, 0.0);
    buffer
}

/// `values` (exactly `len` of them) in a buffer from the cache when it has one.
pub(crate) fn collect(len: usize, values: impl Iterator<Item = f32>) -> Vec<f32> {
    let mut buffer = with_capacity(len);
    buffer.extend(values);
    debug_assert_eq!(buffer.len(), len, "buffers::collect: wrong length");
    buffer
}

/// Files a buffer that is no longer used, or frees it when its capacity is not a kept class
/// or its class is full.
pub(crate) fn recycle(mut buffer: Vec<f32>) {
    let capacity = buffer.capacity();
    if !capacity.is_power_of_two() {
        return;
    }
    let class = capacity.trailing_zeros();
    if !(SMALLEST..=LARGEST).contains(&class) {
        return;
    }
    buffer.clear();
    // During thread exit the cache may be gone; the buffer is then simply freed.
    let _ = CACHE.try_with(|cache| {
        let shelf = &mut cache.borrow_mut()[(class - SMALLEST) as usize];
        if shelf.len() < kept(class) {
            shelf.push(buffer);
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_recycled_buffer_is_handed_out_again_for_its_class() {
        let buffer = with_capacity(10);
        let address = buffer.as_ptr();
        assert_eq!(buffer.capacity(), 16);

        recycle(buffer);
        let again = zeros(12);

        assert_eq!(again.as_ptr(), address);
        assert_eq!(again, vec![0.0; 12]);
    }

    #[test]
    fn odd_capacities_and_huge_buffers_are_not_kept() {
        assert_eq!(class_for(1), Some(SMALLEST));
        assert_eq!(class_for(17), Some(5));
        assert_eq!(class_for((1 << LARGEST) + 1), None);
        assert_eq!(
            with_capacity((1 << LARGEST) + 1).capacity(),
            (1 << LARGEST) + 1
        );

        let shelves = || CACHE.with_borrow(|cache| cache.iter().map(Vec::len).collect::<Vec<_>>());
        let before = shelves();
        recycle(Vec::with_capacity(24));
        recycle(Vec::with_capacity(1 << (LARGEST + 1)));
        assert_eq!(shelves(), before);
    }

    #[test]
    fn each_class_keeps_a_bounded_number_of_buffers() {
        let many: Vec<Vec<f32>> = (0..200).map(|_| with_capacity(16)).collect();
        for buffer in many {
            recycle(buffer);
        }

        let kept_now = CACHE.with_borrow(|cache| cache[0].len());

        assert_eq!(kept_now, KEPT_BUFFERS);
        assert_eq!(kept(LARGEST), 2);
    }
}
