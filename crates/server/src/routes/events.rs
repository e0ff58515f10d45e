//! Event ingestion: one event or `{"events": [...]}` in the import schema, idempotent by event
//! id, with a per-event report. Accepted events join the actor's live history at once.

use std::sync::Arc;

use aisle_domain::{Actor, Event};
use aisle_ingest::generic::event_from_json;
use axum::extract::State;
use serde::Serialize;
use serde_json::Value;

use super::catalog::{build_all, check_size};
use super::RecordIssue;
use crate::live::Who;
use crate::problem::{Answer, Json, Problem};
use crate::state::AppState;

/// What an ingestion did.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Ingested {
    /// Events stored now.
    pub accepted: u64,
    /// Events whose id was already stored: skipped, so retries are safe.
    pub duplicates: u64,
    /// Events refused, each with its index in the request and the reason; the others were stored.
    pub errors: Vec<RecordIssue>,
}

/// Records one event or a batch (`{"events": [...]}`, at most 10,000).
#[utoipa::path(post, path = "/v1/events", tag = "events",
    request_body(content = Object, description = "one event (keys of the events import file: \
        event_id, user_id or session_id, item_id, kind, value, quantity, price, query, timestamp, \
        device, page, referrer) or `{\"events\": [...]}`"),
    responses((status = 200, body = Ingested), (status = 400, body = Problem), (status = 413, body = Problem)),
    security(("api_key" = [])))]
pub async fn post_events(
    State(state): State<Arc<AppState>>,
    Json(body): Json<Value>,
) -> Answer<Ingested> {
    let documents = documents(body)?;
    check_size(documents.len())?;
    let (events, errors) = build_all(documents, event_from_json);
    ingest(&state, events, errors).await
}

/// The event documents of a body: one event object, or the array of `{"events": [...]}`.
pub(crate) fn documents(body: Value) -> Result<Vec<Value>, Problem> {
    match body {
        Value::Object(mut object) if object.contains_key("events") => match object.remove("events")
        {
            Some(Value::Array(events)) => Ok(events),
            _ => Err(Problem::bad_request("`events` must be an array of event objects")),
        },
        Value::Object(object) => Ok(vec![Value::Object(object)]),
        _ => Err(Problem::bad_request("send one event object or `{\"events\": [...]}`")),
    }
}

/// Stores the events read from a request, `errors` being the documents refused: a 400 when no
/// event is left, else the report. Events stored now join their actors' live histories.
pub(crate) async fn ingest(
    state: &AppState,
    events: Vec<Event>,
    errors: Vec<RecordIssue>,
) -> Answer<Ingested> {
    if events.is_empty() {
        return Err(Problem::bad_request("no event in the request could be read; see `errors`")
            .with_errors(serde_json::to_value(&errors).unwrap_or_default()));
    }
    let stored = state.ingest.submit(events.clone()).await.map_err(Problem::internal)?;
    let accepted = stored.iter().filter(|&&s| s).count() as u64;
    metrics::counter!("aisle_events_ingested_total").increment(accepted);
    state.count_accepted(&events, &stored);
    // Only events stored now join the live histories: a retry must not count twice.
    let fresh: Vec<Event> =
        events.into_iter().zip(&stored).filter(|(_, &s)| s).map(|(e, _)| e).collect();
    remember(state, &fresh);
    Ok(Json(Ingested { accepted, duplicates: stored.len() as u64 - accepted, errors }))
}

/// Adds the events to their actors' live histories (items the serving model knows only).
fn remember(state: &AppState, events: &[Event]) {
    let Some(feed) = state.feed.load_full() else { return };
    for event in events {
        let Some((item, weight, millis)) = feed.interaction(event) else { continue };
        match &event.actor {
            Actor::User(user) => state.live.record(Who::User, user, item, weight, millis),
            Actor::Session(session) => {
                state.live.record(Who::Session, session, item, weight, millis)
            }
        }
    }
}
