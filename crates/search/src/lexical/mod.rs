//! The lexical index: a tantivy index of item texts, replaced item by item as the catalog
//! changes, searched with queries built by [`query`].

mod collect;
pub mod query;
mod schema;
mod tokenizer;

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use aisle_domain::Item;
use tantivy::directory::MmapDirectory;
use tantivy::schema::Term;
use tantivy::{doc, Index, IndexReader, IndexWriter, ReloadPolicy, Searcher, TantivyDocument};

pub use collect::AllHits;
pub use schema::{Fields, SCHEMA_VERSION};
pub use tokenizer::AisleTokenizer;

use crate::catalog::item_text;
use crate::{Error, Result};

/// Memory the writer may buffer before it flushes a segment.
const WRITER_MEMORY_BYTES: usize = 96 * 1024 * 1024;

/// The tantivy index with its single writer and a reader that sees every commit.
pub struct LexicalIndex {
    index: Index,
    reader: IndexReader,
    writer: Mutex<IndexWriter<TantivyDocument>>,
    fields: Fields,
}

impl std::fmt::Debug for LexicalIndex {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LexicalIndex").field("docs", &self.reader.searcher().num_docs()).finish()
    }
}

impl LexicalIndex {
    /// Opens the index in `dir`, creating it (or recreating it, when it was written with another
    /// schema version or cannot be read) as needed. A recreated index is empty: the caller
    /// finds every item missing from [`Self::stored_hashes`] and indexes it.
    pub fn open(dir: &Path) -> Result<Self> {
        let fail = |reason: String| Error::Index { path: dir.to_path_buf(), reason };
        let version_file = dir.join("aisle-schema-version");
        let current = std::fs::read_to_string(&version_file)
            .ok()
            .is_some_and(|v| v.trim() == SCHEMA_VERSION.to_string());
        if !current && dir.exists() {
            std::fs::remove_dir_all(dir).map_err(|e| fail(format!("cannot clear it: {e}")))?;
        }
        std::fs::create_dir_all(dir).map_err(|e| fail(format!("cannot create it: {e}")))?;
        let (schema, fields) = schema::schema();
        let directory = MmapDirectory::open(dir).map_err(|e| fail(e.to_string()))?;
        let index = match Index::open_or_create(directory, schema.clone()) {
            Ok(index) => index,
            Err(error) => {
                tracing::warn!(%error, path = %dir.display(), "search index unreadable; rebuilding");
                std::fs::remove_dir_all(dir).map_err(|e| fail(e.to_string()))?;
                std::fs::create_dir_all(dir).map_err(|e| fail(e.to_string()))?;
                Index::create_in_dir(dir, schema).map_err(|e| fail(e.to_string()))?
            }
        };
        std::fs::write(&version_file, SCHEMA_VERSION.to_string())
            .map_err(|e| fail(format!("cannot write its version file: {e}")))?;
        Self::with_index(index, fields, Some(dir.to_path_buf()))
    }

    /// An index held in memory (tests, benchmarks, evaluation).
    pub fn in_memory() -> Result<Self> {
        let (schema, fields) = schema::schema();
        Self::with_index(Index::create_in_ram(schema), fields, None)
    }

    fn with_index(index: Index, fields: Fields, path: Option<PathBuf>) -> Result<Self> {
        let fail = |e: tantivy::TantivyError| match &path {
            Some(path) => Error::Index { path: path.clone(), reason: e.to_string() },
            None => Error::Tantivy(e),
        };
        index.tokenizers().register(tokenizer::STEMMED, AisleTokenizer::new(true));
        index.tokenizers().register(tokenizer::PLAIN, AisleTokenizer::new(false));
        let threads = std::thread::available_parallelism().map_or(1, |n| n.get()).min(4);
        let writer = index.writer_with_num_threads(threads, WRITER_MEMORY_BYTES).map_err(fail)?;
        let reader = index.reader_builder().reload_policy(ReloadPolicy::Manual).try_into();
        let reader = reader.map_err(fail)?;
        Ok(Self { index, reader, writer: Mutex::new(writer), fields })
    }

    /// The fields, for building queries.
    pub fn fields(&self) -> &Fields {
        &self.fields
    }

    /// A searcher over the last commit; cheap, and unaffected by later writes.
    pub fn searcher(&self) -> Searcher {
        self.reader.searcher()
    }

    /// The text hash of every indexed item, by item index.
    pub fn stored_hashes(&self) -> Result<HashMap<u32, u64>> {
        let searcher = self.searcher();
        let mut hashes = HashMap::new();
        for segment in searcher.segment_readers() {
            let items = segment.fast_fields().u64("item")?;
            let hash = segment.fast_fields().u64("hash")?;
            let alive = segment.alive_bitset();
            for doc in 0..segment.max_doc() {
                if alive.is_some_and(|bits| !bits.is_alive(doc)) {
                    continue;
                }
                if let (Some(item), Some(h)) = (items.first(doc), hash.first(doc)) {
                    hashes.insert(item as u32, h);
                }
            }
        }
        Ok(hashes)
    }

    /// Adds or replaces the documents of these items (visible after [`Self::commit`]).
    pub fn upsert<'a>(&self, items: impl IntoIterator<Item = (u32, &'a Item, u64)>) -> Result<()> {
        let writer = self.writer.lock().unwrap_or_else(|p| p.into_inner());
        let f = &self.fields;
        for (index, item, hash) in items {
            writer.delete_term(Term::from_field_u64(f.item, u64::from(index)));
            let [title, brand, categories, attributes, description] = item_text(item);
            writer.add_document(doc!(
                f.item => u64::from(index),
                f.hash => hash,
                f.title_words => title.clone(),
                f.title => title,
                f.brand => brand,
                f.categories => categories,
                f.attributes => attributes,
                f.description => description,
            ))?;
        }
        Ok(())
    }

    /// Removes the document of an item (visible after [`Self::commit`]).
    pub fn remove(&self, index: u32) {
        let writer = self.writer.lock().unwrap_or_else(|p| p.into_inner());
        writer.delete_term(Term::from_field_u64(self.fields.item, u64::from(index)));
    }

    /// Makes every write so far durable and visible to new searchers.
    pub fn commit(&self) -> Result<()> {
        let mut writer = self.writer.lock().unwrap_or_else(|p| p.into_inner());
        writer.commit()?;
        drop(writer);
        self.reader.reload()?;
        Ok(())
    }

    /// Number of documents in the last commit.
    pub fn len(&self) -> u64 {
        self.searcher().num_docs()
    }

    /// Whether the last commit holds no document.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The underlying tantivy index.
    pub fn tantivy(&self) -> &Index {
        &self.index
    }
}
