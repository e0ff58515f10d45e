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
