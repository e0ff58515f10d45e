//! ALS training: the confidence matrix in both orientations, the Gram matrix `YᵀY`, the
//! alternation of half-steps (the row solver is in `cg.rs`) and the optional training loss.
//!
//! Each half-step solves, for every row `u` independently,
//! `(YᵀY + λI + Yᵤᵀ (Cᵤ - I) Yᵤ) xᵤ = Yᵤᵀ cᵤ` with `cg_steps` CG steps started from the previous
//! `xᵤ`, so `YᵀY` is computed once per half-step and each row costs `O(k² + nᵤ k)` per step.
//! Rows are spread over a dedicated rayon pool; every row is computed the same way whatever the
//! thread count and `YᵀY` is summed over fixed chunks in a fixed order, so a seed gives the
//! same model with any number of threads.

use pulp::{Arch, Simd, WithSimd};
use rayon::prelude::*;

use super::cg::SolveRows;
use super::{row_signature, Als, AlsConfig, MODEL};
use crate::linalg::{self, padded, Rng};
use crate::{Error, Result, TrainData};

/// Rows per parallel task: large enough to amortise scheduling, small enough to balance.
const ROWS_PER_TASK: usize = 120;

/// Trains ALS on the interaction matrix.
pub fn fit(config: &AlsConfig, data: &TrainData<'_>) -> Result<Als> {
    fit_with_progress(config, data, &mut |_, _| {})
}

/// Trains ALS, calling `progress(iteration, loss)` after each iteration (1-based); the loss is
/// `Some` only with [`AlsConfig::compute_loss`].
pub fn fit_with_progress(
    config: &AlsConfig,
    data: &TrainData<'_>,
    progress: &mut dyn FnMut(usize, Option<f32>),
) -> Result<Als> {
    config.validate()?;
    let m = data.matrix;
    let users = Side::from_matrix(config, m)?;
    if users.nnz_valid == 0 {
        return Err(Error::NoData {
            model: MODEL,
            detail: format!(
                "the interaction matrix ({} users × {} items) has no positive interactions; import behaviour first",
                m.n_rows, m.n_items
            ),
        });
    }
    let (k, stride) = (config.factors, padded(config.factors));
    let (n_users, n_items) = (m.n_rows, m.n_items);
    let too_large = || Error::TooLarge {
        model: MODEL,
        detail: format!("{n_users} users and {n_items} items × {k} factors do not fit in memory"),
    };
    let user_len = n_users.checked_mul(stride).ok_or_else(too_large)?;
    let item_len = n_items.checked_mul(stride).ok_or_else(too_large)?;
    let span = tracing::info_span!("als.fit", n_users, n_items, nnz = m.nnz(), factors = k);
    let _guard = span.enter();

    let items = users.transpose(n_items);
    let pool = rayon::ThreadPoolBuilder::new().num_threads(data.threads).build().map_err(|e| {
        Error::Parameter {
            model: MODEL,
            parameter: "threads",
            value: format!("{} ({e})", data.threads),
            expected: "a thread count the system can start",
        }
    })?;

    // Small uniform values as in `implicit`; the padding columns stay exactly zero throughout.
    let mut rng = Rng::new(config.seed);
    let mut init = |len: usize| -> Vec<f32> {
        (0..len).map(|n| if n % stride < k { rng.next_f32() * 0.01 } else { 0.0 }).collect()
    };
    let mut x = init(user_len);
    let mut y = init(item_len);
    let solver = Solver {
        k,
        stride,
        cg_steps: config.cg_steps,
        lambda: config.regularization,
        scaled: config.scale_regularization,
    };
    for iteration in 1..=config.iterations {
        // Items first, users last: the stored user factors then answer the final item factors,
        // which is what a fold-in of the same history computes.
        pool.install(|| solver.half_step(&items, &x, &mut y));
        pool.install(|| solver.half_step(&users, &y, &mut x));
        let loss =
            config.compute_loss.then(|| pool.install(|| solver.loss(&users, &items, &x, &y)));
        tracing::debug!(iteration, ?loss, "als iteration");
        progress(iteration, loss);
    }
    let signatures = (0..n_users)
        .map(|u| {
            let (a, b) = (m.indptr[u] as usize, m.indptr[u + 1] as usize);
            row_signature(&m.indices[a..b], &m.weights[a..b])
        })
        .collect();
    Ok(pool.install(|| Als::from_parts(config.clone(), n_users, n_items, x, y, signatures)))
}

