//! Semantic search: item texts embedded by a sentence model into an HNSW graph; a query is
//! embedded the same way (through a cache) and its nearest items found.
//!
//! Items with the same text share one vector (one node of the graph): catalogs repeat titles
//! (the same product in several sizes, sellers, listings), identical vectors are wasted work to
//! embed, and a graph crowded with exact duplicates navigates badly. A search finds nodes and
//! answers with their items.
//!
//! The graph and which item sits on which node, with the text hash each item was embedded from,
//! are saved to one file per model (named by the model's fingerprint), so a restart embeds only
//! items that changed, and a different model starts afresh instead of mixing vector spaces.

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
/// A query whose word pieces are mostly unknown to the model is not embedded.
const MAX_UNKNOWN_SHARE: f32 = 0.5;
/// Items embedded and added per step while catching up (the encoder batches within it).
pub const EMBED_BATCH: usize = 1_024;
const MAGIC: &[u8; 8] = b"AISLESEM";
const VERSION: u32 = 3;

/// Which items sit on which node of the graph.
#[derive(Debug, Default, Clone)]
struct Layout {
    /// Each item's node and the item text hash it was embedded from.
    items: HashMap<u32, (u32, u64)>,
    /// Each node's items.
    members: HashMap<u32, Vec<u32>>,
    /// The node of each embedded text, by a hash of the text.
    by_text: HashMap<u64, u32>,
    /// Each node's text hash (to forget it when the node empties).
    text_of: HashMap<u32, u64>,
    next_node: u32,
}

impl Layout {
    fn detach(&mut self, item: u32) -> Option<u32> {
        let (node, _) = self.items.remove(&item)?;
        let members = self.members.get_mut(&node)?;
        members.retain(|&i| i != item);
        if !members.is_empty() {
            return None;
        }
        self.members.remove(&node);
        if let Some(text) = self.text_of.remove(&node) {
            self.by_text.remove(&text);
        }
        Some(node)
    }

    fn attach(&mut self, item: u32, node: u32, hash: u64) {
        self.items.insert(item, (node, hash));
        self.members.entry(node).or_default().push(item);
    }
}

/// The semantic side of search for one model.
pub struct SemanticIndex {
    encoder: Arc<Encoder>,
    /// Whether the model's vocabulary lacks Chinese: Han characters are then left out of what
    /// it reads, since they would reach it only as unknown tokens that blur the rest (a
    /// bilingual title "Hearth 保温杯 Thermos Bottle" is read as "Hearth Thermos Bottle").
    strip_han: bool,
    cache: QueryCache,
    graph: RwLock<Hnsw>,
    layout: RwLock<Layout>,
    file: Option<PathBuf>,
}

impl std::fmt::Debug for SemanticIndex {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SemanticIndex").field("model", &self.encoder.model_name()).finish()
    }
}

fn lock_read<T>(lock: &RwLock<T>) -> std::sync::RwLockReadGuard<'_, T> {
    lock.read().unwrap_or_else(|p| p.into_inner())
}

fn lock_write<T>(lock: &RwLock<T>) -> std::sync::RwLockWriteGuard<'_, T> {
    lock.write().unwrap_or_else(|p| p.into_inner())
}

/// FNV-1a of a text: the key under which identical texts share a vector.
fn text_key(text: &str) -> u64 {
    text.bytes()
        .fold(0xcbf2_9ce4_8422_2325u64, |h, b| (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3))
}

