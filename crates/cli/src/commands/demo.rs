//! `aisle demo`: the README's first command. Creates a demo shop in the data directory (or
//! reopens the one already there) and shows what it holds.

use std::process::ExitCode;

use aisle_engine::{Config, GenerateOptions};

use crate::cli::DemoArgs;
use crate::progress::Bar;

/// Generates the demo shop unless the store already holds data, then prints its statistics.
pub fn run(config: &Config, args: DemoArgs) -> anyhow::Result<ExitCode> {
    let engine = super::open(config)?;
    let before = engine.stats()?;
    if before.events == 0 {
        println!(
            "Creating a demo shop of about {} events in {}",
            args.events,
            config.data_dir.display()
        );
        let bar = Bar::events("generating");
        let report = engine
            .generate(GenerateOptions { events: args.events, seed: args.seed }, &mut |p| {
                bar.update(p)
            })?;
        bar.finish();
        println!("Generated in {:.1} s", report.seconds);
    } else {
        println!(
            "The data directory {} already holds a shop; showing it.",
            config.data_dir.display()
        );
    }
    super::data::print_stats(&engine.stats()?);
    println!();
    println!(
        "Next: `aisle --data-dir {} stats --json`, or import your own data with `aisle import`.",
        config.data_dir.display()
    );
    Ok(ExitCode::SUCCESS)
}
