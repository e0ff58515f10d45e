//! The warm-started conjugate-gradient row solver of one ALS half-step (Takács, Pilászy and
//! Tikk 2011; the algorithm of `implicit`'s CG solver), run on a few rows in lockstep so their
//! products with `YᵀY + λI` share one pass over it.

use pulp::{Simd, WithSimd};

use super::train::{Side, Solver};
use crate::linalg;

/// Rows solved in lockstep (see [`solve_batch`]); 6 × 2 vectors of accumulators fill the 16
/// AVX2 registers as a BLAS micro-kernel does.
const BATCH: usize = 6;
/// Conjugate gradients stop once the squared residual is this small (as in `implicit`).
const RESIDUAL_FLOOR: f32 = 1e-20;

/// Solves the rows `first..` of one task: `x` holds them, `y` is the fixed other side and `g`
/// is `YᵀY` (plus `λI` unless λ is scaled).
pub(super) struct SolveRows<'a> {
    pub(super) solver: &'a Solver,
    pub(super) side: &'a Side,
    pub(super) y: &'a [f32],
    pub(super) g: &'a [f32],
    pub(super) first: usize,
    pub(super) x: &'a mut [f32],
}

impl WithSimd for SolveRows<'_> {
    type Output = ();
    #[inline(always)]
    fn with_simd<S: Simd>(self, s: S) {
        let Self { solver, side, y, g, first, x } = self;
        let stride = solver.stride;
        let mut work = Batch {
            x4: vec![0.0; BATCH * stride],
            r: vec![0.0; BATCH * stride],
            p: vec![0.0; BATCH * stride],
            ap: vec![0.0; BATCH * stride],
            packed: vec![0.0; BATCH * stride],
        };
        for (n, x) in x.chunks_mut(BATCH * stride).enumerate() {
            solve_batch(s, solver, side, y, g, first + BATCH * n, x, &mut work);
        }
    }
}

/// Scratch vectors for the rows solved in lockstep.
struct Batch {
    x4: Vec<f32>,
    r: Vec<f32>,
    p: Vec<f32>,
    ap: Vec<f32>,
    packed: Vec<f32>,
}

/// Conjugate gradients for up to [`BATCH`] consecutive rows in lockstep, so their `G p`
/// products share one pass over `G`. Each row follows exactly the single-row algorithm
/// (`implicit`'s): its residual, step and early stop are its own.
#[inline(always)]
#[allow(clippy::too_many_arguments)]
fn solve_batch<S: Simd>(
    s: S,
    solver: &Solver,
    side: &Side,
    y: &[f32],
    g: &[f32],
    first: usize,
    x: &mut [f32],
    work: &mut Batch,
) {
    let (k, stride) = (solver.k, solver.stride);
    let Batch { x4, r, p, ap, packed } = work;
    let rows = x.len() / stride;
    let item = |i: u32| &y[i as usize * stride..(i as usize + 1) * stride];
    let mut rs = [0.0f32; BATCH];
    let mut active = [false; BATCH];
    // The per-row ridge of scaled regularization (otherwise λ is inside `g`).
    let mut ridge = [0.0f32; BATCH];
    // r = b - A x = Σ (c - (c - 1) y·x) y - (YᵀY + λI) x
    x4[..x.len()].copy_from_slice(x);
    x4[x.len()..].fill(0.0);
    linalg::symv_batch::<S, BATCH>(s, g, stride, k, x4, r, packed);
    for b in 0..rows {
        let (items, conf) = side.row(first + b);
        let xb = &mut x[b * stride..(b + 1) * stride];
        let rb = &mut r[b * stride..(b + 1) * stride];
        if items.is_empty() {
            // No observation: the exact solution of `(YᵀY + λI) x = 0`.
            xb.fill(0.0);
            continue;
        }
        rb.iter_mut().for_each(|v| *v = -*v);
        if solver.scaled {
            ridge[b] = solver.lambda * side.valid(first + b) as f32;
            linalg::axpy(s, -ridge[b], xb, rb);
        }
        for (&i, &c) in items.iter().zip(conf).filter(|(_, &c)| c > 0.0) {
            let yi = item(i);
            let t = c - (c - 1.0) * linalg::dot(s, yi, xb);
            linalg::axpy(s, t, yi, rb);
        }
        rs[b] = linalg::dot(s, rb, rb);
        active[b] = rs[b] >= RESIDUAL_FLOOR;
    }
    for (b, pb) in p.chunks_exact_mut(stride).enumerate() {
        if active[b] {
            pb.copy_from_slice(&r[b * stride..(b + 1) * stride]);
        } else {
            pb.fill(0.0);
        }
    }
    for _ in 0..solver.cg_steps {
        if !active.contains(&true) {
            break;
        }
        linalg::symv_batch::<S, BATCH>(s, g, stride, k, p, ap, packed);
        for b in 0..rows {
            if !active[b] {
                continue;
            }
            let (items, conf) = side.row(first + b);
            let range = b * stride..(b + 1) * stride;
            let (xb, rb) = (&mut x[range.clone()], &mut r[range.clone()]);
            let (pb, apb) = (&mut p[range.clone()], &mut ap[range]);
            if ridge[b] != 0.0 {
                linalg::axpy(s, ridge[b], pb, apb);
            }
            for (&i, &c) in items.iter().zip(conf).filter(|(_, &c)| c > 1.0) {
                let yi = item(i);
                let t = (c - 1.0) * linalg::dot(s, yi, pb);
                linalg::axpy(s, t, yi, apb);
            }
            let p_ap = linalg::dot(s, pb, apb);
            if p_ap.is_nan() || p_ap <= 0.0 {
                active[b] = false;
                pb.fill(0.0);
                continue;
            }
            let step = rs[b] / p_ap;
            linalg::axpy(s, step, pb, xb);
            linalg::axpy(s, -step, apb, rb);
            let rs_new = linalg::dot(s, rb, rb);
            if rs_new < RESIDUAL_FLOOR {
                active[b] = false;
                pb.fill(0.0);
                continue;
            }
            linalg::xpby(s, rb, rs_new / rs[b], pb);
            rs[b] = rs_new;
        }
    }
}
