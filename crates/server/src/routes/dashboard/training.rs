//! Training in the background with live progress: `POST /v1/admin/training` starts a retrain
//! (the same as `POST /v1/admin/train`: train, then swap the new versions in) and answers at
//! once; `GET /v1/admin/training` follows it, fed by the engine's fit progress callback.
//!
//! One retraining runs at a time, whichever route or schedule started it (`AppState::training`).

use std::collections::VecDeque;
use std::sync::atomic::Ordering;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Instant;

use aisle_engine::{FitProgress, TrainRequest, MODEL_NAMES};
use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::State;
use axum::http::StatusCode;
use axum::Extension;
use serde::{Deserialize, Serialize};

use super::{now, unread_body, Dashboard};
use crate::problem::{Json, Problem};
use crate::state::AppState;

/// Finished runs remembered.
const RECENT: usize = 20;

/// How a training is going.
#[derive(Debug, Clone, Default, Serialize, utoipa::ToSchema)]
pub struct TrainingStatus {
    /// A retraining is under way.
    pub running: bool,
    /// The model being trained now (the last one trained when idle).
    pub model: Option<String>,
    /// Units done: the fit's own steps when the model reports them (the transformer), else the
    /// models finished in this run.
    pub done: u64,
    /// Units in all, in the same unit as `done`.
    pub total: u64,
    /// What it is doing (the model's own status while fitting, e.g. its loss).
    pub message: String,
    /// When the run started (RFC 3339).
    pub started_at: Option<String>,
    /// Models trained by this endpoint since the server started, newest first (at most 20).
    pub recent: Vec<TrainingRun>,
}

/// One model trained.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct TrainingRun {
    /// The model.
    pub model: String,
    /// The version trained, now active; `null` when training failed.
    pub version: Option<u32>,
    /// Seconds it took (reading the data, fitting, saving).
    pub seconds: f64,
    /// When it finished (RFC 3339).
    pub finished_at: String,
    /// Why it failed, when it did.
    pub error: Option<String>,
}

/// What to train.
#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TrainingBody {
    /// Registry names (default: the serving models from `[server]`).
    #[serde(default)]
    pub models: Vec<String>,
}

/// The progress of the background training, shared with the worker thread.
#[derive(Debug, Default)]
pub(crate) struct Tracker {
    status: Mutex<Progress>,
}

#[derive(Debug, Default)]
struct Progress {
    status: TrainingStatus,
    /// Models finished and in all, shown while the fit reports no steps of its own.
    models_done: u64,
    models_total: u64,
    recent: VecDeque<TrainingRun>,
}

impl Tracker {
    fn update(&self, change: impl FnOnce(&mut Progress)) {
        change(&mut self.status.lock().unwrap_or_else(PoisonError::into_inner));
    }

    fn snapshot(&self, state: &AppState) -> TrainingStatus {
        let progress = self.status.lock().unwrap_or_else(PoisonError::into_inner);
        let mut status = progress.status.clone();
        status.recent = progress.recent.iter().cloned().collect();
        if !status.running && state.is_training() {
            // Started by POST /v1/admin/train or the schedule, which report no progress.
            status = TrainingStatus {
                running: true,
                message: "a retraining started by POST /v1/admin/train or the schedule is running"
                    .into(),
                recent: status.recent,
                ..TrainingStatus::default()
            };
        }
        status
    }
}

/// The background training's progress and the models it trained recently.
#[utoipa::path(get, path = "/v1/admin/training", tag = "dashboard",
    responses((status = 200, body = TrainingStatus)),
    security(("api_key" = [])))]
pub async fn status(
    State(state): State<Arc<AppState>>,
    Extension(dashboard): Extension<Arc<Dashboard>>,
) -> Json<TrainingStatus> {
    Json(dashboard.training.snapshot(&state))
}

/// Starts retraining `models` (default: the serving models) in the background, then swaps the
/// new versions in; answers at once with the status to follow at `GET /v1/admin/training`.
#[utoipa::path(post, path = "/v1/admin/training", tag = "dashboard", request_body = TrainingBody,
    responses((status = 202, body = TrainingStatus), (status = 400, body = Problem),
        (status = 409, body = Problem)),
    security(("api_key" = [])))]
