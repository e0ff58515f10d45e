//! Next-basket items on UCI Online Retail: each customer's next invoice after a cutoff,
//! predicted from every invoice before it. Recall@10, NDCG@10 and hit rate of global popularity,
//! personal top-frequency (with and without popular items to fill the list), and Aisle's scorer
//! (decayed repeats, co-purchase pairs, popularity), with its weights chosen on an earlier window.
//!
//! Run with:
//!   cargo run --release -p aisle-profiles --example next_basket_eval -- [--data ../shared/data]
//!
//! Protocol (time-based; the test window is scored once, with weights fixed before):
//! - validation: history before 2011-07-01, target each customer's first invoice in
//!   [2011-07-01, 2011-09-01); the weight grid is searched here on NDCG@10;
//! - test: history before 2011-09-01, target each customer's first invoice on or after it.
//!
//! The shop's basket counts (popularity, pairs) come from every customer's invoices before the
//! cutoff. A basket is an invoice's distinct products: lines with a positive quantity whose
//! stock code starts with five digits, which leaves out postage, bank charges, manual entries and
//! other service lines (a "POST" line is in most foreign customers' invoices and would count as
//! a correct guess). Cancellations are not baskets. Customers need one basket before the cutoff
//! and one after. Recall@10 is hits over the target basket's distinct products, NDCG@10 binary,
//! hit rate the share with at least one hit; intervals resample the customers (1,000 bootstrap
//! draws, the same for every method).

use std::collections::{BTreeMap, HashSet};
use std::io::Read;
use std::path::{Path, PathBuf};

use aisle_predict::datasets::online_retail::{self, Transaction};
use aisle_predict::time::Timestamp;
use aisle_profiles::next_basket::{BasketCounts, NextBasketConfig, NextBasketModel, Weights};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

type Res<T> = Result<T, Box<dyn std::error::Error>>;

const K: usize = 10;

/// One customer's baskets, oldest first, each with its time.
type Baskets = Vec<(Timestamp, Vec<String>)>;

fn read(dir: &Path) -> Res<Vec<Transaction>> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .map_err(|e| format!("{}: {e}", dir.display()))?
        .filter_map(|entry| entry.ok().map(|e| e.path()))
        .filter(|p| p.to_string_lossy().ends_with(".csv.gz"))
        .collect();
    files.sort();
    if files.is_empty() {
        return Err(format!("no .csv.gz files in {}", dir.display()).into());
    }
    let mut transactions = Vec::new();
    for file in &files {
        let mut text = String::new();
        std::fs::File::open(file)
            .and_then(|f| flate2::read::GzDecoder::new(f).read_to_string(&mut text))
            .map_err(|e| format!("{}: {e}", file.display()))?;
        transactions.extend(online_retail::parse(&text)?.transactions);
    }
    Ok(transactions)
}

fn is_product(code: &str) -> bool {
    code.len() >= 5 && code.bytes().take(5).all(|b| b.is_ascii_digit())
}

/// Every customer's product baskets, oldest first.
fn baskets(transactions: &[Transaction]) -> BTreeMap<u32, Baskets> {
    let mut invoices: BTreeMap<(u32, u32), (Timestamp, Vec<String>)> = BTreeMap::new();
    for t in transactions.iter().filter(|t| !t.cancellation && t.quantity > 0) {
        if !is_product(&t.stock_code) {
            continue;
        }
        let entry = invoices.entry((t.customer, t.invoice)).or_insert((t.time, Vec::new()));
        if !entry.1.contains(&t.stock_code) {
            entry.1.push(t.stock_code.clone());
        }
    }
    let mut customers: BTreeMap<u32, Baskets> = BTreeMap::new();
    for ((customer, _), basket) in invoices {
        customers.entry(customer).or_default().push(basket);
    }
    for list in customers.values_mut() {
        list.sort_by_key(|(time, _)| *time);
    }
    customers
}

/// Histories before `cutoff`, the first basket in `[cutoff, until)` as the target, and the shop's
/// counts from the histories.
struct Window {
    cases: Vec<(Vec<Vec<String>>, HashSet<String>)>,
    model: NextBasketModel,
}

