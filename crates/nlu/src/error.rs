//! The understanding crate's one error type.

use std::path::PathBuf;

/// What can go wrong loading, saving or training an intent model, or reading its data.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A model file this build cannot read: not a model, an older format, or damaged.
    #[error("intent model {what}: {reason}; retrain it with `aisle assistant train`")]
    BadModel {
        /// Which model (a path, or "bundled").
        what: String,
        /// What is wrong with it.
        reason: String,
    },
    /// Training data that cannot train a classifier.
    #[error("intent training data: {0}")]
    BadTrainingData(String),
    /// A training or data file that is not in the expected shape.
    #[error("{path}: {reason}")]
    BadDataFile {
        /// The file.
        path: PathBuf,
        /// What is wrong and how to fix it.
        reason: String,
    },
    /// Reading or writing a file.
    #[error("{path}: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// The cause.
        #[source]
        source: std::io::Error,
    },
}

/// The understanding crate's result.
pub type Result<T> = std::result::Result<T, Error>;
