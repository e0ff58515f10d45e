//! API keys: created by `aisle keys create`, kept hashed (SHA-256) in `<data-dir>/keys.json`,
//! checked in constant time. A key reads `aisle_<id>_<secret>`: the id finds the record, the
//! hash of the whole key must match it. The plain key is shown once, at creation, and never
//! stored.

use std::path::{Path, PathBuf};
use std::sync::RwLock;
use std::time::SystemTime;

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

/// What a key may do. `admin` may do everything; `read` and `write` are separate so that a
/// key embedded in a shop's pages (read) cannot forge events, and an event collector (write)
/// cannot read recommendations.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Scope {
    /// Recommendations and search.
    Read,
    /// Event ingestion.
    Write,
    /// Catalog, users, training and deletion; implies the others.
    Admin,
}

impl Scope {
    /// Parses `read`, `write` or `admin`.
    pub fn parse(text: &str) -> Option<Self> {
        match text {
            "read" => Some(Self::Read),
            "write" => Some(Self::Write),
            "admin" => Some(Self::Admin),
            _ => None,
        }
    }

    /// Whether a key of this scope may use a route that needs `needed`.
    pub fn allows(self, needed: Scope) -> bool {
        self == Scope::Admin || self == needed
    }

    /// The scope's name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Read => "read",
            Self::Write => "write",
            Self::Admin => "admin",
        }
    }
}

/// A stored key: never the key itself.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct KeyRecord {
    /// Public id, also the key's second part.
    pub id: String,
    /// What it may do.
    pub scope: Scope,
    /// Hex SHA-256 of the whole key.
    pub sha256: String,
    /// When it was created, seconds since the epoch.
    pub created: u64,
    /// A note for people (`storefront`, `event collector`).
    #[serde(default)]
    pub label: String,
}

#[derive(Debug, Default, Serialize, Deserialize)]
struct KeyFile {
    keys: Vec<KeyRecord>,
}

/// Why the key file could not be used.
#[derive(Debug, thiserror::Error)]
pub enum KeyError {
    /// Reading or writing the file failed.
    #[error("{path}: {source}")]
    Io {
        /// The key file.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// The file is not a key file.
    #[error("{path} is not a valid key file ({detail}); restore it from a backup or delete it and create new keys")]
    Corrupt {
        /// The key file.
        path: PathBuf,
        /// What the parser said.
        detail: String,
    },
    /// The system's random source failed.
    #[error("cannot draw a random key: {0}")]
    Random(String),
}

/// The keys of one data directory, reloaded when the file changes.
#[derive(Debug)]
pub struct KeyRing {
    path: PathBuf,
    loaded: RwLock<(Option<SystemTime>, Vec<KeyRecord>)>,
}

/// The file name inside the data directory.
pub const KEY_FILE: &str = "keys.json";

impl KeyRing {
    /// Opens the key file of `data_dir` (absent means no keys yet).
    pub fn open(data_dir: &Path) -> Result<Self, KeyError> {
        let ring = Self { path: data_dir.join(KEY_FILE), loaded: RwLock::new((None, Vec::new())) };
        ring.reload_if_changed()?;
        Ok(ring)
    }

    /// Every stored key record.
    pub fn list(&self) -> Vec<KeyRecord> {
        self.loaded.read().map(|l| l.1.clone()).unwrap_or_default()
    }

    /// Creates a key; returns the plain key (shown once) and its record.
    pub fn create(&self, scope: Scope, label: &str) -> Result<(String, KeyRecord), KeyError> {
        let mut random = [0u8; 24];
        getrandom::fill(&mut random).map_err(|e| KeyError::Random(e.to_string()))?;
        let id = hex(&random[..4]);
        let key = format!("aisle_{id}_{}", hex(&random[4..]));
        let created =
            SystemTime::now().duration_since(SystemTime::UNIX_EPOCH).map_or(0, |d| d.as_secs());
        let record = KeyRecord {
            id,
            scope,
            sha256: hex(&Sha256::digest(key.as_bytes())),
            created,
            label: label.into(),
        };
        let mut file = self.read_file()?;
        file.keys.push(record.clone());
        self.write_file(&file)?;
        self.replace(file.keys);
        Ok((key, record))
    }

    /// Deletes the key with this id; false when there is none.
    pub fn revoke(&self, id: &str) -> Result<bool, KeyError> {
        let mut file = self.read_file()?;
        let before = file.keys.len();
        file.keys.retain(|k| k.id != id);
        if file.keys.len() == before {
            return Ok(false);
        }
        self.write_file(&file)?;
        self.replace(file.keys);
        Ok(true)
    }

