//! Implicit-feedback matrix factorisation by alternating least squares (Hu, Koren and Volinsky,
//! "Collaborative Filtering for Implicit Feedback Datasets", ICDM 2008), solved with a few
//! warm-started conjugate-gradient steps per row (Takács, Pilászy and Tikk, RecSys 2011), the
//! method of the `implicit` library.
//!
//! Every observed pair is a preference of 1 with confidence `c = 1 + alpha * weight` (or
//! `1 + alpha * ln(1 + weight / epsilon)` with log scaling); unobserved pairs are preferences of
//! 0 with confidence 1. A score is `user · item`. A query from a user the model has not seen, or
//! whose history differs from the one trained on, is folded in: one exact least-squares user
//! step (a Cholesky solve of the `k × k` system) against the trained item factors.
//!
//! Training lives in `train.rs` (alternation, `YᵀY`, loss) and `cg.rs` (the row solver), the
//! fold-in in `fold_in.rs`; this file holds the configuration, the model, scoring and the
//! artifact payload. It does not evaluate or tune: that is the evaluation crate's job.

mod cg;
mod fold_in;
mod train;

#[cfg(test)]
mod tests;

use pulp::Arch;
use serde::{Deserialize, Serialize};

use crate::linalg::{self, padded, Dots};
use crate::{artifact, Error, InnerProduct, Query, Recommender, Result};

pub use train::{fit, fit_with_progress};

const MODEL: &str = "als";
/// Largest accepted factor count: the `k × k` systems stay small enough for per-row solves.
const MAX_FACTORS: usize = 1024;

/// ALS hyper-parameters. The defaults were tuned on the validation item of Amazon Beauty
/// (leave-one-out, weights of 1; never on the test item). Validation NDCG@10 at 128 factors:
/// plain λ peaks at 0.042 (alpha 40, λ 30, flat within 3% for alpha 20-80 and λ 0.1-60);
/// λ scaled by the interaction count reaches 0.045 (alpha 40-80, λ 5-15), and at 64 factors
/// 0.040 against 0.036. Scaled λ collapses the factors once `λ` nears `alpha × weight / 2`
/// (alpha 40, λ 20 already loses 13%), so keep `λ` well below `alpha` times the typical weight,
/// or turn scaling off, when weights are far from 1.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct AlsConfig {
    /// Latent dimensions (1..=1024).
    pub factors: usize,
    /// Alternations (one item half-step, then one user half-step), at least 1.
    pub iterations: usize,
    /// L2 penalty on every factor row (`λ`), finite and not negative.
    pub regularization: f32,
    /// Multiply λ by each user's and item's number of interactions ("weighted-λ
    /// regularization", Zhou et al. 2008) instead of using it as is.
    pub scale_regularization: bool,
    /// Confidence slope: `c = 1 + alpha * weight`; finite and not negative.
    pub alpha: f32,
    /// Use `c = 1 + alpha * ln(1 + weight / epsilon)` instead, for heavy-tailed weights.
    pub log_scaling: bool,
    /// The weight scale of log scaling, finite and positive.
    pub epsilon: f32,
    /// Conjugate-gradient steps per row and half-step (1..=64); 3 is the usual choice.
    pub cg_steps: usize,
    /// Seed of the initial factors.
    pub seed: u64,
    /// Compute the training loss after each iteration (costs about one extra half-step).
    pub compute_loss: bool,
}

impl Default for AlsConfig {
    fn default() -> Self {
        Self {
            factors: 64,
            iterations: 15,
            regularization: 10.0,
            scale_regularization: true,
            alpha: 60.0,
            log_scaling: false,
            epsilon: 1.0,
            cg_steps: 3,
            seed: 42,
            compute_loss: false,
        }
    }
}

impl AlsConfig {
    /// Checks every parameter; the error names the parameter, its value and the allowed range.
    pub fn validate(&self) -> Result<()> {
        let bad = |parameter, value: String, expected| {
            Err(Error::Parameter { model: MODEL, parameter, value, expected })
        };
        if self.factors == 0 || self.factors > MAX_FACTORS {
            return bad("factors", self.factors.to_string(), "an integer from 1 to 1024");
        }
        if self.iterations == 0 {
            return bad("iterations", "0".into(), "at least 1");
        }
        if self.cg_steps == 0 || self.cg_steps > 64 {
            return bad("cg_steps", self.cg_steps.to_string(), "an integer from 1 to 64");
        }
        for (name, value) in [("regularization", self.regularization), ("alpha", self.alpha)] {
            if !(value.is_finite() && value >= 0.0) {
                return bad(name, value.to_string(), "a finite number, 0 or more");
            }
        }
        if !(self.epsilon.is_finite() && self.epsilon > 0.0) {
            return bad("epsilon", self.epsilon.to_string(), "a finite number above 0");
        }
        Ok(())
    }

