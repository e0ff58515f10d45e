//! Gradient-boosted decision trees for binary classification (logistic loss).
//!
//! Features are cut into quantile bins once; each round fits a tree to the loss's gradients and
//! hessians on per-bin histograms (built over the rows on up to `threads` threads), growing
//! best-first under depth and leaf limits, with L2 on leaf weights, minimum rows and hessian per
//! leaf, row and column subsampling, and early stopping on a validation set. Everything random
//! comes from `seed`; the thread count never changes the result.
//!
//! Reasons are path contributions (the Saabas method): along a row's path through a tree, each
//! split's feature is credited with the change in node value it caused; over all trees, the
//! credits plus the bias (base margin and root values) sum to the margin exactly.

mod bins;
mod grow;
mod tree;

use std::path::Path;

use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use serde::{Deserialize, Serialize};

use crate::dataset::{check_same_names, Dataset};
use crate::model::{self, exact, logit, sealed, Classifier};
use crate::{Error, Result};
use bins::BinnedMatrix;
use grow::{grow_tree, GrowParams};
use tree::Tree;

/// How to train a [`Gbdt`]. `Default` is a sound start for tens of thousands of rows.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct GbdtConfig {
    /// The most trees (boosting rounds); early stopping may use fewer.
    pub max_trees: usize,
    /// Shrinkage applied to every leaf value, in (0, 1].
    pub learning_rate: f64,
    /// The deepest a leaf may be (the root is depth 0).
    pub max_depth: usize,
    /// The most leaves per tree (at least 2).
    pub max_leaves: usize,
    /// Quantile bins per feature for present values, 2..=255.
    pub max_bins: usize,
    /// L2 penalty on leaf weights (λ in `-G / (H + λ)`).
    pub l2: f64,
    /// The least loss reduction a split must bring.
    pub min_split_gain: f64,
    /// The fewest training rows in a leaf (at least 1).
    pub min_samples_leaf: usize,
    /// The least hessian sum in a leaf.
    pub min_hessian_leaf: f64,
    /// The share of rows each tree sees, in (0, 1].
    pub subsample: f64,
    /// The share of features each tree may split on, in (0, 1].
    pub colsample: f64,
    /// Stop after this many rounds without a better validation log-loss and keep the best
    /// round's trees; 0 never stops early. Needs a validation set to act.
    pub early_stopping_rounds: usize,
    /// Seed for row and column sampling.
    pub seed: u64,
    /// Threads for histogram building; 0 uses the machine's parallelism.
    pub threads: usize,
}

impl Default for GbdtConfig {
    fn default() -> Self {
        Self {
            max_trees: 500,
            learning_rate: 0.05,
            max_depth: 6,
            max_leaves: 31,
            max_bins: 255,
            l2: 1.0,
            min_split_gain: 0.0,
            min_samples_leaf: 20,
            min_hessian_leaf: 1e-3,
            subsample: 0.8,
            colsample: 0.8,
            early_stopping_rounds: 50,
            seed: 0,
            threads: 0,
        }
    }
}

fn invalid(field: &'static str, reason: String) -> Error {
    Error::InvalidConfig { field, reason }
}

fn check_share(field: &'static str, value: f64) -> Result<()> {
    if value > 0.0 && value <= 1.0 {
        Ok(())
    } else {
        Err(invalid(field, format!("{value}; must be in (0, 1]")))
    }
}

impl GbdtConfig {
    /// Settings for tables of thousands to tens of thousands of rows, fixed before any
    /// evaluation looked at its test data: a slow learning rate with up to 2,000 trees cut by
    /// early stopping (100 rounds), small trees (15 leaves, depth 5, 30 rows a leaf), 80% of rows
    /// and 70% of features per tree. The published-data evaluations use them.
    pub fn small_tables(seed: u64, threads: usize) -> Self {
        GbdtConfig {
            max_trees: 2000,
            learning_rate: 0.02,
            max_leaves: 15,
            max_depth: 5,
            min_samples_leaf: 30,
            subsample: 0.8,
            colsample: 0.7,
            early_stopping_rounds: 100,
            seed,
            threads,
            ..GbdtConfig::default()
        }
    }

