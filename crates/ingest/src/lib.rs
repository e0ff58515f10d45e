//! Parsers for every import format Aisle reads: public datasets (MovieLens, S3-Rec, SASRec, UCI
//! Online Retail, Diginetica) and Aisle's own generic item, user, event and review files.
//!
//! Every parser streams its files and hands the caller [`Chunk`]s: a [`Batch`] of records that
//! all passed their domain `validate()`, plus the [`RowIssue`]s of the rows that could not be
//! imported. One bad row never costs the good ones; only whole-file problems (a missing file, a
//! wrong delimiter, a truncated gzip stream) are an [`Error`], and even then the rows already
//! handed over stay with the caller.
//!
//! This crate is not storage: it makes no store calls and keeps no state between imports. It
//! reads files (plain or `.gz`) and nothing else. Re-importing the same files yields the same
//! records with the same ids, so the store's dedupe on ids makes imports idempotent.
//!
//! The mapping of each format is documented on its module ([`movielens`], [`s3rec`],
//! [`sasrec`], [`online_retail`], [`diginetica`], [`generic`]) and in `docs/import-formats.md`.
//!
//! ```no_run
//! use aisle_ingest::{read, Format, ReadOptions};
//! let paths = vec![std::path::PathBuf::from("data/ml-100k")];
//! let mut events = 0;
//! let summary = read(Format::MovieLens, &paths, &ReadOptions::default(), &mut |chunk| {
//!     events += chunk.batch.events.len();
//!     for issue in &chunk.issues {
//!         eprintln!("{}:{}: {}", issue.file.display(), issue.line, issue.reason);
//!     }
//!     Ok(())
//! })?;
//! println!("{} lines, {} rows rejected", summary.lines, summary.rows_rejected);
//! # Ok::<(), aisle_ingest::Error>(())
//! ```

use std::path::PathBuf;

use aisle_domain::Batch;

mod error;
mod input;
mod sink;

pub mod diginetica;
pub mod generic;
pub mod movielens;
pub mod online_retail;
pub mod s3rec;
pub mod sasrec;

#[cfg(test)]
mod test_support;

pub use error::{BoxError, Error, Result};

/// The import formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Format {
    /// MovieLens 100K or 1M (a dataset directory or its files).
    MovieLens,
    /// S3-Rec style sequences (`Beauty.txt`) with an optional `item2attributes` JSON.
    S3Rec,
    /// SASRec style `user item` lines.
    SasRec,
    /// UCI Online Retail CSV (optionally gzipped, in several parts).
    OnlineRetail,
    /// Diginetica (CIKM Cup 2016) `train-item-views` CSV.
    Diginetica,
    /// Aisle's generic item file (CSV or JSON Lines).
    Items,
    /// Aisle's generic user file (CSV or JSON Lines).
    Users,
    /// Aisle's generic event file (CSV or JSON Lines).
    Events,
    /// Aisle's generic review file (CSV or JSON Lines).
    Reviews,
}

impl Format {
    /// Every format.
    pub const ALL: [Format; 9] = [
        Format::MovieLens,
        Format::S3Rec,
        Format::SasRec,
        Format::OnlineRetail,
        Format::Diginetica,
        Format::Items,
        Format::Users,
        Format::Events,
        Format::Reviews,
    ];

    /// The name used on the command line and in the API.
    pub fn as_str(self) -> &'static str {
        match self {
            Format::MovieLens => "movielens",
            Format::S3Rec => "s3rec",
            Format::SasRec => "sasrec",
            Format::OnlineRetail => "online-retail",
            Format::Diginetica => "diginetica",
            Format::Items => "items",
            Format::Users => "users",
            Format::Events => "events",
            Format::Reviews => "reviews",
        }
    }

    /// Reads a format name (case-insensitive; `_` and `-` are interchangeable).
    pub fn parse(name: &str) -> Option<Format> {
        let norm = name.trim().to_ascii_lowercase().replace('_', "-");
        Format::ALL.into_iter().find(|f| f.as_str() == norm)
    }
}

impl std::fmt::Display for Format {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One row that could not be imported.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct RowIssue {
    /// The file the row is in.
    pub file: PathBuf,
    /// 1-based physical line number of the row's first line.
    pub line: u64,
    /// The field at fault, when one is.
    pub field: Option<String>,
    /// What is wrong and how to fix it.
    pub reason: String,
    /// The start of the row as read (at most about 200 bytes, invalid UTF-8 replaced).
    pub raw: String,
}

/// A slice of the input, handed to the caller as it is read.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Chunk {
    /// Records that passed validation.
    pub batch: Batch,
    /// Rows that did not.
    pub issues: Vec<RowIssue>,
    /// Data lines consumed since the previous chunk.
    pub lines: u64,
    /// Cumulative bytes of the input files consumed (compressed bytes for `.gz`).
    pub bytes_read: u64,
    /// Total size of the input files in bytes (compressed size for `.gz`).
    pub bytes_total: u64,
}

