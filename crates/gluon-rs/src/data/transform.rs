//! Lazy transformed datasets, as `Dataset.transform` and `Dataset.transform_first`.

use super::dataset::Dataset;
use crate::nd::NDArray;

/// A dataset whose items pass through a function when read. Made by
/// [`Dataset::transform`].
#[derive(Debug, Clone)]
pub struct Transformed<D, F> {
    dataset: D,
    transform: F,
}

impl<D, F> Transformed<D, F> {
    pub(crate) fn new(dataset: D, transform: F) -> Self {
        Transformed { dataset, transform }
    }
}

impl<D, F, T> Dataset for Transformed<D, F>
where
    D: Dataset,
    F: Fn(D::Item) -> T + Send + Sync,
    T: Send + 'static,
{
    type Item = T;

    fn len(&self) -> usize {
        self.dataset.len()
    }

    fn get(&self, index: usize) -> T {
        (self.transform)(self.dataset.get(index))
    }
}

/// A dataset whose items have their first field passed through a function when read. Made by
/// [`Dataset::transform_first`].
#[derive(Debug, Clone)]
pub struct TransformFirst<D, F> {
    dataset: D,
    transform: F,
}

impl<D, F> TransformFirst<D, F> {
    pub(crate) fn new(dataset: D, transform: F) -> Self {
        TransformFirst { dataset, transform }
    }
}

impl<D, F> Dataset for TransformFirst<D, F>
where
    D: Dataset,
    D::Item: ReplaceFirst<F>,
    F: Send + Sync,
    <D::Item as ReplaceFirst<F>>::Output: Send + 'static,
{
    type Item = <D::Item as ReplaceFirst<F>>::Output;

    fn len(&self) -> usize {
        self.dataset.len()
    }

    fn get(&self, index: usize) -> Self::Item {
        self.dataset.get(index).replace_first(&self.transform)
    }
}

/// Items whose first field can be replaced by a function of it: tuples (the first element),
/// a `Vec<NDArray>` (the first array) and a single [`NDArray`] (the whole item).
pub trait ReplaceFirst<F> {
    /// The item after the replacement.
    type Output;

    /// The item with its first field replaced by `transform(first)`.
    fn replace_first(self, transform: &F) -> Self::Output;
}

impl<F, C> ReplaceFirst<F> for NDArray
where
    F: Fn(NDArray) -> C,
{
    type Output = C;

    fn replace_first(self, transform: &F) -> C {
        transform(self)
    }
}

impl<F> ReplaceFirst<F> for Vec<NDArray>
where
    F: Fn(NDArray) -> NDArray,
{
    type Output = Vec<NDArray>;

    fn replace_first(mut self, transform: &F) -> Vec<NDArray> {
        if !self.is_empty() {
            let first = self.remove(0);
            self.insert(0, transform(first));
        }
        self
    }
}

impl<F, A, B, C> ReplaceFirst<F> for (A, B)
where
    F: Fn(A) -> C,
{
    type Output = (C, B);

    fn replace_first(self, transform: &F) -> (C, B) {
        (transform(self.0), self.1)
    }
}

impl<F, A, B, D, C> ReplaceFirst<F> for (A, B, D)
where
    F: Fn(A) -> C,
{
    type Output = (C, B, D);

    fn replace_first(self, transform: &F) -> (C, B, D) {
        (transform(self.0), self.1, self.2)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data::SimpleDataset;

    #[test]
    fn transform_first_keeps_other_fields() {
        let dataset = SimpleDataset::new(vec![(1, "a", 2.0f32)]);

        let changed = dataset.transform_first(|x: i32| x + 1);

        assert_eq!(changed.get(0), (2, "a", 2.0));
    }

    #[test]
    fn transform_first_on_vec_changes_only_the_first_array() {
        let items = vec![vec![NDArray::scalar(1.0), NDArray::scalar(5.0)]];
        let dataset = SimpleDataset::new(items);

        let changed = dataset.transform_first(|x: NDArray| &x + 1.0);

        let item = changed.get(0);
        assert_eq!(item[0].to_vec(), vec![2.0]);
        assert_eq!(item[1].to_vec(), vec![5.0]);
    }
}
