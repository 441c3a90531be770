//! The [`Dataset`] trait and [`SimpleDataset`], as `gluon.data.Dataset` and
//! `gluon.data.SimpleDataset`.

use super::batchify::Batchify;
use super::transform::{ReplaceFirst, TransformFirst, Transformed};

/// A collection of items read by position, as `gluon.data.Dataset`.
///
/// A dataset is shared with the loader's worker threads, so it must be `Send + Sync`, and its
/// items are handed between threads, so they must be `Send`.
pub trait Dataset: Send + Sync {
    /// What one position holds: an [`NDArray`](crate::nd::NDArray), a pair of them, or any
    /// value a batchify function can combine.
    type Item: Send + 'static;

    /// The number of items.
    fn len(&self) -> usize;

    /// The item at `index`.
    ///
    /// # Panics
    ///
    /// Implementations panic if `index >= len()`; the loader never asks for such an index.
    fn get(&self, index: usize) -> Self::Item;

    /// Whether the dataset holds no item.
    fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The items at `indices` combined by the default [`Batchify`]: what a
    /// [`DataLoader`](super::DataLoader) built with
    /// [`build`](super::DataLoaderBuilder::build) yields for that index batch.
    ///
    /// The provided version reads each item with [`get`](Dataset::get) and batchifies them.
    /// A dataset that can copy its rows straight into the batch overrides it with a faster
    /// one giving the same batch, as [`ArrayDataset`](super::ArrayDataset) does; a loader
    /// with a custom batchify function reads item by item instead.
    ///
    /// ```
    /// use gluon_rs::data::{ArrayDataset, Dataset};
    /// use gluon_rs::nd::NDArray;
    ///
    /// let x = NDArray::from_vec(vec![1.0, 2.0, 3.0, 4.0, 5.0, 6.0], &[3, 2]);
    /// let y = NDArray::from_vec(vec![0.0, 1.0, 1.0], &[3]);
    /// let (data, label) = ArrayDataset::new((x, y))?.batch(&[2, 0]);
    /// assert_eq!(data.to_vec(), vec![5.0, 6.0, 1.0, 2.0]);
    /// assert_eq!(label.shape(), &[2]);
    /// # Ok::<(), gluon_rs::Error>(())
    /// ```
    ///
    /// # Panics
    ///
    /// As [`get`](Dataset::get) for an index out of range, and as [`Batchify::batchify`].
    fn batch(&self, indices: &[usize]) -> <Self::Item as Batchify>::Batch
    where
        Self::Item: Batchify,
    {
        Batchify::batchify(indices.iter().map(|&index| self.get(index)).collect())
    }

    /// A lazy dataset whose items are `transform(item)`, as `Dataset.transform(fn)`. The
    /// function runs each time an item is read (on the loader's workers when there are any).
    ///
    /// ```
    /// use gluon_rs::data::{Dataset, SimpleDataset};
    ///
    /// let doubled = SimpleDataset::new(vec![1.0f32, 2.0]).transform(|x| 2.0 * x);
    /// assert_eq!(doubled.get(1), 4.0);
    /// ```
    fn transform<F, T>(self, transform: F) -> Transformed<Self, F>
    where
        Self: Sized,
        F: Fn(Self::Item) -> T + Send + Sync,
        T: Send + 'static,
    {
        Transformed::new(self, transform)
    }

    /// A lazy dataset that applies `transform` to the first field of each item and keeps the
    /// other fields, as `Dataset.transform_first(fn)`: with `(data, label)` items only the
    /// data is transformed. An item that is a single array is transformed whole.
    ///
    /// ```
    /// use gluon_rs::data::{ArrayDataset, Dataset};
    /// use gluon_rs::nd::NDArray;
    ///
    /// let x = NDArray::from_vec(vec![1.0, 2.0, 3.0, 4.0], &[2, 2]);
    /// let y = NDArray::from_vec(vec![0.0, 1.0], &[2]);
    /// let scaled = ArrayDataset::new((x, y))?.transform_first(|row: NDArray| &row * 10.0);
    /// let (row, label) = scaled.get(1);
    /// assert_eq!(row.to_vec(), vec![30.0, 40.0]);
    /// assert_eq!(label.asscalar(), 1.0);
    /// # Ok::<(), gluon_rs::Error>(())
    /// ```
    fn transform_first<F>(self, transform: F) -> TransformFirst<Self, F>
    where
        Self: Sized,
        Self::Item: ReplaceFirst<F>,
    {
        TransformFirst::new(self, transform)
    }

    /// Reads every item once and keeps them in memory, as `transform(fn, lazy=False)` does
    /// after transforming.
    fn materialize(&self) -> SimpleDataset<Self::Item>
    where
        Self::Item: Clone + Sync,
    {
        SimpleDataset::new((0..self.len()).map(|index| self.get(index)).collect())
    }
}

/// A dataset over items held in a `Vec`, as `gluon.data.SimpleDataset`.
///
/// ```
/// use gluon_rs::data::{Dataset, SimpleDataset};
///
/// let dataset = SimpleDataset::new(vec![(1.0f32, 0.0f32), (2.0, 1.0)]);
/// assert_eq!(dataset.len(), 2);
/// assert_eq!(dataset.get(0), (1.0, 0.0));
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct SimpleDataset<T> {
    items: Vec<T>,
}

impl<T> SimpleDataset<T> {
    /// A dataset over `items`, in their order.
    pub fn new(items: Vec<T>) -> Self {
        SimpleDataset { items }
    }

    /// The items.
    pub fn items(&self) -> &[T] {
        &self.items
    }
}

impl<T: Clone + Send + Sync + 'static> Dataset for SimpleDataset<T> {
    type Item = T;

    fn len(&self) -> usize {
        self.items.len()
    }

    #[track_caller]
    fn get(&self, index: usize) -> T {
        match self.items.get(index) {
            Some(item) => item.clone(),
            None => panic!(
                "SimpleDataset::get: index {index} is out of range for {} items",
                self.items.len()
            ),
        }
    }
}

impl<D: Dataset + ?Sized> Dataset for std::sync::Arc<D> {
    type Item = D::Item;

    fn len(&self) -> usize {
        (**self).len()
    }

    fn get(&self, index: usize) -> D::Item {
        (**self).get(index)
    }

    fn batch(&self, indices: &[usize]) -> <D::Item as Batchify>::Batch
    where
        D::Item: Batchify,
    {
        (**self).batch(indices)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn materialize_keeps_transformed_items() {
        let dataset = SimpleDataset::new(vec![1, 2, 3]).transform(|x| x * 10);

        let kept = dataset.materialize();

        assert_eq!(kept.items(), &[10, 20, 30]);
    }

    #[test]
    #[should_panic(expected = "index 3 is out of range for 3 items")]
    fn get_out_of_range_names_index_and_length() {
        let dataset = SimpleDataset::new(vec![1, 2, 3]);

        dataset.get(3);
    }
}
