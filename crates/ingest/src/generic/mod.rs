//! Aisle's own import files: items, users, events and reviews, as CSV or JSON Lines. Not the
//! public datasets, which have readers of their own.
//!
//! # Files
//!
//! The layout is chosen by extension: `.csv` is CSV with a header row (comma-separated, quoted
//! as usual, UTF-8); `.jsonl` and `.ndjson` are JSON Lines (one JSON object per line); either
//! may end in `.gz`. Column and key names are the same in both (lower case; CSV headers are
//! matched case-insensitively, JSON keys exactly). Empty CSV fields and JSON `null` mean "not given".
//!
//! The schema of each kind is documented on its module: [`items`], [`users`], [`events`],
//! [`reviews`]. Common rules:
//!
//! * every record is checked by its domain `validate()`; a row that fails, a CSV row with more
//!   or fewer fields than the header, a JSON line that is not an object, and a field that is
//!   not valid UTF-8 are row issues that cost only that row;
//! * an id that already appeared earlier in the same import (all files of one `read` call) is
//!   a row issue on the later row: the first is kept;
//! * a CSV header of one column containing `;` or a tab (a file with another delimiter), or a
//!   missing required column, is a whole-file `Header` error; a file without data rows is `Empty`.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use aisle_domain::{Event, Item, Review, User};

use crate::error::{Error, Result};
use crate::input::{
    csv_error, csv_reader, excerpt, plain_name, ragged, raw_excerpt, read_header, record_excerpt,
    utf8, Lines, Problem,
};
use crate::sink::Sink;
use crate::ReadOptions;

pub mod events;
pub mod items;
mod records;
pub mod reviews;
mod row;
pub mod users;

pub use records::{event_from_json, item_from_json, review_from_json, user_from_json, FieldIssue};
pub(crate) use row::{Res, Row};

/// Which kind of record a generic file holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    Items,
    Users,
    Events,
    Reviews,
}

/// A record built from one row.
pub(crate) enum Record {
    Item(Item),
    User(User),
    Event(Event),
    Review(Review),
}

impl Record {
    fn id(&self) -> &str {
        match self {
            Record::Item(r) => r.id.as_str(),
            Record::User(r) => r.id.as_str(),
            Record::Event(r) => r.id.as_str(),
            Record::Review(r) => r.id.as_str(),
        }
    }
}

/// Ids seen so far in this import: hash of the id to (file index, line).
#[derive(Default)]
struct Seen {
    ids: HashMap<u128, (usize, u64)>,
}

pub(crate) fn read(
    kind: Kind,
    files: &[PathBuf],
    options: &ReadOptions,
    sink: &mut Sink<'_>,
) -> Result<()> {
    let mut seen = Seen::default();
    for (index, path) in files.iter().enumerate() {
        let name = plain_name(path);
        let file = FileCtx { kind, index, path, files, options };
        if name.ends_with(".csv") {
            read_csv(&file, &mut seen, sink)?;
        } else if name.ends_with(".jsonl") || name.ends_with(".ndjson") {
            read_jsonl(&file, &mut seen, sink)?;
        } else {
            return Err(Error::Header {
                path: path.clone(),
                detail:
                    "unknown file type; name the file .csv, .jsonl or .ndjson (optionally with .gz)"
                        .into(),
            });
        }
    }
    Ok(())
}

struct FileCtx<'a> {
    kind: Kind,
    index: usize,
    path: &'a Path,
    files: &'a [PathBuf],
    options: &'a ReadOptions,
}

fn build(file: &FileCtx<'_>, row: &Row<'_>) -> Res<Record> {
    Ok(match file.kind {
        Kind::Items => Record::Item(items::build(row, file.options)?),
        Kind::Users => Record::User(users::build(row)?),
        Kind::Events => Record::Event(events::build(row)?),
        Kind::Reviews => Record::Review(reviews::build(row)?),
    })
}

