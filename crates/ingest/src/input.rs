//! Opening input files: byte counting for progress, on-the-fly gzip, line and CSV readers, and
//! the text decoding every parser shares. Not a parser of any format.

use std::cell::Cell;
use std::fs::File;
use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};
use std::rc::Rc;

use flate2::read::MultiGzDecoder;

use crate::error::{Error, Result};
use crate::RowIssue;

/// Raw excerpts in issues stop after this many bytes.
const RAW_EXCERPT_BYTES: usize = 200;

/// Counts the raw bytes pulled from a file into a counter shared with the sink.
struct Counting<R> {
    inner: R,
    progress: Rc<Cell<u64>>,
}

impl<R: Read> Read for Counting<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.progress.set(self.progress.get() + n as u64);
        Ok(n)
    }
}

/// True for paths ending in `.gz`.
pub(crate) fn is_gzip(path: &Path) -> bool {
    path.extension().is_some_and(|e| e.eq_ignore_ascii_case("gz"))
}

/// The file name without a trailing `.gz`, lower-cased: what decides a file's role.
pub(crate) fn plain_name(path: &Path) -> String {
    let name =
        path.file_name().map(|n| n.to_string_lossy().to_ascii_lowercase()).unwrap_or_default();
    match name.strip_suffix(".gz") {
        Some(stem) => stem.to_string(),
        None => name,
    }
}

/// Opens a file for reading, decompressing `.gz`, counting raw bytes into `progress`.
pub(crate) fn open(path: &Path, progress: &Rc<Cell<u64>>) -> Result<Box<dyn Read>> {
    let file = File::open(path).map_err(|e| io_error(path, e))?;
    let counting = Counting { inner: file, progress: Rc::clone(progress) };
    if is_gzip(path) {
        Ok(Box::new(MultiGzDecoder::new(BufReader::with_capacity(64 * 1024, counting))))
    } else {
        Ok(Box::new(counting))
    }
}

/// Maps an IO error on `path` to the error a user can act on.
pub(crate) fn io_error(path: &Path, err: std::io::Error) -> Error {
    match err.kind() {
        std::io::ErrorKind::NotFound => Error::NotFound { path: path.to_path_buf() },
        std::io::ErrorKind::UnexpectedEof if is_gzip(path) => {
            Error::Truncated { path: path.to_path_buf(), detail: err.to_string() }
        }
        _ => Error::Io { path: path.to_path_buf(), source: err },
    }
}

/// Maps a CSV reader error (always an IO error here: records are read as bytes, flexibly).
pub(crate) fn csv_error(path: &Path, err: csv::Error) -> Error {
    let message = err.to_string();
    match err.into_kind() {
        csv::ErrorKind::Io(io) => io_error(path, io),
        _ => Error::Io { path: path.to_path_buf(), source: std::io::Error::other(message) },
    }
}

/// Reads physical lines as bytes, without their `\n` / `\r\n`, counting line numbers.
pub(crate) struct Lines {
    reader: BufReader<Box<dyn Read>>,
    path: PathBuf,
    buf: Vec<u8>,
    number: u64,
}

impl Lines {
    pub(crate) fn open(path: &Path, progress: &Rc<Cell<u64>>) -> Result<Self> {
        let reader = BufReader::with_capacity(64 * 1024, open(path, progress)?);
        Ok(Self { reader, path: path.to_path_buf(), buf: Vec::new(), number: 0 })
    }

    /// The next line and its 1-based number, or `None` at the end of the file.
    pub(crate) fn next_line(&mut self) -> Result<Option<(u64, &[u8])>> {
        self.buf.clear();
        let n =
            self.reader.read_until(b'\n', &mut self.buf).map_err(|e| io_error(&self.path, e))?;
        if n == 0 {
            return Ok(None);
        }
        self.number += 1;
        let mut line = self.buf.as_slice();
        if let Some(rest) = line.strip_suffix(b"\n") {
            line = rest;
        }
        if let Some(rest) = line.strip_suffix(b"\r") {
            line = rest;
        }
        Ok(Some((self.number, line)))
    }
}

