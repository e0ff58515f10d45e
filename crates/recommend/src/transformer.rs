//! `transformer`: the sequential model of [`aisle_sequential`] behind the [`Recommender`] trait.
//!
//! Given a work directory, training keeps a checkpoint there after every validation and resumes
//! from it when interrupted (a checkpoint from other data or settings is discarded).
//!
//! Training reads each matrix row as a sequence ordered by the time of its latest event;
//! the items' attribute tokens, categories and brand become attribute embeddings. Scoring orders
//! a query's history the same way (by [`Query::millis`]; in the given order when times are
//! absent) and runs the network on it, so a shopper's newest events count at once, signed in or
//! not, with no retraining. A history with no item the model knows scores every item 0 (no
//! preference); items added to the catalog after training are ignored until the next training.

use std::collections::HashMap;
use std::path::Path;

use aisle_sequential::{Catalog, Progress, TrainOptions, Transformer};

use crate::artifact::{Reader, Writer};
use crate::{Error, FitProgress, ItemText, Query, Recommender, Result, TrainData};

const MODEL: &str = "transformer";
/// Attribute tokens shared by fewer items carry no signal beyond the item itself.
const MIN_ITEMS_PER_ATTRIBUTE: usize = 2;
/// The most attribute tokens kept (most frequent first).
const MAX_ATTRIBUTES: usize = 50_000;

pub use aisle_sequential::TransformerConfig;

/// Checks a configuration.
pub fn validate(config: &TransformerConfig) -> Result<()> {
    config.validate().map_err(from_sequential)
}

fn from_sequential(error: aisle_sequential::Error) -> Error {
    match error {
        aisle_sequential::Error::Config { name, value, expected } => {
            Error::Parameter { model: MODEL, parameter: name, value, expected }
        }
        aisle_sequential::Error::Data(detail) => Error::NoData { model: MODEL, detail },
        other => Error::Artifact(other.to_string()),
    }
}

/// A trained transformer.
#[derive(Debug)]
pub struct Sequential {
    model: Transformer,
}

/// Trains on every row of the matrix as one shopper's sequence.
pub fn fit(config: &TransformerConfig, data: &TrainData<'_>) -> Result<Sequential> {
    validate(config)?;
    let matrix = data.matrix;
    let sequences: Vec<Vec<u32>> = (0..matrix.n_rows)
        .map(|r| {
            let (items, _) = matrix.row(r);
            in_time_order(items, matrix.row_millis(r))
        })
        .collect();
    if sequences.iter().all(|s| s.len() < 2) {
        return Err(Error::NoData {
            model: MODEL,
            detail: "no shopper has two or more items, so there is no sequence to learn from"
                .into(),
        });
    }
    let catalog = catalog(matrix.n_items, data.items);
    let report = |p: &Progress| {
        if let Some(progress) = data.progress {
            let ndcg = p.best_ndcg.map_or(String::new(), |n| format!(", best val NDCG@10 {n:.4}"));
            progress(&FitProgress {
                done: ((p.epoch - 1) * p.steps + p.step) as u64,
                total: (p.epochs * p.steps) as u64,
                message: if p.refit {
                    format!("refit on every item, epoch {}, loss {:.3}", p.epoch, p.loss)
                } else {
                    format!("epoch {}, loss {:.3}{ndcg}", p.epoch, p.loss)
                },
            });
        }
    };
    let options = TrainOptions {
        progress: Some(&report),
        checkpoint_dir: data.work_dir.map(Path::to_path_buf),
        resume: true,
        ..Default::default()
    };
    let train = || {
        let trained = aisle_sequential::train_with_summary(config, &catalog, &sequences, &options);
        match (trained, &options.checkpoint_dir) {
            // A checkpoint left by an interrupted run on other data or settings: start over.
            (Err(aisle_sequential::Error::Checkpoint(reason)), Some(dir)) => {
                tracing::warn!(%reason, "not resuming the transformer; training from the start");
                let fresh = TrainOptions { resume: false, ..options.clone() };
                let _ = std::fs::remove_dir_all(dir);
                aisle_sequential::train_with_summary(config, &catalog, &sequences, &fresh)
            }
            (trained, _) => trained,
        }
    };
    let (model, summary) = match data.threads {
        0 => train(),
        n => rayon::ThreadPoolBuilder::new()
            .num_threads(n)
            .build()
            .map_err(|e| Error::Artifact(format!("cannot start {n} training threads: {e}")))?
            .install(train),
    }
    .map_err(from_sequential)?;
    tracing::info!(
        epochs = summary.epochs,
        best_epoch = summary.best_epoch,
        best_validation_ndcg_at_10 = summary.best_ndcg,
        stopped_by = %summary.stopped_by,
        refit_epochs = summary.refit_epochs,
        seconds = summary.seconds,
        "transformer trained"
    );
    if let Some(dir) = data.work_dir {
        // The finished model is the caller's to save; the checkpoint has served its purpose.
        let _ = std::fs::remove_dir_all(dir);
    }
    Ok(Sequential { model })
}

