//! Bayesian personalised ranking (Rendle et al., "BPR: Bayesian Personalized Ranking from
//! Implicit Feedback", UAI 2009): matrix factorisation with an item bias, trained by stochastic
//! gradient ascent on `ln σ(x_u·(y_i - y_j) + b_i - b_j)` over observed items `i` and uniformly
//! sampled unobserved items `j`.
//!
//! With one thread the samples are drawn from one seeded stream and applied in order, so a seed
//! gives the same model every time. With more threads each thread draws its own stream and
//! updates the shared factors without locks (Hogwild, Niu et al. 2011): faster, and the result
//! then varies slightly from run to run. The factors are stored as relaxed atomics so those
//! races stay defined behaviour.
//!
//! Score: `user · item + bias`. A user the model has not seen (or whose history differs from
//! the trained one) is folded in by the same gradient steps on a fresh user vector, with the
//! items fixed, from a stream seeded by the history. Not here: weights (BPR reads pairs only).

use std::sync::atomic::{AtomicU32, Ordering::Relaxed};

use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use crate::als::{row_signature, Factors};
use crate::linalg::{mix64, Rng};
use crate::{artifact, Error, InnerProduct, Query, Recommender, Result, TrainData};

#[cfg(test)]
mod tests;

const MODEL: &str = "bpr";

/// BPR hyper-parameters. Defaults were tuned on the validation item of Amazon Beauty (never on
/// the test item): uniform-negative SGD converges slowly, so validation NDCG@10 still grows
/// with epochs (lr 0.2: 150 epochs 0.031, 300 0.035, 500 0.037) and a learning rate of 0.2-0.3
/// is best (0.5 loses 5%); 300 epochs at 0.3 is the compromise with training time.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct BprConfig {
    /// Latent dimensions (1..=1024).
    pub factors: usize,
    /// Passes; each draws as many samples as there are observed pairs. At least 1.
    pub epochs: usize,
    /// SGD step size, finite and positive.
    pub learning_rate: f32,
    /// L2 penalty on the factors and biases touched by a step, finite and not negative.
    pub regularization: f32,
    /// Seed of the initial factors and the sample streams.
    pub seed: u64,
}

impl Default for BprConfig {
    fn default() -> Self {
        Self { factors: 64, epochs: 300, learning_rate: 0.3, regularization: 0.01, seed: 42 }
    }
}

impl BprConfig {
    /// Checks every parameter; the error names the parameter, its value and the allowed range.
    pub fn validate(&self) -> Result<()> {
        let bad = |parameter, value: String, expected| {
            Err(Error::Parameter { model: MODEL, parameter, value, expected })
        };
        if self.factors == 0 || self.factors > 1024 {
            return bad("factors", self.factors.to_string(), "an integer from 1 to 1024");
        }
        if self.epochs == 0 {
            return bad("epochs", "0".into(), "at least 1");
        }
        if !(self.learning_rate.is_finite() && self.learning_rate > 0.0) {
            return bad("learning_rate", self.learning_rate.to_string(), "a finite number above 0");
        }
        if !(self.regularization.is_finite() && self.regularization >= 0.0) {
            return bad(
                "regularization",
                self.regularization.to_string(),
                "a finite number, 0 or more",
            );
        }
        Ok(())
    }
}

/// A trained BPR model.
#[derive(Debug, Clone)]
pub struct Bpr {
    config: BprConfig,
    n_users: usize,
    n_items: usize,
    /// `n_users × factors`.
    user_factors: Vec<f32>,
    /// `n_items × factors`.
    item_factors: Vec<f32>,
    item_bias: Vec<f32>,
    signatures: Vec<u64>,
}