impl SemanticIndex {
    /// A semantic index kept in memory only.
    pub fn in_memory(encoder: Arc<Encoder>) -> Self {
        let graph = Hnsw::new(encoder.dims(), HnswParams::default());
        Self {
            cache: QueryCache::new(QUERY_CACHE_SIZE),
            strip_han: encoder.unknown_share("保温杯 跑步鞋 手机") > 0.5,
            encoder,
            graph: RwLock::new(graph),
            layout: RwLock::new(Layout::default()),
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
                Ok((graph, layout)) => {
                    index.graph = RwLock::new(graph);
                    index.layout = RwLock::new(layout);
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

    /// Forgets the cached query embeddings (benchmarks measure a miss with it).
    pub fn clear_query_cache(&self) {
        self.cache.clear();
    }

    /// Items embedded.
    pub fn len(&self) -> usize {
        lock_read(&self.layout).items.len()
    }

    /// Whether no item is embedded yet.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Whether item `index` was embedded from an item whose text hash is `hash`.
    pub fn is_current(&self, index: u32, hash: u64) -> bool {
        lock_read(&self.layout).items.get(&index).is_some_and(|&(_, h)| h == hash)
    }

    /// The embedding of a query, and whether it came from the cache.
    pub fn embed_query(&self, text: &str) -> Result<(Arc<[f32]>, bool)> {
        Ok(self.cache.get_or_encode(&self.encoder, &self.readable(text))?)
    }

    /// Whether the model can read this query: not when most of its word pieces are unknown to
    /// the vocabulary, nor when it holds Chinese the model does not read (embedding the rest,
    /// say only the brand of "Nimbus 跑步鞋", would find the wrong things).
    pub fn can_read(&self, text: &str) -> bool {
        !(self.strip_han && aisle_text::has_han(text))
            && self.encoder.unknown_share(text) <= MAX_UNKNOWN_SHARE
    }

    /// What the model reads of a text (see `strip_han`).
    fn readable(&self, text: &str) -> String {
        if !self.strip_han || !aisle_text::has_han(text) {
            return text.to_string();
        }
        let kept: String =
            text.chars().map(|c| if aisle_text::is_han(c) { ' ' } else { c }).collect();
        kept.split_whitespace().collect::<Vec<_>>().join(" ")
    }

    /// Puts these items (index, embedding text, item text hash) in the graph, embedding only
    /// texts no item has yet, and replacing items' older texts.
    pub fn add(&self, items: &[(u32, String, u64)]) -> Result<()> {
        let items: Vec<(u32, String, u64)> =
            items.iter().map(|(i, text, h)| (*i, self.readable(text), *h)).collect();
        let items = items.as_slice();
        let invalid =
            |e: hnsw::HnswError| Error::Invalid { field: "embedding", reason: e.to_string() };
        // Which texts are new: decided under the lock, embedded outside it.
        let mut fresh: Vec<(u64, &str)> = Vec::new();
        {
            let layout = lock_read(&self.layout);
            let mut seen = std::collections::HashSet::new();
            for (_, text, _) in items {
                let key = text_key(text);
                if !layout.by_text.contains_key(&key) && seen.insert(key) {
                    fresh.push((key, text.as_str()));
                }
            }
        }
        let texts: Vec<&str> = fresh.iter().map(|&(_, t)| t).collect();
        let vectors = self.encoder.encode(&texts)?;
        let mut layout = lock_write(&self.layout);
        let mut nodes = Vec::with_capacity(fresh.len());
        for &(key, _) in &fresh {
            let node = layout.next_node;
            layout.next_node += 1;
            layout.by_text.insert(key, node);
            layout.text_of.insert(node, key);
            nodes.push(node);
        }
        let empty = lock_read(&self.graph).is_empty();
        if empty && !nodes.is_empty() {
            // A first load builds the graph on every core.
            let keyed: Vec<(u32, &[f32])> =
                nodes.iter().zip(&vectors).map(|(n, v)| (*n, v.as_slice())).collect();
            let built =
                Hnsw::build(self.encoder.dims(), HnswParams::default(), &keyed, &mut |_, _| {})
                    .map_err(invalid)?;
            *lock_write(&self.graph) = built;
        } else {
            let mut graph = lock_write(&self.graph);
            for (node, vector) in nodes.iter().zip(&vectors) {
                graph.insert(*node, vector).map_err(invalid)?;
            }
        }
        let mut emptied = Vec::new();
        for (index, text, hash) in items {
            let node = layout.by_text.get(&text_key(text)).copied();
            let Some(node) = node else { continue };
            if layout.items.get(index).is_some_and(|&(n, _)| n == node) {
                layout.items.insert(*index, (node, *hash));
                continue;
            }
            emptied.extend(layout.detach(*index));
            layout.attach(*index, node, *hash);
        }
        drop(layout);
        if !emptied.is_empty() {
            let mut graph = lock_write(&self.graph);
            for node in emptied {
                graph.remove(node);
            }
        }
        Ok(())
    }

    /// Takes an item out of the graph.
    pub fn remove(&self, index: u32) {
        let emptied = lock_write(&self.layout).detach(index);
        if let Some(node) = emptied {
            lock_write(&self.graph).remove(node);
        }
    }

    /// The `k` items nearest to `vector` that `accept` lets through, with their cosine
    /// similarity, best first.
    pub fn nearest(
        &self,
        vector: &[f32],
        k: usize,
        accept: &dyn Fn(u32) -> bool,
    ) -> Vec<(u32, f32)> {
        let layout = lock_read(&self.layout);
        let members = |node: u32| layout.members.get(&node).map(Vec::as_slice).unwrap_or_default();
        let accept_node = |node: u32| members(node).iter().any(|&i| accept(i));
        let graph = lock_read(&self.graph);
        let ef = (k * 2).max(64);
        // The query comes from the same encoder as the graph, so a malformed one is a bug
        // upstream; it finds nothing rather than failing the lexical half of the search.
        let nodes = graph.search(vector, k, ef, &accept_node).unwrap_or_else(|error| {
            tracing::warn!(%error, "semantic query rejected");
            Vec::new()
        });
        let mut found = Vec::with_capacity(k);
        for (node, similarity) in nodes {
            for &item in members(node) {
                if found.len() < k && accept(item) {
                    found.push((item, similarity));
                }
            }
        }
        found
    }

    /// Saves the graph and layout (no-op for an in-memory index).
    pub fn save(&self) -> Result<()> {
        let Some(file) = &self.file else { return Ok(()) };
        let fail =
            |e: std::io::Error| Error::SemanticFile { path: file.clone(), reason: e.to_string() };
        let temporary = file.with_extension("tmp");
        let mut out = BufWriter::new(std::fs::File::create(&temporary).map_err(fail)?);
        {
            let layout = lock_read(&self.layout);
            out.write_all(MAGIC).map_err(fail)?;
            out.write_all(&VERSION.to_le_bytes()).map_err(fail)?;
            out.write_all(&layout.next_node.to_le_bytes()).map_err(fail)?;
            out.write_all(&(layout.items.len() as u64).to_le_bytes()).map_err(fail)?;
            for (index, (node, hash)) in &layout.items {
                out.write_all(&index.to_le_bytes()).map_err(fail)?;
                out.write_all(&node.to_le_bytes()).map_err(fail)?;
                out.write_all(&hash.to_le_bytes()).map_err(fail)?;
            }
            out.write_all(&(layout.text_of.len() as u64).to_le_bytes()).map_err(fail)?;
            for (node, text) in &layout.text_of {
                out.write_all(&node.to_le_bytes()).map_err(fail)?;
                out.write_all(&text.to_le_bytes()).map_err(fail)?;
            }
            lock_read(&self.graph).write_to(&mut out).map_err(fail)?;
        }
        out.into_inner().map_err(|e| fail(e.into_error()))?.sync_all().map_err(fail)?;
        std::fs::rename(&temporary, file).map_err(fail)?;
        Ok(())
    }
}

fn read_file(file: &Path, dims: usize) -> std::result::Result<(Hnsw, Layout), String> {
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
    let mut layout =
        Layout { next_node: u32::from_le_bytes(read_array(&mut input)?), ..Layout::default() };
    let count = u64::from_le_bytes(read_array(&mut input)?);
    for _ in 0..count {
        let index = u32::from_le_bytes(read_array(&mut input)?);
        let node = u32::from_le_bytes(read_array(&mut input)?);
        let hash = u64::from_le_bytes(read_array(&mut input)?);
        layout.attach(index, node, hash);
    }
    let texts = u64::from_le_bytes(read_array(&mut input)?);
    for _ in 0..texts {
        let node = u32::from_le_bytes(read_array(&mut input)?);
        let text = u64::from_le_bytes(read_array(&mut input)?);
        layout.text_of.insert(node, text);
        layout.by_text.insert(text, node);
    }
    let graph = Hnsw::read_from(&mut input).map_err(|e| e.to_string())?;
    if graph.dims() != dims {
        return Err(format!("vectors of {} dimensions, the model makes {dims}", graph.dims()));
    }
    Ok((graph, layout))
}

fn read_array<const N: usize>(input: &mut impl Read) -> std::result::Result<[u8; N], String> {
    let mut bytes = [0u8; N];
    input.read_exact(&mut bytes).map_err(|e| format!("truncated: {e}"))?;
    Ok(bytes)
}
