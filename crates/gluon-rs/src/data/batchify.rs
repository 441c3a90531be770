//! The default batchify function: combining a loader's items into batches.

use crate::nd::NDArray;

/// Items the default batchify function can combine, as MXNet's `default_batchify_fn`.
///
/// - arrays are stacked on a new first axis: `B` items of shape `(...)` give `(B, ...)`;
/// - numbers (`f32`, `f64`, `i32`, `i64`, `usize`) give an `f32` array of shape `(B,)`;
/// - tuples and `Vec`s are batched field by field, giving a tuple or `Vec` of batches.
///
/// # Limitations
///
/// Every batch is `f32`. MXNet keeps the dtype of what it batches, so Python floats give
/// `float64` batches and Python ints `int64`; here `f64` and integer items are converted to
/// `f32` (exact for integers up to 2^24).
pub trait Batchify: Sized {
    /// What a batch of such items becomes.
    type Batch;

    /// Combines `samples` (in loader order) into one batch.
    ///
    /// # Panics
    ///
    /// If arrays in the same field have different shapes, or `Vec` items have different
    /// lengths: items of one dataset are expected to agree.
    fn batchify(samples: Vec<Self>) -> Self::Batch;
}

impl Batchify for NDArray {
    type Batch = NDArray;

    #[track_caller]
    fn batchify(samples: Vec<NDArray>) -> NDArray {
        stack_items(&samples)
    }
}

/// Stacks arrays of one shape on a new first axis, outside any recorded graph.
///
/// # Panics
///
/// If the shapes differ; the message gives the first two that do.
#[track_caller]
pub(crate) fn stack_items(samples: &[NDArray]) -> NDArray {
    let item_shape: Vec<usize> = samples
        .first()
        .map(|first| first.shape().to_vec())
        .unwrap_or_default();
    let mut data = Vec::with_capacity(samples.len() * item_shape.iter().product::<usize>());
    for (position, sample) in samples.iter().enumerate() {
        assert!(
            sample.shape() == item_shape.as_slice(),
            "batchify: item {position} of the batch has shape {:?}, but item 0 has {:?}",
            sample.shape(),
            item_shape
        );
        data.extend_from_slice(&sample.read());
    }

    let mut shape = vec![samples.len()];
    shape.extend_from_slice(&item_shape);
    NDArray::from_vec(data, &shape)
}

macro_rules! batchify_numbers {
    ($($number:ty),*) => {$(
        impl Batchify for $number {
            type Batch = NDArray;

            fn batchify(samples: Vec<$number>) -> NDArray {
                let length = samples.len();
                // The documented conversion to f32: batches are always f32.
                let data = samples.into_iter().map(|value| value as f32).collect();
                NDArray::from_vec(data, &[length])
            }
        }
    )*};
}

batchify_numbers!(f32, f64, i32, i64, usize);

impl<A: Batchify, B: Batchify> Batchify for (A, B) {
    type Batch = (A::Batch, B::Batch);

    fn batchify(samples: Vec<(A, B)>) -> Self::Batch {
        let (first, second): (Vec<A>, Vec<B>) = samples.into_iter().unzip();
        (A::batchify(first), B::batchify(second))
    }
}

impl<A: Batchify, B: Batchify, C: Batchify> Batchify for (A, B, C) {
    type Batch = (A::Batch, B::Batch, C::Batch);

    fn batchify(samples: Vec<(A, B, C)>) -> Self::Batch {
        let mut first = Vec::with_capacity(samples.len());
        let mut second = Vec::with_capacity(samples.len());
        let mut third = Vec::with_capacity(samples.len());
        for (a, b, c) in samples {
            first.push(a);
            second.push(b);
            third.push(c);
        }
        (A::batchify(first), B::batchify(second), C::batchify(third))
    }
}

impl<T: Batchify> Batchify for Vec<T> {
    type Batch = Vec<T::Batch>;

    #[track_caller]
    fn batchify(samples: Vec<Vec<T>>) -> Vec<T::Batch> {
        let width = samples.first().map_or(0, Vec::len);
        let mut fields: Vec<Vec<T>> = (0..width)
            .map(|_| Vec::with_capacity(samples.len()))
            .collect();
        for (position, sample) in samples.into_iter().enumerate() {
            assert!(
                sample.len() == width,
                "batchify: item {position} of the batch has {} fields, but item 0 has {width}",
                sample.len()
            );
            for (field, value) in fields.iter_mut().zip(sample) {
                field.push(value);
            }
        }
        fields.into_iter().map(T::batchify).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scalars_stack_to_a_vector() {
        let samples = vec![
            NDArray::from_vec(vec![1.0], &[]),
            NDArray::from_vec(vec![2.0], &[]),
        ];

        let batch = NDArray::batchify(samples);

        assert_eq!(batch.shape(), &[2]);
        assert_eq!(batch.to_vec(), vec![1.0, 2.0]);
    }

    #[test]
    fn pairs_batch_field_by_field() {
        let samples = vec![
            (NDArray::from_vec(vec![1.0, 2.0], &[2]), 0i64),
            (NDArray::from_vec(vec![3.0, 4.0], &[2]), 1i64),
        ];

        let (data, label) = <(NDArray, i64)>::batchify(samples);

        assert_eq!(data.shape(), &[2, 2]);
        assert_eq!(data.to_vec(), vec![1.0, 2.0, 3.0, 4.0]);
        assert_eq!(label.to_vec(), vec![0.0, 1.0]);
    }

    #[test]
    fn vec_items_batch_each_field() {
        let samples = vec![vec![1.0f32, 10.0, 100.0], vec![2.0, 20.0, 200.0]];

        let batch = Vec::<f32>::batchify(samples);

        assert_eq!(batch.len(), 3);
        assert_eq!(batch[2].to_vec(), vec![100.0, 200.0]);
    }

    #[test]
    #[should_panic(expected = "item 1 of the batch has shape [3], but item 0 has [2]")]
    fn mismatched_shapes_panic_with_both_shapes() {
        let samples = vec![NDArray::zeros(&[2]), NDArray::zeros(&[3])];

        NDArray::batchify(samples);
    }
}
