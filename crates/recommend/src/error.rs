//! The recommend crate's error type.

/// Why a model could not be trained, saved or loaded.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A hyper-parameter is out of range (NaN, infinite, negative, zero where it must not be).
    #[error("model `{model}`: parameter `{parameter}` is {value}; {expected}")]
    Parameter {
        /// The model.
        model: &'static str,
        /// The parameter.
        parameter: &'static str,
        /// Its value, as written.
        value: String,
        /// What it must be.
        expected: &'static str,
    },
    /// There is nothing to learn from.
    #[error("model `{model}`: {detail}")]
    NoData {
        /// The model.
        model: &'static str,
        /// What is missing and how to get it.
        detail: String,
    },
    /// The model does not fit in memory on this machine.
    #[error("model `{model}`: {detail}")]
    TooLarge {
        /// The model.
        model: &'static str,
        /// Why, and what to use instead.
        detail: String,
    },
    /// An artifact could not be read or written.
    #[error("model artifact: {0}")]
    Artifact(String),
    /// IO on an artifact stream failed.
    #[error("model artifact: {0}")]
    Io(#[from] std::io::Error),
}

/// Result with the recommend [`enum@Error`].
pub type Result<T> = std::result::Result<T, Error>;
