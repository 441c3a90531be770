//! Shape manipulation: reshape (with MXNet 1.x's special codes), transpose, flatten and
//! expand_dims.

use super::array::{NDArray, Shape};
use super::kernels::{normalize_axis, permute};
use crate::autograd::tape::Backward;
use smallvec::smallvec;

/// Resolves MXNet 1.x reshape codes against `input` (spec section 1.5):
/// `k > 0` literal, `0` copy, `-1` infer, `-2` copy the rest, `-3` merge two, `-4` split one
/// into the next two codes.
fn infer_reshape(input: &[usize], codes: &[isize]) -> Result<Shape, String> {
    let mut out: Vec<isize> = Vec::with_capacity(codes.len());
    let mut source = 0usize;
    let mut inferred: Option<usize> = None;
    let mut i = 0;
    let dim_at = |source: usize| -> Result<isize, String> {
        input
            .get(source)
            .map(|&d| d as isize)
            .ok_or_else(|| format!("code at position {} refers past the input's axes", source))
    };
    while i < codes.len() {
        match codes[i] {
            k if k > 0 => {
                out.push(k);
                source += 1;
            }
            0 => {
                out.push(dim_at(source)?);
                source += 1;
            }
            -1 => {
                if inferred.replace(out.len()).is_some() {
                    return Err("at most one -1 is allowed".into());
                }
                out.push(-1);
                source += 1;
            }
            -2 => {
                out.extend(input.iter().skip(source).map(|&d| d as isize));
                source = input.len();
            }
            -3 => {
                out.push(dim_at(source)? * dim_at(source + 1)?);
                source += 2;
            }
            -4 => {
                let whole = dim_at(source)?;
                let (mut first, mut second) = match (codes.get(i + 1), codes.get(i + 2)) {
                    (Some(&a), Some(&b)) => (a, b),
                    _ => return Err("-4 must be followed by two codes".into()),
                };
                if first == -1 && second > 0 {
                    first = whole / second;
                }
                if second == -1 && first > 0 {
                    second = whole / first;
                }
                if first <= 0 || second <= 0 || first * second != whole {
                    return Err(format!("-4 cannot split {whole} into {first} x {second}"));
                }
                out.extend([first, second]);
                source += 1;
                i += 2;
            }
            other => return Err(format!("{other} is not a valid reshape code")),
        }
        i += 1;
    }
    let total: usize = input.iter().product();
    if let Some(position) = inferred {
        let known: isize = out.iter().filter(|&&d| d != -1).product();
        if known == 0 || total as isize % known != 0 {
            return Err(format!("cannot infer -1 for {total} elements"));
        }
        out[position] = total as isize / known;
    }
    Ok(out.iter().map(|&d| d as usize).collect())
}

impl NDArray {
    /// The same elements in a new shape, with MXNet 1.x's special codes: `0` copies an
    /// input axis, `-1` is inferred, `-2` copies the remaining axes, `-3` merges two axes,
    /// `-4` splits one axis into the next two codes.
    ///
    /// ```
    /// use gluon_rs::nd::NDArray;
    ///
    /// let x = NDArray::zeros(&[2, 3, 4]);
    /// assert_eq!(x.reshape(&[0, -1]).shape(), &[2, 12]);
    /// assert_eq!(x.reshape(&[-3, 4]).shape(), &[6, 4]);
    /// assert_eq!(x.reshape(&[-4, 1, 2, -2]).shape(), &[1, 2, 3, 4]);
    /// ```
    ///
    /// # Panics
    ///
    /// If the codes are invalid or the element count does not fit; the message names the
    /// element count and the target.
    #[track_caller]
    pub fn reshape(&self, codes: &[isize]) -> NDArray {
        let shape = infer_reshape(self.shape(), codes)
            .and_then(|shape| {
                let size: usize = shape.iter().product();
                if size == self.size() {
                    Ok(shape)
                } else {
                    Err(format!(
                        "{} elements do not fit shape {:?}",
                        self.size(),
                        shape
                    ))
                }
            })
            .unwrap_or_else(|problem| {
                panic!(
                    "reshape: cannot reshape an array of shape {:?} with {:?}: {problem}",
                    self.shape(),
                    codes
                )
            });
        self.reshaped(shape)
    }

    /// [`NDArray::reshape`] with the codes applied from the last axis backwards
    /// (`reverse=True`).
    ///
    /// # Panics
    ///
    /// As [`NDArray::reshape`].
    #[track_caller]
    pub fn reshape_reverse(&self, codes: &[isize]) -> NDArray {
        let input: Vec<usize> = self.shape().iter().rev().copied().collect();
        let mut reversed_codes: Vec<isize> = codes.to_vec();
        reversed_codes.reverse();
        let mut shape = infer_reshape(&input, &reversed_codes).unwrap_or_else(|problem| {
            panic!(
                "reshape: cannot reshape shape {:?} with {:?} reversed: {problem}",
                self.shape(),
                codes
            )
        });
        shape.reverse();
        let target: Vec<isize> = shape.iter().map(|&d| d as isize).collect();
        self.reshape(&target)
    }

