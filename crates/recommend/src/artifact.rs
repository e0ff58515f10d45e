//! Versioned model artifacts: a small self-describing binary format.
//!
//! Layout: the magic bytes `AISLEMDL`, a little-endian `u32` format version, a length-prefixed
//! JSON [`Header`] (model name, its config, shape), then the model's payload as a sequence of
//! length-prefixed sections written through [`Writer`] (`f32`, `u32`, `u64` arrays as raw
//! little-endian bytes, and JSON values). Arrays are not compressed: loading a factor matrix is
//! a single read.
//!
//! This module reads and writes the streams it is given; opening files is the caller's job.

use std::io::{Read, Write};

use serde::{de::DeserializeOwned, Deserialize, Serialize};

use crate::{Error, Result};

const MAGIC: &[u8; 8] = b"AISLEMDL";
/// The artifact format this build writes and reads.
pub const FORMAT_VERSION: u32 = 1;
/// Refuse sections larger than this (16 GiB): a corrupt length must not allocate the machine.
const MAX_SECTION_BYTES: u64 = 16 << 30;

/// What an artifact says about itself.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Header {
    /// The model's registry name.
    pub model: String,
    /// The model's configuration, as JSON.
    pub config: serde_json::Value,
    /// Items the model scores.
    pub n_items: usize,
    /// Users the model was trained on.
    pub n_users: usize,
}

/// Writes an artifact's sections.
pub struct Writer<'a> {
    out: &'a mut dyn Write,
}

impl<'a> Writer<'a> {
    /// Writes the magic, version and header; the model then writes its payload.
    pub fn start(out: &'a mut dyn Write, header: &Header) -> Result<Self> {
        out.write_all(MAGIC)?;
        out.write_all(&FORMAT_VERSION.to_le_bytes())?;
        let mut writer = Self { out };
        writer.json(header)?;
        Ok(writer)
    }

    fn section(&mut self, bytes: &[u8]) -> Result<()> {
        self.out.write_all(&(bytes.len() as u64).to_le_bytes())?;
        self.out.write_all(bytes)?;
        Ok(())
    }

    /// Writes an array of `f32`.
    pub fn f32s(&mut self, values: &[f32]) -> Result<()> {
        let bytes: Vec<u8> = values.iter().flat_map(|v| v.to_le_bytes()).collect();
        self.section(&bytes)
    }

    /// Writes an array of `u32`.
    pub fn u32s(&mut self, values: &[u32]) -> Result<()> {
        let bytes: Vec<u8> = values.iter().flat_map(|v| v.to_le_bytes()).collect();
        self.section(&bytes)
    }

    /// Writes an array of `u64`.
    pub fn u64s(&mut self, values: &[u64]) -> Result<()> {
        let bytes: Vec<u8> = values.iter().flat_map(|v| v.to_le_bytes()).collect();
        self.section(&bytes)
    }

    /// Writes raw bytes (a nested format, such as the transformer's weights file).
    pub fn bytes(&mut self, bytes: &[u8]) -> Result<()> {
        self.section(bytes)
    }

    /// Writes a value as JSON.
    pub fn json<T: Serialize>(&mut self, value: &T) -> Result<()> {
        let bytes = serde_json::to_vec(value).map_err(|e| Error::Artifact(e.to_string()))?;
        self.section(&bytes)
    }
}

/// Reads an artifact's sections in the order they were written.
pub struct Reader<'a> {
    input: &'a mut dyn Read,
}

