//! Aisle's sequential recommender: a SASRec-family causal transformer over each shopper's item
//! sequence, trained and served on the CPU with candle.
//!
//! The network: item embeddings (optionally plus the mean of the item's attribute embeddings),
//! learned positions counted from the sequence's end, pre-LayerNorm blocks of causal multi-head
//! self-attention and a ReLU feed-forward layer, dropout, and a final LayerNorm; the item table is
//! tied to the output layer, so a sequence's last hidden state scores every item by a dot product.
//! Training minimises full softmax cross-entropy over the catalog at every position (a fused
//! kernel, [`ops`]), with AdamW, linear warm-up, early stopping on validation NDCG@10, resumable
//! checkpoints and a progress callback. Everything random comes from the configured seed.
//!
//! ```no_run
//! # fn main() -> aisle_sequential::Result<()> {
//! use aisle_sequential::{train, Catalog, TrainOptions, TransformerConfig};
//! let sequences = vec![vec![1, 2, 3, 4], vec![2, 3, 4, 5]];
//! let catalog = Catalog::plain(6);
//! let model = train(&TransformerConfig::default(), &catalog, &sequences, &TrainOptions::default())?;
//! let scores = model.score(&[2, 3])?;
//! assert_eq!(scores.len(), 6);
//! # Ok(()) }
//! ```
//!
//! Item indexes are the caller's dense indexes `0..n_items`. This crate knows nothing of stores,
//! users' external ids or HTTP; its only IO is the checkpoint files [`TrainOptions`] asks for and
//! the streams handed to [`Transformer::write`] and [`Transformer::read`].

mod batches;
mod checkpoint;
mod config;
mod error;
mod model;
pub mod ops;
mod optim;
mod score;
mod train;

pub use checkpoint::Fingerprint;
pub use config::TransformerConfig;
pub use error::{Error, Result};
pub use model::{Catalog, Transformer};
pub use train::{train, train_with_summary, Progress, TrainOptions, TrainSummary};
