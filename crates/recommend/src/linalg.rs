//! Small dense kernels shared by the factor models (ALS, BPR): SIMD dot products, `axpy`, a
//! symmetric matrix-vector product, Gram-matrix accumulation, a Cholesky solve and a seeded
//! random stream.
//!
//! The SIMD kernels are generic over [`pulp::Simd`] and marked `#[inline(always)]`, so a caller
//! that enters them through [`pulp::Arch::dispatch`] gets them compiled for the best instruction
//! set of the running CPU (AVX2 + FMA on current x86) without `unsafe` in this crate. Vectors
//! are factor rows padded with zeros to a multiple of [`LANE_PAD`], so no kernel has a scalar
//! tail. This is not a general linear-algebra library: sizes are a model's factor count.

use pulp::{Simd, WithSimd};

/// Factor rows are padded to a multiple of this many `f32` (the widest SIMD register, AVX-512),
/// so every row splits into whole vectors on every instruction set.
pub(crate) const LANE_PAD: usize = 16;

/// The row stride for `k` factors.
pub(crate) fn padded(k: usize) -> usize {
    k.div_ceil(LANE_PAD) * LANE_PAD
}

/// The whole SIMD vectors of a padded row (the remainder is empty by construction).
#[inline(always)]
pub(crate) fn vecs<S: Simd>(v: &[f32]) -> &[S::f32s] {
    S::as_simd_f32s(v).0
}

/// Mutable form of [`vecs`].
#[inline(always)]
pub(crate) fn vecs_mut<S: Simd>(v: &mut [f32]) -> &mut [S::f32s] {
    S::as_mut_simd_f32s(v).0
}

/// `a · b` over padded rows.
#[inline(always)]
pub(crate) fn dot<S: Simd>(s: S, a: &[f32], b: &[f32]) -> f32 {
    let (a, b) = (vecs::<S>(a), vecs::<S>(b));
    // Four accumulators keep the FMA dependency chains short on 8-16-vector rows; the chains
    // of successive dot products then overlap in the out-of-order window.
    let mut acc = [s.splat_f32s(0.0); 4];
    let mut a4 = a.chunks_exact(4);
    let mut b4 = b.chunks_exact(4);
    for (x, y) in a4.by_ref().zip(b4.by_ref()) {
        for ((acc, &x), &y) in acc.iter_mut().zip(x).zip(y) {
            *acc = s.mul_add_e_f32s(x, y, *acc);
        }
    }
    for ((acc, &x), &y) in acc.iter_mut().zip(a4.remainder()).zip(b4.remainder()) {
        *acc = s.mul_add_e_f32s(x, y, *acc);
    }
    let sum = s.add_f32s(s.add_f32s(acc[0], acc[1]), s.add_f32s(acc[2], acc[3]));
    s.reduce_sum_f32s(sum)
}

/// `out[r] = query · rows[r]` over padded rows.
pub(crate) struct Dots<'a> {
    pub(crate) query: &'a [f32],
    pub(crate) rows: &'a [f32],
    pub(crate) stride: usize,
    pub(crate) out: &'a mut [f32],
}

impl WithSimd for Dots<'_> {
    type Output = ();
    #[inline(always)]
    fn with_simd<S: Simd>(self, s: S) {
        for (out, row) in self.out.iter_mut().zip(self.rows.chunks_exact(self.stride)) {
            *out = dot(s, self.query, row);
        }
    }
}

/// `y += alpha * x` over padded rows.
#[inline(always)]
pub(crate) fn axpy<S: Simd>(s: S, alpha: f32, x: &[f32], y: &mut [f32]) {
    let alpha = s.splat_f32s(alpha);
    for (y, &x) in vecs_mut::<S>(y).iter_mut().zip(vecs::<S>(x)) {
        *y = s.mul_add_e_f32s(alpha, x, *y);
    }
}

