//! The demo storefront's keyless JSON API under `/shop/api` (when `server.storefront` is on).

use std::sync::Arc;

use axum::Router;

use crate::state::AppState;

/// The storefront's routes; empty when the storefront is turned off.
pub fn routes(state: &AppState) -> Router<Arc<AppState>> {
    if !state.engine().config().server.storefront {
        return Router::new();
    }
    Router::new()
}
