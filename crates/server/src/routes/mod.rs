//! The routes, grouped by the scope they need, and what they share.

pub mod admin;
pub mod analytics;
pub mod assistant;
pub mod catalog;
pub mod dashboard;
pub mod events;
pub mod experiments;
pub mod forecasts;
pub mod health;
pub mod next_basket;
pub mod profiles;
pub mod recommendations;
pub mod reviews;
pub mod search;
pub mod storefront;
pub mod web;

use std::sync::Arc;

use aisle_domain::ExternalId;
use axum::extract::DefaultBodyLimit;
use axum::middleware::{from_fn, from_fn_with_state};
use axum::routing::{get, post};
use axum::Router;
use serde::Serialize;

use crate::problem::Problem;
use crate::state::AppState;
use crate::{auth, metrics};

/// Most records in one batch request.
pub const MAX_BATCH: usize = 10_000;

/// A record of a batch that was refused.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct RecordIssue {
    /// Its position in the request, from 0.
    pub index: usize,
    /// The key at fault, when one is.
    pub field: Option<String>,
    /// What is wrong and how to fix it.
    pub reason: String,
}

/// Every route: /v1 behind keys, health and metrics open.
pub fn router(state: Arc<AppState>) -> Router {
    let read = Router::new()
        .route("/v1/users/{id}/recommendations", get(recommendations::user_feed))
        .route("/v1/users/{id}/rerank", post(recommendations::rerank))
        .route("/v1/sessions/{id}/recommendations", get(recommendations::session_feed))
        .route("/v1/items/{id}/similar", get(recommendations::similar))
        .route("/v1/items/{id}/bought-together", get(recommendations::bought_together))
        .route("/v1/popular", get(recommendations::popular))
        .route("/v1/trending", get(recommendations::trending))
        .route("/v1/search", get(search::search))
        .route("/v1/search/suggest", get(search::suggest))
        .route("/v1/items/{id}/reviews/summary", get(reviews::summary))
        .route("/v1/reviews/keywords", get(reviews::keywords))
        .route("/v1/nlp/sentiment", post(reviews::sentiment))
        .route("/v1/nlp/intent", post(assistant::intent))
        .route_layer(from_fn_with_state(state.clone(), auth::read));
    let write = Router::new()
        .route("/v1/events", post(events::post_events))
        .route("/v1/reviews", post(reviews::post_reviews))
        .route("/v1/assistant/chat", post(assistant::chat))
        .route_layer(from_fn_with_state(state.clone(), auth::write));
    let admin = Router::new()
        .route("/v1/items", get(catalog::list_items))
        .route("/v1/items/batch", post(catalog::batch_items))
        .route(
            "/v1/items/{id}",
            get(catalog::get_item).put(catalog::put_item).delete(catalog::delete_item),
        )
        .route("/v1/items/{id}/hide", post(catalog::hide_item))
        .route("/v1/users/batch", post(catalog::batch_users))
        .route("/v1/users/{id}/profile", get(profiles::profile))
        .route("/v1/users/{id}/next-basket", get(next_basket::next_basket))
        .route("/v1/segments", get(profiles::segments))
        .route("/v1/forecasts/demand", get(forecasts::demand))
        .route("/v1/analytics/funnel", get(analytics::funnel))
        .route("/v1/analytics/paths", get(analytics::paths))
        .route("/v1/analytics/attribution", get(analytics::attribution))
        .route("/v1/reports/marketing", get(analytics::marketing_report))
        .route("/v1/segments/{name}/users", get(profiles::segment_users))
        .route(
            "/v1/users/{id}",
            get(catalog::get_user).put(catalog::put_user).delete(catalog::delete_user),
        )
        .route("/v1/admin/train", post(admin::train))
        .route("/v1/admin/reload", post(admin::reload))
        .route(
            "/v1/admin/merchandising",
            get(admin::get_merchandising).put(admin::put_merchandising),
        )
        .route("/v1/experiments", get(experiments::list).post(experiments::create))
        .route(
            "/v1/experiments/{id}",
            get(experiments::get_one).put(experiments::put_one).delete(experiments::delete_one),
        )
        .route("/v1/experiments/{id}/results", get(experiments::results_of))
        .route(
            "/v1/assistant/knowledge",
            get(assistant::get_knowledge).put(assistant::put_knowledge),
        )
        .route("/v1/assistant/tickets", get(assistant::tickets))
        .route("/v1/assistant/tickets/{id}/close", post(assistant::close_ticket))
        .route("/v1/search/status", get(search::status))
        .route("/v1/search/settings", get(search::get_settings).put(search::put_settings))
        .merge(dashboard::admin_routes())
        .route_layer(from_fn_with_state(state.clone(), auth::admin));
    let max_body = state.engine().config().server.max_body_bytes;
    let cors = cors(&state.engine().config().server.cors_origins);
    let router = Router::new()
        .merge(read)
        .merge(write)
        .merge(admin)
        .merge(storefront::routes(&state))
        .merge(crate::openapi::docs())
        .route("/", get(web::dashboard))
        .route("/shop", get(web::shop))
        .route("/shop/{*page}", get(web::shop))
        .route("/assets/{*path}", get(web::asset))
        .route("/health/live", get(health::live))
        .route("/health/ready", get(health::ready))
        .route("/metrics", get(metrics::render))
        .fallback(not_found)
        .method_not_allowed_fallback(method_not_allowed)
        .layer(DefaultBodyLimit::max(max_body))
        .layer(from_fn(metrics::track))
        .with_state(state);
    match cors {
        Some(cors) => router.layer(cors),
        None => router,
    }
}