    /// The confidence of an observed weight; 0 marks a pair to skip (a weight that is not a
    /// finite positive number carries no preference).
    pub(crate) fn confidence(&self, weight: f32) -> f32 {
        if !(weight.is_finite() && weight > 0.0) {
            return 0.0;
        }
        let scaled = if self.log_scaling { (weight / self.epsilon).ln_1p() } else { weight };
        let c = 1.0 + self.alpha * scaled;
        if c.is_finite() {
            c
        } else {
            0.0
        }
    }
}

/// A read-only view of a factor matrix: one row of [`Factors::dim`] values per user or item.
#[derive(Debug, Clone, Copy)]
pub struct Factors<'a> {
    values: &'a [f32],
    dim: usize,
    stride: usize,
}

impl<'a> Factors<'a> {
    pub(crate) fn new(values: &'a [f32], dim: usize, stride: usize) -> Self {
        Self { values, dim, stride }
    }

    /// Number of rows.
    pub fn rows(&self) -> usize {
        self.values.len().checked_div(self.stride).unwrap_or(0)
    }

    /// Values per row.
    pub fn dim(&self) -> usize {
        self.dim
    }

    /// Row `i`, or `None` past the end.
    pub fn row(&self, i: usize) -> Option<&'a [f32]> {
        let start = i.checked_mul(self.stride)?;
        self.values.get(start..start + self.dim)
    }

    /// Every row in order.
    pub fn iter(&self) -> impl Iterator<Item = &'a [f32]> + 'a {
        let dim = self.dim;
        self.values.chunks_exact(self.stride.max(1)).map(move |row| &row[..dim])
    }

    /// The rows as one unpadded `rows × dim` array.
    pub fn to_vec(&self) -> Vec<f32> {
        self.iter().flatten().copied().collect()
    }
}

/// A trained ALS model.
#[derive(Debug, Clone)]
pub struct Als {
    config: AlsConfig,
    stride: usize,
    n_users: usize,
    n_items: usize,
    /// `n_users × stride`, zero-padded rows.
    user_factors: Vec<f32>,
    /// `n_items × stride`, zero-padded rows.
    item_factors: Vec<f32>,
    /// An order-independent hash of each user's training row, to tell whether a query's
    /// history is the one the stored user factors were trained on.
    signatures: Vec<u64>,
    /// `YᵀY + λI` of the item factors (`stride × stride`; without `λI` when λ is scaled), the
    /// fixed part of every fold-in.
    gram: Vec<f32>,
}

impl Als {
    /// The configuration the model was trained with.
    pub fn config(&self) -> &AlsConfig {
        &self.config
    }

    /// Latent dimensions.
    pub fn factors(&self) -> usize {
        self.config.factors
    }

    /// Users the model was trained on.
    pub fn n_users(&self) -> usize {
        self.n_users
    }

