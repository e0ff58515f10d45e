//! The intent model file: a versioned header, the int8 weights compressed with zlib, and an
//! XXH3 checksum of everything before it, so a damaged or foreign file is refused by name
//! instead of classifying nonsense.
//!
//! Layout (little endian): magic `AISLE-INTENTS\n`, format version `u32`, hash bits `u8`,
//! temperature, threshold and margin `f32`, intent count `u32`, each intent as a `u16` length
//! and UTF-8 bytes, per-intent scales and biases `f32`, the compressed weights' length `u32`
//! and bytes, then the checksum `u64`.

use std::io::{Read, Write};
use std::sync::Arc;

use flate2::read::ZlibDecoder;
use flate2::write::ZlibEncoder;
use flate2::Compression;
use xxhash_rust::xxh3::xxh3_64;

use crate::error::{Error, Result};
use crate::features::Featurizer;
use crate::model::{IntentModel, OUT_OF_SCOPE};
use crate::softmax::Quantized;

const MAGIC: &[u8] = b"AISLE-INTENTS\n";
/// The format this build writes and reads; bump it when the features or layout change, since
/// hashed weights are meaningless under other features.
pub const FORMAT_VERSION: u32 = 1;

impl IntentModel {
    /// The model file's bytes.
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(1 << 20);
        out.extend_from_slice(MAGIC);
        out.extend_from_slice(&FORMAT_VERSION.to_le_bytes());
        out.push(self.featurizer.bits());
        for value in [self.temperature, self.threshold, self.margin] {
            out.extend_from_slice(&value.to_le_bytes());
        }
        out.extend_from_slice(&(self.intents.len() as u32).to_le_bytes());
        for intent in self.intents.iter() {
            // Names are checked to be short when training, so the length fits.
            out.extend_from_slice(&(intent.len() as u16).to_le_bytes());
            out.extend_from_slice(intent.as_bytes());
        }
        for value in self.weights.scales.iter().chain(&self.weights.bias) {
            out.extend_from_slice(&value.to_le_bytes());
        }
        let raw: Vec<u8> = self.weights.weights.iter().map(|&w| w as u8).collect();
        let mut encoder = ZlibEncoder::new(Vec::new(), Compression::best());
        // Writing into a Vec cannot fail.
        let _ = encoder.write_all(&raw);
        let compressed = encoder.finish().unwrap_or_default();
        out.extend_from_slice(&(compressed.len() as u32).to_le_bytes());
        out.extend_from_slice(&compressed);
        let checksum = xxh3_64(&out);
        out.extend_from_slice(&checksum.to_le_bytes());
        out
    }

    /// Reads a model file's bytes; `what` names the file in errors.
    pub fn from_bytes(bytes: &[u8], what: &str) -> Result<IntentModel> {
        let bad = |reason: String| Error::BadModel { what: what.to_string(), reason };
        if bytes.len() < MAGIC.len() + 4 || !bytes.starts_with(MAGIC) {
            return Err(bad("not an Aisle intent model".into()));
        }
        let mut reader = Reader { bytes: &bytes[MAGIC.len()..], what };
        let version = reader.u32()?;
        if version != FORMAT_VERSION {
            return Err(bad(format!(
                "format version {version}, this build reads {FORMAT_VERSION}"
            )));
        }
        let Some((body, tail)) = bytes.split_at_checked(bytes.len().saturating_sub(8)) else {
            return Err(bad("too short".into()));
        };
        let stored = tail.try_into().map(u64::from_le_bytes).unwrap_or_default();
        if body.len() < MAGIC.len() + 4 || xxh3_64(body) != stored {
            return Err(bad("checksum mismatch: the file is damaged or truncated".into()));
        }
        reader.bytes = &body[MAGIC.len() + 4..];
        let bits = reader.u8()?;
        if !(8..=22).contains(&bits) {
            return Err(bad(format!("{bits} hash bits is out of range")));
        }
        let (temperature, threshold, margin) = (reader.f32()?, reader.f32()?, reader.f32()?);
        let classes = reader.u32()? as usize;
        if !(2..=10_000).contains(&classes) {
            return Err(bad(format!("{classes} intents is out of range")));
        }
        let mut intents = Vec::with_capacity(classes);
        for _ in 0..classes {
            let len = usize::from(reader.u16()?);
            let name = std::str::from_utf8(reader.take(len)?)
                .map_err(|_| bad("an intent name is not UTF-8".into()))?;
            intents.push(name.to_string());
        }
        let known = classes - usize::from(intents.last().is_some_and(|n| n == OUT_OF_SCOPE));
        if known < 2 || intents[..known].iter().any(|n| n == OUT_OF_SCOPE) {
            return Err(bad(format!(
                "{OUT_OF_SCOPE} may only be the last class, after two intents"
            )));
        }
        let mut floats = |n: usize| (0..n).map(|_| reader.f32()).collect::<Result<Vec<f32>>>();
        let scales = floats(classes)?;
        let bias = floats(classes)?;
        let compressed_len = reader.u32()? as usize;
        let compressed = reader.take(compressed_len)?;
        let featurizer = Featurizer::new(bits);
        let expected = featurizer.buckets() * classes;
        let mut raw = Vec::with_capacity(expected);
        ZlibDecoder::new(compressed)
            .take(expected as u64 + 1)
            .read_to_end(&mut raw)
            .map_err(|e| bad(format!("weights do not decompress: {e}")))?;
        if raw.len() != expected {
            return Err(bad(format!("{} weights where {expected} were expected", raw.len())));
        }
        let all_finite = [temperature, threshold, margin]
            .iter()
            .chain(&scales)
            .chain(&bias)
            .all(|v| v.is_finite());
        if !all_finite || temperature <= 0.0 {
            return Err(bad("parameters are not finite positive numbers".into()));
        }
        let weights = raw.into_iter().map(|b| b as i8).collect();
        Ok(IntentModel {
            featurizer,
            intents: intents.into(),
            known,
            weights: Arc::new(Quantized { classes, scales, weights, bias }),
            temperature,
            threshold,
            margin,
        })
    }
}

/// Reads little-endian values off the front of a byte slice.
struct Reader<'a> {
    bytes: &'a [u8],
    what: &'a str,
}

impl<'a> Reader<'a> {
    fn take(&mut self, n: usize) -> Result<&'a [u8]> {
        let Some((head, rest)) = self.bytes.split_at_checked(n) else {
            return Err(Error::BadModel {
                what: self.what.to_string(),
                reason: "the file ends early".into(),
            });
        };
        self.bytes = rest;
        Ok(head)
    }

    fn array<const N: usize>(&mut self) -> Result<[u8; N]> {
        let mut out = [0u8; N];
        out.copy_from_slice(self.take(N)?);
        Ok(out)
    }

    fn u8(&mut self) -> Result<u8> {
        Ok(self.array::<1>()?[0])
    }

    fn u16(&mut self) -> Result<u16> {
        self.array().map(u16::from_le_bytes)
    }

    fn u32(&mut self) -> Result<u32> {
        self.array().map(u32::from_le_bytes)
    }

    fn f32(&mut self) -> Result<f32> {
        self.array().map(f32::from_le_bytes)
    }
}