/// CORS for the configured origins (`*` for any); none when the list is empty. Origins that
/// are not valid header values are skipped with a warning.
fn cors(origins: &str) -> Option<tower_http::cors::CorsLayer> {
    use axum::http::{header, HeaderValue, Method};
    use tower_http::cors::{AllowOrigin, CorsLayer};
    let origins: Vec<&str> = origins.split(',').map(str::trim).filter(|o| !o.is_empty()).collect();
    if origins.is_empty() {
        return None;
    }
    let allow = if origins.contains(&"*") {
        AllowOrigin::any()
    } else {
        AllowOrigin::list(origins.iter().filter_map(|o| {
            let value = HeaderValue::from_str(o).ok();
            if value.is_none() {
                tracing::warn!(origin = o, "server.cors_origins: not a valid origin; skipped");
            }
            value
        }))
    };
    Some(
        CorsLayer::new()
            .allow_origin(allow)
            .allow_methods([Method::GET, Method::POST, Method::PUT, Method::DELETE])
            .allow_headers([header::AUTHORIZATION, header::CONTENT_TYPE]),
    )
}

async fn not_found(uri: axum::http::Uri) -> Problem {
    Problem::not_found(format!("no route {}; see /v1/openapi.json", uri.path()))
}

async fn method_not_allowed(method: axum::http::Method, uri: axum::http::Uri) -> Problem {
    Problem::new(
        axum::http::StatusCode::METHOD_NOT_ALLOWED,
        format!("{} does not accept {method}; see /v1/openapi.json", uri.path()),
    )
}

/// Runs store and model work on a worker thread; a panic there is a 500, never a lost server.
pub(crate) async fn blocking<T: Send + 'static>(
    state: &Arc<AppState>,
    work: impl FnOnce(&AppState) -> Result<T, Problem> + Send + 'static,
) -> Result<T, Problem> {
    let state = state.clone();
    tokio::task::spawn_blocking(move || work(&state)).await.map_err(Problem::internal)?
}

/// Runs short model work (a recommendation: tens of microseconds) on the request's own thread.
/// A hop to a blocking pool would cost as much as the work, and with one blocking thread per
/// concurrent request the threads fight over the cores and stretch the slowest answers. A
/// panic is still a 500, never a lost server.
pub(crate) fn inline<T>(
    state: &AppState,
    work: impl FnOnce(&AppState) -> Result<T, Problem>,
) -> Result<T, Problem> {
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| work(state))).unwrap_or_else(|_| {
        Err(Problem::internal("the recommendation work panicked; see the server log"))
    })
}

/// An id from a path or parameter, with a clear 400 when it is not a valid id.
pub(crate) fn parse_id(field: &str, text: &str) -> Result<ExternalId, Problem> {
    ExternalId::parse(text).map_err(|e| Problem::bad_request(format!("`{field}`: {e}")))
}

/// A page size: `default` when absent, else 1 to `max` or a 400.
pub(crate) fn limit(given: Option<usize>, default: usize, max: usize) -> Result<usize, Problem> {
    let limit = given.unwrap_or(default);
    if (1..=max).contains(&limit) {
        Ok(limit)
    } else {
        Err(Problem::bad_request(format!("`limit` must be 1 to {max}")))
    }
}

/// Where a page starts: after the store index a previous page's `next_cursor` named, or at the
/// beginning when there is none; anything else is a 400.
pub(crate) fn cursor(given: Option<&str>) -> Result<Option<u32>, Problem> {
    match given {
        None | Some("") => Ok(None),
        Some(c) => c.parse::<u32>().map(Some).map_err(|_| {
            Problem::bad_request(
                "`cursor` is not one this server gave; pass a page's `next_cursor`",
            )
        }),
    }
}

/// The `next_cursor` of a page of `rows` asked for `limit` at most: the last row's store index
/// while the page is full, `None` on the last page.
pub(crate) fn next_cursor<T>(
    rows: &[T],
    limit: usize,
    index: impl FnOnce(&T) -> u32,
) -> Option<String> {
    (rows.len() == limit).then(|| rows.last().map(|row| index(row).to_string())).flatten()
}

impl From<aisle_engine::Error> for Problem {
    fn from(error: aisle_engine::Error) -> Self {
        match error {
            aisle_engine::Error::InvalidRequest(detail) => Problem::bad_request(detail),
            error @ (aisle_engine::Error::PeriodOutsideData { .. }
            | aisle_engine::Error::Period(_)) => Problem::bad_request(error.to_string()),
            other => Problem::internal(other),
        }
    }
}
