//! Measures what personal re-ranking does to product search, on the demo shop's held-out
//! purchases: does the shopper's own recommender score move the item they went on to buy up
//! the results of the search they typed? Not a general evaluation harness (that is the eval
//! crate); one offline protocol for one question.
//!
//! Protocol:
//! 1. The demo shop (`aisle_shopgen`, `--events` about N events, `--seed` S) is generated in
//!    memory. Items are indexed in order of appearance; the whole catalog is indexed for lexical
//!    search (every item exists before the period starts).
//! 2. Temporal split by event timestamp over the shop's configured period `[start, end)`:
//!    events before `start + 0.9 (end - start)` train, the rest is the test period. A
//!    validation split is the same one period earlier: train before 0.8, cases in [0.8, 0.9).
//!    The recommender (`--model`, default `ease`, registry defaults) is fitted on signed-in
//!    users' events before the cut, weighted by `EventWeights::default()`.
//! 3. Cases: a signed-in user's search event in the evaluated period whose user has training
//!    history, and each distinct item that user purchased later in the same session. The domain
//!    `Event` carries no session id, but the generator writes every session as one contiguous
//!    run of one actor's events, and a search only ever opens a session; so the session is the
//!    run of the same actor's events after the search, ending at the next search, at another
//!    actor, or at a gap of more than 30 minutes (checkout follow-ups come days later).
//! 4. Each case's query is searched lexically (`semantic_ratio` 0, `limit` 100, no facets,
//!    understanding and prefix matching on, as in the storefront) plainly, then re-ranked
//!    through the same `Personal` hook by three score sources: item popularity (weighted
//!    pre-cut events of every actor, anonymous sessions included), a prior that knows nothing
//!    of the shopper; the model's scores for the user's pre-cut history; and both, each
//!    min-max scaled over the candidates and summed. The rank of the purchased item is
//!    recorded, or a miss past 100 (re-ranking only reorders the top 100, so HR@100 is the
//!    same for every ranking: it is the ceiling re-ranking works under).
//! 5. Reported: cases, MRR@100, HR@10, NDCG@10 (one relevant item) and HR@100 per ranking;
//!    changes relative to plain search and to the popularity prior, each with a paired bootstrap
//!    95% interval of the MRR difference and the count of cases ranked better and worse. The
//!    weight is `--weight` (default: `SearchSettings::default().personalization_weight`) for
//!    every re-ranking; `--tune` instead picks it per re-ranking by validation MRR over a grid
//!    (the validation table is printed either way). The test period chooses nothing.
//!
//! Run with:
//! `cargo run --release -p aisle-search --example search_personalization -- [--events N] [--seed S] [--weight W]`
//! (also `--tune` and `--model ease|item-knn|als|...`, any registry name with default settings).

use std::collections::{HashMap, HashSet};
use std::error::Error;
use std::time::Instant;

use aisle_domain::{Actor, Event, EventKind, EventWeights, InteractionMatrix, Item};
use aisle_recommend::{ModelConfig, Query, Recommender, TrainData};
use aisle_search::{Personal, SearchIndex, SearchRequest, SearchSettings};
use aisle_shopgen::{generate, ShopConfig};

type AnyResult<T> = Result<T, Box<dyn Error>>;

/// Results searched per case; the purchased item past this is a miss.
const LIMIT: usize = 100;
/// Longest pause inside a session; anything longer is a follow-up or another visit.
const SESSION_GAP_MILLIS: i64 = 30 * 60_000;
/// Test period: the last tenth of the shop's period.
const TEST_FROM: f64 = 0.9;
/// Validation period: the tenth before the test period.
const VALIDATION_FROM: f64 = 0.8;
/// Weights `--tune` tries on the validation period.
const WEIGHT_GRID: &[f32] = &[0.05, 0.1, 0.2, 0.3, 0.5, 1.0, 2.0, 5.0, 10.0];
/// Paired bootstrap resamples for the intervals.
const BOOTSTRAP_ROUNDS: usize = 2_000;

struct Options {
    events: u64,
    seed: u64,
    weight: f32,
    tune: bool,
    model: String,
}

/// Who acted, as a dense index: sessions and users are numbered separately.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Who {
    User(u32),
    Session(u32),
}

/// An event reduced to what the protocol reads, in generation order.
struct Action {
    who: Who,
    kind: EventKind,
    item: Option<u32>,
    query: Option<String>,
    millis: i64,
}