/// Items ordered by time (ties by item index), or as given when times are missing.
fn in_time_order(items: &[u32], millis: &[i64]) -> Vec<u32> {
    if millis.len() != items.len() {
        return items.to_vec();
    }
    let mut pairs: Vec<(i64, u32)> = millis.iter().copied().zip(items.iter().copied()).collect();
    pairs.sort_unstable();
    pairs.into_iter().map(|(_, item)| item).collect()
}

/// The model's view of the catalog: attribute tokens (`key=value`, `category=...`,
/// `brand=...`) shared by at least two items, as dense ids.
fn catalog(n_items: usize, items: &[ItemText]) -> Catalog {
    let tokens_of = |item: &ItemText| -> Vec<String> {
        let mut tokens = item.attributes.clone();
        tokens.extend(item.categories.iter().map(|c| format!("category={c}")));
        tokens.extend(item.brand.iter().map(|b| format!("brand={b}")));
        tokens.sort_unstable();
        tokens.dedup();
        tokens
    };
    let per_item: Vec<Vec<String>> = items.iter().take(n_items).map(tokens_of).collect();
    let mut counts: HashMap<&str, usize> = HashMap::new();
    for token in per_item.iter().flatten() {
        *counts.entry(token.as_str()).or_default() += 1;
    }
    let mut frequent: Vec<(&str, usize)> =
        counts.into_iter().filter(|&(_, n)| n >= MIN_ITEMS_PER_ATTRIBUTE).collect();
    frequent.sort_unstable_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
    frequent.truncate(MAX_ATTRIBUTES);
    let ids: HashMap<&str, u32> =
        frequent.iter().enumerate().map(|(id, (token, _))| (*token, id as u32)).collect();
    let attributes: Vec<Vec<u32>> = per_item
        .iter()
        .map(|tokens| tokens.iter().filter_map(|t| ids.get(t.as_str()).copied()).collect())
        .collect();
    Catalog { n_items, attributes, n_attributes: ids.len() }
}

impl Sequential {
    /// Reads the payload written by [`Recommender::save`].
    pub fn load(input: &mut Reader<'_>) -> Result<Self> {
        let bytes = input.bytes()?;
        let model = Transformer::read(&mut bytes.as_slice()).map_err(from_sequential)?;
        Ok(Self { model })
    }

    /// The trained network.
    pub fn network(&self) -> &Transformer {
        &self.model
    }

    /// The shopper embedding for a history (`dim` values), or `None` when no history item is
    /// known to the model.
    pub fn embedding(&self, query: &Query<'_>) -> Result<Option<Vec<f32>>> {
        let sequence = self.sequence(query);
        if sequence.is_empty() {
            return Ok(None);
        }
        let mut all = self.model.embed(&[&sequence]).map_err(from_sequential)?;
        Ok(all.pop())
    }

    fn sequence(&self, query: &Query<'_>) -> Vec<u32> {
        let n_items = self.model.n_items() as u32;
        in_time_order(query.items, query.millis).into_iter().filter(|&i| i < n_items).collect()
    }
}

impl Recommender for Sequential {
    fn name(&self) -> &'static str {
        MODEL
    }

    fn n_items(&self) -> usize {
        self.model.n_items()
    }

    fn score(&self, query: &Query<'_>, scores: &mut [f32]) {
        let sequence = self.sequence(query);
        if sequence.is_empty() {
            scores.fill(0.0);
            return;
        }
        match self.model.score(&sequence) {
            Ok(values) => {
                scores.iter_mut().zip(values).for_each(|(s, v)| *s = v);
            }
            Err(error) => {
                tracing::warn!(%error, "transformer could not score a history");
                scores.fill(f32::NEG_INFINITY);
            }
        }
    }

    fn save(&self, out: &mut Writer<'_>) -> Result<()> {
        let mut bytes = Vec::new();
        self.model.write(&mut bytes).map_err(from_sequential)?;
        out.bytes(&bytes)
    }
}

#[cfg(test)]
mod tests;
