//! Data commands: `init`, `import`, `generate`, `stats`.

use std::process::ExitCode;

use aisle_engine::{
    Config, Engine, Format, GenerateOptions, ImportOptions, ImportReport, Stats, Written,
};

use crate::cli::{GenerateArgs, ImportArgs};
use crate::format::thousands;
use crate::progress::Bar;

/// `aisle init`: data directory, default config file, empty store with its schema.
pub fn init(config: &Config) -> anyhow::Result<ExitCode> {
    std::fs::create_dir_all(&config.data_dir).map_err(|e| {
        anyhow::anyhow!("cannot create data directory {}: {e}", config.data_dir.display())
    })?;
    let config_path = config.data_dir.join("aisle.toml");
    if !config_path.exists() {
        let text = format!(
            "# Aisle configuration. Every key can be overridden by an environment variable:\n\
             # AISLE_<SECTION>__<KEY>, e.g. AISLE_STORE__BACKEND=postgres.\n\n{}",
            config.to_toml()
        );
        std::fs::write(&config_path, text)
            .map_err(|e| anyhow::anyhow!("cannot write {}: {e}", config_path.display()))?;
    }
    let engine = super::open(config)?;
    let stats = engine.stats()?;
    emit!(
        "Aisle data directory ready: {} ({} store, schema version {}, config {})",
        config.data_dir.display(),
        stats.backend,
        stats.schema_version,
        config_path.display()
    );
    Ok(ExitCode::SUCCESS)
}

/// `aisle import FORMAT PATH...`.
pub fn import(engine: &Engine, args: ImportArgs) -> anyhow::Result<ExitCode> {
    let format = Format::parse(&args.format)
        .ok_or_else(|| anyhow::anyhow!("unknown format {:?}", args.format))?;
    let options = ImportOptions { format, paths: args.paths, rejects_path: args.rejects };
    let bar = Bar::bytes(&format!("importing {}", format.as_str()));
    let report = engine.import(&options, &mut |p| bar.update(p))?;
    bar.finish();
    if args.json {
        emit!("{}", serde_json::to_string_pretty(&report)?);
    } else {
        print_import(&report)?;
    }
    if let Some(failure) = &report.failure {
        eprintln!("error: {failure}");
        return Ok(ExitCode::from(1));
    }
    if args.strict && report.rows_rejected > 0 {
        eprintln!(
            "error: {} rows were rejected and --strict is set",
            thousands(report.rows_rejected)
        );
        return Ok(ExitCode::from(1));
    }
    Ok(ExitCode::SUCCESS)
}

fn print_import(r: &ImportReport) -> anyhow::Result<()> {
    emit!(
        "Imported {}: {} lines in {:.2} s ({} lines/s)",
        r.format,
        thousands(r.lines),
        r.seconds,
        thousands(r.lines_per_second as u64)
    );
    emit!(
        "  rows accepted {}, rejected {}",
        thousands(r.rows_accepted),
        thousands(r.rows_rejected)
    );
    if let Some(path) = &r.rejects_file {
        emit!("  rejected rows, with file, line, field and reason: {path}");
    }
    print_written(&r.written)?;
    if r.failure.is_some() {
        emit!("  the import stopped early; everything listed above is stored");
    }
    Ok(())
}

fn print_written(w: &Written) -> anyhow::Result<()> {
    let rows = [
        ("items", w.items_inserted, w.items_updated, w.items_unchanged),
        ("users", w.users_inserted, w.users_updated, w.users_unchanged),
        ("orders", w.orders_inserted, w.orders_updated, w.orders_unchanged),
        ("reviews", w.reviews_inserted, w.reviews_updated, w.reviews_unchanged),
    ];
    for (name, new, updated, unchanged) in rows {
        if new + updated + unchanged > 0 {
            emit!(
                "  {name:<8} {} new, {} updated, {} unchanged",
                thousands(new),
                thousands(updated),
                thousands(unchanged)
            );
        }
    }
    if w.events_inserted + w.events_duplicate > 0 {
        emit!(
            "  {:<8} {} new, {} already stored",
            "events",
            thousands(w.events_inserted),
            thousands(w.events_duplicate)
        );
    }
    Ok(())
}

/// `aisle generate --events N --seed S`.
pub fn generate(engine: &Engine, args: GenerateArgs) -> anyhow::Result<ExitCode> {
    let bar = Bar::events("generating");
    let report = engine.generate(
        GenerateOptions {
            events: args.events,
            seed: args.seed,
            users: args.users,
            items: args.items,
        },
        &mut |p| bar.update(p),
    )?;
    bar.finish();
    if args.json {
        emit!("{}", serde_json::to_string_pretty(&report)?);
    } else {
        emit!(
            "Generated a demo shop (seed {}): {} items, {} users, {} events, {} orders, {} reviews in {:.2} s",
            report.seed,
            thousands(report.items),
            thousands(report.users),
            thousands(report.events),
            thousands(report.orders),
            thousands(report.reviews),
            report.seconds
        );
        print_written(&report.written)?;
    }
    Ok(ExitCode::SUCCESS)
}

/// `aisle stats [--json]`.
pub fn stats(engine: &Engine, json: bool) -> anyhow::Result<ExitCode> {
    let stats = engine.stats()?;
    if json {
        emit!("{}", serde_json::to_string(&stats)?);
    } else {
        print_stats(&stats)?;
    }
    Ok(ExitCode::SUCCESS)
}

pub(super) fn print_stats(s: &Stats) -> anyhow::Result<()> {
    emit!("Store: {} in {} (schema version {})", s.backend, s.data_dir, s.schema_version);
    for (name, n) in [
        ("users", s.users),
        ("sessions", s.sessions),
        ("items", s.items),
        ("events", s.events),
        ("orders", s.orders),
        ("reviews", s.reviews),
    ] {
        emit!("  {name:<9} {:>12}", thousands(n));
    }
    if !s.events_by_kind.is_empty() {
        emit!("  events by kind:");
        for (kind, n) in &s.events_by_kind {
            emit!("    {kind:<17} {:>12}", thousands(*n));
        }
    }
    Ok(())
}