/// The generated shop: the catalog by item index and every event in stream order.
struct Shop {
    items: Vec<(u32, Item)>,
    actions: Vec<Action>,
    users: usize,
    start: i64,
    end: i64,
}

/// One search followed by a purchase in the same session.
struct Case {
    user: u32,
    query: String,
    target: u32,
}

/// What re-ranks the plain results: the same [`Personal`] hook, fed different scores.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Reranker {
    /// Pre-cut item popularity: a prior that knows nothing of the shopper.
    Popularity,
    /// The model's scores for the shopper's pre-cut history.
    Personal,
    /// Both, each scaled to 0..=1 over the candidates, summed: does the model add anything to
    /// the prior?
    Blend,
}

const RERANKERS: [Reranker; 3] = [Reranker::Popularity, Reranker::Personal, Reranker::Blend];

impl Reranker {
    fn name(self) -> &'static str {
        match self {
            Self::Popularity => "popularity",
            Self::Personal => "personal",
            Self::Blend => "personal+popularity",
        }
    }
}

/// The purchased item's 1-based rank per case, `None` past [`LIMIT`].
type Ranks = Vec<Option<usize>>;

#[derive(Debug, Clone, Copy, Default)]
struct Metrics {
    mrr: f64,
    hr10: f64,
    ndcg10: f64,
    hr100: f64,
}

fn main() -> AnyResult<()> {
    let options = parse_args()?;
    let started = Instant::now();
    let shop = generate_shop(&options)?;
    println!(
        "# Search personalization on the demo shop\n\nshop: {} items, {} users, {} events (seed {}), generated in {:.1}s",
        shop.items.len(),
        shop.users,
        shop.actions.len(),
        options.seed,
        started.elapsed().as_secs_f64()
    );
    print_protocol(&options);

    let index = SearchIndex::in_memory(SearchSettings::default())?;
    let mut sync = index.begin_sync()?;
    sync.page(&shop.items)?;
    sync.finish()?;

    let span = (shop.end - shop.start) as f64;
    let validation_cut = shop.start + (span * VALIDATION_FROM) as i64;
    let test_cut = shop.start + (span * TEST_FROM) as i64;

    // Validation: trained one period earlier, cases from the period before the test.
    let validation = Split::fit(&shop, &options.model, validation_cut)?;
    let validation_cases = validation.cases(&shop, validation_cut, test_cut);
    let validation_scores = validation.user_scores(&validation_cases);
    let validation_plain = plain_ranks(&index, &validation, &validation_cases)?;
    println!(
        "\n## Validation (train < 0.8 of the period, cases in [0.8, 0.9)): {} cases, plain MRR@100 {:.4}\n",
        validation_cases.len(),
        metrics(&validation_plain).mrr
    );
    println!("| weight | {} |", RERANKERS.map(|r| format!("MRR@100 {}", r.name())).join(" | "));
    println!("|---:|---:|---:|---:|");
    let mut best = [(options.weight, f64::MIN); 3];
    for &weight in WEIGHT_GRID {
        let mut row = Vec::new();
        for (k, reranker) in RERANKERS.into_iter().enumerate() {
            let ranks = reranked_ranks(
                &index,
                &validation,
                &validation_cases,
                &validation_scores,
                reranker,
                weight,
            )?;
            let mrr = metrics(&ranks).mrr;
            if mrr > best[k].1 {
                best[k] = (weight, mrr);
            }
            row.push(format!("{mrr:.4}"));
        }
        println!("| {weight} | {} |", row.join(" | "));
    }
    let weights = if options.tune { best.map(|(w, _)| w) } else { [options.weight; 3] };
    println!(
        "\nweights used on the test period: {}{}",
        RERANKERS
            .iter()
            .zip(weights)
            .map(|(r, w)| format!("{} {w}", r.name()))
            .collect::<Vec<_>>()
            .join(", "),
        if options.tune { " (picked on validation)" } else { " (given, not tuned)" }
    );

    // Test: trained on everything before the cut, cases from the last tenth.
    let test = Split::fit(&shop, &options.model, test_cut)?;
    let cases = test.cases(&shop, test_cut, i64::MAX);
    let scores = test.user_scores(&cases);
    let plain = plain_ranks(&index, &test, &cases)?;
    let mut reranked = Vec::new();
    for (reranker, weight) in RERANKERS.into_iter().zip(weights) {
        reranked.push(reranked_ranks(&index, &test, &cases, &scores, reranker, weight)?);
    }
    report(&options, cases.len(), &plain, &reranked, weights, started);
    Ok(())
}

