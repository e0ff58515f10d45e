//! Recommendation routes: a shopper's feed, an anonymous session's feed, similar items, popular
//! and trending, and re-ranking a given list. Every one takes the same controls (count, offset,
//! filters, diversity, explanations) and names the model version it answered with.

use std::sync::Arc;

use aisle_domain::ExternalId;
use aisle_engine::{History, Ranking, Snapshot};
use axum::extract::State;
use serde::{Deserialize, Serialize};

use super::{inline, parse_id};
use crate::filters::Condition;
use crate::live::Who;
use crate::merchandising::{pinned_slots, Compiled};
use crate::problem::{Answer, Json, Path, Problem, Query};
use crate::state::AppState;

/// Controls every recommendation route takes.
#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
pub struct Controls {
    /// How many items, 1 to 500 (default 10).
    pub n: Option<usize>,
    /// Skip this many of the best items first (pagination; `offset + n` at most 1000).
    pub offset: Option<usize>,
    /// Item ids never to return, comma-separated.
    pub exclude: Option<String>,
    /// Leave out items the shopper already interacted with (default true).
    pub exclude_seen: Option<bool>,
    /// Only items in this category subtree: a path like `Women > Shoes` (case-insensitive).
    pub category: Option<String>,
    /// Only items of this brand (case-insensitive).
    pub brand: Option<String>,
    /// Only items at this price or above.
    pub min_price: Option<f64>,
    /// Only items at this price or below.
    pub max_price: Option<f64>,
    /// `true`: only items in stock.
    pub available: Option<bool>,
    /// Attribute filters: `key:value` or `key:v1|v2`, several joined by `;`.
    pub attributes: Option<String>,
    /// Diversity: at most this many items from one category.
    pub max_per_category: Option<usize>,
    /// Apply the shop's merchandising rules and promotions (default true).
    pub rules: Option<bool>,
    /// Add the reasons for each item.
    pub explain: Option<bool>,
}

impl Controls {
    fn condition(&self) -> Condition {
        Condition {
            category: self.category.clone(),
            brand: self.brand.clone(),
            min_price: self.min_price,
            max_price: self.max_price,
            available: self.available,
            attributes: self.attributes.clone(),
        }
    }
}

/// One recommended item.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Recommended {
    /// The item's id.
    pub id: String,
    /// The model's score (higher is better; comparable within one answer only).
    pub score: f32,
    /// Why it was recommended, when `explain=true`.
    pub reasons: Vec<String>,
}

/// A recommendation answer.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Recommendations {
    /// Best first.
    pub items: Vec<Recommended>,
    /// The model that ranked them (`trending` when the shopper has no history yet).
    pub model: String,
    /// The version of the serving model.
    pub model_version: u32,
    /// The A/B experiment and variant this answer was served under, when the shopper is
    /// enrolled in the running one (home feeds only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub experiment: Option<ExperimentTag>,
}

/// The experiment an answer was served under.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ExperimentTag {
    /// The experiment's id.
    pub id: String,
    /// The variant the shopper is assigned to.
    pub variant: String,
}

/// A list to re-rank.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct RerankRequest {
    /// Item ids, e.g. a category page or search results.
    pub items: Vec<String>,
}

const MAX_N: usize = 500;
const MAX_DEPTH: usize = 1000;

/// A signed-in shopper's home feed, from their stored and live history. While an A/B
/// experiment runs, an enrolled shopper is served their variant's model, and the answer names
/// the experiment and variant.
#[utoipa::path(get, path = "/v1/users/{id}/recommendations", tag = "recommendations",
    params(("id" = String, Path, description = "the shop's customer id"), Controls),
    responses((status = 200, body = Recommendations), (status = 400, body = Problem), (status = 503, body = Problem)),
    security(("api_key" = [])))]
pub async fn user_feed(
    State(state): State<Arc<AppState>>,
    Path(id): Path<String>,
    Query(controls): Query<Controls>,
) -> Answer<Recommendations> {
    let user = parse_id("id", &id)?;
    inline(&state, move |s| {
        let Some(assigned) = s.experiments.assign(&user) else {
            let feed = feed(s)?;
            let (row, history) = shopper_history(s, &feed, &user)?;
            return personal(s, &feed, row, &history, &controls);
        };
        let (row, history) = shopper_history(s, &assigned.snapshot, &user)?;
        let Json(mut answer) = personal(s, &assigned.snapshot, row, &history, &controls)?;
        s.experiments.expose(&user, &assigned);
        answer.experiment =
            Some(ExperimentTag { id: assigned.experiment, variant: assigned.variant });
        Ok(Json(answer))
    })
}

