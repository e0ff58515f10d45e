//! One function per command; each loads what it needs from the engine and prints a report.

mod analytics;
mod assistant;
mod data;
mod demo;
mod experiments;
mod forecast;
mod matrix;
mod models;
mod profiles;
mod reviews;
pub(crate) mod search;
mod serve;

use std::process::ExitCode;

use aisle_engine::{Config, Engine};
use anyhow::Context;

use crate::cli::{Cli, Command};

/// Runs a parsed command line.
pub fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    let config = Config::load(cli.config.clone(), cli.data_dir.clone())?;
    init_logging(cli.log.as_deref().unwrap_or(&config.log));
    match cli.command {
        Command::Init => data::init(&config),
        Command::Config => {
            emit!("{}", config.to_toml().trim_end());
            Ok(ExitCode::SUCCESS)
        }
        Command::Import(args) => data::import(&open(&config)?, args),
        Command::Generate(args) => data::generate(&open(&config)?, args),
        Command::Stats(args) => data::stats(&open(&config)?, args.json),
        Command::Demo(args) => demo::run(&config, args),
        Command::Matrix(args) => matrix::run(&open(&config)?, args),
        Command::Train(args) => models::train(&open(&config)?, args),
        Command::Recommend(args) => models::recommend(&open(&config)?, args),
        Command::Eval(args) => models::eval(&open(&config)?, args),
        Command::Serve(args) => serve::serve(open(&config)?, args),
        Command::Keys(args) => serve::keys(&config, args),
        Command::Search(args) => search::search(&open(&config)?, args),
        Command::Models(args) => search::models(&open(&config)?, args),
        Command::Reviews(args) => reviews::run(&config, args),
        Command::Profiles(args) => profiles::run(&config, args),
        Command::Forecast(args) => forecast::run(&config, args),
        Command::Experiments(args) => experiments::run(&config, args),
        Command::Report(args) => analytics::report(&config, args),
        Command::Analytics(args) => analytics::run(&config, args),
        Command::Assistant(args) => assistant::run(&config, args),
    }
}

fn open(config: &Config) -> anyhow::Result<Engine> {
    Engine::open(config)
        .with_context(|| format!("cannot open the store in {}", config.data_dir.display()))
}

fn init_logging(filter: &str) {
    let filter = tracing_subscriber::EnvFilter::try_new(filter)
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    let _ =
        tracing_subscriber::fmt().with_env_filter(filter).with_writer(std::io::stderr).try_init();
}
