//! Trained-model files in the data directory: `models/<name>/v<N>.model` plus `models/<name>/ACTIVE`,
//! which names the version serving, and optionally `models/<name>/v<N>.meta.json`, what the
//! trainer recorded about the version (when, how long). The bytes inside are the recommend
//! crate's artifact format; this module only knows where files live and how to replace them
//! safely.
//!
//! A new version is written to a temporary file, synced, renamed into place, and only then made
//! active (again by an atomic rename), so a crash never leaves a half-written model active.

use std::io::{BufReader, BufWriter, Write};
use std::path::{Path, PathBuf};

use crate::error::{Error, Result};

/// One stored version of a model.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ModelVersion {
    /// The model's registry name.
    pub name: String,
    /// 1, 2, 3... in order of training.
    pub version: u32,
    /// The artifact file.
    pub path: PathBuf,
}

/// The `models` directory of a data directory.
#[derive(Debug, Clone)]
pub struct ModelFiles {
    dir: PathBuf,
}

impl ModelFiles {
    /// The model files under `data_dir/models`.
    pub fn new(data_dir: &Path) -> Self {
        Self { dir: data_dir.join("models") }
    }

    fn model_dir(&self, name: &str) -> Result<PathBuf> {
        let plain = !name.is_empty()
            && name.len() <= 64
            && name.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
        if !plain {
            return Err(Error::InvalidArgument(format!(
                "model name {name:?} must be 1 to 64 lower-case letters, digits or dashes"
            )));
        }
        Ok(self.dir.join(name))
    }

    /// Writes a new version with `write`, then makes it the active one.
    pub fn save<E: std::fmt::Display>(
        &self,
        name: &str,
        write: impl FnOnce(&mut dyn Write) -> std::result::Result<(), E>,
    ) -> Result<ModelVersion> {
        self.save_inner(name, None, write)
    }

    /// [`ModelFiles::save`], also writing `meta` beside the version (`v<N>.meta.json`) before
    /// it becomes active; [`ModelFiles::meta`] reads it back.
    pub fn save_with_meta<E: std::fmt::Display>(
        &self,
        name: &str,
        meta: &serde_json::Value,
        write: impl FnOnce(&mut dyn Write) -> std::result::Result<(), E>,
    ) -> Result<ModelVersion> {
        self.save_inner(name, Some(meta), write)
    }

    fn save_inner<E: std::fmt::Display>(
        &self,
        name: &str,
        meta: Option<&serde_json::Value>,
        write: impl FnOnce(&mut dyn Write) -> std::result::Result<(), E>,
    ) -> Result<ModelVersion> {
        let dir = self.model_dir(name)?;
        let io = |path: &Path| {
            let path = path.to_path_buf();
            move |source: std::io::Error| Error::Io { path, source }
        };
        std::fs::create_dir_all(&dir).map_err(io(&dir))?;
        let version = self.versions(name)?.last().map_or(1, |v| v.version + 1);
        let path = dir.join(format!("v{version}.model"));
        let temporary = dir.join(format!(".v{version}.model.tmp"));
        let file = std::fs::File::create(&temporary).map_err(io(&temporary))?;
        let mut out = BufWriter::new(file);
        if let Err(e) = write(&mut out) {
            let _ = std::fs::remove_file(&temporary);
            return Err(Error::Database(format!("writing model {name} v{version}: {e}")));
        }
        let file = out.into_inner().map_err(|e| io(&temporary)(e.into_error()))?;
        file.sync_all().map_err(io(&temporary))?;
        std::fs::rename(&temporary, &path).map_err(io(&path))?;
        let saved = ModelVersion { name: name.to_string(), version, path };
        if let Some(meta) = meta {
            let meta_path = meta_path(&saved.path);
            let temporary = dir.join(format!(".v{version}.meta.json.tmp"));
            let text = serde_json::to_vec_pretty(meta)?;
            std::fs::write(&temporary, text).map_err(io(&temporary))?;
            std::fs::rename(&temporary, &meta_path).map_err(io(&meta_path))?;
        }
        self.activate(name, version)?;
        Ok(saved)
    }

    /// What was recorded with a version by [`ModelFiles::save_with_meta`]; `None` for versions
    /// saved without (by [`ModelFiles::save`], or by an Aisle from before metadata).
    pub fn meta(&self, version: &ModelVersion) -> Result<Option<serde_json::Value>> {
        let path = meta_path(&version.path);
        match std::fs::read(&path) {
            Ok(bytes) => serde_json::from_slice(&bytes)
                .map(Some)
                .map_err(|e| Error::Corrupt { path, detail: e.to_string() }),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(source) => Err(Error::Io { path, source }),
        }
    }

    /// Makes `version` the one served.
    pub fn activate(&self, name: &str, version: u32) -> Result<()> {
        let dir = self.model_dir(name)?;
        let active = dir.join("ACTIVE");
        let temporary = dir.join(".ACTIVE.tmp");
        std::fs::write(&temporary, format!("{version}\n"))
            .map_err(|source| Error::Io { path: temporary.clone(), source })?;
        std::fs::rename(&temporary, &active).map_err(|source| Error::Io { path: active, source })
    }

