//! Neighbourhood models: `item-knn` (items similar to the ones in the history) and `user-knn`
//! (what similar users interacted with), with cosine, Jaccard or asymmetric-cosine similarity,
//! optional BM25 / TF-IDF weighting, shrinkage, and a sparse top-K neighbour list per item or user.
//!
//! The sparse matrix, the weighting and the parallel neighbour search are shared with the
//! `content` and `rules` models. This module holds no dense item-by-item matrix: memory is
//! `K` neighbours per row.

mod item;
mod neighbours;
pub(crate) mod sparse;
mod user;

use serde::{Deserialize, Serialize};

pub use item::{fit_item_knn, ItemKnn};
pub(crate) use neighbours::{top_neighbours, with_threads, Measure};
pub use user::{fit_user_knn, UserKnn};

use crate::{Error, Result};

/// How two sparse vectors are compared.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Similarity {
    /// `dot / (|a| |b| + shrink)`.
    Cosine,
    /// `dot / (|a|² + |b|² - dot + shrink)` (Tanimoto; the Jaccard index on binary data).
    Jaccard,
    /// `dot / (|a|^(2 alpha) |b|^(2 (1 - alpha)) + shrink)`: `alpha = 0.5` is cosine; a larger
    /// `alpha` penalises popular history items less than popular candidates.
    AsymmetricCosine,
}

/// How the interaction matrix is re-weighted before similarities are computed. Features are the
/// columns being compared over: users for item-kNN, items for user-kNN.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Weighting {
    /// The (binary or summed) interaction weights as they are.
    None,
    /// BM25: saturated term frequency, length-normalised, times idf.
    Bm25,
    /// Term frequency times smoothed inverse document frequency.
    TfIdf,
}

macro_rules! knn_config {
    ($(#[$doc:meta])* $name:ident, $model:literal, $neighbours:expr, $shrink:expr, $similarity:expr, $alpha:expr, $weighting:expr) => {
        $(#[$doc])*
        #[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
        #[serde(default, deny_unknown_fields)]
        pub struct $name {
            /// Neighbours kept per row (K), at least 1.
            pub neighbours: usize,
            /// The similarity measure.
            pub similarity: Similarity,
            /// The asymmetric-cosine exponent, in [0, 1]; unused by the other measures.
            pub alpha: f64,
            /// Shrinkage added to the similarity's denominator, non-negative.
            pub shrink: f64,
            /// Re-weighting of the interaction matrix before comparing.
            pub weighting: Weighting,
            /// BM25 term-frequency saturation, non-negative.
            pub bm25_k1: f64,
            /// BM25 length normalisation, in [0, 1].
            pub bm25_b: f64,
            /// Treat every interaction (and every history item) as weight 1.
            pub binary: bool,
        }

        impl Default for $name {
            fn default() -> Self {
                Self {
                    neighbours: $neighbours,
                    similarity: $similarity,
                    alpha: $alpha,
                    shrink: $shrink,
                    weighting: $weighting,
                    bm25_k1: 1.2,
                    bm25_b: 0.75,
                    binary: true,
                }
            }
        }

        impl $name {
            /// Checks every parameter.
            pub fn validate(&self) -> Result<()> {
                check_neighbours($model, self.neighbours)?;
                check($model, "alpha", self.alpha, (0.0..=1.0).contains(&self.alpha), "expected a number in [0, 1]")?;
                check($model, "shrink", self.shrink, self.shrink >= 0.0, "expected a non-negative, finite number")?;
                check($model, "bm25_k1", self.bm25_k1, self.bm25_k1 >= 0.0, "expected a non-negative, finite number")?;
                check($model, "bm25_b", self.bm25_b, (0.0..=1.0).contains(&self.bm25_b), "expected a number in [0, 1]")
            }

            pub(crate) fn measure(&self) -> Measure {
                Measure { similarity: self.similarity, alpha: self.alpha as f32, shrink: self.shrink as f32 }
            }
        }
    };
}

knn_config!(
    /// Configuration of `item-knn`: `score(j) = sum over history items i of sim(i, j) * weight(i)`,
    /// over each item's `neighbours` most similar items. Defaults were chosen on the validation
    /// item of Amazon Beauty (`examples/beauty_loo.rs`): asymmetric cosine with `alpha = 0.7` and
    /// shrinkage 20 beat plain cosine slightly; BM25 and TF-IDF hurt there.
    ItemKnnConfig, "item-knn", 200, 20.0, Similarity::AsymmetricCosine, 0.7, Weighting::None
);

knn_config!(
    /// Configuration of `user-knn`: `score(j) = sum over the query's most similar training users
    /// v of sim(query, v) * r(v, j)`. Defaults were chosen on the validation item of Amazon
    /// Beauty: BM25 weighting (which down-weights popular items) helped; more than 200
    /// neighbours did not.
    UserKnnConfig, "user-knn", 200, 10.0, Similarity::Cosine, 0.5, Weighting::Bm25
);

/// `Error::Parameter` unless `ok` holds and `value` is finite.
pub(crate) fn check(
    model: &'static str,
    parameter: &'static str,
    value: f64,
    ok: bool,
    expected: &'static str,
) -> Result<()> {
    if ok && value.is_finite() {
        Ok(())
    } else {
        Err(Error::Parameter { model, parameter, value: value.to_string(), expected })
    }
}

/// A neighbour count must be at least 1.
pub(crate) fn check_neighbours(model: &'static str, neighbours: usize) -> Result<()> {
    if neighbours == 0 {
        return Err(Error::Parameter {
            model,
            parameter: "neighbours",
            value: "0".into(),
            expected: "expected at least 1",
        });
    }
    Ok(())
}

/// The training matrix must have users and interactions.
pub(crate) fn require_interactions(
    model: &'static str,
    matrix: &aisle_domain::InteractionMatrix,
) -> Result<()> {
    if matrix.n_rows == 0 || matrix.nnz() == 0 {
        return Err(Error::NoData {
            model,
            detail: "the interaction matrix is empty; import events or orders first".into(),
        });
    }
    Ok(())
}

/// Adds `weight * value` for each valid history item's neighbours; out-of-range items and
/// non-finite weights are ignored.
pub(crate) fn propagate(
    neighbours: &sparse::Csr,
    items: &[u32],
    weights: &[f32],
    binary: bool,
    scores: &mut [f32],
) {
    for (k, &i) in items.iter().enumerate() {
        let w = if binary { 1.0 } else { weights.get(k).copied().unwrap_or(1.0) };
        if !w.is_finite() {
            continue;
        }
        let (js, sims) = neighbours.row(i as usize);
        for (&j, &s) in js.iter().zip(sims) {
            if let Some(slot) = scores.get_mut(j as usize) {
                *slot += w * s;
            }
        }
    }
}
