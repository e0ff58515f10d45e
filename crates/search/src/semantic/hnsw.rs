//! An HNSW index (Malkov & Yashunin, "Efficient and robust approximate nearest neighbor search
//! using Hierarchical Navigable Small World graphs", 2016/2018) over `f32` vectors, ranking by
//! cosine similarity.
//!
//! Each vector is a node in a stack of proximity graphs; layer `l` holds a random `e^(-l/mL)`
//! share of the nodes with `mL = 1/ln(M)`. A query descends greedily through the sparse upper
//! layers, then runs a beam search of width `ef` on layer 0, where nodes keep `2M` neighbours
//! chosen by the diversity heuristic (the paper's algorithm 4).
//!
//! What it is: an in-memory, pure index keyed by `u32` item indices, with replace and remove
//! (tombstones that keep routing), filtered search that falls back to an exact scan so a strict
//! filter still finds every match, a parallel bulk [`Hnsw::build`], and a checksummed binary
//! format ([`Hnsw::write_to`], [`Hnsw::read_from`]).
//!
//! What it is not: it opens no files and knows nothing of embeddings or items; removed and
//! replaced vectors keep their memory until the index is rebuilt. Vectors are L2-normalised on
//! the way in, so similarity is the cosine whatever their length (a zero vector scores 0).
//!
//! ```
//! # use aisle_search::semantic::hnsw::{Hnsw, HnswParams};
//! let mut index = Hnsw::new(2, HnswParams::default());
//! index.insert(7, &[1.0, 0.0])?;
//! index.insert(9, &[0.0, 1.0])?;
//! let best = index.search(&[0.9, 0.1], 1, 16, &|_| true)?;
//! assert_eq!(best[0].0, 7);
//! # Ok::<(), aisle_search::semantic::hnsw::HnswError>(())
//! ```

mod build;
mod codec;
mod dot;
mod graph;
mod links;
#[cfg(test)]
mod tests;

use std::collections::HashMap;
use std::fmt;

use graph::{descend, insert_node, search_layer, Entry, LayerSearch, Scored, Scratch, Shape};
use links::FlatLinks;

/// How the graph is built. The defaults suit sentence embeddings of a few hundred dimensions.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(default)]
pub struct HnswParams {
    /// Neighbours per node on the upper layers (layer 0 keeps twice as many). Higher means
    /// better recall and more memory; below 2 counts as 2, above 256 as 256.
    pub m: usize,
    /// Beam width while inserting. Higher means a better graph and a slower build; below `m`
    /// counts as `m`.
    pub ef_construction: usize,
    /// Seed of the random node levels, so a serial build is reproducible.
    pub seed: u64,
}

impl Default for HnswParams {
    fn default() -> Self {
        Self { m: 16, ef_construction: 100, seed: 0x5eed_a151e }
    }
}

/// Highest layer a node can be drawn on. With `M ≥ 2` a level this high has odds of `2^-16`
/// per node at most, so the cap only guards against a freak draw.
const MAX_LEVEL: usize = 16;
/// Largest `m` accepted (lists are stored in fixed slots of `2m + 1` words).
const MAX_M: usize = 256;

/// Why an index operation was refused.
#[derive(Debug, thiserror::Error)]
pub enum HnswError {
    /// A vector or query has a different length from the index's vectors.
    #[error("vector has {found} dimensions but the index holds {expected}-dimensional vectors; embed with the model the index was built with")]
    DimsMismatch {
        /// The index's dimensions.
        expected: usize,
        /// The vector's length.
        found: usize,
    },
    /// A vector holds NaN or an infinity.
    #[error("the vector for key {key} has a NaN or infinite component; fix the embedding")]
    NonFiniteVector {
        /// The key it was given for.
        key: u32,
    },
    /// The query vector holds NaN or an infinity.
    #[error("the query vector has a NaN or infinite component")]
    NonFiniteQuery,
    /// The index holds as many nodes as `u32` can number (replaced and removed ones count).
    #[error(
        "the index is full ({} nodes, counting replaced and removed ones); rebuild it",
        u32::MAX
    )]
    Full,
    /// The bytes do not start like an index written by [`Hnsw::write_to`].
    #[error("not an HNSW index: the magic bytes are wrong")]
    BadMagic,
    /// The index was written in a format version this build cannot read.
    #[error("HNSW index format version {found} is not supported (this build reads {supported}); rebuild the index")]
    UnsupportedVersion {
        /// The version in the data.
        found: u32,
        /// The version this build reads.
        supported: u32,
    },
    /// The data ended before the index did.
    #[error("the HNSW index data is truncated; rebuild the index")]
    Truncated,
    /// The checksum does not match the data.
    #[error("the HNSW index data is corrupt: checksum mismatch; rebuild the index")]
    ChecksumMismatch,
    /// The data breaks a rule of the format.
    #[error("the HNSW index data is corrupt: {0}; rebuild the index")]
    Corrupt(&'static str),
    /// Reading failed for another reason.
    #[error("reading the HNSW index failed: {0}")]
    Io(#[source] std::io::Error),
}

/// An approximate nearest-neighbour index over vectors keyed by `u32`. See the module docs.
#[derive(Clone)]
pub struct Hnsw {
    params: HnswParams,
    shape: Shape,
    /// `1 / ln(M)`: the level distribution's scale.
    level_scale: f64,
    vectors: graph::Vectors,
    links: FlatLinks,
    /// Per node: its key, its top layer, and whether it is a tombstone (replaced or removed).
    keys: Vec<u32>,
    levels: Vec<u8>,
    deleted: Vec<bool>,
    /// Key to its live node.
    live: HashMap<u32, u32>,
    entry: Option<Entry>,
    rng: SplitMix64,
}

impl fmt::Debug for Hnsw {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Hnsw")
            .field("dims", &self.dims())
            .field("len", &self.len())
            .field("tombstones", &self.tombstones())
            .field("params", &self.params)
            .finish_non_exhaustive()
    }
}

