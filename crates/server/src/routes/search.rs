//! Product search: `GET /v1/search` (lexical, semantic and hybrid, with filters, facets, sorts
//! and the shopper's re-ranking), `GET /v1/search/suggest` (autocomplete), and the shop's search
//! settings and index status for administrators.

use std::sync::Arc;
use std::time::Instant;

use aisle_domain::{Actor, Event, EventKind, ExternalId, Timestamp};
use aisle_engine::search::{
    Filters, Personal, SearchIndex, SearchRequest, SearchResults, SearchSettings, SortOrder,
};
use aisle_engine::SemanticState;
use axum::extract::State;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::recommendations::shopper_history;
use super::{blocking, inline, parse_id};
use crate::problem::{Answer, Json, Problem, Query};
use crate::state::AppState;

/// What `GET /v1/search` takes.
#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
pub struct SearchParams {
    /// The query, as typed: Chinese, English or both; prices ("200元以下", "under $50"),
    /// colours and sizes in it become filters unless `understand=false`. Empty lists every item.
    pub q: Option<String>,
    /// Results per page, 1 to 200 (default 10).
    pub n: Option<usize>,
    /// Results to skip (pagination).
    pub offset: Option<usize>,
    /// Only items in one of these categories (any level of the path), `|`-separated.
    pub category: Option<String>,
    /// Only items of one of these brands, `|`-separated.
    pub brand: Option<String>,
    /// Only items at this price or above.
    pub min_price: Option<f64>,
    /// Only items at this price or below.
    pub max_price: Option<f64>,
    /// Attribute filters: `key:value` or `key:v1|v2`, several joined by `;` (`colour:red;size:42`).
    pub attributes: Option<String>,
    /// `true`: only items in stock.
    pub available: Option<bool>,
    /// `relevance` (default), `price_asc`, `price_desc`, `newest` or `popular`.
    pub sort: Option<String>,
    /// Facets to count, comma-separated (`category,brand,price,colour`); `none` for none;
    /// default all.
    pub facets: Option<String>,
    /// Share of semantic matching: 0 lexical only, 1 semantic only (default: the shop's
    /// setting, 0.5 out of the box). Ignored without an embedding model.
    pub semantic_ratio: Option<f32>,
    /// The signed-in shopper: results are re-ranked with their model scores, and the search is
    /// recorded as their event.
    pub user_id: Option<String>,
    /// An anonymous session, recorded like `user_id` (no re-ranking).
    pub session_id: Option<String>,
    /// Re-rank for the shopper (default true when `user_id` is given).
    pub personalize: Option<bool>,
    /// Take prices, colours and sizes out of the query as filters (default true).
    pub understand: Option<bool>,
    /// Treat the last word as unfinished, matching it as a prefix (default true).
    pub prefix: Option<bool>,
}

/// One result.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct SearchItem {
    /// The item's id.
    pub id: String,
    /// Title.
    pub title: String,
    /// Relevance (fused and personalised); comparable within one answer only.
    pub score: f32,
    /// The title with matched words in `<mark>` and the rest HTML-escaped.
    pub highlight: String,
    /// Price, if the item has one.
    pub price: Option<f64>,
    /// Lexical relevance in 0..=1, if the item matched lexically.
    pub lexical: Option<f32>,
    /// Cosine similarity to the query, if the item matched semantically.
    pub semantic: Option<f32>,
}

/// What the query was understood to ask for.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ParsedQuery {
    /// The words searched for after prices, colours and sizes were taken out.
    pub text: String,
    /// Lowest price taken from the query.
    pub min_price: Option<f64>,
    /// Highest price taken from the query.
    pub max_price: Option<f64>,
    /// Attribute filters taken from the query (`colour`, `size`).
    pub attributes: std::collections::BTreeMap<String, Vec<String>>,
    /// Categories the query names.
    pub categories: Vec<String>,
}

/// A search answer.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct SearchAnswer {
    /// The page of results, best first.
    pub items: Vec<SearchItem>,
    /// Facet name to value to count, over all matches.
    #[schema(value_type = Object)]
    pub facets: Value,
    /// How many items match in all.
    pub total: usize,
    /// Results skipped.
    pub offset: usize,
    /// How the query was understood.
    pub query: ParsedQuery,
    /// The semantic ratio used (0 when semantic search is off or the model does not know the
    /// query's script).
    pub semantic_ratio: f32,
    /// Whether the shopper's scores re-ranked the results.
    pub personalized: bool,
    /// Things to know about this answer.
    pub notes: Vec<String>,
    /// Server time spent, in milliseconds.
    pub took_ms: f64,
}

