//! The training loop: batches, forward and backward passes, AdamW, validation on each
//! sequence's held-out last item, early stopping, checkpoints and progress reports.

use std::collections::HashMap;
use std::path::PathBuf;
use std::time::Instant;

use candle_core::{Device, Tensor, Var};
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use serde::{Deserialize, Serialize};

use crate::batches::{examples, training_batches};
use crate::checkpoint::{read_values, write_atomically, write_values, Fingerprint, Values};
use crate::model::{initial_values, layout, Catalog, Dropout, Net};
use crate::ops::catalog_cross_entropy;
use crate::optim::{warmup, AdamW};
use crate::score::ndcg_at_10;
use crate::{Error, Result, Transformer, TransformerConfig};

/// Where training reports to and keeps its state.
#[derive(Default, Clone)]
pub struct TrainOptions<'a> {
    /// Save a checkpoint here after every validation (`checkpoint.seq`), and resume from it when
    /// it exists and [`TrainOptions::resume`] is set.
    pub checkpoint_dir: Option<PathBuf>,
    /// Continue from the checkpoint in `checkpoint_dir` instead of starting over.
    pub resume: bool,
    /// Called after every step and validation.
    pub progress: Option<&'a (dyn Fn(&Progress) + Sync)>,
    /// Stop after this many optimiser steps in this run, without validating (0: no limit);
    /// for throughput benchmarks.
    pub step_limit: usize,
}

/// Where training is.
#[derive(Debug, Clone, PartialEq)]
pub struct Progress {
    /// Epoch under way, from 1.
    pub epoch: usize,
    /// Most epochs.
    pub epochs: usize,
    /// Steps done in this epoch.
    pub step: usize,
    /// Steps per epoch.
    pub steps: usize,
    /// Mean training loss over this epoch so far.
    pub loss: f32,
    /// Best validation NDCG@10 so far.
    pub best_ndcg: Option<f32>,
    /// Seconds since training started (this run).
    pub seconds: f32,
    /// In the refit run ([`TransformerConfig::refit`]), which trains on every item.
    pub refit: bool,
}

/// How a training run went.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TrainSummary {
    /// Epochs completed.
    pub epochs: usize,
    /// The epoch whose weights were kept.
    pub best_epoch: usize,
    /// Validation NDCG@10 of the kept weights (absent when no sequence had a holdout).
    pub best_ndcg: Option<f32>,
    /// Why training ended: `epochs`, `patience` or `time limit`.
    pub stopped_by: String,
    /// Seconds of training in this run.
    pub seconds: f32,
    /// Training sequences and validation holdouts.
    pub sequences: usize,
    /// Validation holdouts.
    pub holdouts: usize,
    /// Epochs of the refit on every item, when [`TransformerConfig::refit`] ran.
    #[serde(default)]
    pub refit_epochs: Option<usize>,
}

/// Training state a checkpoint carries beyond the weights.
#[derive(Debug, Clone, Serialize, Deserialize)]
struct State {
    epochs_done: usize,
    best_epoch: usize,
    best_ndcg: Option<f32>,
    stale: usize,
    adam_step: u64,
    fingerprint: Fingerprint,
    data_fingerprint: u64,
}

const CHECKPOINT_FILE: &str = "checkpoint.seq";

/// Trains a transformer on `sequences` (item indexes `0..catalog.n_items`, oldest first, one
/// per shopper). Each sequence's last item is held out to validate on (when it has 3 or more
/// items); the weights with the best validation NDCG@10 are returned.
pub fn train(
    config: &TransformerConfig,
    catalog: &Catalog,
    sequences: &[Vec<u32>],
    options: &TrainOptions<'_>,
) -> Result<Transformer> {
    train_with_summary(config, catalog, sequences, options).map(|(model, _)| model)
}