impl Hnsw {
    /// An empty index for `dims`-long vectors. Out-of-range parameters are clamped (see
    /// [`HnswParams`]).
    pub fn new(dims: usize, params: HnswParams) -> Self {
        let m = params.m.clamp(2, MAX_M);
        let params =
            HnswParams { m, ef_construction: params.ef_construction.max(m), seed: params.seed };
        let shape = Shape { m, m0: 2 * m, ef_construction: params.ef_construction };
        Self {
            params,
            shape,
            level_scale: 1.0 / (m as f64).ln(),
            vectors: graph::Vectors::new(dims),
            links: FlatLinks::new(shape.m, shape.m0),
            keys: Vec::new(),
            levels: Vec::new(),
            deleted: Vec::new(),
            live: HashMap::new(),
            entry: None,
            rng: SplitMix64(params.seed),
        }
    }

    /// Length of the vectors.
    pub fn dims(&self) -> usize {
        self.vectors.dims()
    }

    /// Number of live keys.
    pub fn len(&self) -> usize {
        self.live.len()
    }

    /// Whether no key is live.
    pub fn is_empty(&self) -> bool {
        self.live.is_empty()
    }

    /// Whether `key` has a live vector.
    pub fn contains(&self, key: u32) -> bool {
        self.live.contains_key(&key)
    }

    /// Nodes kept only for routing (replaced or removed): memory a rebuild would free.
    pub fn tombstones(&self) -> usize {
        self.keys.len() - self.live.len()
    }

    /// The parameters in force, after clamping.
    pub fn params(&self) -> HnswParams {
        self.params
    }

    /// Inserts the vector of `key`, or replaces it: the old node becomes a tombstone and a new
    /// one is linked. Keys may be sparse and arrive in any order.
    ///
    /// # Errors
    /// [`HnswError::DimsMismatch`] and [`HnswError::NonFiniteVector`] leave the index
    /// unchanged; [`HnswError::Full`] when `u32::MAX` nodes exist.
    pub fn insert(&mut self, key: u32, vector: &[f32]) -> Result<(), HnswError> {
        self.check_vector(key, vector)?;
        let node = self.push_node(key, vector)?;
        let level = self.levels[node as usize] as usize;
        self.links.push_node(level);
        let mut scratch = Scratch::default();
        insert_node(
            &self.vectors,
            &mut self.links,
            self.shape,
            node,
            level,
            self.entry,
            &mut scratch,
        );
        if self.entry.is_none_or(|entry| level > entry.level) {
            self.entry = Some(Entry { node, level });
        }
        Ok(())
    }

    /// Removes `key`; true if it was live. Its node stays in the graph as a tombstone that
    /// searches pass through but never return.
    pub fn remove(&mut self, key: u32) -> bool {
        match self.live.remove(&key) {
            Some(node) => {
                self.deleted[node as usize] = true;
                true
            }
            None => false,
        }
    }

