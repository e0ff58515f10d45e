//! The eval job: split the store's interactions, tune each model on the validation part, train
//! on train + validation, measure on test, and write the report directory (JSON, Markdown, SVG).
//!
//! Baskets are not passed to the harness: orders are not split with the interactions, so a
//! basket could leak a held-out purchase into training. "Bought together" rules therefore learn
//! from the training rows during evaluation.

use std::path::PathBuf;
use std::time::Instant;

use aisle_eval::{
    evaluate, write_report, Dataset, EvalConfig, ModelSpec, Protocol, SearchSpec, SplitSpec,
    Strategy,
};

use crate::train::model_config;
use crate::{Engine, Error, Result};

/// What to evaluate, as the CLI states it.
#[derive(Debug, Clone)]
pub struct EvalRequest {
    /// `loo`, `ratio:0.8,0.1,0.1`, `temporal:DATE` or `kfold:K:FOLD`.
    pub split: String,
    /// `full` or `sampled:N`.
    pub protocol: String,
    /// Registry names.
    pub models: Vec<String>,
    /// Cut-offs.
    pub ks: Vec<usize>,
    /// Fixed hyper-parameters: (model, key, value).
    pub params: Vec<(String, String, String)>,
    /// Search spaces replacing the defaults: (model, `key=v1,v2` or `key=lo..hi`).
    pub search: Vec<(String, String)>,
    /// Tune on validation with the default spaces of models without an explicit one.
    pub tune: bool,
    /// Random trials per model instead of a grid (0 = grid).
    pub random_trials: usize,
    /// Threads; 0 means all cores.
    pub threads: usize,
    /// Seed of random splits, sampling and searches.
    pub seed: u64,
    /// Where to write the report; default `<data-dir>/reports/eval-<time>`.
    pub report_dir: Option<PathBuf>,
}

/// What an eval job produced.
#[derive(Debug, Clone)]
pub struct EvalOutcome {
    /// The report as JSON: `{"models": {NAME: {"NDCG@10": x, ...}}, ...}`.
    pub json: serde_json::Value,
    /// The report as Markdown.
    pub markdown: String,
    /// The report directory and the files written there.
    pub report_dir: PathBuf,
    /// Files written.
    pub files: Vec<PathBuf>,
    /// Wall-clock seconds.
    pub seconds: f64,
}

/// The default validation search of each model: small grids that fit a 2-core machine.
pub fn default_search(model: &str) -> &'static [&'static str] {
    match model {
        "trending" => &["half_life_days=3,7,30"],
        "item-knn" => &["neighbours=50,100,200", "shrink=0,10,50"],
        "user-knn" => &["neighbours=50,100,200"],
        "ease" => &["lambda=25,50,100,250,500,1000"],
        "als" => &[
            "factors=64,128",
            "alpha=5,20,60",
            "regularization=0.1,1,10,30",
            "scale_regularization=true,false",
        ],
        "bpr" => &["learning_rate=0.1,0.3"],
        "content" => &["neighbours=50,200"],
        "hybrid" => &["weights=simplex:0.25"],
        _ => &[],
    }
}

impl Engine {
    /// Runs an evaluation; `progress(done, total, best)` follows the trials.
    pub fn evaluate(
        &self,
        request: &EvalRequest,
        progress: &mut dyn FnMut(usize, usize, Option<f64>),
    ) -> Result<EvalOutcome> {
        let started = Instant::now();
        let config = EvalConfig {
            split: SplitSpec::parse(&request.split)?,
            protocol: Protocol::parse(&request.protocol)?,
            ks: request.ks.clone(),
            threads: request.threads,
            seed: request.seed,
        };
        let strategy = match request.random_trials {
            0 => Strategy::Grid,
            trials => Strategy::Random { trials },
        };
        let mut specs = Vec::with_capacity(request.models.len());
        for name in &request.models {
            let params: Vec<(String, String)> = request
                .params
                .iter()
                .filter(|(model, _, _)| model == name)
                .map(|(_, key, value)| (key.clone(), value.clone()))
                .collect();
            let config = model_config(name, &params)?;
            let explicit: Vec<&str> = request
                .search
                .iter()
                .filter(|(model, _)| model == name)
                .map(|(_, s)| s.as_str())
                .collect();
            let fixed: Vec<&str> = params.iter().map(|(k, _)| k.as_str()).collect();
            let space: Vec<&str> = if !explicit.is_empty() {
                explicit
            } else if request.tune {
                // A parameter fixed with --param is not searched.
                default_search(name)
                    .iter()
                    .copied()
                    .filter(|p| p.split('=').next().is_some_and(|k| !fixed.contains(&k)))
                    .collect()
            } else {
                Vec::new()
            };
            let mut spec = ModelSpec::new(config);
            if !space.is_empty() {
                let mut search = SearchSpec::new(strategy, &space)?;
                search.seed = request.seed;
                spec = spec.with_search(search);
            }
            specs.push(spec);
        }
        let set = self.training_set()?;
        if set.matrix.nnz() == 0 {
            return Err(Error::Config {
                detail: "the store has no interactions to evaluate on; import events or run `aisle generate`".into(),
            });
        }
        let name = self
            .config
            .data_dir
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| "shop".into());
        let dataset = Dataset { name: &name, matrix: &set.matrix, items: &set.items, baskets: &[] };
        let report = evaluate(&dataset, &config, &specs, progress)?;
        let report_dir = request.report_dir.clone().unwrap_or_else(|| {
            let stamp = std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map(|d| d.as_secs())
                .unwrap_or_default();
            self.config.data_dir.join("reports").join(format!("eval-{stamp}"))
        });
        let files = write_report(&report_dir, &report)?;
        Ok(EvalOutcome {
            json: report.to_json(),
            markdown: report.to_markdown(),
            report_dir,
            files,
            seconds: started.elapsed().as_secs_f64(),
        })
    }
}
