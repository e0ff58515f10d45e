//! `POST /shop/api/events`: what shoppers do in the storefront (view, click, cart, purchase,
//! search), read with the events import schema like `POST /v1/events` and written by the same
//! group-commit writer; stored events join the shopper's live history at once.
//!
//! The route needs no key, so it takes less than `/v1/events`: those five kinds only, at most
//! [`MAX_EVENTS`] a request, items the shop lists, the storefront's own pages, devices and
//! referrers, and the server's clock for the time.

use std::collections::HashSet;
use std::sync::Arc;

use aisle_domain::{Event, EventKind, ExternalId};
use aisle_ingest::generic::event_from_json;
use axum::extract::State;
use serde::Deserialize;
use serde_json::{Map, Value};

use crate::problem::{Answer, Json, Problem};
use crate::routes::events::{documents, ingest, Ingested};
use crate::routes::{blocking, RecordIssue};
use crate::state::{AppState, RECOMMENDATION_REFERRER};

/// Most events in one request (a checkout sends one per cart line).
pub(crate) const MAX_EVENTS: usize = 50;

const KINDS: [EventKind; 5] = [
    EventKind::View,
    EventKind::Click,
    EventKind::AddToCart,
    EventKind::Purchase,
    EventKind::Search,
];
const PAGES: [&str; 5] = ["home", "product", "category", "cart", "search"];
const DEVICES: [&str; 3] = ["mobile", "desktop", "tablet"];
const REFERRERS: [&str; 1] = [RECOMMENDATION_REFERRER];

/// One storefront event.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ShopEvent {
    event_id: Option<String>,
    user_id: Option<String>,
    session_id: Option<String>,
    kind: String,
    item_id: Option<String>,
    quantity: Option<i64>,
    price: Option<f64>,
    query: Option<String>,
    #[serde(default)]
    context: ShopContext,
}

/// Where it happened: `referrer` is `recommendation` when the event follows from one.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct ShopContext {
    page: Option<String>,
    referrer: Option<String>,
    device: Option<String>,
}

/// Records one event or `{"events": [...]}`; answers like `POST /v1/events`.
pub(crate) async fn post_events(
    State(state): State<Arc<AppState>>,
    Json(body): Json<Value>,
) -> Answer<Ingested> {
    let documents = documents(body)?;
    if documents.len() > MAX_EVENTS {
        return Err(Problem::bad_request(format!(
            "the storefront sends at most {MAX_EVENTS} events at a time; this request has {}",
            documents.len()
        )));
    }
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_millis() as i64);
    let mut events = Vec::new();
    let mut errors = Vec::new();
    for (index, document) in documents.into_iter().enumerate() {
        match read(document, now) {
            Ok(event) => events.push((index, event)),
            Err((field, reason)) => errors.push(RecordIssue { index, field, reason }),
        }
    }
    let unlisted = unlisted_items(&state, &events).await?;
    let (events, refused): (Vec<_>, Vec<_>) = events
        .into_iter()
        .partition(|(_, e)| !e.item.as_ref().is_some_and(|i| unlisted.contains(i)));
    errors.extend(refused.into_iter().map(|(index, event)| RecordIssue {
        index,
        field: Some("item_id".into()),
        reason: format!(
            "no item {} in the shop",
            event.item.map(|i| i.to_string()).unwrap_or_default()
        ),
    }));
    errors.sort_by_key(|issue| issue.index);
    let events: Vec<Event> = events.into_iter().map(|(_, event)| event).collect();
    ingest(&state, events, errors).await
}

/// One event document, checked; `Err((field, reason))` when it cannot be stored.
fn read(document: Value, now_millis: i64) -> Result<Event, (Option<String>, String)> {
    let shop: ShopEvent = serde_json::from_value(document).map_err(|e| (None, e.to_string()))?;
    let context = &shop.context;
    for (field, value, allowed) in [
        ("context.page", &context.page, &PAGES[..]),
        ("context.device", &context.device, &DEVICES[..]),
        ("context.referrer", &context.referrer, &REFERRERS[..]),
    ] {
        if let Some(value) = value.as_deref().filter(|v| !allowed.contains(v)) {
            return Err((
                Some(field.into()),
                format!("`{value}` is not one of {}", allowed.join(", ")),
            ));
        }
    }
    // The import schema's keys, so the event is read exactly as `/v1/events` reads it.
    let mut row = Map::new();
    for (key, value) in [
        ("event_id", shop.event_id),
        ("user_id", shop.user_id),
        ("session_id", shop.session_id),
        ("item_id", shop.item_id),
        ("kind", Some(shop.kind)),
        ("query", shop.query),
        ("page", shop.context.page),
        ("referrer", shop.context.referrer),
        ("device", shop.context.device),
    ] {
        if let Some(value) = value {
            row.insert(key.into(), Value::String(value));
        }
    }
    if let Some(quantity) = shop.quantity {
        row.insert("quantity".into(), quantity.into());
    }
    if let Some(price) = shop.price {
        row.insert("price".into(), price.into());
    }
    row.insert("timestamp".into(), now_millis.into());
    let event = event_from_json(&row).map_err(|issue| (issue.field, issue.reason))?;
    if !KINDS.contains(&event.kind) {
        return Err((
            Some("kind".into()),
            format!(
                "the storefront records view, click, cart, purchase and search events, not `{}`",
                event.kind
            ),
        ));
    }
    Ok(event)
}

/// The items of `events` the shop does not list: neither the feed snapshot nor the store knows
/// them (one store read per item newer than the snapshot), so no event invents an item.
async fn unlisted_items(
    state: &Arc<AppState>,
    events: &[(usize, Event)],
) -> Result<HashSet<ExternalId>, Problem> {
    let feed = state.feed.load_full();
    let unknown: HashSet<ExternalId> = events
        .iter()
        .filter_map(|(_, e)| e.item.clone())
        .filter(|item| feed.as_ref().is_none_or(|f| f.item_index(item).is_none()))
        .collect();
    if unknown.is_empty() {
        return Ok(unknown);
    }
    blocking(state, move |s| {
        let mut unlisted = HashSet::new();
        for item in unknown {
            if s.engine().store().item(&item).map_err(Problem::internal)?.is_none() {
                unlisted.insert(item);
            }
        }
        Ok(unlisted)
    })
    .await
}
