//! Semantic search: item texts embedded by a sentence model into an HNSW graph; a query is
//! embedded the same way (through a cache) and its nearest items found.
//!
//! The graph and the text hash each item was embedded from are saved to one file per model
//! (named by the model's fingerprint), so a restart embeds only items that changed, and a
//! different model starts afresh instead of mixing vector spaces.

pub mod hnsw;

use std::collections::HashMap;
use std::io::{BufReader, BufWriter, Read, Write};
use std::path::{Path, PathBuf};
use std::sync::{Arc, RwLock};

use aisle_embed::{Encoder, QueryCache};

use self::hnsw::{Hnsw, HnswParams};
use crate::{Error, Result};

/// Query embeddings kept in the cache.
const QUERY_CACHE_SIZE: usize = 10_000;
/// Items embedded and added per step while catching up (the encoder batches within it).
pub const EMBED_BATCH: usize = 1_024;
const MAGIC: &[u8; 8] = b"AISLESEM";
const VERSION: u32 = 1;

/// The semantic side of search for one model.
pub struct SemanticIndex {
    encoder: Arc<Encoder>,
    cache: QueryCache,
    graph: RwLock<Hnsw>,
    /// The text hash each item was embedded from.
    embedded: RwLock<HashMap<u32, u64>>,
    file: Option<PathBuf>,
}

impl std::fmt::Debug for SemanticIndex {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SemanticIndex").field("model", &self.encoder.model_name()).finish()
    }
}

impl SemanticIndex {
    /// A semantic index kept in memory only.
    pub fn in_memory(encoder: Arc<Encoder>) -> Self {
        let graph = Hnsw::new(encoder.dims(), HnswParams::default());
        Self {
            cache: QueryCache::new(QUERY_CACHE_SIZE),
            encoder,
            graph: RwLock::new(graph),
            embedded: RwLock::new(HashMap::new()),
            file: None,
        }
    }

    /// The index saved in `dir` for this model, or an empty one when there is none or it cannot
    /// be read (it is then rebuilt by embedding the catalog again).
    pub fn open(encoder: Arc<Encoder>, dir: &Path) -> Result<Self> {
        std::fs::create_dir_all(dir).map_err(|e| Error::SemanticFile {
            path: dir.to_path_buf(),
            reason: format!("cannot create the directory: {e}"),
        })?;
        let file = dir.join(format!("semantic-{:016x}.bin", encoder.fingerprint()));
        let mut index = Self::in_memory(encoder);
        if file.exists() {
            match read_file(&file, index.encoder.dims()) {
                Ok((graph, embedded)) => {
                    index.graph = RwLock::new(graph);
                    index.embedded = RwLock::new(embedded);
                }
                Err(reason) => {
                    tracing::warn!(file = %file.display(), %reason, "semantic index unreadable; re-embedding the catalog");
                }
            }
        }
        index.file = Some(file);
        Ok(index)
    }

    /// The model.
    pub fn encoder(&self) -> &Encoder {
        &self.encoder
    }

    /// Query-cache hits and misses so far.
    pub fn cache_counts(&self) -> (u64, u64) {
        (self.cache.hits(), self.cache.misses())
    }

    /// Items in the graph.
    pub fn len(&self) -> usize {
        self.embedded.read().unwrap_or_else(|p| p.into_inner()).len()
    }

    /// Whether no item is embedded yet.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Whether item `index` was embedded from text with this hash.
    pub fn is_current(&self, index: u32, hash: u64) -> bool {
        self.embedded.read().unwrap_or_else(|p| p.into_inner()).get(&index) == Some(&hash)
    }

    /// The embedding of a query, and whether it came from the cache.
    pub fn embed_query(&self, text: &str) -> Result<(Arc<[f32]>, bool)> {
        Ok(self.cache.get_or_encode(&self.encoder, text)?)
    }

