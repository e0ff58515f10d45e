//! Reading the Online Retail files and naming each item's category from its description.

use std::collections::{BTreeMap, BTreeSet};
use std::error::Error;
use std::fs::File;
use std::io::BufReader;
use std::path::{Path, PathBuf};

use aisle_forecast::aggregate::DayRange;
use aisle_forecast::calendar::{day_number, Day};

/// How many product types become categories (the upper end of 20 to 40, for coverage).
const CATEGORY_COUNT: usize = 40;
const TOP_ITEMS: usize = 100;
pub(crate) const OTHER: &str = "OTHER";

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
pub(crate) struct Sale {
    pub(crate) day: Day,
    pub(crate) code: String,
    pub(crate) description: String,
    pub(crate) quantity: f64,
}

/// Why lines were left out, counted.
#[derive(Default)]
pub(crate) struct Skips {
    pub(crate) unreadable: usize,
    pub(crate) cancellation: usize,
    pub(crate) not_positive_quantity: usize,
    pub(crate) not_positive_price: usize,
    pub(crate) not_a_product: usize,
}

/// Reads every `*.csv.gz` in `dir`, in name order.
pub(crate) fn read_sales(dir: &Path) -> Result<(Vec<Sale>, Skips), Box<dyn Error>> {
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
pub(crate) fn item_descriptions(sales: &[Sale]) -> BTreeMap<String, String> {
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
pub(crate) fn product_types(
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
pub(crate) fn category_of(description: &str, types: &[String]) -> String {
    words(description)
        .iter()
        .rev()
        .map(|w| singular(w))
        .find(|w| types.contains(w))
        .unwrap_or_else(|| OTHER.to_string())
}

pub(crate) fn print_categories(sales: &[Sale], category: &BTreeMap<&str, String>, weeks: DayRange) {
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
pub(crate) fn top_items(sales: &[Sale], first_test_day: Day, weeks: DayRange) -> BTreeSet<String> {
    let mut units: BTreeMap<&str, f64> = BTreeMap::new();
    for sale in sales.iter().filter(|s| weeks.first <= s.day && s.day < first_test_day) {
        *units.entry(&sale.code).or_default() += sale.quantity;
    }
    let mut ranked: Vec<(&str, f64)> = units.into_iter().collect();
    ranked.sort_by(|a, b| b.1.total_cmp(&a.1).then_with(|| a.0.cmp(b.0)));
    ranked.into_iter().take(TOP_ITEMS).map(|(code, _)| code.to_string()).collect()
}