/// [`train`], also returning how the run went.
pub fn train_with_summary(
    config: &TransformerConfig,
    catalog: &Catalog,
    sequences: &[Vec<u32>],
    options: &TrainOptions<'_>,
) -> Result<(Transformer, TrainSummary)> {
    config.validate()?;
    check_data(catalog, sequences)?;
    let (model, mut summary) = run(config, catalog, sequences, options, false)?;
    if !config.refit || summary.holdouts == 0 || summary.stopped_by == "step limit" {
        return Ok((model, summary));
    }
    // The same schedule, seed and batch order for the chosen number of epochs, now also
    // training on the items the first run held out.
    let refit_config = TransformerConfig {
        epochs: summary.best_epoch.max(1),
        patience: 0,
        time_limit_secs: 0,
        refit: false,
        ..config.clone()
    };
    let refit_options = TrainOptions {
        checkpoint_dir: options.checkpoint_dir.as_ref().map(|d| d.join("refit")),
        ..options.clone()
    };
    let (mut refitted, refit) = run(&refit_config, catalog, sequences, &refit_options, true)?;
    summary.seconds += refit.seconds;
    summary.refit_epochs = Some(refit.epochs);
    // The two configurations differ only in how long to train, not in the network.
    refitted.config = config.clone();
    Ok((refitted, summary))
}

/// One training run: with holdouts (`refit` false) it validates and stops early; without, it
/// trains every epoch on every item and keeps the last weights.
fn run(
    config: &TransformerConfig,
    catalog: &Catalog,
    sequences: &[Vec<u32>],
    options: &TrainOptions<'_>,
    refit: bool,
) -> Result<(Transformer, TrainSummary)> {
    let started = Instant::now();
    let (train_set, holdouts) = examples(sequences, config.max_len, !refit);
    if train_set.is_empty() {
        return Err(Error::Data(
            "no sequence has two or more items, so there is nothing to learn from".into(),
        ));
    }
    let specs = layout(config, catalog);
    let fingerprint = Fingerprint::of(catalog);
    let data_fingerprint = data_fingerprint(sequences);
    let checkpoint = options.checkpoint_dir.as_ref().map(|d| d.join(CHECKPOINT_FILE));

    let mut rng = ChaCha8Rng::seed_from_u64(config.seed);
    let mut values: Vec<Vec<f32>> = initial_values(&specs, &mut rng);
    let mut adam = None;
    let mut state = State {
        epochs_done: 0,
        best_epoch: 0,
        best_ndcg: None,
        stale: 0,
        adam_step: 0,
        fingerprint,
        data_fingerprint,
    };
    let mut best: Option<Values> = None;
    if let (Some(path), true) = (&checkpoint, options.resume) {
        if path.exists() {
            let resumed = resume(path, config, catalog, &specs, &state)?;
            values = resumed.0;
            adam = Some(resumed.1);
            best = resumed.2;
            state = resumed.3;
        }
    }

    let vars: Vec<Var> = specs
        .iter()
        .zip(values)
        .map(|(spec, v)| Var::from_vec(v, spec.shape.clone(), &Device::Cpu))
        .collect::<candle_core::Result<_>>()?;
    let mut adam = adam.unwrap_or_else(|| AdamW::new(&vars));
    let map: HashMap<String, Tensor> =
        specs.iter().zip(&vars).map(|(s, v)| (s.name.clone(), v.as_tensor().clone())).collect();
    let net = Net::new(config, catalog, &map)?;

    let contexts: Vec<&[u32]> = holdouts.iter().map(|h| &h.context[..]).collect();
    let targets: Vec<u32> = holdouts.iter().map(|h| h.target).collect();
    let mut stopped_by = "epochs";
    let mut epoch = state.epochs_done;
    // A resumed run that had already run out of patience is finished.
    if config.patience > 0 && state.stale >= config.patience {
        stopped_by = "patience";
        epoch = config.epochs;
    }
    let mut steps_run = 0;
    'epochs: while epoch < config.epochs {
        let mut epoch_rng = ChaCha8Rng::seed_from_u64(config.seed ^ 0x5eed_0000 ^ epoch as u64);
        let batches = training_batches(&train_set, config.batch_size, &mut epoch_rng);
        let mut loss_sum = 0.0f64;
        for (step, batch) in batches.iter().enumerate() {
            if config.time_limit_secs > 0 && started.elapsed().as_secs() >= config.time_limit_secs {
                stopped_by = "time limit";
                break 'epochs;
            }
            if options.step_limit > 0 && steps_run >= options.step_limit {
                stopped_by = "step limit";
                break 'epochs;
            }
            steps_run += 1;
            let table = net.token_table()?;
            let drop = Some(Dropout { p: config.dropout, rng: &mut epoch_rng });
            let hidden = net.hidden(&table, &batch.tokens, batch.rows, batch.len, drop)?;
            let valid = Tensor::from_slice(&batch.valid, batch.valid.len(), &Device::Cpu)?;
            let positions = hidden.index_select(&valid, 0)?;
            let loss = catalog_cross_entropy(&positions, &table, &batch.targets)?;
            let grads = loss.backward()?;
            let rate = warmup(config.learning_rate as f32, config.warmup_steps, adam.step + 1);
            adam.step(&vars, &grads, rate, config.weight_decay as f32)?;
            loss_sum += f64::from(loss.to_scalar::<f32>()?);
            if let Some(report) = options.progress {
                report(&Progress {
                    epoch: epoch + 1,
                    epochs: config.epochs,
                    step: step + 1,
                    steps: batches.len(),
                    loss: (loss_sum / (step + 1) as f64) as f32,
                    best_ndcg: state.best_ndcg,
                    seconds: started.elapsed().as_secs_f32(),
                    refit,
                });
            }
        }
        epoch += 1;
        state.epochs_done = epoch;
        if epoch.is_multiple_of(config.validate_every) || epoch == config.epochs {
            let snapshot = snapshot(&specs, &vars)?;
            if !holdouts.is_empty() {
                let model =
                    Transformer::from_values(config.clone(), catalog.clone(), snapshot.clone())?;
                let ndcg = ndcg_at_10(&model, &contexts, &targets)? as f32;
                if state.best_ndcg.is_none_or(|b| ndcg > b) {
                    state.best_ndcg = Some(ndcg);
                    state.best_epoch = epoch;
                    state.stale = 0;
                    best = Some(snapshot);
                } else {
                    state.stale += 1;
                }
            } else {
                state.best_epoch = epoch;
                best = Some(snapshot);
            }
            if let Some(path) = &checkpoint {
                state.adam_step = adam.step;
                save_checkpoint(
                    path,
                    config,
                    catalog,
                    &specs,
                    &vars,
                    &adam,
                    best.as_ref(),
                    &state,
                )?;
            }
            if let Some(report) = options.progress {
                report(&Progress {
                    epoch,
                    epochs: config.epochs,
                    step: batches.len(),
                    steps: batches.len(),
                    loss: (loss_sum / batches.len().max(1) as f64) as f32,
                    best_ndcg: state.best_ndcg,
                    seconds: started.elapsed().as_secs_f32(),
                    refit,
                });
            }
            if config.patience > 0 && state.stale >= config.patience {
                stopped_by = "patience";
                break;
            }
        }
    }
    let kept = match best {
        Some(best) => best,
        None => {
            state.best_epoch = state.epochs_done;
            snapshot(&specs, &vars)?
        }
    };
    let model = Transformer::from_values(config.clone(), catalog.clone(), kept)?;
    let summary = TrainSummary {
        epochs: state.epochs_done,
        best_epoch: state.best_epoch,
        best_ndcg: state.best_ndcg,
        stopped_by: stopped_by.to_string(),
        seconds: started.elapsed().as_secs_f32(),
        sequences: train_set.len(),
        holdouts: holdouts.len(),
        refit_epochs: None,
    };
    Ok((model, summary))
}

