//! Demand forecasting on the UCI Online Retail data (a UK gift wholesaler, 2010-12-01 to
//! 2011-12-09): rolling-origin backtests of every model of `aisle-forecast` on weekly units per
//! product category, daily units per category, and weekly units of the 100 best-selling items.
//!
//! Run with:
//!   cargo run --release -p aisle-forecast --example online_retail_eval -- [--data DIR]
//!
//! `DIR` holds `uci-online-retail/*.csv.gz` (default: the workspace's `../shared/data`).
//!
//! What is kept: lines of invoices that are not cancellations (`InvoiceNo` starting with `C`),
//! with a positive quantity, a positive unit price (a zero price marks a stock adjustment such as
//! "found" or "damaged", not a sale) and a product stock code (five digits first; this drops
//! `POST`, `D`, `M`, `DOT`, `BANK CHARGES`, `AMAZONFEE`, `C2`, `CRUK`, `S`, `PADS`, `B`, gift
//! vouchers and `DCGS...` codes).
//!
//! Calendar: only whole Monday-to-Sunday weeks (2010-12-06 to 2011-12-04, 52 weeks); the shop
//! never trades on Saturdays, so daily series hold the six trading days of each week (m = 6).
//! The test period starts on Monday 2011-07-04 (week index 30, trading day 180). Everything the
//! protocol chooses (categories, the top items, model orders and windows) uses data before it or
//! before each origin; see docs/forecasting.md.

use std::collections::{BTreeMap, BTreeSet};
use std::error::Error;
use std::fs::File;
use std::io::BufReader;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

use aisle_forecast::aggregate::{daily_by_key, DailySeries, DayRange, DemandRecord, PartialWeeks};
use aisle_forecast::ar::{ArConfig, ArOrder};
use aisle_forecast::backtest::BacktestConfig;
use aisle_forecast::calendar::{civil_date, day_number, weekday, Day};
use aisle_forecast::ets::{EtsSelectConfig, ExpSmoothingConfig, Seasonality, Trend};
use aisle_forecast::evaluate::{evaluate, Evaluation, NamedSeries};
use aisle_forecast::naive::{MovingAverageConfig, SeasonalNaiveConfig, Window};
use aisle_forecast::select::SelectConfig;
use aisle_forecast::ModelSpec;

const SATURDAY: u32 = 5;
const TRADING_DAYS_PER_WEEK: usize = 6;
/// Monday 2011-07-04: the first forecast origin of every backtest.
const FIRST_TEST_DAY: (i32, u32, u32) = (2011, 7, 4);
/// How many product types become categories (the upper end of 20 to 40, for coverage).
const CATEGORY_COUNT: usize = 40;
const TOP_ITEMS: usize = 100;
const OTHER: &str = "OTHER";
/// Validation windows of the "auto" model, before each origin.
const VALIDATION_WINDOWS: usize = 4;

/// Words that say what a product looks like, not what it is: colours, sizes, patterns,
/// motifs, ranges and filler. Written once from the most frequent last words of the
/// descriptions (no sales figures were looked at); a product's type is the last word that is
/// not one of these.
const MODIFIERS: &[&str] = &[
    "RED",
    "PINK",
    "BLUE",
    "GREEN",
    "WHITE",
    "BLACK",
    "CREAM",
    "IVORY",
    "GOLD",
    "SILVER",
    "PURPLE",
    "YELLOW",
    "ORANGE",
    "BROWN",
    "GREY",
    "GRAY",
    "LILAC",
    "TURQUOISE",
    "AQUA",
    "NATURAL",
    "CLEAR",
    "COLOUR",
    "COLOURED",
    "PASTEL",
    "LARGE",
    "SMALL",
    "MEDIUM",
    "MINI",
    "JUMBO",
    "GIANT",
    "BIG",
    "TALL",
    "CM",
    "RETROSPOT",
    "POLKADOT",
    "SPOTTY",
    "DESIGN",
    "PAISLEY",
    "VINTAGE",
    "RETRO",
    "ASSORTED",
    "CHRISTMAS",
    "LONDON",
    "FLORAL",
    "SPOT",
    "SPOTS",
    "STRIPE",
    "STRIPES",
    "HEART",
    "STAR",
    "FLOWER",
    "GARDEN",
    "GIRL",
    "BOY",
    "ROSE",
    "LEAF",
    "SET",
    "OF",
    "PACK",
    "AND",
    "WITH",
    "THE",
    "IN",
];

