//! The dense half of EASE: the Gram matrix `XᵀX + λI` of the modelled items, its inverse `P`
//! through a Cholesky factorisation (faer), and the item-item weights
//! `B = I − P·diag(1/diag(P))`. It does not choose which items are modelled, check the memory
//! budget (see `memory.rs`), score, or read and write artifacts (see the parent module).
//!
//! Memory: two dense `m × m` buffers of the working element type at the peak (the Gram matrix,
//! factorised and then overwritten by `P` in place, plus the inverse of the Cholesky factor);
//! `B` reuses the first buffer in `f32`, or takes a third `f32` buffer after the second was freed
//! in `f64`. Every dense buffer is reserved fallibly, so a failed allocation is an error, not an
//! abort.

use faer::dyn_stack::{MemBuffer, MemStack};
use faer::linalg::cholesky::llt::factor::{cholesky_in_place, cholesky_in_place_scratch};
use faer::linalg::matmul::triangular::{matmul, BlockStructure};
use faer::linalg::triangular_inverse::invert_lower_triangular;
use faer::{Accum, MatMut, MatRef, Par};
use rayon::prelude::*;

use super::NAME;
use crate::{Error, Result};

/// The element type the dense algebra runs in.
pub(super) trait Element: faer::traits::RealField + Copy + Default + Send + Sync {
    /// Converts from `f32`.
    fn from_f32(value: f32) -> Self;
    /// Neither infinite nor NaN.
    fn finite(self) -> bool;
    /// Turns the lower triangle of `P` (column-major) into the row-major `f32` weights `B`.
    fn into_weights(p: Vec<Self>, m: usize) -> Result<Vec<f32>>;
}

impl Element for f32 {
    fn from_f32(value: f32) -> Self {
        value
    }
    fn finite(self) -> bool {
        self.is_finite()
    }
    fn into_weights(mut p: Vec<f32>, m: usize) -> Result<Vec<f32>> {
        mirror_lower(&mut p, m);
        let diag = diagonal(&p, m)?;
        // P is symmetric now, so its columns are its rows: B's row i is P's row i scaled.
        p.par_chunks_mut(m.max(1)).enumerate().for_each(|(i, row)| {
            for (j, (b, d)) in row.iter_mut().zip(&diag).enumerate() {
                *b = if i == j { 0.0 } else { -*b / d };
            }
        });
        Ok(p)
    }
}

impl Element for f64 {
    fn from_f32(value: f32) -> Self {
        f64::from(value)
    }
    fn finite(self) -> bool {
        self.is_finite()
    }
    fn into_weights(mut p: Vec<f64>, m: usize) -> Result<Vec<f32>> {
        mirror_lower(&mut p, m);
        let diag = diagonal(&p, m)?;
        let mut b: Vec<f32> = zeroed(m * m, "the item-item weights")?;
        b.par_chunks_mut(m.max(1)).zip(p.par_chunks(m.max(1))).enumerate().for_each(
            |(i, (row, p_row))| {
                for (j, ((b, p), d)) in row.iter_mut().zip(p_row).zip(&diag).enumerate() {
                    *b = if i == j { 0.0 } else { (-p / d) as f32 };
                }
            },
        );
        Ok(b)
    }
}

/// Users by modelled items: row `u` holds the slots `slots[indptr[u]..indptr[u + 1]]`, in
/// ascending order, with their values (1 when binarised).
#[derive(Debug, Default)]
pub(super) struct Rows {
    /// Row offsets, one more than the number of users.
    pub indptr: Vec<usize>,
    /// Modelled item slot of each entry, ascending within a row.
    pub slots: Vec<u32>,
    /// Value of each entry.
    pub values: Vec<f32>,
}

/// Where the solver is, for progress reports.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stage {
    /// Accumulating `XᵀX` from the interactions.
    Gram,
    /// Factorising `XᵀX + λI = LLᵀ`.
    Factorize,
    /// Inverting through the factor: `P = L⁻ᵀL⁻¹`.
    Invert,
    /// Turning `P` into the weights `B`.
    Weights,
}

