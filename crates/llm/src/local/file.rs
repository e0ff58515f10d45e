//! Finding and reading the `.gguf` file: the only file access of the local backend.

use std::collections::HashMap;
use std::fs::File;
use std::io::{BufReader, Cursor, Read, Seek};
use std::path::{Path, PathBuf};

use candle_core::quantized::gguf_file::{self, Content, Value};
use candle_core::quantized::{GgmlDType, QTensor};
use candle_core::Device;
use candle_transformers::models::quantized_llama::ModelWeights;

use crate::{Error, Result};

/// What a GGUF file gave.
pub(super) struct Loaded {
    pub metadata: HashMap<String, Value>,
    pub weights: ModelWeights,
    pub context_length: usize,
}

/// The `.gguf` file `path` names: itself, or the single one in the directory (looking one
/// level down too, where an unpacked package keeps it).
pub(super) fn resolve(path: &Path) -> Result<PathBuf> {
    if !path.exists() {
        return Err(Error::ModelMissing { path: path.to_path_buf() });
    }
    if !path.is_dir() {
        return Ok(path.to_path_buf());
    }
    let mut found = gguf_files(path);
    if found.is_empty() {
        for entry in read_dir_sorted(path).into_iter().filter(|p| p.is_dir()) {
            found.extend(gguf_files(&entry));
        }
    }
    match found.len() {
        1 => Ok(found.remove(0)),
        0 => Err(Error::NoGgufInDirectory {
            path: path.to_path_buf(),
            reason: "holds no .gguf file".into(),
        }),
        _ => Err(Error::NoGgufInDirectory {
            path: path.to_path_buf(),
            reason: format!(
                "holds several .gguf files ({}); name one of them",
                found.iter().map(|p| p.display().to_string()).collect::<Vec<_>>().join(", ")
            ),
        }),
    }
}

fn read_dir_sorted(dir: &Path) -> Vec<PathBuf> {
    let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)
        .map(|entries| entries.filter_map(|e| e.ok().map(|e| e.path())).collect())
        .unwrap_or_default();
    entries.sort();
    entries
}

fn gguf_files(dir: &Path) -> Vec<PathBuf> {
    read_dir_sorted(dir)
        .into_iter()
        .filter(|p| p.is_file() && p.extension().is_some_and(|e| e.eq_ignore_ascii_case("gguf")))
        .collect()
}

/// Reads the metadata and the weights of a llama-architecture GGUF file.
pub(super) fn read(path: &Path) -> Result<Loaded> {
    let bad = |reason: String| Error::BadModel { path: path.to_path_buf(), reason };
    let file = File::open(path).map_err(|e| bad(format!("cannot open it: {e}")))?;
    let mut reader = BufReader::new(file);
    let content =
        Content::read(&mut reader).map_err(|e| bad(format!("it is not a GGUF file: {e}")))?;
    let metadata = content.metadata.clone();
    let architecture = metadata.get("general.architecture").and_then(|v| v.to_string().ok());
    if architecture.map(String::as_str) != Some("llama") {
        return Err(bad(format!(
            "its architecture is {architecture:?}; only the llama architecture (SmolLM2, \
             TinyLlama, Llama) is supported"
        )));
    }
    let context_length = metadata
        .get("llama.context_length")
        .and_then(|v| v.to_u32().ok())
        .map_or(2048, |n| n as usize);
    let weights = match requantized(&content, &mut reader) {
        Ok(Some(mut copy)) => {
            let content = Content::read(&mut copy);
            content.and_then(|content| ModelWeights::from_gguf(content, &mut copy, &Device::Cpu))
        }
        Ok(None) => ModelWeights::from_gguf(content, &mut reader, &Device::Cpu),
        Err(error) => Err(error),
    }
    .map_err(|e| bad(format!("its weights cannot be read: {e}")))?;
    Ok(Loaded { metadata, weights, context_length })
}

/// Up to this many bytes of f32 weights, a model's matrices are unpacked to f32 at load.
/// candle's quantized products are dot-product loops over a shared thread pool that collapse
/// when the cores are busy with anything else (measured on 2 cores under load: SmolLM2
/// repacked as Q8_0 took 1.1 s to the first token and decoded 6 tokens/s; unpacked, 0.4 s and
/// 35 tokens/s), while f32 products use blocked GEMM kernels. SmolLM2-135M unpacks to about 540 MB; bigger models
/// stay packed, with the formats lacking SIMD kernels repacked as Q8_0.
const UNPACK_UP_TO_BYTES: usize = 1 << 30;

