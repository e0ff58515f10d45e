//! The model file and the training checkpoint: one small binary format.
//!
//! Layout: magic `AISLESEQ`, a little-endian `u32` format version, a `u64` length and a JSON
//! header (configuration, catalog, tensor names and shapes, and for checkpoints the training
//! progress), then every tensor's values as little-endian `f32`, then the XXH3-64 of those
//! bytes. A truncated or altered file fails the length or checksum test with a clear error
//! instead of loading garbage.

use std::io::{Read, Write};
use std::path::Path;

use serde::{Deserialize, Serialize};
use xxhash_rust::xxh3::xxh3_64;

use crate::model::Catalog;
use crate::{Error, Result, Transformer, TransformerConfig};

const MAGIC: &[u8; 8] = b"AISLESEQ";
const VERSION: u32 = 1;
/// Refuse headers above this size: a corrupt length must not allocate the machine.
const MAX_HEADER_BYTES: u64 = 1 << 30;

/// Identifies a catalog (its size and items' attributes); a checkpoint only resumes on the
/// catalog it was started with.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Fingerprint(pub u64);

impl Fingerprint {
    /// The fingerprint of `catalog`.
    pub fn of(catalog: &Catalog) -> Self {
        let mut bytes = Vec::with_capacity(16 + catalog.attributes.len() * 8);
        bytes.extend((catalog.n_items as u64).to_le_bytes());
        bytes.extend((catalog.n_attributes as u64).to_le_bytes());
        for attrs in &catalog.attributes {
            bytes.extend((attrs.len() as u32).to_le_bytes());
            attrs.iter().for_each(|a| bytes.extend(a.to_le_bytes()));
        }
        Self(xxh3_64(&bytes))
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
struct Header {
    config: TransformerConfig,
    n_items: usize,
    n_attributes: usize,
    attributes: Vec<Vec<u32>>,
    fingerprint: Fingerprint,
    tensors: Vec<(String, Vec<usize>)>,
    progress: Option<serde_json::Value>,
}

/// Named tensors with their values.
pub(crate) type Values = Vec<(String, Vec<usize>, Vec<f32>)>;

/// Writes config, catalog, tensors and optional progress to `out`.
pub(crate) fn write_values(
    out: &mut dyn Write,
    config: &TransformerConfig,
    catalog: &Catalog,
    values: &Values,
    progress: Option<serde_json::Value>,
) -> Result<()> {
    let header = Header {
        config: config.clone(),
        n_items: catalog.n_items,
        n_attributes: catalog.n_attributes,
        attributes: catalog.attributes.clone(),
        fingerprint: Fingerprint::of(catalog),
        tensors: values.iter().map(|(n, s, _)| (n.clone(), s.clone())).collect(),
        progress,
    };
    let json = serde_json::to_vec(&header).map_err(|e| Error::Checkpoint(e.to_string()))?;
    let mut data = Vec::with_capacity(values.iter().map(|v| v.2.len() * 4).sum());
    for (_, _, v) in values {
        v.iter().for_each(|x| data.extend(x.to_le_bytes()));
    }
    let io = |source| Error::Io { path: "(stream)".into(), source };
    out.write_all(MAGIC).map_err(io)?;
    out.write_all(&VERSION.to_le_bytes()).map_err(io)?;
    out.write_all(&(json.len() as u64).to_le_bytes()).map_err(io)?;
    out.write_all(&json).map_err(io)?;
    out.write_all(&data).map_err(io)?;
    out.write_all(&xxh3_64(&data).to_le_bytes()).map_err(io)?;
    Ok(())
}

/// What [`read_values`] returns.
pub(crate) struct Loaded {
    pub config: TransformerConfig,
    pub catalog: Catalog,
    pub values: Values,
    pub progress: Option<serde_json::Value>,
}

fn corrupt(what: &str) -> Error {
    Error::Checkpoint(format!("{what}; the file is truncated or corrupt, train the model again"))
}

/// Reads what [`write_values`] wrote, verifying magic, version, lengths and checksum.
pub(crate) fn read_values(input: &mut dyn Read) -> Result<Loaded> {
    let mut fixed = [0u8; 20];
    input.read_exact(&mut fixed).map_err(|_| corrupt("the file is shorter than its header"))?;
    if &fixed[..8] != MAGIC {
        return Err(Error::Checkpoint(
            "not a transformer file (wrong magic bytes); give a file written by `aisle train`"
                .into(),
        ));
    }
    let version = u32::from_le_bytes([fixed[8], fixed[9], fixed[10], fixed[11]]);
    if version != VERSION {
        return Err(Error::Checkpoint(format!(
            "format version {version}; this build reads version {VERSION}"
        )));
    }
    let mut len = [0u8; 8];
    len.copy_from_slice(&fixed[12..20]);
    let header_len = u64::from_le_bytes(len);
    if header_len > MAX_HEADER_BYTES {
        return Err(corrupt("the header length is implausible"));
    }
    let mut json = vec![0u8; header_len as usize];
    input.read_exact(&mut json).map_err(|_| corrupt("the header is cut short"))?;
    let header: Header = serde_json::from_slice(&json)
        .map_err(|e| corrupt(&format!("the header is unreadable ({e})")))?;
    header.config.validate()?;
    let catalog = Catalog {
        n_items: header.n_items,
        attributes: header.attributes,
        n_attributes: header.n_attributes,
    };
    if Fingerprint::of(&catalog) != header.fingerprint {
        return Err(corrupt("the catalog does not match its fingerprint"));
    }
    let mut values = Vec::with_capacity(header.tensors.len());
    let mut data = Vec::new();
    for (name, shape) in header.tensors {
        let n = shape.iter().try_fold(1usize, |acc, &d| acc.checked_mul(d));
        let n = n
            .filter(|&n| n <= (1 << 32))
            .ok_or_else(|| corrupt("a tensor shape is implausible"))?;
        let mut bytes = vec![0u8; n * 4];
        input
            .read_exact(&mut bytes)
            .map_err(|_| corrupt(&format!("tensor `{name}` is cut short")))?;
        let floats = bytes.chunks_exact(4).map(|c| f32::from_le_bytes([c[0], c[1], c[2], c[3]]));
        values.push((name, shape, floats.collect()));
        data.extend(bytes);
    }
    let mut checksum = [0u8; 8];
    input.read_exact(&mut checksum).map_err(|_| corrupt("the checksum is missing"))?;
    if u64::from_le_bytes(checksum) != xxh3_64(&data) {
        return Err(corrupt("the weights fail their checksum"));
    }
    Ok(Loaded { config: header.config, catalog, values, progress: header.progress })
}

impl Transformer {
    /// Writes the model (configuration, catalog and weights) to `out`.
    pub fn write(&self, out: &mut dyn Write) -> Result<()> {
        let mut values = Vec::with_capacity(self.tensors.len());
        for (name, tensor) in &self.tensors {
            values.push((name.clone(), tensor.dims().to_vec(), tensor.flatten_all()?.to_vec1()?));
        }
        write_values(out, &self.config, &self.catalog, &values, None)
    }

    /// Reads a model written by [`Transformer::write`].
    pub fn read(input: &mut dyn Read) -> Result<Self> {
        let loaded = read_values(input)?;
        Transformer::from_values(loaded.config, loaded.catalog, loaded.values)
    }

    /// Reads a model file.
    pub fn read_file(path: &Path) -> Result<Self> {
        let file = std::fs::File::open(path)
            .map_err(|source| Error::Io { path: path.display().to_string(), source })?;
        Self::read(&mut std::io::BufReader::new(file))
    }
}

/// Writes `bytes` to `path` atomically (a temporary file renamed over it), so a crash never
/// leaves a half-written checkpoint.
pub(crate) fn write_atomically(
    path: &Path,
    write: impl FnOnce(&mut dyn Write) -> Result<()>,
) -> Result<()> {
    let io = |source| Error::Io { path: path.display().to_string(), source };
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).map_err(io)?;
    }
    let temporary = path.with_extension("partial");
    let file = std::fs::File::create(&temporary).map_err(io)?;
    let mut out = std::io::BufWriter::new(file);
    write(&mut out)?;
    let file = out.into_inner().map_err(|e| io(e.into_error()))?;
    file.sync_all().map_err(io)?;
    std::fs::rename(&temporary, path).map_err(io)
}
