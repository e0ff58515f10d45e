//! Imports from the dashboard: `POST /v1/admin/imports?format=F` takes a file as the raw request
//! body (at most `server.max_body_bytes`), writes it to `<data-dir>/imports/<job>/`, and runs the
//! engine's import on it in the background; `GET /v1/admin/imports/{id}` follows the job, with
//! the first rejected rows read from its rejects file.
//!
//! The upload is deleted once imported; the rejects file stays in the job's directory. Jobs are
//! remembered in memory (the latest [`KEEP`]) until the server stops.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError};

use aisle_engine::{read_rejects, Format, ImportOptions, Progress};
use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::State;
use axum::http::StatusCode;
use axum::Extension;
use serde::{Deserialize, Serialize};

use super::{now, unread_body, Dashboard};
use crate::problem::{Answer, Json, Path, Problem, Query};
use crate::routes::blocking;
use crate::state::AppState;

/// Jobs remembered.
const KEEP: usize = 100;
/// Rejected rows shown.
const SHOWN_REJECTS: usize = 100;

/// What the body is.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
pub struct ImportParams {
    /// The import format: `events`, `items`, `users`, `reviews` (the generic files; also
    /// spelled `generic-events`...), `online-retail`, `movielens`, `diginetica`, `s3rec` or
    /// `sasrec`.
    pub format: Option<String>,
    /// The file's name, when it matters to the format: `.csv` or `.jsonl` for the generic
    /// files, `u.data` or `ratings.dat` for MovieLens, a trailing `.gz` for gzip. Without it
    /// the server guesses from the content (JSON Lines if it starts with `{`, else CSV).
    pub filename: Option<String>,
}

/// An import job.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ImportStatus {
    /// The job's id (`imp-1`, `imp-2`...).
    pub id: String,
    /// `running`, `done` or `failed`.
    pub state: String,
    /// The format.
    pub format: String,
    /// Bytes of the file read so far.
    pub bytes_done: u64,
    /// Bytes of the file.
    pub bytes_total: u64,
    /// Rows stored as records so far.
    pub records: u64,
    /// Rows rejected so far.
    pub rejected: u64,
    /// The first 100 rejected rows.
    pub rejects: Vec<RejectView>,
    /// Why the job failed (rows before the failure are stored).
    pub error: Option<String>,
    /// When the job started (RFC 3339).
    pub started_at: String,
}

/// A rejected row.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct RejectView {
    /// Its 1-based line in the file.
    pub line: u64,
    /// The field at fault, when one is.
    pub field: Option<String>,
    /// What is wrong and how to fix it.
    pub error: String,
}

/// The import jobs of this server.
#[derive(Debug, Default)]
pub(crate) struct Jobs {
    next: AtomicU64,
    jobs: Mutex<BTreeMap<u64, Job>>,
}

#[derive(Debug, Clone)]
struct Job {
    status: ImportStatus,
    rejects_path: PathBuf,
}

impl Jobs {
    fn update(&self, number: u64, change: impl FnOnce(&mut ImportStatus)) {
        let mut jobs = self.jobs.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(job) = jobs.get_mut(&number) {
            change(&mut job.status);
        }
    }
}

/// Imports the request body as a file of `format`, in the background.
#[utoipa::path(post, path = "/v1/admin/imports", tag = "dashboard", params(ImportParams),
    request_body(content = Vec<u8>, content_type = "application/octet-stream",
        description = "the file, as is (gzip allowed)"),
    responses((status = 202, body = ImportStatus), (status = 400, body = Problem),
        (status = 413, body = Problem)),
    security(("api_key" = [])))]
