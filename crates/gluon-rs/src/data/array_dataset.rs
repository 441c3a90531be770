//! [`ArrayDataset`]: the items of one or more arrays, as `gluon.data.ArrayDataset`.

use super::batchify::Batchify;
use super::dataset::Dataset;
use crate::nd::NDArray;
use crate::{Error, Result};
use smallvec::SmallVec;

/// A dataset over one or more arrays of equal length, as `gluon.data.ArrayDataset`.
///
/// Item `i` holds row `i` (along the first axis) of each array: one array gives
/// [`NDArray`] items, a pair `(x, y)` gives `(NDArray, NDArray)` items, a triple gives
/// triples, and a `Vec<NDArray>` of any length gives `Vec<NDArray>` items.
///
/// A row of a 1-D array is a 0-d (scalar) array, so a label vector of shape `(N,)` is batched
/// to `(B,)`, as MXNet batches the numpy scalars its `ArrayDataset` makes of a 1-D array. A
/// label of shape `(N, 1)` is batched to `(B, 1)`.
///
/// # Shapes
///
/// - each array: `(N, ...)`, with the same `N`;
/// - item: each array's row, of shape `(...)` (`()` for a 1-D array).
///
/// ```
/// use gluon_rs::data::{ArrayDataset, Dataset};
/// use gluon_rs::nd::NDArray;
///
/// let x = NDArray::from_vec(vec![1.0, 2.0, 3.0, 4.0, 5.0, 6.0], &[3, 2]);
/// let y = NDArray::from_vec(vec![0.0, 1.0, 1.0], &[3]);
/// let dataset = ArrayDataset::new((x, y))?;
///
/// let (row, label) = dataset.get(2);
/// assert_eq!(dataset.len(), 3);
/// assert_eq!(row.to_vec(), vec![5.0, 6.0]);
/// assert_eq!(label.shape(), &[] as &[usize]);
/// # Ok::<(), gluon_rs::Error>(())
/// ```
#[derive(Clone)]
pub struct ArrayDataset<A> {
    arrays: A,
    len: usize,
}

impl<A: Arrays> ArrayDataset<A> {
    /// A dataset over `arrays`: one [`NDArray`], a tuple of two or three, or a `Vec`.
    ///
    /// # Errors
    ///
    /// [`Error::Data`] if the arrays have different lengths (the message lists each length),
    /// if an array is 0-d, or if a `Vec` holds no array.
    pub fn new(arrays: A) -> Result<Self> {
        let shapes = arrays.shapes();
        if shapes.is_empty() {
            return Err(Error::Data(
                "ArrayDataset needs at least one array, got none".to_string(),
            ));
        }
        if let Some(position) = shapes.iter().position(|shape| shape.is_empty()) {
            return Err(Error::Data(format!(
                "ArrayDataset: array {position} is 0-d; every array needs a first axis to \
                 index items by"
            )));
        }

        let lengths: Vec<usize> = shapes.iter().map(|shape| shape[0]).collect();
        if lengths.iter().any(|&length| length != lengths[0]) {
            let listed: Vec<String> = lengths
                .iter()
                .enumerate()
                .map(|(position, length)| format!("array {position} has {length}"))
                .collect();
            return Err(Error::Data(format!(
                "ArrayDataset needs arrays of equal length, but {}",
                listed.join(", ")
            )));
        }

        Ok(ArrayDataset {
            len: lengths[0],
            arrays,
        })
    }

    /// The arrays the dataset reads from.
    pub fn arrays(&self) -> &A {
        &self.arrays
    }
}

impl<A: Arrays> Dataset for ArrayDataset<A> {
    type Item = A::Item;

    fn len(&self) -> usize {
        self.len
    }

    #[track_caller]
    fn get(&self, index: usize) -> A::Item {
        assert!(
            index < self.len,
            "ArrayDataset::get: index {index} is out of range for {} items",
            self.len
        );
        self.arrays.item(index)
    }

    /// Copies the selected rows of each array straight into one batch array, the same batch
    /// as stacking the items, without making an array per item.
    ///
    /// # Panics
    ///
    /// If an index is out of range.
    #[track_caller]
    fn batch(&self, indices: &[usize]) -> <A::Item as Batchify>::Batch
    where
        A::Item: Batchify,
    {
        if let Some(&index) = indices.iter().find(|&&index| index >= self.len) {
            panic!(
                "ArrayDataset::batch: index {index} is out of range for {} items",
                self.len
            );
        }
        self.arrays.batch(indices)
    }
}

