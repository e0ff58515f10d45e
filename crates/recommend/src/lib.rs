//! Aisle's recommenders: one trait, [`Recommender`], and every model behind it, with training,
//! scoring, top-K selection and versioned artifacts.
//!
//! Every model follows one convention: a `Config` (serde, so it comes from TOML, the CLI or a
//! hyper-parameter search), a `fit(config, data)` that trains from [`TrainData`], `save`/`load`
//! through [`artifact`], and [`Recommender::score`], which scores every item for a [`Query`]: a
//! user's history (items and weights) and, when the model knows the user, the user's index.
//! Scoring from the history lets a model answer for users it never trained on (fold-in) and is
//! what the evaluation harness uses.
//!
//! This crate is pure computation: no IO beyond reading and writing artifact streams it is
//! handed and the checkpoints a long fit keeps in the work directory it is handed
//! ([`TrainData::work_dir`]); no HTTP, no store access. Data arrives as an [`aisle_domain::InteractionMatrix`].

pub mod als;
pub mod ann;
pub mod artifact;
pub mod bpr;
pub mod content;
pub mod ease;
mod error;
pub mod hybrid;
pub mod knn;
mod linalg;
pub mod popular;
pub mod registry;
pub mod rules;
mod topk;
pub mod transformer;

pub use ann::{InnerProduct, IvfConfig, IvfIndex};
pub use error::{Error, Result};
pub use registry::{ModelConfig, MODEL_NAMES};
pub use topk::{top_k, Exclusions};

use aisle_domain::InteractionMatrix;

/// What a model is trained on.
#[derive(Clone, Copy)]
pub struct TrainData<'a> {
    /// Users (rows) by items (columns), weighted, with the latest time of each pair.
    pub matrix: &'a InteractionMatrix,
    /// Text and attributes of each item, by item index, for content models (may be empty).
    pub items: &'a [ItemText],
    /// Orders as lists of item indexes, for association rules (may be empty).
    pub baskets: &'a [Vec<u32>],
    /// Training threads; 0 means all cores.
    pub threads: usize,
    /// Told how a long fit is going (the transformer reports steps, loss and validation NDCG).
    pub progress: Option<&'a (dyn Fn(&FitProgress) + Sync)>,
    /// Where a long fit may keep checkpoints, to resume after an interruption (the transformer
    /// does); `None` keeps nothing on disk.
    pub work_dir: Option<&'a std::path::Path>,
}

impl<'a> TrainData<'a> {
    /// The matrix alone: no item texts or baskets, all cores, no progress hook, no work
    /// directory. Set the rest with struct update syntax:
    /// `TrainData { threads: 1, ..TrainData::new(&matrix) }`.
    pub fn new(matrix: &'a InteractionMatrix) -> Self {
        Self { matrix, items: &[], baskets: &[], threads: 0, progress: None, work_dir: None }
    }
}

impl std::fmt::Debug for TrainData<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TrainData")
            .field("rows", &self.matrix.n_rows)
            .field("items", &self.matrix.n_items)
            .field("threads", &self.threads)
            .finish_non_exhaustive()
    }
}

/// How far a fit is.
#[derive(Debug, Clone, PartialEq)]
pub struct FitProgress {
    /// Units of work done (training steps).
    pub done: u64,
    /// Units in all (an upper bound when training may stop early).
    pub total: u64,
    /// A short status, e.g. `epoch 3 loss 8.41 val NDCG@10 0.0412`.
    pub message: String,
}

/// The describable side of an item, for content-based models.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ItemText {
    /// Title.
    pub title: String,
    /// Description.
    pub description: String,
    /// Category path from the root.
    pub categories: Vec<String>,
    /// Brand.
    pub brand: Option<String>,
    /// Attribute values as `key=value` tokens.
    pub attributes: Vec<String>,
}

/// Who to score for.
#[derive(Debug, Clone, Copy, Default)]
pub struct Query<'a> {
    /// The user's row in the training matrix, when the model was trained with it.
    pub user: Option<u32>,
    /// Items the user interacted with (the history), most relevant signal first is not required.
    pub items: &'a [u32],
    /// The weight of each history item (same length as `items`).
    pub weights: &'a [f32],
    /// When each history item was last touched, milliseconds since the epoch (same length as
    /// `items`, or empty when unknown); sequential models read the history in this order.
    pub millis: &'a [i64],
}

/// A trained model.
pub trait Recommender: Send + Sync {
    /// The model's registry name (`popular`, `ease`, `als`...).
    fn name(&self) -> &'static str;
    /// Number of items the model scores.
    fn n_items(&self) -> usize;
    /// Writes a score for every item into `scores` (length [`Recommender::n_items`]); higher is
    /// better. Items a model cannot score get `f32::NEG_INFINITY`.
    fn score(&self, query: &Query<'_>, scores: &mut [f32]);
    /// Writes the model's artifact payload (the header is written by [`artifact::save`]).
    fn save(&self, out: &mut artifact::Writer<'_>) -> Result<()>;
    /// When the score is an inner product of a user vector and item vectors (ALS, BPR), that
    /// view of the model, so that a server can retrieve candidates from an index
    /// ([`IvfIndex`]) instead of scoring every item. `None` for every other model.
    fn inner_product(&self) -> Option<&dyn InnerProduct> {
        None
    }
}