    /// Embeds these items' texts and puts them in the graph, replacing older vectors.
    pub fn add(&self, items: &[(u32, String, u64)]) -> Result<()> {
        let texts: Vec<&str> = items.iter().map(|(_, text, _)| text.as_str()).collect();
        let vectors = self.encoder.encode(&texts)?;
        let invalid =
            |e: hnsw::HnswError| Error::Invalid { field: "embedding", reason: e.to_string() };
        let empty = self.graph.read().unwrap_or_else(|p| p.into_inner()).is_empty();
        if empty {
            // A first load builds the graph on every core, off the lock searches take.
            let keyed: Vec<(u32, &[f32])> = items
                .iter()
                .zip(&vectors)
                .map(|((index, _, _), v)| (*index, v.as_slice()))
                .collect();
            let built =
                Hnsw::build(self.encoder.dims(), HnswParams::default(), &keyed, &mut |_, _| {})
                    .map_err(invalid)?;
            *self.graph.write().unwrap_or_else(|p| p.into_inner()) = built;
        } else {
            let mut graph = self.graph.write().unwrap_or_else(|p| p.into_inner());
            for ((index, _, _), vector) in items.iter().zip(&vectors) {
                graph.insert(*index, vector).map_err(invalid)?;
            }
        }
        let mut embedded = self.embedded.write().unwrap_or_else(|p| p.into_inner());
        for (index, _, hash) in items {
            embedded.insert(*index, *hash);
        }
        Ok(())
    }

    /// Takes an item out of the graph.
    pub fn remove(&self, index: u32) {
        self.graph.write().unwrap_or_else(|p| p.into_inner()).remove(index);
        self.embedded.write().unwrap_or_else(|p| p.into_inner()).remove(&index);
    }

    /// The `k` items nearest to `vector` that `accept` lets through, with their cosine
    /// similarity, best first.
    pub fn nearest(
        &self,
        vector: &[f32],
        k: usize,
        accept: &dyn Fn(u32) -> bool,
    ) -> Vec<(u32, f32)> {
        let graph = self.graph.read().unwrap_or_else(|p| p.into_inner());
        let ef = (k * 2).max(64);
        // The query comes from the same encoder as the graph, so a malformed one is a bug
        // upstream; it finds nothing rather than failing the lexical half of the search.
        graph.search(vector, k, ef, accept).unwrap_or_else(|error| {
            tracing::warn!(%error, "semantic query rejected");
            Vec::new()
        })
    }

    /// Saves the graph and hashes (no-op for an in-memory index).
    pub fn save(&self) -> Result<()> {
        let Some(file) = &self.file else { return Ok(()) };
        let fail =
            |e: std::io::Error| Error::SemanticFile { path: file.clone(), reason: e.to_string() };
        let temporary = file.with_extension("tmp");
        let mut out = BufWriter::new(std::fs::File::create(&temporary).map_err(fail)?);
        {
            let embedded = self.embedded.read().unwrap_or_else(|p| p.into_inner());
            out.write_all(MAGIC).map_err(fail)?;
            out.write_all(&VERSION.to_le_bytes()).map_err(fail)?;
            out.write_all(&(embedded.len() as u64).to_le_bytes()).map_err(fail)?;
            for (index, hash) in embedded.iter() {
                out.write_all(&index.to_le_bytes()).map_err(fail)?;
                out.write_all(&hash.to_le_bytes()).map_err(fail)?;
            }
            let graph = self.graph.read().unwrap_or_else(|p| p.into_inner());
            graph.write_to(&mut out).map_err(fail)?;
        }
        out.into_inner().map_err(|e| fail(e.into_error()))?.sync_all().map_err(fail)?;
        std::fs::rename(&temporary, file).map_err(fail)?;
        Ok(())
    }
}

fn read_file(file: &Path, dims: usize) -> std::result::Result<(Hnsw, HashMap<u32, u64>), String> {
    let mut input = BufReader::new(std::fs::File::open(file).map_err(|e| e.to_string())?);
    let mut magic = [0u8; 8];
    input.read_exact(&mut magic).map_err(|e| e.to_string())?;
    if &magic != MAGIC {
        return Err("not a semantic index file".into());
    }
    let version = u32::from_le_bytes(read_array(&mut input)?);
    if version != VERSION {
        return Err(format!("version {version}, expected {VERSION}"));
    }
    let count = u64::from_le_bytes(read_array(&mut input)?);
    let mut embedded = HashMap::with_capacity(count.min(10_000_000) as usize);
    for _ in 0..count {
        let index = u32::from_le_bytes(read_array(&mut input)?);
        let hash = u64::from_le_bytes(read_array(&mut input)?);
        embedded.insert(index, hash);
    }
    let graph = Hnsw::read_from(&mut input).map_err(|e| e.to_string())?;
    if graph.dims() != dims {
        return Err(format!("vectors of {} dimensions, the model makes {dims}", graph.dims()));
    }
    Ok((graph, embedded))
}

fn read_array<const N: usize>(input: &mut impl Read) -> std::result::Result<[u8; N], String> {
    let mut bytes = [0u8; N];
    input.read_exact(&mut bytes).map_err(|e| format!("truncated: {e}"))?;
    Ok(bytes)
}
