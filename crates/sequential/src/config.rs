//! The transformer's hyper-parameters, with defaults that train well on small catalogs.

use serde::{Deserialize, Serialize};

use crate::{Error, Result};

/// Hyper-parameters. The defaults are the configuration measured on Amazon Beauty in
/// BENCHMARKS.md (chosen on the validation item, never the test item).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct TransformerConfig {
    /// Width of embeddings and hidden states.
    pub dim: usize,
    /// Transformer blocks.
    pub blocks: usize,
    /// Attention heads (must divide `dim`).
    pub heads: usize,
    /// Longest sequence the model reads; longer histories keep their latest items.
    pub max_len: usize,
    /// Dropout probability on embeddings, attention output and feed-forward layers.
    pub dropout: f32,
    /// Add the mean of each item's attribute embeddings to its embedding (when attributes exist).
    pub attributes: bool,
    /// Sequences per training step.
    pub batch_size: usize,
    /// Peak learning rate.
    pub learning_rate: f64,
    /// AdamW decoupled weight decay.
    pub weight_decay: f64,
    /// Steps of linear learning-rate warm-up.
    pub warmup_steps: usize,
    /// Most epochs to train.
    pub epochs: usize,
    /// Stop after this many validations without a better NDCG@10 (0 trains every epoch).
    pub patience: usize,
    /// Validate every this many epochs.
    pub validate_every: usize,
    /// Stop the first run after this many seconds and keep the best weights so far (0: no
    /// limit); a refit then trains the epochs that run reached, so budget about twice this.
    pub time_limit_secs: u64,
    /// Seed for initialisation, batch order and dropout.
    pub seed: u64,
    /// After early stopping has chosen the number of epochs, train once more from the seed on
    /// every item, the validation holdouts included, for that many epochs, and keep those
    /// weights. Costs about as much again as the first run; uses the newest item of every
    /// sequence, which the first run only validates on.
    pub refit: bool,
}

impl Default for TransformerConfig {
    fn default() -> Self {
        Self {
            dim: 64,
            blocks: 2,
            heads: 2,
            max_len: 50,
            dropout: 0.5,
            attributes: true,
            batch_size: 128,
            learning_rate: 1e-3,
            weight_decay: 0.0,
            warmup_steps: 100,
            epochs: 200,
            patience: 10,
            validate_every: 2,
            time_limit_secs: 0,
            seed: 42,
            refit: true,
        }
    }
}

impl TransformerConfig {
    /// Checks every value is in range.
    pub fn validate(&self) -> Result<()> {
        let bad = |name, value: String, expected| Err(Error::Config { name, value, expected });
        if self.dim == 0 || self.dim > 1024 {
            return bad("dim", self.dim.to_string(), "use 1 to 1024");
        }
        if self.heads == 0 || !self.dim.is_multiple_of(self.heads) {
            return bad("heads", self.heads.to_string(), "use a divisor of `dim` (1, 2, 4...)");
        }
        if self.blocks == 0 || self.blocks > 16 {
            return bad("blocks", self.blocks.to_string(), "use 1 to 16");
        }
        if self.max_len < 2 || self.max_len > 1024 {
            return bad("max_len", self.max_len.to_string(), "use 2 to 1024");
        }
        if !(0.0..0.95).contains(&self.dropout) {
            return bad("dropout", self.dropout.to_string(), "use a probability in [0, 0.95)");
        }
        if self.batch_size == 0 || self.batch_size > 65_536 {
            return bad("batch_size", self.batch_size.to_string(), "use 1 to 65536");
        }
        if !(self.learning_rate.is_finite() && self.learning_rate > 0.0 && self.learning_rate < 1.0)
        {
            return bad("learning_rate", self.learning_rate.to_string(), "use a value in (0, 1)");
        }
        if !(self.weight_decay.is_finite() && (0.0..1.0).contains(&self.weight_decay)) {
            return bad("weight_decay", self.weight_decay.to_string(), "use a value in [0, 1)");
        }
        if self.epochs == 0 {
            return bad("epochs", "0".into(), "train at least one epoch");
        }
        if self.validate_every == 0 {
            return bad("validate_every", "0".into(), "validate at least every epoch count >= 1");
        }
        Ok(())
    }
}
