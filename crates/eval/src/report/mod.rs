//! The result of an evaluation, [`Report`], and its three renderings: JSON (the `models` object
//! is a contract scripts rely on), Markdown, and SVG charts; [`write_report`] puts them in a
//! directory.
//!
//! Rendering is pure string building; `write_report` is the only function here that touches
//! the file system. Nothing here computes metrics.

mod markdown;
mod svg;

use std::path::{Path, PathBuf};

use serde_json::{json, Map, Value};

use crate::metrics::{metric_name, Metrics, ACCURACY_NAMES};
use crate::protocol::Protocol;
use crate::{Error, Result};

/// Everything an evaluation found.
#[derive(Debug, Clone, PartialEq)]
pub struct Report {
    /// What was evaluated on.
    pub dataset: DatasetSummary,
    /// How it was split.
    pub split: SplitSummary,
    /// How lists were ranked.
    pub protocol: Protocol,
    /// The cut-offs, ascending.
    pub ks: Vec<usize>,
    /// One entry per model, in the order given.
    pub models: Vec<ModelReport>,
}

/// The size of the evaluated data.
#[derive(Debug, Clone, PartialEq)]
pub struct DatasetSummary {
    /// Its name.
    pub name: String,
    /// Rows of the matrix.
    pub users: usize,
    /// Items.
    pub items: usize,
    /// Stored (user, item) pairs.
    pub interactions: usize,
}

/// The split, for reproducing it.
#[derive(Debug, Clone, PartialEq)]
pub struct SplitSummary {
    /// The textual spec (`loo`, `ratio:0.8,0.1,0.1`...).
    pub spec: String,
    /// One sentence.
    pub description: String,
    /// Seed of random splits and sampling.
    pub seed: u64,
    /// Training pairs.
    pub train: usize,
    /// Validation pairs.
    pub validation: usize,
    /// Test pairs.
    pub test: usize,
}

/// One model's results.
#[derive(Debug, Clone, PartialEq)]
pub struct ModelReport {
    /// Its label (the key in the JSON `models` object).
    pub name: String,
    /// The registry name.
    pub model: String,
    /// The configuration measured on test (after any search), as JSON.
    pub config: Value,
    /// Seconds to train on train + validation.
    pub fit_seconds: f64,
    /// Seconds to rank and measure the test users.
    pub eval_seconds: f64,
    /// Test metrics.
    pub metrics: Metrics,
    /// The search that chose the configuration, if any.
    pub search: Option<SearchReport>,
}

/// A hyper-parameter search's record.
#[derive(Debug, Clone, PartialEq)]
pub struct SearchReport {
    /// `grid` or `random (...)`.
    pub strategy: String,
    /// The validation metric maximized.
    pub target: String,
    /// Its best value.
    pub best_value: f64,
    /// Seconds the whole search took.
    pub seconds: f64,
    /// Every configuration tried, in order.
    pub trials: Vec<Trial>,
}

/// One configuration tried by a search.
#[derive(Debug, Clone, PartialEq)]
pub struct Trial {
    /// The parameters set, as `(key, value)`.
    pub params: Vec<(String, String)>,
    /// The target metric on validation (NaN when the model produced nothing).
    pub value: f64,
    /// Seconds to train (0 for a repeated configuration).
    pub fit_seconds: f64,
}

/// Files [`write_report`] writes, besides the charts.
const JSON_FILE: &str = "report.json";
const MARKDOWN_FILE: &str = "report.md";

