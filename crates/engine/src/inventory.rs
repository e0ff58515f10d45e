//! What the data directory holds besides the store, for a dashboard to list: the trained
//! versions of each model (their configuration from the artifact header, and what training
//! recorded beside them) and the evaluation reports `aisle eval` wrote.
//!
//! Nothing here fails on one bad file: an unreadable version or report is logged and shown
//! without what could not be read, or left out.

use std::path::{Path, PathBuf};

use aisle_domain::Timestamp;
use aisle_recommend::artifact;
use aisle_store::ModelVersion;

use crate::{Engine, Result};

/// A trained model and its versions.
#[derive(Debug, Clone, PartialEq)]
pub struct ModelSummary {
    /// The registry name.
    pub name: String,
    /// The version serving (`ACTIVE`), when it can be read.
    pub active_version: Option<u32>,
    /// Every stored version, oldest first.
    pub versions: Vec<VersionSummary>,
}

/// One stored version of a model.
#[derive(Debug, Clone, PartialEq)]
pub struct VersionSummary {
    /// 1, 2, 3... in order of training.
    pub version: u32,
    /// When it was trained (RFC 3339); `None` for versions trained before this was recorded.
    pub trained_at: Option<String>,
    /// Seconds the fit took; `None` like `trained_at`.
    pub fit_seconds: Option<f64>,
    /// The configuration it was trained with, from the artifact's header; `None` if unreadable.
    pub config: Option<serde_json::Value>,
}

/// An evaluation report in `<data-dir>/reports/<name>/report.json`.
#[derive(Debug, Clone, PartialEq)]
pub struct StoredReport {
    /// The report directory's name (`eval-<unix seconds>` unless the caller chose one).
    pub name: String,
    /// The `report.json` file.
    pub path: PathBuf,
    /// When it was written: from the directory's name, else the file's modification time.
    pub created_at: Option<Timestamp>,
    /// The report as written: `{"models": {NAME: {METRIC@K: x}}, "protocol": {...}, ...}`.
    pub json: serde_json::Value,
}

/// The file `aisle eval` writes into each report directory.
const REPORT_FILE: &str = "report.json";

impl Engine {
    /// Every model with an active version, by name, with all its versions.
    pub fn model_summaries(&self) -> Result<Vec<ModelSummary>> {
        let files = self.model_files();
        let mut models = Vec::new();
        for name in files.names()? {
            let active_version = match files.active(&name) {
                Ok(active) => active.map(|v| v.version),
                Err(error) => {
                    tracing::warn!(model = name, %error, "cannot read the active version");
                    None
                }
            };
            let versions = files.versions(&name)?.iter().map(|v| self.version_summary(v)).collect();
            models.push(ModelSummary { name, active_version, versions });
        }
        Ok(models)
    }

    fn version_summary(&self, version: &ModelVersion) -> VersionSummary {
        let files = self.model_files();
        let meta = files.meta(version).unwrap_or_else(|error| {
            tracing::warn!(path = %version.path.display(), %error, "unreadable model metadata");
            None
        });
        let field = |key: &str| meta.as_ref().and_then(|m| m.get(key)).cloned();
        let config = files
            .open(version)
            .map_err(|e| e.to_string())
            .and_then(|mut input| {
                artifact::Reader::start(&mut input)
                    .map(|(h, _)| h.config)
                    .map_err(|e| e.to_string())
            })
            .map_err(|error| {
                tracing::warn!(path = %version.path.display(), %error, "unreadable model header");
            })
            .ok();
        VersionSummary {
            version: version.version,
            trained_at: field("trained_at").and_then(|v| v.as_str().map(String::from)),
            fit_seconds: field("fit_seconds").and_then(|v| v.as_f64()),
            config,
        }
    }

    /// The evaluation reports under `<data-dir>/reports`, newest first. Directories without a
    /// readable `report.json` are left out, with a log line.
    pub fn evaluation_reports(&self) -> Vec<StoredReport> {
        let dir = self.config.data_dir.join("reports");
        let Ok(entries) = std::fs::read_dir(&dir) else { return Vec::new() };
        let mut reports: Vec<StoredReport> =
            entries.flatten().filter_map(|entry| read_report(&entry.path())).collect();
        reports.sort_by(|a, b| b.created_at.cmp(&a.created_at).then_with(|| b.name.cmp(&a.name)));
        reports
    }
}

