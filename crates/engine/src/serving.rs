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
use aisle_recommend::{registry, top_k, Exclusions, Query, Recommender};

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
    weights: EventWeights,
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
        Ok(Snapshot::new(model, version, recommender, set, self.config.weights.clone()))
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

const TRENDING_WINDOW_MILLIS: i64 = 7 * 24 * 3600 * 1000;

impl Snapshot {
    fn new(
        model: &str,
        version: u32,
        recommender: Box<dyn Recommender>,
        set: Arc<TrainingSet>,
        weights: EventWeights,
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
        Self {
            model: model.to_string(),
            version,
            recommender,
            set,
            index_of,
            popularity,
            trending,
            weights,
        }
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
        let user = user_row.filter(|&u| (u as usize) < self.set.matrix.n_rows);
        let query = Query {
            user,
            items: &history.items,
            weights: &history.weights,
            millis: &history.millis,
        };
        let mut scores = vec![0.0f32; self.recommender.n_items()];
        self.recommender.score(&query, &mut scores);
        scores.resize(self.n_items(), f32::NEG_INFINITY);
        scores
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

    /// Interaction weight per item over the whole snapshot.
    pub fn popularity(&self) -> &[f32] {
        &self.popularity
    }

    /// Interaction weight per item over the snapshot's last 7 days.
    pub fn trending(&self) -> &[f32] {
        &self.trending
    }

    /// The best `k` items of `scores`, skipping hidden ones and `exclude`.
    pub fn best(&self, scores: &[f32], k: usize, exclude: &[u32]) -> Vec<(u32, f32)> {
        top_k(scores, k, &Exclusions { items: exclude, mask: &self.set.hidden })
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
