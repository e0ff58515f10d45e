//! Liveness, readiness and metrics: outside /v1, no key needed.

use std::sync::Arc;

use axum::extract::State;
use serde::Serialize;

use crate::problem::{Json, Problem};
use crate::state::AppState;

/// A health answer.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Health {
    /// `ok`.
    pub status: &'static str,
    /// Serving models and their versions, `name@version`.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub models: Vec<String>,
}

/// The process is up.
#[utoipa::path(get, path = "/health/live", tag = "operations",
    responses((status = 200, body = Health)))]
pub async fn live() -> Json<Health> {
    Json(Health { status: "ok", models: Vec::new() })
}

/// The server can answer recommendation requests: the store answers and the feed model is
/// loaded.
#[utoipa::path(get, path = "/health/ready", tag = "operations",
    responses((status = 200, body = Health), (status = 503, body = Problem)))]
pub async fn ready(State(state): State<Arc<AppState>>) -> Result<Json<Health>, Problem> {
    let worker = state.clone();
    let store = tokio::task::spawn_blocking(move || worker.engine().store().schema_version())
        .await
        .map_err(Problem::internal)?;
    if let Err(error) = store {
        return Err(Problem::unavailable(format!("the store does not answer: {error}")));
    }
    let Some(feed) = state.feed.load_full() else {
        let model = &state.engine().config().server.model;
        return Err(Problem::unavailable(format!(
            "no `{model}` model is loaded; train it (`aisle train --model {model}` or POST \
             /v1/admin/train)"
        )));
    };
    if !state.ingest.is_warm() {
        return Err(Problem::unavailable(
            "the event writer is still loading the stored event ids; ready in a few seconds",
        ));
    }
    let mut models = vec![format!("{}@{}", feed.model, feed.version)];
    for slot in [&state.similar, &state.together] {
        if let Some(snapshot) = slot.load_full() {
            let name = format!("{}@{}", snapshot.model, snapshot.version);
            if !models.contains(&name) {
                models.push(name);
            }
        }
    }
    Ok(Json(Health { status: "ok", models }))
}
