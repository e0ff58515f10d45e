//! The `Authorization: Bearer KEY` check in front of every /v1 route: a missing or unknown key
//! is 401, a key without the route's scope 403, a key over its rate 429 with `Retry-After`.

use std::sync::Arc;

use axum::extract::{Request, State};
use axum::http::{header, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::keys::{KeyRecord, Scope};
use crate::problem::Problem;
use crate::state::AppState;

/// Needs a read key.
pub(crate) async fn read(state: State<Arc<AppState>>, request: Request, next: Next) -> Response {
    check(state, request, next, Scope::Read).await
}

/// Needs a write key.
pub(crate) async fn write(state: State<Arc<AppState>>, request: Request, next: Next) -> Response {
    check(state, request, next, Scope::Write).await
}

/// Needs an admin key.
pub(crate) async fn admin(state: State<Arc<AppState>>, request: Request, next: Next) -> Response {
    check(state, request, next, Scope::Admin).await
}

async fn check(
    State(state): State<Arc<AppState>>,
    mut request: Request,
    next: Next,
    needed: Scope,
) -> Response {
    let presented = request
        .headers()
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(str::trim);
    let Some(presented) = presented else {
        return unauthorized(
            "send an API key as `Authorization: Bearer KEY`; create one with \
                             `aisle keys create --scope read|write|admin`",
        );
    };
    let Some(record) = state.keys.verify(presented) else {
        return unauthorized(
            "the API key is not valid (revoked, mistyped or from another data \
                             directory)",
        );
    };
    if !record.scope.allows(needed) {
        return Problem::new(
            StatusCode::FORBIDDEN,
            format!(
                "this route needs a {} key; the key {} is a {} key",
                needed.as_str(),
                record.id,
                record.scope.as_str()
            ),
        )
        .into_response();
    }
    if let Err(wait) = state.limiter.take(&record.id) {
        let seconds = wait.ceil().max(1.0) as u64;
        let mut response = Problem::new(
            StatusCode::TOO_MANY_REQUESTS,
            format!(
                "key {} is over its rate limit (server.rate_limit_per_key); retry in {seconds} s",
                record.id
            ),
        )
        .into_response();
        if let Ok(value) = seconds.to_string().parse() {
            response.headers_mut().insert(header::RETRY_AFTER, value);
        }
        return response;
    }
    request.extensions_mut().insert::<KeyRecord>(record);
    next.run(request).await
}

fn unauthorized(detail: &str) -> Response {
    let mut response = Problem::new(StatusCode::UNAUTHORIZED, detail).into_response();
    response
        .headers_mut()
        .insert(header::WWW_AUTHENTICATE, header::HeaderValue::from_static("Bearer"));
    response
}
