//! Re-weighting a hybrid without retraining it: during a search over a hybrid's `weights` only,
//! each component is trained once and every trial blends the same trained components with other
//! weights. A search of 66 weight vectors then costs one training, not 66.
//!
//! [`Blend`] must score exactly like `aisle_recommend::hybrid::Hybrid`; a test compares the two
//! on real components. It is an evaluation device: it cannot be saved and is never served.

use aisle_recommend::hybrid::{blend_scores, Normalization};
use aisle_recommend::{artifact, Query, Recommender};

/// Trained components blended with one weight vector.
pub(crate) struct Blend<'a> {
    pub(crate) components: &'a [Box<dyn Recommender>],
    pub(crate) weights: Vec<f32>,
    pub(crate) normalization: Normalization,
}

impl Recommender for Blend<'_> {
    fn name(&self) -> &'static str {
        "hybrid"
    }

    fn n_items(&self) -> usize {
        self.components.iter().map(|c| c.n_items()).max().unwrap_or(0)
    }

    fn score(&self, query: &Query<'_>, scores: &mut [f32]) {
        blend_scores(self.components, &self.weights, self.normalization, query, scores);
    }

    fn save(&self, _out: &mut artifact::Writer<'_>) -> aisle_recommend::Result<()> {
        Err(aisle_recommend::Error::Artifact(
            "a search blend is not a model; train the chosen hybrid configuration to save it"
                .to_string(),
        ))
    }
}
