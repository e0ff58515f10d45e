//! What a live server answers from: the active version of one model, loaded once together with
//! the training snapshot it was trained on, and the catalog's popularity. A [`Snapshot`] never
//! changes; a server builds a new one after retraining and swaps it in whole.
//!
//! Freshness without retraining comes from the query: every model scores from a shopper's
//! history ([`aisle_recommend::Query`]), so a history that includes events newer than the
//! snapshot (kept by the caller, see [`History::extend`]) folds them in: ALS solves the user's
//! vector from it, EASE and the neighbour models read it directly, the transformer reads it as
//! its sequence.

use std::collections::HashMap;
use std::sync::Arc;

use aisle_domain::{Event, EventWeights, ExternalId};
use aisle_recommend::{registry, top_k, Exclusions, IvfConfig, IvfIndex, Query, Recommender};

use crate::content_match::ContentIndex;
use crate::{Engine, Error, Result, TrainingSet};

/// A model version ready to serve.
pub struct Snapshot {
    /// Registry name of the model.
    pub model: String,
    /// Its version.
    pub version: u32,
    recommender: Box<dyn Recommender>,
    /// Shared by the snapshots loaded together.
    set: Arc<TrainingSet>,
    index_of: HashMap<ExternalId, u32>,
    /// Sum of interaction weights per item over the snapshot.
    popularity: Vec<f32>,
    /// The same over the last 7 days of the snapshot's events (by the newest event's clock).
    trending: Vec<f32>,
    /// Item indexes by popularity and by trend, best first (ties by index), so that the
    /// answers that read them do not sort on every request.
    popular_order: Vec<u32>,
    trending_order: Vec<u32>,
    weights: EventWeights,
    /// Candidate retrieval for inner-product models over large catalogs.
    index: Option<IvfIndex>,
    /// Token postings for items newer than the snapshot, built on first use.
    content: std::sync::OnceLock<ContentIndex>,
}

/// How one request ranks a snapshot's items: every item's score, or a user vector searched in
/// the snapshot's item index (factor models over large catalogs, see [`Snapshot::ranking`]).
pub struct Ranking<'a> {
    snapshot: &'a Snapshot,
    by: RankBy<'a>,
}

enum RankBy<'a> {
    /// A score per item index.
    Scores(std::borrow::Cow<'a, [f32]>),
    /// A score per item index and the item indexes sorted by it, best first.
    Sorted { scores: &'a [f32], order: &'a [u32] },
    /// The model's user vector, for the snapshot's index.
    Vector(Vec<f32>),
}

impl Ranking<'_> {
    /// The best `k` items, skipping hidden ones and `exclude`, best first. With an index, as
    /// many lists are probed as it takes to find `k` (up to all of them).
    pub fn best(&self, k: usize, exclude: &[u32]) -> Vec<(u32, f32)> {
        let hidden = &self.snapshot.set.hidden;
        match (&self.by, &self.snapshot.index) {
            (RankBy::Scores(scores), _) => {
                top_k(scores, k, &Exclusions { items: exclude, mask: hidden })
            }
            (RankBy::Sorted { scores, order }, _) => order
                .iter()
                .filter(|&&item| {
                    !hidden.get(item as usize).copied().unwrap_or(false) && !exclude.contains(&item)
                })
                .take(k)
                .map(|&item| (item, scores[item as usize]))
                .collect(),
            (RankBy::Vector(query), Some(index)) => {
                let mut excluded = exclude.to_vec();
                excluded.sort_unstable();
                let skip = |item: u32| {
                    hidden.get(item as usize).copied().unwrap_or(false)
                        || excluded.binary_search(&item).is_ok()
                };
                // Enough lists that their members are about four times what is asked for.
                let share = (4 * k) as f64 / index.len().max(1) as f64;
                let mut probes = index.probes().max((share * index.lists() as f64).ceil() as usize);
                loop {
                    let found = index.search(query, k, Some(probes), &skip);
                    if found.len() >= k || probes >= index.lists() {
                        return found;
                    }
                    probes *= 4;
                }
            }
            (RankBy::Vector(_), None) => Vec::new(),
        }
    }

    /// One item's score, when the model scores it.
    pub fn score_of(&self, item: u32) -> Option<f32> {
        match (&self.by, &self.snapshot.index) {
            (RankBy::Scores(scores), _) => scores.get(item as usize).copied(),
            (RankBy::Sorted { scores, .. }, _) => scores.get(item as usize).copied(),
            (RankBy::Vector(query), Some(index)) => index.inner_product(query, item),
            (RankBy::Vector(_), None) => None,
        }
        .filter(|s| s.is_finite())
    }
}

