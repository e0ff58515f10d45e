//! Browsing the shop from the dashboard: catalog search, the users list with their event
//! counts, and one user's latest events.

use std::sync::Arc;

use aisle_domain::{Actor, Event, Item};
use axum::extract::State;
use serde::{Deserialize, Serialize};

use crate::problem::{Answer, Json, Path, Problem, Query};
use crate::routes::{blocking, cursor, limit, next_cursor, parse_id};
use crate::state::AppState;

/// Longest search text.
const MAX_QUERY_CHARS: usize = 200;

/// A catalog search.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
pub struct ItemSearchParams {
    /// Text the id or title contains (ASCII letters in any case); empty or absent lists the
    /// catalog from its start.
    pub q: Option<String>,
    /// Items to return, 1 to 200 (default 50).
    pub limit: Option<usize>,
}

/// Items found.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ItemMatches {
    /// In catalog order, as `GET /v1/items/{id}` returns each.
    #[schema(value_type = Vec<Object>)]
    pub items: Vec<Item>,
}

/// Items whose id or title contains `q`, in catalog order.
#[utoipa::path(get, path = "/v1/admin/items/search", tag = "dashboard", params(ItemSearchParams),
    responses((status = 200, body = ItemMatches), (status = 400, body = Problem)),
    security(("api_key" = [])))]
pub async fn search_items(
    State(state): State<Arc<AppState>>,
    Query(params): Query<ItemSearchParams>,
) -> Answer<ItemMatches> {
    let limit = limit(params.limit, 50, 200)?;
    let text = search_text(params.q)?;
    blocking(&state, move |s| {
        let items = s.engine().store().search_items(&text, limit).map_err(Problem::internal)?;
        Ok(Json(ItemMatches { items }))
    })
    .await
}

/// A page of users.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
pub struct UserListParams {
    /// Text the id contains (ASCII letters in any case).
    pub q: Option<String>,
    /// Users per page, 1 to 1000 (default 100).
    pub limit: Option<usize>,
    /// From a previous page's `next_cursor`.
    pub cursor: Option<String>,
}

/// A page of users.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct UserPage {
    /// In the order the store first saw them.
    pub users: Vec<UserRow>,
    /// Pass as `cursor` for the next page; `null` on the last page.
    pub next_cursor: Option<String>,
}

/// A user in a list.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct UserRow {
    /// The shop's customer id.
    pub id: String,
    /// Events stored for the user.
    pub events: u64,
}

/// Users with their event counts, a page at a time, optionally those whose id contains `q`.
#[utoipa::path(get, path = "/v1/admin/users", tag = "dashboard", params(UserListParams),
    responses((status = 200, body = UserPage), (status = 400, body = Problem)),
    security(("api_key" = [])))]
pub async fn users(
    State(state): State<Arc<AppState>>,
    Query(params): Query<UserListParams>,
) -> Answer<UserPage> {
    let limit = limit(params.limit, 100, 1000)?;
    let text = search_text(params.q)?;
    let after = cursor(params.cursor.as_deref())?;
    blocking(&state, move |s| {
        let matching = (!text.is_empty()).then_some(text.as_str());
        let rows =
            s.engine().store().list_users(after, limit, matching).map_err(Problem::internal)?;
        let next_cursor = next_cursor(&rows, limit, |u| u.index);
        let users = rows
            .into_iter()
            .map(|u| UserRow { id: u.id.as_str().to_string(), events: u.events })
            .collect();
        Ok(Json(UserPage { users, next_cursor }))
    })
    .await
}

/// How many events.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
pub struct UserEventsParams {
    /// Events to return, newest first, 1 to 1000 (default 100).
    pub limit: Option<usize>,
}

/// A user's latest events.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct UserEvents {
    /// Newest first.
    pub events: Vec<EventView>,
}

/// An event, with the keys of the events import file.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct EventView {
    /// Its id.
    pub event_id: String,
    /// The signed-in shopper.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub user_id: Option<String>,
    /// The anonymous session.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub session_id: Option<String>,
    /// The item; absent for searches without a click.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub item_id: Option<String>,
    /// `view`, `click`, `add_to_cart`...
    pub kind: String,
    /// The stars of a rating, a score.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub value: Option<f64>,
    /// Units.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub quantity: Option<i64>,
    /// Unit price paid.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub price: Option<f64>,
    /// The search text.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub query: Option<String>,
    /// When it happened (RFC 3339, UTC).
    pub timestamp: String,
    /// Device class.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub device: Option<String>,
    /// Page or placement.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub page: Option<String>,
    /// Where the shopper came from (`recommendation` for a recommended item).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub referrer: Option<String>,
}

impl From<Event> for EventView {
    fn from(e: Event) -> Self {
        let (user_id, session_id) = match e.actor {
            Actor::User(user) => (Some(user.as_str().to_string()), None),
            Actor::Session(session) => (None, Some(session.as_str().to_string())),
        };
        Self {
            event_id: e.id.as_str().to_string(),
            user_id,
            session_id,
            item_id: e.item.map(|i| i.as_str().to_string()),
            kind: e.kind.as_str().to_string(),
            value: e.value,
            quantity: e.quantity,
            price: e.price,
            query: e.query,
            timestamp: e.timestamp.to_rfc3339(),
            device: e.context.device,
            page: e.context.page,
            referrer: e.context.referrer,
        }
    }
}

/// A user's latest events, newest first.
#[utoipa::path(get, path = "/v1/admin/users/{id}/events", tag = "dashboard",
    params(("id" = String, Path, description = "the shop's customer id"), UserEventsParams),
    responses((status = 200, body = UserEvents), (status = 400, body = Problem),
        (status = 404, body = Problem)),
    security(("api_key" = [])))]
pub async fn user_events(
    State(state): State<Arc<AppState>>,
    Path(id): Path<String>,
    Query(params): Query<UserEventsParams>,
) -> Answer<UserEvents> {
    let id = parse_id("id", &id)?;
    let limit = limit(params.limit, 100, 1000)?;
    blocking(&state, move |s| {
        let store = s.engine().store();
        if store.user_index(&id).map_err(Problem::internal)?.is_none() {
            return Err(Problem::not_found(format!("no user {id}")));
        }
        let events = store.events_of_user(&id, limit).map_err(Problem::internal)?;
        Ok(Json(UserEvents { events: events.into_iter().map(EventView::from).collect() }))
    })
    .await
}

/// A search text: trimmed, not too long, printable.
fn search_text(given: Option<String>) -> Result<String, Problem> {
    let text = given.unwrap_or_default().trim().to_string();
    if text.chars().count() > MAX_QUERY_CHARS {
        return Err(Problem::bad_request(format!(
            "`q` must be at most {MAX_QUERY_CHARS} characters"
        )));
    }
    if text.chars().any(char::is_control) {
        return Err(Problem::bad_request("`q` must not hold control characters"));
    }
    Ok(text)
}