/// `p = r + beta * p` over padded rows (the conjugate-gradient direction update).
#[inline(always)]
pub(crate) fn xpby<S: Simd>(s: S, r: &[f32], beta: f32, p: &mut [f32]) {
    let beta = s.splat_f32s(beta);
    for (p, &r) in vecs_mut::<S>(p).iter_mut().zip(vecs::<S>(r)) {
        *p = s.mul_add_e_f32s(beta, *p, r);
    }
}

/// `out = G p` for a symmetric `stride × stride` matrix `G` whose first `k` rows matter (the
/// padding coordinates of `p` are zero). Columns are done in blocks of up to 8 vectors held in
/// registers, so each row of `G` is loaded once per block.
#[inline(always)]
pub(crate) fn symv<S: Simd>(s: S, g: &[f32], stride: usize, k: usize, p: &[f32], out: &mut [f32]) {
    let out = vecs_mut::<S>(out);
    let n = out.len();
    let mut b = 0;
    while b + 8 <= n {
        symv_block::<S, 8>(s, g, stride, k, p, &mut out[b..b + 8], b);
        b += 8;
    }
    while b + 4 <= n {
        symv_block::<S, 4>(s, g, stride, k, p, &mut out[b..b + 4], b);
        b += 4;
    }
    while b < n {
        symv_block::<S, 1>(s, g, stride, k, p, &mut out[b..b + 1], b);
        b += 1;
    }
}

#[inline(always)]
fn symv_block<S: Simd, const W: usize>(
    s: S,
    g: &[f32],
    stride: usize,
    k: usize,
    p: &[f32],
    out: &mut [S::f32s],
    first: usize,
) {
    let mut acc = [s.splat_f32s(0.0); W];
    for (row, &pj) in g.chunks_exact(stride).zip(&p[..k]) {
        let row = &vecs::<S>(row)[first..first + W];
        let pj = s.splat_f32s(pj);
        for (a, &r) in acc.iter_mut().zip(row) {
            *a = s.mul_add_e_f32s(pj, r, *a);
        }
    }
    out.copy_from_slice(&acc);
}

/// `out_b = G p_b` for `B` padded vectors at once (`p` and `out` hold `B` rows of `stride`):
/// each row of `G` is loaded once for all of them, which cuts the loads per multiply-add and
/// keeps a `G` that does not fit in L1 (128 factors) from being streamed `B` times. `packed`
/// (at least `B × k` long) receives `p` interleaved by coordinate, so the inner loop reads
/// its `B` scalars from one place. Each product is summed in the same order as [`symv`], so
/// the results are identical to it.
#[inline(always)]
#[allow(clippy::too_many_arguments)]
pub(crate) fn symv_batch<S: Simd, const B: usize>(
    s: S,
    g: &[f32],
    stride: usize,
    k: usize,
    p: &[f32],
    out: &mut [f32],
    packed: &mut [f32],
) {
    let packed = &mut packed[..B * k];
    for (b, row) in p.chunks_exact(stride).take(B).enumerate() {
        for (slot, &v) in packed.chunks_exact_mut(B).zip(&row[..k]) {
            slot[b] = v;
        }
    }
    let n = stride / S::F32_LANES;
    let mut v = 0;
    while v + 2 <= n {
        symv_tile::<S, B, 2>(s, g, stride, packed, out, v);
        v += 2;
    }
    while v < n {
        symv_tile::<S, B, 1>(s, g, stride, packed, out, v);
        v += 1;
    }
}

#[inline(always)]
fn symv_tile<S: Simd, const B: usize, const W: usize>(
    s: S,
    g: &[f32],
    stride: usize,
    packed: &[f32],
    out: &mut [f32],
    first: usize,
) {
    let mut acc = [[s.splat_f32s(0.0); W]; B];
    for (row, pj) in g.chunks_exact(stride).zip(packed.chunks_exact(B)) {
        let row = &vecs::<S>(row)[first..first + W];
        for (acc, &pj) in acc.iter_mut().zip(pj) {
            let pj = s.splat_f32s(pj);
            for (a, &r) in acc.iter_mut().zip(row) {
                *a = s.mul_add_e_f32s(pj, r, *a);
            }
        }
    }
    for (o, acc) in out.chunks_exact_mut(stride).zip(acc) {
        vecs_mut::<S>(o)[first..first + W].copy_from_slice(&acc);
    }
}