/// Streams the shop into memory, numbering items, users and anonymous sessions densely.
fn generate_shop(options: &Options) -> AnyResult<Shop> {
    let config = ShopConfig::new(options.events, options.seed);
    let mut items: Vec<(u32, Item)> = Vec::new();
    let mut item_index: HashMap<String, u32> = HashMap::new();
    let mut users: HashMap<String, u32> = HashMap::new();
    let mut sessions: HashMap<String, u32> = HashMap::new();
    let mut actions: Vec<Action> = Vec::new();
    generate(&config, 50_000, &mut |batch| {
        for item in batch.items {
            let index = items.len() as u32;
            item_index.insert(item.id.as_str().to_string(), index);
            items.push((index, item));
        }
        for user in batch.users {
            let next = users.len() as u32;
            users.entry(user.id.as_str().to_string()).or_insert(next);
        }
        for event in batch.events {
            actions.push(reduce(event, &item_index, &mut users, &mut sessions));
        }
        Ok(())
    })?;
    let start = config.start.millis();
    let end = start + i64::from(config.days) * 86_400_000;
    Ok(Shop { items, actions, users: users.len(), start, end })
}

fn reduce(
    event: Event,
    item_index: &HashMap<String, u32>,
    users: &mut HashMap<String, u32>,
    sessions: &mut HashMap<String, u32>,
) -> Action {
    let number = |map: &mut HashMap<String, u32>, id: &str| {
        let next = map.len() as u32;
        *map.entry(id.to_string()).or_insert(next)
    };
    let who = match &event.actor {
        Actor::User(id) => Who::User(number(users, id.as_str())),
        Actor::Session(id) => Who::Session(number(sessions, id.as_str())),
    };
    Action {
        who,
        kind: event.kind,
        item: event.item.as_ref().and_then(|id| item_index.get(id.as_str()).copied()),
        query: event.query,
        millis: event.timestamp.millis(),
    }
}

/// What is known at one cut: the users' training matrix, the model fitted on it and the
/// popularity prior.
struct Split {
    matrix: InteractionMatrix,
    model: Box<dyn Recommender>,
    popularity: Vec<f32>,
}

impl Split {
    fn fit(shop: &Shop, model: &str, cut: i64) -> AnyResult<Self> {
        let weights = EventWeights::default();
        let (mut rows, mut items, mut values, mut millis) =
            (Vec::new(), Vec::new(), Vec::new(), Vec::new());
        let mut popularity = vec![0.0f32; shop.items.len()];
        for action in shop.actions.iter().filter(|a| a.millis < cut) {
            let Some(item) = action.item else { continue };
            let weight = weights.weight(action.kind);
            popularity[item as usize] += weight;
            if let Who::User(user) = action.who {
                rows.push(user);
                items.push(item);
                values.push(weight);
                millis.push(action.millis);
            }
        }
        // Returns can push an item's sum below zero; a prior should not rank anything under
        // items nobody touched.
        popularity.iter_mut().for_each(|p| *p = p.max(0.0));
        let matrix = InteractionMatrix::from_columns(
            shop.users,
            shop.items.len(),
            &rows,
            &items,
            &values,
            &millis,
        );
        let config = ModelConfig::default_for(model).ok_or_else(|| {
            format!("unknown model {model:?}; use one of {:?}", aisle_recommend::MODEL_NAMES)
        })?;
        let fitted = Instant::now();
        let model = aisle_recommend::registry::fit(&config, &TrainData::new(&matrix))?;
        eprintln!(
            "fitted {} on {} pairs in {:.1}s",
            config.name(),
            matrix.nnz(),
            fitted.elapsed().as_secs_f64()
        );
        Ok(Self { matrix, model, popularity })
    }

    /// The cases of searches made in `[from, to)` by users with history before the cut.
    fn cases(&self, shop: &Shop, from: i64, to: i64) -> Vec<Case> {
        let mut cases = Vec::new();
        for (k, search) in shop.actions.iter().enumerate() {
            let (Who::User(user), EventKind::Search, Some(query)) =
                (search.who, search.kind, &search.query)
            else {
                continue;
            };
            if search.millis < from
                || search.millis >= to
                || self.matrix.row(user as usize).0.is_empty()
            {
                continue;
            }
            let mut bought = HashSet::new();
            let mut last = search.millis;
            for next in &shop.actions[k + 1..] {
                if next.who != search.who
                    || next.kind == EventKind::Search
                    || next.millis - last > SESSION_GAP_MILLIS
                {
                    break;
                }
                last = next.millis;
                if let (EventKind::Purchase, Some(item)) = (next.kind, next.item) {
                    if bought.insert(item) {
                        cases.push(Case { user, query: query.clone(), target: item });
                    }
                }
            }
        }
        cases
    }