    /// Up to `k` `(key, similarity)` pairs, best first, among the keys `accept` lets through.
    ///
    /// `ef` is the beam width (raised to `k` if smaller): higher finds more of the true
    /// neighbours, slower. Rejected keys still route the search, and when too few keys pass
    /// the beam keeps widening; if it still holds fewer than `k` results after a budget of
    /// visits, an exact scan over every live key replaces it, so a strict filter returns every
    /// match that exists, up to `k`.
    ///
    /// # Errors
    /// [`HnswError::DimsMismatch`] or [`HnswError::NonFiniteQuery`] for a malformed query.
    pub fn search(
        &self,
        query: &[f32],
        k: usize,
        ef: usize,
        accept: &dyn Fn(u32) -> bool,
    ) -> Result<Vec<(u32, f32)>, HnswError> {
        if query.len() != self.dims() {
            return Err(HnswError::DimsMismatch { expected: self.dims(), found: query.len() });
        }
        if !query.iter().all(|x| x.is_finite()) {
            return Err(HnswError::NonFiniteQuery);
        }
        let Some(entry) = self.entry.filter(|_| k > 0 && !self.live.is_empty()) else {
            return Ok(Vec::new());
        };
        let query = normalised(query);
        let admit = |node: u32| !self.deleted[node as usize] && accept(self.keys[node as usize]);
        let mut scratch = Scratch::default();
        let start = descend(&self.vectors, &self.links, &query, entry, 0, &mut scratch);
        let ef = ef.max(k);
        // Past this many scored nodes, an exact scan (one `accept` call per node, a dot
        // product only for accepted ones) is cheaper than widening the beam further.
        let max_visits = ef.saturating_mul(self.shape.m0).saturating_mul(4).max(4096);
        let search = LayerSearch { query: &query, layer: 0, ef, admit, max_visits };
        let mut found = Vec::new();
        search_layer(&self.vectors, &self.links, &search, &[start], &mut scratch, &mut found);
        if found.len() < k {
            found = self.exact_scan(&query, k, &search.admit);
        }
        found.truncate(k);
        Ok(found.into_iter().map(|s| (self.keys[s.node as usize], s.sim)).collect())
    }

    /// The `k` best admitted nodes by brute force, best first.
    fn exact_scan(&self, query: &[f32], k: usize, admit: &dyn Fn(u32) -> bool) -> Vec<Scored> {
        let mut best: std::collections::BinaryHeap<std::cmp::Reverse<Scored>> = Default::default();
        for node in 0..self.keys.len() as u32 {
            if admit(node) {
                let sim = dot::dot(query, self.vectors.get(node));
                best.push(std::cmp::Reverse(Scored { sim, node }));
                if best.len() > k {
                    best.pop();
                }
            }
        }
        let mut found: Vec<Scored> = best.into_iter().map(|r| r.0).collect();
        found.sort_unstable_by(|a, b| b.cmp(a));
        found
    }

    fn check_vector(&self, key: u32, vector: &[f32]) -> Result<(), HnswError> {
        if vector.len() != self.dims() {
            return Err(HnswError::DimsMismatch { expected: self.dims(), found: vector.len() });
        }
        if !vector.iter().all(|x| x.is_finite()) {
            return Err(HnswError::NonFiniteVector { key });
        }
        Ok(())
    }

    /// Stores a checked vector as a new, unlinked node at a random level and makes it the live
    /// node of `key`.
    fn push_node(&mut self, key: u32, vector: &[f32]) -> Result<u32, HnswError> {
        let node =
            u32::try_from(self.keys.len()).ok().filter(|&n| n < u32::MAX).ok_or(HnswError::Full)?;
        self.vectors.push(&normalised(vector));
        let level = self.random_level();
        self.keys.push(key);
        self.levels.push(level);
        self.deleted.push(false);
        if let Some(old) = self.live.insert(key, node) {
            self.deleted[old as usize] = true;
        }
        Ok(node)
    }

    /// A level drawn as `⌊-ln(U)·mL⌋`, so each layer holds about `1/M` of the one below.
    fn random_level(&mut self) -> u8 {
        // 53 random bits to a float in (0, 1]: never 0, whose logarithm is infinite.
        let uniform = ((self.rng.next() >> 11) + 1) as f64 / (1u64 << 53) as f64;
        let level = (-uniform.ln() * self.level_scale).floor();
        level.min(MAX_LEVEL as f64) as u8
    }
}

/// `vector / |vector|`, or the vector unchanged if its length is 0. The norm is summed in
/// `f64` so very large components do not overflow to infinity.
fn normalised(vector: &[f32]) -> Vec<f32> {
    let norm = vector.iter().map(|&x| f64::from(x) * f64::from(x)).sum::<f64>().sqrt();
    if norm == 0.0 {
        return vector.to_vec();
    }
    vector.iter().map(|&x| (f64::from(x) / norm) as f32).collect()
}

/// SplitMix64 (Steele, Lea & Flood 2014): tiny, fast and good enough for drawing levels.
#[derive(Debug, Clone, Copy)]
struct SplitMix64(u64);

impl SplitMix64 {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }
}