/// An anonymous session's feed, from the events it sent since the server started.
#[utoipa::path(get, path = "/v1/sessions/{id}/recommendations", tag = "recommendations",
    params(("id" = String, Path, description = "the session id events were sent with"), Controls),
    responses((status = 200, body = Recommendations), (status = 400, body = Problem), (status = 503, body = Problem)),
    security(("api_key" = [])))]
pub async fn session_feed(
    State(state): State<Arc<AppState>>,
    Path(id): Path<String>,
    Query(controls): Query<Controls>,
) -> Answer<Recommendations> {
    let session = parse_id("id", &id)?;
    inline(&state, move |s| {
        let feed = feed(s)?;
        let history = s.live.history(Who::Session, &session);
        personal(s, &feed, None, &history, &controls)
    })
}

/// Items like this one.
#[utoipa::path(get, path = "/v1/items/{id}/similar", tag = "recommendations",
    params(("id" = String, Path, description = "the shop's item id"), Controls),
    responses((status = 200, body = Recommendations), (status = 404, body = Problem), (status = 503, body = Problem)),
    security(("api_key" = [])))]
pub async fn similar(
    State(state): State<Arc<AppState>>,
    Path(id): Path<String>,
    Query(controls): Query<Controls>,
) -> Answer<Recommendations> {
    related(state, id, controls, Relation::Similar).await
}

/// Items bought in the same orders as this one (association rules over baskets).
#[utoipa::path(get, path = "/v1/items/{id}/bought-together", tag = "recommendations",
    params(("id" = String, Path, description = "the shop's item id"), Controls),
    responses((status = 200, body = Recommendations), (status = 404, body = Problem), (status = 503, body = Problem)),
    security(("api_key" = [])))]
pub async fn bought_together(
    State(state): State<Arc<AppState>>,
    Path(id): Path<String>,
    Query(controls): Query<Controls>,
) -> Answer<Recommendations> {
    related(state, id, controls, Relation::BoughtTogether).await
}

/// Which item-to-item answer.
#[derive(Debug, Clone, Copy)]
enum Relation {
    Similar,
    BoughtTogether,
}

/// The items the relation's serving model ranks for one item.
async fn related(
    state: Arc<AppState>,
    id: String,
    controls: Controls,
    relation: Relation,
) -> Answer<Recommendations> {
    let item = parse_id("id", &id)?;
    inline(&state, move |s| {
        let server = &s.engine().config().server;
        let (slot, name, phrase) = match relation {
            Relation::Similar => {
                (&s.similar, &server.similar_model, "bought or viewed by the same shoppers as")
            }
            Relation::BoughtTogether => {
                (&s.together, &server.bought_together_model, "often bought together with")
            }
        };
        let model = slot.load_full().ok_or_else(|| not_loaded(s, name))?;
        item_to_items(s, &model, &item, &controls, phrase)
    })
}

/// The most interacted-with items overall (or in a category).
#[utoipa::path(get, path = "/v1/popular", tag = "recommendations", params(Controls),
    responses((status = 200, body = Recommendations), (status = 503, body = Problem)),
    security(("api_key" = [])))]
pub async fn popular(
    State(state): State<Arc<AppState>>,
    Query(controls): Query<Controls>,
) -> Answer<Recommendations> {
    inline(&state, move |s| {
        let feed = feed(s)?;
        let best = rank(s, &feed, &feed.popular_ranking(), &[], &controls)?;
        Ok(Json(answer(&feed, "popular", best, &controls, |_| vec!["popular in the shop".into()])))
    })
}

/// The items gaining interest: the last 7 days of the serving snapshot.
#[utoipa::path(get, path = "/v1/trending", tag = "recommendations", params(Controls),
    responses((status = 200, body = Recommendations), (status = 503, body = Problem)),
    security(("api_key" = [])))]
pub async fn trending(
    State(state): State<Arc<AppState>>,
    Query(controls): Query<Controls>,
) -> Answer<Recommendations> {
    inline(&state, move |s| {
        let feed = feed(s)?;
        let best = rank(s, &feed, &feed.trending_ranking(), &[], &controls)?;
        Ok(Json(answer(&feed, "trending", best, &controls, |_| vec!["trending this week".into()])))
    })
}

/// Orders the given items for this shopper, best first (personalised category or search pages).
/// Items the model does not know keep their given order after the known ones.
#[utoipa::path(post, path = "/v1/users/{id}/rerank", tag = "recommendations",
    params(("id" = String, Path, description = "the shop's customer id")),
    request_body = RerankRequest,
    responses((status = 200, body = Recommendations), (status = 400, body = Problem), (status = 503, body = Problem)),
    security(("api_key" = [])))]