/// Adds `Σ y yᵀ` over the padded rows in `rows` to the upper triangle (by vector blocks) of the
/// `stride × stride` matrix `g`; [`mirror_upper`] completes it. Rows are taken in blocks that
/// stay in L2, and each block is swept by 4-row × 2-vector tiles of `g` held in registers, so
/// `g` is loaded and stored once per block rather than once per row.
#[inline(always)]
pub(crate) fn gram_add<S: Simd>(s: S, g: &mut [f32], stride: usize, k: usize, rows: &[f32]) {
    const ROW_BLOCK: usize = 256;
    let lanes = S::F32_LANES;
    let n = stride / lanes;
    for block in rows.chunks(ROW_BLOCK * stride) {
        for j in (0..k).step_by(4) {
            let mut v = j / lanes;
            while v + 2 <= n {
                gram_tile::<S, 2>(s, g, stride, block, j, v);
                v += 2;
            }
            if v < n {
                gram_tile::<S, 1>(s, g, stride, block, j, v);
            }
        }
    }
}

/// `g[j..j + 4, vectors v..v + W] += Σ_rows y[j..j + 4] ⊗ y[vectors v..v + W]`. Rows `j + 3`
/// may be padding (zero) when `k` is not a multiple of 4; they stay zero.
#[inline(always)]
fn gram_tile<S: Simd, const W: usize>(
    s: S,
    g: &mut [f32],
    stride: usize,
    rows: &[f32],
    j: usize,
    v: usize,
) {
    let mut acc = [[s.splat_f32s(0.0); W]; 4];
    for (jj, acc) in acc.iter_mut().enumerate() {
        acc.copy_from_slice(&vecs::<S>(&g[(j + jj) * stride..(j + jj + 1) * stride])[v..v + W]);
    }
    for y in rows.chunks_exact(stride) {
        let cols = &vecs::<S>(y)[v..v + W];
        let c = [
            s.splat_f32s(y[j]),
            s.splat_f32s(y[j + 1]),
            s.splat_f32s(y[j + 2]),
            s.splat_f32s(y[j + 3]),
        ];
        for (acc, c) in acc.iter_mut().zip(c) {
            for (a, &col) in acc.iter_mut().zip(cols) {
                *a = s.mul_add_e_f32s(c, col, *a);
            }
        }
    }
    for (jj, acc) in acc.iter().enumerate() {
        vecs_mut::<S>(&mut g[(j + jj) * stride..(j + jj + 1) * stride])[v..v + W]
            .copy_from_slice(acc);
    }
}

/// Copies the strict upper triangle of the first `k` rows and columns onto the lower one.
pub(crate) fn mirror_upper(g: &mut [f32], stride: usize, k: usize) {
    for i in 0..k {
        for j in 0..i {
            g[i * stride + j] = g[j * stride + i];
        }
    }
}

/// Solves `A x = b` in place (`b` becomes `x`) for a symmetric positive-definite `n × n` `a`
/// (row-major, overwritten by its Cholesky factor). Returns false if `a` is not positive
/// definite; the caller adds a ridge and retries.
pub(crate) fn cholesky_solve(a: &mut [f64], n: usize, b: &mut [f64]) -> bool {
    for j in 0..n {
        let mut d = a[j * n + j];
        for t in 0..j {
            d -= a[j * n + t] * a[j * n + t];
        }
        if !(d > 0.0 && d.is_finite()) {
            return false;
        }
        let d = d.sqrt();
        a[j * n + j] = d;
        for i in j + 1..n {
            let mut v = a[i * n + j];
            for t in 0..j {
                v -= a[i * n + t] * a[j * n + t];
            }
            a[i * n + j] = v / d;
        }
    }
    // Forward substitution with L, then back substitution with Lᵀ.
    for i in 0..n {
        let mut v = b[i];
        for t in 0..i {
            v -= a[i * n + t] * b[t];
        }
        b[i] = v / a[i * n + i];
    }
    for i in (0..n).rev() {
        let mut v = b[i];
        for t in i + 1..n {
            v -= a[t * n + i] * b[t];
        }
        b[i] = v / a[i * n + i];
    }
    true
}

