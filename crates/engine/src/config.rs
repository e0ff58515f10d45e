//! Configuration: `aisle.toml`, overridden by `AISLE_*` environment variables, overridden by
//! command-line flags.
//!
//! Layers, weakest first: built-in defaults; `<data-dir>/aisle.toml`; the file named by
//! `--config` or `AISLE_CONFIG`; environment variables; flags. An environment variable names a
//! key by its path in upper case with `__` between sections: `AISLE_DATA_DIR` sets `data_dir`,
//! `AISLE_STORE__BACKEND` sets `store.backend`. Variables that name no key are ignored, so test
//! and tool variables sharing the prefix do no harm.

use std::path::{Path, PathBuf};

use aisle_domain::EventWeights;
use serde::{Deserialize, Serialize};

use crate::{Error, Result};

/// Which store holds the shop's data.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum StoreBackend {
    /// One SQLite file in the data directory (the default).
    #[default]
    Embedded,
    /// A PostgreSQL server.
    Postgres,
}

/// `[store]`: where data lives.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct StoreConfig {
    /// `embedded` or `postgres`.
    pub backend: StoreBackend,
    /// `postgres://user:password@host:port/database`, for the postgres backend.
    pub postgres_url: Option<String>,
    /// PostgreSQL schema to keep Aisle's tables in (created if missing); default: the
    /// connection's default schema. Lets several shops share one database.
    pub postgres_schema: Option<String>,
}

/// `[import]`: how files are read.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ImportConfig {
    /// Rows per transaction.
    pub chunk_rows: usize,
    /// Currency of prices in files that do not name one (UCI Online Retail is in GBP).
    pub currency: String,
}

impl Default for ImportConfig {
    fn default() -> Self {
        Self { chunk_rows: 50_000, currency: "GBP".into() }
    }
}

/// `[training]`: what models learn from.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct TrainingConfig {
    /// Add anonymous sessions as rows of the training matrix, after the users: needed for
    /// session-only data such as Diginetica, where no event names a signed-in user.
    pub include_sessions: bool,
}

/// `[server]`: how `aisle serve` listens and what it lets through.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ServerConfig {
    /// Address to listen on when `--addr` is not given.
    pub addr: String,
    /// The model behind home feeds, session feeds and re-ranking.
    pub model: String,
    /// The model behind similar items (an item-to-item model reads best).
    pub similar_model: String,
    /// The model behind "bought together" (association rules over orders).
    pub bought_together_model: String,
    /// Largest request body accepted, in bytes.
    pub max_body_bytes: usize,
    /// Requests per second each API key may make (0: no limit); bursts up to one second's worth.
    pub rate_limit_per_key: u32,
    /// Origins allowed by CORS, comma-separated (`*` for any; empty: no CORS headers).
    pub cors_origins: String,
    /// Retrain the serving models every this many minutes (0: only on demand).
    pub retrain_every_minutes: u64,
    /// Factor models (ALS, BPR) serve from an approximate nearest-neighbour index over the
    /// item vectors once the catalog has at least this many items (0: always score every item).
    pub ann_min_items: usize,
    /// Lists of that index a request scores exactly (more: better recall, slower); the index
    /// has about `2√items` lists.
    pub ann_probes: usize,
    /// Serve the demo storefront at `/shop` and its keyless API under `/shop/api` (anyone who
    /// can reach the server can then browse, and post events as any shopper: turn it off in
    /// production).
    pub storefront: bool,
}

impl Default for ServerConfig {
    fn default() -> Self {
        Self {
            addr: "127.0.0.1:8080".into(),
            model: "ease".into(),
            similar_model: "item-knn".into(),
            bought_together_model: "rules".into(),
            max_body_bytes: 8 * 1024 * 1024,
            rate_limit_per_key: 0,
            cors_origins: String::new(),
            retrain_every_minutes: 0,
            ann_min_items: 20_000,
            ann_probes: 32,
            storefront: true,
        }
    }
}

/// `[search]`: product search.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct SearchConfig {
    /// Use sentence embeddings when a model is installed (semantic and hybrid search).
    pub semantic: bool,
    /// The embedding model: a Hugging Face BERT-family directory (config.json, tokenizer.json,
    /// model.safetensors); default `<data-dir>/embedding-model`, where `aisle models install`
    /// puts all-MiniLM-L6-v2.
    pub model_dir: Option<PathBuf>,
}

