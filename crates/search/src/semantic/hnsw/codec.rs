//! The binary format of an [`Hnsw`]: compact, little-endian, versioned and checksummed.
//!
//! ```text
//! magic "AISLHNSW" · version u32 · dims u32 · m u32 · ef_construction u32 · seed u64
//! · rng state u64 · nodes u32 · entry node u32 (u32::MAX: none) · entry level u32
//! · per node: key u32 · level u8 · tombstone u8 · dims × f32
//!             · per layer 0..=level: count u32 · count × neighbour u32
//! · FNV-1a 64 of every byte above, u64
//! ```
//!
//! Reading trusts nothing: every count and id is checked against the format's rules, memory
//! grows only as bytes actually arrive, and bad input is an [`HnswError`], never a panic. It
//! does not open files; the caller hands it a stream.

use std::collections::HashMap;
use std::io::{self, Read, Write};

use super::graph::{Entry, Links, Shape};
use super::{Hnsw, HnswError, HnswParams, SplitMix64, MAX_LEVEL, MAX_M};

const MAGIC: &[u8; 8] = b"AISLHNSW";
const VERSION: u32 = 1;
/// Largest vector length the format accepts, so a corrupt header cannot ask for gigabytes per
/// node. Far above any sentence-embedding model.
const MAX_DIMS: usize = 1 << 16;
/// Bytes gathered before a write to the underlying stream.
const WRITE_BUFFER: usize = 1 << 16;
const NO_ENTRY: u32 = u32::MAX;

impl Hnsw {
    /// Writes the index in the binary format described in the module docs. Output is buffered
    /// internally and flushed at the end.
    ///
    /// # Errors
    /// What `w` returns, or `InvalidInput` if the vectors are longer than 65,536.
    pub fn write_to(&self, w: &mut dyn Write) -> io::Result<()> {
        let dims = u32::try_from(self.dims())
            .ok()
            .filter(|&d| d as usize <= MAX_DIMS)
            .ok_or_else(|| io::Error::new(io::ErrorKind::InvalidInput, "vectors are too long"))?;
        let mut out = HashingWriter::new(w);
        out.put(MAGIC)?;
        out.put(&VERSION.to_le_bytes())?;
        out.put(&dims.to_le_bytes())?;
        out.put(&(self.shape.m as u32).to_le_bytes())?;
        out.put(&(self.params.ef_construction as u32).to_le_bytes())?;
        out.put(&self.params.seed.to_le_bytes())?;
        out.put(&self.rng.0.to_le_bytes())?;
        out.put(&(self.keys.len() as u32).to_le_bytes())?;
        let (entry_node, entry_level) =
            self.entry.map_or((NO_ENTRY, 0), |e| (e.node, e.level as u32));
        out.put(&entry_node.to_le_bytes())?;
        out.put(&entry_level.to_le_bytes())?;
        let mut list = Vec::new();
        for node in 0..self.keys.len() {
            out.put(&self.keys[node].to_le_bytes())?;
            out.put(&[self.levels[node], u8::from(self.deleted[node])])?;
            for x in self.vectors.get(node as u32) {
                out.put(&x.to_le_bytes())?;
            }
            for layer in 0..=self.levels[node] as usize {
                self.links.read(node as u32, layer, &mut list);
                out.put(&(list.len() as u32).to_le_bytes())?;
                for id in &list {
                    out.put(&id.to_le_bytes())?;
                }
            }
        }
        out.finish()
    }

    /// Reads an index written by [`Hnsw::write_to`]. It reads exactly the index's bytes and no
    /// further, in many small reads: hand it a buffered reader.
    ///
    /// # Errors
    /// [`HnswError::BadMagic`], [`HnswError::UnsupportedVersion`], [`HnswError::Truncated`],
    /// [`HnswError::ChecksumMismatch`] or [`HnswError::Corrupt`] for bad data,
    /// [`HnswError::Io`] if reading fails.
    pub fn read_from(r: &mut dyn Read) -> Result<Self, HnswError> {
        let mut input = HashingReader { inner: r, hash: Fnv1a::new() };
        if &input.array::<8>()? != MAGIC {
            return Err(HnswError::BadMagic);
        }
        let version = input.u32()?;
        if version != VERSION {
            return Err(HnswError::UnsupportedVersion { found: version, supported: VERSION });
        }
        let dims = input.u32()? as usize;
        let m = input.u32()? as usize;
        let ef_construction = input.u32()? as usize;
        let seed = input.u64()?;
        let rng_state = input.u64()?;
        if dims > MAX_DIMS {
            return Err(HnswError::Corrupt("the vector length is implausibly large"));
        }
        if !(2..=MAX_M).contains(&m) || ef_construction < m {
            return Err(HnswError::Corrupt("the graph parameters are out of range"));
        }
        let mut index = Hnsw::new(dims, HnswParams { m, ef_construction, seed });
        index.rng = SplitMix64(rng_state);
        let nodes = input.u32()?;
        let entry = read_entry(&mut input, nodes)?;
        // Reserve from the header only up to a bound: a corrupt count must not allocate
        // before the bytes behind it exist.
        index.vectors.reserve((nodes as usize).min(1 << 16));
        let mut bytes = vec![0u8; dims * 4];
        let mut list = Vec::new();
        for node in 0..nodes {
            read_node(&mut input, &mut index, node, nodes, &mut bytes, &mut list)?;
        }
        let expected = input.hash.finish();
        if u64::from_le_bytes(input.array::<8>()?) != expected {
            return Err(HnswError::ChecksumMismatch);
        }
        if let Some(entry) = entry {
            if index.levels.get(entry.node as usize).map(|&l| l as usize) != Some(entry.level) {
                return Err(HnswError::Corrupt("the entry point's level does not match"));
            }
        }
        index.entry = entry;
        index.live = live_keys(&index.keys, &index.deleted)?;
        Ok(index)
    }
}

