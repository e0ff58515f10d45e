//! EASE, the "embarrassingly shallow autoencoder" (H. Steck, WWW 2019): a closed-form item-item
//! model. With `X` the users × items matrix (0/1 when binarised, the interaction weights
//! otherwise), `G = XᵀX + λI`, `P = G⁻¹` and `B = I − P·diag(1/diag(P))`, whose diagonal is
//! zero; a user's scores are `history · B`. It is not a sequential model and does not use
//! [`Query::user`]: the history is the whole input, so unseen users are scored the same way.
//!
//! # What fits in memory
//! The dense part covers the *modelled* items: every item with at least one interaction, or
//! only the `max_items` most popular of them when that is set. A fit needs two dense `m × m`
//! matrices at its peak: `8·m²` bytes in `f32` (the default), `16·m²` in `f64`. Against the
//! budget (`max_memory_gb` when set, else `MemAvailable` from `/proc/meminfo`, else 8 GiB) that
//! is, in `f32`: 8 GiB → 32,768 items, 16 GiB → 46,340, 24 GiB → 56,755, 64 GiB → 92,681
//! (`f64`: 8 GiB → 23,170). A fit that does not fit is refused up front with
//! [`Error::TooLarge`] naming the item count, the memory it needs and the alternatives
//! (`max_items`, or item-knn / als); nothing is allocated first and nothing swaps. A trained
//! model keeps `B` as `4·m²` bytes (Amazon Beauty, 12,092 modelled items: 585 MB; saving and
//! loading briefly hold a second copy, as artifact sections are byte buffers). Time grows
//! as `m³`: Beauty fits in 15–25 s on 2 shared cores with a peak RSS of 1.15 GiB
//! (`examples/ease_speed.rs`, `bench/ease_vs_numpy.sh`).
//!
//! # Items outside the model
//! Items that are not modelled (nobody interacted with them in training, or `max_items` cut
//! them) score below the query's lowest modelled score `s`, at `s − max(1, |s|)`: finite, so
//! [`crate::top_k`] still returns them when K exceeds the model, after every modelled item and
//! in index order. Inside the model an item with no co-occurrence with the history scores 0.
//!
//! # Precision
//! The Gram matrix and the inverse run in `f32` unless `double_precision` is set. Measured: on
//! Amazon Beauty and MovieLens-100k `f32` and `f64` give the same HR/Recall and NDCG at 5, 10
//! and 20 to four decimals, while `f64` took 2.5× the time and twice the memory on Beauty.
//! Set it for weighted data with very large weights, where `f32` loses digits. `B` is always
//! stored as `f32`.
//!
//! Reading `/proc/meminfo` is this module's only IO.

mod memory;
mod solve;
#[cfg(test)]
mod tests;

use serde::{Deserialize, Serialize};

use aisle_domain::InteractionMatrix;

use crate::{artifact, Error, Query, Recommender, Result, TrainData};

pub use memory::{bytes_needed, max_items_for, FALLBACK_MEMORY_GB};
pub use solve::Stage;

/// The registry name.
pub const NAME: &str = "ease";
const ABSENT: u32 = u32::MAX;

/// EASE's hyper-parameters.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct EaseConfig {
    /// L2 regularisation added to the Gram diagonal; larger means smoother weights. Must be
    /// finite and positive. Tune it on validation data: it grows with the density of the
    /// data (best on Amazon Beauty: 50; on MovieLens-100k: 500). The default, 100, suits
    /// sparse shop data.
    pub lambda: f32,
    /// Train and score on 0/1 interactions (true, Steck's setting) or on the interaction
    /// weights (false).
    pub binarize: bool,
    /// Model only this many most popular items (by number of users); the rest score below every
    /// modelled item. `None` models every item that has an interaction.
    pub max_items: Option<usize>,
    /// The memory budget in GiB; `None` reads `MemAvailable` (8 GiB when unknown).
    pub max_memory_gb: Option<f64>,
    /// Factorise and invert in `f64` (twice the memory and about twice the time); `f32`
    /// measured as accurate on the benchmarks.
    pub double_precision: bool,
}

