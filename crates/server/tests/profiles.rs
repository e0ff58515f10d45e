//! Shopper profiles over HTTP, in process, on a small generated shop: the
//! `GET /v1/users/{id}/profile` contract, a shopper with no events, and the admin scope.

mod common;

use axum::http::{Method, StatusCode};
use common::{call, shop_serving};
use serde_json::{json, Value};

async fn profile(shop: &common::Shop, user: &str) -> (StatusCode, Value) {
    let uri = format!("/v1/users/{user}/profile");
    let (status, body, _) = call(&shop.app, Method::GET, &uri, Some(&shop.admin), None).await;
    (status, body)
}

#[tokio::test]
async fn a_shoppers_profile_answers_the_contract() {
    let shop = shop_serving(|_| {}, &[]);
    let uri = "/v1/admin/users?limit=200";
    let (_, page, _) = call(&shop.app, Method::GET, uri, Some(&shop.admin), None).await;
    let busiest = page["users"]
        .as_array()
        .and_then(|users| users.iter().max_by_key(|u| u["events"].as_u64()))
        .expect("users");
    let user = busiest["id"].as_str().expect("an id").to_string();
    let (status, body) = profile(&shop, &user).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["user_id"], user.as_str());
    for key in ["recency_days", "frequency", "monetary"] {
        assert!(body["rfm"].get(key).is_some(), "rfm.{key} in {body}");
    }
    assert!(body["rfm"]["frequency"].as_u64().is_some_and(|f| f > 0), "the busiest shopper bought");
    assert!(body["segment"].as_str().is_some_and(|s| s != "prospects"), "{body}");
    let lifecycle = body["lifecycle"].as_str().expect("lifecycle");
    assert!(["new", "active", "at_risk", "churned"].contains(&lifecycle), "{body}");
    let categories = body["affinities"]["categories"].as_array().expect("affinities");
    assert!(!categories.is_empty(), "{body}");
    // 90 days of generated history leave buyers and non-buyers in the last 30: a model trains.
    let p = body["propensity"].as_f64().expect("a propensity");
    assert!((0.0..=1.0).contains(&p), "{body}");
    let detail = &body["propensity_detail"];
    assert_eq!(detail["horizon_days"], 30);
    assert!(detail["reasons"].as_array().is_some_and(|r| !r.is_empty()), "{body}");
    assert!(detail["validation_auc"].as_f64().is_some_and(|auc| auc > 0.5), "{body}");
    assert!(body["as_of"].as_str().is_some_and(|t| t.starts_with("2026-")), "{body}");
}

#[tokio::test]
async fn a_shopper_with_no_events_has_an_empty_profile_and_strangers_none() {
    let shop = shop_serving(|_| {}, &[]);
    let (status, body, _) = call(
        &shop.app,
        Method::PUT,
        "/v1/users/quiet-one",
        Some(&shop.admin),
        Some(json!({"id": "quiet-one"})),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let (status, body) = profile(&shop, "quiet-one").await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["segment"], "prospects");
    assert_eq!(body["lifecycle"], "unseen");
    assert!(body["rfm"]["recency_days"].is_null(), "{body}");
    assert_eq!(body["rfm"]["frequency"], 0);
    assert_eq!(body["activity"]["events"], 0);

    let (status, body) = profile(&shop, "never-heard-of").await;
    assert_eq!(status, StatusCode::NOT_FOUND, "{body}");
    let (status, _) = profile(&shop, "%20bad").await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    let uri = "/v1/users/quiet-one/profile";
    let (status, ..) = call(&shop.app, Method::GET, uri, Some(&shop.read), None).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "profiles are personal data: admin scope");
}
