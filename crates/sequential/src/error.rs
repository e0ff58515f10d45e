//! The sequential model's errors: what went wrong, and what to do about it.

/// Everything training, scoring or loading a sequential model can fail with.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A configuration value is out of range.
    #[error("transformer setting `{name}` = {value}: {expected}")]
    Config {
        /// The setting.
        name: &'static str,
        /// Its value, as text.
        value: String,
        /// What would be accepted.
        expected: &'static str,
    },
    /// The training data cannot train a model.
    #[error("cannot train the transformer: {0}")]
    Data(String),
    /// A query cannot be scored.
    #[error("cannot score this sequence: {0}")]
    Query(String),
    /// A checkpoint or model file is unreadable, corrupt or for another catalog.
    #[error("transformer checkpoint: {0}")]
    Checkpoint(String),
    /// Reading or writing a file failed.
    #[error("transformer file {path}: {source}")]
    Io {
        /// The file.
        path: String,
        /// The cause.
        source: std::io::Error,
    },
    /// The tensor library failed (a shape bug, not a user error).
    #[error("tensor computation failed: {0}")]
    Tensor(#[from] candle_core::Error),
}

/// Shorthand for this crate's results.
pub type Result<T> = std::result::Result<T, Error>;