fn window(customers: &BTreeMap<u32, Baskets>, cutoff: Timestamp, until: Timestamp) -> Window {
    let mut counts = BasketCounts::new(NextBasketConfig::default());
    let mut cases = Vec::new();
    for list in customers.values() {
        let history: Vec<Vec<String>> =
            list.iter().filter(|(t, _)| *t < cutoff).map(|(_, b)| b.clone()).collect();
        for basket in &history {
            counts.add(basket);
        }
        let target = list.iter().find(|(t, _)| *t >= cutoff && *t < until);
        if let (false, Some((_, next))) = (history.is_empty(), target) {
            cases.push((history, next.iter().cloned().collect()));
        }
    }
    Window { cases, model: counts.finish() }
}

/// Recall, NDCG and hit of one list against one target basket.
fn score(list: &[String], target: &HashSet<String>) -> [f64; 3] {
    let mut hits = 0;
    let mut dcg = 0.0;
    for (rank, item) in list.iter().take(K).enumerate() {
        if target.contains(item) {
            hits += 1;
            dcg += 1.0 / (rank as f64 + 2.0).log2();
        }
    }
    let ideal: f64 = (0..target.len().min(K)).map(|r| 1.0 / (r as f64 + 2.0).log2()).sum();
    [hits as f64 / target.len() as f64, dcg / ideal, f64::from(u8::from(hits > 0))]
}

/// A method: how it lists the items of one history.
enum Method {
    Popular,
    PersonalOnly,
    Weighted(Weights),
}

fn per_customer(window: &mut Window, method: &Method) -> Vec<[f64; 3]> {
    let model = &mut window.model;
    match method {
        Method::Weighted(weights) => model.set_weights(*weights),
        // Frequency alone; the list keeps only the customer's own products.
        Method::PersonalOnly => {
            model.set_weights(Weights { decay: 1.0, pairs: 0.0, popular: 0.0, history: 100 })
        }
        Method::Popular => {}
    }
    let model = &*model;
    window
        .cases
        .iter()
        .map(|(history, target)| {
            let list: Vec<String> = match method {
                Method::Popular => model.suggest::<String>(&[], K, |_| true),
                Method::PersonalOnly => {
                    let own: HashSet<&str> = history.iter().flatten().map(String::as_str).collect();
                    model.suggest(history, K, |item| own.contains(item))
                }
                Method::Weighted(_) => model.suggest(history, K, |_| true),
            }
            .into_iter()
            .map(|s| s.item)
            .collect();
            score(&list, target)
        })
        .collect()
}

fn mean(rows: &[[f64; 3]], metric: usize) -> f64 {
    rows.iter().map(|r| r[metric]).sum::<f64>() / rows.len().max(1) as f64
}

/// The 95% interval of a metric's mean over customers, from shared bootstrap draws.
fn interval(rows: &[[f64; 3]], metric: usize, draws: &[Vec<usize>]) -> (f64, f64) {
    let mut means: Vec<f64> = draws
        .iter()
        .map(|draw| draw.iter().map(|&i| rows[i][metric]).sum::<f64>() / draw.len() as f64)
        .collect();
    means.sort_by(f64::total_cmp);
    (means[means.len() * 25 / 1000], means[means.len() * 975 / 1000 - 1])
}

fn day(text: &str) -> Res<Timestamp> {
    Timestamp::parse(text).ok_or_else(|| format!("bad date {text}").into())
}