/// Searches the catalog.
#[utoipa::path(get, path = "/v1/search", tag = "search", params(SearchParams),
    responses((status = 200, body = SearchAnswer), (status = 400, body = Problem), (status = 503, body = Problem)),
    security(("api_key" = [])))]
pub async fn search(
    State(state): State<Arc<AppState>>,
    Query(params): Query<SearchParams>,
) -> Answer<SearchAnswer> {
    let started = Instant::now();
    let request = request_of(&params)?;
    let user = params.user_id.as_deref().map(|id| parse_id("user_id", id)).transpose()?;
    let session = params.session_id.as_deref().map(|id| parse_id("session_id", id)).transpose()?;
    let personalize = params.personalize.unwrap_or(true);
    let results = inline(&state, |s| run(s, &request, user.as_ref().filter(|_| personalize)))?;
    record_search(&state, &request.query, user, session).await;
    Ok(Json(answer(results, request.offset, started)))
}

/// Runs a search for an optional shopper (their scores from the feed model re-rank it).
pub(crate) fn run(
    state: &AppState,
    request: &SearchRequest,
    user: Option<&ExternalId>,
) -> Result<SearchResults, Problem> {
    let index = index(state)?;
    let feed = state.feed.load_full();
    let personal = match (user, &feed) {
        (Some(user), Some(feed)) => {
            let (row, history) = shopper_history(state, feed, user)?;
            (!history.is_empty()).then_some((row, history))
        }
        _ => None,
    };
    let outcome = match (personal, &feed) {
        (Some((row, history)), Some(feed)) => {
            let ranking = feed.ranking(row, &history);
            let scores = |items: &[u32]| -> Vec<f32> {
                items
                    .iter()
                    .map(|&i| {
                        let id = index_id(index, i);
                        id.and_then(|id| feed.item_index(&id))
                            .and_then(|j| ranking.score_of(j))
                            .unwrap_or(f32::MIN)
                    })
                    .map(|s| if s == f32::MIN { f32::NAN } else { s })
                    .collect()
            };
            index.search(request, Some(&Personal { scores: &scores }))
        }
        _ => index.search(request, None),
    };
    outcome.map_err(search_problem)
}

fn index_id(index: &SearchIndex, item: u32) -> Option<ExternalId> {
    index.item_id(item).and_then(|id| ExternalId::parse(id).ok())
}

/// The index, or a 503 saying why there is none yet.
pub(crate) fn index(state: &AppState) -> Result<&Arc<SearchIndex>, Problem> {
    state.search.index().ok_or_else(|| Problem::unavailable(state.search.unavailable_reason()))
}

/// A search error as a problem: bad parameters are the caller's, the rest the server's.
pub(crate) fn search_problem(error: aisle_engine::search::Error) -> Problem {
    match error {
        aisle_engine::search::Error::Invalid { .. } => Problem::bad_request(error.to_string()),
        other => Problem::internal(other),
    }
}

/// The search request the parameters describe.
pub(crate) fn request_of(params: &SearchParams) -> Result<SearchRequest, Problem> {
    let sort = match params.sort.as_deref() {
        None => SortOrder::Relevance,
        Some(name) => SortOrder::parse(name).ok_or_else(|| {
            Problem::bad_request(format!(
                "sort `{name}` is not one of relevance, price_asc, price_desc, newest, popular"
            ))
        })?,
    };
    let facets = match params.facets.as_deref().map(str::trim) {
        None | Some("") => None,
        Some("none") => Some(Vec::new()),
        Some(list) => Some(
            list.split(',').map(|f| f.trim().to_lowercase()).filter(|f| !f.is_empty()).collect(),
        ),
    };
    for (field, value) in [("min_price", params.min_price), ("max_price", params.max_price)] {
        if value.is_some_and(|v| !v.is_finite() || v < 0.0) {
            return Err(Problem::bad_request(format!("`{field}` must be a number of at least 0")));
        }
    }
    if let Some(ratio) = params.semantic_ratio.filter(|r| !(0.0..=1.0).contains(r) || r.is_nan()) {
        return Err(Problem::bad_request(format!(
            "`semantic_ratio` is {ratio}; give a number from 0 to 1"
        )));
    }
    let split = |list: &Option<String>| -> Vec<String> {
        list.iter()
            .flat_map(|l| l.split('|'))
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(String::from)
            .collect()
    };
    Ok(SearchRequest {
        query: params.q.clone().unwrap_or_default(),
        limit: params.n.unwrap_or(10),
        offset: params.offset.unwrap_or(0),
        filters: Filters {
            categories: split(&params.category),
            brands: split(&params.brand),
            min_price: params.min_price,
            max_price: params.max_price,
            attributes: parse_attributes(params.attributes.as_deref())?,
            available_only: params.available.unwrap_or(false),
            lenient_attributes: Vec::new(),
        },
        sort,
        semantic_ratio: params.semantic_ratio,
        facets,
        understand: params.understand.unwrap_or(true),
        prefix: params.prefix.unwrap_or(true),
    })
}

