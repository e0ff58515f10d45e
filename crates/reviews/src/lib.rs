//! Review intelligence: what shoppers' reviews say, in Chinese and English.
//!
//! - [`sentiment`]: positive, negative or neutral with a calibrated probability, per review and
//!   per sentence; VADER as the English baseline, trained classifiers per language as the
//!   product's reader, with their training and model files.
//! - [`aspects`]: what a review talks about (quality, value, delivery, size and fit, packaging,
//!   customer service, appearance) and how it feels about each, clause by clause.
//! - [`keywords`]: key phrases of an item's or a category's reviews, by TF-IDF and TextRank.
//! - [`summary`]: an item's reviews summed up: ratings, sentiment over time, pros and cons with
//!   quotes, keywords.
//!
//! This crate reads texts it is handed: it does not fetch reviews, store results or speak HTTP
//! (the engine and the server do). Its only file access is reading and writing model files.
//!
//! ```
//! use aisle_reviews::sentiment::{Polarity, SentimentModels};
//!
//! let models = SentimentModels::builtin().expect("the shipped models load");
//! let review = models.analyze("质量很好，物流也快，会回购的");
//! assert_eq!(review.polarity, Polarity::Positive);
//! assert_eq!(review.language.code(), "zh");
//! ```

pub mod aspects;
mod clean;
pub mod corpus;
mod error;
pub mod keywords;
pub mod sentences;
pub mod sentiment;
pub mod summary;

pub use clean::{readable_text, MAX_READ_CHARS};
pub use error::{Error, Result};