pub async fn rerank(
    State(state): State<Arc<AppState>>,
    Path(id): Path<String>,
    Json(request): Json<RerankRequest>,
) -> Answer<Recommendations> {
    let user = parse_id("id", &id)?;
    if request.items.len() > MAX_DEPTH {
        return Err(Problem::bad_request(format!("re-rank at most {MAX_DEPTH} items at a time")));
    }
    let ids: Vec<ExternalId> =
        request.items.iter().map(|i| parse_id("items", i)).collect::<Result<_, _>>()?;
    inline(&state, move |s| {
        let feed = feed(s)?;
        let (row, history) = shopper_history(s, &feed, &user)?;
        let ranking =
            if history.is_empty() { feed.trending_ranking() } else { feed.ranking(row, &history) };
        let mut known: Vec<Recommended> = Vec::new();
        let mut unknown = Vec::new();
        for id in ids {
            match feed.item_index(&id).and_then(|i| ranking.score_of(i)) {
                Some(score) => {
                    known.push(Recommended { id: id.to_string(), score, reasons: Vec::new() })
                }
                None => unknown.push(Recommended {
                    id: id.to_string(),
                    score: f32::MIN,
                    reasons: vec!["unknown to the serving model (newer than it?)".into()],
                }),
            }
        }
        known.sort_by(|a, b| b.score.total_cmp(&a.score));
        known.extend(unknown);
        Ok(Json(Recommendations {
            items: known,
            model: feed.model.clone(),
            model_version: feed.version,
            experiment: None,
        }))
    })
}

/// The items an item-to-item model ranks for one item.
pub(crate) fn item_to_items(
    state: &AppState,
    model: &Snapshot,
    item: &ExternalId,
    controls: &Controls,
    relation: &str,
) -> Answer<Recommendations> {
    let Some(index) = model.item_index(item) else {
        return by_content(state, model, item, controls);
    };
    let ranking = model.ranking_by(model.similar_scores(index));
    let best = rank(state, model, &ranking, &[index], controls)?;
    let reasons = |_: u32| vec![format!("{relation} {item}")];
    Ok(Json(answer(model, &model.model, best, controls, reasons)))
}

/// Similar items of an item the serving model has not seen (listed after it was trained), by
/// catalog text: title, brand, categories and attributes.
fn by_content(
    state: &AppState,
    model: &Snapshot,
    item: &ExternalId,
    controls: &Controls,
) -> Answer<Recommendations> {
    let listed = state.engine().store().item(item).map_err(Problem::internal)?;
    let Some(listed) = listed else {
        return Err(Problem::not_found(format!("no item {item} in the catalog")));
    };
    // The search index's sentence embeddings when there are some: they know that a "vacuum
    // flask" is like a "thermos"; otherwise the words of the catalog text.
    if let Some(scores) = meaning_scores(state, model, &listed) {
        let ranking = model.ranking_by(scores);
        let best = rank(state, model, &ranking, &[], controls)?;
        let reasons =
            |_: u32| vec![format!("means much what {item} means, which is newer than the model")];
        return Ok(Json(answer(model, "embedding", best, controls, reasons)));
    }
    let ranking = model.ranking_by(model.content_scores(&listed));
    let best = rank(state, model, &ranking, &[], controls)?;
    let reasons = |_: u32| vec![format!("described like {item}, which is newer than the model")];
    Ok(Json(answer(model, "content", best, controls, reasons)))
}

/// Scores by the snapshot's item numbering from the items nearest in meaning to `item` (the
/// rest score nothing), or `None` when semantic search cannot say.
fn meaning_scores(
    state: &AppState,
    model: &Snapshot,
    item: &aisle_domain::Item,
) -> Option<Vec<f32>> {
    let index = state.search.index()?;
    let nearest = index.similar_by_meaning(item, 200).ok()??;
    if nearest.is_empty() {
        return None;
    }
    let mut scores = vec![f32::NEG_INFINITY; model.n_items()];
    for (found, similarity) in nearest {
        let id = index.item_id(found).and_then(|id| ExternalId::parse(id).ok());
        if let Some(at) = id.and_then(|id| model.item_index(&id)) {
            if let Some(score) = scores.get_mut(at as usize) {
                *score = similarity;
            }
        }
    }
    Some(scores)
}

pub(crate) fn feed(state: &AppState) -> Result<Arc<Snapshot>, Problem> {
    state.feed.load_full().ok_or_else(|| not_loaded(state, &state.engine().config().server.model))
}

