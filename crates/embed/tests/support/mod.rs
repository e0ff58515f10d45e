//! What the integration tests share: finding the real model (optional), writing a tiny random
//! BERT directory that needs no download, and a straightforward reference forward pass built
//! from candle's tensor operations, one sequence at a time, to check the packed one against.

#![allow(dead_code, missing_docs)]

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use candle_core::{DType, Device, Tensor, D};

/// The real model's directory from `AISLE_EMBED_MODEL`; `None` (after a note) when unset, so
/// a machine without the model still runs every other test. CI sets it.
pub fn model_dir() -> Option<PathBuf> {
    match std::env::var_os("AISLE_EMBED_MODEL") {
        Some(dir) if !dir.is_empty() => Some(PathBuf::from(dir)),
        _ => {
            eprintln!(
                "note: AISLE_EMBED_MODEL is unset, so this test of the real model is skipped"
            );
            None
        }
    }
}

/// The tiny model's word pieces; ids are positions.
pub const VOCAB: &[&str] = &[
    "[PAD]", "[UNK]", "[CLS]", "[SEP]", "running", "shoes", "blue", "ceramic", "wok", "red",
    "light", "##weight", "the", "a", "-", "green",
];

/// The shape of a tiny model to write.
#[derive(Debug, Clone)]
pub struct Tiny {
    pub hidden: usize,
    pub heads: usize,
    pub layers: usize,
    pub intermediate: usize,
    pub positions: usize,
    pub pooling: &'static str,
    pub activation: &'static str,
    /// Put before every tensor name, as a checkpoint saved with a task head does.
    pub prefix: &'static str,
    pub seed: u64,
}

impl Default for Tiny {
    fn default() -> Self {
        Tiny {
            hidden: 8,
            heads: 2,
            layers: 2,
            intermediate: 16,
            positions: 16,
            pooling: "mean",
            activation: "gelu",
            prefix: "",
            seed: 1,
        }
    }
}

/// Deterministic values in [-scale, scale].
fn values(n: usize, seed: u64, scale: f32) -> Vec<f32> {
    let mut state = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
    (0..n)
        .map(|_| {
            state = state.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            ((state >> 40) as f32 / (1u64 << 24) as f32 * 2.0 - 1.0) * scale
        })
        .collect()
}

impl Tiny {
    /// The tensors of a random model, under BERT's names (without the prefix).
    pub fn tensors(&self) -> HashMap<String, Tensor> {
        let (h, i) = (self.hidden, self.intermediate);
        let mut seed = self.seed * 1000;
        let mut out = HashMap::new();
        let mut add = |name: String, shape: &[usize], center: f32, scale: f32| {
            seed += 1;
            let n = shape.iter().product();
            let data: Vec<f32> = values(n, seed, scale).into_iter().map(|v| v + center).collect();
            let tensor =
                Tensor::from_vec(data, shape, &Device::Cpu).expect("writing the test model");
            out.insert(name, tensor);
        };
        add("embeddings.word_embeddings.weight".into(), &[VOCAB.len(), h], 0.0, 1.0);
        add("embeddings.position_embeddings.weight".into(), &[self.positions, h], 0.0, 0.3);
        add("embeddings.token_type_embeddings.weight".into(), &[2, h], 0.0, 0.3);
        add("embeddings.LayerNorm.weight".into(), &[h], 1.0, 0.2);
        add("embeddings.LayerNorm.bias".into(), &[h], 0.0, 0.1);
        for l in 0..self.layers {
            let p = format!("encoder.layer.{l}.");
            for part in ["query", "key", "value"] {
                add(format!("{p}attention.self.{part}.weight"), &[h, h], 0.0, 0.6);
                add(format!("{p}attention.self.{part}.bias"), &[h], 0.0, 0.1);
            }
            add(format!("{p}attention.output.dense.weight"), &[h, h], 0.0, 0.4);
            add(format!("{p}attention.output.dense.bias"), &[h], 0.0, 0.1);
            add(format!("{p}attention.output.LayerNorm.weight"), &[h], 1.0, 0.2);
            add(format!("{p}attention.output.LayerNorm.bias"), &[h], 0.0, 0.1);
            add(format!("{p}intermediate.dense.weight"), &[i, h], 0.0, 0.4);
            add(format!("{p}intermediate.dense.bias"), &[i], 0.0, 0.1);
            add(format!("{p}output.dense.weight"), &[h, i], 0.0, 0.3);
            add(format!("{p}output.dense.bias"), &[h], 0.0, 0.1);
            add(format!("{p}output.LayerNorm.weight"), &[h], 1.0, 0.2);
            add(format!("{p}output.LayerNorm.bias"), &[h], 0.0, 0.1);
        }
        out
    }

