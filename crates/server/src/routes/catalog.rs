//! Items and users: get, list with cursors, create or replace, batch upsert, hide. Bodies use
//! the keys of the generic import files (docs/import-formats.md), so a record is accepted or
//! refused here for the same reasons as in `aisle import`.

use std::sync::Arc;

use aisle_domain::{Batch, Item, User};
use aisle_ingest::generic::{item_from_json, user_from_json, FieldIssue};
use aisle_ingest::ReadOptions;
use axum::extract::State;
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::{blocking, cursor, limit, next_cursor, parse_id, RecordIssue, MAX_BATCH};
use crate::problem::{Answer, Json, Path, Problem, Query};
use crate::state::AppState;

/// A page of items.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ItemPage {
    /// Items in catalog order.
    #[schema(value_type = Vec<Object>)]
    pub items: Vec<Item>,
    /// Pass as `cursor` for the next page; absent on the last page.
    pub next_cursor: Option<String>,
}

/// Paging.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
pub struct PageParams {
    /// From a previous page's `next_cursor`.
    pub cursor: Option<String>,
    /// Items per page, 1 to 1000 (default 100).
    pub limit: Option<usize>,
}

/// What a write did.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Written {
    /// Records created.
    pub inserted: u64,
    /// Records whose document changed.
    pub updated: u64,
    /// Records already stored exactly so.
    pub unchanged: u64,
    /// Records refused, with the reason; the others were written.
    pub errors: Vec<RecordIssue>,
}

/// A batch of item documents.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct ItemBatch {
    /// Item documents (keys of the items import file).
    #[schema(value_type = Vec<Object>)]
    pub items: Vec<Value>,
}

/// A batch of user documents.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct UserBatch {
    /// User documents (keys of the users import file).
    #[schema(value_type = Vec<Object>)]
    pub users: Vec<Value>,
}

fn read_options(state: &AppState) -> ReadOptions {
    ReadOptions { currency: state.engine().config().import.currency.clone(), ..Default::default() }
}

/// One item.
#[utoipa::path(get, path = "/v1/items/{id}", tag = "catalog",
    params(("id" = String, Path, description = "the shop's item id")),
    responses((status = 200, body = Object), (status = 404, body = Problem)),
    security(("api_key" = [])))]
pub async fn get_item(State(state): State<Arc<AppState>>, Path(id): Path<String>) -> Answer<Item> {
    let id = parse_id("id", &id)?;
    blocking(&state, move |s| {
        s.engine()
            .store()
            .item(&id)
            .map_err(Problem::internal)?
            .map(Json)
            .ok_or_else(|| Problem::not_found(format!("no item {id}")))
    })
    .await
}

/// Items in catalog order, a page at a time.
#[utoipa::path(get, path = "/v1/items", tag = "catalog", params(PageParams),
    responses((status = 200, body = ItemPage), (status = 400, body = Problem)),
    security(("api_key" = [])))]
pub async fn list_items(
    State(state): State<Arc<AppState>>,
    Query(page): Query<PageParams>,
) -> Answer<ItemPage> {
    let limit = limit(page.limit, 100, 1000)?;
    let after = cursor(page.cursor.as_deref())?;
    blocking(&state, move |s| {
        let rows = s.engine().store().list_items(after, limit).map_err(Problem::internal)?;
        let next_cursor = next_cursor(&rows, limit, |(i, _)| *i);
        Ok(Json(ItemPage { items: rows.into_iter().map(|(_, item)| item).collect(), next_cursor }))
    })
    .await
}

/// Creates or replaces one item.
#[utoipa::path(put, path = "/v1/items/{id}", tag = "catalog",
    params(("id" = String, Path, description = "the shop's item id")),
    request_body(content = Object, description = "an item document (keys of the items import file)"),
    responses((status = 200, body = Written), (status = 400, body = Problem)),
    security(("api_key" = [])))]
pub async fn put_item(
    State(state): State<Arc<AppState>>,
    Path(id): Path<String>,
    Json(body): Json<Value>,
) -> Answer<Written> {
    let object = with_path_id(&id, body)?;
    let item = item_from_json(&object, &read_options(&state)).map_err(refused)?;
    write(&state, Batch { items: vec![item], ..Batch::default() }, Vec::new()).await
}