impl Default for SearchConfig {
    fn default() -> Self {
        Self { semantic: true, model_dir: None }
    }
}

/// `[reviews]`: review intelligence.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ReviewsConfig {
    /// A directory holding `sentiment-en.bin` and `sentiment-zh.bin` from `aisle reviews
    /// train`; default: the models built into Aisle.
    pub model_dir: Option<PathBuf>,
}

/// `[assistant]`: the shopping assistant.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct AssistantConfig {
    /// `[assistant.llm]`: the model that rewords replies and chooses between close intents;
    /// off by default (templates).
    pub llm: aisle_llm::LlmConfig,
    /// Languages the LLM rewords replies in (`en`, `zh`); the small local model writes English
    /// only, so Chinese replies stay with the templates unless listed.
    pub llm_languages: Vec<String>,
}

impl Default for AssistantConfig {
    fn default() -> Self {
        Self { llm: aisle_llm::LlmConfig::Off, llm_languages: vec!["en".into()] }
    }
}

/// Everything Aisle can be told.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Config {
    /// Directory for the embedded store, rejects files and reports.
    pub data_dir: PathBuf,
    /// Log filter, `tracing` syntax: `info`, `aisle_store=debug`...
    pub log: String,
    /// `[store]`.
    pub store: StoreConfig,
    /// `[import]`.
    pub import: ImportConfig,
    /// `[weights]`: how much each kind of event counts in the interaction matrix.
    pub weights: EventWeights,
    /// `[training]`.
    pub training: TrainingConfig,
    /// `[server]`.
    pub server: ServerConfig,
    /// `[search]`.
    pub search: SearchConfig,
    /// `[reviews]`.
    pub reviews: ReviewsConfig,
    /// `[assistant]`.
    pub assistant: AssistantConfig,
}

impl Default for Config {
    fn default() -> Self {
        Self {
            data_dir: PathBuf::from("aisle-data"),
            log: "info".into(),
            store: StoreConfig::default(),
            import: ImportConfig::default(),
            weights: EventWeights::default(),
            training: TrainingConfig::default(),
            server: ServerConfig::default(),
            search: SearchConfig::default(),
            reviews: ReviewsConfig::default(),
            assistant: AssistantConfig::default(),
        }
    }
}

/// Keys whose default is absent, so the defaults' table cannot show they exist or their type;
/// `true` marks text keys.
const OPTIONAL_KEYS: [(&[&str], bool); 9] = [
    (&["assistant", "llm", "model_path"], true),
    (&["assistant", "llm", "base_url"], true),
    (&["assistant", "llm", "model"], true),
    (&["assistant", "llm", "api_key"], true),
    (&["search", "model_dir"], true),
    (&["reviews", "model_dir"], true),
    (&["store", "postgres_url"], true),
    (&["store", "postgres_schema"], true),
    (&["weights", "half_life_days"], false),
];

impl Config {
    /// Loads the layers from the real environment. `config_file` is `--config`; `data_dir` is
    /// `--data-dir`.
    pub fn load(config_file: Option<PathBuf>, data_dir: Option<PathBuf>) -> Result<Self> {
        Self::load_from(config_file, data_dir, std::env::vars())
    }

    /// Loads the layers with the given environment, for tests.
    pub fn load_from(
        config_file: Option<PathBuf>,
        data_dir: Option<PathBuf>,
        env: impl IntoIterator<Item = (String, String)>,
    ) -> Result<Self> {
        let env: Vec<(String, String)> = env.into_iter().collect();
        let env_var = |name: &str| env.iter().find(|(k, _)| k == name).map(|(_, v)| v.clone());
        let explicit_file = config_file.or_else(|| env_var("AISLE_CONFIG").map(PathBuf::from));
        let explicit = match &explicit_file {
            Some(path) => Some(read_table(path)?),
            None => None,
        };
        let chosen_dir = data_dir
            .clone()
            .or_else(|| env_var("AISLE_DATA_DIR").map(PathBuf::from))
            .or_else(|| {
                explicit
                    .as_ref()
                    .and_then(|t| t.get("data_dir"))
                    .and_then(|v| v.as_str())
                    .map(PathBuf::from)
            })
            .unwrap_or_else(|| Config::default().data_dir);

        let mut merged = toml::Table::new();
        let dir_file = chosen_dir.join("aisle.toml");
        if dir_file.is_file() {
            merge(&mut merged, read_table(&dir_file)?);
        }
        if let Some(table) = explicit {
            merge(&mut merged, table);
        }
        apply_env(&mut merged, &env)?;
        let source = explicit_file.as_deref().unwrap_or(&dir_file).display().to_string();
        let mut config: Config = toml::Value::Table(merged)
            .try_into()
            .map_err(|e: toml::de::Error| Error::Config { detail: format!("{source}: {e}") })?;
        if let Some(dir) = data_dir {
            config.data_dir = dir;
        } else if config.data_dir.as_os_str().is_empty() {
            config.data_dir = chosen_dir;
        }
        config.validate()?;
        Ok(config)
    }