/// The array combinations an [`ArrayDataset`] can hold: an [`NDArray`], a pair or triple of
/// them, or a `Vec<NDArray>`.
pub trait Arrays: Send + Sync {
    /// One item: the row of each array, in the same arrangement.
    type Item: Send + 'static;

    /// The shape of each array.
    fn shapes(&self) -> Vec<Vec<usize>>;

    /// Row `index` of each array. The caller has checked the index.
    fn item(&self, index: usize) -> Self::Item;

    /// Rows `indices` of each array, combined by the default [`Batchify`]. The caller has
    /// checked the indices. The provided version batchifies [`item`](Arrays::item)s; the
    /// implementations here copy the rows into one array per field instead.
    fn batch(&self, indices: &[usize]) -> <Self::Item as Batchify>::Batch
    where
        Self::Item: Batchify,
    {
        Batchify::batchify(indices.iter().map(|&index| self.item(index)).collect())
    }
}

/// Row `index` of `array` along the first axis, as a new array outside any recorded graph.
/// A 1-D array gives a 0-d array.
pub(crate) fn row(array: &NDArray, index: usize) -> NDArray {
    let row_shape = &array.shape()[1..];
    let row_size: usize = row_shape.iter().product();
    let data = array.read();
    NDArray::from_vec(
        data[index * row_size..(index + 1) * row_size].to_vec(),
        row_shape,
    )
}

/// Rows `indices` of `array` along the first axis, stacked into a new array of shape
/// `(indices.len(), ...)` outside any recorded graph: the stack of their [`row`]s.
pub(crate) fn gather_rows(array: &NDArray, indices: &[usize]) -> NDArray {
    let row_shape = &array.shape()[1..];
    let row_size: usize = row_shape.iter().product();
    let mut data = crate::nd::buffers::with_capacity(indices.len() * row_size);
    {
        let values = array.read();
        for &index in indices {
            data.extend_from_slice(&values[index * row_size..(index + 1) * row_size]);
        }
    }

    // Up to four axes the batch shape stays on the stack: one allocation fewer per batch.
    let mut shape: SmallVec<[usize; 4]> = SmallVec::with_capacity(row_shape.len() + 1);
    shape.push(indices.len());
    shape.extend_from_slice(row_shape);
    NDArray::from_vec(data, &shape)
}

impl Arrays for NDArray {
    type Item = NDArray;

    fn shapes(&self) -> Vec<Vec<usize>> {
        vec![self.shape().to_vec()]
    }

    fn item(&self, index: usize) -> NDArray {
        row(self, index)
    }

    fn batch(&self, indices: &[usize]) -> NDArray {
        gather_rows(self, indices)
    }
}

impl Arrays for (NDArray, NDArray) {
    type Item = (NDArray, NDArray);

    fn shapes(&self) -> Vec<Vec<usize>> {
        vec![self.0.shape().to_vec(), self.1.shape().to_vec()]
    }

    fn item(&self, index: usize) -> (NDArray, NDArray) {
        (row(&self.0, index), row(&self.1, index))
    }

    fn batch(&self, indices: &[usize]) -> (NDArray, NDArray) {
        (gather_rows(&self.0, indices), gather_rows(&self.1, indices))
    }
}

impl Arrays for (NDArray, NDArray, NDArray) {
    type Item = (NDArray, NDArray, NDArray);

    fn shapes(&self) -> Vec<Vec<usize>> {
        vec![
            self.0.shape().to_vec(),
            self.1.shape().to_vec(),
            self.2.shape().to_vec(),
        ]
    }

    fn item(&self, index: usize) -> (NDArray, NDArray, NDArray) {
        (
            row(&self.0, index),
            row(&self.1, index),
            row(&self.2, index),
        )
    }

    fn batch(&self, indices: &[usize]) -> (NDArray, NDArray, NDArray) {
        (
            gather_rows(&self.0, indices),
            gather_rows(&self.1, indices),
            gather_rows(&self.2, indices),
        )
    }
}

impl Arrays for Vec<NDArray> {
    type Item = Vec<NDArray>;