impl Default for EaseConfig {
    fn default() -> Self {
        Self {
            lambda: 100.0,
            binarize: true,
            max_items: None,
            max_memory_gb: None,
            double_precision: false,
        }
    }
}

impl EaseConfig {
    /// Checks every parameter: `lambda` finite and positive, `max_items` positive,
    /// `max_memory_gb` finite and positive.
    pub fn validate(&self) -> Result<()> {
        if !(self.lambda.is_finite() && self.lambda > 0.0) {
            return Err(parameter("lambda", self.lambda, "a finite number above 0, e.g. 100"));
        }
        if self.max_items == Some(0) {
            return Err(parameter("max_items", 0, "at least 1, or unset to model every item"));
        }
        if let Some(gb) = self.max_memory_gb {
            if !(gb.is_finite() && gb > 0.0) {
                return Err(parameter("max_memory_gb", gb, "a finite number of GiB above 0"));
            }
        }
        Ok(())
    }
}

fn parameter(parameter: &'static str, value: impl ToString, expected: &'static str) -> Error {
    Error::Parameter { model: NAME, parameter, value: value.to_string(), expected }
}

/// A trained EASE model.
#[derive(Debug, Clone, PartialEq)]
pub struct Ease {
    n_items: usize,
    binarize: bool,
    /// The modelled items, ascending; item `items[s]` has row and column `s` of `weights`.
    items: Vec<u32>,
    /// Item index to slot in `items`, or [`ABSENT`].
    slots: Vec<u32>,
    /// `B`, `m × m`, row-major: row `s` holds what item `items[s]` in a history adds to each.
    weights: Vec<f32>,
}

/// Trains EASE.
pub fn fit(config: &EaseConfig, data: &TrainData<'_>) -> Result<Ease> {
    fit_with_progress(config, data, &mut |_| {})
}

/// Trains EASE, calling `progress` as each [`Stage`] starts.
pub fn fit_with_progress(
    config: &EaseConfig,
    data: &TrainData<'_>,
    progress: &mut (dyn FnMut(Stage) + Send),
) -> Result<Ease> {
    config.validate()?;
    let matrix = data.matrix;
    let span = tracing::info_span!(
        "ease.fit",
        users = matrix.n_rows,
        items = matrix.n_items,
        interactions = matrix.nnz(),
        lambda = config.lambda
    );
    let _entered = span.enter();
    let items = modelled_items(matrix, config.max_items);
    if items.is_empty() {
        return Err(Error::NoData {
            model: NAME,
            detail: format!(
                "no interactions to learn from ({} users, {} items, {} stored pairs, none with a \
                 positive finite weight); import events or orders first",
                matrix.n_rows,
                matrix.n_items,
                matrix.nnz()
            ),
        });
    }
    let element_bytes = if config.double_precision { 8 } else { 4 };
    memory::check(items.len(), element_bytes, config.max_memory_gb)?;
    let slots = slot_map(matrix.n_items, &items);
    let rows = modelled_rows(matrix, &slots, config.binarize);
    let m = items.len();
    let lambda = config.lambda;
    let started = std::time::Instant::now();
    let mut solve = move || {
        let par = match rayon::current_num_threads() {
            1 => faer::Par::Seq,
            n => faer::Par::rayon(n),
        };
        if config.double_precision {
            solve::weights::<f64>(&rows, m, lambda, par, progress)
        } else {
            solve::weights::<f32>(&rows, m, lambda, par, progress)
        }
    };
    let pool = (data.threads > 0)
        .then(|| rayon::ThreadPoolBuilder::new().num_threads(data.threads).build())
        .and_then(|built| {
            built.map_err(|e| tracing::warn!("ease: using the global thread pool: {e}")).ok()
        });
    let weights = match pool {
        Some(pool) => pool.install(solve)?,
        None => solve()?,
    };
    tracing::info!(modelled = m, seconds = started.elapsed().as_secs_f64(), "ease fitted");
    Ok(Ease { n_items: matrix.n_items, binarize: config.binarize, items, slots, weights })
}

