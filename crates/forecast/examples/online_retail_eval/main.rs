//! Demand forecasting on the UCI Online Retail data (a UK gift wholesaler, 2010-12-01 to
//! 2011-12-09): rolling-origin backtests of every model of `aisle-forecast` on weekly units per
//! product category, daily units per category, and weekly units of the 100 best-selling items.
//!
//! Run with:
//!   cargo run --release -p aisle-forecast --example online_retail_eval -- [--data DIR] [--dev]
//!
//! `DIR` holds `uci-online-retail/*.csv.gz` (default: the workspace's `../shared/data`).
//! `--dev` runs the same tables on the development period instead: the series are cut at the
//! first test origin and backtested from week 14 (trading day 84), so no test value is read.
//! Settings (the candidate lists, the winsorizing bound) were chosen on that run.
//!
//! What is kept: lines of invoices that are not cancellations (`InvoiceNo` starting with `C`),
//! with a positive quantity, a positive unit price (a zero price marks a stock adjustment such as
//! "found" or "damaged", not a sale) and a product stock code (five digits first; this drops
//! `POST`, `D`, `M`, `DOT`, `BANK CHARGES`, `AMAZONFEE`, `C2`, `CRUK`, `S`, `PADS`, `B`, gift
//! vouchers and `DCGS...` codes). `data.rs` reads the files and names the categories;
//! `lineup.rs` lists the models.
//!
//! Calendar: only whole Monday-to-Sunday weeks (2010-12-06 to 2011-12-04, 52 weeks); the shop
//! never trades on Saturdays, so daily series hold the six trading days of each week (m = 6).
//! The test period starts on Monday 2011-07-04 (week index 30, trading day 180). Everything the
//! protocol chooses (categories, the top items, model orders and windows) uses data before it or
//! before each origin; see docs/forecasting.md.

mod data;
mod lineup;

use std::collections::{BTreeMap, BTreeSet};
use std::error::Error;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

use aisle_forecast::aggregate::{daily_by_key, DailySeries, DayRange, DemandRecord, PartialWeeks};
use aisle_forecast::backtest::BacktestConfig;
use aisle_forecast::calendar::{civil_date, day_number, weekday, Day};
use aisle_forecast::evaluate::{evaluate, Evaluation, NamedSeries};

use data::{
    category_of, item_descriptions, print_categories, product_types, read_sales, top_items, OTHER,
};
use lineup::{daily_models, weekly_models, Lineup};

const SATURDAY: u32 = 5;
const TRADING_DAYS_PER_WEEK: usize = 6;
/// Monday 2011-07-04: the first forecast origin of every backtest.
const FIRST_TEST_DAY: (i32, u32, u32) = (2011, 7, 4);
/// The first origin of the development run (`--dev`), in weeks: it leaves 14 weeks to fit on
/// and 16 weeks of origins before the test period.
const FIRST_DEV_WEEK: usize = 14;

/// Where to read and which period to backtest.
struct Args {
    data: PathBuf,
    dev: bool,
}

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}