pub async fn start(
    State(state): State<Arc<AppState>>,
    Extension(dashboard): Extension<Arc<Dashboard>>,
    Query(params): Query<ImportParams>,
    body: Result<Bytes, BytesRejection>,
) -> Result<(StatusCode, Json<ImportStatus>), Problem> {
    let format = parse_format(params.format.as_deref())?;
    let body = body.map_err(unread_body)?;
    if body.is_empty() {
        return Err(Problem::bad_request("the body is empty; send the file as the request body"));
    }
    let file_name = match params.filename.as_deref() {
        Some(name) => checked_file_name(name)?,
        None => guessed_file_name(format, &body),
    };
    let number = dashboard.imports.next.fetch_add(1, Ordering::SeqCst) + 1;
    let id = format!("imp-{number}");
    let started = now();
    let dir = state.engine().data_dir().join("imports").join(format!("{id}-{}", started.millis()));
    let upload = dir.join(file_name);
    let rejects_path = dir.join("rejects.jsonl");
    let bytes_total = body.len() as u64;
    let (write_dir, write_to) = (dir.clone(), upload.clone());
    blocking(&state, move |_| {
        std::fs::create_dir_all(&write_dir)
            .and_then(|()| std::fs::write(&write_to, &body))
            .map_err(|e| Problem::internal(format!("writing {}: {e}", write_to.display())))
    })
    .await?;
    let status = ImportStatus {
        id: id.clone(),
        state: "running".into(),
        format: format.as_str().into(),
        bytes_done: 0,
        bytes_total,
        records: 0,
        rejected: 0,
        rejects: Vec::new(),
        error: None,
        started_at: started.to_rfc3339(),
    };
    {
        let mut jobs = dashboard.imports.jobs.lock().unwrap_or_else(PoisonError::into_inner);
        jobs.insert(number, Job { status: status.clone(), rejects_path: rejects_path.clone() });
        while jobs.len() > KEEP {
            jobs.pop_first();
        }
    }
    let options =
        ImportOptions { format, paths: vec![upload.clone()], rejects_path: Some(rejects_path) };
    let (worker, tracker) = (state.clone(), dashboard.clone());
    tokio::task::spawn_blocking(move || {
        let jobs = &tracker.imports;
        let imported = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            worker.engine().import(&options, &mut |p: Progress| {
                jobs.update(number, |s| {
                    s.bytes_done = p.done;
                    s.bytes_total = p.total.unwrap_or(s.bytes_total);
                    s.records = p.records.saturating_sub(p.rejected);
                    s.rejected = p.rejected;
                });
            })
        }));
        if let Err(error) = std::fs::remove_file(&upload) {
            tracing::warn!(path = %upload.display(), %error, "cannot remove an imported upload");
        }
        jobs.update(number, |s| match imported {
            Ok(Ok(report)) => {
                s.records = report.rows_accepted;
                s.rejected = report.rows_rejected;
                match report.failure {
                    Some(failure) => {
                        s.state = "failed".into();
                        s.error = Some(failure);
                    }
                    None => {
                        s.state = "done".into();
                        s.bytes_done = s.bytes_total;
                    }
                }
            }
            Ok(Err(error)) => {
                s.state = "failed".into();
                s.error = Some(error.to_string());
            }
            Err(_) => {
                s.state = "failed".into();
                s.error = Some("the import crashed; see the server log".into());
            }
        });
    });
    Ok((StatusCode::ACCEPTED, Json(status)))
}

/// How an import job is going, with its first rejected rows.
#[utoipa::path(get, path = "/v1/admin/imports/{id}", tag = "dashboard",
    params(("id" = String, Path, description = "the id the import was started with")),
    responses((status = 200, body = ImportStatus), (status = 404, body = Problem)),
    security(("api_key" = [])))]
pub async fn status(
    State(state): State<Arc<AppState>>,
    Extension(dashboard): Extension<Arc<Dashboard>>,
    Path(id): Path<String>,
) -> Answer<ImportStatus> {
    let found = id.strip_prefix("imp-").and_then(|n| n.parse::<u64>().ok()).and_then(|n| {
        let jobs = dashboard.imports.jobs.lock().unwrap_or_else(PoisonError::into_inner);
        jobs.get(&n).cloned()
    });
    let Some(Job { mut status, rejects_path }) = found else {
        let shown: String = id.chars().take(64).collect();
        return Err(Problem::not_found(format!("no import {shown:?} on this server")));
    };
    if status.rejected > 0 {
        let rejects =
            blocking(&state, move |_| Ok(read_rejects(&rejects_path, SHOWN_REJECTS))).await?;
        status.rejects = rejects
            .into_iter()
            .map(|r| RejectView { line: r.line, field: r.field, error: r.reason })
            .collect();
    }
    Ok(Json(status))
}

