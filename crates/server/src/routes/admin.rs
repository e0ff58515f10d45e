//! Operations on the serving models: retrain on demand and swap the new versions in.

use std::sync::atomic::Ordering;
use std::sync::Arc;

use aisle_engine::TrainRequest;
use axum::extract::State;
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};

use super::blocking;
use crate::merchandising::Merchandising;
use crate::problem::{Answer, Json, Problem};
use crate::state::AppState;

/// What to retrain.
#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TrainBody {
    /// Models to train (default: the serving models from `[server]` and the running
    /// experiment's).
    #[serde(default)]
    pub models: Vec<String>,
}

/// What a retraining did.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Retrained {
    /// `name@version` of each model trained.
    pub trained: Vec<String>,
    /// Seconds it took.
    pub seconds: f64,
    /// Serving models that could not be loaded afterwards (the previous version keeps serving).
    pub not_loaded: Vec<String>,
}

/// Trains models on the store's current data and swaps the new versions in; requests keep
/// being answered by the old versions until then.
#[utoipa::path(post, path = "/v1/admin/train", tag = "admin", request_body = TrainBody,
    responses((status = 200, body = Retrained), (status = 409, body = Problem)),
    security(("api_key" = [])))]
pub async fn train(
    State(state): State<Arc<AppState>>,
    body: axum::body::Bytes,
) -> Answer<Retrained> {
    // The body is optional: none retrains the serving models.
    let models = if body.iter().all(u8::is_ascii_whitespace) {
        Vec::new()
    } else {
        serde_json::from_slice::<TrainBody>(&body)
            .map_err(|e| {
                Problem::bad_request(format!("expected {{\"models\": [\"ease\", ...]}}: {e}"))
            })?
            .models
    };
    retrain(state, models).await
}

/// Loads the newest active versions (after an `aisle train` run elsewhere) without retraining.
#[utoipa::path(post, path = "/v1/admin/reload", tag = "admin",
    responses((status = 200, body = Retrained)),
    security(("api_key" = [])))]
pub async fn reload(State(state): State<Arc<AppState>>) -> Answer<Retrained> {
    let started = std::time::Instant::now();
    let not_loaded = blocking(&state, |s| Ok(s.reload())).await?;
    Ok(Json(Retrained {
        trained: Vec::new(),
        seconds: started.elapsed().as_secs_f64(),
        not_loaded,
    }))
}

/// Retrains `models` (the serving models when empty) then reloads; one retraining at a time.
pub(crate) async fn retrain(state: Arc<AppState>, models: Vec<String>) -> Answer<Retrained> {
    if state.training.swap(true, Ordering::SeqCst) {
        return Err(Problem::new(
            StatusCode::CONFLICT,
            "a retraining is already running; wait for it",
        ));
    }
    let started = std::time::Instant::now();
    let result = blocking(&state, move |s| {
        let server = &s.engine().config().server;
        let models = if models.is_empty() {
            let mut m = vec![server.model.clone()];
            for name in [&server.similar_model, &server.bought_together_model] {
                if !m.contains(name) {
                    m.push(name.clone());
                }
            }
            // A running experiment's variants learn from the same data as the feed, or the
            // comparison would be between a fresh model and a stale one.
            for name in s.experiments.models() {
                if !m.contains(&name) {
                    m.push(name);
                }
            }
            m
        } else {
            models
        };
        let mut trained = Vec::new();
        for model in models {
            let report = s
                .engine()
                .train(&TrainRequest { model: model.clone(), params: Vec::new(), threads: 0 })
                .map_err(|e| match e {
                    aisle_engine::Error::Config { detail } => Problem::bad_request(detail),
                    other => Problem::internal(other),
                })?;
            trained.push(format!("{model}@{}", report.version));
        }
        let not_loaded = s.reload();
        Ok((trained, not_loaded))
    })
    .await;
    state.training.store(false, Ordering::SeqCst);
    let (trained, not_loaded) = result?;
    Ok(Json(Retrained { trained, seconds: started.elapsed().as_secs_f64(), not_loaded }))
}

/// The merchandising rules and promotions in force.
#[utoipa::path(get, path = "/v1/admin/merchandising", tag = "admin",
    responses((status = 200, body = Merchandising)),
    security(("api_key" = [])))]
pub async fn get_merchandising(State(state): State<Arc<AppState>>) -> Json<Merchandising> {
    Json(state.merchandising.current().document.clone())
}

/// Replaces the merchandising rules and promotions; every recommendation call uses them at once.
#[utoipa::path(put, path = "/v1/admin/merchandising", tag = "admin", request_body = Merchandising,
    responses((status = 200, body = Merchandising), (status = 400, body = Problem)),
    security(("api_key" = [])))]
pub async fn put_merchandising(
    State(state): State<Arc<AppState>>,
    Json(document): Json<Merchandising>,
) -> Answer<Merchandising> {
    blocking(&state, move |s| {
        s.merchandising.replace(document)?;
        Ok(Json(s.merchandising.current().document.clone()))
    })
    .await
}