    fn shapes(&self) -> Vec<Vec<usize>> {
        self.iter().map(|array| array.shape().to_vec()).collect()
    }

    fn item(&self, index: usize) -> Vec<NDArray> {
        self.iter().map(|array| row(array, index)).collect()
    }

    fn batch(&self, indices: &[usize]) -> Vec<NDArray> {
        self.iter()
            .map(|array| gather_rows(array, indices))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn column_label_keeps_its_axis() -> Result<()> {
        let x = NDArray::zeros(&[4, 3]);
        let y = NDArray::arange(0.0, 4.0, 1.0).reshape(&[4, 1]);
        let dataset = ArrayDataset::new((x, y))?;

        let (row, label) = dataset.get(3);

        assert_eq!(row.shape(), &[3]);
        assert_eq!(label.shape(), &[1]);
        assert_eq!(label.to_vec(), vec![3.0]);
        Ok(())
    }

    /// The items at `indices`, stacked by the default batchify: what `batch` must equal.
    fn stacked<A: Arrays>(
        dataset: &ArrayDataset<A>,
        indices: &[usize],
    ) -> <A::Item as Batchify>::Batch
    where
        A::Item: Batchify,
    {
        Batchify::batchify(indices.iter().map(|&index| dataset.get(index)).collect())
    }

    fn parts(array: &NDArray) -> (Vec<usize>, Vec<f32>) {
        (array.shape().to_vec(), array.to_vec())
    }

    #[test]
    fn batch_equals_the_stack_of_its_items_for_every_layout() -> Result<()> {
        let indices = [4, 0, 4, 2];
        let x = NDArray::arange(0.0, 30.0, 1.0).reshape(&[5, 2, 3]);
        let labels = NDArray::arange(10.0, 15.0, 1.0);
        let column = NDArray::arange(20.0, 25.0, 1.0).reshape(&[5, 1]);

        let single = ArrayDataset::new(x.clone())?;
        assert_eq!(
            parts(&single.batch(&indices)),
            parts(&stacked(&single, &indices))
        );

        let pair = ArrayDataset::new((x.clone(), labels.clone()))?;
        let (data, label) = pair.batch(&indices);
        let (want_data, want_label) = stacked(&pair, &indices);
        assert_eq!(parts(&data), parts(&want_data));
        assert_eq!(parts(&label), parts(&want_label));
        assert_eq!(label.shape(), &[4]);

        let triple = ArrayDataset::new((x.clone(), labels.clone(), column.clone()))?;
        let got = triple.batch(&indices);
        let want = stacked(&triple, &indices);
        assert_eq!(parts(&got.0), parts(&want.0));
        assert_eq!(parts(&got.1), parts(&want.1));
        assert_eq!(parts(&got.2), parts(&want.2));
        assert_eq!(got.2.shape(), &[4, 1]);

        let fields = ArrayDataset::new(vec![x, labels, column])?;
        let got: Vec<_> = fields.batch(&indices).iter().map(parts).collect();
        let want: Vec<_> = stacked(&fields, &indices).iter().map(parts).collect();
        assert_eq!(got, want);
        Ok(())
    }

    #[test]
    #[should_panic(expected = "index 5 is out of range for 5 items")]
    fn batch_with_an_index_out_of_range_panics_with_it() {
        let dataset = ArrayDataset::new(NDArray::zeros(&[5, 2])).expect("one array");
        let _ = dataset.batch(&[1, 5]);
    }

    #[test]
    fn unequal_lengths_are_rejected_with_each_length() {
        let x = NDArray::zeros(&[4, 3]);
        let y = NDArray::zeros(&[5]);

        let error = ArrayDataset::new((x, y)).err().map(|e| e.to_string());

        assert_eq!(
            error.as_deref(),
            Some("ArrayDataset needs arrays of equal length, but array 0 has 4, array 1 has 5")
        );
    }

    #[test]
    fn empty_vec_is_rejected() {
        let error = ArrayDataset::new(Vec::<NDArray>::new()).err();

        assert!(matches!(error, Some(Error::Data(_))));
    }

    #[test]
    fn scalar_array_is_rejected() {
        let x = NDArray::from_vec(vec![1.0], &[]);

        let error = ArrayDataset::new(x).err().map(|e| e.to_string());

        assert!(error.is_some_and(|message| message.contains("0-d")));
    }
}
