//! The admin-scoped endpoints the dashboard reads: overview, models and training, imports,
//! configuration and keys.

use std::sync::Arc;

use axum::Router;

use crate::state::AppState;

/// The dashboard's routes, mounted behind the admin scope.
pub fn admin_routes() -> Router<Arc<AppState>> {
    Router::new()
}
