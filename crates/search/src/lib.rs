//! Aisle's product search: what a shopper types, in Chinese or English, to the items they mean.
//!
//! - **Lexical** ([`lexical`]): a tantivy index of each item's title, brand, categories,
//!   attributes and description, cut by [`aisle_text::Analyzer`] (jieba for Chinese, Snowball
//!   stems for English), with typo tolerance, prefix matching on the last word, synonyms and
//!   stop words from the shop's [`SearchSettings`].
//! - **Semantic** ([`semantic`]): sentence embeddings of item texts ([`aisle_embed::Encoder`])
//!   in an HNSW graph, so "something to keep tea hot" finds thermos bottles.
//! - **Hybrid** ([`fusion`]): both lists fused with a semantic ratio (0 lexical only, 1 semantic
//!   only), then optionally re-ranked with the shopper's model scores.
//! - **Query understanding** ([`understand`]): prices, colours, sizes and categories taken out
//!   of the query ("红色 跑鞋 200元以下") and applied as filters.
//! - Facets, filters and sorts over an in-memory table of catalog facts ([`catalog`]).
//!
//! [`SearchIndex`] ties them together. This crate knows nothing of the store, HTTP or models'
//! training: the engine hands it items and, per request, a way to score items for a shopper.
//! The only files it touches are the index directory it is given.

pub mod catalog;
mod error;
pub mod facets;
pub mod filters;
pub mod fusion;
mod highlight;
mod index;
pub mod lexical;
mod request;
pub mod semantic;
mod settings;
mod suggest;
pub mod understand;

pub use catalog::{CatalogFacts, ItemFacts};
pub use error::{Error, Result};
pub use filters::Filters;
pub use index::{CatalogSync, IndexStatus, Personal, SearchIndex, SyncReport};
pub use request::{
    Hit, Parsed, SearchRequest, SearchResults, SortOrder, MAX_LIMIT, MAX_QUERY_CHARS,
};
pub use settings::SearchSettings;
pub use suggest::Suggestion;