/// One kept sale line.
struct Sale {
    day: Day,
    code: String,
    description: String,
    quantity: f64,
}

/// Why lines were left out, counted.
#[derive(Default)]
struct Skips {
    unreadable: usize,
    cancellation: usize,
    not_positive_quantity: usize,
    not_positive_price: usize,
    not_a_product: usize,
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
    let data = data_dir()?;
    let started = Instant::now();
    let (sales, skips) = read_sales(&data.join("uci-online-retail"))?;
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
    let first_week_origin = usize::try_from((first_test_day - weeks.first) / 7)?;
    let first_day_origin = first_week_origin * TRADING_DAYS_PER_WEEK;
    println!(
        "whole weeks {} to {} ({} weeks); test origins from {} (week {first_week_origin}, \
         trading day {first_day_origin})",
        show(weeks.first),
        show(weeks.last),
        weeks.len() / 7,
        show(first_test_day),
    );

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
    let weekly_categories = named(&by_category, |d| d.weekly(PartialWeeks::Drop).values);
    let daily_categories = named(&by_category, |d| d.open_days(&[SATURDAY]).values);
    let items = top_items(&sales, first_test_day, weeks);
    let by_item = daily_by_key(
        sales.iter().filter(|s| items.contains(&s.code)).map(|s| DemandRecord {
            day: s.day,
            key: format!("{} {}", s.code, descriptions[&s.code]),
            quantity: s.quantity,
        }),
        weeks,
    )?;
    let weekly_items = named(&by_item, |d| d.weekly(PartialWeeks::Drop).values);

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
        0,
    )?;
    report(
        "Weekly units per category, h = 4 weeks, MASE scale m = 4",
        &weekly_models(4),
        &weekly_categories,
        &weekly(4),
        1,
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
        report(&title, &daily_models(horizon), &daily_categories, &config, 0)?;
    }
    report(
        "Weekly units per item (top 100 by units before the test period), h = 4, MASE scale m = 1",
        &weekly_models(4),
        &weekly_items,
        &weekly(1),
        0,
    )?;
    println!("\ntotal run time {:.1} s", started.elapsed().as_secs_f64());
    Ok(())
}

fn data_dir() -> Result<PathBuf, Box<dyn Error>> {
    let mut args = std::env::args().skip(1);
    match (args.next().as_deref(), args.next()) {
        (None, _) => Ok(Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data")),
        (Some("--data"), Some(dir)) => Ok(PathBuf::from(dir)),
        _ => Err("usage: online_retail_eval [--data DIR]".into()),
    }
}

fn show(day: Day) -> String {
    let (y, m, d) = civil_date(day);
    format!("{y}-{m:02}-{d:02}")
}

/// Reads every `*.csv.gz` in `dir`, in name order.
fn read_sales(dir: &Path) -> Result<(Vec<Sale>, Skips), Box<dyn Error>> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .map_err(|e| format!("cannot list {}: {e}", dir.display()))?
        .filter_map(|entry| entry.ok().map(|e| e.path()))
        .filter(|path| path.to_string_lossy().ends_with(".csv.gz"))
        .collect();
    files.sort();
    if files.is_empty() {
        return Err(format!("no .csv.gz files in {}", dir.display()).into());
    }
    let mut sales = Vec::new();
    let mut skips = Skips::default();
    for path in files {
        let gz = flate2::read::GzDecoder::new(BufReader::new(File::open(&path)?));
        let mut reader = csv::Reader::from_reader(gz);
        let headers = reader.headers()?.clone();
        let column = |name: &str| {
            headers
                .iter()
                .position(|h| h == name)
                .ok_or(format!("{}: no {name} column", path.display()))
        };
        let [invoice, code, description, quantity, date, price] =
            ["InvoiceNo", "StockCode", "Description", "Quantity", "InvoiceDate", "UnitPrice"]
                .map(column);
        let (invoice, code, description, quantity, date, price) =
            (invoice?, code?, description?, quantity?, date?, price?);
        for row in reader.records() {
            let Ok(row) = row else {
                skips.unreadable += 1;
                continue;
            };
            let field = |i: usize| row.get(i).unwrap_or("").trim();
            let parsed = (
                field(quantity).parse::<f64>().ok(),
                field(price).parse::<f64>().ok(),
                parse_day(field(date)),
            );
            let (Some(units), Some(unit_price), Some(day)) = parsed else {
                skips.unreadable += 1;
                continue;
            };
            if field(invoice).starts_with('C') {
                skips.cancellation += 1;
            } else if units <= 0.0 {
                skips.not_positive_quantity += 1;
            } else if unit_price <= 0.0 {
                skips.not_positive_price += 1;
            } else if !is_product(field(code)) {
                skips.not_a_product += 1;
            } else {
                let (code, description) = (field(code).to_string(), field(description).to_string());
                sales.push(Sale { day, code, description, quantity: units });
            }
        }
    }
    Ok((sales, skips))
}

