//! Demand forecasting for Aisle: how many units of an item or a category will sell in the next
//! days or weeks, and how well each method would have known.
//!
//! - [`calendar`] and [`aggregate`]: from dated demand records to zero-filled daily and weekly
//!   series per key (item, category), and daily series on the days a shop is open.
//! - [`model`]: the [`Forecaster`] / [`Forecast`] convention and [`ModelSpec`], any model as
//!   data. The models: [`naive`] (naive, seasonal naive, moving average), [`ar`] (AR(p) by
//!   least squares, optionally on differences), [`ets`] (simple exponential smoothing, Holt,
//!   damped Holt, additive and multiplicative Holt-Winters, fitted by minimising the in-sample
//!   one-step squared error with Nelder-Mead), [`theta`] (SES with drift), [`croston`]
//!   (Croston and SBA for intermittent demand), [`combine`] (the equal-weight mean of models),
//!   [`robust`] (a Hampel filter that winsorizes the history before a model fits) and
//!   [`select`] (the candidate with the least error on validation windows;
//!   [`select::SelectConfig::demand`] is the recommended list).
//! - [`metrics`], [`backtest`] and [`evaluate`]: MASE and sMAPE, rolling-origin backtests that
//!   refit at every origin on the past alone, and per-model summaries over many series.
//!
//! This crate computes on numbers it is handed: it reads no files, keeps no state between
//! calls and speaks no HTTP. Parsing sales exports is `aisle-ingest`'s job; the example
//! `online_retail_eval` reads one public data set itself.
//!
//! ```
//! use aisle_forecast::backtest::{backtest, BacktestConfig};
//! use aisle_forecast::ets::{ExpSmoothingConfig, Trend};
//! use aisle_forecast::{Forecast, Forecaster, ModelSpec};
//!
//! // Weekly units of one category: a steady climb of about 10 a week.
//! let weekly: Vec<f64> = (0..30).map(|w| 200.0 + 10.0 * f64::from(w) + f64::from(w % 3)).collect();
//!
//! let holt = ModelSpec::from(ExpSmoothingConfig::holt(Trend::Additive)).non_negative();
//! let next_four = holt.fit(&weekly)?.forecast(4);
//! assert!((next_four[0] - 500.0).abs() < 5.0);
//!
//! // Would it have beaten "same as last week"? Refit every week from week 20 on, forecast four
//! // weeks, score with MASE scaled by the naive forecast's in-sample error.
//! let plan = BacktestConfig { horizon: 4, first_origin: 20, step: 1, scale_period: 1 };
//! let holt_score = backtest(&holt, &weekly, &plan)?;
//! let naive_score = backtest(&ModelSpec::naive(), &weekly, &plan)?;
//! assert!(holt_score.mase < naive_score.mase);
//! # Ok::<(), aisle_forecast::Error>(())
//! ```

pub mod aggregate;
pub mod ar;
pub mod backtest;
pub mod calendar;
pub mod combine;
pub mod croston;
mod error;
pub mod ets;
pub mod evaluate;
pub mod metrics;
pub mod model;
pub mod naive;
mod optimize;
pub mod robust;
pub mod select;
#[cfg(test)]
mod testdata;
pub mod theta;

pub use error::{Error, Result};
pub use model::{FittedModel, Forecast, Forecaster, ModelSpec};