    /// Errors naming the first field out of range.
    pub fn validate(&self) -> Result<()> {
        if self.max_trees == 0 {
            return Err(invalid("max_trees", "0; need at least one tree".into()));
        }
        check_share("learning_rate", self.learning_rate)?;
        check_share("subsample", self.subsample)?;
        check_share("colsample", self.colsample)?;
        if self.max_depth == 0 {
            return Err(invalid("max_depth", "0; need at least 1".into()));
        }
        if self.max_leaves < 2 {
            return Err(invalid("max_leaves", format!("{}; need at least 2", self.max_leaves)));
        }
        if !(2..=255).contains(&self.max_bins) {
            return Err(invalid("max_bins", format!("{}; must be in 2..=255", self.max_bins)));
        }
        for (field, value) in [
            ("l2", self.l2),
            ("min_split_gain", self.min_split_gain),
            ("min_hessian_leaf", self.min_hessian_leaf),
        ] {
            if !(value.is_finite() && value >= 0.0) {
                return Err(invalid(field, format!("{value}; must be finite and ≥ 0")));
            }
        }
        if self.min_samples_leaf == 0 {
            return Err(invalid("min_samples_leaf", "0; need at least 1".into()));
        }
        Ok(())
    }

    fn threads(&self) -> usize {
        match self.threads {
            0 => std::thread::available_parallelism().map_or(1, |n| n.get()),
            n => n,
        }
    }
}

/// Mean log-loss per round of training.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct RoundLoss {
    /// On the training rows.
    #[serde(with = "exact::f64")]
    pub train: f64,
    /// On the validation rows, when given.
    #[serde(with = "exact::option_f64")]
    pub valid: Option<f64>,
}

/// One feature's total split gain across the ensemble.
#[derive(Debug, Clone, PartialEq)]
pub struct FeatureImportance {
    /// The feature.
    pub feature: String,
    /// The loss reduction its splits brought.
    pub gain: f64,
    /// `gain` as a share of all features' gain.
    pub share: f64,
    /// How many splits use it.
    pub splits: usize,
}

/// A trained gradient-boosted tree ensemble. See the [module docs](self).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Gbdt {
    feature_names: Vec<String>,
    #[serde(with = "exact::f64")]
    base_margin: f64,
    trees: Vec<Tree>,
    #[serde(with = "exact::vec_f64")]
    gain: Vec<f64>,
    splits: Vec<usize>,
    config: GbdtConfig,
    history: Vec<RoundLoss>,
}

const FORMAT: &str = "aisle-predict/gbdt";
const VERSION: u32 = 1;

/// Fills the logistic loss's gradient and hessian per row (the hessian floored so a leaf of
/// confident rows keeps a finite weight) and returns the mean loss, sharing one `exp` per row.
fn gradient_pass(margins: &[f64], labels: &[bool], gh: &mut [[f64; 2]]) -> f64 {
    let mut total = 0.0;
    for ((pair, &m), &y) in gh.iter_mut().zip(margins).zip(labels) {
        let e = (-m.abs()).exp();
        let p = if m >= 0.0 { 1.0 / (1.0 + e) } else { e / (1.0 + e) };
        let y = f64::from(u8::from(y));
        *pair = [p - y, (p * (1.0 - p)).max(1e-16)];
        total += m.max(0.0) + e.ln_1p() - y * m;
    }
    total / margins.len() as f64
}

/// `log(1 + e^m) - y m`, the logistic loss of a margin, without overflow.
fn margin_loss(margin: f64, y: bool) -> f64 {
    let softplus = margin.max(0.0) + (-margin.abs()).exp().ln_1p();
    softplus - if y { margin } else { 0.0 }
}

fn mean_loss(margins: &[f64], labels: &[bool]) -> f64 {
    margins.iter().zip(labels).map(|(&m, &y)| margin_loss(m, y)).sum::<f64>() / margins.len() as f64
}