/// Creates or replaces many items; bad documents are reported one by one and cost no good one.
#[utoipa::path(post, path = "/v1/items/batch", tag = "catalog", request_body = ItemBatch,
    responses((status = 200, body = Written), (status = 400, body = Problem), (status = 413, body = Problem)),
    security(("api_key" = [])))]
pub async fn batch_items(
    State(state): State<Arc<AppState>>,
    Json(body): Json<ItemBatch>,
) -> Answer<Written> {
    check_size(body.items.len())?;
    let options = read_options(&state);
    let (items, errors) = build_all(body.items, |o| item_from_json(o, &options));
    write(&state, Batch { items, ..Batch::default() }, errors).await
}

/// Hides an item: it is never recommended or listed to shoppers again until set visible.
#[utoipa::path(post, path = "/v1/items/{id}/hide", tag = "catalog",
    params(("id" = String, Path, description = "the shop's item id")),
    responses((status = 200, body = Written), (status = 404, body = Problem)),
    security(("api_key" = [])))]
pub async fn hide_item(
    State(state): State<Arc<AppState>>,
    Path(id): Path<String>,
) -> Answer<Written> {
    let id = parse_id("id", &id)?;
    let worker = state.clone();
    let mut item = blocking(&worker, move |s| {
        s.engine()
            .store()
            .item(&id)
            .map_err(Problem::internal)?
            .ok_or_else(|| Problem::not_found(format!("no item {id}")))
    })
    .await?;
    item.hidden = true;
    let answer =
        write(&state, Batch { items: vec![item.clone()], ..Batch::default() }, Vec::new()).await;
    if answer.is_ok() {
        state.live.hide(item.id);
    }
    answer
}

/// Deletes an item from the catalog: never listed or recommended again. Its history (events,
/// orders, reviews) stays, as the shop's record of what happened.
#[utoipa::path(delete, path = "/v1/items/{id}", tag = "catalog",
    params(("id" = String, Path, description = "the shop's item id")),
    responses((status = 204), (status = 404, body = Problem)),
    security(("api_key" = [])))]
pub async fn delete_item(
    State(state): State<Arc<AppState>>,
    Path(id): Path<String>,
) -> Result<StatusCode, Problem> {
    let id = parse_id("id", &id)?;
    let gone = id.clone();
    let deleted = blocking(&state, move |s| {
        let index = s.engine().store().item_index(&id).map_err(Problem::internal)?;
        let deleted = s.engine().store().delete_item(&id).map_err(Problem::internal)?;
        if let (true, Some(index)) = (deleted, index) {
            crate::search::item_removed(s, index);
        }
        Ok(deleted)
    })
    .await?;
    if !deleted {
        return Err(Problem::not_found(format!("no item {gone}")));
    }
    state.live.hide(gone);
    Ok(StatusCode::NO_CONTENT)
}

/// Erases a shopper (the right to erasure): their document, events, orders and reviews, in one
/// transaction, and their live history. A later write of the same id is a new shopper.
#[utoipa::path(delete, path = "/v1/users/{id}", tag = "users",
    params(("id" = String, Path, description = "the shop's customer id")),
    responses((status = 200, body = Erased), (status = 404, body = Problem)),
    security(("api_key" = [])))]
pub async fn delete_user(
    State(state): State<Arc<AppState>>,
    Path(id): Path<String>,
) -> Answer<Erased> {
    let id = parse_id("id", &id)?;
    let gone = id.clone();
    let erased =
        blocking(&state, move |s| s.engine().store().delete_user(&id).map_err(Problem::internal))
            .await?
            .ok_or_else(|| Problem::not_found(format!("no user {gone}")))?;
    state.forget_user(&gone);
    Ok(Json(Erased { events: erased.events, orders: erased.orders, reviews: erased.reviews }))
}

/// What an erasure removed.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Erased {
    /// Events removed.
    pub events: u64,
    /// Orders removed.
    pub orders: u64,
    /// Reviews removed.
    pub reviews: u64,
}

/// One user.
#[utoipa::path(get, path = "/v1/users/{id}", tag = "users",
    params(("id" = String, Path, description = "the shop's customer id")),
    responses((status = 200, body = Object), (status = 404, body = Problem)),
    security(("api_key" = [])))]
