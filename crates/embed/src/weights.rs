//! A BERT checkpoint's tensors, read from the directory's safetensors files with candle and kept
//! as the plain row-major `f32` buffers the forward pass multiplies. Checks every tensor's
//! presence, shape and finiteness, so a damaged file fails here, by name, and not as NaN
//! vectors later. Holds no forward-pass logic.

use std::path::{Path, PathBuf};

use candle_core::safetensors::BufferedSafetensors;
use candle_core::{DType, Device};

use crate::config::{read_model_file, ModelConfig};
use crate::{Error, Result};

/// A dense layer, `y = x W^T + b`: `weight` is `outputs x inputs`, row-major.
pub(crate) struct Linear {
    pub weight: Vec<f32>,
    pub bias: Vec<f32>,
    pub outputs: usize,
    pub inputs: usize,
    /// Column blocks the product is computed in (a divisor of `outputs`).
    pub blocks: usize,
}

/// A LayerNorm's scale and shift.
pub(crate) struct Norm {
    pub gamma: Vec<f32>,
    pub beta: Vec<f32>,
}

/// One transformer layer (post-LayerNorm, as BERT has it).
pub(crate) struct Layer {
    /// Query, key and value projections stacked into one `3 hidden x hidden` product.
    pub qkv: Linear,
    pub attention_out: Linear,
    pub attention_norm: Norm,
    pub intermediate: Linear,
    pub output: Linear,
    pub output_norm: Norm,
}

/// All weights of the network.
pub(crate) struct Weights {
    /// `vocab x hidden`.
    pub words: Vec<f32>,
    /// `positions x hidden`: each position's embedding plus token type 0's (the only type a
    /// single sentence has), added once here instead of for every token.
    pub positions: Vec<f32>,
    pub embedding_norm: Norm,
    pub layers: Vec<Layer>,
}

/// The safetensors files of a model directory: `model.safetensors`, or else every
/// `*.safetensors` file (a sharded checkpoint), in name order.
pub(crate) fn weight_files(dir: &Path) -> Result<Vec<PathBuf>> {
    let single = dir.join("model.safetensors");
    if single.is_file() {
        return Ok(vec![single]);
    }
    let entries = std::fs::read_dir(dir)
        .map_err(|e| Error::Corrupt { path: dir.to_path_buf(), reason: e.to_string() })?;
    let mut files: Vec<PathBuf> = entries
        .filter_map(|entry| entry.ok().map(|entry| entry.path()))
        .filter(|path| path.is_file() && path.extension().is_some_and(|ext| ext == "safetensors"))
        .collect();
    files.sort();
    if files.is_empty() {
        return Err(Error::FileMissing {
            path: single,
            what: "the weights, in safetensors format",
        });
    }
    Ok(files)
}

/// Reads and checks every tensor the configuration calls for.
pub(crate) fn load(files: &[PathBuf], config: &ModelConfig) -> Result<Weights> {
    let checkpoint = Checkpoint::open(files)?;
    let arch = &config.arch;
    let (h, i) = (arch.hidden, arch.intermediate);
    let words = checkpoint.tensor("embeddings.word_embeddings.weight", &[arch.vocab, h])?;
    let mut positions =
        checkpoint.tensor("embeddings.position_embeddings.weight", &[config.positions, h])?;
    let types =
        checkpoint.tensor("embeddings.token_type_embeddings.weight", &[config.type_vocab, h])?;
    for row in positions.chunks_mut(h) {
        row.iter_mut().zip(&types[..h]).for_each(|(p, t)| *p += t);
    }
    let embedding_norm = checkpoint.norm("embeddings.LayerNorm", h)?;
    let layers = (0..arch.layers)
        .map(|n| {
            let name = |part: &str| format!("encoder.layer.{n}.{part}");
            let [q, k, v] = ["query", "key", "value"]
                .map(|part| checkpoint.linear(&name(&format!("attention.self.{part}")), h, h));
            let (q, k, v) = (q?, k?, v?);
            let qkv = Linear {
                weight: [q.weight, k.weight, v.weight].concat(),
                bias: [q.bias, k.bias, v.bias].concat(),
                outputs: 3 * h,
                inputs: h,
                // faer 0.24 runs one 1152 x 384 product (MiniLM's) at about 2/3 of the speed
                // of three 384 x 384 ones.
                blocks: 3,
            };
            Ok(Layer {
                qkv,
                attention_out: checkpoint.linear(&name("attention.output.dense"), h, h)?,
                attention_norm: checkpoint.norm(&name("attention.output.LayerNorm"), h)?,
                intermediate: checkpoint.linear(&name("intermediate.dense"), i, h)?,
                output: checkpoint.linear(&name("output.dense"), h, i)?,
                output_norm: checkpoint.norm(&name("output.LayerNorm"), h)?,
            })
        })
        .collect::<Result<Vec<Layer>>>()?;
    Ok(Weights { words, positions, embedding_norm, layers })
}

