//! Aisle's storage: the one crate that knows on-disk formats.
//!
//! One interface, [`Store`], two implementations that pass the same conformance suite
//! ([`conformance`]): [`EmbeddedStore`], a single SQLite file in the data directory (the
//! default; ACID, write-ahead log, every acknowledged write fsynced), and [`PostgresStore`] for
//! shops that outgrow one machine. Both run versioned schema migrations on open.
//!
//! The store assigns dense integer indexes to users, items and sessions on first sight, keeps
//! one event per event id (so imports are idempotent), and exports the user-item interaction
//! matrix for training ([`Store::interaction_matrix`]).
//!
//! It does not parse import formats (that is `aisle-ingest`) and holds no model code.

//!
//! ```no_run
//! use aisle_store::{EmbeddedStore, MatrixOptions, Store};
//! let store = EmbeddedStore::open(std::path::Path::new("data"))?;
//! let matrix = store.interaction_matrix(&MatrixOptions::default())?;
//! println!("{} users and sessions, {} pairs", matrix.n_rows, matrix.nnz());
//! # Ok::<(), aisle_store::Error>(())
//! ```
//!
//! Layout: `api` (the trait and its value types), `plan` (what a write does, shared by both
//! backends), `deletion` (what a deletion leaves behind, shared too), `ids` (the external id to
//! dense index caches), `matrix` (weights and decay), `embedded` and `postgres` (the SQL),
//! `conformance` (the tests every backend must pass).

mod api;
mod baskets;
pub mod conformance;
mod deletion;
mod embedded;
mod error;
mod ids;
mod matrix;
mod models;
mod plan;
mod postgres;
mod stored;

pub use api::{
    Activity, Backend, Counts, DayCount, DeletedUser, MatrixOptions, Store, UserSummary,
    WriteReport, DAY_MILLIS,
};
pub use embedded::{EmbeddedStore, DB_FILE};
pub use error::{Error, Result};
pub use models::{ModelFiles, ModelVersion};
pub use postgres::{redact_url, PostgresStore};