pub async fn start(
    State(state): State<Arc<AppState>>,
    Extension(dashboard): Extension<Arc<Dashboard>>,
    body: Result<Bytes, BytesRejection>,
) -> Result<(StatusCode, Json<TrainingStatus>), Problem> {
    let body = body.map_err(unread_body)?;
    // The body is optional: none retrains the serving models.
    let asked = if body.iter().all(u8::is_ascii_whitespace) {
        Vec::new()
    } else {
        let expected = "expected {\"models\": [\"ease\", ...]}";
        let bad = |e: serde_json::Error| Problem::bad_request(format!("{expected}: {e}"));
        match serde_json::from_slice::<serde_json::Value>(&body).map_err(bad)? {
            object @ serde_json::Value::Object(_) => {
                serde_json::from_value::<TrainingBody>(object).map_err(bad)?.models
            }
            _ => return Err(Problem::bad_request(expected)),
        }
    };
    let models = chosen_models(&state, asked)?;
    if state.training.swap(true, Ordering::SeqCst) {
        return Err(Problem::new(
            StatusCode::CONFLICT,
            "a retraining is already running; follow it at GET /v1/admin/training",
        ));
    }
    dashboard.training.update(|p| {
        p.models_done = 0;
        p.models_total = models.len() as u64;
        p.status = TrainingStatus {
            running: true,
            model: models.first().cloned(),
            done: 0,
            total: p.models_total,
            message: "starting".into(),
            started_at: Some(now().to_rfc3339()),
            recent: Vec::new(),
        };
    });
    let worker = state.clone();
    let tracker = dashboard.clone();
    tokio::task::spawn_blocking(move || run(&worker, &tracker.training, &models));
    Ok((StatusCode::ACCEPTED, Json(dashboard.training.snapshot(&state))))
}

/// The models asked for, checked and without repeats; the serving models when none.
fn chosen_models(state: &AppState, asked: Vec<String>) -> Result<Vec<String>, Problem> {
    let server = &state.engine().config().server;
    let asked = if asked.is_empty() {
        vec![
            server.model.clone(),
            server.similar_model.clone(),
            server.bought_together_model.clone(),
        ]
    } else {
        asked
    };
    let mut models: Vec<String> = Vec::new();
    for name in asked {
        if !MODEL_NAMES.contains(&name.as_str()) {
            let shown: String = name.chars().take(64).collect();
            return Err(Problem::bad_request(format!(
                "unknown model {shown:?}; choose among {}",
                MODEL_NAMES.join(", ")
            )));
        }
        if !models.contains(&name) {
            models.push(name);
        }
    }
    Ok(models)
}

/// Ends a run whatever happens in it (a panic included): idle again, and retraining allowed.
struct EndOfRun<'a> {
    state: &'a AppState,
    tracker: &'a Tracker,
}

impl Drop for EndOfRun<'_> {
    fn drop(&mut self) {
        self.tracker.update(|p| p.status.running = false);
        self.state.training.store(false, Ordering::SeqCst);
    }
}

/// Trains each model in turn on this (blocking) thread, then reloads the serving models.
fn run(state: &AppState, tracker: &Tracker, models: &[String]) {
    let _end = EndOfRun { state, tracker };
    for model in models {
        tracker.update(|p| {
            p.status.model = Some(model.clone());
            p.status.message = format!("reading the training data and fitting {model}");
            p.status.done = p.models_done;
            p.status.total = p.models_total;
        });
        let started = Instant::now();
        let report_fit = |fit: &FitProgress| {
            tracker.update(|p| {
                p.status.done = fit.done;
                p.status.total = fit.total;
                p.status.message = fit.message.clone();
            })
        };
        let request = TrainRequest { model: model.clone(), params: Vec::new(), threads: 0 };
        let trained = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            state.engine().train_with_progress(&request, Some(&report_fit))
        }));
        let (version, error) = match trained {
            Ok(Ok(report)) => (Some(report.version), None),
            Ok(Err(error)) => {
                tracing::warn!(model, %error, "training failed");
                (None, Some(error.to_string()))
            }
            Err(_) => (None, Some("the training crashed; see the server log".to_string())),
        };
        let finished = TrainingRun {
            model: model.clone(),
            version,
            seconds: started.elapsed().as_secs_f64(),
            finished_at: now().to_rfc3339(),
            error,
        };
        tracker.update(|p| {
            p.models_done += 1;
            p.status.done = p.models_done;
            p.status.total = p.models_total;
            p.recent.push_front(finished);
            p.recent.truncate(RECENT);
        });
    }
    tracker.update(|p| p.status.message = "loading the new versions".into());
    let not_loaded = state.reload();
    tracker.update(|p| {
        p.status.message = if not_loaded.is_empty() {
            "done".into()
        } else {
            format!("done; not serving: {}", not_loaded.join("; "))
        };
    });
}