    /// Every stored version of a model, oldest first.
    pub fn versions(&self, name: &str) -> Result<Vec<ModelVersion>> {
        let dir = self.model_dir(name)?;
        let Ok(entries) = std::fs::read_dir(&dir) else { return Ok(Vec::new()) };
        let mut versions: Vec<ModelVersion> = entries
            .flatten()
            .filter_map(|entry| {
                let file = entry.file_name().into_string().ok()?;
                let version = file.strip_prefix('v')?.strip_suffix(".model")?.parse().ok()?;
                Some(ModelVersion { name: name.to_string(), version, path: entry.path() })
            })
            .collect();
        versions.sort_by_key(|v| v.version);
        Ok(versions)
    }

    /// The active version of a model, if one was trained.
    pub fn active(&self, name: &str) -> Result<Option<ModelVersion>> {
        let dir = self.model_dir(name)?;
        let active = dir.join("ACTIVE");
        let text = match std::fs::read_to_string(&active) {
            Ok(text) => text,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(source) => return Err(Error::Io { path: active, source }),
        };
        let version: u32 = text.trim().parse().map_err(|_| Error::Corrupt {
            path: active.clone(),
            detail: format!("ACTIVE holds {:?}, not a version number", text.trim()),
        })?;
        let path = dir.join(format!("v{version}.model"));
        if !path.is_file() {
            return Err(Error::Corrupt {
                path,
                detail: "the active model version is missing".into(),
            });
        }
        Ok(Some(ModelVersion { name: name.to_string(), version, path }))
    }

    /// Models that have an active version, by name.
    pub fn names(&self) -> Result<Vec<String>> {
        let Ok(entries) = std::fs::read_dir(&self.dir) else { return Ok(Vec::new()) };
        let mut names: Vec<String> = entries
            .flatten()
            .filter(|e| e.path().join("ACTIVE").is_file())
            .filter_map(|e| e.file_name().into_string().ok())
            .collect();
        names.sort();
        Ok(names)
    }

    /// Opens a version for reading.
    pub fn open(&self, version: &ModelVersion) -> Result<BufReader<std::fs::File>> {
        let file = std::fs::File::open(&version.path)
            .map_err(|source| Error::Io { path: version.path.clone(), source })?;
        Ok(BufReader::new(file))
    }
}

/// `v<N>.meta.json` beside `v<N>.model`.
fn meta_path(model: &Path) -> PathBuf {
    model.with_extension("meta.json")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions_count_up_and_the_newest_is_active() {
        let dir = tempfile::tempdir().expect("tempdir");
        let files = ModelFiles::new(dir.path());
        assert_eq!(files.active("ease").expect("no model yet"), None);
        let v1 =
            files.save("ease", |out| out.write_all(b"one").map_err(|e| e.to_string())).expect("v1");
        let v2 =
            files.save("ease", |out| out.write_all(b"two").map_err(|e| e.to_string())).expect("v2");
        assert_eq!((v1.version, v2.version), (1, 2));
        assert_eq!(files.active("ease").expect("active"), Some(v2.clone()));
        assert_eq!(std::fs::read(&v2.path).expect("read"), b"two");
        files.activate("ease", 1).expect("roll back");
        assert_eq!(files.active("ease").expect("active").map(|v| v.version), Some(1));
        assert_eq!(files.names().expect("names"), vec!["ease".to_string()]);
    }

    #[test]
    fn a_failed_write_leaves_the_active_version_alone() {
        let dir = tempfile::tempdir().expect("tempdir");
        let files = ModelFiles::new(dir.path());
        files.save("als", |out| out.write_all(b"good").map_err(|e| e.to_string())).expect("v1");
        let failed = files.save("als", |_| Err("out of memory"));
        assert!(failed.is_err());
        assert_eq!(files.active("als").expect("active").map(|v| v.version), Some(1));
        assert_eq!(files.versions("als").expect("versions").len(), 1);
        assert!(files.save("../escape", |_| Ok::<(), String>(())).is_err());
    }

    #[test]
    fn metadata_is_kept_beside_its_version_and_absent_for_plain_saves() {
        let dir = tempfile::tempdir().expect("tempdir");
        let files = ModelFiles::new(dir.path());
        let plain =
            files.save("ease", |out| out.write_all(b"one").map_err(|e| e.to_string())).expect("v1");
        let meta = serde_json::json!({"fit_seconds": 1.5});
        let described = files
            .save_with_meta("ease", &meta, |out| out.write_all(b"two").map_err(|e| e.to_string()))
            .expect("v2");
        assert_eq!(files.meta(&plain).expect("read"), None);
        assert_eq!(files.meta(&described).expect("read"), Some(meta));
        assert!(described.path.with_extension("meta.json").is_file());
        let versions: Vec<u32> =
            files.versions("ease").expect("versions").iter().map(|v| v.version).collect();
        assert_eq!(versions, [1, 2], "the metadata file is not a version");
        std::fs::write(described.path.with_extension("meta.json"), "{oops").expect("damage");
        assert!(files.meta(&described).is_err(), "damage is an error, not silence");
    }
}
