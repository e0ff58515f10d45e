//! Understanding for the shopping assistant, in Chinese and English: which intent an utterance
//! has (with out-of-scope detection and an ambiguity flag), and which slots it fills.
//!
//! - [`IntentModel`]: hashed word and character n-gram features, a softmax logistic regression
//!   with calibrated confidences; the shipped model is [`IntentModel::bundled`]. Intent names
//!   follow the Bitext customer-support data (`cancel_order`, `track_order`, ...) plus the
//!   shopping intents (`find_product`, `compare_products`, `recommend_products`,
//!   `product_question`, `store_policy`), `greeting` and `thanks`; [`OUT_OF_SCOPE`] for the rest.
//! - [`extract_slots`]: order number, product, category, brand, price range, size and colour.
//! - [`training_set`] and [`bitext`]: the training data (the shared Bitext CSV and this crate's
//!   own written utterances) for retraining.
//!
//! The crate reads the model and training files it is asked to and nothing else: no store, no
//! HTTP, no downloads.
//!
//! ```
//! use aisle_nlu::{extract_slots, IntentModel, SlotVocabulary};
//!
//! let model = IntentModel::bundled().expect("the shipped model loads");
//! assert_eq!(model.classify("I want to cancel order o-123").intent, "cancel_order");
//! let slots = extract_slots("红色连衣裙 500元以下", &SlotVocabulary::default());
//! assert_eq!(slots.colour.as_deref(), Some("red"));
//! assert_eq!(slots.price_max, Some(500.0));
//! ```

pub mod bitext;
mod error;
mod features;
mod file;
mod language;
mod model;
mod slots;
mod softmax;
mod train;
pub mod written;

pub use error::{Error, Result};
pub use features::MAX_CHARS;
pub use file::FORMAT_VERSION;
pub use language::{language_of, Language};
pub use model::{IntentModel, IntentPrediction, LabelledUtterance, ScoredIntent, OUT_OF_SCOPE};
pub use slots::{extract_slots, SlotExtractor, SlotVocabulary, Slots};
pub use softmax::SoftmaxConfig;
pub use train::TrainConfig;
pub use written::training_set;