fn parse_format(given: Option<&str>) -> Result<Format, Problem> {
    let names: Vec<&str> = Format::ALL.iter().map(|f| f.as_str()).collect();
    let choose = || format!("choose one of {}", names.join(", "));
    let Some(given) = given else {
        return Err(Problem::bad_request(format!(
            "name the file's format as `format`; {}",
            choose()
        )));
    };
    let plain = given.trim().to_ascii_lowercase();
    let plain = plain.strip_prefix("generic-").unwrap_or(&plain);
    Format::parse(plain).ok_or_else(|| {
        let shown: String = given.chars().take(64).collect();
        Problem::bad_request(format!("unknown format {shown:?}; {}", choose()))
    })
}

/// A file name from the client: its last path component, plain characters only.
fn checked_file_name(given: &str) -> Result<String, Problem> {
    let name = given.rsplit(['/', '\\']).next().unwrap_or_default();
    let plain = !name.is_empty()
        && name.len() <= 100
        && !name.starts_with('.')
        && name.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-' | b'_'));
    if plain {
        Ok(name.to_string())
    } else {
        Err(Problem::bad_request(
            "`filename` must be a plain file name (letters, digits, `.`, `-`, `_`; at most 100)",
        ))
    }
}

/// A name that tells the readers what the content is.
fn guessed_file_name(format: Format, body: &[u8]) -> String {
    let gzip = body.starts_with(&[0x1f, 0x8b]);
    let first_line = body.split(|&b| b == b'\n').next().unwrap_or_default();
    let name = match format {
        Format::Events | Format::Items | Format::Users | Format::Reviews => {
            let json = body.iter().find(|b| !b.is_ascii_whitespace()) == Some(&b'{');
            if json {
                "upload.jsonl"
            } else {
                "upload.csv"
            }
        }
        Format::MovieLens if first_line.windows(2).any(|w| w == b"::") => "ratings.dat",
        Format::MovieLens => "u.data",
        Format::S3Rec | Format::SasRec => "upload.txt",
        Format::OnlineRetail | Format::Diginetica => "upload.csv",
    };
    if gzip {
        format!("{name}.gz")
    } else {
        name.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_names_are_plain_or_refused() {
        assert_eq!(checked_file_name("../../etc/events.csv").ok().as_deref(), Some("events.csv"));
        assert_eq!(checked_file_name("C:\\data\\u.data").ok().as_deref(), Some("u.data"));
        for bad in ["", "..", ".hidden", "a b.csv", "x/", "名.csv"] {
            assert!(checked_file_name(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn names_are_guessed_from_the_content() {
        assert_eq!(guessed_file_name(Format::Events, b"  {\"a\": 1}\n"), "upload.jsonl");
        assert_eq!(guessed_file_name(Format::Items, b"id,title\n"), "upload.csv");
        assert_eq!(guessed_file_name(Format::Events, &[0x1f, 0x8b, 0]), "upload.csv.gz");
        assert_eq!(guessed_file_name(Format::MovieLens, b"1::2::5::978300760\n"), "ratings.dat");
        assert_eq!(guessed_file_name(Format::MovieLens, b"1\t2\t5\t881250949\n"), "u.data");
    }

    #[test]
    fn formats_accept_the_generic_prefix_and_list_the_choices() {
        assert_eq!(parse_format(Some("generic-events")).ok(), Some(Format::Events));
        assert_eq!(parse_format(Some("Online_Retail")).ok(), Some(Format::OnlineRetail));
        let problem = parse_format(Some("excel")).err().map(|p| p.detail).unwrap_or_default();
        assert!(problem.contains("online-retail") && problem.contains("events"), "{problem}");
        assert!(parse_format(None).is_err());
    }
}