/// One shopper's history as a model reads it: item indexes, weights and the time each was last
/// touched, oldest activity anywhere.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct History {
    /// Item indexes, each once.
    pub items: Vec<u32>,
    /// Summed weight per item.
    pub weights: Vec<f32>,
    /// Latest touch per item, milliseconds since the epoch.
    pub millis: Vec<i64>,
}

impl History {
    /// Adds one interaction: summed into the item's weight when the item is already there.
    pub fn add(&mut self, item: u32, weight: f32, millis: i64) {
        match self.items.iter().position(|&i| i == item) {
            Some(at) => {
                self.weights[at] += weight;
                self.millis[at] = self.millis[at].max(millis);
            }
            None => {
                self.items.push(item);
                self.weights.push(weight);
                self.millis.push(millis);
            }
        }
    }

    /// Adds every interaction of `other`.
    pub fn extend(&mut self, other: &History) {
        for ((&item, &weight), &millis) in other.items.iter().zip(&other.weights).zip(&other.millis)
        {
            self.add(item, weight, millis);
        }
    }

    /// No interactions.
    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    /// Items oldest first (by last touch), for explanations and sequence models.
    pub fn latest_first(&self) -> Vec<u32> {
        let mut order: Vec<usize> = (0..self.items.len()).collect();
        order.sort_by_key(|&k| std::cmp::Reverse(self.millis[k]));
        order.into_iter().map(|k| self.items[k]).collect()
    }
}

impl Engine {
    /// Loads the active version of `model` with a fresh training snapshot, ready to serve.
    pub fn load_snapshot(&self, model: &str) -> Result<Snapshot> {
        self.snapshot_on(model, Arc::new(self.training_set()?))
    }

    /// Loads several models over one training snapshot read once (they share its memory); a
    /// model that cannot be loaded gets its error, the others still load.
    pub fn load_snapshots(&self, models: &[&str]) -> Result<Vec<Result<Snapshot>>> {
        let set = Arc::new(self.training_set()?);
        Ok(models.iter().map(|model| self.snapshot_on(model, set.clone())).collect())
    }

    fn snapshot_on(&self, model: &str, set: Arc<TrainingSet>) -> Result<Snapshot> {
        let server = &self.config.server;
        let ann = Ann { min_items: server.ann_min_items, probes: server.ann_probes };
        let (version, recommender) = self.load_active(model)?;
        if recommender.n_items() > set.matrix.n_items {
            return Err(Error::Config {
                detail: format!(
                    "`{model}` v{version} scores {} items but the store holds {}; retrain it",
                    recommender.n_items(),
                    set.matrix.n_items
                ),
            });
        }
        Ok(Snapshot::new(model, version, recommender, set, self.config.weights.clone(), ann))
    }

    /// The active version of a trained model: its number and the model.
    pub(crate) fn load_active(&self, model: &str) -> Result<(u32, Box<dyn Recommender>)> {
        let files = self.model_files();
        let version = files.active(model)?.ok_or_else(|| Error::Config {
            detail: format!("no trained `{model}` model; run `aisle train --model {model}` first"),
        })?;
        let (_config, recommender) = registry::load(&mut files.open(&version)?)?;
        Ok((version.version, recommender))
    }
}

/// Item indexes by score, best first, ties by the lower index.
fn best_first(scores: &[f32]) -> Vec<u32> {
    let mut order: Vec<u32> = (0..scores.len() as u32).collect();
    order.sort_by(|&a, &b| scores[b as usize].total_cmp(&scores[a as usize]).then(a.cmp(&b)));
    order
}

const TRENDING_WINDOW_MILLIS: i64 = 7 * 24 * 3600 * 1000;

/// When and how a snapshot builds its item index.
#[derive(Debug, Clone, Copy)]
struct Ann {
    min_items: usize,
    probes: usize,
}

