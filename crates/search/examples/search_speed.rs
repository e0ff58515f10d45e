//! Speed of product search on a large catalog: lexical indexing throughput, and query latency
//! (p50, p99) for lexical and hybrid search, the latter with the query embedding cached and not.
//!
//! Run with:
//! `cargo run --release -p aisle-search --example search_speed -- [--items 100000] [--model DIR] [--cache DIR]`
//!
//! The catalog is the demo shop's (seed 42) at the given size. Indexing writes a real on-disk
//! index (tantivy, memory-mapped) in a temporary directory and counts from the first document to
//! the committed, searchable index. Queries are the demo shop's judged queries (Chinese, English
//! and mixed) plus shoppers' queries the generator writes per category, each run once to warm
//! up and then timed one at a time on one thread, as a server answers a request. With a model,
//! the catalog's embeddings are kept in `--cache` (default `target/search-speed-cache`) so a
//! second run does not embed 100k titles again. `--dump DIR` also writes the catalog and the
//! queries for the same-run peer, `bench/peers/search_bm25s.py`.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Instant;

use aisle_search::semantic::SemanticIndex;
use aisle_search::{SearchIndex, SearchRequest, SearchSettings};

fn main() {
    let mut items = 100_000u64;
    let mut model = std::env::var_os("AISLE_EMBED_MODEL").map(PathBuf::from);
    let mut cache = PathBuf::from("target/search-speed-cache");
    let mut dump: Option<PathBuf> = None;
    let mut args = std::env::args().skip(1);
    while let Some(flag) = args.next() {
        let value = args.next().unwrap_or_default();
        match flag.as_str() {
            "--items" => items = value.parse().expect("--items takes a number"),
            "--model" => model = Some(PathBuf::from(value)),
            "--cache" => cache = PathBuf::from(value),
            "--dump" => dump = Some(PathBuf::from(value)),
            other => panic!("unknown flag {other}"),
        }
    }
    let (catalog, queries) = demo_shop(items);
    println!("catalog: {} items; {} distinct queries", catalog.len(), queries.len());
    if let Some(dir) = &dump {
        write_for_peer(dir, &catalog, &queries);
    }

    let dir = tempfile::tempdir().expect("temp dir");
    let index = SearchIndex::open(dir.path(), SearchSettings::default()).expect("index");
    let started = Instant::now();
    let mut sync = index.begin_sync().expect("sync");
    for page in catalog.chunks(5_000) {
        sync.page(page).expect("index");
    }
    sync.finish().expect("commit");
    let seconds = started.elapsed().as_secs_f64();
    let rate = catalog.len() as f64 / seconds;
    println!("lexical indexing: {} items in {seconds:.2} s = {rate:.0} items/s", catalog.len());

    let lexical = latencies(&index, &queries, 0.0, false);
    report("lexical", &lexical);
    if std::env::var_os("AISLE_SEARCH_SPEED_SLOWEST").is_some() {
        let mut slowest: Vec<(f64, &String)> =
            lexical.iter().copied().zip(queries.iter().cycle()).collect();
        slowest.sort_by(|a, b| b.0.total_cmp(&a.0));
        for (ms, query) in slowest.iter().take(15) {
            println!("  {ms:.2} ms  {query}");
        }
    }
    let mut json = serde_json::json!({
        "items": catalog.len(), "indexing_items_per_s": rate,
        "lexical_p50_ms": percentile(&lexical, 0.5), "lexical_p99_ms": percentile(&lexical, 0.99),
    });
    if let Some(model) = model {
        let encoder = Arc::new(aisle_embed::Encoder::load(&model).expect("model"));
        let semantic = SemanticIndex::open(encoder, &cache).expect("semantic index");
        index.attach_semantic(semantic);
        let backlog = index.semantic_backlog();
        let started = Instant::now();
        index
            .catch_up_semantic(usize::MAX, &mut |done, total| {
                if done % 8_192 < 1_024 {
                    eprintln!("embedding {done}/{total}");
                }
            })
            .expect("embed");
        if backlog > 0 {
            let seconds = started.elapsed().as_secs_f64();
            println!(
                "embedded and graphed {backlog} items in {seconds:.1} s ({:.0} items/s)",
                backlog as f64 / seconds
            );
        }
        // Cached: every query's embedding is already in the cache from the warm-up round.
        let cached = latencies(&index, &queries, 0.5, false);
        report("hybrid, query embedding cached", &cached);
        slowest(&cached, &queries);
        if std::env::var_os("AISLE_SEARCH_SPEED_SLOWEST").is_some() {
            if let Some(semantic) = index.semantic() {
                for query in ["hydrating serum", "Nimbus 背包", "running shoes"] {
                    let (vector, _) = semantic.embed_query(query).expect("embed");
                    let started = Instant::now();
                    let found = semantic.nearest(&vector, 100, &|_| true);
                    println!(
                        "  nearest({query}): {} in {:.2} ms",
                        found.len(),
                        started.elapsed().as_secs_f64() * 1e3
                    );
                }
            }
        }
        // Not cached: the cache is emptied before every query.
        let fresh = latencies(&index, &queries, 0.5, true);
        report("hybrid, query embedded per request", &fresh);
        // Queries with Chinese skip the English model, so the figures above mix embedded and
        // lexical-only queries; these are the queries the model embeds.
        let english: Vec<String> =
            queries.iter().filter(|q| !q.chars().any(aisle_text_is_han)).cloned().collect();
        let english_cached = latencies(&index, &english, 0.5, false);
        report("hybrid, English queries only, embedding cached", &english_cached);
        let english_fresh = latencies(&index, &english, 0.5, true);
        report("hybrid, English queries only, embedded per request", &english_fresh);
        json["hybrid_english_cached_p99_ms"] = percentile(&english_cached, 0.99).into();
        json["hybrid_english_uncached_p50_ms"] = percentile(&english_fresh, 0.5).into();
        json["hybrid_english_uncached_p99_ms"] = percentile(&english_fresh, 0.99).into();
        json["hybrid_cached_p50_ms"] = percentile(&cached, 0.5).into();
        json["hybrid_cached_p99_ms"] = percentile(&cached, 0.99).into();
        json["hybrid_uncached_p50_ms"] = percentile(&fresh, 0.5).into();
        json["hybrid_uncached_p99_ms"] = percentile(&fresh, 0.99).into();
    }
    println!("{json}");
}