/// The day of `2010-12-01 08:26` or of `12/1/2010 8:26` (both spellings of this data set).
fn parse_day(text: &str) -> Option<Day> {
    let date = text.split_whitespace().next()?;
    let numbers: Vec<&str> = date.split(['-', '/']).collect();
    let [a, b, c] = numbers.as_slice() else { return None };
    let (year, month, day) = if date.contains('-') { (a, b, c) } else { (c, a, b) };
    day_number(year.parse().ok()?, month.parse().ok()?, day.parse().ok()?)
}

/// Product stock codes start with five digits (`85123A`); service codes do not.
fn is_product(code: &str) -> bool {
    code.len() >= 5 && code.bytes().take(5).all(|b| b.is_ascii_digit())
}

/// Each item's description: the one on most of its kept lines (ties to the smallest), so a
/// rare misspelling does not move the item.
fn item_descriptions(sales: &[Sale]) -> BTreeMap<String, String> {
    let mut counts: BTreeMap<&str, BTreeMap<&str, usize>> = BTreeMap::new();
    for sale in sales {
        *counts.entry(&sale.code).or_default().entry(&sale.description).or_default() += 1;
    }
    counts
        .into_iter()
        .map(|(code, seen)| {
            let most = seen.values().copied().max().unwrap_or(0);
            let description = seen.into_iter().find(|&(_, n)| n == most).map_or("", |(d, _)| d);
            (code.to_string(), description.to_string())
        })
        .collect()
}

/// Upper-case runs of two or more letters.
fn words(description: &str) -> Vec<String> {
    description
        .split(|c: char| !c.is_ascii_alphabetic())
        .filter(|w| w.len() >= 2)
        .map(|w| w.to_ascii_uppercase())
        .collect()
}

/// An English plural made singular by spelling alone: BOXES, DOILIES, LIGHTS, but GLASS.
fn singular(word: &str) -> String {
    if ["XES", "CHES", "SHES", "SSES"].iter().any(|s| word.ends_with(s)) {
        return word[..word.len() - 2].to_string();
    }
    if word.len() > 4 && word.ends_with("IES") {
        return format!("{}Y", &word[..word.len() - 3]);
    }
    if word.len() > 3 && word.ends_with('S') && !word.ends_with("SS") {
        return word[..word.len() - 1].to_string();
    }
    word.to_string()
}

fn is_modifier(word: &str) -> bool {
    MODIFIERS.contains(&word) || MODIFIERS.contains(&singular(word).as_str())
}