/// Trains BPR on the observed pairs of the interaction matrix.
pub fn fit(config: &BprConfig, data: &TrainData<'_>) -> Result<Bpr> {
    config.validate()?;
    let m = data.matrix;
    let (n_users, n_items, k) = (m.n_rows, m.n_items, config.factors);
    let consistent = m.indptr.len() == n_users + 1
        && m.indptr.windows(2).all(|w| w[0] <= w[1])
        && m.indptr.last().map(|&p| p as usize) == Some(m.nnz())
        && m.indices.iter().all(|&i| (i as usize) < n_items);
    if n_users == 0 || n_items < 2 || m.nnz() == 0 || !consistent {
        return Err(Error::NoData {
            model: MODEL,
            detail: format!(
                "BPR needs at least one interaction and two items; the matrix has {n_users} users × {n_items} items and {} pairs{}",
                m.nnz(),
                if consistent { "" } else { " and is inconsistent" }
            ),
        });
    }
    let span = tracing::info_span!("bpr.fit", n_users, n_items, nnz = m.nnz(), factors = k);
    let _guard = span.enter();
    let too_large = || Error::TooLarge {
        model: MODEL,
        detail: format!("{n_users} users and {n_items} items × {k} factors do not fit in memory"),
    };
    n_users.checked_mul(k).and(n_items.checked_mul(k)).ok_or_else(too_large)?;
    let mut rng = Rng::new(config.seed);
    let scale = 0.1 / (k as f32).sqrt();
    let mut init = |rows: usize| -> Vec<AtomicU32> {
        (0..rows * k).map(|_| AtomicU32::new(((rng.next_f32() - 0.5) * scale).to_bits())).collect()
    };
    let params = Params {
        k,
        users: init(n_users),
        items: init(n_items),
        bias: (0..n_items).map(|_| AtomicU32::new(0)).collect(),
        lr: config.learning_rate,
        reg: config.regularization,
    };
    // The user of each stored pair, so pairs can be sampled uniformly.
    let mut pair_user = Vec::with_capacity(m.nnz());
    for u in 0..n_users {
        pair_user.extend(std::iter::repeat_n(u as u32, (m.indptr[u + 1] - m.indptr[u]) as usize));
    }
    let threads = if data.threads == 0 { rayon::current_num_threads() } else { data.threads };
    let pool = rayon::ThreadPoolBuilder::new().num_threads(threads).build().map_err(|e| {
        Error::Parameter {
            model: MODEL,
            parameter: "threads",
            value: format!("{threads} ({e})"),
            expected: "a thread count the system can start",
        }
    })?;
    let per_stream = m.nnz().div_ceil(threads);
    for epoch in 0..config.epochs as u64 {
        pool.install(|| {
            (0..threads as u64).into_par_iter().for_each(|stream| {
                let mut rng = Rng::new(mix64(config.seed ^ mix64(epoch << 16 | stream)));
                for _ in 0..per_stream {
                    let p = rng.below(m.nnz());
                    let u = pair_user[p] as usize;
                    let seen = &m.indices[m.indptr[u] as usize..m.indptr[u + 1] as usize];
                    if let Some(j) = negative(&mut rng, seen, n_items) {
                        params.step(&params.users[u * k..(u + 1) * k], m.indices[p] as usize, j);
                    }
                }
            });
        });
        tracing::debug!(epoch, "bpr epoch");
    }
    let plain = |v: Vec<AtomicU32>| v.into_iter().map(|a| f32::from_bits(a.into_inner())).collect();
    let signatures = (0..n_users)
        .map(|u| {
            let (a, b) = (m.indptr[u] as usize, m.indptr[u + 1] as usize);
            row_signature(&m.indices[a..b], &m.weights[a..b])
        })
        .collect();
    Ok(Bpr {
        config: config.clone(),
        n_users,
        n_items,
        user_factors: plain(params.users),
        item_factors: plain(params.items),
        item_bias: plain(params.bias),
        signatures,
    })
}

/// A uniformly drawn item not in the sorted `seen`, or `None` after a few tries (a user who
/// has seen almost everything).
fn negative(rng: &mut Rng, seen: &[u32], n_items: usize) -> Option<usize> {
    (0..16).map(|_| rng.below(n_items)).find(|&j| seen.binary_search(&(j as u32)).is_err())
}

/// The shared parameters during training.
struct Params {
    k: usize,
    users: Vec<AtomicU32>,
    items: Vec<AtomicU32>,
    bias: Vec<AtomicU32>,
    lr: f32,
    reg: f32,
}

fn get(a: &AtomicU32) -> f32 {
    f32::from_bits(a.load(Relaxed))
}

fn set(a: &AtomicU32, v: f32) {
    a.store(v.to_bits(), Relaxed);
}

impl Params {
    /// One ascent step on `ln σ(x·(y_i - y_j) + b_i - b_j)` for the user row `x`.
    fn step(&self, x: &[AtomicU32], i: usize, j: usize) {
        let k = self.k;
        let (yi, yj) = (&self.items[i * k..(i + 1) * k], &self.items[j * k..(j + 1) * k]);
        let mut diff = get(&self.bias[i]) - get(&self.bias[j]);
        for ((x, yi), yj) in x.iter().zip(yi).zip(yj) {
            diff += get(x) * (get(yi) - get(yj));
        }
        let g = sigmoid(-diff);
        let (lr, reg) = (self.lr, self.reg);
        for ((x, yi), yj) in x.iter().zip(yi).zip(yj) {
            let (xv, yiv, yjv) = (get(x), get(yi), get(yj));
            set(x, xv + lr * (g * (yiv - yjv) - reg * xv));
            set(yi, yiv + lr * (g * xv - reg * yiv));
            set(yj, yjv + lr * (-g * xv - reg * yjv));
        }
        let (bi, bj) = (get(&self.bias[i]), get(&self.bias[j]));
        set(&self.bias[i], bi + lr * (g - reg * bi));
        set(&self.bias[j], bj + lr * (-g - reg * bj));
    }
}

fn sigmoid(x: f32) -> f32 {
    1.0 / (1.0 + (-x).exp())
}

impl Bpr {
    /// The configuration the model was trained with.
    pub fn config(&self) -> &BprConfig {
        &self.config
    }

    /// Latent dimensions.
    pub fn factors(&self) -> usize {
        self.config.factors
    }

