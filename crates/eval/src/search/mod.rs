//! Hyper-parameter search on the validation split: grid and seeded random search over a space
//! written `key=v1,v2`, `key=lo..hi`, `key=lo..hi:log` or (for a hybrid's weights)
//! `weights=simplex[:STEP]`, choosing by one target metric (default `NDCG@10`).
//!
//! A search only ever sees the tuning view (train → validation); the test pairs are out of its
//! reach by construction. This module parses and enumerates spaces; `tune` runs them. Neither
//! writes reports.

mod tune;

use rand::Rng;
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;

use crate::metrics::parse_metric_name;
use crate::{Error, Result};
pub(crate) use tune::{search, Run};

/// The metric searches maximize unless told otherwise.
pub const DEFAULT_TARGET: &str = "NDCG@10";
/// The step of `weights=simplex` grids when none is given.
pub const DEFAULT_SIMPLEX_STEP: f64 = 0.1;
/// A search larger than this is refused: it is almost surely a typo in the space.
pub const MAX_TRIALS: usize = 10_000;

/// How candidate configurations are drawn.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Strategy {
    /// Every combination of the listed values.
    Grid,
    /// This many independent draws (seeded); ranges allowed.
    Random {
        /// Number of configurations to try.
        trials: usize,
    },
}

/// The values one parameter may take.
#[derive(Debug, Clone, PartialEq)]
pub enum Domain {
    /// Listed values, passed as text to `ModelConfig::set`.
    Values(Vec<String>),
    /// A numeric range (random search only); whole numbers when both ends are.
    Range {
        /// Low end.
        lo: f64,
        /// High end.
        hi: f64,
        /// Draw uniformly in log space (both ends must be above 0).
        log: bool,
        /// Round draws to whole numbers.
        integer: bool,
    },
    /// Non-negative weights summing to 1, one per component of the current `weights` list: a
    /// lattice with this step for grids, uniform (Dirichlet(1)) draws for random search.
    Simplex {
        /// Lattice step, from 0.001 to 1.
        step: f64,
    },
}

/// One searched parameter.
#[derive(Debug, Clone, PartialEq)]
pub struct Param {
    /// The key `ModelConfig::set` takes.
    pub key: String,
    /// Its values.
    pub domain: Domain,
}

impl Param {
    /// Parses `key=v1,v2,...`, `key=lo..hi`, `key=lo..hi:log` or `weights=simplex[:STEP]`.
    pub fn parse(text: &str) -> Result<Self> {
        let bad = |reason: &str| Error::spec("search space", text, reason);
        let (key, values) = text
            .split_once('=')
            .ok_or_else(|| bad("write `key=v1,v2`, `key=lo..hi` or `key=lo..hi:log`"))?;
        let (key, values) = (key.trim(), values.trim());
        if key.is_empty() || values.is_empty() {
            return Err(bad("both the key and its values are needed"));
        }
        let domain = if let Some(step) = values.strip_prefix("simplex") {
            let step = match step.strip_prefix(':') {
                Some(s) => {
                    s.trim().parse::<f64>().map_err(|_| bad("the simplex step must be a number"))?
                }
                None if step.is_empty() => DEFAULT_SIMPLEX_STEP,
                None => return Err(bad("write `simplex` or `simplex:0.1`")),
            };
            if !(0.001..=1.0).contains(&step) {
                return Err(bad("the simplex step must be from 0.001 to 1"));
            }
            Domain::Simplex { step }
        } else if let Some((lo, hi)) = values.split_once("..") {
            let (hi, log) = match hi.strip_suffix(":log") {
                Some(hi) => (hi, true),
                None => (hi, false),
            };
            let integer = lo.trim().parse::<i64>().is_ok() && hi.trim().parse::<i64>().is_ok();
            let (lo, hi) = match (lo.trim().parse::<f64>(), hi.trim().parse::<f64>()) {
                (Ok(lo), Ok(hi)) if lo.is_finite() && hi.is_finite() && lo <= hi => (lo, hi),
                _ => return Err(bad("a range needs two finite numbers, low first: `lo..hi`")),
            };
            if log && lo <= 0.0 {
                return Err(bad("a log range needs a low end above 0"));
            }
            Domain::Range { lo, hi, log, integer }
        } else {
            Domain::Values(values.split(',').map(|v| v.trim().to_string()).collect())
        };
        Ok(Param { key: key.to_string(), domain })
    }
}

/// A search: strategy, space, target metric and seed.
#[derive(Debug, Clone, PartialEq)]
pub struct SearchSpec {
    /// How configurations are drawn.
    pub strategy: Strategy,
    /// The space.
    pub params: Vec<Param>,
    /// The validation metric to maximize, e.g. `NDCG@10`.
    pub target: String,
    /// Seed of random draws.
    pub seed: u64,
}

impl SearchSpec {
    /// A search over parameters written as [`Param::parse`] reads them, targeting
    /// [`DEFAULT_TARGET`] with seed 0; change the public fields for other choices.
    pub fn new<S: AsRef<str>>(strategy: Strategy, params: &[S]) -> Result<Self> {
        let params = params.iter().map(|p| Param::parse(p.as_ref())).collect::<Result<_>>()?;
        Ok(Self { strategy, params, target: DEFAULT_TARGET.to_string(), seed: 0 })
    }

    /// The target's K, checking that it names a metric.
    pub(crate) fn target_k(&self) -> Result<usize> {
        parse_metric_name(&self.target).map(|(_, k)| k).ok_or_else(|| {
            Error::spec("search target", &self.target, "name a metric at a K, e.g. `NDCG@10`")
        })
    }