/// Milliseconds per query, one query at a time, after a warm-up round.
fn latencies(index: &SearchIndex, queries: &[String], ratio: f32, fresh: bool) -> Vec<f64> {
    let request = |query: &str| SearchRequest {
        query: query.to_string(),
        semantic_ratio: Some(ratio),
        ..SearchRequest::default()
    };
    for query in queries {
        index.search(&request(query), None).expect("warm-up");
    }
    let mut times = Vec::with_capacity(queries.len() * 3);
    for _ in 0..3 {
        for query in queries {
            if fresh {
                if let Some(semantic) = index.semantic() {
                    semantic.clear_query_cache();
                }
            }
            let started = Instant::now();
            let results = index.search(&request(query), None).expect("search");
            times.push(started.elapsed().as_secs_f64() * 1000.0);
            std::hint::black_box(results);
        }
    }
    times
}

/// Whether `c` is a Han character (the CJK blocks search treats as Chinese).
fn aisle_text_is_han(c: char) -> bool {
    matches!(c as u32, 0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xF900..=0xFAFF)
}

/// With `AISLE_SEARCH_SPEED_SLOWEST` set, the slowest queries (to see what a tail is made of).
fn slowest(times: &[f64], queries: &[String]) {
    if std::env::var_os("AISLE_SEARCH_SPEED_SLOWEST").is_none() {
        return;
    }
    let mut slowest: Vec<(f64, &String)> =
        times.iter().copied().zip(queries.iter().cycle()).collect();
    slowest.sort_by(|a, b| b.0.total_cmp(&a.0));
    for (ms, query) in slowest.iter().take(10) {
        println!("  {ms:.2} ms  {query}");
    }
}

fn percentile(times: &[f64], p: f64) -> f64 {
    let mut sorted = times.to_vec();
    sorted.sort_by(f64::total_cmp);
    sorted[((sorted.len() as f64 - 1.0) * p).round() as usize]
}

fn report(what: &str, times: &[f64]) {
    println!(
        "{what}: {} queries, p50 {:.2} ms, p99 {:.2} ms, max {:.2} ms",
        times.len(),
        percentile(times, 0.5),
        percentile(times, 0.99),
        times.iter().copied().fold(0.0, f64::max)
    );
}

/// Writes the catalog (one JSON object per line: id and the same five texts the index reads)
/// and the queries (one per line) for the peer in `bench/peers/search_bm25s.py`.
fn write_for_peer(
    dir: &std::path::Path,
    catalog: &[(u32, aisle_domain::Item)],
    queries: &[String],
) {
    std::fs::create_dir_all(dir).expect("dump directory");
    let docs: Vec<String> = catalog
        .iter()
        .map(|(_, item)| {
            let text = aisle_search::catalog::item_text(item).join(" \n ");
            serde_json::json!({"id": item.id.as_str(), "text": text}).to_string()
        })
        .collect();
    std::fs::write(dir.join("docs.jsonl"), docs.join("\n")).expect("write docs");
    std::fs::write(dir.join("queries.txt"), queries.join("\n")).expect("write queries");
}

/// The demo shop's catalog and its shoppers' search queries.
fn demo_shop(items: u64) -> (Vec<(u32, aisle_domain::Item)>, Vec<String>) {
    let mut config = aisle_shopgen::ShopConfig::new(200_000, 42);
    config.items = Some(items);
    config.users = Some(2_000);
    let mut catalog = Vec::new();
    let mut queries = std::collections::BTreeSet::new();
    aisle_shopgen::generate(&config, 50_000, &mut |batch| {
        catalog.extend(batch.items);
        queries.extend(batch.events.into_iter().filter_map(|e| e.query));
        Ok(())
    })
    .expect("generate");
    let judged = std::fs::read_to_string("bench/search/judged/demo-shop.toml").unwrap_or_default();
    for line in judged.lines() {
        if let Some(text) = line.strip_prefix("text = \"").and_then(|t| t.strip_suffix('"')) {
            queries.insert(text.to_string());
        }
    }
    let catalog = catalog.into_iter().enumerate().map(|(i, item)| (i as u32, item)).collect();
    (catalog, queries.into_iter().collect())
}