/// The usable entries of row `r` as `(item, value)`: item in range, weight positive and finite
/// (value 1 when binarised). A malformed matrix loses its bad entries instead of panicking.
fn row_entries(
    m: &InteractionMatrix,
    r: usize,
    binarize: bool,
) -> impl Iterator<Item = (u32, f32)> + '_ {
    let (a, b) = match (m.indptr.get(r), m.indptr.get(r + 1)) {
        (Some(&a), Some(&b)) => (a as usize, b as usize),
        _ => (0, 0),
    };
    let items = m.indices.get(a..b).unwrap_or(&[]);
    let weights = m.weights.get(a..b).unwrap_or(&[]);
    items
        .iter()
        .zip(weights)
        .filter(move |&(&i, &w)| (i as usize) < m.n_items && w.is_finite() && w > 0.0)
        .map(move |(&i, &w)| (i, if binarize { 1.0 } else { w }))
}

/// The items to model, ascending: those with an interaction, cut to the `max_items` with the
/// most users (ties to the lower index).
fn modelled_items(m: &InteractionMatrix, max_items: Option<usize>) -> Vec<u32> {
    let mut users = vec![0u64; m.n_items];
    for r in 0..m.n_rows {
        for (i, _) in row_entries(m, r, true) {
            users[i as usize] += 1;
        }
    }
    let mut items: Vec<u32> = (0..m.n_items as u32).filter(|&i| users[i as usize] > 0).collect();
    if let Some(max) = max_items.filter(|&max| max < items.len()) {
        items.sort_by(|&a, &b| users[b as usize].cmp(&users[a as usize]).then(a.cmp(&b)));
        items.truncate(max);
        items.sort_unstable();
    }
    items
}

/// The usable entries of modelled items, as slots. Slots ascend within a row because the
/// matrix rows and `items` are ascending; a row that is not (a hand-built matrix) is sorted
/// and its repeats merged, since the Gram accumulation relies on it.
fn modelled_rows(m: &InteractionMatrix, slots: &[u32], binarize: bool) -> solve::Rows {
    let mut rows = solve::Rows { indptr: vec![0], ..Default::default() };
    for r in 0..m.n_rows {
        let start = rows.slots.len();
        for (i, v) in row_entries(m, r, binarize) {
            if slots[i as usize] != ABSENT {
                rows.slots.push(slots[i as usize]);
                rows.values.push(v);
            }
        }
        if !rows.slots[start..].windows(2).all(|w| w[0] < w[1]) {
            let mut row: Vec<(u32, f32)> =
                rows.slots.drain(start..).zip(rows.values.drain(start..)).collect();
            row.sort_by_key(|e| e.0);
            row.dedup_by(|later, kept| later.0 == kept.0);
            rows.slots.extend(row.iter().map(|e| e.0));
            rows.values.extend(row.iter().map(|e| e.1));
        }
        rows.indptr.push(rows.slots.len());
    }
    rows
}

fn slot_map(n_items: usize, items: &[u32]) -> Vec<u32> {
    let mut slots = vec![ABSENT; n_items];
    for (s, &i) in items.iter().enumerate() {
        slots[i as usize] = s as u32;
    }
    slots
}

/// What [`Ease::save`](Recommender::save) writes before the item list and the weights.
#[derive(Serialize, Deserialize)]
struct Layout {
    n_items: usize,
    binarize: bool,
}