/// The categories: the `CATEGORY_COUNT` most common product types (the last word that is not a
/// modifier, made singular) among the items sold before the test period, by number of items;
/// ties in alphabetical order.
fn product_types(
    descriptions: &BTreeMap<String, String>,
    sold_before: &BTreeSet<&str>,
) -> Vec<String> {
    let mut items_per_type: BTreeMap<String, usize> = BTreeMap::new();
    for (code, description) in descriptions {
        if !sold_before.contains(code.as_str()) {
            continue;
        }
        if let Some(head) = words(description).iter().rev().find(|w| !is_modifier(w)) {
            *items_per_type.entry(singular(head)).or_default() += 1;
        }
    }
    let mut ranked: Vec<(String, usize)> = items_per_type.into_iter().collect();
    ranked.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    ranked.into_iter().take(CATEGORY_COUNT).map(|(word, _)| word).collect()
}

/// An item's category: the last word of its description that is a category once made singular
/// (so "JUMBO BAG RED RETROSPOT" is a BAG), or OTHER.
fn category_of(description: &str, types: &[String]) -> String {
    words(description)
        .iter()
        .rev()
        .map(|w| singular(w))
        .find(|w| types.contains(w))
        .unwrap_or_else(|| OTHER.to_string())
}

fn print_categories(sales: &[Sale], category: &BTreeMap<&str, String>, weeks: DayRange) {
    let mut units: BTreeMap<&str, f64> = BTreeMap::new();
    for sale in sales.iter().filter(|s| weeks.first <= s.day && s.day <= weeks.last) {
        *units.entry(category[sale.code.as_str()].as_str()).or_default() += sale.quantity;
    }
    let total: f64 = units.values().sum();
    let mut ranked: Vec<(&str, f64)> = units.into_iter().collect();
    ranked.sort_by(|a, b| b.1.total_cmp(&a.1).then_with(|| a.0.cmp(b.0)));
    let shown: Vec<String> =
        ranked.iter().map(|(name, n)| format!("{name} {:.1}%", 100.0 * n / total)).collect();
    println!(
        "categories by share of units in the whole weeks ({OTHER} is left out of the backtests):"
    );
    for line in shown.chunks(10) {
        println!("  {}", line.join(", "));
    }
}

/// The `TOP_ITEMS` items with the most units before the test period (ties by code).
fn top_items(sales: &[Sale], first_test_day: Day, weeks: DayRange) -> BTreeSet<String> {
    let mut units: BTreeMap<&str, f64> = BTreeMap::new();
    for sale in sales.iter().filter(|s| weeks.first <= s.day && s.day < first_test_day) {
        *units.entry(&sale.code).or_default() += sale.quantity;
    }
    let mut ranked: Vec<(&str, f64)> = units.into_iter().collect();
    ranked.sort_by(|a, b| b.1.total_cmp(&a.1).then_with(|| a.0.cmp(b.0)));
    ranked.into_iter().take(TOP_ITEMS).map(|(code, _)| code.to_string()).collect()
}

fn named(
    series: &BTreeMap<String, DailySeries>,
    values: impl Fn(&DailySeries) -> Vec<f64>,
) -> Vec<NamedSeries> {
    series
        .iter()
        .map(|(name, daily)| NamedSeries { name: name.clone(), values: values(daily) })
        .collect()
}

/// The weekly line-up: the first model is the naive baseline. No season of 52 weeks fits in a
/// year of data, so the seasonal forms are absent; m = 4 is a "same week last month" baseline.
fn weekly_models(horizon: usize) -> Vec<ModelSpec> {
    let candidates: Vec<ModelSpec> = vec![
        ModelSpec::naive(),
        SeasonalNaiveConfig { period: 4 }.into(),
        MovingAverageConfig { window: Window::Fixed(4) }.into(),
        MovingAverageConfig { window: Window::Select { max: 8 } }.into(),
        ArConfig { order: ArOrder::Aic { max: 4 }, differences: 0 }.into(),
        ArConfig { order: ArOrder::Aic { max: 4 }, differences: 1 }.into(),
        ExpSmoothingConfig::simple().into(),
        ExpSmoothingConfig::holt(Trend::Additive).into(),
        ExpSmoothingConfig::holt(Trend::Damped).into(),
        EtsSelectConfig { period: None, multiplicative: false, undamped_trend: true }.into(),
    ];
    with_auto(candidates, horizon, 1)
}

