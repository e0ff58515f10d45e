//! The local backend: a GGUF chat model (llama architecture, byte-level BPE, ChatML) run
//! in-process on the CPU with candle's llama, which spreads each matrix product over every
//! core (small models unpacked to f32 at load: see `file.rs`). Loading reads only the path it
//! is given; nothing is ever downloaded.
//!
//! The weights are shared by all callers; each call clones the model's thin handle (the
//! quantized matrices sit behind `Arc`s, so a clone copies pointers, not weights) and owns its
//! own key/value cache, so concurrent answers never wait on a lock or see each other's state.

mod file;
pub(crate) mod prompt;
pub(crate) mod tokenizer;

use std::path::{Path, PathBuf};
use std::time::Instant;

use candle_core::{Device, Tensor};
use candle_transformers::generation::{LogitsProcessor, Sampling};
use candle_transformers::models::quantized_llama::{ModelWeights, MAX_SEQ_LEN};

use crate::choice;
use crate::text::{StopScanner, Utf8Assembler};
use crate::{ChatMessage, ChatModel, Error, Finish, GenerateOptions, Generation, Result};
use tokenizer::GgufTokenizer;

/// A GGUF chat model loaded from a local file.
pub struct LocalGguf {
    name: String,
    path: PathBuf,
    weights: ModelWeights,
    tokenizer: GgufTokenizer,
    context_length: usize,
}

impl LocalGguf {
    /// Loads a `.gguf` file, or the one `.gguf` file in a directory (or in one of its
    /// subdirectories, as an unpacked model package lays it out).
    pub fn load(path: &Path) -> Result<Self> {
        let file_path = file::resolve(path)?;
        let loaded = file::read(&file_path)?;
        let tokenizer = GgufTokenizer::from_metadata(&loaded.metadata, &file_path)?;
        let name = file_path
            .file_stem()
            .map_or_else(|| "local-gguf".to_string(), |s| s.to_string_lossy().into_owned());
        Ok(LocalGguf {
            name,
            path: file_path,
            weights: loaded.weights,
            tokenizer,
            context_length: loaded.context_length.min(MAX_SEQ_LEN),
        })
    }

    /// The `.gguf` file the model was read from.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The most tokens a prompt and its answer may hold together.
    pub fn context_length(&self) -> usize {
        self.context_length
    }

    /// How many tokens `messages` make as a prompt: what the first-token latency grows with.
    pub fn prompt_tokens(&self, messages: &[ChatMessage]) -> Result<usize> {
        Ok(prompt::chatml_ids(&self.tokenizer, messages)?.len())
    }

    /// The prompt's ids, checked to leave room for `answer_budget` more tokens.
    fn prompt(&self, messages: &[ChatMessage], answer_budget: usize) -> Result<Vec<u32>> {
        let ids = prompt::chatml_ids(&self.tokenizer, messages)?;
        let needed = ids.len() + answer_budget;
        if needed > self.context_length {
            return Err(Error::PromptTooLong { tokens: needed, limit: self.context_length });
        }
        Ok(ids)
    }

    /// Runs the whole prompt through a fresh copy of the model in one batched forward pass
    /// (one matrix product per layer over all its tokens, far faster than token by token);
    /// returns the copy, holding the prompt's cache, and the next token's logits.
    fn prefill(&self, ids: &[u32]) -> Result<(ModelWeights, Vec<f32>)> {
        let mut model = self.weights.clone();
        let logits = forward(&mut model, ids, 0)?;
        Ok((model, logits))
    }
}

/// One forward pass of `ids` at `position`; the logits of the token after the last one.
fn forward(model: &mut ModelWeights, ids: &[u32], position: usize) -> Result<Vec<f32>> {
    let input = Tensor::new(ids, &Device::Cpu)?.unsqueeze(0)?;
    let logits = model.forward(&input, position)?;
    Ok(logits.squeeze(0)?.to_dtype(candle_core::DType::F32)?.to_vec1::<f32>()?)
}

/// `log_softmax(logits)[token]`, computed stably.
fn log_probability(logits: &[f32], token: u32) -> f32 {
    let max = logits.iter().copied().fold(f32::NEG_INFINITY, f32::max);
    let sum: f32 = logits.iter().map(|&l| (l - max).exp()).sum();
    let logit = logits.get(token as usize).copied().unwrap_or(f32::NEG_INFINITY);
    logit - max - sum.ln()
}

impl ChatModel for LocalGguf {
    fn name(&self) -> &str {
        &self.name
    }

