//! The engine's error type: what a job could not do, with the reason from the layer below.

/// A job failed. Messages come from the layer that failed and say what, where and how to fix.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The configuration is wrong.
    #[error("configuration: {detail}")]
    Config {
        /// What is wrong and how to fix it.
        detail: String,
    },
    /// The store failed.
    #[error(transparent)]
    Store(#[from] aisle_store::Error),
    /// An input file could not be read as a whole.
    #[error(transparent)]
    Ingest(#[from] aisle_ingest::Error),
    /// A model could not be trained, saved or loaded.
    #[error(transparent)]
    Model(#[from] aisle_recommend::Error),
    /// An evaluation could not run.
    #[error(transparent)]
    Eval(#[from] aisle_eval::Error),
    /// Review intelligence failed (its models or their training data).
    #[error(transparent)]
    Reviews(#[from] aisle_reviews::Error),
    /// Search failed (its index, its settings or its model).
    #[error(transparent)]
    Search(#[from] aisle_search::Error),
    /// The demo generator refused its settings.
    #[error(transparent)]
    Generate(#[from] aisle_shopgen::Error),
    /// A request the data cannot answer as asked (a forecast horizon out of range, too short a
    /// sales history); the message says what would work.
    #[error("{0}")]
    InvalidRequest(String),
    /// A period no shopper record falls in; the message names the range the records span.
    #[error(
        "no events or orders in {period}: the shop's records run from {first} to {last}; \
         choose days in that range"
    )]
    PeriodOutsideData {
        /// The period asked for, `YYYY-MM-DD to YYYY-MM-DD`.
        period: String,
        /// The day of the oldest record.
        first: String,
        /// The day of the newest record.
        last: String,
    },
    /// A period could not be read (a malformed day, a period that ends before it starts).
    #[error(transparent)]
    Period(#[from] aisle_analytics::Error),
    /// A file the engine writes itself (rejects, config) could not be written.
    #[error("cannot write {path}: {source}")]
    Write {
        /// The file.
        path: std::path::PathBuf,
        /// Why.
        source: std::io::Error,
    },
}

/// Result with the engine [`enum@Error`].
pub type Result<T> = std::result::Result<T, Error>;
