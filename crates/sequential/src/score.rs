//! Scoring live sequences with a trained [`Transformer`]: next-item scores, batched, and the
//! sequence embeddings used as shopper vectors.

use candle_core::Tensor;

use crate::batches::window;
use crate::model::token_scores;
use crate::{Error, Result, Transformer};

impl Transformer {
    /// Scores every item (`0..n_items`) as the next item after `sequence` (item indexes, oldest
    /// first). Sequences longer than the window keep their latest `max_len` items. An empty
    /// sequence or an item outside the catalog is an error.
    pub fn score(&self, sequence: &[u32]) -> Result<Vec<f32>> {
        let mut all = self.score_batch(&[sequence])?;
        Ok(all.pop().unwrap_or_default())
    }

    /// [`Transformer::score`] for many sequences in one pass.
    pub fn score_batch(&self, sequences: &[&[u32]]) -> Result<Vec<Vec<f32>>> {
        if sequences.is_empty() {
            return Ok(Vec::new());
        }
        let scores = token_scores(&self.encode(sequences)?, &self.output_table()?)?;
        Ok(scores.to_vec2::<f32>()?)
    }

    /// The model's vector for each sequence (its last hidden state, `dim` values): the shopper
    /// embedding. Dot products with [`Transformer::item_embeddings`] rows are the item scores.
    pub fn embed(&self, sequences: &[&[u32]]) -> Result<Vec<Vec<f32>>> {
        if sequences.is_empty() {
            return Ok(Vec::new());
        }
        Ok(self.encode(sequences)?.to_vec2::<f32>()?)
    }

    fn encode(&self, sequences: &[&[u32]]) -> Result<Tensor> {
        let tokens = self.tokens(sequences)?;
        let contexts: Vec<&[u32]> = tokens.iter().map(|t| &t[..]).collect();
        self.last_hidden(&contexts)
    }

    /// Checks and windows the sequences, turning items into tokens.
    fn tokens(&self, sequences: &[&[u32]]) -> Result<Vec<Vec<u32>>> {
        sequences
            .iter()
            .enumerate()
            .map(|(k, sequence)| {
                if sequence.is_empty() {
                    return Err(Error::Query(format!(
                        "sequence {k} is empty; a sequential model needs at least one item \
                         (use a popularity model for shoppers without history)"
                    )));
                }
                if let Some(&bad) = sequence.iter().find(|&&i| i as usize >= self.catalog.n_items) {
                    return Err(Error::Query(format!(
                        "sequence {k} holds item index {bad}, but the model knows {} items; \
                         retrain to include new items",
                        self.catalog.n_items
                    )));
                }
                Ok(window(sequence, self.config.max_len).iter().map(|&i| i + 1).collect())
            })
            .collect()
    }
}

/// NDCG@10 of each held-out target given its context, ranking every item except the context's
/// (full ranking, seen items excluded). Contexts and targets are tokens.
pub(crate) fn ndcg_at_10(model: &Transformer, contexts: &[&[u32]], targets: &[u32]) -> Result<f64> {
    const BATCH: usize = 512;
    let table = model.table.clone();
    let mut total = 0.0;
    for (chunk, chunk_targets) in contexts.chunks(BATCH).zip(targets.chunks(BATCH)) {
        let scores = token_scores(&model.last_hidden(chunk)?, &table)?.to_vec2::<f32>()?;
        for ((row, context), &target) in scores.iter().zip(chunk).zip(chunk_targets) {
            let own = row[target as usize];
            let better = row
                .iter()
                .enumerate()
                .skip(1)
                .filter(|&(t, &s)| s > own && t as u32 != target && !context.contains(&(t as u32)))
                .count();
            if better < 10 {
                total += 1.0 / (better as f64 + 2.0).log2();
            }
        }
    }
    Ok(total / contexts.len().max(1) as f64)
}