fn parse_attributes(text: Option<&str>) -> Result<Vec<(String, Vec<String>)>, Problem> {
    let Some(text) = text else { return Ok(Vec::new()) };
    text.split(';')
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .map(|pair| {
            let (key, values) = pair.split_once(':').ok_or_else(|| {
                Problem::bad_request(format!(
                    "attribute filter `{pair}` needs the form key:value or key:v1|v2"
                ))
            })?;
            let values: Vec<String> = values
                .split('|')
                .map(|v| v.trim().to_lowercase())
                .filter(|v| !v.is_empty())
                .collect();
            if key.trim().is_empty() || values.is_empty() {
                return Err(Problem::bad_request(format!(
                    "attribute filter `{pair}` needs a key and a value"
                )));
            }
            Ok((key.trim().to_lowercase(), values))
        })
        .collect()
}

/// The wire form of search results.
pub(crate) fn answer(results: SearchResults, offset: usize, started: Instant) -> SearchAnswer {
    let parsed = results.parsed;
    SearchAnswer {
        items: results
            .hits
            .into_iter()
            .map(|h| SearchItem {
                id: h.id,
                title: h.title,
                score: h.score,
                highlight: h.highlight,
                price: h.price,
                lexical: h.lexical,
                semantic: h.semantic,
            })
            .collect(),
        facets: serde_json::to_value(&results.facets).unwrap_or_default(),
        total: results.total,
        offset,
        query: ParsedQuery {
            text: parsed.text,
            min_price: parsed.filters.min_price,
            max_price: parsed.filters.max_price,
            attributes: parsed.filters.lenient_attributes.into_iter().collect(),
            categories: parsed.categories,
        },
        semantic_ratio: results.semantic_ratio,
        personalized: results.personalized,
        notes: results.notes,
        took_ms: started.elapsed().as_secs_f64() * 1000.0,
    }
}

/// Records a shopper's search as an event (it feeds recommendations and analytics) and counts
/// the query for suggestions. A failure to record is logged, never the search's failure.
async fn record_search(
    state: &Arc<AppState>,
    query: &str,
    user: Option<ExternalId>,
    session: Option<ExternalId>,
) {
    state.search.count_query(query);
    let actor = match (user, session) {
        (Some(user), _) => Actor::User(user),
        (None, Some(session)) => Actor::Session(session),
        (None, None) => return,
    };
    if query.trim().is_empty() {
        return;
    }
    let millis = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_millis() as i64);
    let mut random = [0u8; 8];
    let _ = getrandom::fill(&mut random);
    let id = format!("search-{millis}-{}", u64::from_le_bytes(random));
    let (Ok(id), Ok(time)) = (ExternalId::parse(id), Timestamp::from_millis(millis)) else {
        return;
    };
    let mut event = Event::new(id, actor, EventKind::Search, time);
    event.query = Some(query.chars().take(500).collect());
    if let Err(error) = state.ingest.submit(vec![event]).await {
        tracing::warn!(%error, "search event not recorded");
    }
}

/// What `GET /v1/search/suggest` takes.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
pub struct SuggestParams {
    /// What the shopper has typed so far.
    pub q: Option<String>,
    /// Suggestions, 1 to 20 (default 8).
    pub n: Option<usize>,
}

/// One suggestion.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct SuggestionView {
    /// Text to show and search for.
    pub text: String,
    /// `query` (shoppers searched it before), `category` or `item`.
    pub kind: String,
    /// The item's id, for `item`.
    pub id: Option<String>,
    /// How often shoppers searched it, for `query`.
    pub count: Option<u64>,
}

/// Suggestions.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Suggestions {
    /// Best first.
    pub suggestions: Vec<SuggestionView>,
}

/// Autocomplete for a search box.
#[utoipa::path(get, path = "/v1/search/suggest", tag = "search", params(SuggestParams),
    responses((status = 200, body = Suggestions), (status = 400, body = Problem), (status = 503, body = Problem)),
    security(("api_key" = [])))]