impl Ease {
    /// Reads a model written by [`Recommender::save`]: the layout, the modelled items, `B`.
    pub fn load(input: &mut artifact::Reader<'_>) -> Result<Self> {
        let corrupt = |what: &str| Error::Artifact(format!("ease: {what}; the file is corrupt"));
        let layout: Layout = input.json()?;
        let items = input.u32s()?;
        let weights = input.f32s()?;
        let m = items.len();
        if m == 0 || !items.windows(2).all(|w| w[0] < w[1]) {
            return Err(corrupt("the modelled items are empty or not ascending"));
        }
        if items.last().is_some_and(|&i| i as usize >= layout.n_items) {
            return Err(corrupt("a modelled item is past the catalog"));
        }
        if m.checked_mul(m) != Some(weights.len()) {
            return Err(corrupt("the weights are not a square of the modelled items"));
        }
        if !weights.iter().all(|w| w.is_finite()) {
            return Err(corrupt("a weight is not finite"));
        }
        let slots = slot_map(layout.n_items, &items);
        Ok(Self { n_items: layout.n_items, binarize: layout.binarize, items, slots, weights })
    }

    /// The modelled items, ascending.
    pub fn modelled_items(&self) -> &[u32] {
        &self.items
    }

    /// `B[from][to]`: what `from` in a history adds to `to`'s score; `None` unless both are
    /// modelled.
    pub fn weight(&self, from: u32, to: u32) -> Option<f32> {
        let slot = |i: u32| self.slots.get(i as usize).copied().filter(|&s| s != ABSENT);
        let (f, t) = (slot(from)? as usize, slot(to)? as usize);
        self.weights.get(f * self.items.len() + t).copied()
    }

    /// The query's modelled history as `(slot, value)`, each slot once: value 1 when
    /// binarised, else the summed weights (a missing weight counts 1; a non-finite or
    /// non-positive one drops the item, as training did).
    fn history(&self, query: &Query<'_>) -> Vec<(usize, f32)> {
        let mut history: Vec<(usize, f32)> = Vec::with_capacity(query.items.len());
        for (k, &item) in query.items.iter().enumerate() {
            let Some(&slot) = self.slots.get(item as usize) else { continue };
            let w = if self.binarize { 1.0 } else { query.weights.get(k).copied().unwrap_or(1.0) };
            if slot != ABSENT && w.is_finite() && w > 0.0 {
                history.push((slot as usize, w));
            }
        }
        history.sort_unstable_by_key(|e| e.0);
        let mut merged: Vec<(usize, f32)> = Vec::with_capacity(history.len());
        for (slot, w) in history {
            match merged.last_mut() {
                Some(last) if last.0 == slot => {
                    last.1 = if self.binarize { 1.0 } else { last.1 + w }
                }
                _ => merged.push((slot, w)),
            }
        }
        merged
    }

    /// Adds `history · B` into `out` (length `m`).
    fn accumulate(&self, history: &[(usize, f32)], out: &mut [f32]) {
        let m = self.items.len();
        for &(slot, w) in history {
            let row = &self.weights[slot * m..(slot + 1) * m];
            for (s, b) in out.iter_mut().zip(row) {
                *s += w * b;
            }
        }
    }
}

impl Recommender for Ease {
    fn name(&self) -> &'static str {
        NAME
    }

    fn n_items(&self) -> usize {
        self.n_items
    }

    fn score(&self, query: &Query<'_>, scores: &mut [f32]) {
        let history = self.history(query);
        let m = self.items.len();
        if m == self.n_items {
            // Every item is modelled and slots are item indexes: score in place.
            let n = scores.len().min(m);
            scores[..n].fill(0.0);
            if n == m {
                self.accumulate(&history, scores);
                return;
            }
        }
        let mut modelled = vec![0.0f32; m];
        self.accumulate(&history, &mut modelled);
        let lowest = modelled.iter().copied().fold(f32::INFINITY, f32::min);
        let floor = if lowest.is_finite() { lowest - lowest.abs().max(1.0) } else { -1.0 };
        scores.fill(floor);
        for (&item, &score) in self.items.iter().zip(&modelled) {
            if let Some(s) = scores.get_mut(item as usize) {
                *s = score;
            }
        }
    }

    fn save(&self, out: &mut artifact::Writer<'_>) -> Result<()> {
        out.json(&Layout { n_items: self.n_items, binarize: self.binarize })?;
        out.u32s(&self.items)?;
        out.f32s(&self.weights)
    }
}
