//! Ranking protocols and the measuring loop: for every user with held-out items, score with a
//! trained [`Recommender`], rank (all items, or the held-out items among sampled negatives), and
//! tally the metrics.
//!
//! Users are ranked in parallel on the current rayon pool, in blocks whose results are added in
//! user order, so metrics are identical for any thread count. This module does not train models
//! and does not choose hyper-parameters.

use std::fmt;

use aisle_recommend::{top_k, Exclusions, Query, Recommender};
use rand::seq::SliceRandom;
use rand::Rng;
use rayon::prelude::*;

use crate::metrics::{Accuracy, Activity, Metrics};
use crate::split::{check_matrix, View};
use crate::tally::{Tally, UserResult};
use crate::{user_rng, Error, Result};

/// How candidates are ranked. Parsed from `full`, `full:keep-seen`, `sampled:N`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Protocol {
    /// Rank every item (the default and the only protocol comparable across papers since 2020).
    Full {
        /// Skip the user's training items (the usual setting; `full:keep-seen` turns it off for
        /// repeat-purchase shops).
        exclude_seen: bool,
    },
    /// Rank each user's held-out items among `negatives` items sampled uniformly from those the
    /// user never touched. Only for comparison with older papers: sampled metrics overstate
    /// accuracy and can reorder models, so every report labels them "sampled".
    Sampled {
        /// Negatives per user (99 or 100 in the literature).
        negatives: usize,
    },
}

impl Default for Protocol {
    fn default() -> Self {
        Protocol::Full { exclude_seen: true }
    }
}

impl Protocol {
    /// Parses the textual form (see the type's documentation).
    pub fn parse(text: &str) -> Result<Self> {
        let bad = |reason: &str| Error::spec("protocol", text, reason);
        match text.trim().split_once(':') {
            None if text.trim() == "full" => Ok(Protocol::Full { exclude_seen: true }),
            Some(("full", "keep-seen")) => Ok(Protocol::Full { exclude_seen: false }),
            Some(("sampled", n)) => match n.trim().parse::<usize>() {
                Ok(negatives) if negatives > 0 => Ok(Protocol::Sampled { negatives }),
                _ => Err(bad(
                    "the number of negatives must be a whole number above 0, e.g. `sampled:99`",
                )),
            },
            _ => Err(bad("use `full`, `full:keep-seen` or `sampled:N` (e.g. `sampled:99`)")),
        }
    }

    /// `full` or `sampled`: the label every report carries.
    pub fn label(&self) -> &'static str {
        match self {
            Protocol::Full { .. } => "full",
            Protocol::Sampled { .. } => "sampled",
        }
    }

    /// One sentence for reports.
    pub fn describe(&self) -> String {
        match self {
            Protocol::Full { exclude_seen: true } => {
                "full ranking: every item scored, the user's training items excluded".to_string()
            }
            Protocol::Full { exclude_seen: false } => {
                "full ranking: every item scored, training items kept".to_string()
            }
            Protocol::Sampled { negatives } => format!(
                "SAMPLED ranking: held-out items ranked among {negatives} negatives sampled per user \
                 from items the user never touched; not comparable with full-ranking numbers"
            ),
        }
    }
}

impl fmt::Display for Protocol {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Protocol::Full { exclude_seen: true } => write!(f, "full"),
            Protocol::Full { exclude_seen: false } => write!(f, "full:keep-seen"),
            Protocol::Sampled { negatives } => write!(f, "sampled:{negatives}"),
        }
    }
}

/// Users ranked between two additions to the totals: bounds the memory held by lists.
const BLOCK_USERS: usize = 8192;
/// Keeps the negatives of different uses of one seed apart.
const SAMPLE_STREAM: u64 = 0x5341_4d50_4c45;

