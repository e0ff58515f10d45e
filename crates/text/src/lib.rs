//! Text analysis shared by search and review intelligence: width and case folding, script
//! detection, Chinese word segmentation (jieba) and English stemming (Snowball).
//!
//! Everything here is a plain function of a string: no model weights, no IO, no index. The
//! classifiers' feature hashing (`FeatureSink`) lives here too, so they hash texts alike. Tokens
//! keep byte offsets into the caller's original text, so results can be highlighted in it.

mod analyze;
mod fold;
mod hashing;
mod ngrams;
mod script;

pub use analyze::{Analyzer, Mode, Token, TokenKind};
pub use fold::{fold, fold_char};
pub use hashing::FeatureSink;
pub use ngrams::han_ngrams;
pub use script::{detect_language, has_han, is_han, Language};