/// How the matrices of a model will be held in memory.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Layout {
    /// As stored.
    AsStored,
    /// Every packed matrix unpacked (written as f16, which candle widens to f32 on load).
    Unpacked,
    /// Matrices in formats without SIMD kernels repacked as Q8_0.
    FastPacked,
}

/// Block formats candle multiplies with scalar code only (no SIMD kernel on x86 or ARM).
fn slow_on_cpu(dtype: GgmlDType) -> bool {
    matches!(dtype, GgmlDType::Q4_1 | GgmlDType::Q5_0 | GgmlDType::Q5_1)
}

fn packed(dtype: GgmlDType) -> bool {
    !matches!(dtype, GgmlDType::F32 | GgmlDType::F16 | GgmlDType::BF16)
}

fn layout(content: &Content) -> Layout {
    let infos = content.tensor_infos.values();
    let elements: usize = infos.clone().map(|info| info.shape.elem_count()).sum();
    if elements.saturating_mul(4) <= UNPACK_UP_TO_BYTES
        && infos.clone().any(|i| packed(i.ggml_dtype))
    {
        Layout::Unpacked
    } else if infos.clone().any(|info| slow_on_cpu(info.ggml_dtype)) {
        Layout::FastPacked
    } else {
        Layout::AsStored
    }
}

/// The model rewritten in memory in the layout that runs fastest here (see
/// [`UNPACK_UP_TO_BYTES`]); `None` when the stored one is it.
fn requantized<R: Read + Seek>(
    content: &Content,
    reader: &mut R,
) -> candle_core::Result<Option<Cursor<Vec<u8>>>> {
    let layout = layout(content);
    if layout == Layout::AsStored {
        return Ok(None);
    }
    let mut names: Vec<&String> = content.tensor_infos.keys().collect();
    names.sort();
    let mut tensors = Vec::with_capacity(names.len());
    for name in names {
        let tensor = content.tensor(reader, name, &Device::Cpu)?;
        let row = tensor.shape().dims().last().copied().unwrap_or(0);
        let target = match layout {
            Layout::Unpacked if packed(tensor.dtype()) => Some(GgmlDType::F16),
            Layout::FastPacked
                if slow_on_cpu(tensor.dtype()) && row % GgmlDType::Q8_0.block_size() == 0 =>
            {
                Some(GgmlDType::Q8_0)
            }
            _ => None,
        };
        let tensor = match target {
            Some(dtype) => QTensor::quantize(&tensor.dequantize(&Device::Cpu)?, dtype)?,
            None => tensor,
        };
        tensors.push((name.as_str(), tensor));
    }
    let metadata: Vec<(&str, &Value)> =
        content.metadata.iter().map(|(k, v)| (k.as_str(), v)).collect();
    let tensor_refs: Vec<(&str, &QTensor)> = tensors.iter().map(|(name, t)| (*name, t)).collect();
    let mut buffer = Cursor::new(Vec::new());
    gguf_file::write(&mut buffer, &metadata, &tensor_refs)?;
    buffer.set_position(0);
    Ok(Some(buffer))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_the_one_gguf_file_in_a_directory() {
        let dir = tempfile::tempdir().unwrap();
        let nested = dir.path().join("pkg");
        std::fs::create_dir(&nested).unwrap();
        std::fs::write(nested.join("notes.txt"), "x").unwrap();
        assert!(matches!(resolve(dir.path()), Err(Error::NoGgufInDirectory { .. })));
        std::fs::write(nested.join("m.gguf"), "x").unwrap();
        assert_eq!(resolve(dir.path()).unwrap(), nested.join("m.gguf"));
        std::fs::write(nested.join("n.GGUF"), "x").unwrap();
        let several = resolve(dir.path()).unwrap_err().to_string();
        assert!(several.contains("several") && several.contains("n.GGUF"), "{several}");
        assert!(matches!(resolve(&dir.path().join("nope")), Err(Error::ModelMissing { .. })));
    }

    #[test]
    fn a_file_that_is_not_gguf_is_a_bad_model() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("m.gguf");
        std::fs::write(&path, "not a model").unwrap();
        let error = read(&path).err().unwrap();
        assert!(matches!(error, Error::BadModel { .. }));
        assert!(error.to_string().contains("not a GGUF file"), "{error}");
    }
}