/// SplitMix64: a tiny, portable, seeded random stream, so a seed gives the same factors on
/// every platform and with every thread count.
#[derive(Debug, Clone)]
pub(crate) struct Rng(u64);

impl Rng {
    /// A stream from a seed.
    pub(crate) fn new(seed: u64) -> Self {
        Self(seed)
    }

    /// The next 64 random bits.
    pub(crate) fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        mix64(self.0)
    }

    /// Uniform in `[0, 1)`.
    pub(crate) fn next_f32(&mut self) -> f32 {
        (self.next_u64() >> 40) as f32 / (1u64 << 24) as f32
    }

    /// Uniform in `0..n` (`n > 0`), by Lemire's multiply-shift (the bias is below 2⁻³²).
    pub(crate) fn below(&mut self, n: usize) -> usize {
        ((u128::from(self.next_u64()) * n as u128) >> 64) as usize
    }
}

/// The SplitMix64 finaliser: a good 64-bit mixing function.
pub(crate) fn mix64(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

#[cfg(test)]
mod tests {
    use super::*;
    use pulp::{Arch, WithSimd};

    struct Check;
    impl WithSimd for Check {
        type Output = ();
        #[inline(always)]
        fn with_simd<S: Simd>(self, s: S) {
            let (k, stride) = (5, padded(5));
            let rows: Vec<f32> = (0..7 * stride)
                .map(|i| if i % stride < k { ((i * 7) % 11) as f32 - 5.0 } else { 0.0 })
                .collect();
            let mut g = vec![0.0f32; stride * stride];
            gram_add(s, &mut g, stride, k, &rows);
            mirror_upper(&mut g, stride, k);
            for i in 0..k {
                for j in 0..k {
                    let want: f32 = rows.chunks(stride).map(|y| y[i] * y[j]).sum();
                    assert_eq!(g[i * stride + j], want, "gram ({i}, {j})");
                }
            }
            let p = &rows[..stride];
            let mut out = vec![0.0f32; stride];
            symv(s, &g, stride, k, p, &mut out);
            for i in 0..k {
                let want: f32 = (0..k).map(|j| g[i * stride + j] * p[j]).sum();
                assert_eq!(out[i], want);
            }
            assert_eq!(dot(s, p, p), p.iter().map(|v| v * v).sum::<f32>());
            let mut out4 = vec![0.0f32; 4 * stride];
            let mut packed = vec![0.0f32; 4 * k];
            symv_batch::<S, 4>(s, &g, stride, k, &rows[..4 * stride], &mut out4, &mut packed);
            for (b, got) in out4.chunks(stride).enumerate() {
                symv(s, &g, stride, k, &rows[b * stride..(b + 1) * stride], &mut out);
                assert_eq!(got, &out[..], "symv4 row {b}");
            }
        }
    }

    #[test]
    fn kernels_match_the_plain_formulas() {
        Arch::new().dispatch(Check);
    }

    #[test]
    fn cholesky_solves_and_refuses_indefinite_matrices() {
        let mut a = vec![4.0, 2.0, 2.0, 3.0];
        let mut b = vec![2.0, 5.0];
        assert!(cholesky_solve(&mut a, 2, &mut b));
        assert!((b[0] + 0.5).abs() < 1e-12 && (b[1] - 2.0).abs() < 1e-12, "{b:?}");
        assert!(!cholesky_solve(&mut [1.0, 2.0, 2.0, 1.0], 2, &mut [1.0, 1.0]));
    }
}
