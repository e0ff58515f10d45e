//! Search as JSON, a stand-in until the search engine of issue 7 replaces it: every word of the
//! query matched in the items' titles, brands and categories, ranked for the shopper.

use std::sync::atomic::Ordering;
use std::sync::Arc;

use axum::extract::State;
use axum::Extension;
use serde::Serialize;

use super::catalog::{Card, Catalogs};
use super::{catalog, ranking_for, PageQuery};
use crate::problem::{Answer, Json, Problem, Query};
use crate::routes::blocking;
use crate::state::AppState;

const MAX_QUERY_CHARS: usize = 200;

/// Search results.
#[derive(Debug, Serialize)]
pub(crate) struct SearchPage {
    query: String,
    /// Matching items, best for the shopper first.
    items: Vec<Card>,
    /// All matching items.
    total: usize,
    offset: usize,
    /// The ranking model (`trending` for shoppers without history).
    model: String,
    model_version: u32,
}

/// `GET /shop/api/search?q=`: items whose title, brand or categories contain every word of the
/// query (case-insensitive), ranked for the shopper by the feed model where it scores them.
/// A stand-in until the search engine of issue 7 replaces it.
pub(crate) async fn search(
    State(state): State<Arc<AppState>>,
    Extension(catalogs): Extension<Arc<Catalogs>>,
    Query(query): Query<PageQuery>,
) -> Answer<SearchPage> {
    let shopper = query.shopper()?;
    let (n, offset) = (query.n(24)?, query.offset()?);
    let text = query.q.as_deref().map(str::trim).unwrap_or("").to_string();
    if text.is_empty() {
        return Err(Problem::bad_request("give the search words as `q`"));
    }
    if text.chars().count() > MAX_QUERY_CHARS {
        return Err(Problem::bad_request(format!(
            "`q` must be at most {MAX_QUERY_CHARS} characters"
        )));
    }
    let words: Vec<String> = text.split_whitespace().map(str::to_lowercase).collect();
    let (feed, catalog) = catalog(&state, &catalogs).await?;
    // A pass over every item: on a worker thread.
    blocking(&state, move |s| {
        let (row, history) = shopper.history(s, &feed)?;
        let ranking = ranking_for(&feed, row, &history);
        let popularity = feed.popularity();
        let mut found: Vec<(u32, f32, f32)> = catalog
            .matching(&feed, &words)
            .into_iter()
            .filter(|&i| !feed.item_id(i).is_some_and(|id| s.live.is_hidden(id)))
            .map(|i| {
                let score = ranking.score_of(i).unwrap_or(f32::NEG_INFINITY);
                (i, score, popularity.get(i as usize).copied().unwrap_or(0.0))
            })
            .collect();
        found.sort_by(|a, b| b.1.total_cmp(&a.1).then(b.2.total_cmp(&a.2)).then(a.0.cmp(&b.0)));
        let items: Vec<Card> = found
            .iter()
            .skip(offset)
            .take(n)
            .filter_map(|&(i, ..)| catalog.card(&feed, i, None))
            .collect();
        s.recommendations_shown.fetch_add(items.len() as u64, Ordering::Relaxed);
        let model = if history.is_empty() { "trending".into() } else { feed.model.clone() };
        Ok(Json(SearchPage {
            query: text,
            items,
            total: found.len(),
            offset,
            model,
            model_version: feed.version,
        }))
    })
    .await
}