impl Report {
    /// The report as JSON: `{"models": {"LABEL": {"NDCG@10": x, ...}}, "details": {...},
    /// "protocol": {...}, "split": {...}, "dataset": {...}, "ks": [...]}`. The `models` object
    /// maps each label to every metric at every K and nothing else.
    pub fn to_json(&self) -> Value {
        let mut models = Map::new();
        let mut details = Map::new();
        for m in &self.models {
            let flat: Map<String, Value> =
                m.metrics.flat().into_iter().map(|(name, v)| (name, json!(v))).collect();
            models.insert(m.name.clone(), Value::Object(flat));
            let groups: Map<String, Value> = m
                .metrics
                .groups
                .iter()
                .map(|g| {
                    let mut metrics = Map::new();
                    for (k, accuracy) in self.ks.iter().zip(&g.at_k) {
                        for (name, v) in ACCURACY_NAMES.iter().zip(accuracy.values()) {
                            metrics.insert(metric_name(name, *k), json!(v));
                        }
                    }
                    let group = json!({
                        "interactions": g.group.range(), "users": g.users, "metrics": metrics
                    });
                    (g.group.name().to_string(), group)
                })
                .collect();
            let search = m.search.as_ref().map(|s| {
                let trials: Vec<Value> = s
                    .trials
                    .iter()
                    .map(|t| {
                        let params: Map<String, Value> =
                            t.params.iter().map(|(k, v)| (k.clone(), json!(v))).collect();
                        json!({"params": params, "value": t.value, "fit_seconds": t.fit_seconds})
                    })
                    .collect();
                json!({
                    "strategy": s.strategy, "target": s.target, "best_value": s.best_value,
                    "seconds": s.seconds, "trials": trials,
                })
            });
            details.insert(
                m.name.clone(),
                json!({
                    "model": m.model, "config": m.config, "fit_seconds": m.fit_seconds,
                    "eval_seconds": m.eval_seconds, "users": m.metrics.users,
                    "groups": groups, "search": search,
                }),
            );
        }
        let negatives = match self.protocol {
            Protocol::Sampled { negatives } => json!(negatives),
            Protocol::Full { .. } => Value::Null,
        };
        json!({
            "models": models,
            "details": details,
            "protocol": {
                "name": self.protocol.label(),
                "spec": self.protocol.to_string(),
                "sampled": matches!(self.protocol, Protocol::Sampled { .. }),
                "negatives": negatives,
                "description": self.protocol.describe(),
            },
            "split": {
                "spec": self.split.spec, "description": self.split.description,
                "seed": self.split.seed, "train": self.split.train,
                "validation": self.split.validation, "test": self.split.test,
            },
            "dataset": {
                "name": self.dataset.name, "users": self.dataset.users,
                "items": self.dataset.items, "interactions": self.dataset.interactions,
            },
            "ks": self.ks,
        })
    }

    /// The report as Markdown: the setup, then a table per K.
    pub fn to_markdown(&self) -> String {
        markdown::render(self)
    }

    /// The charts as `(file name, SVG document)`: NDCG and HR at each K, and accuracy against
    /// item coverage.
    pub fn charts(&self) -> Vec<(&'static str, String)> {
        svg::charts(self)
    }

    /// `" (sampled)"` under the sampled protocol, for titles.
    pub(crate) fn sampled_note(&self) -> &'static str {
        match self.protocol {
            Protocol::Sampled { .. } => " (sampled)",
            Protocol::Full { .. } => "",
        }
    }
}

/// Numbers that came from `f32` fields print as their shortest `f32` form (`0.01`, not
/// `0.009999999776482582`), so configurations read the way they were written.
pub(crate) fn tidy_floats(value: Value) -> Value {
    match value {
        Value::Number(n) if n.is_f64() => {
            let v = n.as_f64().unwrap_or(f64::NAN);
            let short = v as f32;
            let tidy =
                if f64::from(short) == v { format!("{short}").parse().unwrap_or(v) } else { v };
            serde_json::Number::from_f64(tidy).map_or(Value::Number(n), Value::Number)
        }
        Value::Array(items) => Value::Array(items.into_iter().map(tidy_floats).collect()),
        Value::Object(fields) => {
            Value::Object(fields.into_iter().map(|(k, v)| (k, tidy_floats(v))).collect())
        }
        other => other,
    }
}

/// Writes `report.json`, `report.md` and the charts into `dir` (created if missing) and returns
/// the paths written.
pub fn write_report(dir: &Path, report: &Report) -> Result<Vec<PathBuf>> {
    let io = |path: &Path| {
        let path = path.to_path_buf();
        move |source| Error::Io { path, source }
    };
    std::fs::create_dir_all(dir).map_err(io(dir))?;
    let json = serde_json::to_string_pretty(&report.to_json())
        .map_err(|e| Error::Data(format!("the report could not be encoded as JSON: {e}")))?;
    let mut files = vec![(JSON_FILE, json + "\n"), (MARKDOWN_FILE, report.to_markdown())];
    files.extend(report.charts());
    let mut written = Vec::with_capacity(files.len());
    for (name, text) in files {
        let path = dir.join(name);
        std::fs::write(&path, text).map_err(io(&path))?;
        written.push(path);
    }
    Ok(written)
}
