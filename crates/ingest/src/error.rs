//! The whole-file errors of an import. Problems with single rows are not errors but
//! [`crate::RowIssue`]s; this enum is for what stops a file from being read at all.

use std::path::PathBuf;

/// The error a failing `on_chunk` callback returns.
pub type BoxError = Box<dyn std::error::Error + Send + Sync>;

/// A whole-file problem: each message says what, where, and how to fix it.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// An input path does not exist.
    #[error("{}: no such file or directory; check the path", path.display())]
    NotFound {
        /// The missing path.
        path: PathBuf,
    },
    /// Reading a file failed.
    #[error("{}: could not read: {source}", path.display())]
    Io {
        /// The file.
        path: PathBuf,
        /// The underlying error.
        source: std::io::Error,
    },
    /// A file has no data rows.
    #[error("{}: the file has no data rows; is it the right file?", path.display())]
    Empty {
        /// The file.
        path: PathBuf,
    },
    /// A gzip stream ended early; the rows before the cut were handed over.
    #[error("{}: the gzip stream ends early ({detail}); the file is truncated, download or copy it again", path.display())]
    Truncated {
        /// The file.
        path: PathBuf,
        /// What the decoder said.
        detail: String,
    },
    /// The header is not what the format needs: a wrong delimiter or a missing column.
    #[error("{}: bad header: {detail}", path.display())]
    Header {
        /// The file.
        path: PathBuf,
        /// Which columns were expected and which were found.
        detail: String,
    },
    /// A file the format needs is absent (e.g. a MovieLens directory without ratings).
    #[error("{}: {detail}", path.display())]
    MissingCompanion {
        /// The file or directory that lacks its companion.
        path: PathBuf,
        /// What is missing and where it was looked for.
        detail: String,
    },
    /// The `on_chunk` callback failed; reading stopped.
    #[error("the receiver of imported rows failed: {0}")]
    Sink(BoxError),
}

/// Result with the ingest [`enum@Error`].
pub type Result<T> = std::result::Result<T, Error>;
