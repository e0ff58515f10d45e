//! Reading what a model directory says about its model: the network's shape from `config.json`,
//! the pooling from `1_Pooling/config.json` and the input length from
//! `sentence_bert_config.json` (both optional, as sentence-transformers writes them). Only reads
//! and checks; the weights are `weights.rs`'s business.

use std::path::Path;

use serde::Deserialize;

use crate::{Error, Result};

/// The shape of a loaded BERT-family network.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Architecture {
    /// Transformer layers.
    pub layers: usize,
    /// Width of the hidden states, and of the embeddings.
    pub hidden: usize,
    /// Width of each layer's feed-forward inner layer.
    pub intermediate: usize,
    /// Attention heads per layer.
    pub heads: usize,
    /// Word-piece vocabulary size.
    pub vocab: usize,
    /// Longest input in tokens, `[CLS]` and `[SEP]` included; longer texts are truncated.
    pub max_tokens: usize,
}

/// The non-linearity of the feed-forward layers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Activation {
    /// `x * Φ(x)` with the exact normal CDF (Hugging Face's "gelu").
    Gelu,
    /// The tanh approximation of GELU ("gelu_new", "gelu_pytorch_tanh").
    GeluTanh,
    /// `max(x, 0)`.
    Relu,
}

/// How token states become one sentence vector.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Pooling {
    /// The mean of every token's state (`[CLS]` and `[SEP]` included, as sentence-transformers
    /// does over the attention mask).
    Mean,
    /// The `[CLS]` token's state.
    Cls,
}

/// Everything the forward pass needs to know besides the weights.
#[derive(Debug, Clone)]
pub(crate) struct ModelConfig {
    pub arch: Architecture,
    /// Rows of the position table (at least `arch.max_tokens`).
    pub positions: usize,
    pub type_vocab: usize,
    pub layer_norm_eps: f32,
    pub activation: Activation,
    pub pooling: Pooling,
    /// `_name_or_path` from config.json, when given.
    pub name_or_path: Option<String>,
}

#[derive(Deserialize)]
struct RawConfig {
    model_type: Option<String>,
    hidden_size: usize,
    num_hidden_layers: usize,
    num_attention_heads: usize,
    intermediate_size: usize,
    vocab_size: usize,
    #[serde(default = "default_positions")]
    max_position_embeddings: usize,
    #[serde(default = "default_type_vocab")]
    type_vocab_size: usize,
    #[serde(default = "default_eps")]
    layer_norm_eps: f64,
    #[serde(default = "default_activation")]
    hidden_act: String,
    position_embedding_type: Option<String>,
    #[serde(rename = "_name_or_path")]
    name_or_path: Option<String>,
}

fn default_positions() -> usize {
    512
}
fn default_type_vocab() -> usize {
    2
}
fn default_eps() -> f64 {
    1e-12
}
fn default_activation() -> String {
    "gelu".into()
}

#[derive(Deserialize)]
struct RawPooling {
    word_embedding_dimension: Option<usize>,
    #[serde(default)]
    pooling_mode_cls_token: bool,
    #[serde(default)]
    pooling_mode_mean_tokens: bool,
    #[serde(default)]
    pooling_mode_max_tokens: bool,
    #[serde(default)]
    pooling_mode_mean_sqrt_len_tokens: bool,
}

#[derive(Deserialize)]
struct RawSentenceConfig {
    max_seq_length: Option<usize>,
}

/// Reads a file of the model directory, telling a missing file from an unreadable one.
pub(crate) fn read_model_file(path: &Path, what: &'static str) -> Result<Vec<u8>> {
    match std::fs::read(path) {
        Ok(bytes) => Ok(bytes),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            Err(Error::FileMissing { path: path.to_path_buf(), what })
        }
        Err(e) => Err(Error::Corrupt { path: path.to_path_buf(), reason: e.to_string() }),
    }
}

fn parse<T: for<'de> Deserialize<'de>>(path: &Path, bytes: &[u8]) -> Result<T> {
    serde_json::from_slice(bytes)
        .map_err(|e| Error::Corrupt { path: path.to_path_buf(), reason: e.to_string() })
}

/// Reads an optional JSON file: `None` when it does not exist.
fn read_optional<T: for<'de> Deserialize<'de>>(path: &Path) -> Result<Option<T>> {
    match read_model_file(path, "optional") {
        Ok(bytes) => parse(path, &bytes).map(Some),
        Err(Error::FileMissing { .. }) => Ok(None),
        Err(e) => Err(e),
    }
}

