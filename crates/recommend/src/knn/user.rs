//! `user-knn`: the K training users most similar to the query, and scores that sum their rows
//! weighted by similarity. Known users use neighbours found at training time; a history alone
//! (an unseen user) is compared with every training user through the item-to-user index.

use serde::{Deserialize, Serialize};

use super::sparse::{Csr, FeatureWeights};
use super::{
    require_interactions, top_neighbours, with_threads, Measure, Similarity, UserKnnConfig,
};
use crate::artifact::{Reader, Writer};
use crate::{Error, Query, Recommender, Result, TrainData};

/// The scalar settings scoring needs, stored as one JSON section.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
struct Settings {
    binary: bool,
    neighbours: usize,
    similarity: Similarity,
    alpha: f32,
    shrink: f32,
}

/// A trained `user-knn` model.
#[derive(Debug, Clone, PartialEq)]
pub struct UserKnn {
    settings: Settings,
    /// The weighting learnt on the users' rows, applied to fold-in histories too.
    weights: FeatureWeights,
    /// Items by users, weighted: the inverted index for comparing a history with every user.
    item_users: Csr,
    /// Squared norm of every user's weighted row.
    norms: Vec<f32>,
    /// Users by items, unweighted (binary or summed weights): what neighbours contribute.
    rows: Csr,
    /// Users by users: every training user's neighbours, best first.
    user_neighbours: Csr,
}

/// Finds every training user's neighbours and keeps what fold-in scoring needs.
pub fn fit_user_knn(config: &UserKnnConfig, data: &TrainData<'_>) -> Result<UserKnn> {
    let _span = tracing::info_span!("fit", model = "user-knn").entered();
    config.validate()?;
    require_interactions("user-knn", data.matrix)?;
    let rows = Csr::from_matrix(data.matrix, config.binary);
    let weights =
        FeatureWeights::learn(&rows, config.weighting, config.bm25_k1 as f32, config.bm25_b as f32);
    let mut weighted = rows.clone();
    weights.apply_rows(&mut weighted);
    let item_users = weighted.transpose();
    let norms = weighted.squared_norms();
    let measure = config.measure();
    let user_neighbours = with_threads(data.threads, || {
        top_neighbours(&weighted, &item_users, config.neighbours, |u, v, dot| {
            measure.of(dot, norms[u as usize], norms[v as usize])
        })
    });
    tracing::info!(users = rows.n_rows(), pairs = user_neighbours.nnz(), "user neighbours");
    let settings = Settings {
        binary: config.binary,
        neighbours: config.neighbours,
        similarity: measure.similarity,
        alpha: measure.alpha,
        shrink: measure.shrink,
    };
    Ok(UserKnn { settings, weights, item_users, norms, rows, user_neighbours })
}

impl UserKnn {
    /// Reads the payload written by [`Recommender::save`].
    pub fn load(input: &mut Reader<'_>) -> Result<Self> {
        let settings: Settings = input.json()?;
        let weights = FeatureWeights::load(input)?;
        let item_users = Csr::load(input)?;
        let norms = input.f32s()?;
        let rows = Csr::load(input)?;
        let user_neighbours = Csr::load(input)?;
        let n_users = rows.n_rows();
        if item_users.n_cols != n_users
            || item_users.n_rows() != rows.n_cols
            || norms.len() != n_users
            || user_neighbours.n_rows() != n_users
            || user_neighbours.n_cols != n_users
        {
            return Err(Error::Artifact("user-knn: the sections disagree on the shape".into()));
        }
        Ok(Self { settings, weights, item_users, norms, rows, user_neighbours })
    }

    fn measure(&self) -> Measure {
        let s = &self.settings;
        Measure { similarity: s.similarity, alpha: s.alpha, shrink: s.shrink }
    }

