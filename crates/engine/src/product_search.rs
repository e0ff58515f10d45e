//! Product search as the engine runs it: the index kept in `<data-dir>/search/`, brought level
//! with the store's catalog when opened, the shop's settings in `<data-dir>/search/settings.json`,
//! and the embedding model loaded from the configured directory when it is there.
//!
//! A missing or broken model never stops search: the index opens lexical-only and says why in
//! [`OpenedSearch::semantic`].

use std::path::{Path, PathBuf};
use std::sync::Arc;

use aisle_embed::Encoder;
use aisle_search::semantic::SemanticIndex;
use aisle_search::{SearchIndex, SearchSettings};

pub use aisle_search::SyncReport;

use crate::{Engine, Error, Result};

/// Items read from the store per page while syncing.
const SYNC_PAGE: usize = 5_000;

/// Whether semantic search is available, and if not, why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SemanticState {
    /// Semantic search runs with this model.
    Ready {
        /// The model's name.
        model: String,
    },
    /// Turned off in the configuration (`search.semantic = false`).
    Off,
    /// No model is installed at the configured directory.
    NotInstalled {
        /// Where the model was looked for.
        dir: PathBuf,
    },
    /// The model directory exists but could not be loaded.
    Broken {
        /// What went wrong and how to fix it.
        reason: String,
    },
}

/// An opened search index with what opening it did.
pub struct OpenedSearch {
    /// The index, ready for queries.
    pub index: SearchIndex,
    /// How the catalog sync went.
    pub sync: SyncReport,
    /// Semantic search's state.
    pub semantic: SemanticState,
}

impl Engine {
    /// The directory of the search index and its settings.
    pub fn search_dir(&self) -> PathBuf {
        self.data_dir().join("search")
    }

    /// Where the embedding model is looked for: `search.model_dir`, or `<data-dir>/embedding-model`.
    pub fn embedding_model_dir(&self) -> PathBuf {
        self.config().search.model_dir.clone().unwrap_or_else(|| default_model_dir(self.data_dir()))
    }

    /// The shop's search settings (defaults until the shop saves some).
    pub fn search_settings(&self) -> Result<SearchSettings> {
        let path = self.search_dir().join("settings.json");
        match std::fs::read(&path) {
            Ok(bytes) => serde_json::from_slice(&bytes).map_err(|e| Error::Config {
                detail: format!(
                    "{}: {e}; fix the file or delete it to use the defaults",
                    path.display()
                ),
            }),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(SearchSettings::default()),
            Err(source) => Err(Error::Write { path, source }),
        }
    }

    /// Saves the shop's search settings (checked first), replacing the file atomically.
    pub fn save_search_settings(&self, settings: &SearchSettings) -> Result<()> {
        settings.validate()?;
        let dir = self.search_dir();
        let path = dir.join("settings.json");
        let write = |path: &Path, bytes: &[u8]| -> std::io::Result<()> {
            std::fs::create_dir_all(&dir)?;
            let temporary = path.with_extension("json.tmp");
            std::fs::write(&temporary, bytes)?;
            std::fs::rename(&temporary, path)
        };
        let bytes = serde_json::to_vec_pretty(settings).unwrap_or_default();
        write(&path, &bytes).map_err(|source| Error::Write { path, source })
    }

    /// Opens the search index, syncs it with the catalog (reporting items read), and attaches
    /// the embedding model when one is installed. Items still to embed are embedded by
    /// [`SearchIndex::catch_up_semantic`], which the caller runs when it suits it.
    pub fn open_search(&self, on_progress: &mut dyn FnMut(u64)) -> Result<OpenedSearch> {
        let index = SearchIndex::open(&self.search_dir(), self.search_settings()?)?;
        let semantic = self.attach_model(&index)?;
        let mut sync = index.begin_sync()?;
        let mut after = None;
        let mut read = 0u64;
        loop {
            let page = self.store().list_items(after, SYNC_PAGE)?;
            let Some(&(last, _)) = page.last() else { break };
            sync.page(&page)?;
            read += page.len() as u64;
            on_progress(read);
            after = Some(last);
        }
        let report = sync.finish()?;
        tracing::info!(
            indexed = report.indexed,
            unchanged = report.unchanged,
            removed = report.removed,
            "search index in step with the catalog"
        );
        Ok(OpenedSearch { index, sync: report, semantic })
    }

    fn attach_model(&self, index: &SearchIndex) -> Result<SemanticState> {
        if !self.config().search.semantic {
            return Ok(SemanticState::Off);
        }
        let dir = self.embedding_model_dir();
        if !dir.exists() {
            return Ok(SemanticState::NotInstalled { dir });
        }
        match Encoder::load(&dir) {
            Ok(encoder) => {
                let model = encoder.model_name().to_string();
                index.attach_semantic(SemanticIndex::open(Arc::new(encoder), &self.search_dir())?);
                Ok(SemanticState::Ready { model })
            }
            Err(error) => {
                tracing::warn!(%error, "semantic search is off: the embedding model could not be loaded");
                Ok(SemanticState::Broken { reason: error.to_string() })
            }
        }
    }
}

/// What an installed embedding model is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ModelInfo {
    /// Its name.
    pub name: String,
    /// Dimensions of its embeddings.
    pub dims: usize,
}

impl Engine {
    /// Loads the embedding model from [`Engine::embedding_model_dir`], to check it.
    pub fn embedding_model_info(&self) -> Result<ModelInfo> {
        let encoder =
            Encoder::load(&self.embedding_model_dir()).map_err(aisle_search::Error::from)?;
        Ok(ModelInfo { name: encoder.model_name().to_string(), dims: encoder.dims() })
    }
}

/// The default embedding model directory of a data directory.
pub fn default_model_dir(data_dir: &Path) -> PathBuf {
    data_dir.join("embedding-model")
}