    pub fn config_json(&self) -> String {
        serde_json::json!({
            "_name_or_path": "tiny/bert-for-tests",
            "model_type": "bert",
            "hidden_size": self.hidden,
            "num_hidden_layers": self.layers,
            "num_attention_heads": self.heads,
            "intermediate_size": self.intermediate,
            "max_position_embeddings": self.positions,
            "vocab_size": VOCAB.len(),
            "type_vocab_size": 2,
            "layer_norm_eps": 1e-12,
            "hidden_act": self.activation,
        })
        .to_string()
    }

    /// Writes config.json, tokenizer.json, model.safetensors and 1_Pooling/config.json into
    /// `dir`; returns the tensors written.
    pub fn write(&self, dir: &Path) -> HashMap<String, Tensor> {
        std::fs::create_dir_all(dir.join("1_Pooling")).expect("writing the test model");
        std::fs::write(dir.join("config.json"), self.config_json())
            .expect("writing the test model");
        std::fs::write(dir.join("tokenizer.json"), tokenizer_json())
            .expect("writing the test model");
        let pooling = serde_json::json!({
            "word_embedding_dimension": self.hidden,
            "pooling_mode_cls_token": self.pooling == "cls",
            "pooling_mode_mean_tokens": self.pooling == "mean",
        });
        std::fs::write(dir.join("1_Pooling/config.json"), pooling.to_string())
            .expect("writing the test model");
        let tensors = self.tensors();
        let stored: HashMap<String, Tensor> =
            tensors.iter().map(|(k, v)| (format!("{}{k}", self.prefix), v.clone())).collect();
        candle_core::safetensors::save(&stored, dir.join("model.safetensors"))
            .expect("writing the test model");
        tensors
    }
}

/// A BERT WordPiece tokenizer over [`VOCAB`], as Hugging Face writes tokenizer.json.
pub fn tokenizer_json() -> String {
    let vocab: serde_json::Map<String, serde_json::Value> =
        VOCAB.iter().enumerate().map(|(i, w)| (w.to_string(), i.into())).collect();
    let special = |id: usize, content: &str| {
        serde_json::json!({"id": id, "content": content, "single_word": false, "lstrip": false,
            "rstrip": false, "normalized": false, "special": true})
    };
    let piece = |kind: &str, id: &str| serde_json::json!({kind: {"id": id, "type_id": 0}});
    serde_json::json!({
        "version": "1.0",
        "truncation": null,
        "padding": null,
        "added_tokens": [special(0, "[PAD]"), special(1, "[UNK]"), special(2, "[CLS]"),
            special(3, "[SEP]")],
        "normalizer": {"type": "BertNormalizer", "clean_text": true,
            "handle_chinese_chars": true, "strip_accents": null, "lowercase": true},
        "pre_tokenizer": {"type": "BertPreTokenizer"},
        "post_processor": {
            "type": "TemplateProcessing",
            "single": [piece("SpecialToken", "[CLS]"), piece("Sequence", "A"),
                piece("SpecialToken", "[SEP]")],
            "pair": [piece("SpecialToken", "[CLS]"), piece("Sequence", "A"),
                piece("SpecialToken", "[SEP]"), piece("Sequence", "B"),
                piece("SpecialToken", "[SEP]")],
            "special_tokens": {
                "[CLS]": {"id": "[CLS]", "ids": [2], "tokens": ["[CLS]"]},
                "[SEP]": {"id": "[SEP]", "ids": [3], "tokens": ["[SEP]"]},
            },
        },
        "decoder": null,
        "model": {"type": "WordPiece", "unk_token": "[UNK]", "continuing_subword_prefix": "##",
            "max_input_chars_per_word": 100, "vocab": vocab},
    })
    .to_string()
}

/// Token ids as the model sees them: Hugging Face's tokenizer from the file, without the
/// padding to 128 tokens that all-MiniLM-L6-v2's tokenizer.json asks for (sentence-transformers
/// pads to the batch's longest text and masks the rest).
pub fn token_ids(dir: &Path, text: &str, max_tokens: usize) -> Vec<u32> {
    let mut tokenizer = tokenizers::Tokenizer::from_file(dir.join("tokenizer.json"))
        .expect("tokenizing for the reference");
    tokenizer.with_padding(None);
    let ids =
        tokenizer.encode(text, true).expect("tokenizing for the reference").get_ids().to_vec();
    assert!(ids.len() <= max_tokens, "the reference handles untruncated texts only");
    ids
}

