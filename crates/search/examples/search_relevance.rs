//! Relevance of product search on the hand-judged query sets in `bench/search/judged/`:
//! NDCG@10 and MRR@10 of lexical, semantic and hybrid search, per catalog and language.
//!
//! Run with:
//! `cargo run --release -p aisle-search --example search_relevance -- [--data ../shared/data] [--model DIR] [--judged bench/search/judged]`
//!
//! Protocol: each catalog is indexed whole (UCI Online Retail as the importer reads it, the demo
//! shop as the generator makes it with seed 42 and 2,000 items); each query runs with the
//! default settings and no filters from the caller, once per mode (semantic ratio 0, 1 and 0.5);
//! the top 10 are scored against the judgements (gain 2^grade - 1; the ideal ranking from every
//! judged item the catalog holds; MRR counts the first item of grade 2 or more). Queries with no
//! item of grade 1 or more in the catalog are skipped. Nothing is tuned here: the settings are
//! the product's defaults.

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use aisle_domain::{AttributeValue, Item};
use aisle_search::semantic::SemanticIndex;
use aisle_search::{SearchIndex, SearchRequest, SearchSettings};

const K: usize = 10;
const MODES: [(&str, f32); 3] = [("lexical", 0.0), ("semantic", 1.0), ("hybrid", 0.5)];

struct Args {
    data: PathBuf,
    judged: PathBuf,
    model: Option<PathBuf>,
}

fn args() -> Args {
    let mut args = Args {
        data: std::env::var_os("AISLE_SHARED_DATA")
            .map_or_else(|| PathBuf::from("../shared/data"), PathBuf::from),
        judged: PathBuf::from("bench/search/judged"),
        model: std::env::var_os("AISLE_EMBED_MODEL").map(PathBuf::from),
    };
    let mut it = std::env::args().skip(1);
    while let Some(flag) = it.next() {
        let value = it.next().map(PathBuf::from);
        match (flag.as_str(), value) {
            ("--data", Some(v)) => args.data = v,
            ("--judged", Some(v)) => args.judged = v,
            ("--model", Some(v)) => args.model = Some(v),
            (other, _) => panic!("unknown flag {other}; see the header of this file"),
        }
    }
    args
}

/// A judged query, with the grade of each item index (absent: 0).
struct Judged {
    id: String,
    lang: String,
    kind: String,
    text: String,
    grades: HashMap<u32, u32>,
}

fn main() {
    let args = args();
    let encoder = args.model.as_ref().map(|dir| {
        Arc::new(aisle_embed::Encoder::load(dir).unwrap_or_else(|e| panic!("embedding model: {e}")))
    });
    let mut rows = Vec::new();
    let retail = online_retail_items(&args.data);
    let queries = online_retail_queries(&args.judged.join("online-retail.toml"), &retail);
    rows.extend(evaluate("Online Retail", &retail, &queries, encoder.clone()));
    let demo = demo_items();
    let queries = demo_queries(&args.judged.join("demo-shop.toml"), &demo);
    rows.extend(evaluate("demo shop", &demo, &queries, encoder));
    println!(
        "\n| catalog | language | queries | mode | NDCG@10 | MRR@10 |\n|---|---|---|---|---|---|"
    );
    for r in &rows {
        println!("| {} | {} | {} | {} | {:.3} | {:.3} |", r.0, r.1, r.2, r.3, r.4, r.5);
    }
    let json: Vec<serde_json::Value> = rows
        .iter()
        .map(|r| serde_json::json!({"catalog": r.0, "language": r.1, "queries": r.2, "mode": r.3, "ndcg@10": r.4, "mrr@10": r.5}))
        .collect();
    println!("{}", serde_json::Value::Array(json));
}

type Row = (String, String, usize, String, f64, f64);