    /// The model's score of every item for each case's user, from their pre-cut history.
    fn user_scores(&self, cases: &[Case]) -> HashMap<u32, Vec<f32>> {
        let mut by_user = HashMap::new();
        for case in cases {
            by_user.entry(case.user).or_insert_with(|| {
                let row = case.user as usize;
                let (items, weights) = self.matrix.row(row);
                let query = Query {
                    user: Some(case.user),
                    items,
                    weights,
                    millis: self.matrix.row_millis(row),
                };
                let mut scores = vec![f32::NEG_INFINITY; self.model.n_items()];
                self.model.score(&query, &mut scores);
                scores
            });
        }
        by_user
    }
}

/// The request every case makes: lexical only, the storefront's defaults otherwise.
fn request(query: &str) -> SearchRequest {
    SearchRequest {
        query: query.to_string(),
        limit: LIMIT,
        semantic_ratio: Some(0.0),
        facets: Some(Vec::new()),
        ..SearchRequest::default()
    }
}

fn rank_of(hits: &[aisle_search::Hit], target: u32) -> Option<usize> {
    hits.iter().position(|h| h.item == target).map(|p| p + 1)
}

/// Ranks without a shopper. The split's popularity is set all the same, as a shop would have
/// it (it orders empty queries and the popular sort).
fn plain_ranks(index: &SearchIndex, split: &Split, cases: &[Case]) -> AnyResult<Ranks> {
    index.set_popularity(split.popularity.clone());
    let mut ranks = Vec::with_capacity(cases.len());
    for case in cases {
        ranks.push(rank_of(&index.search(&request(&case.query), None)?.hits, case.target));
    }
    Ok(ranks)
}

/// Ranks re-ranked by `reranker` at `weight`.
fn reranked_ranks(
    index: &SearchIndex,
    split: &Split,
    cases: &[Case],
    user_scores: &HashMap<u32, Vec<f32>>,
    reranker: Reranker,
    weight: f32,
) -> AnyResult<Ranks> {
    index.set_popularity(split.popularity.clone());
    let settings = index.settings();
    index.set_settings(SearchSettings { personalization_weight: weight, ..settings.clone() })?;
    let mut ranks = Vec::with_capacity(cases.len());
    for case in cases {
        let model = user_scores.get(&case.user).map_or(&[][..], Vec::as_slice);
        let scores = |items: &[u32]| -> Vec<f32> {
            let popularity = by_index(&split.popularity, items);
            let personal = by_index(model, items);
            match reranker {
                Reranker::Popularity => popularity,
                Reranker::Personal => personal,
                Reranker::Blend => {
                    let (popularity, personal) = (unit_scaled(popularity), unit_scaled(personal));
                    popularity.iter().zip(&personal).map(|(a, b)| a + b).collect()
                }
            }
        };
        let results = index.search(&request(&case.query), Some(&Personal { scores: &scores }))?;
        ranks.push(rank_of(&results.hits, case.target));
    }
    index.set_settings(settings)?;
    Ok(ranks)
}

/// Scores of the given items, NaN where there is none (what the search expects for unknown).
fn by_index(all: &[f32], items: &[u32]) -> Vec<f32> {
    items.iter().map(|&i| all.get(i as usize).copied().unwrap_or(f32::NAN)).collect()
}

/// Min-max scaled to 0..=1 over the finite values; the rest, and a constant list, become 0.
fn unit_scaled(mut values: Vec<f32>) -> Vec<f32> {
    let (low, high) = values
        .iter()
        .filter(|v| v.is_finite())
        .fold((f32::MAX, f32::MIN), |(lo, hi), &v| (lo.min(v), hi.max(v)));
    for v in &mut values {
        *v = if v.is_finite() && high > low { (*v - low) / (high - low) } else { 0.0 };
    }
    values
}

fn metrics(ranks: &[Option<usize>]) -> Metrics {
    let n = ranks.len().max(1) as f64;
    let mut m = Metrics::default();
    for rank in ranks.iter().flatten() {
        let r = *rank as f64;
        m.mrr += 1.0 / r;
        m.hr100 += 1.0;
        if *rank <= 10 {
            m.hr10 += 1.0;
            m.ndcg10 += 1.0 / (r + 1.0).log2();
        }
    }
    Metrics { mrr: m.mrr / n, hr10: m.hr10 / n, ndcg10: m.ndcg10 / n, hr100: m.hr100 / n }
}