fn check_data(catalog: &Catalog, sequences: &[Vec<u32>]) -> Result<()> {
    if catalog.n_items == 0 {
        return Err(Error::Data("the catalog has no items".into()));
    }
    for (k, sequence) in sequences.iter().enumerate() {
        if let Some(&bad) = sequence.iter().find(|&&i| i as usize >= catalog.n_items) {
            return Err(Error::Data(format!(
                "sequence {k} holds item index {bad} but the catalog has {} items",
                catalog.n_items
            )));
        }
    }
    Ok(())
}

fn data_fingerprint(sequences: &[Vec<u32>]) -> u64 {
    let mut bytes = Vec::new();
    for s in sequences {
        bytes.extend((s.len() as u32).to_le_bytes());
        s.iter().for_each(|i| bytes.extend(i.to_le_bytes()));
    }
    xxhash_rust::xxh3::xxh3_64(&bytes)
}

fn snapshot(specs: &[crate::model::ParamSpec], vars: &[Var]) -> Result<Values> {
    specs
        .iter()
        .zip(vars)
        .map(|(spec, var)| {
            Ok((spec.name.clone(), spec.shape.clone(), var.flatten_all()?.to_vec1::<f32>()?))
        })
        .collect()
}

/// A checkpoint holds the current weights, then the optimiser moments (as `adam.first.*` and
/// `adam.second.*` tensors) and the best weights so far (`best.*`).
#[allow(clippy::too_many_arguments)]
fn save_checkpoint(
    path: &std::path::Path,
    config: &TransformerConfig,
    catalog: &Catalog,
    specs: &[crate::model::ParamSpec],
    vars: &[Var],
    adam: &AdamW,
    best: Option<&Values>,
    state: &State,
) -> Result<()> {
    let mut values = snapshot(specs, vars)?;
    for (spec, (m, v)) in specs.iter().zip(adam.first.iter().zip(&adam.second)) {
        values.push((format!("adam.first.{}", spec.name), spec.shape.clone(), m.clone()));
        values.push((format!("adam.second.{}", spec.name), spec.shape.clone(), v.clone()));
    }
    for (name, shape, data) in best.into_iter().flatten() {
        values.push((format!("best.{name}"), shape.clone(), data.clone()));
    }
    let progress = serde_json::to_value(state).map_err(|e| Error::Checkpoint(e.to_string()))?;
    write_atomically(path, |out| write_values(out, config, catalog, &values, Some(progress)))
}