/// Measures `model` on a stage at every K (sorted ascending, no duplicates, none zero).
/// Runs on the current rayon pool; `seed` drives negative sampling.
pub fn measure(
    model: &dyn Recommender,
    view: &View<'_>,
    protocol: &Protocol,
    ks: &[usize],
    seed: u64,
) -> Result<Metrics> {
    let train = view.train.as_ref();
    // A view's fields are public: refuse parts that do not fit together before indexing them.
    let parts = [train, view.targets, view.source];
    if parts.iter().any(|m| m.n_rows != train.n_rows || m.n_items != train.n_items) {
        return Err(Error::Data(
            "the view's train, target and source matrices differ in shape; build views with \
             Split::view"
                .to_string(),
        ));
    }
    parts.iter().try_for_each(|m| check_matrix(m))?;
    if model.n_items() != train.n_items {
        return Err(Error::Data(format!(
            "model `{}` scores {} items but the data has {}; train it on this data",
            model.name(),
            model.n_items(),
            train.n_items
        )));
    }
    if ks.is_empty() || ks.contains(&0) || ks.windows(2).any(|w| w[0] >= w[1]) {
        return Err(Error::spec(
            "Ks",
            &format!("{ks:?}"),
            "give distinct cut-offs above 0, ascending",
        ));
    }
    let max_k = ks.last().copied().unwrap_or(0);
    let targets = view.targets;
    let users: Vec<usize> =
        (0..targets.n_rows).filter(|&r| targets.indptr[r + 1] > targets.indptr[r]).collect();
    let mut tally = Tally::new(ks, train);
    for block in users.chunks(BLOCK_USERS) {
        let results: Vec<UserResult> = block
            .par_iter()
            .map_init(
                || vec![0.0f32; train.n_items],
                |scores, &user| {
                    let (history, weights) = train.row(user);
                    let (relevant, _) = targets.row(user);
                    let query = Query {
                        user: Some(user as u32),
                        items: history,
                        weights,
                        millis: train.row_millis(user),
                    };
                    model.score(&query, scores);
                    let list = match protocol {
                        Protocol::Full { exclude_seen } => {
                            let seen = if *exclude_seen { history } else { &[] };
                            let exclusions = Exclusions { items: seen, mask: &[] };
                            top_k(scores, max_k, &exclusions).into_iter().map(|(i, _)| i).collect()
                        }
                        Protocol::Sampled { negatives } => {
                            let (touched, _) = view.source.row(user);
                            let mut rng = user_rng(seed, SAMPLE_STREAM, user);
                            let negatives =
                                sample_negatives(touched, train.n_items, *negatives, &mut rng);
                            rank_candidates(
                                scores,
                                relevant.iter().chain(&negatives).copied(),
                                max_k,
                            )
                        }
                    };
                    let accuracy = ks.iter().map(|&k| Accuracy::of(&list, relevant, k)).collect();
                    UserResult { group: Activity::of(history.len()), list, accuracy }
                },
            )
            .collect();
        for result in &results {
            tally.add(result);
        }
    }
    Ok(tally.finish())
}

/// The best `k` candidates by score, ties by lower index (as `top_k` does), unscorable skipped.
fn rank_candidates(scores: &[f32], candidates: impl Iterator<Item = u32>, k: usize) -> Vec<u32> {
    let mut scored: Vec<(u32, f32)> = candidates
        .filter_map(|i| scores.get(i as usize).map(|&s| (i, s)))
        .filter(|(_, s)| s.is_finite())
        .collect();
    scored.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
    scored.dedup_by_key(|(i, _)| *i);
    scored.into_iter().take(k).map(|(i, _)| i).collect()
}

/// `n` distinct items outside `touched` (sorted), uniformly; all of them when fewer exist.
pub(crate) fn sample_negatives(
    touched: &[u32],
    n_items: usize,
    n: usize,
    rng: &mut impl Rng,
) -> Vec<u32> {
    let free = n_items.saturating_sub(touched.len());
    if free <= n.saturating_mul(2) {
        // Few free items: enumerate them and shuffle, instead of rejecting most draws.
        let mut pool: Vec<u32> =
            (0..n_items as u32).filter(|i| touched.binary_search(i).is_err()).collect();
        let (chosen, _) = pool.partial_shuffle(rng, n);
        return chosen.to_vec();
    }
    let mut chosen: Vec<u32> = Vec::with_capacity(n);
    while chosen.len() < n {
        let item = rng.random_range(0..n_items as u32);
        if touched.binary_search(&item).is_err() && !chosen.contains(&item) {
            chosen.push(item);
        }
    }
    chosen
}
