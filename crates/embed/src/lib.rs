//! Aisle's sentence embeddings: a BERT-family model (all-MiniLM-L6-v2 by default) loaded from a
//! local Hugging Face directory and run on the CPU, turning product titles and queries into
//! L2-normalised vectors whose dot product is their cosine similarity.
//!
//! ```no_run
//! # fn main() -> aisle_embed::Result<()> {
//! use aisle_embed::{Encoder, QueryCache};
//! let encoder = Encoder::load(std::path::Path::new("models/all-MiniLM-L6-v2"))?;
//! let titles = encoder.encode(&["Lightweight Running Shoes - Blue", "Ceramic Wok"])?;
//! let cache = QueryCache::new(1024);
//! let (query, _hit) = cache.get_or_encode(&encoder, "running shoes")?;
//! let score: f32 = query.iter().zip(&titles[0]).map(|(q, t)| q * t).sum();
//! assert!(score > 0.5);
//! # Ok(()) }
//! ```
//!
//! Weights are read with candle from safetensors files; the forward pass is this crate's own,
//! over packed batches (no padding) with faer's matrix products, several times faster than
//! candle's generic graph on this workload. The crate never downloads: installing a model is
//! someone else's job, and every error says which file is missing or wrong. It knows nothing of
//! search, stores or HTTP.

mod bert;
mod cache;
mod config;
mod encoder;
mod error;
mod kernels;
mod weights;

pub use cache::QueryCache;
pub use config::Architecture;
pub use encoder::{Encoder, DEFAULT_BATCH};
pub use error::{Error, Result};