/// The textbook forward pass of one sequence with candle's tensor operations: embeddings,
/// post-LayerNorm layers with softmax attention and exact GELU, mean or cls pooling, L2 norm.
pub fn reference(
    tensors: &HashMap<String, Tensor>,
    heads: usize,
    cls: bool,
    ids: &[u32],
) -> Vec<f32> {
    let t = |name: &str| {
        tensors
            .get(name)
            .unwrap_or_else(|| panic!("no {name}"))
            .to_dtype(DType::F32)
            .expect("reference forward pass")
    };
    let len = ids.len();
    let ids_tensor = Tensor::new(ids, &Device::Cpu).expect("reference forward pass");
    let words = t("embeddings.word_embeddings.weight")
        .index_select(&ids_tensor, 0)
        .expect("reference forward pass");
    let positions = t("embeddings.position_embeddings.weight")
        .narrow(0, 0, len)
        .expect("reference forward pass");
    let types = t("embeddings.token_type_embeddings.weight")
        .narrow(0, 0, 1)
        .expect("reference forward pass");
    let x = (words + positions)
        .expect("reference forward pass")
        .broadcast_add(&types)
        .expect("reference forward pass");
    let mut x = layer_norm(&x, &t("embeddings.LayerNorm.weight"), &t("embeddings.LayerNorm.bias"));
    let hidden = x.dim(1).expect("reference forward pass");
    let d = hidden / heads;
    let linear = |x: &Tensor, name: &str| {
        x.matmul(&t(&format!("{name}.weight")).t().expect("reference forward pass"))
            .expect("reference forward pass")
            .broadcast_add(&t(&format!("{name}.bias")))
            .expect("reference forward pass")
    };
    let mut layer = 0;
    while tensors.contains_key(&format!("encoder.layer.{layer}.output.dense.weight")) {
        let p = format!("encoder.layer.{layer}.");
        let split = |x: Tensor| {
            x.reshape((len, heads, d))
                .expect("reference forward pass")
                .transpose(0, 1)
                .expect("reference forward pass")
        };
        let q = split(linear(&x, &format!("{p}attention.self.query")))
            .contiguous()
            .expect("reference forward pass");
        let k = split(linear(&x, &format!("{p}attention.self.key")))
            .contiguous()
            .expect("reference forward pass");
        let v = split(linear(&x, &format!("{p}attention.self.value")))
            .contiguous()
            .expect("reference forward pass");
        let scores =
            (q.matmul(&k.t().expect("reference forward pass")).expect("reference forward pass")
                / (d as f64).sqrt())
            .expect("reference forward pass");
        let max = scores.max_keepdim(D::Minus1).expect("reference forward pass");
        let e = scores
            .broadcast_sub(&max)
            .expect("reference forward pass")
            .exp()
            .expect("reference forward pass");
        let probabilities = e
            .broadcast_div(&e.sum_keepdim(D::Minus1).expect("reference forward pass"))
            .expect("reference forward pass");
        let context = probabilities
            .matmul(&v)
            .expect("reference forward pass")
            .transpose(0, 1)
            .expect("reference forward pass");
        let context = context
            .contiguous()
            .expect("reference forward pass")
            .reshape((len, hidden))
            .expect("reference forward pass");
        let attended = (linear(&context, &format!("{p}attention.output.dense")) + &x)
            .expect("reference forward pass");
        let x1 = layer_norm(
            &attended,
            &t(&format!("{p}attention.output.LayerNorm.weight")),
            &t(&format!("{p}attention.output.LayerNorm.bias")),
        );
        let inner = linear(&x1, &format!("{p}intermediate.dense"))
            .gelu_erf()
            .expect("reference forward pass");
        let out =
            (linear(&inner, &format!("{p}output.dense")) + &x1).expect("reference forward pass");
        x = layer_norm(
            &out,
            &t(&format!("{p}output.LayerNorm.weight")),
            &t(&format!("{p}output.LayerNorm.bias")),
        );
        layer += 1;
    }
    let pooled = if cls {
        x.get(0).expect("reference forward pass")
    } else {
        x.mean(0).expect("reference forward pass")
    };
    let norm = pooled
        .sqr()
        .expect("reference forward pass")
        .sum_all()
        .expect("reference forward pass")
        .sqrt()
        .expect("reference forward pass");
    pooled
        .broadcast_div(&norm)
        .expect("reference forward pass")
        .to_vec1::<f32>()
        .expect("reference forward pass")
}

fn layer_norm(x: &Tensor, gamma: &Tensor, beta: &Tensor) -> Tensor {
    let mean = x.mean_keepdim(D::Minus1).expect("reference forward pass");
    let centered = x.broadcast_sub(&mean).expect("reference forward pass");
    let variance = centered
        .sqr()
        .expect("reference forward pass")
        .mean_keepdim(D::Minus1)
        .expect("reference forward pass");
    let scaled = centered
        .broadcast_div(
            &(variance + 1e-12)
                .expect("reference forward pass")
                .sqrt()
                .expect("reference forward pass"),
        )
        .expect("reference forward pass");
    scaled
        .broadcast_mul(gamma)
        .expect("reference forward pass")
        .broadcast_add(beta)
        .expect("reference forward pass")
}

/// Cosine of two unit vectors.
pub fn cosine(a: &[f32], b: &[f32]) -> f32 {
    a.iter().zip(b).map(|(x, y)| x * y).sum()
}

/// The largest absolute difference of two equally long vectors.
pub fn max_difference(a: &[f32], b: &[f32]) -> f32 {
    assert_eq!(a.len(), b.len());
    a.iter().zip(b).map(|(x, y)| (x - y).abs()).fold(0.0, f32::max)
}