/// A CSV reader over raw bytes, tolerant of ragged rows (we report them ourselves).
pub(crate) fn csv_reader(
    path: &Path,
    progress: &Rc<Cell<u64>>,
    delimiter: u8,
) -> Result<csv::Reader<Box<dyn Read>>> {
    Ok(csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .has_headers(false)
        .flexible(true)
        .buffer_capacity(64 * 1024)
        .from_reader(open(path, progress)?))
}

/// Reads and checks a CSV header: normalises names (trimmed, lower-case, BOM dropped), rejects a
/// header that looks split on the wrong delimiter. `Ok(None)` means the file is empty.
pub(crate) fn read_header(
    path: &Path,
    reader: &mut csv::Reader<Box<dyn Read>>,
    delimiter: u8,
) -> Result<Option<Vec<String>>> {
    let mut record = csv::ByteRecord::new();
    if !reader.read_byte_record(&mut record).map_err(|e| csv_error(path, e))? {
        return Ok(None);
    }
    let names: Vec<String> = record
        .iter()
        .map(|f| {
            let text = String::from_utf8_lossy(f);
            text.trim_start_matches('\u{feff}').trim().to_ascii_lowercase()
        })
        .collect();
    if names.len() == 1 {
        let others: &[(u8, &str)] = &[(b',', "','"), (b';', "';'"), (b'\t', "tab")];
        for &(other, name) in others {
            if other != delimiter && names[0].as_bytes().contains(&other) {
                return Err(Error::Header {
                    path: path.to_path_buf(),
                    detail: format!(
                        "the header is one column `{}` containing {name}, but this format is separated by {}; \
                         convert the file or choose the right format",
                        excerpt(&names[0]),
                        delimiter_name(delimiter)
                    ),
                });
            }
        }
    }
    Ok(Some(names))
}

fn delimiter_name(delimiter: u8) -> &'static str {
    match delimiter {
        b',' => "','",
        b';' => "';'",
        b'\t' => "tab",
        _ => "another delimiter",
    }
}

/// Finds required columns (any of several accepted names each); `Header` error naming what was
/// expected and found when one is missing.
pub(crate) fn require_columns(
    path: &Path,
    header: &[String],
    required: &[&[&str]],
) -> Result<Vec<usize>> {
    let mut found = Vec::with_capacity(required.len());
    for names in required {
        match header.iter().position(|h| names.contains(&h.as_str())) {
            Some(i) => found.push(i),
            None => {
                let expected: Vec<&str> = required.iter().map(|n| n[0]).collect();
                return Err(Error::Header {
                    path: path.to_path_buf(),
                    detail: format!(
                        "missing column `{}`; expected columns {}, found {}",
                        names[0],
                        expected.join(","),
                        header.join(",")
                    ),
                });
            }
        }
    }
    Ok(found)
}

/// Decodes one field as UTF-8, naming it in the error.
pub(crate) fn utf8<'a>(field: &str, bytes: &'a [u8]) -> std::result::Result<&'a str, Problem> {
    std::str::from_utf8(bytes).map_err(|e| {
        Problem::new(
            field,
            format!(
                "field is not valid UTF-8 (bad byte at offset {}); re-save the file as UTF-8",
                e.valid_up_to()
            ),
        )
    })
}

/// Decodes ISO-8859-1 (Latin-1) bytes: each byte is the code point of the same value.
pub(crate) fn latin1(bytes: &[u8]) -> String {
    bytes.iter().map(|&b| char::from(b)).collect()
}

/// Cuts text to at most `RAW_EXCERPT_BYTES` on a character boundary.
pub(crate) fn excerpt(text: &str) -> String {
    if text.len() <= RAW_EXCERPT_BYTES {
        return text.to_string();
    }
    let mut end = RAW_EXCERPT_BYTES;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    format!("{}…", &text[..end])
}