    /// The user factors, one row per training user.
    pub fn user_factors(&self) -> Factors<'_> {
        Factors::new(&self.user_factors, self.config.factors, self.config.factors)
    }

    /// The item factors, one row per item.
    pub fn item_factors(&self) -> Factors<'_> {
        Factors::new(&self.item_factors, self.config.factors, self.config.factors)
    }

    /// The item biases.
    pub fn item_bias(&self) -> &[f32] {
        &self.item_bias
    }

    /// The user vector for a query: the stored one of a known user whose history is the
    /// trained one (or empty), otherwise a fold-in of the history.
    pub fn user_vector(&self, query: &Query<'_>) -> Vec<f32> {
        let k = self.config.factors;
        if let Some(u) = query.user.map(|u| u as usize).filter(|&u| u < self.n_users) {
            if query.items.is_empty()
                || self.signatures[u] == row_signature(query.items, query.weights)
            {
                return self.user_factors[u * k..(u + 1) * k].to_vec();
            }
        }
        let mut seen: Vec<u32> =
            query.items.iter().copied().filter(|&i| (i as usize) < self.n_items).collect();
        seen.sort_unstable();
        seen.dedup();
        let mut x = vec![0.0f32; k];
        if seen.is_empty() {
            return x;
        }
        let (lr, reg) = (self.config.learning_rate, self.config.regularization);
        let mut rng = Rng::new(mix64(self.config.seed ^ row_signature(&seen, &[])));
        let steps = (seen.len() * 100).clamp(1000, 20_000);
        for _ in 0..steps {
            let i = seen[rng.below(seen.len())] as usize;
            let Some(j) = negative(&mut rng, &seen, self.n_items) else { break };
            let (yi, yj) =
                (&self.item_factors[i * k..(i + 1) * k], &self.item_factors[j * k..(j + 1) * k]);
            let mut diff = self.item_bias[i] - self.item_bias[j];
            for ((x, a), b) in x.iter().zip(yi).zip(yj) {
                diff += x * (a - b);
            }
            let g = sigmoid(-diff);
            for ((x, a), b) in x.iter_mut().zip(yi).zip(yj) {
                *x += lr * (g * (a - b) - reg * *x);
            }
        }
        x
    }

    /// Reads the payload written by [`Recommender::save`].
    pub fn load(input: &mut artifact::Reader<'_>) -> Result<Self> {
        let meta: Meta = input.json()?;
        meta.config.validate()?;
        let k = meta.config.factors;
        let user_factors = input.f32s()?;
        let item_factors = input.f32s()?;
        let item_bias = input.f32s()?;
        let signatures = input.u64s()?;
        if Some(user_factors.len()) != meta.n_users.checked_mul(k)
            || Some(item_factors.len()) != meta.n_items.checked_mul(k)
            || item_bias.len() != meta.n_items
            || signatures.len() != meta.n_users
        {
            return Err(Error::Artifact(format!(
                "BPR sections do not match {} users × {} items × {k} factors; the file is corrupt",
                meta.n_users, meta.n_items
            )));
        }
        Ok(Self {
            config: meta.config,
            n_users: meta.n_users,
            n_items: meta.n_items,
            user_factors,
            item_factors,
            item_bias,
            signatures,
        })
    }
}

/// The first payload section: shape and configuration.
#[derive(Serialize, Deserialize)]
struct Meta {
    config: BprConfig,
    n_users: usize,
    n_items: usize,
}

/// BPR's score `x·y + b` is the inner product of `[x, 1]` and `[y, b]`.
impl InnerProduct for Bpr {
    fn dim(&self) -> usize {
        self.config.factors + 1
    }

    fn query_vector(&self, query: &Query<'_>) -> Vec<f32> {
        let mut x = self.user_vector(query);
        x.push(1.0);
        x
    }

    fn item_vectors(&self) -> Vec<f32> {
        self.item_factors
            .chunks_exact(self.config.factors.max(1))
            .zip(&self.item_bias)
            .flat_map(|(y, &b)| y.iter().copied().chain(std::iter::once(b)))
            .collect()
    }
}

impl Recommender for Bpr {
    fn inner_product(&self) -> Option<&dyn InnerProduct> {
        Some(self)
    }

    fn name(&self) -> &'static str {
        MODEL
    }

    fn n_items(&self) -> usize {
        self.n_items
    }

    fn score(&self, query: &Query<'_>, scores: &mut [f32]) {
        let x = self.user_vector(query);
        let k = self.config.factors;
        let n = scores.len().min(self.n_items);
        let (head, tail) = scores.split_at_mut(n);
        tail.fill(f32::NEG_INFINITY);
        for ((s, y), b) in
            head.iter_mut().zip(self.item_factors.chunks_exact(k)).zip(&self.item_bias)
        {
            *s = x.iter().zip(y).map(|(a, b)| a * b).sum::<f32>() + b;
        }
    }

    fn save(&self, out: &mut artifact::Writer<'_>) -> Result<()> {
        out.json(&Meta {
            config: self.config.clone(),
            n_users: self.n_users,
            n_items: self.n_items,
        })?;
        out.f32s(&self.user_factors)?;
        out.f32s(&self.item_factors)?;
        out.f32s(&self.item_bias)?;
        out.u64s(&self.signatures)
    }
}