    /// Every configuration to try, as `(key, value)` assignments.
    /// `list_len` gives the current length of a list parameter (the number of hybrid components).
    pub(crate) fn trials(
        &self,
        list_len: &dyn Fn(&str) -> usize,
    ) -> Result<Vec<Vec<(String, String)>>> {
        for p in &self.params {
            if matches!(p.domain, Domain::Simplex { .. }) && list_len(&p.key) == 0 {
                return Err(Error::spec(
                    "search space",
                    &p.key,
                    "`simplex` needs a list parameter \
                    with at least one entry (a hybrid's `weights`, with its components set)",
                ));
            }
        }
        let too_many = |n: usize| {
            Error::spec(
                "search space",
                &self.describe_space(),
                format!(
                    "{n} configurations; at most {MAX_TRIALS} (use random search or fewer values)"
                ),
            )
        };
        match self.strategy {
            Strategy::Grid => {
                let mut trials: Vec<Vec<(String, String)>> = vec![Vec::new()];
                for p in &self.params {
                    let values = match &p.domain {
                        Domain::Values(v) => v.clone(),
                        Domain::Simplex { step } => {
                            let size = lattice_size(list_len(&p.key), *step);
                            if trials.len().saturating_mul(size) > MAX_TRIALS {
                                return Err(too_many(trials.len().saturating_mul(size)));
                            }
                            lattice(list_len(&p.key), *step)
                                .iter()
                                .map(|w| weights_text(w))
                                .collect()
                        }
                        Domain::Range { .. } => {
                            return Err(Error::spec(
                                "search space",
                                &p.key,
                                "ranges need random search; list values for a grid",
                            ))
                        }
                    };
                    if trials.len().saturating_mul(values.len()) > MAX_TRIALS {
                        return Err(too_many(trials.len().saturating_mul(values.len())));
                    }
                    trials = trials
                        .iter()
                        .flat_map(|t| {
                            values.iter().map(move |v| {
                                let mut t = t.clone();
                                t.push((p.key.clone(), v.clone()));
                                t
                            })
                        })
                        .collect();
                }
                Ok(trials)
            }
            Strategy::Random { trials } if trials > MAX_TRIALS => Err(too_many(trials)),
            Strategy::Random { trials } => {
                let mut rng = ChaCha8Rng::seed_from_u64(self.seed);
                Ok((0..trials)
                    .map(|_| {
                        self.params
                            .iter()
                            .map(|p| (p.key.clone(), draw(&p.domain, list_len(&p.key), &mut rng)))
                            .collect()
                    })
                    .collect())
            }
        }
    }

    fn describe_space(&self) -> String {
        self.params.iter().map(|p| p.key.as_str()).collect::<Vec<_>>().join(" ")
    }
}

fn draw(domain: &Domain, simplex_size: usize, rng: &mut ChaCha8Rng) -> String {
    match domain {
        Domain::Values(values) => {
            values.get(rng.random_range(0..values.len().max(1))).cloned().unwrap_or_default()
        }
        Domain::Range { lo, hi, log, integer } => {
            let u: f64 = rng.random();
            let x =
                if *log { (lo.ln() + u * (hi.ln() - lo.ln())).exp() } else { lo + u * (hi - lo) };
            if *integer {
                format!("{}", x.round().clamp(*lo, *hi) as i64)
            } else {
                format!("{x}")
            }
        }
        Domain::Simplex { .. } => {
            // Normalized exponentials are a uniform draw from the simplex (Dirichlet(1)).
            let raw: Vec<f64> =
                (0..simplex_size).map(|_| -(1.0 - rng.random::<f64>()).ln()).collect();
            let total: f64 = raw.iter().sum::<f64>().max(f64::MIN_POSITIVE);
            weights_text(&raw.iter().map(|x| x / total).collect::<Vec<_>>())
        }
    }
}

/// Steps of one unit on a simplex lattice.
fn lattice_steps(step: f64) -> usize {
    (1.0 / step).round().max(1.0) as usize
}

/// How many points [`lattice`] has: C(m + n - 1, n - 1), saturating, so a huge lattice is
/// refused before it is built.
pub(crate) fn lattice_size(n: usize, step: f64) -> usize {
    let m = lattice_steps(step);
    let mut size: usize = 1;
    for i in 1..n {
        // C(m + i, i) = C(m + i - 1, i - 1) * (m + i) / i, exact at every step.
        size = size.saturating_mul(m.saturating_add(i)) / i;
        if size > MAX_TRIALS.saturating_mul(n) {
            return usize::MAX;
        }
    }
    if n == 0 {
        0
    } else {
        size
    }
}

/// Every weight vector of `n` components, multiples of `step` summing to 1.
fn lattice(n: usize, step: f64) -> Vec<Vec<f64>> {
    let m = lattice_steps(step);
    let mut out = Vec::new();
    let mut current = Vec::with_capacity(n);
    fn fill(n: usize, left: usize, m: usize, current: &mut Vec<usize>, out: &mut Vec<Vec<f64>>) {
        if current.len() + 1 == n {
            current.push(left);
            out.push(current.iter().map(|&c| c as f64 / m as f64).collect());
            current.pop();
            return;
        }
        for c in 0..=left {
            current.push(c);
            fill(n, left - c, m, current, out);
            current.pop();
        }
    }
    if n > 0 {
        fill(n, m, m, &mut current, &mut out);
    }
    out
}

/// A weight list as JSON, which `ModelConfig::set` reads for list parameters.
fn weights_text(weights: &[f64]) -> String {
    let parts: Vec<String> =
        weights.iter().map(|w| format!("{}", (w * 1e6).round() / 1e6)).collect();
    format!("[{}]", parts.join(","))
}