fn read_entry(input: &mut HashingReader<'_>, nodes: u32) -> Result<Option<Entry>, HnswError> {
    let node = input.u32()?;
    let level = input.u32()? as usize;
    match (node, nodes) {
        (NO_ENTRY, 0) => Ok(None),
        (node, nodes) if node < nodes && level <= MAX_LEVEL => Ok(Some(Entry { node, level })),
        _ => Err(HnswError::Corrupt("the entry point is not a node")),
    }
}

/// Reads one node into `index`, checking its level, flags, values and neighbour lists.
fn read_node(
    input: &mut HashingReader<'_>,
    index: &mut Hnsw,
    node: u32,
    nodes: u32,
    bytes: &mut [u8],
    list: &mut Vec<u32>,
) -> Result<(), HnswError> {
    let key = input.u32()?;
    let [level, tombstone] = input.array::<2>()?;
    if level as usize > MAX_LEVEL || tombstone > 1 {
        return Err(HnswError::Corrupt("a node's level or tombstone flag is out of range"));
    }
    input.fill(bytes)?;
    let vector: Vec<f32> =
        bytes.chunks_exact(4).map(|b| f32::from_le_bytes([b[0], b[1], b[2], b[3]])).collect();
    if !vector.iter().all(|x| x.is_finite()) {
        return Err(HnswError::Corrupt("a vector holds NaN or infinity"));
    }
    index.vectors.push(&vector);
    index.keys.push(key);
    index.levels.push(level);
    index.deleted.push(tombstone == 1);
    index.links.push_node(level as usize);
    for layer in 0..=level as usize {
        read_list(input, index.shape, layer, node, nodes, list)?;
        index.links.write(node, layer, list);
    }
    Ok(())
}

fn read_list(
    input: &mut HashingReader<'_>,
    shape: Shape,
    layer: usize,
    node: u32,
    nodes: u32,
    list: &mut Vec<u32>,
) -> Result<(), HnswError> {
    let count = input.u32()? as usize;
    if count > shape.max_links(layer) {
        return Err(HnswError::Corrupt("a neighbour list is longer than the graph allows"));
    }
    list.clear();
    for _ in 0..count {
        let id = input.u32()?;
        if id >= nodes || id == node {
            return Err(HnswError::Corrupt("a neighbour is not another node"));
        }
        list.push(id);
    }
    Ok(())
}

/// Key to live node; two live nodes with one key would make results ambiguous.
fn live_keys(keys: &[u32], deleted: &[bool]) -> Result<HashMap<u32, u32>, HnswError> {
    let mut live = HashMap::with_capacity(keys.len());
    for (node, (&key, &gone)) in keys.iter().zip(deleted).enumerate() {
        if !gone && live.insert(key, node as u32).is_some() {
            return Err(HnswError::Corrupt("a key has two live vectors"));
        }
    }
    Ok(live)
}

/// FNV-1a, 64-bit (Fowler, Noll & Vo): a simple checksum against truncation and bit rot, not
/// against tampering.
#[derive(Debug, Clone, Copy)]
struct Fnv1a(u64);

impl Fnv1a {
    fn new() -> Self {
        Self(0xcbf2_9ce4_8422_2325)
    }

    fn update(&mut self, bytes: &[u8]) {
        for &byte in bytes {
            self.0 = (self.0 ^ u64::from(byte)).wrapping_mul(0x0000_0100_0000_01b3);
        }
    }

    fn finish(self) -> u64 {
        self.0
    }
}

struct HashingWriter<'w> {
    inner: &'w mut dyn Write,
    hash: Fnv1a,
    buffer: Vec<u8>,
}

impl<'w> HashingWriter<'w> {
    fn new(inner: &'w mut dyn Write) -> Self {
        Self { inner, hash: Fnv1a::new(), buffer: Vec::with_capacity(WRITE_BUFFER) }
    }

    fn put(&mut self, bytes: &[u8]) -> io::Result<()> {
        self.hash.update(bytes);
        self.buffer.extend_from_slice(bytes);
        if self.buffer.len() >= WRITE_BUFFER {
            self.inner.write_all(&self.buffer)?;
            self.buffer.clear();
        }
        Ok(())
    }

    /// Appends the checksum of everything put so far and flushes.
    fn finish(mut self) -> io::Result<()> {
        let checksum = self.hash.finish().to_le_bytes();
        self.buffer.extend_from_slice(&checksum);
        self.inner.write_all(&self.buffer)?;
        self.inner.flush()
    }
}

struct HashingReader<'r> {
    inner: &'r mut dyn Read,
    hash: Fnv1a,
}

impl HashingReader<'_> {
    fn fill(&mut self, buf: &mut [u8]) -> Result<(), HnswError> {
        self.inner.read_exact(buf).map_err(|e| match e.kind() {
            io::ErrorKind::UnexpectedEof => HnswError::Truncated,
            _ => HnswError::Io(e),
        })?;
        self.hash.update(buf);
        Ok(())
    }

    fn array<const N: usize>(&mut self) -> Result<[u8; N], HnswError> {
        let mut buf = [0u8; N];
        self.fill(&mut buf)?;
        Ok(buf)
    }

    fn u32(&mut self) -> Result<u32, HnswError> {
        self.array::<4>().map(u32::from_le_bytes)
    }

    fn u64(&mut self) -> Result<u64, HnswError> {
        self.array::<8>().map(u64::from_le_bytes)
    }
}