fn reciprocal(rank: Option<usize>) -> f64 {
    rank.map_or(0.0, |r| 1.0 / r as f64)
}

/// A paired bootstrap 95% interval of the mean MRR difference `b - a` over cases.
fn bootstrap_mrr_delta(a: &[Option<usize>], b: &[Option<usize>], seed: u64) -> (f64, f64) {
    let deltas: Vec<f64> = a.iter().zip(b).map(|(&a, &b)| reciprocal(b) - reciprocal(a)).collect();
    if deltas.is_empty() {
        return (0.0, 0.0);
    }
    let mut state = seed;
    let mut means: Vec<f64> = (0..BOOTSTRAP_ROUNDS)
        .map(|_| {
            let sum: f64 = (0..deltas.len())
                .map(|_| deltas[(splitmix64(&mut state) % deltas.len() as u64) as usize])
                .sum();
            sum / deltas.len() as f64
        })
        .collect();
    means.sort_by(f64::total_cmp);
    (means[BOOTSTRAP_ROUNDS / 40], means[BOOTSTRAP_ROUNDS - 1 - BOOTSTRAP_ROUNDS / 40])
}

/// A tiny seeded generator, so the intervals are reproducible without another dependency.
fn splitmix64(state: &mut u64) -> u64 {
    *state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
    let mut z = *state;
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// Cases where `b` ranks the target better, and worse, than `a` (a miss is the worst rank).
fn better_worse(a: &[Option<usize>], b: &[Option<usize>]) -> (usize, usize) {
    let key = |r: Option<usize>| r.unwrap_or(usize::MAX);
    a.iter().zip(b).fold((0, 0), |(w, l), (&a, &b)| match key(b).cmp(&key(a)) {
        std::cmp::Ordering::Less => (w + 1, l),
        std::cmp::Ordering::Greater => (w, l + 1),
        std::cmp::Ordering::Equal => (w, l),
    })
}

fn print_protocol(options: &Options) {
    let days = ShopConfig::new(options.events, options.seed).days;
    let gap = SESSION_GAP_MILLIS / 60_000;
    println!("\n## Protocol\n");
    println!("- Temporal split by event timestamp over the shop's {days}-day period: test = the");
    println!(
        "  last 10%, trained on all before it; validation = the 10% before that, re-fitted on"
    );
    println!("  all before it.");
    println!("- Model `{}` (registry defaults) on signed-in users' pre-cut events,", options.model);
    println!("  weighted by `EventWeights::default()`.");
    println!(
        "- Case: a signed-in user with pre-cut history searches in the period, then buys X in"
    );
    println!("  the same session (the same actor's contiguous events, up to the next search or a");
    println!("  {gap}-minute gap); one case per distinct X.");
    println!(
        "- Lexical search (semantic_ratio 0, limit {LIMIT}, understand and prefix on): plain,"
    );
    println!("  then re-ranked by pre-cut popularity (no shopper), by the model's scores for the");
    println!("  pre-cut history, and by both min-max scaled and summed.");
    println!("- Metrics on X's rank (a miss past {LIMIT}); paired bootstrap of MRR differences");
    println!("  ({BOOTSTRAP_ROUNDS} rounds).");
}

fn report(
    options: &Options,
    cases: usize,
    plain: &Ranks,
    reranked: &[Ranks],
    weights: [f32; 3],
    started: Instant,
) {
    let plain_metrics = metrics(plain);
    let reranked_metrics: Vec<Metrics> = reranked.iter().map(|r| metrics(r)).collect();
    let change = |new: f64, old: f64| {
        if old > 0.0 {
            format!("{:+.1}%", 100.0 * (new - old) / old)
        } else {
            "n/a".into()
        }
    };
    println!(
        "\n## Test (train < 0.9 of the period, cases in the last 10%): {cases} cases, model {}\n",
        options.model
    );
    println!("| ranking | weight | MRR@100 | HR@10 | NDCG@10 | HR@100 |");
    println!("|---|---:|---:|---:|---:|---:|");
    let row = |name: &str, weight: String, m: Metrics| {
        println!(
            "| {name} | {weight} | {:.4} | {:.4} | {:.4} | {:.4} |",
            m.mrr, m.hr10, m.ndcg10, m.hr100
        );
    };
    row("plain lexical", "-".into(), plain_metrics);
    for ((reranker, weight), m) in RERANKERS.iter().zip(weights).zip(&reranked_metrics) {
        row(&format!("+ {} re-rank", reranker.name()), weight.to_string(), *m);
    }

    // Each re-ranking against plain search, and the shopper's model against the prior alone.
    let (popularity, personal, blend) = (0, 1, 2);
    let comparisons = [
        ("popularity vs plain", plain, plain_metrics, popularity),
        ("personal vs plain", plain, plain_metrics, personal),
        ("personal+popularity vs plain", plain, plain_metrics, blend),
        ("personal vs popularity", &reranked[popularity], reranked_metrics[popularity], personal),
        (
            "personal+popularity vs popularity",
            &reranked[popularity],
            reranked_metrics[popularity],
            blend,
        ),
    ];
    println!(
        "\n| change | MRR@100 | HR@10 | NDCG@10 | MRR difference [95% paired bootstrap] \
         | better / worse cases |"
    );
    println!("|---|---:|---:|---:|---:|---:|");
    let mut json_changes = serde_json::Map::new();
    for (k, (name, base, old, candidate)) in comparisons.into_iter().enumerate() {
        let new = reranked_metrics[candidate];
        let (low, high) =
            bootstrap_mrr_delta(base, &reranked[candidate], options.seed.wrapping_add(k as u64));
        let (better, worse) = better_worse(base, &reranked[candidate]);
        println!(
            "| {name} | {} | {} | {} | {:+.4} [{low:+.4}, {high:+.4}] | {better} / {worse} |",
            change(new.mrr, old.mrr),
            change(new.hr10, old.hr10),
            change(new.ndcg10, old.ndcg10),
            new.mrr - old.mrr,
        );
        json_changes.insert(
            name.replace(' ', "_"),
            serde_json::json!({
                "mrr_relative": relative(new.mrr, old.mrr),
                "hr_at_10_relative": relative(new.hr10, old.hr10),
                "ndcg_at_10_relative": relative(new.ndcg10, old.ndcg10),
                "mrr_difference": new.mrr - old.mrr,
                "mrr_difference_ci95": [low, high],
                "better": better,
                "worse": worse,
            }),
        );
    }
    println!("\ntotal time {:.1}s\n", started.elapsed().as_secs_f64());
    let mut rankings = serde_json::Map::new();
    rankings.insert("plain".into(), as_json(plain_metrics, None));
    for ((reranker, weight), m) in RERANKERS.iter().zip(weights).zip(&reranked_metrics) {
        rankings.insert(reranker.name().into(), as_json(*m, Some(weight)));
    }
    let json = serde_json::json!({
        "events": options.events,
        "seed": options.seed,
        "model": options.model,
        "tuned": options.tune,
        "cases": cases,
        "rankings": rankings,
        "changes": json_changes,
    });
    println!("{json}");
}

fn relative(new: f64, old: f64) -> Option<f64> {
    (old > 0.0).then(|| (new - old) / old)
}

/// The weight as written on the command line (0.3, not 0.30000001192092896).
fn decimal(weight: f32) -> f64 {
    (f64::from(weight) * 1e6).round() / 1e6
}

fn as_json(m: Metrics, weight: Option<f32>) -> serde_json::Value {
    serde_json::json!({
        "weight": weight.map(decimal),
        "mrr_at_100": m.mrr,
        "hr_at_10": m.hr10,
        "ndcg_at_10": m.ndcg10,
        "hr_at_100": m.hr100,
    })
}

fn parse_args() -> AnyResult<Options> {
    let mut options = Options {
        events: 300_000,
        seed: 42,
        weight: SearchSettings::default().personalization_weight,
        tune: false,
        model: "ease".into(),
    };
    let mut args = std::env::args().skip(1);
    while let Some(flag) = args.next() {
        let mut value = || args.next().ok_or_else(|| format!("{flag} needs a value"));
        match flag.as_str() {
            "--events" => options.events = value()?.parse()?,
            "--seed" => options.seed = value()?.parse()?,
            "--weight" => options.weight = value()?.parse()?,
            "--model" => options.model = value()?,
            "--tune" => options.tune = true,
            other => {
                return Err(format!(
                    "unknown option {other:?}; use --events N, --seed S, --weight W, --model NAME, --tune"
                )
                .into())
            }
        }
    }
    Ok(options)
}