    /// The query history's most similar training users, best first.
    fn fold_in(&self, query: &Query<'_>) -> Vec<(u32, f32)> {
        let n_items = self.rows.n_cols;
        let mut history: Vec<(u32, f32)> = Vec::with_capacity(query.items.len());
        for (k, &i) in query.items.iter().enumerate() {
            let w = if self.settings.binary {
                1.0
            } else {
                query.weights.get(k).copied().unwrap_or(1.0)
            };
            if (i as usize) < n_items && w.is_finite() && w > 0.0 {
                history.push((i, w));
            }
        }
        history.sort_unstable_by_key(|p| p.0);
        history.dedup_by(|later, first| {
            // Repeated items add up, as in the training matrix; binary stays 1.
            if later.0 == first.0 && !self.settings.binary {
                first.1 += later.1;
            }
            later.0 == first.0
        });
        let items: Vec<u32> = history.iter().map(|p| p.0).collect();
        let mut values: Vec<f32> = history.iter().map(|p| p.1).collect();
        self.weights.apply(&items, &mut values);
        let query_norm: f32 = values.iter().map(|v| v * v).sum();
        let mut dots = vec![0f32; self.norms.len()];
        for (&i, &x) in items.iter().zip(&values) {
            let (users, ys) = self.item_users.row(i as usize);
            for (&v, &y) in users.iter().zip(ys) {
                dots[v as usize] += x * y;
            }
        }
        let measure = self.measure();
        let mut kept: Vec<(u32, f32)> = dots
            .iter()
            .enumerate()
            .filter(|(_, &dot)| dot > 0.0)
            .map(|(v, &dot)| (v as u32, measure.of(dot, query_norm, self.norms[v])))
            .filter(|(_, s)| s.is_finite() && *s > 0.0)
            .collect();
        let order = |a: &(u32, f32), b: &(u32, f32)| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0));
        let k = self.settings.neighbours.max(1);
        if kept.len() > k {
            kept.select_nth_unstable_by(k - 1, order);
            kept.truncate(k);
        }
        kept
    }
}

impl Recommender for UserKnn {
    fn name(&self) -> &'static str {
        "user-knn"
    }

    fn n_items(&self) -> usize {
        self.rows.n_cols
    }

    fn score(&self, query: &Query<'_>, scores: &mut [f32]) {
        scores.fill(0.0);
        let known = query.user.filter(|&u| (u as usize) < self.user_neighbours.n_rows());
        let neighbours: Vec<(u32, f32)> = match known {
            Some(u) => {
                let (vs, sims) = self.user_neighbours.row(u as usize);
                vs.iter().copied().zip(sims.iter().copied()).collect()
            }
            None => self.fold_in(query),
        };
        for (v, s) in neighbours {
            let (items, values) = self.rows.row(v as usize);
            for (&j, &r) in items.iter().zip(values) {
                if let Some(slot) = scores.get_mut(j as usize) {
                    *slot += s * r;
                }
            }
        }
    }

    fn save(&self, out: &mut Writer<'_>) -> Result<()> {
        out.json(&self.settings)?;
        self.weights.save(out)?;
        self.item_users.save(out)?;
        out.f32s(&self.norms)?;
        self.rows.save(out)?;
        self.user_neighbours.save(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::knn::Weighting;
    use aisle_domain::InteractionMatrix;

    fn scores(model: &UserKnn, user: Option<u32>, items: &[u32]) -> Vec<f32> {
        let mut out = vec![f32::NAN; model.n_items()];
        let weights = vec![1.0; items.len()];
        model.score(&Query { user, items, weights: &weights, millis: &[] }, &mut out);
        out
    }

    #[test]
    fn known_users_use_stored_neighbours_and_histories_fold_in() {
        // Users: 0 {0, 1}, 1 {0, 1, 2}, 2 {3}. Plain cosine: sim(0, 1) = 2 / sqrt(2 * 3).
        let m = InteractionMatrix::from_columns(
            3,
            4,
            &[0, 0, 1, 1, 1, 2],
            &[0, 1, 0, 1, 2, 3],
            &[1.0; 6],
            &[0; 6],
        );
        let config = UserKnnConfig {
            neighbours: 1,
            shrink: 0.0,
            weighting: Weighting::None,
            ..UserKnnConfig::default()
        };
        let data = TrainData { threads: 1, ..TrainData::new(&m) };
        let model = fit_user_knn(&config, &data).expect("fit");
        let sim = 2.0 / 6f32.sqrt();
        // User 0's stored neighbour is user 1 (never itself).
        let known = scores(&model, Some(0), &[0, 1]);
        assert!((known[2] - sim).abs() < 1e-6 && known[3] == 0.0, "{known:?}");
        // The same history as an unseen user: its best match is identical to user 0.
        let folded = scores(&model, None, &[0, 1]);
        assert_eq!(folded, vec![1.0, 1.0, 0.0, 0.0]);
        // A history of items nobody shares, or out of range, scores nothing.
        assert_eq!(scores(&model, None, &[9]), vec![0.0; 4]);
        assert_eq!(scores(&model, Some(99), &[]), vec![0.0; 4]);
    }
}
