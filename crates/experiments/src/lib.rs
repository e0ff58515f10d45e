//! A/B experiments on recommendations: which shopper sees which variant, what each variant's
//! shoppers did, and whether the difference is real.
//!
//! - [`Experiment`] is a definition: two or more [`Variant`]s, each naming the model that serves
//!   its shoppers, their weights, the share of shoppers enrolled, and a [`Status`];
//!   [`Experiment::validate`] holds the rules (no single-variant experiment, no zero weight or
//!   zero traffic).
//! - [`Experiment::assign`] puts a shopper in a variant by a fixed hash of the experiment and
//!   shopper ids ([`assign`]): the same answer in every process and every version.
//! - [`Ledger`] counts exposures and conversions per variant, each shopper once.
//! - [`results()`] turns the counts into rates with Wilson intervals, differences with Newcombe
//!   intervals, two-proportion z-tests ([`stats`]) and a verdict in words.
//! - [`Book`] holds a shop's experiments and the rules of changing them.
//!
//! Pure code: no IO, no clock (callers pass the time), no HTTP.
//!
//! ```
//! use aisle_experiments::{results, Book, Experiment, Ledger, Status, Variant, shopper_key};
//!
//! let variant = |name: &str, model: &str| Variant { name: name.into(), model: model.into(), weight: 1.0 };
//! let experiment = Experiment {
//!     id: "feed-2025-06".into(),
//!     name: "EASE against ALS on the home feed".into(),
//!     variants: vec![variant("a", "ease"), variant("b", "als")],
//!     traffic: 1.0,
//!     status: Status::Running,
//!     started_at: None,
//!     stopped_at: None,
//! };
//! let mut book = Book::default();
//! book.create(experiment, 0).unwrap();
//! let entry = book.get("feed-2025-06").unwrap();
//! let mut ledger = Ledger::new(2);
//! let variant = entry.experiment.assign("shopper-42").expect("everyone is enrolled");
//! ledger.expose(shopper_key("shopper-42"), variant);
//! let mut counted = entry.clone();
//! counted.tallies = ledger.tallies().to_vec();
//! assert!(results(&counted).verdict.text.starts_with("not enough data"));
//! ```

pub mod assign;
mod book;
mod error;
mod experiment;
mod ledger;
mod results;
pub mod stats;

pub use assign::shopper_key;
pub use book::{Book, Entry};
pub use error::{Error, Result};
pub use experiment::{Experiment, Status, Variant, MAX_ID_LEN, MAX_NAME_LEN, MAX_VARIANTS};
pub use ledger::{Conversion, Ledger, Mark, Tally};
pub use results::{
    results, Comparison, Outcome, Rate, Results, VariantResult, Verdict, ALPHA, MIN_SHOPPERS,
};
