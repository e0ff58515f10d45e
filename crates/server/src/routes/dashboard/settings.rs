//! Settings: the running configuration (secrets redacted) and the API keys (list, create with
//! the secret shown once, revoke with effect on the next request).

use std::sync::Arc;

use aisle_domain::Timestamp;
use axum::extract::State;
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::keys::{KeyRecord, Scope};
use crate::problem::{Answer, Json, Path, Problem};
use crate::routes::blocking;
use crate::state::AppState;

/// Longest key label, in characters.
const MAX_LABEL_CHARS: usize = 200;

/// The configuration the server runs with, as JSON (the keys of `aisle.toml`), with the
/// PostgreSQL URL's password replaced by `***`.
#[utoipa::path(get, path = "/v1/admin/config", tag = "dashboard",
    responses((status = 200, body = Object)),
    security(("api_key" = [])))]
pub async fn config(State(state): State<Arc<AppState>>) -> Answer<Value> {
    serde_json::to_value(state.engine().config().redacted()).map(Json).map_err(Problem::internal)
}

/// The API keys.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct KeyList {
    /// Oldest first.
    pub keys: Vec<KeyView>,
}

/// A key, without its secret.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct KeyView {
    /// The key's public id (its second part: `aisle_<id>_...`).
    pub id: String,
    /// `read`, `write` or `admin`.
    pub scope: String,
    /// A note for people.
    pub label: String,
    /// When it was created (RFC 3339).
    pub created_at: String,
}

impl From<KeyRecord> for KeyView {
    fn from(record: KeyRecord) -> Self {
        let created = i64::try_from(record.created).ok().and_then(|s| Timestamp::from_secs(s).ok());
        Self {
            id: record.id,
            scope: record.scope.as_str().to_string(),
            label: record.label,
            created_at: created.unwrap_or(Timestamp::EPOCH).to_rfc3339(),
        }
    }
}

/// A key to create.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewKey {
    /// `read`, `write` or `admin`.
    pub scope: String,
    /// A note for people (at most 200 characters).
    #[serde(default)]
    pub label: String,
}

/// A key just created: the only time its secret is shown.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct CreatedKey {
    /// The key's public id.
    pub id: String,
    /// `read`, `write` or `admin`.
    pub scope: String,
    /// The note.
    pub label: String,
    /// When it was created (RFC 3339).
    pub created_at: String,
    /// The key itself, for `Authorization: Bearer KEY`; not stored, never shown again.
    pub key: String,
}

/// The API keys, without their secrets.
#[utoipa::path(get, path = "/v1/admin/keys", tag = "dashboard",
    responses((status = 200, body = KeyList)),
    security(("api_key" = [])))]
pub async fn keys(State(state): State<Arc<AppState>>) -> Json<KeyList> {
    Json(KeyList { keys: state.keys.list().into_iter().map(KeyView::from).collect() })
}

/// Creates a key; the answer holds the secret, shown this once.
#[utoipa::path(post, path = "/v1/admin/keys", tag = "dashboard", request_body = NewKey,
    responses((status = 201, body = CreatedKey), (status = 400, body = Problem)),
    security(("api_key" = [])))]
pub async fn create_key(
    State(state): State<Arc<AppState>>,
    Json(body): Json<Value>,
) -> Result<(StatusCode, Json<CreatedKey>), Problem> {
    let expected = "expected {\"scope\": \"read\" | \"write\" | \"admin\", \"label\": \"...\"}";
    if !body.is_object() {
        return Err(Problem::bad_request(expected));
    }
    let asked: NewKey = serde_json::from_value(body)
        .map_err(|e| Problem::bad_request(format!("{expected}: {e}")))?;
    let scope = Scope::parse(&asked.scope)
        .ok_or_else(|| Problem::bad_request("`scope` must be `read`, `write` or `admin`"))?;
    let label = asked.label.trim().to_string();
    if label.chars().count() > MAX_LABEL_CHARS || label.chars().any(char::is_control) {
        return Err(Problem::bad_request(format!(
            "`label` must be at most {MAX_LABEL_CHARS} characters, without control characters"
        )));
    }
    let (key, record) =
        blocking(&state, move |s| s.keys.create(scope, &label).map_err(Problem::internal)).await?;
    let view = KeyView::from(record);
    Ok((
        StatusCode::CREATED,
        Json(CreatedKey {
            id: view.id,
            scope: view.scope,
            label: view.label,
            created_at: view.created_at,
            key,
        }),
    ))
}

/// Revokes a key: requests with it fail from the next one on.
#[utoipa::path(delete, path = "/v1/admin/keys/{id}", tag = "dashboard",
    params(("id" = String, Path, description = "the key's id, as the list shows it")),
    responses((status = 204), (status = 404, body = Problem)),
    security(("api_key" = [])))]
pub async fn revoke_key(
    State(state): State<Arc<AppState>>,
    Path(id): Path<String>,
) -> Result<StatusCode, Problem> {
    let shown: String = id.chars().take(64).collect();
    let revoked = blocking(&state, move |s| s.keys.revoke(&id).map_err(Problem::internal)).await?;
    if revoked {
        Ok(StatusCode::NO_CONTENT)
    } else {
        Err(Problem::not_found(format!("no key {shown:?}")))
    }
}
