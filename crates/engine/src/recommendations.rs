//! Recommendations from the active version of a trained model, for a known user: the user's
//! history is the query, seen and hidden items are excluded.

use aisle_domain::ExternalId;
use aisle_recommend::{top_k, Exclusions, Query};
use serde::Serialize;

use crate::{Engine, Error, Result};

/// One recommended item.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Recommendation {
    /// The item's id.
    pub item: String,
    /// The model's score.
    pub score: f32,
}

/// Recommendations and where they came from.
#[derive(Debug, Clone, Serialize)]
pub struct RecommendReport {
    /// Registry name of the model.
    pub model: String,
    /// Its active version.
    pub version: u32,
    /// Best first.
    pub items: Vec<Recommendation>,
}

impl Engine {
    /// The `k` best items for `user` from the active version of `model`; items the user has
    /// interacted with are left out unless `keep_seen`.
    pub fn recommend(
        &self,
        model: &str,
        user: &ExternalId,
        k: usize,
        keep_seen: bool,
    ) -> Result<RecommendReport> {
        let (version, recommender) = self.load_active(model)?;
        let set = self.training_set()?;
        let user_index = self
            .store
            .user_index(user)?
            .ok_or_else(|| Error::Config { detail: format!("no user {user:?} in the store") })?;
        let (items, weights, millis) = if (user_index as usize) < set.matrix.n_rows {
            let (items, weights) = set.matrix.row(user_index as usize);
            (items, weights, set.matrix.row_millis(user_index as usize))
        } else {
            (&[][..], &[][..], &[][..])
        };
        let query = Query { user: Some(user_index), items, weights, millis };
        let mut scores = vec![0.0f32; recommender.n_items()];
        recommender.score(&query, &mut scores);
        let hidden: Vec<bool> =
            (0..scores.len()).map(|i| set.hidden.get(i).copied().unwrap_or(false)).collect();
        let seen = if keep_seen { &[][..] } else { items };
        let best = top_k(&scores, k, &Exclusions { items: seen, mask: &hidden });
        let items = best
            .into_iter()
            .filter_map(|(idx, score)| {
                let id = set.item_ids.get(idx as usize)?.as_ref()?;
                Some(Recommendation { item: id.to_string(), score })
            })
            .collect();
        Ok(RecommendReport { model: model.to_string(), version, items })
    }
}
