//! The review crate's one error type.

/// What can go wrong reading or training review models.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A sentiment model file is not one this version can read.
    #[error("sentiment model {what}: {reason}; retrain it with `aisle reviews train`")]
    BadModel {
        /// Which model (language or path).
        what: String,
        /// What is wrong with it.
        reason: String,
    },
    /// Training data that cannot train a classifier.
    #[error("training data: {0}")]
    BadTrainingData(String),
    /// Reading or writing a model file.
    #[error("{path}: {source}")]
    Io {
        /// The file.
        path: String,
        /// The cause.
        #[source]
        source: std::io::Error,
    },
}

/// The review crate's result.
pub type Result<T> = std::result::Result<T, Error>;
