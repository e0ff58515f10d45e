//! The train job: read the training snapshot, fit a model from the registry, store it as a new
//! active version with what was recorded about it (`v<N>.meta.json`: when, how long, on what).

use std::time::Instant;

use aisle_recommend::registry::{self, ModelConfig};
use aisle_recommend::{FitProgress, TrainData};
use aisle_store::ModelFiles;
use serde::Serialize;

use crate::{Engine, Error, Result};

/// What to train.
#[derive(Debug, Clone)]
pub struct TrainRequest {
    /// Registry name (`popular`, `ease`, `als`...).
    pub model: String,
    /// Hyper-parameters as `key=value` overrides of the model's defaults.
    pub params: Vec<(String, String)>,
    /// Training threads; 0 means all cores.
    pub threads: usize,
}

/// What a train job did; serialized for `aisle train --json`.
#[derive(Debug, Clone, Serialize)]
pub struct TrainReport {
    /// Registry name.
    pub model: String,
    /// The new version, now active.
    pub version: u32,
    /// The artifact file.
    pub path: String,
    /// The configuration trained with.
    pub config: serde_json::Value,
    /// Users (rows) trained on.
    pub users: usize,
    /// Items scored.
    pub items: usize,
    /// User-item pairs trained on.
    pub interactions: usize,
    /// Seconds reading the training data from the store.
    pub load_seconds: f64,
    /// Seconds fitting.
    pub fit_seconds: f64,
}

impl Engine {
    /// The model files of this data directory.
    pub fn model_files(&self) -> ModelFiles {
        ModelFiles::new(&self.config.data_dir)
    }

    /// Trains one model and activates it.
    pub fn train(&self, request: &TrainRequest) -> Result<TrainReport> {
        self.train_with_progress(request, None)
    }

    /// [`Engine::train`], reporting a long fit's progress (the transformer's steps, loss and
    /// validation metric) to `progress`.
    pub fn train_with_progress(
        &self,
        request: &TrainRequest,
        progress: Option<&(dyn Fn(&FitProgress) + Sync)>,
    ) -> Result<TrainReport> {
        let config = model_config(&request.model, &request.params)?;
        let started = Instant::now();
        let set = self.training_set()?;
        let load_seconds = started.elapsed().as_secs_f64();
        if set.matrix.nnz() == 0 {
            return Err(Error::Model(aisle_recommend::Error::NoData {
                model: config.name(),
                detail: "the store has no interactions to learn from; import events or run `aisle generate`"
                    .into(),
            }));
        }
        // Checkpoints of an interrupted fit live beside the model's versions.
        let work_dir = self.config.data_dir.join("models").join(config.name()).join("work");
        let data = TrainData {
            items: &set.items,
            baskets: &set.baskets,
            threads: request.threads,
            progress,
            work_dir: Some(&work_dir),
            ..TrainData::new(&set.matrix)
        };
        let fit_started = Instant::now();
        let model = registry::fit(&config, &data)?;
        let fit_seconds = fit_started.elapsed().as_secs_f64();
        let n_users = set.matrix.n_rows;
        // What the dashboard shows of each version; the artifact itself stays as it was.
        let meta = serde_json::json!({
            "trained_at": now().to_rfc3339(),
            "fit_seconds": fit_seconds,
            "load_seconds": load_seconds,
            "users": n_users,
            "items": set.matrix.n_items,
            "interactions": set.matrix.nnz(),
        });
        let version = self.model_files().save_with_meta(config.name(), &meta, |out| {
            registry::save(model.as_ref(), &config, n_users, out)
        })?;
        tracing::info!(
            model = config.name(),
            version = version.version,
            fit_seconds,
            "model trained"
        );
        Ok(TrainReport {
            model: config.name().to_string(),
            version: version.version,
            path: version.path.display().to_string(),
            config: serde_json::to_value(&config).unwrap_or_default(),
            users: n_users,
            items: set.matrix.n_items,
            interactions: set.matrix.nnz(),
            load_seconds,
            fit_seconds,
        })
    }
}

/// The current time (the epoch if the clock is before it).
pub(crate) fn now() -> aisle_domain::Timestamp {
    let millis = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_millis()).unwrap_or(0));
    aisle_domain::Timestamp::from_millis(millis).unwrap_or(aisle_domain::Timestamp::EPOCH)
}

/// A registry configuration from a name and `key=value` overrides.
pub(crate) fn model_config(name: &str, params: &[(String, String)]) -> Result<ModelConfig> {
    let mut config = ModelConfig::default_for(name).ok_or_else(|| Error::Config {
        detail: format!(
            "unknown model {name:?}; choose one of {}",
            registry::MODEL_NAMES.join(", ")
        ),
    })?;
    for (key, value) in params {
        config.set(key, value)?;
    }
    config.validate()?;
    Ok(config)
}
