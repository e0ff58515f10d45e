//! The encoder's errors. A model directory that is missing, incomplete, corrupt or of an
//! unsupported kind is the user's to fix, so those messages say what, where and how; the last two
//! variants are internal failures, reported as they came.

use std::path::PathBuf;

/// What the user can do about a model that cannot be loaded.
const FIX: &str = "install the default model with `aisle models install`, \
or set search.model_dir to a directory holding config.json, tokenizer.json and model.safetensors";

/// Everything loading a model or embedding text can fail with.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The model directory does not exist (or is not a directory).
    #[error("embedding model directory {} does not exist: {FIX}", path.display())]
    ModelDirMissing {
        /// The directory asked for.
        path: PathBuf,
    },
    /// A file the model needs is not in its directory.
    #[error("embedding model file {} ({what}) is missing: {FIX}", path.display())]
    FileMissing {
        /// The file that was looked for.
        path: PathBuf,
        /// What the file holds.
        what: &'static str,
    },
    /// A model file exists but cannot be read or makes no sense.
    #[error(
        "embedding model file {} is unreadable: {reason}; reinstall the model with \
         `aisle models install`, or point search.model_dir at an intact copy",
        path.display()
    )]
    Corrupt {
        /// The file.
        path: PathBuf,
        /// What is wrong with it.
        reason: String,
    },
    /// The model is intact but of a kind this encoder does not run.
    #[error(
        "embedding model {} is not supported: {reason}; use a BERT-family sentence embedding \
         model (config.json `model_type` \"bert\"), such as the default all-MiniLM-L6-v2 \
         (`aisle models install`)",
        path.display()
    )]
    Unsupported {
        /// The file that says what the model is.
        path: PathBuf,
        /// What is not supported.
        reason: String,
    },
    /// The tokenizer failed on a text (an internal error: a loaded tokenizer accepts any text).
    #[error("tokenizing text for embedding failed: {0}")]
    Tokenizer(String),
    /// The tensor library failed (an internal error).
    #[error("tensor computation failed: {0}")]
    Candle(String),
}

/// Shorthand for this crate's results.
pub type Result<T> = std::result::Result<T, Error>;