/// Computes `B` for `m` modelled items. Runs in the caller's rayon pool; `par` is faer's share.
pub(super) fn weights<T: Element>(
    rows: &Rows,
    m: usize,
    lambda: f32,
    par: Par,
    progress: &mut (dyn FnMut(Stage) + Send),
) -> Result<Vec<f32>> {
    progress(Stage::Gram);
    let mut a: Vec<T> = zeroed(m * m, "the Gram matrix")?;
    gram(rows, m, lambda, &mut a);

    progress(Stage::Factorize);
    let mut scratch =
        MemBuffer::try_new(cholesky_in_place_scratch::<T>(m, par, Default::default()))
            .map_err(|_| too_large("the Cholesky scratch space", m))?;
    cholesky_in_place(
        MatMut::from_column_major_slice_mut(&mut a, m, m),
        Default::default(),
        par,
        MemStack::new(&mut scratch),
        Default::default(),
    )
    .map_err(|_| not_positive_definite(lambda))?;
    drop(scratch);

    progress(Stage::Invert);
    let mut l_inv: Vec<T> = zeroed(m * m, "the inverse Cholesky factor")?;
    invert_lower_triangular(
        MatMut::from_column_major_slice_mut(&mut l_inv, m, m),
        MatRef::from_column_major_slice(&a, m, m),
        par,
    );
    // P = L⁻ᵀ·L⁻¹, lower triangle only (P is symmetric), written over L, which is done with.
    let l_inv_view = MatRef::from_column_major_slice(&l_inv, m, m);
    matmul(
        MatMut::from_column_major_slice_mut(&mut a, m, m),
        BlockStructure::TriangularLower,
        Accum::Replace,
        l_inv_view.transpose(),
        BlockStructure::TriangularUpper,
        l_inv_view,
        BlockStructure::TriangularLower,
        T::from_f32(1.0),
        par,
    );
    drop(l_inv);

    progress(Stage::Weights);
    let b = T::into_weights(a, m)?;
    if !b.par_iter().all(|v| v.is_finite()) {
        return Err(not_positive_definite(lambda));
    }
    Ok(b)
}

/// Accumulates the lower triangle of `XᵀX + λI` into `a` (column-major, `m × m`, zeroed). Each
/// column is one task: column `i` sums, over the users of item `i`, their row from `i` on, so
/// there is no shared write and no per-thread copy of the matrix.
fn gram<T: Element>(rows: &Rows, m: usize, lambda: f32, a: &mut [T]) {
    // The entries of each item (column), as positions into the rows, so the suffix of a
    // user's sorted row that starts at the item is at hand without a search.
    let mut starts = vec![0usize; m + 1];
    for &s in &rows.slots {
        starts[s as usize + 1] += 1;
    }
    for i in 0..m {
        starts[i + 1] += starts[i];
    }
    let mut next = starts.clone();
    let mut position = vec![0usize; rows.slots.len()];
    let mut row_end = vec![0usize; rows.slots.len()];
    for w in rows.indptr.windows(2) {
        for k in w[0]..w[1] {
            let at = &mut next[rows.slots[k] as usize];
            position[*at] = k;
            row_end[*at] = w[1];
            *at += 1;
        }
    }
    let lambda = T::from_f32(lambda);
    a.par_chunks_mut(m.max(1)).enumerate().for_each(|(i, column)| {
        for e in starts[i]..starts[i + 1] {
            let (k, end) = (position[e], row_end[e]);
            let x_i = T::from_f32(rows.values[k]);
            for (&s, &x) in rows.slots[k..end].iter().zip(&rows.values[k..end]) {
                column[s as usize] += x_i * T::from_f32(x);
            }
        }
        column[i] += lambda;
    });
}

/// Copies the lower triangle of a column-major square matrix onto its upper triangle, in
/// tiles so both sides stay in cache.
fn mirror_lower<T: Copy>(a: &mut [T], m: usize) {
    const TILE: usize = 64;
    for jb in (0..m).step_by(TILE) {
        for ib in (jb..m).step_by(TILE) {
            for j in jb..(jb + TILE).min(m) {
                for i in ib.max(j + 1)..(ib + TILE).min(m) {
                    a[i * m + j] = a[j * m + i];
                }
            }
        }
    }
}

/// The diagonal of `P`, which must be positive and finite for `B` to exist.
fn diagonal<T: Element>(p: &[T], m: usize) -> Result<Vec<T>> {
    let diag: Vec<T> = (0..m).map(|j| p[j * m + j]).collect();
    let zero = T::from_f32(0.0);
    if diag.iter().all(|d| *d > zero && d.finite()) {
        Ok(diag)
    } else {
        Err(Error::Parameter {
            model: NAME,
            parameter: "lambda",
            value: "too small for this data".into(),
            expected: "large enough that XᵀX + λI inverts cleanly: raise lambda or set double_precision = true",
        })
    }
}

fn not_positive_definite(lambda: f32) -> Error {
    Error::Parameter {
        model: NAME,
        parameter: "lambda",
        value: lambda.to_string(),
        expected: "large enough that XᵀX + λI is numerically positive definite: raise lambda or set double_precision = true",
    }
}

fn too_large(what: &str, m: usize) -> Error {
    Error::TooLarge {
        model: NAME,
        detail: format!(
            "could not allocate {what} for {m} items; set max_items to model fewer, popular items, \
             or use item-knn or als, which do not need an items × items dense matrix"
        ),
    }
}

/// A zeroed vector whose allocation failure is an [`Error::TooLarge`] instead of an abort.
pub(super) fn zeroed<T: Copy + Default>(len: usize, what: &str) -> Result<Vec<T>> {
    let mut v = Vec::new();
    v.try_reserve_exact(len).map_err(|_| too_large(what, (len as f64).sqrt() as usize))?;
    v.resize(len, T::default());
    Ok(v)
}
