//! `aisle report` (the marketing report of a period, one HTML file) and `aisle analytics`
//! (funnels, paths, recommendation attribution as text or JSON).

use std::process::ExitCode;
use std::time::Instant;

use aisle_engine::analytics::funnel::Funnel;
use aisle_engine::analytics::{Analysis, Breakdown, Period};
use aisle_engine::{Config, Engine, Progress};
use anyhow::Context;
use serde_json::json;

use crate::cli::{AnalyticsAction, AnalyticsArgs, PeriodArgs, ReportArgs};
use crate::format::thousands;

fn open(config: &Config) -> anyhow::Result<Engine> {
    Engine::open(config)
        .with_context(|| format!("cannot open the store in {}", config.data_dir.display()))
}

/// Progress of the read of every shopper's history on stderr: a line per tenth, readable in a
/// terminal and in a log alike.
fn progress_lines(period: Period) -> impl FnMut(Progress) {
    eprintln!("reading every shopper's history for {period} ...");
    let mut shown = 0;
    move |p: Progress| {
        let total = p.total.unwrap_or(p.done).max(1);
        let tenth = p.done * 10 / total;
        if tenth > shown {
            shown = tenth;
            eprintln!("  {} of {} shoppers", thousands(p.done), thousands(total));
        }
    }
}

fn analyse(engine: &Engine, period: Period) -> anyhow::Result<Analysis> {
    let started = Instant::now();
    let analysis = engine.analytics(period, &mut progress_lines(period))?;
    eprintln!("done in {:.1} s", started.elapsed().as_secs_f64());
    Ok(analysis)
}

fn period(engine: &Engine, args: &PeriodArgs) -> anyhow::Result<Period> {
    Ok(engine.analytics_period(args.from.as_deref(), args.to.as_deref())?)
}

/// Runs `aisle report`.
pub fn report(config: &Config, args: ReportArgs) -> anyhow::Result<ExitCode> {
    let engine = open(config)?;
    let period = period(&engine, &args.period)?;
    let started = Instant::now();
    let report = engine.marketing_report(period, &mut progress_lines(period))?;
    std::fs::write(&args.out, &report.html)
        .with_context(|| format!("cannot write the report to {}", args.out.display()))?;
    eprintln!("done in {:.1} s", started.elapsed().as_secs_f64());
    let k = &report.analysis.kpis.current;
    emit!(
        "wrote {} ({} KB): {period}, revenue {:.2}, {} orders, {} buyers",
        args.out.display(),
        report.html.len().div_ceil(1024),
        k.revenue,
        thousands(k.orders),
        thousands(k.buyers)
    );
    Ok(ExitCode::SUCCESS)
}

/// Runs one `aisle analytics` subcommand.
pub fn run(config: &Config, args: AnalyticsArgs) -> anyhow::Result<ExitCode> {
    let engine = open(config)?;
    match args.action {
        AnalyticsAction::Funnel { by, period: p, json } => {
            let breakdown = by.as_deref().and_then(Breakdown::parse);
            let analysis = analyse(&engine, period(&engine, &p)?)?;
            let funnels = &analysis.funnels;
            let groups = breakdown.map(|b| funnels.by(b));
            if json {
                let value = json!({
                    "period": analysis.period,
                    "data": analysis.data,
                    "by": breakdown.map(Breakdown::as_str),
                    "overall": funnels.overall,
                    "groups": groups.unwrap_or_default(),
                });
                emit!("{}", serde_json::to_string_pretty(&value)?);
                return Ok(ExitCode::SUCCESS);
            }
            emit!("funnel of visits, {}", analysis.period);
            emit!(
                "{:<24} {:>10} {:>10} {:>10} {:>10}",
                "",
                "view",
                "cart",
                "purchase",
                "conversion"
            );
            funnel_row("all", &funnels.overall)?;
            for group in groups.unwrap_or_default() {
                funnel_row(&group.group, &group.funnel)?;
            }
            let implied: Vec<String> = funnels
                .overall
                .steps
                .iter()
                .filter(|s| s.implied > 0)
                .map(|s| format!("{} {}", thousands(s.implied), s.step))
                .collect();
            if !implied.is_empty() {
                emit!("implied by a later step (no event of their own): {}", implied.join(", "));
            }
        }
        AnalyticsAction::Paths { period: p, json } => {
            let analysis = analyse(&engine, period(&engine, &p)?)?;
            let paths = &analysis.paths;
            if json {
                let value =
                    json!({"period": analysis.period, "data": analysis.data, "paths": paths});
                emit!("{}", serde_json::to_string_pretty(&value)?);
                return Ok(ExitCode::SUCCESS);
            }
            for (title, group) in
                [("to a purchase", &paths.to_purchase), ("to abandonment", &paths.to_abandonment)]
            {
                emit!(
                    "paths {title}, {}: {} visits, {} different paths",
                    analysis.period,
                    thousands(group.visits),
                    thousands(group.distinct as u64)
                );
                for path in &group.top {
                    emit!(
                        "  {:>8} {:>6.1}%  {}",
                        thousands(path.visits),
                        path.share * 100.0,
                        path.path
                    );
                }
            }
        }
        AnalyticsAction::Attribution { period: p, json } => {
            let analysis = analyse(&engine, period(&engine, &p)?)?;
            let a = &analysis.attribution;
            if json {
                let value =
                    json!({"period": analysis.period, "data": analysis.data, "attribution": a});
                emit!("{}", serde_json::to_string_pretty(&value)?);
                return Ok(ExitCode::SUCCESS);
            }
            emit!("recommendations, {}", analysis.period);
            emit!(
                "clicks      {} of {} ({:.1}%)",
                thousands(a.recommended_clicks),
                thousands(a.clicks),
                a.click_share * 100.0
            );
            emit!(
                "purchases   {} of {} ({:.1}%): {} direct, {} after a click",
                thousands(a.attributed_purchases),
                thousands(a.purchases),
                a.purchase_share * 100.0,
                thousands(a.direct),
                thousands(a.after_click)
            );
            emit!(
                "revenue     {:.2} of {:.2} ({:.1}%), {} buyers",
                a.attributed_revenue,
                a.revenue,
                a.revenue_share * 100.0,
                thousands(a.attributed_buyers)
            );
            for item in &a.top_items {
                emit!("  {:<24} {:>6} units {:>12.2}", item.item, item.units, item.revenue);
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn funnel_row(name: &str, funnel: &Funnel) -> anyhow::Result<()> {
    let visits = |i: usize| thousands(funnel.steps[i].visits);
    emit!(
        "{:<24} {:>10} {:>10} {:>10} {:>9.1}%",
        name,
        visits(0),
        visits(1),
        visits(2),
        funnel.conversion * 100.0
    );
    Ok(())
}
