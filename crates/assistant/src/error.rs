//! The assistant crate's one error type.

/// What can go wrong answering a message or reading a knowledge base.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A message the assistant cannot take (empty, too long).
    #[error("message: {0}")]
    BadMessage(String),
    /// A knowledge base that cannot be used as it is.
    #[error("knowledge base: {0}")]
    BadKnowledge(String),
    /// A shop tool failed (the store or an index); the shopper gets an apology, the log the cause.
    #[error("shop tool `{tool}` failed: {reason}")]
    Tool {
        /// Which tool.
        tool: &'static str,
        /// What went wrong.
        reason: String,
    },
}

/// The assistant crate's result.
pub type Result<T> = std::result::Result<T, Error>;
