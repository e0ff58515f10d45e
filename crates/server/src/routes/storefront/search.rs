//! The storefront's search and autocomplete: `/v1/search` and `/v1/search/suggest` without a
//! key, answered as item cards for the listing pages, re-ranked for a signed-in shopper.

use std::sync::Arc;
use std::time::Instant;

use aisle_domain::ExternalId;
use axum::extract::State;
use axum::Extension;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::catalog::{Card, Catalogs};
use super::{catalog, Shopper};
use crate::problem::{Answer, Json, Query};
use crate::routes::inline;
use crate::routes::search::{self as api, ParsedQuery, SearchParams, SuggestParams, Suggestions};
use crate::state::AppState;

/// What the storefront's search page asks.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct ShopSearch {
    q: Option<String>,
    user_id: Option<String>,
    session_id: Option<String>,
    n: Option<usize>,
    offset: Option<usize>,
    category: Option<String>,
    brand: Option<String>,
    min_price: Option<f64>,
    max_price: Option<f64>,
    attributes: Option<String>,
    sort: Option<String>,
    semantic_ratio: Option<f32>,
}

/// Search results as cards.
#[derive(Debug, Serialize)]
pub(crate) struct SearchPage {
    query: String,
    /// Matching items, best first (for the shopper, when signed in).
    items: Vec<Card>,
    /// All matching items.
    total: usize,
    offset: usize,
    /// Facet name to value to count, over all matches.
    facets: Value,
    /// How the query was understood (prices, colours and sizes taken as filters).
    understood: ParsedQuery,
    /// The semantic ratio used.
    semantic_ratio: f32,
    /// Whether the shopper's model scores re-ranked the results.
    personalized: bool,
    notes: Vec<String>,
}

/// `GET /shop/api/search?q=`: the catalog search, answered as cards.
pub(crate) async fn search(
    State(state): State<Arc<AppState>>,
    Extension(catalogs): Extension<Arc<Catalogs>>,
    Query(query): Query<ShopSearch>,
) -> Answer<SearchPage> {
    let started = Instant::now();
    let shopper = Shopper::from_query(query.user_id.as_deref(), query.session_id.as_deref())?;
    let user: Option<ExternalId> = match &shopper {
        Shopper::User(id) => Some(id.clone()),
        _ => None,
    };
    let params = SearchParams {
        q: query.q.clone(),
        n: Some(query.n.unwrap_or(24)),
        offset: query.offset,
        category: query.category.clone(),
        brand: query.brand.clone(),
        min_price: query.min_price,
        max_price: query.max_price,
        attributes: query.attributes.clone(),
        sort: query.sort.clone(),
        semantic_ratio: query.semantic_ratio,
        ..SearchParams::default()
    };
    let request = api::request_of(&params)?;
    let (feed, shop_catalog) = catalog(&state, &catalogs).await?;
    let text = request.query.clone();
    let results = inline(&state, |s| api::run(s, &request, user.as_ref()))?;
    let answer = api::answer(results, request.offset, started);
    let mut items = Vec::with_capacity(answer.items.len());
    for hit in &answer.items {
        let Ok(id) = ExternalId::parse(&hit.id) else { continue };
        if let Some(mut card) = feed.item_index(&id).and_then(|i| shop_catalog.card(&feed, i, None))
        {
            card.highlight = Some(hit.highlight.clone());
            items.push(card);
        }
    }
    state.search.count_query(&text);
    Ok(Json(SearchPage {
        query: text,
        items,
        total: answer.total,
        offset: answer.offset,
        facets: answer.facets,
        understood: answer.query,
        semantic_ratio: answer.semantic_ratio,
        personalized: answer.personalized,
        notes: answer.notes,
    }))
}

/// `GET /shop/api/suggest?q=`: autocomplete for the search box.
pub(crate) async fn suggest(
    State(state): State<Arc<AppState>>,
    Query(params): Query<SuggestParams>,
) -> Answer<Suggestions> {
    inline(&state, |s| api::suggestions(s, &params).map(Json))
}
