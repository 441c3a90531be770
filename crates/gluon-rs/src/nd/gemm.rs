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

/// Width of the column panels of the small-product loop: sixteen `f32` accumulators stay in
/// vector registers.
const PANEL: usize = 16;

/// The most panel floats kept between calls (256 KiB).
const MAX_KEPT_PANELS: usize = 1 << 16;

thread_local! {
    /// The packed panels of the small path's right operand, kept between calls so that a
    /// training step allocates only its results.
    static PANELS: std::cell::RefCell<Vec<f32>> = const { std::cell::RefCell::new(Vec::new()) };
}

/// The direct loop for small products. `op(b)` is first copied into panels of `PANEL`
/// columns (zero-padded), so each block of an output row is accumulated in a fixed-size
/// array the compiler keeps in registers, over `p` in order, and written once. Reading a
/// transposed `b` with a stride, or updating a 10-wide row of `c` in memory for every `p`,
/// made a 10 x 10 x 10 product several times slower.
///
/// Narrow outputs (a layer of one unit, a matrix-vector product) use narrower panels, so
/// that a 1-column product does not pay for 16. Each output is still the sum over `p` in
/// order, so the panel width never changes a result.
///
/// `c` holds the `m x n` output followed by at least [`PANEL`] floats of slack.
fn small_matmul(a: Operand, b: Operand, c: &mut [f32], (m, k, n): (usize, usize, usize)) {
    PANELS.with_borrow_mut(|panels| {
        let width = match n {
            0..=4 => 4,
            5..=8 => 8,
            _ => PANEL,
        };
        panels.clear();
        panels.resize(n.div_ceil(width) * k * width, 0.0);
        multiply(a, b, c, (m, k, n), width, panels);
        // A rare long, thin product can need megabytes; do not keep those.
        if panels.capacity() > MAX_KEPT_PANELS {
            *panels = Vec::new();
        }
    });
}

