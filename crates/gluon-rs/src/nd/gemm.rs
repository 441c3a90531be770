//! The one place that calls a raw GEMM kernel.
//!
//! Products below [`SMALL_GEMM_FLOPS`] multiply-adds run a plain loop: for the 10 x 10
//! layers of the seed program the tuned kernel's packing costs more than the arithmetic.
//! Larger products go to `matrixmultiply`, which splits the output into blocks across
//! threads (`MATMUL_NUM_THREADS`), so each element is summed in the same order whatever the
//! thread count.

/// A matrix operand: row-major data of a `rows x cols` matrix, read transposed when asked.
#[derive(Clone, Copy)]
pub(crate) struct Operand<'a> {
    pub(crate) data: &'a [f32],
    pub(crate) rows: usize,
    pub(crate) cols: usize,
    pub(crate) transposed: bool,
}

impl Operand<'_> {
    /// Rows and columns of the operand as used in the product.
    fn dims(&self) -> (usize, usize) {
        if self.transposed {
            (self.cols, self.rows)
        } else {
            (self.rows, self.cols)
        }
    }

    /// Row and column strides of the operand as used in the product.
    fn strides(&self) -> (usize, usize) {
        if self.transposed {
            (1, self.cols)
        } else {
            (self.cols, 1)
        }
    }
}

/// Below this many multiply-adds a direct loop beats the packed kernel.
const SMALL_GEMM_FLOPS: usize = 32 * 32 * 32;

/// `op(a) · op(b)` as a new row-major `m x n` vector, with `m x k` and `k x n` operands.
///
/// # Panics
///
/// If the inner dimensions differ (callers check shapes first and report them).
pub(crate) fn matmul(a: Operand, b: Operand) -> (Vec<f32>, usize, usize) {
    let (m, k) = a.dims();
    let (k2, n) = b.dims();
    assert_eq!(k, k2, "matmul: inner dimensions {k} and {k2} differ");
    let mut c = vec![0.0f32; m * n];
    if m == 0 || n == 0 || k == 0 {
        return (c, m, n);
    }
    let (rsa, csa) = a.strides();
    let (rsb, csb) = b.strides();
    if m * n * k < SMALL_GEMM_FLOPS {
        for i in 0..m {
            let row = &mut c[i * n..(i + 1) * n];
            for p in 0..k {
                let scale = a.data[i * rsa + p * csa];
                if csb == 1 {
                    let b_row = &b.data[p * rsb..p * rsb + n];
                    row.iter_mut()
                        .zip(b_row)
                        .for_each(|(out, &v)| *out += scale * v);
                } else {
                    for (j, out) in row.iter_mut().enumerate() {
                        *out += scale * b.data[p * rsb + j * csb];
                    }
                }
            }
        }
        return (c, m, n);
    }
    // SAFETY: `a.data` holds `m x k` elements addressed by (rsa, csa), `b.data` holds
    // `k x n` elements addressed by (rsb, csb), and `c` holds `m x n` elements addressed by
    // (n, 1); the strides above are derived from the slices' own shapes, and the asserts
    // below check the lengths, so every access is in bounds.
    assert!(a.data.len() >= m * k && b.data.len() >= k * n);
    #[allow(unsafe_code)]
    unsafe {
        matrixmultiply::sgemm(
            m,
            k,
            n,
            1.0,
            a.data.as_ptr(),
            rsa as isize,
            csa as isize,
            b.data.as_ptr(),
            rsb as isize,
            csb as isize,
            0.0,
            c.as_mut_ptr(),
            n as isize,
            1,
        );
    }
    (c, m, n)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn operand(data: &[f32], rows: usize, cols: usize, transposed: bool) -> Operand<'_> {
        Operand {
            data,
            rows,
            cols,
            transposed,
        }
    }

    #[test]
    fn small_and_large_paths_agree() {
        let n = 40;
        let a: Vec<f32> = (0..n * n).map(|i| (i % 7) as f32 - 3.0).collect();
        let b: Vec<f32> = (0..n * n).map(|i| (i % 5) as f32 * 0.5).collect();

        let (large, _, _) = matmul(operand(&a, n, n, false), operand(&b, n, n, true));
        let mut small = vec![0.0; n * n];
        for i in 0..n {
            for j in 0..n {
                small[i * n + j] = (0..n).map(|p| a[i * n + p] * b[j * n + p]).sum();
            }
        }

        for (x, y) in large.iter().zip(&small) {
            assert!((x - y).abs() < 1e-3, "{x} vs {y}");
        }
    }
}