/// A shopper's training row (when the snapshot has one) and their stored plus live history.
pub(crate) fn shopper_history(
    state: &AppState,
    feed: &Snapshot,
    user: &ExternalId,
) -> Result<(Option<u32>, History), Problem> {
    let row = state.user_index(user)?;
    let mut history = feed.stored_history(row);
    history.extend(&state.live.history(Who::User, user));
    Ok((row, history))
}

fn not_loaded(state: &AppState, model: &str) -> Problem {
    let hint = if state.is_training() { "; training is under way" } else { "" };
    Problem::unavailable(format!(
        "no `{model}` model is loaded{hint}; train it with `aisle train --model {model}` or POST /v1/admin/train"
    ))
}

/// The feed for a history: the model's ranking, or trending items when there is no history.
fn personal(
    state: &AppState,
    feed: &Snapshot,
    row: Option<u32>,
    history: &History,
    controls: &Controls,
) -> Answer<Recommendations> {
    if history.is_empty() {
        let best = rank(state, feed, &feed.trending_ranking(), &[], controls)?;
        return Ok(Json(answer(feed, "trending", best, controls, |_| {
            vec!["trending now (no history yet)".into()]
        })));
    }
    let ranking = feed.ranking(row, history);
    let seen = if controls.exclude_seen.unwrap_or(true) { &history.items[..] } else { &[][..] };
    let best = rank(state, feed, &ranking, seen, controls)?;
    let because = if controls.explain.unwrap_or(false) {
        neighbours(state, history, &best)
    } else {
        Vec::new()
    };
    let model = feed.model.clone();
    Ok(Json(answer(feed, &model, best, controls, |item| {
        let mut reasons = Vec::new();
        if let Some((_, anchor)) = because.iter().find(|(i, _)| *i == item) {
            reasons.push(format!("because you showed interest in {anchor}"));
        }
        if let Some(score) = ranking.score_of(item) {
            reasons.push(format!(
                "{model} v{} scored it {score:.3} from your {} items",
                feed.version,
                history.items.len()
            ));
        }
        reasons
    })))
}

/// For each recommended item, the recent history item most similar to it (by the similar-items
/// model), when one is.
pub(crate) fn neighbours(state: &AppState, history: &History, best: &[Pick]) -> Vec<(u32, String)> {
    let Some(model) = state.similar.load_full() else { return Vec::new() };
    let recent: Vec<u32> = history.latest_first().into_iter().take(5).collect();
    let similarities: Vec<(u32, Vec<f32>)> =
        recent.iter().map(|&h| (h, model.similar_scores(h))).collect();
    best.iter()
        .filter_map(|&Pick { item, .. }| {
            let (anchor, score) = similarities
                .iter()
                .map(|(h, s)| (*h, s.get(item as usize).copied().unwrap_or(0.0)))
                .max_by(|a, b| a.1.total_cmp(&b.1))?;
            (score.is_finite() && score > 0.0)
                .then(|| Some((item, model.item_id(anchor)?.to_string())))
                .flatten()
        })
        .collect()
}

/// One ranked item, and whether merchandising placed it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Pick {
    pub(crate) item: u32,
    pub(crate) score: f32,
    pub(crate) promoted: bool,
    pub(crate) factor: f32,
}