    /// Checks values the types cannot.
    pub fn validate(&self) -> Result<()> {
        if !(1..=1_000_000).contains(&self.import.chunk_rows) {
            return Err(Error::Config {
                detail: format!(
                    "import.chunk_rows is {}; use 1 to 1,000,000",
                    self.import.chunk_rows
                ),
            });
        }
        if self.store.backend == StoreBackend::Postgres && self.store.postgres_url.is_none() {
            return Err(Error::Config {
                detail: "store.backend is \"postgres\" but store.postgres_url is not set".into(),
            });
        }
        Ok(())
    }

    /// The configuration with its secrets replaced by `***` (the PostgreSQL URL's password, in
    /// any of its forms), for showing.
    pub fn redacted(&self) -> Config {
        let mut shown = self.clone();
        shown.store.postgres_url = shown.store.postgres_url.as_deref().map(aisle_store::redact_url);
        shown
    }

    /// The configuration as TOML, for `aisle init` to write and `aisle config` to show. The
    /// PostgreSQL password is masked.
    pub fn to_toml(&self) -> String {
        let mut shown = self.clone();
        shown.store.postgres_url = shown.store.postgres_url.as_deref().map(mask_password);
        toml::to_string_pretty(&shown).unwrap_or_default()
    }
}

fn read_table(path: &Path) -> Result<toml::Table> {
    let text = std::fs::read_to_string(path).map_err(|e| Error::Config {
        detail: format!("cannot read config file {}: {e}", path.display()),
    })?;
    text.parse::<toml::Table>()
        .map_err(|e| Error::Config { detail: format!("{}: {e}", path.display()) })
}

fn merge(base: &mut toml::Table, over: toml::Table) {
    for (key, value) in over {
        match (base.get_mut(&key), value) {
            (Some(toml::Value::Table(b)), toml::Value::Table(o)) => merge(b, o),
            (_, value) => {
                base.insert(key, value);
            }
        }
    }
}

/// Sets every `AISLE_*` variable that names a known key; a value is read as the type of the
/// key's default (so `AISLE_IMPORT__CHUNK_ROWS=1000` is a number, a URL stays a string).
fn apply_env(table: &mut toml::Table, env: &[(String, String)]) -> Result<()> {
    let defaults = toml::Table::try_from(Config::default()).unwrap_or_default();
    for (name, raw) in env {
        let Some(rest) = name.strip_prefix("AISLE_") else { continue };
        if rest == "CONFIG" {
            continue;
        }
        let path: Vec<String> = rest.split("__").map(str::to_ascii_lowercase).collect();
        let default = lookup(&defaults, &path);
        let optional = OPTIONAL_KEYS
            .iter()
            .find(|(key, _)| key.iter().copied().eq(path.iter().map(String::as_str)))
            .map(|(_, is_text)| *is_text);
        let value = match (default, optional) {
            (Some(toml::Value::Table(_)), _) | (None, None) => {
                tracing::debug!(variable = %name, "environment variable names no configuration key");
                continue;
            }
            (Some(toml::Value::String(_)), _) | (None, Some(true)) => {
                toml::Value::String(raw.clone())
            }
            (Some(_), _) | (None, Some(false)) => format!("v = {raw}")
                .parse::<toml::Table>()
                .ok()
                .and_then(|mut t| t.remove("v"))
                .ok_or_else(|| Error::Config {
                    detail: format!("{name}={raw:?} is not a valid value for `{}`", path.join(".")),
                })?,
        };
        set(table, &path, value);
    }
    Ok(())
}

fn lookup<'a>(table: &'a toml::Table, path: &[String]) -> Option<&'a toml::Value> {
    let (first, rest) = path.split_first()?;
    let value = table.get(first)?;
    match (rest.is_empty(), value) {
        (true, v) => Some(v),
        (false, toml::Value::Table(t)) => lookup(t, rest),
        _ => None,
    }
}

