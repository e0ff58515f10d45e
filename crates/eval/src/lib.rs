//! Offline evaluation of Aisle's recommenders: splits, ranking protocols, metrics,
//! hyper-parameter search on validation data, and reports (JSON, Markdown, SVG charts).
//!
//! The entry point is [`evaluate`]: it splits a [`aisle_domain::InteractionMatrix`]
//! ([`SplitSpec`]), tunes each model on train → validation when given a [`SearchSpec`], trains
//! the chosen configuration on train + validation, measures it on test under a [`Protocol`] at
//! every K, and returns a [`Report`]; [`write_report`] writes it to a directory.
//!
//! ```no_run
//! # fn main() -> aisle_eval::Result<()> {
//! use aisle_eval::{evaluate, write_report, Dataset, EvalConfig, ModelSpec};
//! use aisle_recommend::ModelConfig;
//! # let matrix = aisle_domain::InteractionMatrix::default();
//! let dataset = Dataset { name: "shop", matrix: &matrix, items: &[], baskets: &[] };
//! let models: Vec<ModelSpec> = ["popular"]
//!     .iter()
//!     .filter_map(|name| ModelConfig::default_for(name))
//!     .map(ModelSpec::new)
//!     .collect();
//! let report = evaluate(&dataset, &EvalConfig::default(), &models, &mut |_done, _total, _best| {})?;
//! write_report(std::path::Path::new("report"), &report)?;
//! # Ok(()) }
//! ```
//!
//! The pieces are public for finer use: [`Split`] and its [`View`]s, [`measure`] for one trained
//! model on one view, [`Metrics`]. This crate does no terminal output and no IO except
//! [`write_report`]; the CLI draws progress from the callback.

mod blend;
mod error;
mod evaluate;
mod metrics;
mod protocol;
mod report;
mod search;
mod split;
mod tally;
#[cfg(test)]
mod tests;

pub use error::{Error, Result};
pub use evaluate::{evaluate, Dataset, EvalConfig, ModelSpec};
pub use metrics::{
    metric_name, parse_metric_name, Accuracy, Activity, Beyond, GroupMetrics, Metrics, MetricsAtK,
    ACCURACY_NAMES, BEYOND_NAMES, COLD_MAX_INTERACTIONS, WARM_MAX_INTERACTIONS,
};
pub use protocol::{measure, Protocol};
pub use report::{
    write_report, DatasetSummary, ModelReport, Report, SearchReport, SplitSummary, Trial,
};
pub use search::{Domain, Param, SearchSpec, Strategy, DEFAULT_TARGET};
pub use split::{Split, SplitSpec, Stage, View};
pub use tally::SHORT_HEAD_SHARE;

use aisle_recommend::hybrid::Normalization;
use aisle_recommend::{ModelConfig, Recommender, TrainData};
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;

/// A reproducible random stream for one user and one purpose: the same for any thread count or
/// processing order.
pub(crate) fn user_rng(seed: u64, purpose: u64, user: usize) -> ChaCha8Rng {
    let mut rng = ChaCha8Rng::seed_from_u64(seed ^ purpose);
    rng.set_stream(user as u64);
    rng
}

/// A model configuration the harness can tune and train. [`ModelConfig`] is the one the engine
/// uses; tests use tiny scripted models so they do not depend on real models.
pub(crate) trait Trainable: Clone + PartialEq + Send + Sync {
    /// The registry name.
    fn name(&self) -> &str;
    /// Sets one hyper-parameter from text.
    fn set(&mut self, key: &str, value: &str) -> aisle_recommend::Result<()>;
    /// Trains.
    fn fit(&self, data: &TrainData<'_>) -> aisle_recommend::Result<Box<dyn Recommender>>;
    /// The configuration as JSON, for reports.
    fn to_json(&self) -> serde_json::Value;
    /// The length of a list parameter (0 when it is not a list).
    fn list_len(&self, key: &str) -> usize {
        self.to_json().get(key).and_then(|v| v.as_array()).map_or(0, Vec::len)
    }
    /// A numeric list parameter (empty when absent).
    fn numbers(&self, key: &str) -> Vec<f32> {
        let json = self.to_json();
        let values = json.get(key).and_then(|v| v.as_array());
        values
            .map_or(Vec::new(), |v| v.iter().filter_map(|x| x.as_f64()).map(|x| x as f32).collect())
    }
    /// For a hybrid: its components and their normalization, so that a search over the
    /// `weights` alone trains each component once. `None` for every other model.
    fn blend_parts(&self) -> Option<(Vec<Self>, Normalization)> {
        None
    }
}

impl Trainable for ModelConfig {
    fn name(&self) -> &str {
        ModelConfig::name(self)
    }

    fn set(&mut self, key: &str, value: &str) -> aisle_recommend::Result<()> {
        ModelConfig::set(self, key, value)
    }

    fn fit(&self, data: &TrainData<'_>) -> aisle_recommend::Result<Box<dyn Recommender>> {
        aisle_recommend::registry::fit(self, data)
    }

    fn to_json(&self) -> serde_json::Value {
        serde_json::to_value(self).unwrap_or(serde_json::Value::Null)
    }

    fn blend_parts(&self) -> Option<(Vec<Self>, Normalization)> {
        match self {
            ModelConfig::Hybrid(h) => Some((h.components.clone(), h.normalization)),
            _ => None,
        }
    }
}