fn evaluate(
    name: &str,
    items: &[(u32, Item)],
    queries: &[Judged],
    encoder: Option<Arc<aisle_embed::Encoder>>,
) -> Vec<Row> {
    let index = SearchIndex::in_memory(SearchSettings::default()).expect("index");
    let started = std::time::Instant::now();
    let mut sync = index.begin_sync().expect("sync");
    sync.page(items).expect("index items");
    sync.finish().expect("commit");
    eprintln!("{name}: {} items indexed in {:.2} s", items.len(), started.elapsed().as_secs_f64());
    let modes: Vec<(&str, f32)> = match encoder {
        Some(encoder) => {
            index.attach_semantic(SemanticIndex::in_memory(encoder));
            let started = std::time::Instant::now();
            index.catch_up_semantic(usize::MAX, &mut |_, _| {}).expect("embed");
            eprintln!("{name}: embedded in {:.1} s", started.elapsed().as_secs_f64());
            MODES.to_vec()
        }
        None => MODES[..1].to_vec(),
    };
    let mut by_group: BTreeMap<(String, String), Vec<(f64, f64)>> = BTreeMap::new();
    for (mode, ratio) in &modes {
        for query in queries {
            let request = SearchRequest {
                query: query.text.clone(),
                limit: K,
                semantic_ratio: Some(*ratio),
                facets: Some(Vec::new()),
                prefix: false,
                ..SearchRequest::default()
            };
            let results = index.search(&request, None).expect("search");
            let ranked: Vec<u32> = results.hits.iter().map(|h| h.item).collect();
            let (ndcg, mrr) = score(&ranked, &query.grades);
            if std::env::var_os("AISLE_SEARCH_EVAL_VERBOSE").is_some() {
                eprintln!(
                    "{mode} {} [{}] {:.3} {:.3} {}",
                    query.id, query.kind, ndcg, mrr, query.text
                );
            }
            for lang in [query.lang.as_str(), "all"] {
                by_group.entry((lang.to_string(), mode.to_string())).or_default().push((ndcg, mrr));
            }
        }
    }
    let mut rows = Vec::new();
    for ((lang, mode), scores) in by_group {
        let n = scores.len() as f64;
        let ndcg = scores.iter().map(|s| s.0).sum::<f64>() / n;
        let mrr = scores.iter().map(|s| s.1).sum::<f64>() / n;
        rows.push((name.to_string(), lang, scores.len(), mode, ndcg, mrr));
    }
    rows
}

fn score(ranked: &[u32], grades: &HashMap<u32, u32>) -> (f64, f64) {
    let gain = |g: u32| f64::from((1u32 << g) - 1);
    let discount = |rank: usize| 1.0 / ((rank + 2) as f64).log2();
    let dcg: f64 = ranked
        .iter()
        .take(K)
        .enumerate()
        .map(|(r, i)| gain(*grades.get(i).unwrap_or(&0)) * discount(r))
        .sum();
    let mut ideal: Vec<u32> = grades.values().copied().collect();
    ideal.sort_unstable_by(|a, b| b.cmp(a));
    let idcg: f64 = ideal.iter().take(K).enumerate().map(|(r, g)| gain(*g) * discount(r)).sum();
    let mrr = ranked
        .iter()
        .take(K)
        .position(|i| grades.get(i).is_some_and(|g| *g >= 2))
        .map_or(0.0, |r| 1.0 / (r + 1) as f64);
    (if idcg > 0.0 { dcg / idcg } else { 0.0 }, mrr)
}

fn online_retail_items(data: &Path) -> Vec<(u32, Item)> {
    let dir = data.join("uci-online-retail");
    let mut paths: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.to_string_lossy().ends_with(".csv.gz"))
        .collect();
    paths.sort();
    // Later rows replace earlier ones, as the store's upserts do.
    let mut items: Vec<Item> = Vec::new();
    let mut position: HashMap<String, usize> = HashMap::new();
    aisle_ingest::read(
        aisle_ingest::Format::OnlineRetail,
        &paths,
        &aisle_ingest::ReadOptions::default(),
        &mut |chunk| {
            for item in chunk.batch.items {
                match position.get(item.id.as_str()) {
                    Some(&at) => items[at] = item,
                    None => {
                        position.insert(item.id.as_str().to_string(), items.len());
                        items.push(item);
                    }
                }
            }
            Ok(())
        },
    )
    .expect("read Online Retail");
    items.into_iter().enumerate().map(|(i, item)| (i as u32, item)).collect()
}

fn online_retail_queries(file: &Path, items: &[(u32, Item)]) -> Vec<Judged> {
    let by_id: HashMap<&str, u32> = items.iter().map(|(i, item)| (item.id.as_str(), *i)).collect();
    let table = read_toml(file);
    queries_of(&table)
        .into_iter()
        .filter_map(|q| {
            let listed = q.get("items").and_then(|v| v.as_table())?;
            let grades: HashMap<u32, u32> = listed
                .iter()
                .filter_map(|(code, grade)| {
                    Some((*by_id.get(code.as_str())?, grade.as_integer()? as u32))
                })
                .filter(|(_, g)| *g > 0)
                .collect();
            judged(q, grades)
        })
        .collect()
}