impl ModelConfig {
    /// Checks and combines the directory's configuration files; `config` holds config.json's
    /// bytes (read once by the caller, which also fingerprints them).
    pub(crate) fn from_dir(dir: &Path, config: &[u8]) -> Result<ModelConfig> {
        let config_path = dir.join("config.json");
        let raw: RawConfig = parse(&config_path, config)?;
        let unsupported = |reason: String| Error::Unsupported { path: config_path.clone(), reason };
        let corrupt = |reason: String| Error::Corrupt { path: config_path.clone(), reason };
        if let Some(kind) = raw.model_type.as_deref().filter(|&kind| kind != "bert") {
            return Err(unsupported(format!("model_type \"{kind}\"")));
        }
        if let Some(kind) = raw.position_embedding_type.as_deref().filter(|&k| k != "absolute") {
            return Err(unsupported(format!("position_embedding_type \"{kind}\"")));
        }
        let activation = match raw.hidden_act.as_str() {
            "gelu" => Activation::Gelu,
            "gelu_new" | "gelu_pytorch_tanh" => Activation::GeluTanh,
            "relu" => Activation::Relu,
            other => return Err(unsupported(format!("hidden_act \"{other}\""))),
        };
        let sizes = [
            ("hidden_size", raw.hidden_size),
            ("num_hidden_layers", raw.num_hidden_layers),
            ("num_attention_heads", raw.num_attention_heads),
            ("intermediate_size", raw.intermediate_size),
            ("vocab_size", raw.vocab_size),
            ("type_vocab_size", raw.type_vocab_size),
        ];
        if let Some((name, _)) = sizes.iter().find(|(_, value)| *value == 0) {
            return Err(corrupt(format!("{name} is 0")));
        }
        if !raw.hidden_size.is_multiple_of(raw.num_attention_heads) {
            return Err(corrupt(format!(
                "hidden_size {} is not a multiple of num_attention_heads {}",
                raw.hidden_size, raw.num_attention_heads
            )));
        }
        if raw.max_position_embeddings < 2 {
            return Err(corrupt("max_position_embeddings is below 2 ([CLS] and [SEP])".into()));
        }
        if !(raw.layer_norm_eps.is_finite() && raw.layer_norm_eps >= 0.0) {
            return Err(corrupt(format!("layer_norm_eps {}", raw.layer_norm_eps)));
        }
        let pooling = read_pooling(&dir.join("1_Pooling").join("config.json"), raw.hidden_size)?;
        // sentence-transformers truncates at max_seq_length (256 for all-MiniLM-L6-v2), below
        // the position table's 512; following it keeps our vectors equal to the reference's.
        let sentence_path = dir.join("sentence_bert_config.json");
        let sentence: Option<RawSentenceConfig> = read_optional(&sentence_path)?;
        let max_tokens = sentence
            .and_then(|s| s.max_seq_length)
            .filter(|&n| n >= 2)
            .map_or(raw.max_position_embeddings, |n| n.min(raw.max_position_embeddings));
        Ok(ModelConfig {
            arch: Architecture {
                layers: raw.num_hidden_layers,
                hidden: raw.hidden_size,
                intermediate: raw.intermediate_size,
                heads: raw.num_attention_heads,
                vocab: raw.vocab_size,
                max_tokens,
            },
            positions: raw.max_position_embeddings,
            type_vocab: raw.type_vocab_size,
            layer_norm_eps: raw.layer_norm_eps as f32,
            activation,
            pooling,
            name_or_path: raw.name_or_path.filter(|name| !name.trim().is_empty()),
        })
    }
}

fn read_pooling(path: &Path, hidden: usize) -> Result<Pooling> {
    let Some(raw) = read_optional::<RawPooling>(path)? else {
        return Ok(Pooling::Mean);
    };
    let unsupported =
        |reason: &str| Error::Unsupported { path: path.to_path_buf(), reason: reason.into() };
    if let Some(dim) = raw.word_embedding_dimension.filter(|&dim| dim != hidden) {
        return Err(Error::Corrupt {
            path: path.to_path_buf(),
            reason: format!(
                "word_embedding_dimension {dim}, but config.json's hidden_size is {hidden}"
            ),
        });
    }
    if raw.pooling_mode_max_tokens || raw.pooling_mode_mean_sqrt_len_tokens {
        return Err(unsupported("max and sqrt-length pooling (mean and cls are)"));
    }
    match (raw.pooling_mode_cls_token, raw.pooling_mode_mean_tokens) {
        (true, true) => Err(unsupported("concatenated cls and mean pooling")),
        (true, false) => Ok(Pooling::Cls),
        _ => Ok(Pooling::Mean),
    }
}
