//! The search crate's errors.

use std::path::PathBuf;

/// What can go wrong in search.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The index directory could not be created, opened or written.
    #[error("search index at {path}: {reason}; delete the directory to have it rebuilt from the catalog")]
    Index {
        /// The index directory.
        path: PathBuf,
        /// What tantivy or the file system said.
        reason: String,
    },
    /// A tantivy operation failed on an index that opened fine.
    #[error("search index: {0}")]
    Tantivy(#[from] tantivy::TantivyError),
    /// The embedding model failed (loading or encoding).
    #[error(transparent)]
    Embed(#[from] aisle_embed::Error),
    /// A request parameter is out of range or malformed.
    #[error("{field}: {reason}")]
    Invalid {
        /// The parameter.
        field: &'static str,
        /// What is wrong and how to fix it.
        reason: String,
    },
    /// Reading or writing the semantic index's files failed.
    #[error("semantic index file {path}: {reason}")]
    SemanticFile {
        /// The file.
        path: PathBuf,
        /// What went wrong.
        reason: String,
    },
}

/// Results of the search crate.
pub type Result<T> = std::result::Result<T, Error>;
