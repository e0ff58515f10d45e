//! The [`evaluate`] entry point: split once, then per model search on validation (optional),
//! train the chosen configuration on train + validation, measure on test, and collect a
//! [`Report`].
//!
//! This module orchestrates; metrics, protocols, searches and report formats live in their own
//! modules. It does not write files.

use std::time::Instant;

use aisle_domain::InteractionMatrix;
use aisle_recommend::{ItemText, ModelConfig, TrainData};

use crate::protocol::{measure, Protocol};
use crate::report::{tidy_floats, DatasetSummary, ModelReport, Report, SearchReport, SplitSummary};
use crate::search::{search, Run, SearchSpec, Strategy};
use crate::split::{Split, SplitSpec, Stage};
use crate::{Error, Result, Trainable};

/// The data an evaluation runs on.
#[derive(Debug, Clone, Copy)]
pub struct Dataset<'a> {
    /// Shown in reports.
    pub name: &'a str,
    /// Users by items; split by the evaluation.
    pub matrix: &'a InteractionMatrix,
    /// Item texts, passed through to content models (may be empty).
    pub items: &'a [ItemText],
    /// Baskets, passed through to association rules (may be empty). They are not split: baskets
    /// that contain held-out purchases leak them into training, so pass baskets built from
    /// training-period orders only.
    pub baskets: &'a [Vec<u32>],
}

/// How to evaluate.
#[derive(Debug, Clone, PartialEq)]
pub struct EvalConfig {
    /// How to split (default leave-one-out).
    pub split: SplitSpec,
    /// How to rank (default full ranking, training items excluded).
    pub protocol: Protocol,
    /// Cut-offs (default 5, 10, 20); sorted and deduplicated before use.
    pub ks: Vec<usize>,
    /// Threads for training and ranking; 0 means all cores.
    pub threads: usize,
    /// Seed of random splits and negative sampling.
    pub seed: u64,
}

impl Default for EvalConfig {
    fn default() -> Self {
        Self {
            split: SplitSpec::LeaveOneOut,
            protocol: Protocol::default(),
            ks: vec![5, 10, 20],
            threads: 0,
            seed: 42,
        }
    }
}

/// One model to evaluate.
#[derive(Debug, Clone, PartialEq)]
pub struct ModelSpec<C = ModelConfig> {
    /// Its name in the report; defaults to the registry name. Two models of one kind need
    /// different labels.
    pub label: Option<String>,
    /// The configuration (the starting point of a search).
    pub config: C,
    /// A search on validation data; `None` evaluates `config` as it is.
    pub search: Option<SearchSpec>,
}

impl<C> ModelSpec<C> {
    /// A model evaluated as configured, under its registry name.
    pub fn new(config: C) -> Self {
        Self { label: None, config, search: None }
    }

    /// Tunes the model with `search` first.
    pub fn with_search(mut self, search: SearchSpec) -> Self {
        self.search = Some(search);
        self
    }

    /// Names the model in the report.
    pub fn with_label(mut self, label: impl Into<String>) -> Self {
        self.label = Some(label.into());
        self
    }
}

/// Evaluates `models` on `dataset`. `progress(done, total, best)` is called after every search
/// trial and every final training; `best` is the best validation value of the current model's
/// search so far.
pub fn evaluate(
    dataset: &Dataset<'_>,
    config: &EvalConfig,
    models: &[ModelSpec],
    progress: &mut dyn FnMut(usize, usize, Option<f64>),
) -> Result<Report> {
    evaluate_with(dataset, config, models, progress)
}

pub(crate) fn evaluate_with<C: Trainable>(
    dataset: &Dataset<'_>,
    config: &EvalConfig,
    models: &[ModelSpec<C>],
    progress: &mut dyn FnMut(usize, usize, Option<f64>),
) -> Result<Report> {
    let mut ks = config.ks.clone();
    ks.sort_unstable();
    ks.dedup();
    if ks.is_empty() || ks[0] == 0 {
        return Err(Error::spec(
            "Ks",
            &format!("{:?}", config.ks),
            "give at least one cut-off above 0",
        ));
    }
    let labels: Vec<String> = models
        .iter()
        .map(|m| m.label.clone().unwrap_or_else(|| m.config.name().to_string()))
        .collect();
    for (i, label) in labels.iter().enumerate() {
        if labels[..i].contains(label) {
            return Err(Error::spec("models", label, "listed twice; give each a different label"));
        }
    }
    let mut total = models.len();
    for m in models.iter() {
        if let Some(spec) = &m.search {
            spec.target_k()?;
            total += spec.trials(&|key| m.config.list_len(key))?.len();
        }
    }
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(config.threads)
        .build()
        .map_err(|e| Error::Threads { threads: config.threads, detail: e.to_string() })?;
    let split = Split::new(dataset.matrix, &config.split, config.seed)?;
    let tuning = split.view(Stage::Tuning);
    let last = split.view(Stage::Final);
    let run = Run {
        items: dataset.items,
        baskets: dataset.baskets,
        threads: config.threads,
        pool: &pool,
        protocol: config.protocol,
        seed: config.seed,
    };
    let mut done = 0;
    let mut reports = Vec::with_capacity(models.len());
    for (spec, label) in models.iter().zip(&labels) {
        let _span = tracing::info_span!("evaluate", model = %label).entered();
        let (chosen, search_report) = match &spec.search {
            None => (spec.config.clone(), None),
            Some(search_spec) => {
                let started = Instant::now();
                let mut on_trial = |best: Option<f64>| {
                    done += 1;
                    progress(done, total, best);
                };
                let outcome =
                    search(label, &spec.config, search_spec, &tuning, &run, &mut on_trial)?;
                let report = SearchReport {
                    strategy: match search_spec.strategy {
                        Strategy::Grid => "grid".to_string(),
                        Strategy::Random { trials } => {
                            format!("random ({trials} draws, seed {})", search_spec.seed)
                        }
                    },
                    target: search_spec.target.clone(),
                    best_value: outcome.best_value,
                    seconds: started.elapsed().as_secs_f64(),
                    trials: outcome.trials,
                };
                (outcome.best, Some(report))
            }
        };
        let data = TrainData {
            items: dataset.items,
            baskets: dataset.baskets,
            threads: config.threads,
            ..TrainData::new(&last.train)
        };
        let started = Instant::now();
        let model = pool.install(|| chosen.fit(&data)).map_err(|e| Error::model(label, e))?;
        let fit_seconds = started.elapsed().as_secs_f64();
        let started = Instant::now();
        let metrics =
            pool.install(|| measure(model.as_ref(), &last, &config.protocol, &ks, config.seed))?;
        let eval_seconds = started.elapsed().as_secs_f64();
        tracing::info!(model = %label, fit_seconds, eval_seconds, users = metrics.users, "evaluated");
        done += 1;
        progress(done, total, search_report.as_ref().map(|s| s.best_value));
        reports.push(ModelReport {
            name: label.clone(),
            model: chosen.name().to_string(),
            config: tidy_floats(chosen.to_json()),
            fit_seconds,
            eval_seconds,
            metrics,
            search: search_report,
        });
    }
    Ok(Report {
        dataset: DatasetSummary {
            name: dataset.name.to_string(),
            users: dataset.matrix.n_rows,
            items: dataset.matrix.n_items,
            interactions: dataset.matrix.nnz(),
        },
        split: SplitSummary {
            spec: config.split.to_string(),
            description: config.split.describe(),
            seed: config.seed,
            train: split.train.nnz(),
            validation: split.validation.nnz(),
            test: split.test.nnz(),
        },
        protocol: config.protocol,
        ks,
        models: reports,
    })
}