fn main() -> Res<()> {
    let mut data = PathBuf::from("../shared/data");
    let mut args = std::env::args().skip(1);
    while let Some(flag) = args.next() {
        match (flag.as_str(), args.next()) {
            ("--data", Some(dir)) => data = PathBuf::from(dir),
            _ => {
                return Err(format!("unknown or incomplete flag {flag}; expected --data DIR").into())
            }
        }
    }
    let customers = baskets(&read(&data.join("uci-online-retail"))?);
    let invoices: usize = customers.values().map(Vec::len).sum();
    println!("{} customers, {invoices} product baskets\n", customers.len());

    let (valid_cutoff, test_cutoff, end) =
        (day("2011-07-01")?, day("2011-09-01")?, day("2100-01-01")?);
    let mut valid = window(&customers, valid_cutoff, test_cutoff);
    let mut grid = Vec::new();
    for decay in [1.0, 0.95, 0.9, 0.8, 0.7, 0.5] {
        for pairs in [0.0, 0.1, 0.3, 1.0] {
            for popular in [1e-6, 0.01, 0.05, 0.2] {
                let weights = Weights { decay, pairs, popular, history: 100 };
                let ndcg = mean(&per_customer(&mut valid, &Method::Weighted(weights)), 1);
                grid.push((ndcg, weights));
            }
        }
    }
    grid.sort_by(|a, b| b.0.total_cmp(&a.0));
    for (ndcg, w) in grid.iter().take(5) {
        println!(
            "  validation NDCG@10 {ndcg:.4}: decay {}, pairs {}, popular {}",
            w.decay, w.pairs, w.popular
        );
    }
    let best = grid[0];
    let chosen = best.1;
    println!(
        "validation ({} customers): best NDCG@10 {:.4} with decay {}, pairs {}, popular {}",
        valid.cases.len(),
        best.0,
        chosen.decay,
        chosen.pairs,
        chosen.popular
    );
    let mut decay_only = (f64::MIN, chosen);
    for decay in [1.0, 0.95, 0.9, 0.8, 0.7, 0.5] {
        let weights = Weights { decay, pairs: 0.0, popular: 1e-6, history: 100 };
        let ndcg = mean(&per_customer(&mut valid, &Method::Weighted(weights)), 1);
        if ndcg > decay_only.0 {
            decay_only = (ndcg, weights);
        }
    }

    let mut test = window(&customers, test_cutoff, end);
    let repeat_share = test
        .cases
        .iter()
        .map(|(history, target)| {
            let own: HashSet<&String> = history.iter().flatten().collect();
            target.iter().filter(|i| own.contains(i)).count() as f64 / target.len() as f64
        })
        .sum::<f64>()
        / test.cases.len() as f64;
    println!(
        "test: {} customers, next baskets of {:.1} products on average, {:.1}% of them bought by the same customer before\n",
        test.cases.len(),
        test.cases.iter().map(|(_, t)| t.len()).sum::<usize>() as f64 / test.cases.len() as f64,
        repeat_share * 100.0
    );
    let mut rng = ChaCha8Rng::seed_from_u64(7);
    let n = test.cases.len();
    let draws: Vec<Vec<usize>> =
        (0..1000).map(|_| (0..n).map(|_| rng.random_range(0..n)).collect()).collect();
    let methods = [
        ("Global popularity", Method::Popular),
        ("Personal top-frequency (P-TopFreq)", Method::PersonalOnly),
        (
            "P-TopFreq + popular fill (G-P-TopFreq)",
            Method::Weighted(Weights { decay: 1.0, pairs: 0.0, popular: 1e-6, history: 100 }),
        ),
        ("Repeats, decay chosen on validation, + popular fill", Method::Weighted(decay_only.1)),
        ("**Aisle as served: repeats + pairs + popular**", Method::Weighted(chosen)),
    ];
    println!(
        "| Method | Recall@10 (95% CI) | NDCG@10 (95% CI) | Hit rate@10 | NDCG@10 − G-P-TopFreq (95% CI) |"
    );
    println!("|---|---|---|---|---|");
    let reference = per_customer(&mut test, &methods[2].1);
    for (name, method) in &methods {
        let rows = per_customer(&mut test, method);
        let (rl, rh) = interval(&rows, 0, &draws);
        let (nl, nh) = interval(&rows, 1, &draws);
        // Paired: the same customers' difference, resampled together.
        let difference: Vec<[f64; 3]> =
            rows.iter().zip(&reference).map(|(a, b)| [0.0, a[1] - b[1], 0.0]).collect();
        let (dl, dh) = interval(&difference, 1, &draws);
        println!(
            "| {name} | {:.4} ({rl:.4}–{rh:.4}) | {:.4} ({nl:.4}–{nh:.4}) | {:.4} | {:+.4} ({dl:+.4}–{dh:+.4}) |",
            mean(&rows, 0),
            mean(&rows, 1),
            mean(&rows, 2),
            mean(&difference, 1)
        );
    }
    println!(
        "\ndecayed-repeats weights: decay {}; Aisle weights: decay {}, pairs {}, popular {} (chosen on validation)",
        decay_only.1.decay, chosen.decay, chosen.pairs, chosen.popular
    );
    Ok(())
}
