//! `GET /v1/users/{id}/next-basket`: the items a shopper is likely to buy in their next order,
//! scored from their own orders (repeats, recent ones weighing more), what the shop's baskets
//! pair with them and the shop's popular items, each with its reason.

use std::sync::Arc;

use aisle_engine::MAX_NEXT_BASKET;
use axum::extract::State;
use serde::{Deserialize, Serialize};

use super::parse_id;
use crate::problem::{Answer, Json, Path, Problem, Query};
use crate::profiles::ProfileState;
use crate::state::AppState;

/// Next-basket options.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
pub struct NextBasketParams {
    /// Items to list, 1 to 1000; default 10.
    pub k: Option<usize>,
}

/// The items likely in a shopper's next order, likeliest first.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct NextBasketView {
    /// The shopper.
    pub user_id: String,
    /// The items.
    pub items: Vec<NextBasketItem>,
}

/// One item likely in the next order.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct NextBasketItem {
    /// The item.
    pub item_id: String,
    /// Its score: the decayed share of the shopper's orders holding it (0 to 1), plus the
    /// weighted co-purchase and popularity parts.
    pub score: f64,
    /// Why it is listed: "bought in 3 of your last 5 orders", "often bought with ITEM",
    /// "popular in the shop".
    pub reason: String,
}

/// The `k` items likeliest in a shopper's next order; a shopper who never bought gets the
/// shop's popular items.
#[utoipa::path(get, path = "/v1/users/{id}/next-basket", tag = "profiles",
    params(("id" = String, Path, description = "the shop's user id"), NextBasketParams),
    responses((status = 200, body = NextBasketView), (status = 400, body = Problem),
        (status = 404, body = Problem)),
    security(("api_key" = [])))]
pub async fn next_basket(
    State(state): State<Arc<AppState>>,
    Path(id): Path<String>,
    Query(params): Query<NextBasketParams>,
) -> Answer<NextBasketView> {
    let user = parse_id("id", &id)?;
    let k = params.k.unwrap_or(10);
    if !(1..=MAX_NEXT_BASKET).contains(&k) {
        return Err(Problem::bad_request(format!(
            "`k` is {k}; ask for 1 to {MAX_NEXT_BASKET} items"
        )));
    }
    let worker = state.clone();
    tokio::task::spawn_blocking(move || {
        let context = ProfileState::context(&worker)?;
        let Some(suggested) = worker.engine().next_basket(&context, &user, k)? else {
            return Err(Problem::not_found(format!("no user {id}")));
        };
        let items = suggested
            .into_iter()
            .map(|s| NextBasketItem {
                item_id: s.item,
                score: s.score,
                reason: s.reason.to_string(),
            })
            .collect();
        Ok(Json(NextBasketView { user_id: id, items }))
    })
    .await
    .map_err(Problem::internal)?
}