/// One orientation of the confidence matrix (users × items or items × users), CSR.
pub(super) struct Side {
    indptr: Vec<usize>,
    indices: Vec<u32>,
    /// Confidence of each pair; 0 marks a pair to skip.
    conf: Vec<f32>,
    nnz_valid: usize,
}

impl Side {
    /// Checks the matrix's shape (its fields are public, so a hand-built one may be
    /// inconsistent) and computes the confidences.
    fn from_matrix(config: &AlsConfig, m: &aisle_domain::InteractionMatrix) -> Result<Self> {
        let broken = |what: &str| {
            Err(Error::NoData {
                model: MODEL,
                detail: format!("the interaction matrix is inconsistent ({what}); rebuild it"),
            })
        };
        if m.n_rows == 0 || m.n_items == 0 {
            return Err(Error::NoData {
                model: MODEL,
                detail: format!(
                    "the interaction matrix has {} users and {} items; import behaviour first",
                    m.n_rows, m.n_items
                ),
            });
        }
        if m.indptr.len() != m.n_rows + 1 || m.indptr.first() != Some(&0) {
            return broken("indptr length");
        }
        if m.indptr.windows(2).any(|w| w[0] > w[1]) || m.indptr[m.n_rows] as usize != m.nnz() {
            return broken("indptr not increasing or not ending at the number of pairs");
        }
        if m.weights.len() != m.nnz() || m.indices.iter().any(|&i| i as usize >= m.n_items) {
            return broken("weights length or an item index out of range");
        }
        let conf: Vec<f32> = m.weights.iter().map(|&w| config.confidence(w)).collect();
        let nnz_valid = conf.iter().filter(|&&c| c > 0.0).count();
        let indptr = m.indptr.iter().map(|&p| p as usize).collect();
        Ok(Self { indptr, indices: m.indices.clone(), conf, nnz_valid })
    }

    /// The other orientation, by a counting sort on the columns (rows stay sorted).
    fn transpose(&self, n_cols: usize) -> Self {
        let mut indptr = vec![0usize; n_cols + 1];
        for &c in &self.indices {
            indptr[c as usize + 1] += 1;
        }
        for c in 0..n_cols {
            indptr[c + 1] += indptr[c];
        }
        let mut next = indptr.clone();
        let mut indices = vec![0u32; self.indices.len()];
        let mut conf = vec![0.0f32; self.indices.len()];
        for row in 0..self.indptr.len() - 1 {
            for p in self.indptr[row]..self.indptr[row + 1] {
                let slot = &mut next[self.indices[p] as usize];
                indices[*slot] = row as u32;
                conf[*slot] = self.conf[p];
                *slot += 1;
            }
        }
        Self { indptr, indices, conf, nnz_valid: self.nnz_valid }
    }

    fn rows(&self) -> usize {
        self.indptr.len() - 1
    }

    /// Interactions of row `r` that carry a preference.
    pub(super) fn valid(&self, r: usize) -> usize {
        self.row(r).1.iter().filter(|&&c| c > 0.0).count()
    }

    pub(super) fn row(&self, r: usize) -> (&[u32], &[f32]) {
        let (a, b) = (self.indptr[r], self.indptr[r + 1]);
        (&self.indices[a..b], &self.conf[a..b])
    }
}

/// `YᵀY` of padded rows (`stride × stride`, without the ridge), summed over fixed chunks in a
/// fixed order so the result does not depend on the thread count.
pub(super) fn gram(y: &[f32], stride: usize, k: usize) -> Vec<f32> {
    let rows = y.len() / stride;
    let chunk_rows = rows.div_ceil(64).max(2048);
    let partials: Vec<Vec<f32>> = y
        .par_chunks(chunk_rows * stride)
        .map(|chunk| {
            let mut g = vec![0.0f32; stride * stride];
            Arch::new().dispatch(GramChunk { g: &mut g, stride, k, rows: chunk });
            g
        })
        .collect();
    let mut g = vec![0.0f32; stride * stride];
    for part in partials {
        for (a, b) in g.iter_mut().zip(part) {
            *a += b;
        }
    }
    linalg::mirror_upper(&mut g, stride, k);
    g
}