    /// The user factors, one row per training user.
    pub fn user_factors(&self) -> Factors<'_> {
        Factors::new(&self.user_factors, self.config.factors, self.stride)
    }

    /// The item factors, one row per item.
    pub fn item_factors(&self) -> Factors<'_> {
        Factors::new(&self.item_factors, self.config.factors, self.stride)
    }

    /// The user vector for a query (`factors()` long): the stored factors of a known user whose
    /// history is the trained one (or empty), otherwise a fold-in of the history.
    pub fn user_vector(&self, query: &Query<'_>) -> Vec<f32> {
        let mut x = self.query_vector(query);
        x.truncate(self.config.factors);
        x
    }

    /// The padded user vector for a query.
    fn query_vector(&self, query: &Query<'_>) -> Vec<f32> {
        if let Some(u) = query.user.map(|u| u as usize).filter(|&u| u < self.n_users) {
            if query.items.is_empty()
                || self.signatures[u] == row_signature(query.items, query.weights)
            {
                return self.user_factors[u * self.stride..(u + 1) * self.stride].to_vec();
            }
        }
        self.fold_in(query.items, query.weights)
    }

    pub(crate) fn from_parts(
        config: AlsConfig,
        n_users: usize,
        n_items: usize,
        user_factors: Vec<f32>,
        item_factors: Vec<f32>,
        signatures: Vec<u64>,
    ) -> Self {
        let stride = padded(config.factors);
        let mut gram = train::gram(&item_factors, stride, config.factors);
        if !config.scale_regularization {
            for i in 0..config.factors {
                gram[i * stride + i] += config.regularization;
            }
        }
        Self { config, stride, n_users, n_items, user_factors, item_factors, signatures, gram }
    }

    /// Reads the payload written by [`Recommender::save`].
    pub fn load(input: &mut artifact::Reader<'_>) -> Result<Self> {
        let meta: Meta = input.json()?;
        meta.config.validate()?;
        let k = meta.config.factors;
        let users = input.f32s()?;
        let items = input.f32s()?;
        let signatures = input.u64s()?;
        let fits = |values: &[f32], rows: usize| Some(values.len()) == rows.checked_mul(k);
        if !fits(&users, meta.n_users)
            || !fits(&items, meta.n_items)
            || signatures.len() != meta.n_users
        {
            return Err(Error::Artifact(format!(
                "ALS factor sections do not match {} users × {} items × {k} factors; the file is corrupt",
                meta.n_users, meta.n_items
            )));
        }
        let (users, items) = (pad_rows(&users, k), pad_rows(&items, k));
        Ok(Self::from_parts(meta.config, meta.n_users, meta.n_items, users, items, signatures))
    }
}

/// The first payload section: shape and configuration.
#[derive(Serialize, Deserialize)]
struct Meta {
    config: AlsConfig,
    n_users: usize,
    n_items: usize,
}

/// Copies unpadded `dim`-long rows into rows of the padded stride.
fn pad_rows(values: &[f32], dim: usize) -> Vec<f32> {
    let stride = padded(dim);
    if stride == dim {
        return values.to_vec();
    }
    let mut out = vec![0.0f32; values.len() / dim.max(1) * stride];
    for (dst, src) in out.chunks_exact_mut(stride).zip(values.chunks_exact(dim)) {
        dst[..dim].copy_from_slice(src);
    }
    out
}

/// An order-independent hash of a history (item, weight bits; a missing weight counts as 1).
pub(crate) fn row_signature(items: &[u32], weights: &[f32]) -> u64 {
    let mut sum = items.len() as u64;
    for (n, &item) in items.iter().enumerate() {
        let weight = weights.get(n).copied().unwrap_or(1.0);
        sum = sum.wrapping_add(linalg::mix64(u64::from(item) << 32 | u64::from(weight.to_bits())));
    }
    linalg::mix64(sum)
}

impl InnerProduct for Als {
    fn dim(&self) -> usize {
        self.config.factors
    }

    fn query_vector(&self, query: &Query<'_>) -> Vec<f32> {
        self.user_vector(query)
    }

    fn item_vectors(&self) -> Vec<f32> {
        self.item_factors().to_vec()
    }
}

impl Recommender for Als {
    fn name(&self) -> &'static str {
        MODEL
    }

    fn inner_product(&self) -> Option<&dyn InnerProduct> {
        Some(self)
    }

    fn n_items(&self) -> usize {
        self.n_items
    }

    fn score(&self, query: &Query<'_>, scores: &mut [f32]) {
        let user = self.query_vector(query);
        let n = scores.len().min(self.n_items);
        let (head, tail) = scores.split_at_mut(n);
        tail.fill(f32::NEG_INFINITY);
        let items = &self.item_factors[..n * self.stride];
        Arch::new().dispatch(Dots { query: &user, rows: items, stride: self.stride, out: head });
    }

    fn save(&self, out: &mut artifact::Writer<'_>) -> Result<()> {
        out.json(&Meta {
            config: self.config.clone(),
            n_users: self.n_users,
            n_items: self.n_items,
        })?;
        if self.stride == self.config.factors {
            out.f32s(&self.user_factors)?;
            out.f32s(&self.item_factors)?;
        } else {
            out.f32s(&self.user_factors().to_vec())?;
            out.f32s(&self.item_factors().to_vec())?;
        }
        out.u64s(&self.signatures)
    }
}
