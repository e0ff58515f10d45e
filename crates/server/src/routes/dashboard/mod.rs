//! The admin-scoped endpoints the web dashboard reads: the overview, models and training,
//! evaluation reports, imports, browsing users and items, configuration and keys.
//!
//! What the dashboard keeps between requests (the overview cache, the background training's
//! progress, the import jobs, when the server started) lives in one `Dashboard` per router,
//! handed to the handlers as an extension; everything else comes from [`AppState`] and the
//! engine.

pub(crate) mod browse;
pub(crate) mod imports;
pub(crate) mod models;
pub(crate) mod overview;
pub(crate) mod settings;
pub(crate) mod training;

use std::sync::Arc;

use aisle_domain::Timestamp;
use axum::routing::{delete, get, post};
use axum::{Extension, Router};

use crate::state::AppState;

/// What the dashboard's routes share.
pub(crate) struct Dashboard {
    /// When the router was built: the start of the "since the server started" counts.
    started: Timestamp,
    overview: overview::Cache,
    training: training::Tracker,
    imports: imports::Jobs,
}

impl Dashboard {
    fn new() -> Self {
        Self {
            started: now(),
            overview: Default::default(),
            training: Default::default(),
            imports: Default::default(),
        }
    }
}

/// The dashboard's routes, mounted behind the admin scope.
pub fn admin_routes() -> Router<Arc<AppState>> {
    Router::new()
        .route("/v1/admin/overview", get(overview::overview))
        .route("/v1/admin/models", get(models::models))
        .route("/v1/admin/training", get(training::status).post(training::start))
        .route("/v1/admin/reports", get(models::reports))
        .route("/v1/admin/imports", post(imports::start))
        .route("/v1/admin/imports/{id}", get(imports::status))
        .route("/v1/admin/items/search", get(browse::search_items))
        .route("/v1/admin/users", get(browse::users))
        .route("/v1/admin/users/{id}/events", get(browse::user_events))
        .route("/v1/admin/config", get(settings::config))
        .route("/v1/admin/keys", get(settings::keys).post(settings::create_key))
        .route("/v1/admin/keys/{id}", delete(settings::revoke_key))
        .layer(Extension(Arc::new(Dashboard::new())))
}

/// The current time (the epoch if the clock is before it).
pub(crate) fn now() -> Timestamp {
    let millis = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_millis()).unwrap_or(0));
    Timestamp::from_millis(millis).unwrap_or(Timestamp::EPOCH)
}

/// A body that could not be read, as a problem: 413 over `server.max_body_bytes`.
fn unread_body(rejection: axum::extract::rejection::BytesRejection) -> crate::Problem {
    let status = rejection.status();
    if status == axum::http::StatusCode::PAYLOAD_TOO_LARGE {
        crate::Problem::new(
            status,
            "the body is larger than the server accepts (server.max_body_bytes); for files, \
             use `aisle import` instead",
        )
    } else {
        crate::Problem::new(status, format!("cannot read the body: {}", rejection.body_text()))
    }
}