impl Gbdt {
    /// Trains on `train`, early-stopping on `valid` if given (it must have the same features).
    ///
    /// Errors on an invalid config, empty or single-class training data, or mismatched
    /// validation features. Constant and all-missing features are fine: they never split.
    pub fn fit(config: &GbdtConfig, train: &Dataset, valid: Option<&Dataset>) -> Result<Gbdt> {
        config.validate()?;
        train.check_trainable("GBDT training data")?;
        let names = train.x().names().to_vec();
        if let Some(v) = valid {
            check_same_names(&names, v.x().names())?;
            if v.n_rows() == 0 {
                return Err(Error::Empty { what: "validation data" });
            }
        }
        if u32::try_from(train.n_rows()).is_err() {
            return Err(Error::BadMatrix(format!("{} rows; at most 2^32 - 1", train.n_rows())));
        }
        let _span = tracing::info_span!("gbdt_fit", rows = train.n_rows(), features = names.len())
            .entered();

        let data = BinnedMatrix::new(train.x(), config.max_bins);
        let labels = train.labels();
        let base_margin = logit(train.positive_rate());
        let params = GrowParams {
            max_depth: config.max_depth,
            max_leaves: config.max_leaves,
            l2: config.l2,
            min_split_gain: config.min_split_gain,
            min_samples_leaf: config.min_samples_leaf,
            min_hessian_leaf: config.min_hessian_leaf,
            learning_rate: config.learning_rate,
            threads: config.threads(),
        };
        let mut rng = ChaCha8Rng::seed_from_u64(config.seed);
        let n = train.n_rows();
        let d = names.len();
        let mut margins = vec![base_margin; n];
        let mut valid_margins = valid.map(|v| vec![base_margin; v.n_rows()]);
        let mut gh = vec![[0.0f64; 2]; n];
        let mut trees = Vec::new();
        let mut tree_gains = Vec::new();
        let mut history: Vec<RoundLoss> = Vec::new();
        let mut best: Option<(usize, f64)> = None;

        let mut in_sample = vec![true; n];
        for round in 0..config.max_trees {
            let loss_before = gradient_pass(&margins, labels, &mut gh);
            if let Some(previous) = history.last_mut() {
                previous.train = loss_before;
            }
            let mut rows: Vec<u32> = if config.subsample < 1.0 {
                (0..n as u32).filter(|_| rng.random::<f64>() < config.subsample).collect()
            } else {
                (0..n as u32).collect()
            };
            if rows.is_empty() {
                rows = (0..n as u32).collect();
            }
            in_sample.fill(rows.len() == n);
            if rows.len() < n {
                for &r in &rows {
                    in_sample[r as usize] = true;
                }
            }
            let mut active: Vec<usize> = (0..d).collect();
            if config.colsample < 1.0 {
                let keep = ((config.colsample * d as f64).ceil() as usize).clamp(1, d);
                active.partial_shuffle(&mut rng, keep);
                active.truncate(keep);
                active.sort_unstable();
            }

            let grown = grow_tree(&data, &gh, rows, &active, &params);
            // Rows the tree was grown on know their leaf; the others are routed by value
            // (the same way, as bins and thresholds agree).
            for (node, rows) in &grown.leaf_rows {
                let value = grown.tree.nodes[*node].value();
                for &r in rows {
                    margins[r as usize] += value;
                }
            }
            if grown.leaf_rows.iter().map(|(_, rows)| rows.len()).sum::<usize>() < n {
                for (i, m) in margins.iter_mut().enumerate() {
                    if !in_sample[i] {
                        *m += grown.tree.predict(train.x().row(i));
                    }
                }
            }
            // The training loss after this round is taken in the next round's gradient pass.
            let mut loss = RoundLoss { train: f64::NAN, valid: None };
            if let (Some(v), Some(vm)) = (valid, valid_margins.as_mut()) {
                for (m, row) in vm.iter_mut().zip(v.x().rows()) {
                    *m += grown.tree.predict(row);
                }
                let valid_loss = mean_loss(vm, v.labels());
                loss.valid = Some(valid_loss);
                if best.is_none_or(|(_, b)| valid_loss < b) {
                    best = Some((round, valid_loss));
                }
            }
            trees.push(grown.tree);
            tree_gains.push(grown.split_gains);
            history.push(loss);
            if let Some((best_round, _)) = best {
                if config.early_stopping_rounds > 0
                    && round - best_round >= config.early_stopping_rounds
                {
                    break;
                }
            }
        }
        if let Some(last) = history.last_mut() {
            last.train = mean_loss(&margins, labels);
        }
        if let Some((best_round, _)) = best {
            if config.early_stopping_rounds > 0 {
                trees.truncate(best_round + 1);
                tree_gains.truncate(best_round + 1);
            }
        }
        let mut gain = vec![0.0; d];
        let mut splits = vec![0; d];
        for (feature, g) in tree_gains.into_iter().flatten() {
            gain[feature] += g;
            splits[feature] += 1;
        }
        tracing::debug!(trees = trees.len(), rounds = history.len(), "gbdt trained");
        Ok(Gbdt {
            feature_names: names,
            base_margin,
            trees,
            gain,
            splits,
            config: config.clone(),
            history,
        })
    }