/// A candle error's first line: with `RUST_BACKTRACE` set, the rest is a backtrace.
fn candle_reason(tensor: &str, error: candle_core::Error) -> String {
    let message = error.to_string();
    format!("tensor `{tensor}`: {}", message.lines().next().unwrap_or_default())
}

struct Checkpoint {
    files: Vec<(PathBuf, BufferedSafetensors)>,
    /// What the checkpoint puts before BERT's own names ("bert." when saved with a task head).
    prefix: &'static str,
}

impl Checkpoint {
    fn open(paths: &[PathBuf]) -> Result<Checkpoint> {
        let files = paths
            .iter()
            .map(|path| {
                let bytes = read_model_file(path, "the weights, in safetensors format")?;
                let file = BufferedSafetensors::new(bytes).map_err(|e| Error::Corrupt {
                    path: path.clone(),
                    reason: e.to_string().lines().next().unwrap_or_default().to_string(),
                })?;
                Ok((path.clone(), file))
            })
            .collect::<Result<Vec<_>>>()?;
        let probe = "embeddings.word_embeddings.weight";
        let prefix = ["", "bert.", "model."]
            .into_iter()
            .find(|prefix| {
                files.iter().any(|(_, file)| file.get(&format!("{prefix}{probe}")).is_ok())
            })
            .ok_or_else(|| Error::Corrupt {
                path: paths[0].clone(),
                reason: format!("no tensor `{probe}`: not a BERT checkpoint"),
            })?;
        Ok(Checkpoint { files, prefix })
    }

    /// The named tensor as `f32` values, checked against `shape`.
    fn tensor(&self, name: &str, shape: &[usize]) -> Result<Vec<f32>> {
        let full = format!("{}{name}", self.prefix);
        let Some((path, file)) = self.files.iter().find(|(_, file)| file.get(&full).is_ok()) else {
            return Err(Error::Corrupt {
                path: self.files[0].0.clone(),
                reason: format!("no tensor `{full}`"),
            });
        };
        let corrupt = |reason: String| Error::Corrupt { path: path.clone(), reason };
        let tensor =
            file.load(&full, &Device::Cpu).map_err(|e| corrupt(candle_reason(&full, e)))?;
        if tensor.dims() != shape {
            return Err(corrupt(format!(
                "tensor `{full}` has shape {:?} where config.json calls for {shape:?}",
                tensor.dims()
            )));
        }
        let values = tensor
            .to_dtype(DType::F32)
            .and_then(|t| t.flatten_all())
            .and_then(|t| t.to_vec1::<f32>())
            .map_err(|e| corrupt(candle_reason(&full, e)))?;
        if values.iter().any(|v| !v.is_finite()) {
            return Err(corrupt(format!("tensor `{full}` holds NaN or infinite values")));
        }
        Ok(values)
    }

    fn exists(&self, name: &str) -> bool {
        let full = format!("{}{name}", self.prefix);
        self.files.iter().any(|(_, file)| file.get(&full).is_ok())
    }

    fn linear(&self, name: &str, outputs: usize, inputs: usize) -> Result<Linear> {
        Ok(Linear {
            weight: self.tensor(&format!("{name}.weight"), &[outputs, inputs])?,
            bias: self.tensor(&format!("{name}.bias"), &[outputs])?,
            outputs,
            inputs,
            blocks: 1,
        })
    }

    /// A LayerNorm, under today's names (`weight`, `bias`) or the original BERT release's
    /// (`gamma`, `beta`).
    fn norm(&self, name: &str, width: usize) -> Result<Norm> {
        let (scale, shift) = if self.exists(&format!("{name}.gamma")) {
            ("gamma", "beta")
        } else {
            ("weight", "bias")
        };
        Ok(Norm {
            gamma: self.tensor(&format!("{name}.{scale}"), &[width])?,
            beta: self.tensor(&format!("{name}.{shift}"), &[width])?,
        })
    }
}