fn set(table: &mut toml::Table, path: &[String], value: toml::Value) {
    let Some((first, rest)) = path.split_first() else { return };
    if rest.is_empty() {
        table.insert(first.clone(), value);
        return;
    }
    let entry =
        table.entry(first.clone()).or_insert_with(|| toml::Value::Table(toml::Table::new()));
    if let toml::Value::Table(inner) = entry {
        set(inner, rest, value);
    }
}

/// Replaces the password of a URL with `***`.
pub(crate) fn mask_password(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else { return url.to_string() };
    let Some((credentials, host)) = rest.rsplit_once('@') else { return url.to_string() };
    match credentials.split_once(':') {
        Some((user, _)) => format!("{scheme}://{user}:***@{host}"),
        None => url.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect()
    }

    #[test]
    fn layers_apply_weakest_first() {
        let dir = tempfile::tempdir().expect("tempdir");
        std::fs::write(
            dir.path().join("aisle.toml"),
            "[import]\nchunk_rows = 10\ncurrency = \"EUR\"\n",
        )
        .expect("write");
        let config = Config::load_from(
            None,
            Some(dir.path().to_path_buf()),
            env(&[("AISLE_IMPORT__CHUNK_ROWS", "20"), ("AISLE_TEST_POSTGRES_URL", "ignored")]),
        )
        .expect("loads");
        assert_eq!(config.import.chunk_rows, 20);
        assert_eq!(config.import.currency, "EUR");
        assert_eq!(config.data_dir, dir.path());
    }

    #[test]
    fn data_dir_comes_from_the_environment_when_no_flag_is_given() {
        let config = Config::load_from(None, None, env(&[("AISLE_DATA_DIR", "/tmp/aisle-x")]))
            .expect("loads");
        assert_eq!(config.data_dir, PathBuf::from("/tmp/aisle-x"));
    }

    #[test]
    fn optional_keys_and_urls_are_set_from_the_environment() {
        let config = Config::load_from(
            None,
            None,
            env(&[
                ("AISLE_STORE__BACKEND", "postgres"),
                ("AISLE_STORE__POSTGRES_URL", "postgres://a:secret@localhost/db"),
                ("AISLE_WEIGHTS__HALF_LIFE_DAYS", "14"),
                ("AISLE_STORE__POSTGRES_SCHEMA", "shop1"),
            ]),
        )
        .expect("loads");
        assert_eq!(config.store.backend, StoreBackend::Postgres);
        assert_eq!(config.weights.half_life_days, Some(14.0));
        assert_eq!(config.store.postgres_schema.as_deref(), Some("shop1"));
        assert!(config.to_toml().contains("postgres://a:***@localhost/db"));
    }

    #[test]
    fn redacted_hides_every_form_of_the_password() {
        for (url, shown) in [
            ("postgres://a:secret@db/shop", "postgres://a:***@db/shop"),
            ("postgres://db/shop?user=a&password=secret", "postgres://db/shop?user=a&password=***"),
            ("host=db user=a password=secret", "host=db user=a password=***"),
        ] {
            let mut config = Config::default();
            config.store.postgres_url = Some(url.into());
            let redacted = config.redacted();
            assert_eq!(redacted.store.postgres_url.as_deref(), Some(shown));
            assert_eq!(Config { store: config.store.clone(), ..redacted }, config, "only the URL");
        }
    }

    #[test]
    fn unknown_keys_and_bad_values_are_reported_with_the_file() {
        let dir = tempfile::tempdir().expect("tempdir");
        let file = dir.path().join("custom.toml");
        std::fs::write(&file, "[import]\nchunk_rowz = 10\n").expect("write");
        let err = Config::load_from(Some(file), None, env(&[])).expect_err("unknown key");
        let text = err.to_string();
        assert!(text.contains("custom.toml") && text.contains("chunk_rowz"), "{text}");
        let err = Config::load_from(None, None, env(&[("AISLE_IMPORT__CHUNK_ROWS", "many")]))
            .expect_err("bad number");
        assert!(err.to_string().contains("AISLE_IMPORT__CHUNK_ROWS"), "{err}");
        let err = Config::load_from(None, None, env(&[("AISLE_IMPORT__CHUNK_ROWS", "0")]))
            .expect_err("zero");
        assert!(err.to_string().contains("chunk_rows"), "{err}");
    }
}
