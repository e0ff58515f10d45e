//! The import job: a reader thread parses files into chunks while this thread writes each chunk
//! to the store in one transaction and appends the chunk's bad rows to the rejects file.

use std::io::{BufRead, Write};
use std::path::{Path, PathBuf};
use std::sync::mpsc::sync_channel;
use std::time::Instant;

use aisle_ingest::{Chunk, Format, ReadOptions, RowIssue};
use serde::Serialize;

use crate::Written;
use crate::{Engine, Error, Progress, Result};

/// What to import.
#[derive(Debug, Clone)]
pub struct ImportOptions {
    /// The input format.
    pub format: Format,
    /// Files (or, for MovieLens, the dataset directory).
    pub paths: Vec<PathBuf>,
    /// Where bad rows go; by default a new file under `<data-dir>/rejects/`.
    pub rejects_path: Option<PathBuf>,
}

/// What an import did; serialized for `aisle import --json`.
#[derive(Debug, Clone, Serialize)]
pub struct ImportReport {
    /// The format name.
    pub format: String,
    /// The files read.
    pub files: Vec<String>,
    /// Data lines read.
    pub lines: u64,
    /// Rows turned into records.
    pub rows_accepted: u64,
    /// Rows rejected (each is in the rejects file).
    pub rows_rejected: u64,
    /// The rejects file, when any row was rejected.
    pub rejects_file: Option<String>,
    /// What the store did with the records.
    pub written: Written,
    /// Wall-clock seconds.
    pub seconds: f64,
    /// Lines per second.
    pub lines_per_second: f64,
    /// Why the import stopped early, if it did. Rows before the failure are stored.
    pub failure: Option<String>,
}

/// A row of a rejects file, as [`read_rejects`] reads it back.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RejectedRow {
    /// 1-based line of the row in its input file.
    pub line: u64,
    /// The field at fault, when one is.
    pub field: Option<String>,
    /// What is wrong and how to fix it.
    pub reason: String,
}

/// The first `max` rows of a rejects file written by [`Engine::import`]. A missing file holds
/// none; a line that does not parse (the unfinished end of a file still being written) is
/// skipped; a file that cannot be read is logged and holds none.
pub fn read_rejects(path: &Path, max: usize) -> Vec<RejectedRow> {
    #[derive(serde::Deserialize)]
    struct Row {
        line: u64,
        field: Option<String>,
        reason: String,
    }
    let file = match std::fs::File::open(path) {
        Ok(file) => file,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Vec::new(),
        Err(error) => {
            tracing::warn!(path = %path.display(), %error, "cannot read the rejects file");
            return Vec::new();
        }
    };
    std::io::BufReader::new(file)
        .lines()
        .map_while(std::result::Result::ok)
        .filter_map(|line| serde_json::from_str::<Row>(&line).ok())
        .take(max)
        .map(|r| RejectedRow { line: r.line, field: r.field, reason: r.reason })
        .collect()
}

/// Appends rejected rows as JSON Lines, creating the file on the first one.
struct RejectsFile {
    path: PathBuf,
    file: Option<std::io::BufWriter<std::fs::File>>,
    rows: u64,
}

impl RejectsFile {
    fn write(&mut self, issues: &[RowIssue]) -> Result<()> {
        if issues.is_empty() {
            return Ok(());
        }
        let err = |source| Error::Write { path: self.path.clone(), source };
        if self.file.is_none() {
            if let Some(parent) = self.path.parent() {
                std::fs::create_dir_all(parent).map_err(err)?;
            }
            self.file =
                Some(std::io::BufWriter::new(std::fs::File::create(&self.path).map_err(err)?));
        }
        if let Some(file) = self.file.as_mut() {
            for issue in issues {
                let line = serde_json::to_string(issue).unwrap_or_default();
                writeln!(file, "{line}")
                    .map_err(|e| Error::Write { path: self.path.clone(), source: e })?;
            }
        }
        self.rows += issues.len() as u64;
        Ok(())
    }

    fn finish(mut self) -> Result<Option<String>> {
        match self.file.take() {
            Some(mut file) => {
                file.flush().map_err(|e| Error::Write { path: self.path.clone(), source: e })?;
                Ok(Some(self.path.display().to_string()))
            }
            None => Ok(None),
        }
    }
}

impl Engine {
    /// Imports files, streaming: memory stays bounded by two chunks whatever the file size.
    /// Bad rows go to the rejects file and never cost the good ones; importing the same files
    /// again changes nothing. A whole-file failure (a truncated gzip, a missing file) stops the
    /// job and is reported in [`ImportReport::failure`], with everything before it stored.
    pub fn import(
        &self,
        options: &ImportOptions,
        on_progress: &mut dyn FnMut(Progress),
    ) -> Result<ImportReport> {
        let started = Instant::now();
        let read_options = ReadOptions {
            chunk_rows: self.config.import.chunk_rows,
            currency: self.config.import.currency.clone(),
        };
        let mut rejects = RejectsFile {
            path: options
                .rejects_path
                .clone()
                .unwrap_or_else(|| self.default_rejects_path(options.format)),
            file: None,
            rows: 0,
        };
        let mut written = aisle_store::WriteReport::default();
        let mut progress = Progress::default();
        let (sender, receiver) = sync_channel::<Chunk>(2);

        let (read_result, write_result) = std::thread::scope(|scope| {
            let reader = scope.spawn(|| {
                let sender = sender;
                aisle_ingest::read(options.format, &options.paths, &read_options, &mut |chunk| {
                    sender.send(chunk).map_err(|_| "the store writer stopped".into())
                })
            });
            let write_result = (|| -> Result<()> {
                for chunk in receiver.iter() {
                    rejects.write(&chunk.issues)?;
                    written += self.store.write(&chunk.batch)?;
                    progress.done = chunk.bytes_read;
                    progress.total = Some(chunk.bytes_total);
                    progress.records += chunk.lines;
                    progress.rejected = rejects.rows;
                    on_progress(progress);
                }
                Ok(())
            })();
            // Dropping the receiver (when the loop ends early) makes the reader's next send
            // fail, so it stops instead of blocking forever.
            drop(receiver);
            let read_result = reader.join();
            (read_result, write_result)
        });
        write_result?;
        let rejects_file = rejects.finish()?;
        let (summary, failure) = match read_result {
            Ok(Ok(summary)) => (Some(summary), None),
            Ok(Err(e)) => (None, Some(e.to_string())),
            Err(_) => {
                (None, Some("the reader thread crashed; please report this as a bug".to_string()))
            }
        };
        let lines = summary.as_ref().map_or(progress.records, |s| s.lines);
        let seconds = started.elapsed().as_secs_f64();
        Ok(ImportReport {
            format: options.format.as_str().to_string(),
            files: options.paths.iter().map(|p| p.display().to_string()).collect(),
            lines,
            rows_accepted: summary
                .as_ref()
                .map_or(lines.saturating_sub(progress.rejected), |s| s.rows_accepted),
            rows_rejected: summary.as_ref().map_or(progress.rejected, |s| s.rows_rejected),
            rejects_file,
            written,
            seconds,
            lines_per_second: lines as f64 / seconds.max(1e-9),
            failure,
        })
    }
}