impl Snapshot {
    fn new(
        model: &str,
        version: u32,
        recommender: Box<dyn Recommender>,
        set: Arc<TrainingSet>,
        weights: EventWeights,
        ann: Ann,
    ) -> Self {
        let n_items = set.matrix.n_items;
        let mut popularity = vec![0.0f32; n_items];
        let mut trending = vec![0.0f32; n_items];
        let newest = (0..set.matrix.n_rows)
            .flat_map(|r| set.matrix.row_millis(r).iter().copied())
            .max()
            .unwrap_or(0);
        for r in 0..set.matrix.n_rows {
            let (items, row_weights) = set.matrix.row(r);
            let millis = set.matrix.row_millis(r);
            for (k, (&item, &w)) in items.iter().zip(row_weights).enumerate() {
                popularity[item as usize] += w.max(0.0);
                if millis.get(k).is_some_and(|&m| newest - m <= TRENDING_WINDOW_MILLIS) {
                    trending[item as usize] += w.max(0.0);
                }
            }
        }
        let index_of = set
            .item_ids
            .iter()
            .enumerate()
            .filter_map(|(i, id)| Some((id.clone()?, i as u32)))
            .collect();
        let (popularity_copy, trending_copy) = (popularity.clone(), trending.clone());
        let index = recommender
            .inner_product()
            .filter(|_| ann.min_items > 0 && recommender.n_items() >= ann.min_items)
            .map(|view| {
                let started = std::time::Instant::now();
                let config = IvfConfig { probes: ann.probes.max(1), ..IvfConfig::default() };
                let index = IvfIndex::build(&view.item_vectors(), view.dim(), &config);
                tracing::info!(
                    model,
                    items = index.len(),
                    lists = index.lists(),
                    seconds = started.elapsed().as_secs_f32(),
                    "built the item index"
                );
                index
            });
        Self {
            model: model.to_string(),
            version,
            recommender,
            set,
            index_of,
            popularity,
            trending,
            weights,
            index,
            content: std::sync::OnceLock::new(),
            popular_order: best_first(&popularity_copy),
            trending_order: best_first(&trending_copy),
        }
    }