    /// The record of a presented key, when it is valid. Reloads the file first if it changed
    /// (so keys created while the server runs work at once).
    pub fn verify(&self, presented: &str) -> Option<KeyRecord> {
        let id = presented.strip_prefix("aisle_")?.split('_').next()?;
        if let Some(found) = self.check(id, presented) {
            return Some(found);
        }
        if let Err(error) = self.reload_if_changed() {
            tracing::warn!(%error, "cannot reload the key file");
        }
        self.check(id, presented)
    }

    fn check(&self, id: &str, presented: &str) -> Option<KeyRecord> {
        let digest = hex(&Sha256::digest(presented.as_bytes()));
        let loaded = self.loaded.read().ok()?;
        let record = loaded.1.iter().find(|k| k.id == id)?;
        bool::from(record.sha256.as_bytes().ct_eq(digest.as_bytes())).then(|| record.clone())
    }

    fn replace(&self, keys: Vec<KeyRecord>) {
        let modified = std::fs::metadata(&self.path).and_then(|m| m.modified()).ok();
        if let Ok(mut loaded) = self.loaded.write() {
            *loaded = (modified, keys);
        }
    }

    fn reload_if_changed(&self) -> Result<(), KeyError> {
        let modified = std::fs::metadata(&self.path).and_then(|m| m.modified()).ok();
        if self.loaded.read().is_ok_and(|l| l.0 == modified && modified.is_some()) {
            return Ok(());
        }
        self.replace(self.read_file()?.keys);
        Ok(())
    }

    fn read_file(&self) -> Result<KeyFile, KeyError> {
        match std::fs::read(&self.path) {
            Ok(bytes) => serde_json::from_slice(&bytes)
                .map_err(|e| KeyError::Corrupt { path: self.path.clone(), detail: e.to_string() }),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(KeyFile::default()),
            Err(source) => Err(KeyError::Io { path: self.path.clone(), source }),
        }
    }

    fn write_file(&self, file: &KeyFile) -> Result<(), KeyError> {
        let io = |source| KeyError::Io { path: self.path.clone(), source };
        if let Some(dir) = self.path.parent() {
            std::fs::create_dir_all(dir).map_err(io)?;
        }
        let temporary = self.path.with_extension("json.tmp");
        let text = serde_json::to_vec_pretty(file).unwrap_or_default();
        std::fs::write(&temporary, text).map_err(io)?;
        restrict_permissions(&temporary);
        std::fs::rename(&temporary, &self.path).map_err(io)
    }
}

/// Only the owner may read the hashes.
fn restrict_permissions(path: &Path) {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let _ = std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o600));
    }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_verify_by_hash_and_survive_a_reopen() {
        let dir = tempfile::tempdir().unwrap();
        let ring = KeyRing::open(dir.path()).unwrap();
        let (key, record) = ring.create(Scope::Write, "collector").unwrap();
        assert_eq!(ring.verify(&key).map(|r| r.scope), Some(Scope::Write));
        let stored = std::fs::read_to_string(dir.path().join(KEY_FILE)).unwrap();
        assert!(!stored.contains(&key), "the plain key must never be stored");
        let mut forged = key.clone();
        forged.pop();
        forged.push(if key.ends_with('0') { '1' } else { '0' });
        assert_eq!(ring.verify(&forged), None);
        assert_eq!(ring.verify("aisle_nothing"), None);
        assert_eq!(ring.verify(""), None);
        let reopened = KeyRing::open(dir.path()).unwrap();
        assert_eq!(reopened.verify(&key), Some(record.clone()));
        assert!(reopened.revoke(&record.id).unwrap());
        assert_eq!(reopened.verify(&key), None);
    }

    #[test]
    fn admin_implies_every_scope_and_the_others_only_themselves() {
        assert!(Scope::Admin.allows(Scope::Read) && Scope::Admin.allows(Scope::Write));
        assert!(!Scope::Read.allows(Scope::Write) && !Scope::Write.allows(Scope::Read));
        assert!(!Scope::Read.allows(Scope::Admin));
    }

    #[test]
    fn a_damaged_key_file_is_an_error_not_an_empty_ring() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join(KEY_FILE), "{not json").unwrap();
        let error = KeyRing::open(dir.path()).unwrap_err();
        assert!(error.to_string().contains("not a valid key file"), "{error}");
    }
}