/// How to read.
#[derive(Debug, Clone)]
pub struct ReadOptions {
    /// Hand over a chunk once it holds this many records plus issues (or this many lines were
    /// read). Default 50,000.
    pub chunk_rows: usize,
    /// Currency of prices that do not name one (Online Retail, generic items without a
    /// `currency`). Default `GBP`.
    pub currency: String,
}

impl Default for ReadOptions {
    fn default() -> Self {
        Self { chunk_rows: 50_000, currency: "GBP".to_string() }
    }
}

/// What a whole read did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ReadSummary {
    /// The files read, in order (a MovieLens directory is expanded to its files).
    pub files: Vec<PathBuf>,
    /// Data lines read (headers and blank lines not counted).
    pub lines: u64,
    /// Source rows that produced records. A row is a line, except in the sequence formats
    /// (S3-Rec), where each item of a user's line is a row.
    pub rows_accepted: u64,
    /// Source rows that became a [`RowIssue`].
    pub rows_rejected: u64,
}

/// The callback that receives chunks.
pub type OnChunk<'a> = dyn FnMut(Chunk) -> std::result::Result<(), BoxError> + 'a;

/// Streams `paths` in `format`, calling `on_chunk` every `chunk_rows` rows. Rows already handed
/// over are never taken back: a later whole-file error still leaves them with the caller.
pub fn read(
    format: Format,
    paths: &[PathBuf],
    options: &ReadOptions,
    on_chunk: &mut dyn FnMut(Chunk) -> std::result::Result<(), BoxError>,
) -> Result<ReadSummary> {
    let files = match format {
        Format::MovieLens => movielens::resolve(paths)?,
        Format::S3Rec => s3rec::resolve(paths)?,
        _ => paths.to_vec(),
    };
    let mut sink = sink::Sink::new(&files, options, on_chunk)?;
    let outcome = match format {
        Format::MovieLens => movielens::read(&files, &mut sink),
        Format::S3Rec => s3rec::read(&files, &mut sink),
        Format::SasRec => sasrec::read(&files, &mut sink),
        Format::OnlineRetail => online_retail::read(&files, options, &mut sink),
        Format::Diginetica => diginetica::read(&files, &mut sink),
        Format::Items => generic::read(generic::Kind::Items, &files, options, &mut sink),
        Format::Users => generic::read(generic::Kind::Users, &files, options, &mut sink),
        Format::Events => generic::read(generic::Kind::Events, &files, options, &mut sink),
        Format::Reviews => generic::read(generic::Kind::Reviews, &files, options, &mut sink),
    };
    match outcome {
        Ok(()) => sink.finish(),
        Err(err) => {
            // Hand over what was read before the failure, then report it.
            // (After a failed callback the sink sends nothing more.)
            sink.flush()?;
            Err(err)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn format_names_round_trip() {
        for format in Format::ALL {
            assert_eq!(Format::parse(format.as_str()), Some(format));
        }
        assert_eq!(Format::parse("Online_Retail"), Some(Format::OnlineRetail));
        assert_eq!(Format::parse("parquet"), None);
    }

    #[test]
    fn chunks_come_every_chunk_rows_and_a_failing_receiver_stops_the_read() {
        let fx = test_support::Fixture::new();
        let path = fx.file("Video.txt", "1 1\n1 2\n2 1\n2 3\n3 1\n");
        let options = ReadOptions { chunk_rows: 2, ..ReadOptions::default() };
        let out = test_support::run(Format::SasRec, std::slice::from_ref(&path), &options);
        let summary = out.result.expect("reads");
        assert_eq!((summary.lines, summary.rows_accepted, summary.rows_rejected), (5, 5, 0));
        assert!(out.chunks.len() >= 3, "{} chunks", out.chunks.len());
        assert_eq!(out.chunks.iter().map(|c| c.lines).sum::<u64>(), 5);
        assert!(out.chunks.iter().all(|c| c.batch.len() + c.issues.len() <= 4));
        let last = out.chunks.last().expect("chunks");
        assert_eq!(last.bytes_read, last.bytes_total);

        let mut calls = 0;
        let result = read(Format::SasRec, &[path], &options, &mut |_| {
            calls += 1;
            Err("disk full".into())
        });
        assert!(matches!(result, Err(Error::Sink(_))));
        assert_eq!(calls, 1, "nothing is sent after the receiver failed");
    }

    #[test]
    fn a_missing_file_is_not_found() {
        let out = test_support::run(
            Format::Items,
            &[PathBuf::from("/no/such/items.csv")],
            &ReadOptions::default(),
        );
        assert!(matches!(out.result, Err(Error::NotFound { .. })));
    }
}