fn demo_items() -> Vec<(u32, Item)> {
    let mut config = aisle_shopgen::ShopConfig::new(20_000, 42);
    config.items = Some(2_000);
    config.users = Some(100);
    let mut items = Vec::new();
    aisle_shopgen::generate(&config, 10_000, &mut |batch| {
        items.extend(batch.items);
        Ok(())
    })
    .expect("generate the demo shop");
    items.into_iter().enumerate().map(|(i, item)| (i as u32, item)).collect()
}

fn demo_queries(file: &Path, items: &[(u32, Item)]) -> Vec<Judged> {
    let table = read_toml(file);
    queries_of(&table)
        .into_iter()
        .filter_map(|q| {
            let rules = q.get("grades").and_then(|v| v.as_array())?;
            let grades: HashMap<u32, u32> = items
                .iter()
                .filter(|(_, item)| !item.hidden)
                .filter_map(|(i, item)| {
                    let rule =
                        rules.iter().find(|r| r.as_table().is_some_and(|r| rule_holds(r, item)))?;
                    Some((*i, rule.get("grade")?.as_integer()? as u32))
                })
                .filter(|(_, g)| *g > 0)
                .collect();
            judged(q, grades)
        })
        .collect()
}

fn judged(q: &toml::Table, grades: HashMap<u32, u32>) -> Option<Judged> {
    if grades.is_empty() {
        return None;
    }
    let text = |key: &str| q.get(key).and_then(|v| v.as_str()).unwrap_or_default().to_string();
    Some(Judged {
        id: text("id"),
        lang: text("lang"),
        kind: text("kind"),
        text: text("text"),
        grades,
    })
}

/// Whether every condition of a demo-shop rule holds for the item (see the judged README).
fn rule_holds(rule: &toml::Table, item: &Item) -> bool {
    rule.iter().all(|(key, value)| match key.as_str() {
        "grade" => true,
        "category" => value.as_str().is_some_and(|c| item.categories.iter().any(|x| x == c)),
        "categories_any" => value.as_array().is_some_and(|list| {
            list.iter().filter_map(|v| v.as_str()).any(|c| item.categories.iter().any(|x| x == c))
        }),
        "brand" => value.as_str().is_some_and(|b| item.brand.as_deref() == Some(b)),
        "colour" => value.as_str().is_some_and(|c| attribute_is(item, "colour", c)),
        "attribute" => value.as_table().is_some_and(|a| {
            let key = a.get("key").and_then(|v| v.as_str()).unwrap_or_default();
            let wanted = a.get("value").and_then(|v| v.as_str()).unwrap_or_default();
            attribute_is(item, key, wanted)
        }),
        "title_has" => {
            value.as_str().is_some_and(|w| item.title.to_lowercase().contains(&w.to_lowercase()))
        }
        "min_price" => {
            price_of(value).is_some_and(|min| item.price.as_ref().is_some_and(|p| p.amount >= min))
        }
        "max_price" => {
            price_of(value).is_some_and(|max| item.price.as_ref().is_some_and(|p| p.amount <= max))
        }
        other => panic!("unknown rule field {other}"),
    })
}

fn price_of(value: &toml::Value) -> Option<f64> {
    value.as_float().or_else(|| value.as_integer().map(|i| i as f64))
}

fn attribute_is(item: &Item, key: &str, wanted: &str) -> bool {
    match item.attributes.get(key) {
        Some(AttributeValue::Text(t)) => t.eq_ignore_ascii_case(wanted),
        Some(AttributeValue::List(list)) => list.iter().any(|t| t.eq_ignore_ascii_case(wanted)),
        _ => false,
    }
}

fn read_toml(file: &Path) -> toml::Table {
    let text = std::fs::read_to_string(file).unwrap_or_else(|e| panic!("{}: {e}", file.display()));
    text.parse().unwrap_or_else(|e| panic!("{}: {e}", file.display()))
}

fn queries_of(table: &toml::Table) -> Vec<&toml::Table> {
    table
        .get("query")
        .and_then(|v| v.as_array())
        .map(|a| a.iter().filter_map(|q| q.as_table()).collect())
        .unwrap_or_default()
}