    fn generate(
        &self,
        messages: &[ChatMessage],
        options: &GenerateOptions,
        on_text: &mut dyn FnMut(&str) -> bool,
    ) -> Result<Generation> {
        let start = Instant::now();
        let ids = self.prompt(messages, options.max_tokens)?;
        let mut generation = Generation {
            text: String::new(),
            prompt_tokens: ids.len(),
            generated_tokens: 0,
            first_token: Default::default(),
            total: Default::default(),
            finish: Finish::Length,
        };
        if options.max_tokens == 0 {
            generation.total = start.elapsed();
            return Ok(generation);
        }
        let (mut model, mut logits) = self.prefill(&ids)?;
        let sampling = if options.temperature > 0.0 {
            Sampling::All { temperature: f64::from(options.temperature) }
        } else {
            Sampling::ArgMax
        };
        let mut sampler = LogitsProcessor::from_sampling(options.seed, sampling);
        let logits_tensor = |logits: &[f32]| Tensor::new(logits, &Device::Cpu);
        let mut assembler = Utf8Assembler::default();
        let mut scanner = StopScanner::new(&options.stop);
        let mut emit = |text: &str, generation: &mut Generation| {
            generation.text.push_str(text);
            text.is_empty() || on_text(text)
        };
        let mut position = ids.len();
        loop {
            let token = sampler.sample(&logits_tensor(&logits)?)?;
            generation.generated_tokens += 1;
            if generation.generated_tokens == 1 {
                generation.first_token = start.elapsed();
            }
            if self.tokenizer.is_end(token) {
                generation.finish = Finish::EndOfText;
                break;
            }
            let scanned = scanner.push(&assembler.push(self.tokenizer.bytes(token)));
            if !emit(&scanned.ready, &mut generation) {
                generation.finish = Finish::Cancelled;
                break;
            }
            if scanned.stopped {
                generation.finish = Finish::Stop;
                break;
            }
            if generation.generated_tokens >= options.max_tokens {
                break;
            }
            logits = forward(&mut model, &[token], position)?;
            position += 1;
        }
        if matches!(generation.finish, Finish::EndOfText | Finish::Length) {
            // The held-back tail never became a stop string; an unfinished character is shown
            // as U+FFFD rather than dropped.
            let tail = scanner.push(&assembler.finish());
            let mut rest = tail.ready;
            if tail.stopped {
                generation.finish = Finish::Stop;
            } else {
                rest.push_str(&scanner.finish());
            }
            emit(&rest, &mut generation);
        }
        generation.total = start.elapsed();
        Ok(generation)
    }

    fn choose(&self, messages: &[ChatMessage], options: &[String]) -> Result<usize> {
        choice::check_options(options)?;
        let replies = options
            .iter()
            .map(|option| self.tokenizer.encode(option.trim()))
            .collect::<Result<Vec<_>>>()?;
        let longest = replies.iter().map(Vec::len).max().unwrap_or(0);
        let ids = self.prompt(messages, longest)?;
        if options.len() == 1 {
            return Ok(0);
        }
        let (prefilled, first_logits) = self.prefill(&ids)?;
        // The plain log-likelihood of each label as the reply. Tried on SmolLM2-135M with six
        // easy questions: this picked 4 right; dividing by the label's length, listing the
        // options in the prompt first, or scoring option numbers picked 1 to 3.
        let mut best = (0, f32::NEG_INFINITY);
        for (index, reply) in replies.iter().enumerate() {
            let score = reply_log_likelihood(&prefilled, &first_logits, ids.len(), reply)?;
            if score > best.1 {
                best = (index, score);
            }
        }
        Ok(best.0)
    }
}

/// The log-probability of `reply` as the start of the answer after the prefilled prompt. The
/// end-of-turn marker is not scored: this small model rarely ends right after a bare label
/// ("Paris" is followed by "." or more words), which drowned the label's own signal.
fn reply_log_likelihood(
    prefilled: &ModelWeights,
    first_logits: &[f32],
    position: usize,
    reply: &[u32],
) -> Result<f32> {
    let mut model = prefilled.clone();
    let mut total = 0.0;
    let mut logits = first_logits.to_vec();
    for (offset, &token) in reply.iter().enumerate() {
        total += log_probability(&logits, token);
        if offset + 1 < reply.len() {
            logits = forward(&mut model, &[token], position + offset)?;
        }
    }
    Ok(total)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn log_probabilities_are_normalised() {
        let logits = [1.0, 2.0, 3.0];
        let total: f32 = (0..3).map(|t| log_probability(&logits, t).exp()).sum();
        assert!((total - 1.0).abs() < 1e-5);
        assert!(log_probability(&logits, 2) > log_probability(&logits, 0));
        assert_eq!(log_probability(&logits, 7), f32::NEG_INFINITY);
    }
}
