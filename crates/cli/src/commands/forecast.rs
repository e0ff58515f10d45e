//! `aisle forecast`: units sold per category or item per period, and the next periods.

use std::process::ExitCode;

use aisle_engine::{Config, DemandKey, DemandRequest, Engine, Period};
use anyhow::Context;

use crate::cli::ForecastArgs;

/// Runs `aisle forecast`.
pub fn run(config: &Config, args: ForecastArgs) -> anyhow::Result<ExitCode> {
    let engine = Engine::open(config)
        .with_context(|| format!("cannot open the store in {}", config.data_dir.display()))?;
    let request = DemandRequest {
        by: if args.by == "item" { DemandKey::Item } else { DemandKey::Category },
        period: if args.period == "day" { Period::Day } else { Period::Week },
        horizon: args.horizon,
        top: args.top,
    };
    eprintln!("reading every shopper's orders and purchases ...");
    let forecast = engine.demand_forecast(&request)?;
    if args.json {
        emit!("{}", serde_json::to_string_pretty(&forecast)?);
        return Ok(ExitCode::SUCCESS);
    }
    emit!(
        "units per {} by {}, from {} whole {}s of sales; forecast from {}",
        forecast.period,
        forecast.by,
        forecast.history_periods,
        forecast.period,
        forecast.forecast_from
    );
    for series in &forecast.series {
        let last: Vec<String> =
            series.history.iter().rev().take(4).rev().map(|p| format!("{:.0}", p.units)).collect();
        let ahead: Vec<String> =
            series.forecast.iter().map(|p| format!("{:.1}", p.units)).collect();
        emit!(
            "{:<28} last {:<24} next {:<32} ({})",
            series.key,
            last.join(" "),
            ahead.join(" "),
            series.model
        );
    }
    Ok(ExitCode::SUCCESS)
}