/// The daily line-up on trading days: the first model is seasonal naive with m = 6 (one
/// trading week). Multiplicative Holt-Winters is only tried inside ETS-by-AIC: every series has
/// zero days (the Christmas closure), which it cannot take.
fn daily_models(horizon: usize) -> Vec<ModelSpec> {
    let week = Seasonality::Additive { period: TRADING_DAYS_PER_WEEK };
    let candidates: Vec<ModelSpec> = vec![
        SeasonalNaiveConfig { period: TRADING_DAYS_PER_WEEK }.into(),
        ModelSpec::naive(),
        MovingAverageConfig { window: Window::Select { max: 12 } }.into(),
        ArConfig { order: ArOrder::Aic { max: 12 }, differences: 0 }.into(),
        ExpSmoothingConfig::simple().into(),
        ExpSmoothingConfig::holt(Trend::Damped).into(),
        ExpSmoothingConfig::holt_winters(Trend::None, week).into(),
        ExpSmoothingConfig::holt_winters(Trend::Damped, week).into(),
        EtsSelectConfig {
            period: Some(TRADING_DAYS_PER_WEEK),
            multiplicative: true,
            undamped_trend: false,
        }
        .into(),
    ];
    with_auto(candidates, horizon, TRADING_DAYS_PER_WEEK)
}

/// Every candidate plus "auto" over them, all clamped at zero (demand is never negative).
fn with_auto(candidates: Vec<ModelSpec>, horizon: usize, step: usize) -> Vec<ModelSpec> {
    let candidates: Vec<ModelSpec> = candidates.into_iter().map(ModelSpec::non_negative).collect();
    let auto =
        SelectConfig { candidates: candidates.clone(), horizon, windows: VALIDATION_WINDOWS, step };
    let mut models = candidates;
    models.push(ModelSpec::from(auto).non_negative());
    models
}

fn report(
    title: &str,
    models: &[ModelSpec],
    series: &[NamedSeries],
    config: &BacktestConfig,
    baseline: usize,
) -> Result<(), Box<dyn Error>> {
    let started = Instant::now();
    let result = evaluate(models, series, config, Some(baseline))?;
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
    print_table(&result, baseline);
    for skipped in &result.skipped {
        let by = skipped.model.as_deref().map(|m| format!(" ({m})")).unwrap_or_default();
        println!("  skipped {}{by}: {}", skipped.name, skipped.reason);
    }
    println!("  wall time {:.1} s", started.elapsed().as_secs_f64());
    Ok(())
}

fn print_table(result: &Evaluation, baseline: usize) {
    println!(
        "| {:<44} | {:>9} | {:>10} | {:>13} | {:>6} | {:>8} |",
        "model", "mean MASE", "mean sMAPE", "rel. MASE", "series", "time (s)"
    );
    println!("|{:-<46}|{:->11}|{:->12}|{:->15}|{:->8}|{:->10}|", "", ":", ":", ":", ":", ":");
    for (i, model) in result.models.iter().enumerate() {
        let relative = model.relative_mase.map_or("-".into(), |r| format!("{r:.3}"));
        let marker = if i == baseline { " (base)" } else { "" };
        println!(
            "| {:<44} | {:>9.3} | {:>10.2} | {:>13} | {:>6} | {:>8.2} |",
            model.label,
            model.mean_mase,
            model.mean_smape,
            format!("{relative}{marker}"),
            model.series,
            model.elapsed.as_secs_f64()
        );
    }
    let best = result.models.iter().min_by(|a, b| a.mean_mase.total_cmp(&b.mean_mase));
    if let Some(best) = best {
        let relative = best.relative_mase.unwrap_or(1.0);
        println!(
            "  lowest mean MASE: {} ({:.1}% {} than the baseline)",
            best.label,
            100.0 * (1.0 - relative).abs(),
            if relative <= 1.0 { "lower" } else { "higher" }
        );
    }
}