fn run() -> Result<(), Box<dyn Error>> {
    let args = parse_args()?;
    let started = Instant::now();
    let (sales, skips) = read_sales(&args.data.join("uci-online-retail"))?;
    println!(
        "read {} sale lines; left out {} cancellations, {} non-positive quantities, \
         {} non-positive prices, {} non-product codes, {} unreadable rows",
        sales.len(),
        skips.cancellation,
        skips.not_positive_quantity,
        skips.not_positive_price,
        skips.not_a_product,
        skips.unreadable
    );
    let saturdays = sales.iter().filter(|s| weekday(s.day) == SATURDAY).count();
    println!("sale lines on a Saturday: {saturdays}");

    let range = DayRange::covering(sales.iter().map(|s| s.day)).ok_or("no sales were read")?;
    let weeks = range.whole_weeks().ok_or("the data holds no whole week")?;
    let first_test_day = day_number(FIRST_TEST_DAY.0, FIRST_TEST_DAY.1, FIRST_TEST_DAY.2)
        .ok_or("bad first test day")?;
    let test_week = usize::try_from((first_test_day - weeks.first) / 7)?;
    println!(
        "whole weeks {} to {} ({} weeks); test origins from {} (week {test_week}, \
         trading day {})",
        show(weeks.first),
        show(weeks.last),
        weeks.len() / 7,
        show(first_test_day),
        test_week * TRADING_DAYS_PER_WEEK,
    );
    // The development run sees the weeks before the test period only.
    let (first_week_origin, keep_weeks) = if args.dev {
        println!(
            "DEVELOPMENT RUN: series cut at week {test_week}, origins from week {FIRST_DEV_WEEK}"
        );
        (FIRST_DEV_WEEK, test_week)
    } else {
        (test_week, usize::MAX)
    };
    let first_day_origin = first_week_origin * TRADING_DAYS_PER_WEEK;
    let keep_days = keep_weeks.saturating_mul(TRADING_DAYS_PER_WEEK);

    let descriptions = item_descriptions(&sales);
    let sold_before: BTreeSet<&str> =
        sales.iter().filter(|s| s.day < first_test_day).map(|s| s.code.as_str()).collect();
    let types = product_types(&descriptions, &sold_before);
    let category: BTreeMap<&str, String> = descriptions
        .iter()
        .map(|(code, description)| (code.as_str(), category_of(description, &types)))
        .collect();
    print_categories(&sales, &category, weeks);

    let by_category = daily_by_key(
        sales.iter().filter(|s| category[s.code.as_str()] != OTHER).map(|s| DemandRecord {
            day: s.day,
            key: category[s.code.as_str()].clone(),
            quantity: s.quantity,
        }),
        weeks,
    )?;
    let weekly_categories =
        named(&by_category, keep_weeks, |d| d.weekly(PartialWeeks::Drop).values);
    let daily_categories = named(&by_category, keep_days, |d| d.open_days(&[SATURDAY]).values);
    let items = top_items(&sales, first_test_day, weeks);
    let by_item = daily_by_key(
        sales.iter().filter(|s| items.contains(&s.code)).map(|s| DemandRecord {
            day: s.day,
            key: format!("{} {}", s.code, descriptions[&s.code]),
            quantity: s.quantity,
        }),
        weeks,
    )?;
    let weekly_items = named(&by_item, keep_weeks, |d| d.weekly(PartialWeeks::Drop).values);

    let weekly = |scale_period| BacktestConfig {
        horizon: 4,
        first_origin: first_week_origin,
        step: 1,
        scale_period,
    };
    report(
        "Weekly units per category, h = 4 weeks, MASE scale m = 1 (naive)",
        &weekly_models(4),
        &weekly_categories,
        &weekly(1),
    )?;
    report(
        "Weekly units per category, h = 4 weeks, MASE scale m = 4",
        &weekly_models(4),
        &weekly_categories,
        &weekly(4),
    )?;
    for horizon in [TRADING_DAYS_PER_WEEK, 2 * TRADING_DAYS_PER_WEEK] {
        let config = BacktestConfig {
            horizon,
            first_origin: first_day_origin,
            step: TRADING_DAYS_PER_WEEK,
            scale_period: TRADING_DAYS_PER_WEEK,
        };
        let title = format!(
            "Daily units per category (trading days, Saturdays left out), h = {horizon}, \
             MASE scale m = 6"
        );
        report(&title, &daily_models(horizon), &daily_categories, &config)?;
    }
    report(
        "Weekly units per item (top 100 by units before the test period), h = 4, MASE scale m = 1",
        &weekly_models(4),
        &weekly_items,
        &weekly(1),
    )?;
    println!("\ntotal run time {:.1} s", started.elapsed().as_secs_f64());
    Ok(())
}

fn parse_args() -> Result<Args, Box<dyn Error>> {
    let default = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data");
    let mut parsed = Args { data: default, dev: false };
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--dev" => parsed.dev = true,
            "--data" => {
                parsed.data = PathBuf::from(args.next().ok_or("--data needs a directory")?);
            }
            _ => return Err("usage: online_retail_eval [--data DIR] [--dev]".into()),
        }
    }
    Ok(parsed)
}