impl<'a> Reader<'a> {
    /// Checks the magic and version and reads the header.
    pub fn start(input: &'a mut dyn Read) -> Result<(Header, Self)> {
        let mut magic = [0u8; 8];
        input
            .read_exact(&mut magic)
            .map_err(|_| Error::Artifact("the file is empty or too short to be a model".into()))?;
        if &magic != MAGIC {
            return Err(Error::Artifact("not an Aisle model file (wrong magic bytes)".into()));
        }
        let mut version = [0u8; 4];
        input.read_exact(&mut version)?;
        let version = u32::from_le_bytes(version);
        if version != FORMAT_VERSION {
            return Err(Error::Artifact(format!(
                "model format version {version}, but this Aisle reads version {FORMAT_VERSION}; retrain the model"
            )));
        }
        let mut reader = Self { input };
        let header: Header = reader.json()?;
        Ok((header, reader))
    }

    fn section(&mut self) -> Result<Vec<u8>> {
        let mut len = [0u8; 8];
        self.input
            .read_exact(&mut len)
            .map_err(|_| Error::Artifact("the model file is truncated".into()))?;
        let len = u64::from_le_bytes(len);
        if len > MAX_SECTION_BYTES {
            return Err(Error::Artifact(format!(
                "a section claims {len} bytes; the file is corrupt"
            )));
        }
        let mut bytes = vec![0u8; len as usize];
        self.input
            .read_exact(&mut bytes)
            .map_err(|_| Error::Artifact("the model file is truncated".into()))?;
        Ok(bytes)
    }

    fn words<const N: usize>(&mut self, what: &str) -> Result<Vec<[u8; N]>> {
        let bytes = self.section()?;
        if bytes.len() % N != 0 {
            return Err(Error::Artifact(format!(
                "a {what} section has a partial value; the file is corrupt"
            )));
        }
        Ok(bytes.chunks_exact(N).map(|c| c.try_into().unwrap_or([0; N])).collect())
    }

    /// Reads an array of `f32`.
    pub fn f32s(&mut self) -> Result<Vec<f32>> {
        Ok(self.words::<4>("f32")?.into_iter().map(f32::from_le_bytes).collect())
    }

    /// Reads an array of `u32`.
    pub fn u32s(&mut self) -> Result<Vec<u32>> {
        Ok(self.words::<4>("u32")?.into_iter().map(u32::from_le_bytes).collect())
    }

    /// Reads an array of `u64`.
    pub fn u64s(&mut self) -> Result<Vec<u64>> {
        Ok(self.words::<8>("u64")?.into_iter().map(u64::from_le_bytes).collect())
    }

    /// Reads raw bytes written by [`Writer::bytes`].
    pub fn bytes(&mut self) -> Result<Vec<u8>> {
        self.section()
    }

    /// Reads a JSON value.
    pub fn json<T: DeserializeOwned>(&mut self) -> Result<T> {
        let bytes = self.section()?;
        serde_json::from_slice(&bytes)
            .map_err(|e| Error::Artifact(format!("a JSON section is invalid: {e}")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sections_round_trip_and_damage_is_reported() {
        let header = Header {
            model: "test".into(),
            config: serde_json::json!({"k": 3}),
            n_items: 2,
            n_users: 1,
        };
        let mut bytes = Vec::new();
        {
            let mut w = Writer::start(&mut bytes, &header).expect("start");
            w.f32s(&[1.5, -2.0]).expect("f32s");
            w.u32s(&[7]).expect("u32s");
            w.u64s(&[u64::MAX]).expect("u64s");
        }
        let mut input = bytes.as_slice();
        let (back, mut r) = Reader::start(&mut input).expect("start");
        assert_eq!(back, header);
        assert_eq!(r.f32s().expect("f32s"), vec![1.5, -2.0]);
        assert_eq!(r.u32s().expect("u32s"), vec![7]);
        assert_eq!(r.u64s().expect("u64s"), vec![u64::MAX]);

        let mut truncated = &bytes[..bytes.len() - 3];
        let (_, mut r) = Reader::start(&mut truncated).expect("header intact");
        r.f32s().expect("first section intact");
        r.u32s().expect("second intact");
        assert!(r.u64s().is_err());
        let mut garbage: &[u8] = b"not a model at all";
        assert!(Reader::start(&mut garbage).is_err());
    }
}
