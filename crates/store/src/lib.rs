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

// The helpers implement these modules.