pub async fn suggest(
    State(state): State<Arc<AppState>>,
    Query(params): Query<SuggestParams>,
) -> Answer<Suggestions> {
    inline(&state, |s| suggestions(s, &params).map(Json))
}

/// Suggestions for the parameters.
pub(crate) fn suggestions(
    state: &AppState,
    params: &SuggestParams,
) -> Result<Suggestions, Problem> {
    let n = params.n.unwrap_or(8);
    if !(1..=20).contains(&n) {
        return Err(Problem::bad_request(format!("`n` is {n}; give 1 to 20")));
    }
    let typed = params.q.as_deref().unwrap_or("");
    if typed.chars().count() > 100 {
        return Err(Problem::bad_request(
            "`q` is longer than 100 characters; suggestions are for what is being typed",
        ));
    }
    let found = index(state)?.suggest(typed, n).map_err(search_problem)?;
    Ok(Suggestions {
        suggestions: found
            .into_iter()
            .map(|s| SuggestionView { text: s.text, kind: s.kind.into(), id: s.id, count: s.count })
            .collect(),
    })
}

/// The index's state.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct SearchStatus {
    /// Items searchable.
    pub items: usize,
    /// Documents in the lexical index.
    pub lexical_documents: u64,
    /// `ready`, `off`, `not_installed` or `broken`.
    pub semantic: String,
    /// The embedding model, when semantic search is on.
    pub model: Option<String>,
    /// Why semantic search is off, and how to turn it on.
    pub semantic_detail: Option<String>,
    /// Items embedded.
    pub semantic_items: usize,
    /// Items still to embed (done in the background).
    pub semantic_pending: usize,
}

/// The search index's state: items, the embedding model and its backlog.
#[utoipa::path(get, path = "/v1/search/status", tag = "search",
    responses((status = 200, body = SearchStatus), (status = 503, body = Problem)),
    security(("api_key" = [])))]
pub async fn status(State(state): State<Arc<AppState>>) -> Answer<SearchStatus> {
    blocking(&state, |s| {
        let status = index(s)?.status();
        let (semantic, detail) = match s.search.semantic() {
            Some(SemanticState::Ready { .. }) => ("ready", None),
            Some(SemanticState::Off) => ("off", Some("search.semantic is false".to_string())),
            Some(SemanticState::NotInstalled { dir }) => (
                "not_installed",
                Some(format!("no model at {}; run `aisle models install`", dir.display())),
            ),
            Some(SemanticState::Broken { reason }) => ("broken", Some(reason)),
            None => ("unknown", None),
        };
        Ok(Json(SearchStatus {
            items: status.items,
            lexical_documents: status.lexical_documents,
            semantic: semantic.into(),
            model: status.model,
            semantic_detail: detail,
            semantic_items: status.semantic_items,
            semantic_pending: status.semantic_pending,
        }))
    })
    .await
}

/// The shop's search settings: synonyms, stop words, typo tolerance and default weights.
#[utoipa::path(get, path = "/v1/search/settings", tag = "search",
    responses((status = 200, body = Object), (status = 503, body = Problem)),
    security(("api_key" = [])))]
pub async fn get_settings(State(state): State<Arc<AppState>>) -> Answer<Value> {
    let index = index(&state)?;
    Ok(Json(serde_json::to_value(index.settings()).unwrap_or_default()))
}

/// Replaces the shop's search settings (a partial document keeps the defaults for the rest);
/// they apply to the next search and are saved in `<data-dir>/search/settings.json`.
#[utoipa::path(put, path = "/v1/search/settings", tag = "search",
    request_body(content = Object, description = "synonyms, stop_words, typo_tolerance, min_word_size_for_one_typo, min_word_size_for_two_typos, semantic_ratio, personalization_weight, semantic_min_similarity"),
    responses((status = 200, body = Object), (status = 400, body = Problem), (status = 503, body = Problem)),
    security(("api_key" = [])))]
pub async fn put_settings(
    State(state): State<Arc<AppState>>,
    Json(body): Json<Value>,
) -> Answer<Value> {
    let settings: SearchSettings = serde_json::from_value(body)
        .map_err(|e| Problem::bad_request(format!("search settings: {e}")))?;
    settings.validate().map_err(search_problem)?;
    blocking(&state, move |s| {
        let index = index(s)?;
        s.engine().save_search_settings(&settings)?;
        index.set_settings(settings).map_err(search_problem)?;
        Ok(Json(serde_json::to_value(index.settings()).unwrap_or_default()))
    })
    .await
}