    /// The same elements with `shape`, whose size must match.
    pub(crate) fn reshaped(&self, shape: Shape) -> NDArray {
        // d reshape(x)/dx: the gradient reshaped back.
        NDArray::from_op(self.to_vec(), shape, &[self], |c: &Backward| {
            let x = c.input(0);
            smallvec![Some(NDArray::from_parts(
                c.grad.to_vec(),
                x.cell.shape.clone(),
                None,
            ))]
        })
    }

    /// Permutes the axes: output axis `k` is input axis `axes[k]`; `None` reverses them.
    ///
    /// # Panics
    ///
    /// If `axes` is not a permutation of the array's axes.
    #[track_caller]
    pub fn transpose(&self, axes: Option<&[usize]>) -> NDArray {
        let axes: Vec<usize> = match axes {
            Some(axes) => axes.to_vec(),
            None => (0..self.ndim()).rev().collect(),
        };
        let mut sorted = axes.clone();
        sorted.sort_unstable();
        assert!(
            sorted == (0..self.ndim()).collect::<Vec<_>>(),
            "transpose: axes {axes:?} are not a permutation for shape {:?}",
            self.shape()
        );
        let (data, shape) = permute(&self.read(), self.shape(), &axes);

        // The gradient goes through the inverse permutation.
        NDArray::from_op(data, shape, &[self], move |c: &Backward| {
            let mut inverse = vec![0; axes.len()];
            for (k, &a) in axes.iter().enumerate() {
                inverse[a] = k;
            }
            let (grad, shape) = permute(&c.grad.read(), c.grad.shape(), &inverse);
            smallvec![Some(NDArray::from_parts(grad, shape, None))]
        })
    }

    /// The matrix transpose of a 2-D array (all axes reversed in general).
    pub fn t(&self) -> NDArray {
        self.transpose(None)
    }

    /// Collapses every axis after the first: `(d0, d1, ..., dk)` becomes `(d0, d1*...*dk)`.
    pub fn flatten(&self) -> NDArray {
        let first = self.shape().first().copied().unwrap_or(1);
        let rest: usize = self.shape().iter().skip(1).product();
        self.reshaped(Shape::from_slice(&[first, rest]))
    }

    /// Inserts an axis of length 1 at `axis` (negative counts from the end of the result).
    ///
    /// # Panics
    ///
    /// If the axis is out of range.
    #[track_caller]
    pub fn expand_dims(&self, axis: isize) -> NDArray {
        let axis = normalize_axis(axis, self.ndim() + 1, "expand_dims");
        let mut shape = self.cell.shape.clone();
        shape.insert(axis, 1);
        self.reshaped(shape)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn resolve(input: &[usize], codes: &[isize]) -> Vec<usize> {
        infer_reshape(input, codes).unwrap().to_vec()
    }

    #[test]
    fn reshape_codes_match_the_spec_table() {
        let input = [2, 3, 4];

        assert_eq!(resolve(&input, &[6, -1]), vec![6, 4]);
        assert_eq!(resolve(&input, &[0, -1]), vec![2, 12]);
        assert_eq!(resolve(&input, &[0, 0, -1]), vec![2, 3, 4]);
        assert_eq!(resolve(&input, &[-1]), vec![24]);
        assert_eq!(resolve(&input, &[-2]), vec![2, 3, 4]);
        assert_eq!(resolve(&input, &[0, -2]), vec![2, 3, 4]);
        assert_eq!(resolve(&input, &[-3, 4]), vec![6, 4]);
        assert_eq!(resolve(&input, &[2, -3]), vec![2, 12]);
        assert_eq!(resolve(&input, &[-4, 1, 2, -2]), vec![1, 2, 3, 4]);
        assert_eq!(resolve(&input, &[-4, -1, 1, 3, 4]), vec![2, 1, 3, 4]);
    }

    #[test]
    fn reverse_reshape_infers_from_the_right() {
        let x = NDArray::zeros(&[2, 3, 4]);

        assert_eq!(x.reshape_reverse(&[-1, 0]).shape(), &[6, 4]);
    }

    #[test]
    #[should_panic(expected = "24 elements do not fit shape [5, 5]")]
    fn reshape_rejects_mismatched_element_count() {
        NDArray::zeros(&[2, 3, 4]).reshape(&[5, 5]);
    }
}