/// Runs the panel loop compiled for AVX when the processor has it (twice the lanes of the
/// SSE2 baseline), else the portable build. AVX adds only wider registers: multiplies and
/// adds stay separate (no FMA), so both builds give the same bits.
fn multiply(
    a: Operand,
    b: Operand,
    c: &mut [f32],
    dims: (usize, usize, usize),
    width: usize,
    panels: &mut [f32],
) {
    #[cfg(target_arch = "x86_64")]
    if std::arch::is_x86_feature_detected!("avx") {
        // SAFETY: `multiply_avx` only needs the AVX instructions, and the processor was
        // just checked to have them.
        #[allow(unsafe_code)]
        unsafe {
            multiply_avx(a, b, c, dims, width, panels);
        }
        return;
    }
    multiply_any(a, b, c, dims, width, panels);
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx")]
fn multiply_avx(
    a: Operand,
    b: Operand,
    c: &mut [f32],
    dims: (usize, usize, usize),
    width: usize,
    panels: &mut [f32],
) {
    multiply_any(a, b, c, dims, width, panels);
}

/// The panel loop for a width; inlined into each caller so that it is compiled with the
/// caller's instruction set.
#[inline(always)]
fn multiply_any(
    a: Operand,
    b: Operand,
    c: &mut [f32],
    dims: (usize, usize, usize),
    width: usize,
    panels: &mut [f32],
) {
    match width {
        4 => pack_and_multiply::<4>(a, b, c, dims, panels),
        8 => pack_and_multiply::<8>(a, b, c, dims, panels),
        _ => pack_and_multiply::<PANEL>(a, b, c, dims, panels),
    }
}

#[inline(always)]
fn pack_and_multiply<const W: usize>(
    a: Operand,
    b: Operand,
    c: &mut [f32],
    (m, k, n): (usize, usize, usize),
    panels: &mut [f32],
) {
    let (rsa, csa) = a.strides();
    let (rsb, csb) = b.strides();
    let panel_size = k * W;
    for (block, panel) in panels.chunks_exact_mut(panel_size).enumerate() {
        let start = block * W;
        let width = W.min(n - start);
        for (p, target) in panel.chunks_exact_mut(W).enumerate() {
            let first = p * rsb + start * csb;
            if csb == 1 {
                target[..width].copy_from_slice(&b.data[first..first + width]);
            } else {
                for (j, value) in target[..width].iter_mut().enumerate() {
                    *value = b.data[first + j * csb];
                }
            }
        }
    }

    for i in 0..m {
        for (block, panel) in panels.chunks_exact(panel_size).enumerate() {
            let mut sums = [0.0f32; W];
            let mut add_row = |scale: f32, b_row: &[f32]| {
                let b_row: &[f32; W] = b_row.try_into().expect("panels hold whole rows");
                for (total, &value) in sums.iter_mut().zip(b_row) {
                    *total += scale * value;
                }
            };
            if csa == 1 {
                // A row of `a` read in place: no index arithmetic or bounds check per `p`.
                let a_row = &a.data[i * rsa..i * rsa + k];
                for (&scale, b_row) in a_row.iter().zip(panel.chunks_exact(W)) {
                    add_row(scale, b_row);
                }
            } else {
                for (p, b_row) in panel.chunks_exact(W).enumerate() {
                    add_row(a.data[i * rsa + p * csa], b_row);
                }
            }
            // All `W` sums are stored, a fixed-size copy: the lanes past this row's block
            // land in the next block or row, which is written after this one, or in the
            // padding past the last row.
            let first = i * n + block * W;
            c[first..first + W].copy_from_slice(&sums);
        }
    }
}

/// `op(a) · op(b)` as a new row-major `m x n` vector, with `m x k` and `k x n` operands.
///
/// # Panics
///
/// If the inner dimensions differ (callers check shapes first and report them).
pub(crate) fn matmul(a: Operand, b: Operand) -> (Vec<f32>, usize, usize) {
    let (m, k) = a.dims();
    let (k2, n) = b.dims();
    assert_eq!(k, k2, "matmul: inner dimensions {k} and {k2} differ");
    if m * n * k < SMALL_GEMM_FLOPS && k > 0 {
        // The small loop stores whole panels, so the output has a panel of slack.
        let mut c = super::buffers::zeros(m * n + PANEL);
        small_matmul(a, b, &mut c, (m, k, n));
        c.truncate(m * n);
        return (c, m, n);
    }
    let mut c = vec![0.0f32; m * n];
    if m == 0 || n == 0 || k == 0 {
        return (c, m, n);
    }
    let (rsa, csa) = a.strides();
    let (rsb, csb) = b.strides();
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
    fn small_path_reads_transposed_operands() {
        // b is stored as [[1, 0, 2], [0, 1, 3]], so op(b) = bᵀ = [[1, 0], [0, 1], [2, 3]] and
        // [1, 2, 3] · bᵀ = [1 + 6, 2 + 9] = [7, 11].
        let row = [1.0, 2.0, 3.0];
        let b = [1.0, 0.0, 2.0, 0.0, 1.0, 3.0];

        let (out, m, n) = matmul(operand(&row, 1, 3, false), operand(&b, 2, 3, true));

        assert_eq!((m, n), (1, 2));
        assert_eq!(out, vec![7.0, 11.0]);
    }

    #[test]
    fn small_path_spans_several_panels_with_any_transposes() {
        // 3 x 5 times 5 x 20: two panels, the second one partly padded.
        let (m, k, n) = (3, 5, 20);
        let a: Vec<f32> = (0..m * k).map(|i| (i % 7) as f32 - 3.0).collect();
        let b: Vec<f32> = (0..k * n).map(|i| (i % 5) as f32 * 0.5).collect();
        let a_t = transpose(&a, m, k);
        let b_t = transpose(&b, k, n);
        let mut expected = vec![0.0; m * n];
        for i in 0..m {
            for j in 0..n {
                expected[i * n + j] = (0..k).map(|p| a[i * k + p] * b[p * n + j]).sum();
            }
        }

        for (ta, tb) in [(false, false), (true, false), (false, true), (true, true)] {
            let left = if ta {
                operand(&a_t, k, m, true)
            } else {
                operand(&a, m, k, false)
            };
            let right = if tb {
                operand(&b_t, n, k, true)
            } else {
                operand(&b, k, n, false)
            };

            let (out, rows, cols) = matmul(left, right);

            assert_eq!((rows, cols), (m, n));
            assert_eq!(out, expected, "transpose_a={ta}, transpose_b={tb}");
        }
    }

    fn transpose(data: &[f32], rows: usize, cols: usize) -> Vec<f32> {
        (0..cols)
            .flat_map(|j| (0..rows).map(move |i| data[i * cols + j]))
            .collect()
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

    #[test]
    fn every_panel_width_sums_in_order_as_a_plain_loop() {
        // Widths 1-20 cover the 4-, 8- and 16-wide panels and their padded remainders; each
        // output must be the in-order sum a naive loop gives, bit for bit.
        for n in 1..=20 {
            for &(m, k) in &[(1, 1), (3, 7), (4, 2), (9, 5), (10, 10)] {
                for transposed in [false, true] {
                    let a: Vec<f32> = (0..m * k).map(|i| (i as f32 * 0.731).sin()).collect();
                    let b: Vec<f32> = (0..k * n).map(|i| (i as f32 * 0.377).cos()).collect();
                    let b_at = |p: usize, j: usize| {
                        if transposed {
                            b[j * k + p]
                        } else {
                            b[p * n + j]
                        }
                    };
                    let (rows, cols) = if transposed { (n, k) } else { (k, n) };

                    let (out, _, _) = matmul(
                        operand(&a, m, k, false),
                        operand(&b, rows, cols, transposed),
                    );

                    for i in 0..m {
                        for j in 0..n {
                            let expected =
                                (0..k).fold(0.0f32, |total, p| total + a[i * k + p] * b_at(p, j));
                            assert_eq!(out[i * n + j], expected, "n={n} m={m} k={k} ({i},{j})");
                        }
                    }
                }
            }
        }
    }
}