/// An excerpt of raw bytes, invalid UTF-8 replaced.
pub(crate) fn raw_excerpt(bytes: &[u8]) -> String {
    let cut = &bytes[..bytes.len().min(RAW_EXCERPT_BYTES + 4)];
    excerpt(&String::from_utf8_lossy(cut))
}

/// An excerpt of a CSV record, its fields joined by the delimiter.
pub(crate) fn record_excerpt(record: &csv::ByteRecord, delimiter: u8) -> String {
    let mut raw = Vec::with_capacity(RAW_EXCERPT_BYTES + 8);
    for (i, field) in record.iter().enumerate() {
        if i > 0 {
            raw.push(delimiter);
        }
        raw.extend_from_slice(&field[..field.len().min(RAW_EXCERPT_BYTES + 4)]);
        if raw.len() > RAW_EXCERPT_BYTES {
            break;
        }
    }
    raw_excerpt(&raw)
}

/// What is wrong with a row, before it is tied to a file and line.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Problem {
    pub(crate) field: Option<String>,
    pub(crate) reason: String,
}

impl Problem {
    pub(crate) fn new(field: &str, reason: impl Into<String>) -> Self {
        Self { field: Some(field.to_string()), reason: reason.into() }
    }

    pub(crate) fn row(reason: impl Into<String>) -> Self {
        Self { field: None, reason: reason.into() }
    }

    /// A domain validation error; the domain names the field in its message.
    pub(crate) fn domain(err: aisle_domain::Error) -> Self {
        let field = match &err {
            aisle_domain::Error::Empty { field }
            | aisle_domain::Error::TooLong { field, .. }
            | aisle_domain::Error::ControlCharacter { field }
            | aisle_domain::Error::OutOfRange { field, .. }
            | aisle_domain::Error::Invalid { field, .. } => Some((*field).to_string()),
        };
        Self { field, reason: err.to_string() }
    }

    pub(crate) fn at(self, file: &Path, line: u64, raw: String) -> RowIssue {
        RowIssue { file: file.to_path_buf(), line, field: self.field, reason: self.reason, raw }
    }
}

impl From<aisle_domain::Error> for Problem {
    fn from(err: aisle_domain::Error) -> Self {
        Self::domain(err)
    }
}

/// A field count that does not match the header.
pub(crate) fn ragged(found: usize, expected: usize) -> Problem {
    Problem::row(format!(
        "row has {found} fields, the header has {expected}; quote fields that contain the delimiter"
    ))
}

/// Checks and wraps an id, naming the field (as the file calls it) in the problem.
pub(crate) fn id(
    field: &'static str,
    text: &str,
) -> std::result::Result<aisle_domain::ExternalId, Problem> {
    aisle_domain::ExternalId::parse_field(field, text.trim()).map_err(Problem::domain)
}

/// Wraps an id built by the reader (already trimmed), without copying it again.
pub(crate) fn owned_id(
    field: &'static str,
    text: String,
) -> std::result::Result<aisle_domain::ExternalId, Problem> {
    aisle_domain::ExternalId::parse_field(field, text).map_err(Problem::domain)
}

/// Parses an integer, naming the field.
pub(crate) fn int(field: &str, text: &str) -> std::result::Result<i64, Problem> {
    text.trim()
        .parse()
        .map_err(|_| Problem::new(field, format!("`{}` is not a whole number", excerpt(text))))
}

/// Parses a finite number, naming the field.
pub(crate) fn number(field: &str, text: &str) -> std::result::Result<f64, Problem> {
    match text.trim().parse::<f64>() {
        Ok(v) if v.is_finite() => Ok(v),
        _ => Err(Problem::new(field, format!("`{}` is not a number", excerpt(text)))),
    }
}