/// The best items after exclusions, filters, merchandising (boosts, burials, promotions) and
/// diversity, with the offset applied.
pub(crate) fn rank(
    state: &AppState,
    snapshot: &Snapshot,
    ranking: &Ranking<'_>,
    seen: &[u32],
    controls: &Controls,
) -> Result<Vec<Pick>, Problem> {
    let n = controls.n.unwrap_or(10);
    let offset = controls.offset.unwrap_or(0);
    if !(1..=MAX_N).contains(&n) {
        return Err(Problem::bad_request(format!("`n` must be 1 to {MAX_N}")));
    }
    if offset + n > MAX_DEPTH {
        return Err(Problem::bad_request(format!("`offset + n` must be at most {MAX_DEPTH}")));
    }
    if controls.max_per_category == Some(0) {
        return Err(Problem::bad_request("`max_per_category` must be at least 1"));
    }
    let filter = controls.condition().compile("query")?;
    let merchandising = if controls.rules.unwrap_or(true) {
        state.merchandising.current()
    } else {
        Arc::new(Compiled::default())
    };
    let mut exclude: Vec<u32> = seen.to_vec();
    for id in controls
        .exclude
        .as_deref()
        .unwrap_or("")
        .split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
    {
        let id = parse_id("exclude", id)?;
        exclude.extend(snapshot.item_index(&id));
    }
    let eligible = |item: u32| {
        !snapshot.is_hidden(item)
            && !snapshot.item_id(item).is_some_and(|id| state.live.is_hidden(id))
            && filter.matches(snapshot, item)
    };
    let wanted = offset + n;
    // Boosts can lift items from below the first `wanted`, and diversity skips some: rank a
    // deeper pool then.
    let pool_size = if merchandising.rules.is_empty() && controls.max_per_category.is_none() {
        wanted
    } else {
        (wanted * 4).max(50)
    };
    let mut depth = (pool_size * 2).max(50);
    let mut pool: Vec<Pick> = loop {
        let candidates = ranking.best(depth.min(snapshot.n_items()), &exclude);
        let exhausted = candidates.len() < depth || depth >= snapshot.n_items();
        let pool: Vec<Pick> = candidates
            .into_iter()
            .filter(|&(item, _)| eligible(item))
            .take(pool_size)
            .map(|(item, score)| Pick { item, score, promoted: false, factor: 1.0 })
            .collect();
        if pool.len() == pool_size || exhausted {
            break pool;
        }
        depth *= 8;
    };
    if !merchandising.rules.is_empty() && !pool.is_empty() {
        let (low, high) =
            pool.iter().fold((f32::MAX, f32::MIN), |(l, h), p| (l.min(p.score), h.max(p.score)));
        let span = (high - low).max(f32::EPSILON);
        for pick in &mut pool {
            pick.factor = merchandising
                .rules
                .iter()
                .filter(|(when, _)| when.matches(snapshot, pick.item))
                .map(|(_, factor)| factor)
                .product();
            // Relevance in (0, 1], so that a factor means the same whatever the model's scale.
            pick.score = (0.01 + (pick.score - low) / span) * pick.factor;
        }
        pool.sort_by(|a, b| b.score.total_cmp(&a.score).then(a.item.cmp(&b.item)));
    }
    let promoted: Vec<u32> = merchandising
        .pinned
        .iter()
        .filter_map(|id| snapshot.item_index(&aisle_domain::ExternalId::parse(id).ok()?))
        .filter(|&item| !exclude.contains(&item) && eligible(item))
        .fold(Vec::new(), |mut kept, item| {
            if !kept.contains(&item) {
                kept.push(item);
            }
            kept
        });
    pool.retain(|p| !promoted.contains(&p.item));
    let mut per_category: std::collections::HashMap<String, usize> = Default::default();
    let organic = pool.into_iter().filter(|pick| {
        let Some(limit) = controls.max_per_category else { return true };
        let key =
            snapshot.item_text(pick.item).map(|t| t.categories.join(" > ")).unwrap_or_default();
        let count = per_category.entry(key).or_default();
        *count += 1;
        *count <= limit
    });
    let slots = pinned_slots(wanted, merchandising.share, promoted.len());
    let mut organic = organic.take(wanted);
    let mut promoted = promoted.into_iter();
    let mut ranked = Vec::with_capacity(wanted);
    for position in 0..wanted {
        let next = if slots.contains(&position) {
            promoted.next().map(|item| Pick {
                item,
                score: ranking.score_of(item).unwrap_or(0.0),
                promoted: true,
                factor: 1.0,
            })
        } else {
            organic.next()
        };
        match next {
            Some(pick) => ranked.push(pick),
            None => break,
        }
    }
    let shown: Vec<Pick> = ranked.into_iter().skip(offset).collect();
    state.recommendations_shown.fetch_add(shown.len() as u64, std::sync::atomic::Ordering::Relaxed);
    metrics::counter!("aisle_recommended_items_total").increment(shown.len() as u64);
    Ok(shown)
}

fn answer(
    snapshot: &Snapshot,
    model: &str,
    best: Vec<Pick>,
    controls: &Controls,
    reasons: impl Fn(u32) -> Vec<String>,
) -> Recommendations {
    let explain = controls.explain.unwrap_or(false);
    let items = best
        .into_iter()
        .filter_map(|pick| {
            let mut why = Vec::new();
            if explain {
                if pick.promoted {
                    why.push("promoted by the shop".to_string());
                } else {
                    why = reasons(pick.item);
                    if pick.factor > 1.0 {
                        why.push(format!("boosted by a shop rule (x{})", pick.factor));
                    } else if pick.factor < 1.0 {
                        why.push(format!("buried by a shop rule (x{})", pick.factor));
                    }
                }
            }
            Some(Recommended {
                id: snapshot.item_id(pick.item)?.to_string(),
                score: pick.score,
                reasons: why,
            })
        })
        .collect();
    Recommendations {
        items,
        model: model.to_string(),
        model_version: snapshot.version,
        experiment: None,
    }
}