fn read_report(dir: &Path) -> Option<StoredReport> {
    let path = dir.join(REPORT_FILE);
    if !path.is_file() {
        return None;
    }
    let name = dir.file_name()?.to_string_lossy().into_owned();
    let parsed = std::fs::read(&path)
        .map_err(|e| e.to_string())
        .and_then(|bytes| {
            serde_json::from_slice::<serde_json::Value>(&bytes).map_err(|e| e.to_string())
        })
        .and_then(|json| match json.get("models") {
            Some(serde_json::Value::Object(_)) => Ok(json),
            _ => Err("no `models` object".to_string()),
        });
    let json = match parsed {
        Ok(json) => json,
        Err(error) => {
            tracing::warn!(path = %path.display(), %error, "unreadable evaluation report; skipped");
            return None;
        }
    };
    let from_name = name
        .strip_prefix("eval-")
        .and_then(|secs| secs.parse::<i64>().ok())
        .and_then(|secs| Timestamp::from_secs(secs).ok());
    let created_at = from_name.or_else(|| {
        let modified = std::fs::metadata(&path).and_then(|m| m.modified()).ok()?;
        let millis = modified.duration_since(std::time::UNIX_EPOCH).ok()?.as_millis();
        Timestamp::from_millis(i64::try_from(millis).ok()?).ok()
    });
    Some(StoredReport { name, path, created_at, json })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Config, GenerateOptions, TrainRequest};

    fn engine(dir: &Path) -> Engine {
        Engine::open(&Config { data_dir: dir.to_path_buf(), ..Config::default() }).expect("open")
    }

    #[test]
    fn versions_show_their_config_and_what_training_recorded() {
        let dir = tempfile::tempdir().expect("tempdir");
        let engine = engine(dir.path());
        engine
            .generate(
                GenerateOptions { events: 2_000, seed: 3, users: None, items: None },
                &mut |_| {},
            )
            .expect("generate");
        // A version from before metadata was recorded: the same artifact, no sidecar.
        let request = TrainRequest { model: "popular".into(), params: Vec::new(), threads: 1 };
        engine.train(&request).expect("train v1");
        let v1 = engine.model_files().active("popular").expect("active").expect("v1");
        std::fs::remove_file(v1.path.with_extension("meta.json")).expect("drop the sidecar");
        engine.train(&request).expect("train v2");
        let models = engine.model_summaries().expect("summaries");
        assert_eq!(models.len(), 1);
        let popular = &models[0];
        assert_eq!((popular.name.as_str(), popular.active_version), ("popular", Some(2)));
        let [old, new] = popular.versions.as_slice() else { panic!("{popular:?}") };
        assert_eq!((old.trained_at.as_deref(), old.fit_seconds), (None, None));
        assert!(old.config.is_some(), "the header is read even without metadata");
        assert!(new.trained_at.as_deref().is_some_and(|t| t.ends_with('Z')), "{new:?}");
        assert!(new.fit_seconds.is_some_and(|s| s >= 0.0));
        assert_eq!(new.config.as_ref().and_then(|c| c.get("model")), Some(&"popular".into()));
    }

    #[test]
    fn reports_are_listed_newest_first_and_damaged_ones_skipped() {
        let dir = tempfile::tempdir().expect("tempdir");
        let engine = engine(dir.path());
        assert!(engine.evaluation_reports().is_empty(), "no reports directory yet");
        let reports = dir.path().join("reports");
        for (name, text) in [
            ("eval-1700000000", r#"{"models": {"ease": {"NDCG@10": 0.1}}}"#),
            ("eval-1800000000", r#"{"models": {"als": {"NDCG@10": 0.2}}}"#),
            ("eval-1900000000", "{not json"),
            ("eval-2000000000", r#"{"no": "models"}"#),
        ] {
            std::fs::create_dir_all(reports.join(name)).expect("mkdir");
            std::fs::write(reports.join(name).join(REPORT_FILE), text).expect("write");
        }
        std::fs::create_dir_all(reports.join("empty")).expect("a directory without a report");
        let found = engine.evaluation_reports();
        let names: Vec<&str> = found.iter().map(|r| r.name.as_str()).collect();
        assert_eq!(names, ["eval-1800000000", "eval-1700000000"]);
        assert_eq!(found[0].created_at, Timestamp::from_secs(1_800_000_000).ok());
        assert_eq!(found[0].json["models"]["als"]["NDCG@10"], 0.2);
    }
}
