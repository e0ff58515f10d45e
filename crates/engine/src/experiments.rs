//! Where A/B experiments live on disk: `<data-dir>/experiments.json` holds every definition with
//! its counts (read by the server at start and by `aisle experiments`), and
//! `<data-dir>/experiments/<id>.marks` remembers which shoppers an experiment has shown its
//! recommendations to and which of them converted, so a restarted server counts nobody twice.
//!
//! The marks file is append-only: an 8-byte tag, then one 10-byte record per change of a
//! shopper (the hash of their id, little-endian `u64`; their variant, `u8`; what they did,
//! `u8`). A shopper changes at most three times (shown, converted, bought), so the file stays
//! within three records per shopper without compaction. A record cut short by a crash is
//! ignored.

use std::io::Write as _;
use std::path::{Path, PathBuf};

use aisle_experiments::{Book, Experiment, Mark};

use crate::{Engine, Error, Result};

const MARKS_TAG: &[u8; 8] = b"AISLEXM1";
const RECORD: usize = 10;

/// The experiment files of a data directory.
#[derive(Debug, Clone)]
pub struct ExperimentFiles {
    data_dir: PathBuf,
}

impl ExperimentFiles {
    /// The files under `data_dir`.
    pub fn new(data_dir: &Path) -> Self {
        Self { data_dir: data_dir.to_path_buf() }
    }

    /// `<data-dir>/experiments.json`.
    pub fn book_path(&self) -> PathBuf {
        self.data_dir.join("experiments.json")
    }

    fn marks_path(&self, id: &str) -> PathBuf {
        // Ids are checked to letters, digits, `-`, `_` and `.` (never a leading dot), so one is
        // a plain file name.
        self.data_dir.join("experiments").join(format!("{id}.marks"))
    }

    /// Every experiment with its counts, checked (an absent file: none).
    pub fn read(&self) -> Result<Book> {
        let path = self.book_path();
        let bytes = match std::fs::read(&path) {
            Ok(bytes) => bytes,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Book::default()),
            Err(e) => {
                return Err(Error::Config {
                    detail: format!("cannot read {}: {e}", path.display()),
                })
            }
        };
        let book: Book = serde_json::from_slice(&bytes).map_err(|e| Error::Config {
            detail: format!("{}: {e}; fix the file or delete it", path.display()),
        })?;
        book.checked().map_err(|e| Error::Config {
            detail: format!("{}: {e}; fix the file or delete it", path.display()),
        })
    }

    /// Replaces the file with `book`, atomically.
    pub fn write(&self, book: &Book) -> Result<()> {
        let path = self.book_path();
        let bytes = serde_json::to_vec_pretty(book).unwrap_or_default();
        let temporary = path.with_extension("json.tmp");
        std::fs::write(&temporary, bytes)
            .and_then(|()| std::fs::rename(&temporary, &path))
            .map_err(|source| Error::Write { path, source })
    }

    /// The marks saved for an experiment, oldest first (none when it has no file yet).
    pub fn read_marks(&self, id: &str) -> Result<Vec<(u64, Mark)>> {
        let path = self.marks_path(id);
        let bytes = match std::fs::read(&path) {
            Ok(bytes) => bytes,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
            Err(e) => {
                return Err(Error::Config {
                    detail: format!("cannot read {}: {e}", path.display()),
                })
            }
        };
        decode_marks(&bytes).ok_or_else(|| Error::Config {
            detail: format!(
                "{} is not an experiment marks file; delete it (its experiment will count \
                 returning shoppers as new)",
                path.display()
            ),
        })
    }

    /// Appends marks to an experiment's file (created with its tag when new).
    pub fn append_marks(&self, id: &str, marks: &[(u64, Mark)]) -> Result<()> {
        if marks.is_empty() {
            return Ok(());
        }
        let path = self.marks_path(id);
        let append = || -> std::io::Result<()> {
            if let Some(dir) = path.parent() {
                std::fs::create_dir_all(dir)?;
            }
            let mut file = std::fs::OpenOptions::new().create(true).append(true).open(&path)?;
            let mut bytes = Vec::with_capacity(MARKS_TAG.len() + marks.len() * RECORD);
            if file.metadata()?.len() == 0 {
                bytes.extend_from_slice(MARKS_TAG);
            }
            for (key, mark) in marks {
                bytes.extend_from_slice(&key.to_le_bytes());
                bytes.push(mark.variant);
                bytes.push(mark.flags);
            }
            file.write_all(&bytes)?;
            file.sync_data()
        };
        append().map_err(|source| Error::Write { path, source })
    }

    /// Deletes an experiment's marks (nothing to do when there are none).
    pub fn remove_marks(&self, id: &str) -> Result<()> {
        let path = self.marks_path(id);
        match std::fs::remove_file(&path) {
            Ok(()) => Ok(()),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
            Err(source) => Err(Error::Write { path, source }),
        }
    }
}