    /// How to rank for a shopper: the user vector against the item index when the snapshot has
    /// one, otherwise the model's score for every item.
    pub fn ranking(&self, user_row: Option<u32>, history: &History) -> Ranking<'_> {
        let by = match (&self.index, self.recommender.inner_product()) {
            (Some(_), Some(view)) => {
                RankBy::Vector(view.query_vector(&self.query(user_row, history)))
            }
            _ => RankBy::Scores(self.score(user_row, history).into()),
        };
        Ranking { snapshot: self, by }
    }

    /// The shopper's vector in a factor model's space (the query its feed ranks items by);
    /// `None` for models without one (neighbourhood, EASE, rules) and for an empty history.
    pub fn user_embedding(&self, user_row: Option<u32>, history: &History) -> Option<Vec<f32>> {
        let query = self.query(user_row, history);
        // A shopper the model never saw and with no history has no place in its space.
        if query.user.is_none() && history.items.is_empty() {
            return None;
        }
        let view = self.recommender.inner_product()?;
        Some(view.query_vector(&query))
    }

    /// The most popular items first.
    pub fn popular_ranking(&self) -> Ranking<'_> {
        let by = RankBy::Sorted { scores: &self.popularity, order: &self.popular_order };
        Ranking { snapshot: self, by }
    }

    /// The trending items first.
    pub fn trending_ranking(&self) -> Ranking<'_> {
        let by = RankBy::Sorted { scores: &self.trending, order: &self.trending_order };
        Ranking { snapshot: self, by }
    }

    /// A ranking by given scores, one per item index (similarity).
    pub fn ranking_by<'a>(&'a self, scores: impl Into<std::borrow::Cow<'a, [f32]>>) -> Ranking<'a> {
        Ranking { snapshot: self, by: RankBy::Scores(scores.into()) }
    }

    /// Whether feeds come from an item index rather than scoring every item.
    pub fn has_index(&self) -> bool {
        self.index.is_some()
    }

    /// Items the snapshot knows.
    pub fn n_items(&self) -> usize {
        self.set.matrix.n_items
    }

    /// The dense index of an item id.
    pub fn item_index(&self, id: &ExternalId) -> Option<u32> {
        self.index_of.get(id).copied()
    }

    /// The id of an item index.
    pub fn item_id(&self, index: u32) -> Option<&ExternalId> {
        self.set.item_ids.get(index as usize)?.as_ref()
    }

    /// What the catalog says of an item (title, categories, brand, attributes).
    pub fn item_text(&self, index: u32) -> Option<&aisle_recommend::ItemText> {
        self.set.items.get(index as usize)
    }

    /// Price and availability of an item.
    pub fn offer(&self, index: u32) -> Option<crate::Offer> {
        self.set.offers.get(index as usize).copied()
    }

    /// Whether the shop hid the item.
    pub fn is_hidden(&self, index: u32) -> bool {
        self.set.hidden.get(index as usize).copied().unwrap_or(false)
    }

    /// The hidden mask, by item index.
    pub fn hidden_mask(&self) -> &[bool] {
        &self.set.hidden
    }

    /// The snapshot's history of a user row (empty for rows it does not have).
    pub fn stored_history(&self, user_index: Option<u32>) -> History {
        let Some(row) = user_index.map(|u| u as usize).filter(|&r| r < self.set.matrix.n_rows)
        else {
            return History::default();
        };
        let (items, weights) = self.set.matrix.row(row);
        let millis = self.set.matrix.row_millis(row);
        History {
            items: items.to_vec(),
            weights: weights.to_vec(),
            millis: if millis.len() == items.len() {
                millis.to_vec()
            } else {
                vec![0; items.len()]
            },
        }
    }

    /// An event as a history entry: its item's index, its kind's weight and its time; `None`
    /// for events without an item the snapshot knows.
    pub fn interaction(&self, event: &Event) -> Option<(u32, f32, i64)> {
        let item = self.item_index(event.item.as_ref()?)?;
        Some((item, self.weights.weight(event.kind), event.timestamp.millis()))
    }

    /// The model's score for every item. `user_row` is the shopper's training row when the
    /// snapshot has one (models that keep per-user state use it; all fold in `history`).
    pub fn score(&self, user_row: Option<u32>, history: &History) -> Vec<f32> {
        let mut scores = vec![0.0f32; self.recommender.n_items()];
        self.recommender.score(&self.query(user_row, history), &mut scores);
        scores.resize(self.n_items(), f32::NEG_INFINITY);
        scores
    }

    fn query<'h>(&self, user_row: Option<u32>, history: &'h History) -> Query<'h> {
        Query {
            user: user_row.filter(|&u| (u as usize) < self.set.matrix.n_rows),
            items: &history.items,
            weights: &history.weights,
            millis: &history.millis,
        }
    }

    /// Items similar to one item: the model's scores for a history of that item alone.
    pub fn similar_scores(&self, item: u32) -> Vec<f32> {
        let history = History { items: vec![item], weights: vec![1.0], millis: vec![0] };
        let mut scores = self.score(None, &history);
        if let Some(own) = scores.get_mut(item as usize) {
            *own = f32::NEG_INFINITY;
        }
        scores
    }

    /// How much each of the snapshot's items looks like `item` by its catalog text (title,
    /// brand, categories, attributes): the similar items of an item newer than the snapshot.
    pub fn content_scores(&self, item: &aisle_domain::Item) -> Vec<f32> {
        let index = self.content.get_or_init(|| ContentIndex::build(&self.set.items));
        let mut scores = index.scores(&crate::training_set::item_text(item));
        if let Some(own) = self.item_index(&item.id).and_then(|i| scores.get_mut(i as usize)) {
            *own = f32::NEG_INFINITY;
        }
        scores
    }

    /// Interaction weight per item over the whole snapshot.
    pub fn popularity(&self) -> &[f32] {
        &self.popularity
    }

    /// Interaction weight per item over the snapshot's last 7 days.
    pub fn trending(&self) -> &[f32] {
        &self.trending
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_history_sums_repeated_items_and_keeps_the_latest_time() {
        let mut history = History::default();
        history.add(3, 1.0, 10);
        history.add(5, 2.0, 20);
        history.add(3, 0.5, 30);
        assert_eq!(history.items, vec![3, 5]);
        assert_eq!(history.weights, vec![1.5, 2.0]);
        assert_eq!(history.latest_first(), vec![3, 5]);
    }
}
