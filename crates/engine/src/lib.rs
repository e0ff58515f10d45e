//! The one facade Aisle's binaries use: it owns the store handle and runs the jobs (import,
//! generate, statistics, matrix export) that move data from the readers into storage.
//!
//! The CLI and, later, the HTTP server are thin clients of [`Engine`]; they never reach past it
//! into `aisle-store` or `aisle-ingest`. The engine knows nothing of HTTP or terminals: long jobs
//! report progress through a callback ([`Progress`]) that the caller renders.
//!
//! ```no_run
//! use aisle_engine::{Config, Engine};
//! let config = Config::load(None, Some("./aisle-data".into())).unwrap();
//! let engine = Engine::open(&config).unwrap();
//! println!("{} events", engine.stats().unwrap().events);
//! ```

mod config;
mod content_match;
mod error;
mod evaluation;
mod experiments;
mod forecasts;
mod generate;
mod import;
mod inventory;
mod marketing;
mod matrix;
mod next_basket;
mod product_search;
mod profiles;
mod progress;
mod recommendations;
mod reviews;
mod serving;
mod shop_assistant;
mod shoppers;
mod stats;
mod train;
mod training_set;

/// Shopping analytics' types (periods, funnels, paths, attribution, KPIs, the report page), as
/// the binaries use them.
pub use aisle_analytics as analytics;
/// The shopping assistant's types (conversations, tools, knowledge base, turns), as the
/// binaries use them.
pub use aisle_assistant as assistant;
/// A/B experiments' types (definitions, assignment, counts, results), as the binaries use them.
pub use aisle_experiments as experiment;
pub use aisle_ingest::Format;
/// The LLM backends' types (configuration, chat messages), as the binaries use them.
pub use aisle_llm as llm;
/// Intent and slot reading's types, as the binaries use them.
pub use aisle_nlu as nlu;
/// Shopper profiles' types (the profile, RFM, segments, lifecycle), as the binaries use them.
pub use aisle_profiles as profile;
pub use aisle_recommend::{FitProgress, MODEL_NAMES};
/// Review intelligence's types (sentiment, aspects, keywords, summaries), as the binaries use them.
pub use aisle_reviews as review_text;
/// Product search's types (requests, results, settings, the index), as the binaries use them.
pub use aisle_search as search;
/// Totals of what the store did over the transactions of one job.
pub use aisle_store::WriteReport as Written;
pub use aisle_store::{Activity, DayCount, UserSummary, DAY_MILLIS};
pub use config::{
    AssistantConfig, Config, ImportConfig, ReviewsConfig, SearchConfig, ServerConfig, StoreBackend,
    StoreConfig, TrainingConfig,
};
pub use error::{Error, Result};
pub use evaluation::{default_search, EvalOutcome, EvalRequest};
pub use experiments::ExperimentFiles;
pub use forecasts::{
    DemandForecast, DemandKey, DemandRequest, Period, PeriodValue, SeriesForecast, MAX_HORIZON,
    MIN_PERIODS,
};
pub use generate::{GenerateOptions, GenerateReport};
pub use import::{read_rejects, ImportOptions, ImportReport, RejectedRow};
pub use inventory::{ModelSummary, StoredReport, VersionSummary};
pub use marketing::{MarketingReport, ANALYTICS_TOP, DEFAULT_PERIOD_DAYS};
pub use matrix::{MatrixReport, MatrixRequest};
pub use next_basket::MAX_NEXT_BASKET;
pub use product_search::{default_model_dir, ModelInfo, OpenedSearch, SemanticState, SyncReport};
pub use profiles::{
    Predictions, ProfileContext, CHURN_HORIZON_DAYS, PROFILE_EVENTS, PROPENSITY_HORIZON_DAYS,
};
pub use progress::Progress;
pub use recommendations::{RecommendReport, Recommendation};
pub use reviews::{
    summarize_item, train_sentiment, CategoryKeywords, ModelSource, ReviewCorpus,
    SentimentTraining, KEYWORDS, UCI_FILES,
};
pub use serving::{History, Ranking, Snapshot};
pub use shop_assistant::Ticket;
pub use stats::Stats;
pub use train::{TrainReport, TrainRequest};
pub use training_set::{Offer, TrainingSet};

use std::path::{Path, PathBuf};

use aisle_store::{EmbeddedStore, PostgresStore, Store};

/// An open Aisle installation: configuration plus a live store.
pub struct Engine {
    config: Config,
    store: Box<dyn Store>,
}

impl Engine {
    /// Opens (creating if needed) the store the configuration names and brings its schema up to
    /// date.
    pub fn open(config: &Config) -> Result<Self> {
        let store: Box<dyn Store> = match config.store.backend {
            StoreBackend::Embedded => Box::new(EmbeddedStore::open(&config.data_dir)?),
            StoreBackend::Postgres => {
                let url = config.store.postgres_url.as_deref().ok_or(Error::Config {
                    detail: "store.backend is \"postgres\" but store.postgres_url is not set; \
                             set it in aisle.toml or AISLE_STORE__POSTGRES_URL"
                        .into(),
                })?;
                match &config.store.postgres_schema {
                    Some(schema) => Box::new(PostgresStore::connect_with_schema(url, schema)?),
                    None => Box::new(PostgresStore::connect(url)?),
                }
            }
        };
        tracing::debug!(backend = ?store.backend(), "store open");
        Ok(Self { config: config.clone(), store })
    }

    /// The configuration the engine runs with.
    pub fn config(&self) -> &Config {
        &self.config
    }

    /// The data directory.
    pub fn data_dir(&self) -> &Path {
        &self.config.data_dir
    }

    /// The store, for the crates downstream of the engine that read from it.
    pub fn store(&self) -> &dyn Store {
        self.store.as_ref()
    }

    /// Writes one batch in one transaction (all or nothing): what the HTTP API's writes go
    /// through. Validate records before; the store refuses nothing a validated record holds.
    pub fn write(&self, batch: &aisle_domain::Batch) -> Result<Written> {
        Ok(self.store.write(batch)?)
    }

    /// Where an import's rejected rows go unless the caller names a file.
    pub fn default_rejects_path(&self, format: Format) -> PathBuf {
        let stamp = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_secs())
            .unwrap_or_default();
        self.config.data_dir.join("rejects").join(format!("{}-{stamp}.jsonl", format.as_str()))
    }
}
