//! `item-knn`: each item's K most similar items by co-interaction, and scores that sum the
//! similarities of the history's neighbours. Scoring needs only the history, so every user,
//! seen or not, is served the same way.

use super::sparse::{Csr, FeatureWeights};
use super::{propagate, require_interactions, top_neighbours, with_threads, ItemKnnConfig};
use crate::artifact::{Reader, Writer};
use crate::{Query, Recommender, Result, TrainData};

/// A trained `item-knn` model: the neighbour list of every item.
#[derive(Debug, Clone, PartialEq)]
pub struct ItemKnn {
    binary: bool,
    /// Items by items, each row its neighbours best first.
    neighbours: Csr,
}

/// Computes every item's neighbours.
pub fn fit_item_knn(config: &ItemKnnConfig, data: &TrainData<'_>) -> Result<ItemKnn> {
    let _span = tracing::info_span!("fit", model = "item-knn").entered();
    config.validate()?;
    require_interactions("item-knn", data.matrix)?;
    // Items are the vectors, users the features they are compared over.
    let mut items = Csr::from_matrix(data.matrix, config.binary).transpose();
    FeatureWeights::learn(&items, config.weighting, config.bm25_k1 as f32, config.bm25_b as f32)
        .apply_rows(&mut items);
    let users = items.transpose();
    let norms = items.squared_norms();
    let measure = config.measure();
    let neighbours = with_threads(data.threads, || {
        top_neighbours(&items, &users, config.neighbours, |i, j, dot| {
            measure.of(dot, norms[i as usize], norms[j as usize])
        })
    });
    tracing::info!(items = items.n_rows(), pairs = neighbours.nnz(), "item neighbours");
    Ok(ItemKnn { binary: config.binary, neighbours })
}

impl ItemKnn {
    /// Reads the payload written by [`Recommender::save`].
    pub fn load(input: &mut Reader<'_>) -> Result<Self> {
        let binary: bool = input.json()?;
        Ok(Self { binary, neighbours: Csr::load(input)? })
    }
}

impl Recommender for ItemKnn {
    fn name(&self) -> &'static str {
        "item-knn"
    }

    fn n_items(&self) -> usize {
        self.neighbours.n_rows()
    }

    fn score(&self, query: &Query<'_>, scores: &mut [f32]) {
        scores.fill(0.0);
        propagate(&self.neighbours, query.items, query.weights, self.binary, scores);
    }

    fn save(&self, out: &mut Writer<'_>) -> Result<()> {
        out.json(&self.binary)?;
        self.neighbours.save(out)
    }
}