fn show(day: Day) -> String {
    let (y, m, d) = civil_date(day);
    format!("{y}-{m:02}-{d:02}")
}

fn named(
    series: &BTreeMap<String, DailySeries>,
    keep: usize,
    values: impl Fn(&DailySeries) -> Vec<f64>,
) -> Vec<NamedSeries> {
    series
        .iter()
        .map(|(name, daily)| {
            let mut values = values(daily);
            values.truncate(keep);
            NamedSeries { name: name.clone(), values }
        })
        .collect()
}

/// Backtests a line-up and prints its table: each model's MASE and sMAPE and its MASE as a
/// ratio to both references, naive and seasonal naive.
fn report(
    title: &str,
    lineup: &Lineup,
    series: &[NamedSeries],
    config: &BacktestConfig,
) -> Result<(), Box<dyn Error>> {
    let started = Instant::now();
    let result = evaluate(&lineup.models, series, config, Some(lineup.seasonal_naive))?;
    let origins = config.origins(series.first().map_or(0, |s| s.values.len()))?;
    println!("\n{title}");
    println!(
        "{} series of {} values, {} origins ({} to {} step {}), forecasts clamped at 0",
        series.len(),
        series.first().map_or(0, |s| s.values.len()),
        origins.len(),
        origins.first().copied().unwrap_or(0),
        origins.last().copied().unwrap_or(0),
        config.step
    );
    print_table(&result, lineup);
    for skipped in &result.skipped {
        let by = skipped.model.as_deref().map(|m| format!(" ({m})")).unwrap_or_default();
        println!("  skipped {}{by}: {}", skipped.name, skipped.reason);
    }
    println!("  wall time {:.1} s", started.elapsed().as_secs_f64());
    Ok(())
}

fn print_table(result: &Evaluation, lineup: &Lineup) {
    println!(
        "| {:<52} | {:>9} | {:>10} | {:>8} | {:>8} | {:>8} |",
        "model", "mean MASE", "mean sMAPE", "/ naive", "/ snaive", "time (s)"
    );
    println!("|{:-<54}|{:->11}|{:->12}|{:->10}|{:->10}|{:->10}|", "", ":", ":", ":", ":", ":");
    let naive = result.models[lineup.naive].mean_mase;
    let seasonal = result.models[lineup.seasonal_naive].mean_mase;
    for model in &result.models {
        println!(
            "| {:<52} | {:>9.3} | {:>10.2} | {:>8.3} | {:>8.3} | {:>8.2} |",
            model.label,
            model.mean_mase,
            model.mean_smape,
            model.mean_mase / naive,
            model.mean_mase / seasonal,
            model.elapsed.as_secs_f64()
        );
    }
    let ratios = |label: &str, mase: f64| {
        println!(
            "  {label}: MASE {mase:.3}, {:+.1}% against naive, {:+.1}% against {}",
            100.0 * (mase / naive - 1.0),
            100.0 * (mase / seasonal - 1.0),
            result.models[lineup.seasonal_naive].label,
        );
    };
    if let Some(best) = result.models.iter().min_by(|a, b| a.mean_mase.total_cmp(&b.mean_mase)) {
        ratios(&format!("lowest (picked after the test) {}", best.label), best.mean_mase);
    }
    let chosen = &result.models[lineup.chosen_in_advance];
    ratios(&format!("chosen in advance {}", chosen.label), chosen.mean_mase);
    // Each series' best candidate picked with hindsight: no chooser among these models, however
    // it selects, can average lower than this.
    let candidates = lineup.candidates;
    let oracle = result
        .scores
        .iter()
        .map(|s| s.mase[..candidates].iter().copied().fold(f64::INFINITY, f64::min))
        .sum::<f64>()
        / result.scores.len() as f64;
    ratios("bound: each series' best candidate picked after the test", oracle);
}