type Resumed = (Vec<Vec<f32>>, AdamW, Option<Values>, State);

fn resume(
    path: &std::path::Path,
    config: &TransformerConfig,
    catalog: &Catalog,
    specs: &[crate::model::ParamSpec],
    fresh: &State,
) -> Result<Resumed> {
    let file = std::fs::File::open(path)
        .map_err(|source| Error::Io { path: path.display().to_string(), source })?;
    let loaded = read_values(&mut std::io::BufReader::new(file))?;
    let state: State =
        loaded.progress.and_then(|p| serde_json::from_value(p).ok()).ok_or_else(|| {
            Error::Checkpoint(format!("{} is a model, not a checkpoint", path.display()))
        })?;
    if state.fingerprint != fresh.fingerprint || loaded.catalog.n_items != catalog.n_items {
        return Err(Error::Checkpoint(format!(
            "{} was started on another catalog ({} items); delete it to start over",
            path.display(),
            loaded.catalog.n_items
        )));
    }
    if state.data_fingerprint != fresh.data_fingerprint {
        return Err(Error::Checkpoint(format!(
            "{} was started on other training data; delete it to start over",
            path.display()
        )));
    }
    let mut resumable = config.clone();
    resumable.epochs = loaded.config.epochs;
    resumable.time_limit_secs = loaded.config.time_limit_secs;
    resumable.patience = loaded.config.patience;
    if resumable != loaded.config {
        return Err(Error::Checkpoint(format!(
            "{} was started with other hyper-parameters; delete it to start over",
            path.display()
        )));
    }
    let mut by_name: HashMap<String, (Vec<usize>, Vec<f32>)> =
        loaded.values.into_iter().map(|(n, s, v)| (n, (s, v))).collect();
    let mut take = |name: &str, shape: &[usize]| -> Result<Vec<f32>> {
        match by_name.remove(name) {
            Some((s, v)) if s == shape => Ok(v),
            _ => Err(Error::Checkpoint(format!("{} lacks tensor `{name}`", path.display()))),
        }
    };
    let mut values = Vec::new();
    let mut adam = AdamW { step: state.adam_step, first: Vec::new(), second: Vec::new() };
    for spec in specs {
        values.push(take(&spec.name, &spec.shape)?);
        adam.first.push(take(&format!("adam.first.{}", spec.name), &spec.shape)?);
        adam.second.push(take(&format!("adam.second.{}", spec.name), &spec.shape)?);
    }
    let best = if state.best_epoch > 0 {
        let mut best = Vec::new();
        for spec in specs {
            let data = take(&format!("best.{}", spec.name), &spec.shape)?;
            best.push((spec.name.clone(), spec.shape.clone(), data));
        }
        Some(best)
    } else {
        None
    };
    Ok((values, adam, best, state))
}
