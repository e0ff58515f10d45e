//! The eval crate's error type: what stops an evaluation, each message saying what, where and
//! how to fix it. Problems of a single user (no history, nothing held out) are not errors; such
//! users are skipped and counted.

use std::path::PathBuf;

/// Why an evaluation could not run or its report could not be written.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A textual specification (split, protocol, search space, metric name, Ks) is malformed.
    #[error("{what} `{input}`: {reason}")]
    Spec {
        /// Which kind of specification (`split`, `protocol`, `search space`...).
        what: &'static str,
        /// The text as given.
        input: String,
        /// What is wrong and what is accepted instead.
        reason: String,
    },
    /// The data cannot support the requested evaluation (e.g. nothing held out for testing).
    #[error("{0}")]
    Data(String),
    /// A model could not be configured or trained.
    #[error("model `{model}`: {source}")]
    Model {
        /// The model's label in the report.
        model: String,
        /// What the recommend crate said.
        source: aisle_recommend::Error,
    },
    /// The worker thread pool could not be started.
    #[error("could not start {threads} evaluation threads: {detail}")]
    Threads {
        /// Threads requested.
        threads: usize,
        /// What rayon said.
        detail: String,
    },
    /// Writing a report file failed.
    #[error("{}: could not write the report: {source}", path.display())]
    Io {
        /// The file or directory.
        path: PathBuf,
        /// The underlying error.
        source: std::io::Error,
    },
}

/// Result with the eval [`enum@Error`].
pub type Result<T> = std::result::Result<T, Error>;

impl Error {
    pub(crate) fn spec(what: &'static str, input: &str, reason: impl Into<String>) -> Self {
        Error::Spec { what, input: input.to_string(), reason: reason.into() }
    }

    pub(crate) fn model(model: &str, source: aisle_recommend::Error) -> Self {
        Error::Model { model: model.to_string(), source }
    }
}
