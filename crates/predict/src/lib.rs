//! Tabular behaviour prediction: will this session buy, will this shopper come back?
//!
//! - [`dataset`]: dense `f32` feature matrices with named columns (`NaN` = missing) and binary
//!   labels, checked on construction.
//! - [`gbdt`]: histogram gradient-boosted trees with early stopping, gain importance and
//!   path-contribution reasons.
//! - [`logistic`]: L2 logistic regression on standardised features (Newton's method), with
//!   coefficient × value reasons.
//! - [`calibrate`]: Platt scaling and isotonic regression on held-out scores.
//! - [`metrics`]: ROC AUC, average precision, log-loss, Brier score, calibration error.
//! - [`split`]: stratified k-fold, stratified holdout and time-based splits.
//! - [`datasets`]: readers for public benchmark data (the UCI online shoppers sessions, the UCI
//!   online retail transactions) and the features built from them, such as customer recency,
//!   frequency and monetary value at a cutoff.
//! - [`time`]: zone-less minute timestamps for transaction data.
//!
//! Both models follow one convention: a `Config` with `Default` and `validate`, `fit`, the
//! [`Classifier`] methods (margins, probabilities, [`Explanation`]s), and
//! `to_json`/`from_json`/`save`/`load`, a loaded model predicting bit-for-bit as the saved one.
//!
//! This crate computes on data it is handed: it does not fetch data, schedule training or speak
//! HTTP (the engine and the server do). Its only file access is reading and writing model files.
//!
//! ```
//! use aisle_predict::dataset::{Dataset, Matrix};
//! use aisle_predict::gbdt::{Gbdt, GbdtConfig};
//! use aisle_predict::Classifier;
//!
//! // Buyers view many product pages.
//! let names = vec!["product_views".to_string(), "weekend".to_string()];
//! let rows: Vec<Vec<f32>> = (0..200).map(|i| vec![(i % 40) as f32, (i % 7 / 5) as f32]).collect();
//! let labels: Vec<f32> = (0..200).map(|i| if i % 40 >= 30 { 1.0 } else { 0.0 }).collect();
//! let data = Dataset::new(Matrix::from_rows(names, &rows)?, &labels)?;
//!
//! let config = GbdtConfig { max_trees: 50, min_samples_leaf: 5, ..GbdtConfig::default() };
//! let model = Gbdt::fit(&config, &data, None)?;
//! let why = model.explain_row(&[35.0, 0.0])?;
//! assert!(why.probability() > 0.8);
//! assert_eq!(why.top(1)[0].feature, "product_views");
//! # Ok::<(), aisle_predict::Error>(())
//! ```

pub mod calibrate;
pub mod dataset;
pub mod datasets;
mod error;
pub mod gbdt;
pub mod logistic;
pub mod metrics;
mod model;
pub mod split;
#[cfg(test)]
mod testdata;
pub mod time;

pub use error::{Error, Result};
pub use model::{logit, sigmoid, Classifier, Contribution, Explanation};