pub async fn get_user(State(state): State<Arc<AppState>>, Path(id): Path<String>) -> Answer<User> {
    let id = parse_id("id", &id)?;
    blocking(&state, move |s| {
        s.engine()
            .store()
            .user(&id)
            .map_err(Problem::internal)?
            .map(Json)
            .ok_or_else(|| Problem::not_found(format!("no user {id}")))
    })
    .await
}

/// Creates or replaces one user.
#[utoipa::path(put, path = "/v1/users/{id}", tag = "users",
    params(("id" = String, Path, description = "the shop's customer id")),
    request_body(content = Object, description = "a user document (keys of the users import file)"),
    responses((status = 200, body = Written), (status = 400, body = Problem)),
    security(("api_key" = [])))]
pub async fn put_user(
    State(state): State<Arc<AppState>>,
    Path(id): Path<String>,
    Json(body): Json<Value>,
) -> Answer<Written> {
    let object = with_path_id(&id, body)?;
    let user = user_from_json(&object).map_err(refused)?;
    write(&state, Batch { users: vec![user], ..Batch::default() }, Vec::new()).await
}

/// Creates or replaces many users; bad documents are reported one by one.
#[utoipa::path(post, path = "/v1/users/batch", tag = "users", request_body = UserBatch,
    responses((status = 200, body = Written), (status = 400, body = Problem), (status = 413, body = Problem)),
    security(("api_key" = [])))]
pub async fn batch_users(
    State(state): State<Arc<AppState>>,
    Json(body): Json<UserBatch>,
) -> Answer<Written> {
    check_size(body.users.len())?;
    let (users, errors) = build_all(body.users, user_from_json);
    write(&state, Batch { users, ..Batch::default() }, errors).await
}

pub(super) fn check_size(n: usize) -> Result<(), Problem> {
    if n > MAX_BATCH {
        return Err(Problem::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            format!("a batch holds at most {MAX_BATCH} records; this one has {n}; split it"),
        ));
    }
    Ok(())
}

/// Builds every document, keeping the good ones and an issue per bad one.
pub(super) fn build_all<T>(
    documents: Vec<Value>,
    build: impl Fn(&Map<String, Value>) -> Result<T, FieldIssue>,
) -> (Vec<T>, Vec<RecordIssue>) {
    let mut good = Vec::with_capacity(documents.len());
    let mut errors = Vec::new();
    for (index, document) in documents.into_iter().enumerate() {
        let built = match &document {
            Value::Object(object) => build(object),
            _ => {
                Err(FieldIssue { field: None, reason: "each record must be a JSON object".into() })
            }
        };
        match built {
            Ok(record) => good.push(record),
            Err(issue) => {
                errors.push(RecordIssue { index, field: issue.field, reason: issue.reason })
            }
        }
    }
    (good, errors)
}

fn with_path_id(id: &str, body: Value) -> Result<Map<String, Value>, Problem> {
    let Value::Object(mut object) = body else {
        return Err(Problem::bad_request("the body must be a JSON object"));
    };
    match object.get("id") {
        None | Some(Value::Null) => {
            object.insert("id".into(), Value::String(id.to_string()));
        }
        Some(Value::String(given)) if given == id => {}
        Some(other) => {
            return Err(Problem::bad_request(format!(
                "the body's `id` ({other}) differs from the path's ({id}); leave it out or make them equal"
            )))
        }
    }
    Ok(object)
}

fn refused(issue: FieldIssue) -> Problem {
    let field = issue.field.clone();
    Problem::bad_request(issue.to_string())
        .with_errors(serde_json::json!([{ "index": 0, "field": field, "reason": issue.reason }]))
}

async fn write(state: &Arc<AppState>, batch: Batch, errors: Vec<RecordIssue>) -> Answer<Written> {
    if batch.is_empty() && !errors.is_empty() {
        return Err(Problem::bad_request("no record in the batch could be read; see `errors`")
            .with_errors(serde_json::to_value(&errors).unwrap_or_default()));
    }
    let report = blocking(state, move |s| {
        let report = s.engine().write(&batch)?;
        crate::search::items_written(s, &batch.items);
        Ok(report)
    })
    .await?;
    Ok(Json(Written {
        inserted: report.items_inserted + report.users_inserted,
        updated: report.items_updated + report.users_updated,
        unchanged: report.items_unchanged + report.users_unchanged,
        errors,
    }))
}