/// Keeps a record unless its id was seen earlier in the import.
fn keep(
    file: &FileCtx<'_>,
    line: u64,
    record: Record,
    seen: &mut Seen,
    sink: &mut Sink<'_>,
) -> Res<()> {
    let key = xxhash_rust::xxh3::xxh3_128(record.id().as_bytes());
    if let Some(&(index, first)) = seen.ids.get(&key) {
        let place = if index == file.index {
            format!("line {first}")
        } else {
            format!("line {first} of {}", file.files[index].display())
        };
        let what = match &record {
            Record::Event(e) if e.id.as_str().starts_with(events::DERIVED_PREFIX) => format!(
                "this row is identical to {place} of this import (same derived id {}); it counts once",
                e.id
            ),
            _ => format!("id {} already appeared on {place} of this import; the first is kept", excerpt(record.id())),
        };
        return Err(Problem::new(if file.kind == Kind::Events { "event_id" } else { "id" }, what));
    }
    seen.ids.insert(key, (file.index, line));
    match record {
        Record::Item(r) => sink.batch.items.push(r),
        Record::User(r) => sink.batch.users.push(r),
        Record::Event(r) => sink.batch.events.push(r),
        Record::Review(r) => sink.batch.reviews.push(r),
    }
    Ok(())
}

fn read_csv(file: &FileCtx<'_>, seen: &mut Seen, sink: &mut Sink<'_>) -> Result<()> {
    let path = file.path;
    let mut reader = csv_reader(path, sink.progress(), b',')?;
    let Some(header) = read_header(path, &mut reader, b',')? else {
        return Err(Error::Empty { path: path.to_path_buf() });
    };
    let required: &[&[&str]] = match file.kind {
        Kind::Items | Kind::Users => &[&["id"]],
        Kind::Events => &[&["kind"], &["timestamp"]],
        Kind::Reviews => &[&["id"], &["item_id"]],
    };
    crate::input::require_columns(path, &header, required)?;
    if file.kind == Kind::Events && !header.iter().any(|h| h == "user_id" || h == "session_id") {
        return Err(Error::Header {
            path: path.to_path_buf(),
            detail: format!(
                "missing column `user_id` or `session_id` (one is required); found {}",
                header.join(",")
            ),
        });
    }
    let mut record = csv::ByteRecord::new();
    let mut rows = 0u64;
    while reader.read_byte_record(&mut record).map_err(|e| csv_error(path, e))? {
        rows += 1;
        sink.line();
        let line = record.position().map_or(0, |p| p.line());
        let outcome = (|| {
            if record.len() != header.len() {
                return Err(ragged(record.len(), header.len()));
            }
            let fields = header
                .iter()
                .zip(record.iter())
                .map(|(name, bytes)| utf8(name, bytes))
                .collect::<Res<Vec<&str>>>()?;
            let built = build(file, &Row::Csv { header: &header, fields: &fields })?;
            keep(file, line, built, seen, sink)
        })();
        match outcome {
            Ok(()) => sink.accepted(),
            Err(problem) => sink.reject(problem, path, line, record_excerpt(&record, b',')),
        }
        sink.maybe_flush()?;
    }
    if rows == 0 {
        return Err(Error::Empty { path: path.to_path_buf() });
    }
    Ok(())
}

fn read_jsonl(file: &FileCtx<'_>, seen: &mut Seen, sink: &mut Sink<'_>) -> Result<()> {
    let path = file.path;
    let mut lines = Lines::open(path, sink.progress())?;
    let mut rows = 0u64;
    while let Some((line, bytes)) = lines.next_line()? {
        if bytes.iter().all(u8::is_ascii_whitespace) {
            continue;
        }
        rows += 1;
        sink.line();
        let outcome = (|| {
            let text = utf8("line", bytes)?;
            let object: serde_json::Map<String, serde_json::Value> = serde_json::from_str(text)
                .map_err(|e| {
                    Problem::row(format!(
                        "not a JSON object: {e}; each line must be one {{...}} object"
                    ))
                })?;
            let built = build(file, &Row::Json(&object))?;
            keep(file, line, built, seen, sink)
        })();
        match outcome {
            Ok(()) => sink.accepted(),
            Err(problem) => sink.reject(problem, path, line, raw_excerpt(bytes)),
        }
        sink.maybe_flush()?;
    }
    if rows == 0 {
        return Err(Error::Empty { path: path.to_path_buf() });
    }
    Ok(())
}