/// The records of a marks file; `None` when it does not start with the tag.
fn decode_marks(bytes: &[u8]) -> Option<Vec<(u64, Mark)>> {
    if bytes.is_empty() {
        return Some(Vec::new());
    }
    let records = bytes.strip_prefix(MARKS_TAG.as_slice())?;
    Some(
        records
            .chunks_exact(RECORD)
            .map(|record| {
                let mut key = [0u8; 8];
                key.copy_from_slice(&record[..8]);
                (u64::from_le_bytes(key), Mark { variant: record[8], flags: record[9] })
            })
            .collect(),
    )
}

impl Engine {
    /// The experiment files of this data directory.
    pub fn experiment_files(&self) -> ExperimentFiles {
        ExperimentFiles::new(self.data_dir())
    }

    /// Checks that every variant's model has a trained, active version to serve; the error
    /// names the variant and the command that trains it.
    pub fn check_experiment_models(&self, experiment: &Experiment) -> Result<()> {
        let files = self.model_files();
        for variant in &experiment.variants {
            if files.active(&variant.model)?.is_none() {
                return Err(Error::InvalidRequest(format!(
                    "variant `{}`: no trained `{}` model to serve; train it first (`aisle train \
                     --model {}` or POST /v1/admin/train)",
                    variant.name, variant.model, variant.model
                )));
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn marks_round_trip_and_a_torn_record_is_dropped() {
        let dir = tempfile::tempdir().unwrap();
        let files = ExperimentFiles::new(dir.path());
        assert!(files.read_marks("x").unwrap().is_empty());
        let first = [(7u64, Mark { variant: 1, flags: Mark::EXPOSED })];
        let second = [(7u64, Mark { variant: 1, flags: Mark::EXPOSED | Mark::CONVERTED })];
        files.append_marks("x", &first).unwrap();
        files.append_marks("x", &second).unwrap();
        let read = files.read_marks("x").unwrap();
        assert_eq!(read, vec![first[0], second[0]]);
        let path = dir.path().join("experiments/x.marks");
        let mut bytes = std::fs::read(&path).unwrap();
        bytes.extend_from_slice(&[1, 2, 3]);
        std::fs::write(&path, &bytes).unwrap();
        assert_eq!(files.read_marks("x").unwrap().len(), 2, "the torn tail is ignored");
        std::fs::write(&path, b"something else entirely").unwrap();
        let error = files.read_marks("x").unwrap_err().to_string();
        assert!(error.contains("x.marks") && error.contains("delete it"), "{error}");
        files.remove_marks("x").unwrap();
        files.remove_marks("x").unwrap();
    }

    #[test]
    fn a_damaged_book_names_its_file() {
        let dir = tempfile::tempdir().unwrap();
        let files = ExperimentFiles::new(dir.path());
        assert_eq!(files.read().unwrap(), Book::default());
        std::fs::write(files.book_path(), "{oops").unwrap();
        let error = files.read().unwrap_err().to_string();
        assert!(error.contains("experiments.json") && error.contains("delete it"), "{error}");
        let one_variant = r#"{"experiments": [{"id": "x", "name": "n",
            "variants": [{"name": "a", "model": "ease"}]}]}"#;
        std::fs::write(files.book_path(), one_variant).unwrap();
        let error = files.read().unwrap_err().to_string();
        assert!(error.contains("at least two variants"), "{error}");
    }
}