struct GramChunk<'a> {
    g: &'a mut [f32],
    stride: usize,
    k: usize,
    rows: &'a [f32],
}

impl WithSimd for GramChunk<'_> {
    type Output = ();
    #[inline(always)]
    fn with_simd<S: Simd>(self, s: S) {
        linalg::gram_add(s, self.g, self.stride, self.k, self.rows);
    }
}

pub(super) struct Solver {
    pub(super) k: usize,
    pub(super) stride: usize,
    pub(super) cg_steps: usize,
    pub(super) lambda: f32,
    /// λ is multiplied by each row's number of interactions instead of added to `YᵀY`.
    pub(super) scaled: bool,
}

impl Solver {
    /// Recomputes every row of `x` against the fixed `y`.
    fn half_step(&self, side: &Side, y: &[f32], x: &mut [f32]) {
        let mut g = gram(y, self.stride, self.k);
        if !self.scaled {
            for i in 0..self.k {
                g[i * self.stride + i] += self.lambda;
            }
        }
        x.par_chunks_mut(ROWS_PER_TASK * self.stride).enumerate().for_each(|(task, x)| {
            let first = task * ROWS_PER_TASK;
            Arch::new().dispatch(SolveRows { solver: self, side, y, g: &g, first, x });
        });
    }

    /// The weighted squared error plus the ridge, divided by the total confidence of all
    /// user × item cells (as `implicit` reports it).
    fn loss(&self, users: &Side, items: &Side, x: &[f32], y: &[f32]) -> f32 {
        let g = gram(y, self.stride, self.k);
        let per_task: Vec<(f64, f64)> = x
            .par_chunks(ROWS_PER_TASK * self.stride)
            .enumerate()
            .map(|(task, x)| {
                let first = task * ROWS_PER_TASK;
                Arch::new().dispatch(LossRows { solver: self, side: users, y, g: &g, first, x })
            })
            .collect();
        let (mut error, mut weight) = (0.0, 0.0);
        for (e, w) in per_task {
            error += e;
            weight += w;
        }
        // Σ_rows λ_row |row|², with λ_row = λ, or λ × interactions when scaled.
        let ridge = |v: &[f32], side: &Side| -> f64 {
            let rows = v.chunks_exact(self.stride).enumerate();
            rows.map(|(r, row)| {
                let norm = row.iter().map(|&a| f64::from(a) * f64::from(a)).sum::<f64>();
                norm * if self.scaled { side.valid(r) as f64 } else { 1.0 }
            })
            .sum()
        };
        let cells = (users.rows() * (y.len() / self.stride)) as f64;
        let total = cells + weight - users.nnz_valid as f64;
        let penalty = f64::from(self.lambda) * (ridge(x, users) + ridge(y, items));
        ((error + penalty) / total.max(1.0)) as f32
    }
}

struct LossRows<'a> {
    solver: &'a Solver,
    side: &'a Side,
    y: &'a [f32],
    g: &'a [f32],
    first: usize,
    x: &'a [f32],
}

impl WithSimd for LossRows<'_> {
    /// (error, total confidence of the observed pairs).
    type Output = (f64, f64);
    #[inline(always)]
    fn with_simd<S: Simd>(self, s: S) -> (f64, f64) {
        let Self { solver, side, y, g, first, x } = self;
        let (k, stride) = (solver.k, solver.stride);
        let mut gx = vec![0.0f32; stride];
        let (mut error, mut weight) = (0.0f64, 0.0f64);
        for (n, x) in x.chunks_exact(stride).enumerate() {
            // Every cell as if unobserved (Σ_i (x·y_i)² = xᵀ YᵀY x), then the observed ones fixed.
            linalg::symv(s, g, stride, k, x, &mut gx);
            error += f64::from(linalg::dot(s, x, &gx));
            let (items, conf) = side.row(first + n);
            for (&i, &c) in items.iter().zip(conf).filter(|(_, &c)| c > 0.0) {
                let yi = &y[i as usize * stride..(i as usize + 1) * stride];
                let score = f64::from(linalg::dot(s, yi, x));
                error += f64::from(c) * (1.0 - score) * (1.0 - score) - score * score;
                weight += f64::from(c);
            }
        }
        (error, weight)
    }
}
