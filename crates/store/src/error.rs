//! The store's one error type. User errors (a read-only directory, a full disk, a database from a
//! newer Aisle) say what happened, where, and how to fix it; internal failures carry the
//! database's own message for the logs.
//!
//! It does not map errors to exit codes or HTTP statuses: the binaries do that.

use std::path::PathBuf;

/// Everything that can go wrong in the store.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The data directory (or the database file in it) cannot be written.
    #[error(
        "cannot write to {}: the directory is read-only; choose a writable --data-dir or fix its permissions",
        path.display()
    )]
    ReadOnly {
        /// The data directory.
        path: PathBuf,
    },
    /// The disk holding the database is full (or the database reached its size limit).
    #[error(
        "cannot write to {}: the disk is full; free some space or choose a --data-dir on a larger disk. \
         Nothing of the failed write was kept",
        path.display()
    )]
    DiskFull {
        /// The database file.
        path: PathBuf,
    },
    /// The database was written by a newer Aisle whose schema this build does not know.
    #[error(
        "the database has schema version {found}, but this Aisle knows versions up to {known}; \
         upgrade Aisle to open it (downgrading a database is not supported)"
    )]
    NewerSchema {
        /// The version found in the database.
        found: u32,
        /// The newest version this build knows.
        known: u32,
    },
    /// The file is not an Aisle database, or it is damaged.
    #[error(
        "{} is not a usable database ({detail}); restore it from a backup, or move it away to \
         start with an empty store",
        path.display()
    )]
    Corrupt {
        /// The database file.
        path: PathBuf,
        /// What the database engine said.
        detail: String,
    },
    /// The data directory or database file could not be created or opened.
    #[error("cannot use {}: {source}; check that the path exists and is a directory", path.display())]
    Io {
        /// The path that failed.
        path: PathBuf,
        /// The operating system's error.
        source: std::io::Error,
    },
    /// The PostgreSQL server could not be reached or refused the connection.
    #[error(
        "cannot connect to PostgreSQL at {url_redacted}: {detail}; check the URL, that the server \
         is running, and the credentials"
    )]
    Connect {
        /// The URL with its password replaced by `***`.
        url_redacted: String,
        /// What the client library said.
        detail: String,
    },
    /// An internal database failure (logged; not the user's doing).
    #[error("database error: {0}")]
    Database(String),
    /// A caller passed an argument the store cannot use.
    #[error("invalid argument: {0}")]
    InvalidArgument(String),
}

/// Result with the store [`enum@Error`].
pub type Result<T> = std::result::Result<T, Error>;

impl From<serde_json::Error> for Error {
    fn from(e: serde_json::Error) -> Self {
        // A stored document that no longer parses is damage, not a user mistake.
        Error::Database(format!("a stored document could not be read: {e}"))
    }
}