    /// How many trees the model kept (after early stopping).
    pub fn n_trees(&self) -> usize {
        self.trees.len()
    }

    /// The margin before any tree: the log-odds of the training positive rate.
    pub fn base_margin(&self) -> f64 {
        self.base_margin
    }

    /// The config it was trained with.
    pub fn config(&self) -> &GbdtConfig {
        &self.config
    }

    /// Train (and validation) log-loss after each round trained, including rounds early
    /// stopping later dropped.
    pub fn history(&self) -> &[RoundLoss] {
        &self.history
    }

    /// Features by total split gain, largest first; features never split on are included with
    /// zero gain.
    pub fn feature_importance(&self) -> Vec<FeatureImportance> {
        let total: f64 = self.gain.iter().sum();
        let mut out: Vec<FeatureImportance> = (0..self.feature_names.len())
            .map(|f| FeatureImportance {
                feature: self.feature_names[f].clone(),
                gain: self.gain[f],
                share: if total > 0.0 { self.gain[f] / total } else { 0.0 },
                splits: self.splits[f],
            })
            .collect();
        out.sort_by(|a, b| b.gain.total_cmp(&a.gain));
        out
    }

    /// The model as a JSON document.
    pub fn to_json(&self) -> Result<String> {
        model::to_json(FORMAT, VERSION, self)
    }

    /// A model from a document written by [`Gbdt::to_json`]; `what` names it in errors.
    pub fn from_json(what: &str, text: &str) -> Result<Gbdt> {
        let model: Gbdt = model::from_json(what, FORMAT, VERSION, text)?;
        let bad = |reason: String| Error::BadModel { what: what.to_string(), reason };
        let d = model.feature_names.len();
        if d == 0 || model.gain.len() != d || model.splits.len() != d {
            return Err(bad("feature lists disagree in length".into()));
        }
        for tree in &model.trees {
            tree.validate(d).map_err(bad)?;
        }
        Ok(model)
    }

    /// Writes the model file.
    pub fn save(&self, path: &Path) -> Result<()> {
        model::write_file(path, &self.to_json()?)
    }

    /// Reads a model file written by [`Gbdt::save`].
    pub fn load(path: &Path) -> Result<Gbdt> {
        Self::from_json(&path.display().to_string(), &model::read_file(path)?)
    }
}

impl sealed::Raw for Gbdt {
    fn raw_margin(&self, row: &[f32]) -> f64 {
        self.base_margin + self.trees.iter().map(|t| t.predict(row)).sum::<f64>()
    }

    fn raw_contributions(&self, row: &[f32]) -> (f64, Vec<f64>) {
        let mut contributions = vec![0.0; self.feature_names.len()];
        let mut bias = self.base_margin;
        for tree in &self.trees {
            bias += tree.contributions(row, &mut contributions);
        }
        (bias, contributions)
    }
}

impl Classifier for Gbdt {
    fn feature_names(&self) -> &[String] {
        &self.feature_names
    }
}

#[cfg(test)]
mod tests;
