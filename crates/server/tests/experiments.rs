//! A/B experiments over HTTP, in process, on a small generated shop: creating one, feeds that
//! carry each shopper's stable variant and serve its model, clicks after a recommendation
//! moving the results, stopping and deleting, and every bad request answered with a 4xx.

mod common;

use std::collections::BTreeMap;

use axum::http::{Method, StatusCode};
use common::{call, shop_serving, Shop};
use serde_json::{json, Value};

/// The default serving models plus `popular`, the challenger.
const MODELS: &[&str] = &["ease", "item-knn", "rules", "popular"];

async fn admin(shop: &Shop, method: Method, uri: &str, body: Option<Value>) -> (StatusCode, Value) {
    let (status, answer, _) = call(&shop.app, method, uri, Some(&shop.admin), body).await;
    (status, answer)
}

async fn feed(shop: &Shop, user: &str) -> Value {
    let uri = format!("/v1/users/{user}/recommendations?n=5");
    let (status, answer, _) = call(&shop.app, Method::GET, &uri, Some(&shop.read), None).await;
    assert_eq!(status, StatusCode::OK, "{answer}");
    answer
}

async fn click(shop: &Shop, event_id: &str, user: &str) {
    let event = json!({"event_id": event_id, "user_id": user, "item_id": "sku-000004",
        "kind": "click", "timestamp": "2030-01-01T00:00:00Z", "referrer": "recommendation"});
    let (status, answer, _) =
        call(&shop.app, Method::POST, "/v1/events", Some(&shop.write), Some(event)).await;
    assert_eq!(status, StatusCode::OK, "{answer}");
}

fn ease_against_popular(id: &str) -> Value {
    json!({"id": id, "name": "EASE against popularity on the home feed",
        "variants": [{"name": "a", "model": "ease"}, {"name": "b", "model": "popular"}]})
}

#[tokio::test]
async fn feeds_serve_each_shoppers_variant_and_clicks_move_the_results() {
    let shop = shop_serving(|_| {}, MODELS);
    let (status, created) =
        admin(&shop, Method::POST, "/v1/experiments", Some(ease_against_popular("feed-test")))
            .await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    assert_eq!(created["status"], "running");
    assert_eq!(created["control"], "a");
    assert_eq!(created["variants"][1]["share"], 0.5);
    assert_eq!(created["variants"][1]["serving"], true, "{created}");

    // Twenty shoppers with histories: each gets one variant, every time, served by its model.
    let mut by_variant: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for k in 1..=20 {
        let user = format!("u-{k:06}");
        let first = feed(&shop, &user).await;
        let again = feed(&shop, &user).await;
        assert_eq!(first["experiment"]["id"], "feed-test", "{first}");
        let variant = first["experiment"]["variant"].as_str().expect("a variant").to_string();
        assert_eq!(again["experiment"]["variant"], variant.as_str(), "stable for {user}");
        let model = first["model"].as_str().unwrap_or_default();
        let expected = if variant == "a" { ["ease", "trending"] } else { ["popular", "trending"] };
        assert!(expected.contains(&model), "{user} in {variant} served by {model}");
        by_variant.entry(variant).or_default().push(user);
    }
    assert_eq!(by_variant.len(), 2, "twenty shoppers fall in both halves: {by_variant:?}");

    let results = "/v1/experiments/feed-test/results";
    let (status, before) = admin(&shop, Method::GET, results, None).await;
    assert_eq!(status, StatusCode::OK, "{before}");
    for variant in before["variants"].as_array().expect("variants") {
        let name = variant["name"].as_str().unwrap_or_default();
        let shoppers = by_variant[name].len() as u64;
        assert_eq!(variant["shoppers"], shoppers, "{before}");
        assert_eq!(variant["impressions"], shoppers * 2, "two feeds each");
        assert_eq!(variant["conversion"]["count"], 0);
        assert_eq!(variant["conversion"]["rate"], 0.0);
    }
    assert_eq!(before["verdict"]["outcome"], "not_enough_data", "{before}");
    assert!(before["variants"][1]["conversion_vs_control"]["p_value"].is_number(), "{before}");

    let clicker = by_variant["b"][0].clone();
    click(&shop, "exp-click-1", &clicker).await;
    click(&shop, "exp-click-2", &clicker).await;
    click(&shop, "exp-click-1", &clicker).await; // a retry: not new, not counted
    click(&shop, "exp-click-3", "u-000500").await; // never shown the experiment: not counted
    let (_, after) = admin(&shop, Method::GET, results, None).await;
    let b = &after["variants"][1];
    assert_eq!(b["clicks"], 2, "{after}");
    assert_eq!(b["conversion"]["count"], 1, "one shopper converted, however often");
    let shoppers = by_variant["b"].len() as f64;
    assert_eq!(b["conversion"]["rate"], 1.0 / shoppers);
    assert!(b["conversion"]["low"].as_f64() < b["conversion"]["rate"].as_f64());
    assert_eq!(after["variants"][0]["clicks"], 0);

    // Stopped: feeds go back to the default model, the counts stay.
    let mut stopped = ease_against_popular("feed-test");
    stopped["status"] = json!("stopped");
    let (status, view) =
        admin(&shop, Method::PUT, "/v1/experiments/feed-test", Some(stopped)).await;
    assert_eq!(status, StatusCode::OK, "{view}");
    assert!(view["stopped_at"].as_str().is_some_and(|t| t.ends_with('Z')), "{view}");
    let plain = feed(&shop, &clicker).await;
    assert!(plain.get("experiment").is_none(), "{plain}");
    let (_, kept) = admin(&shop, Method::GET, results, None).await;
    assert_eq!(kept["variants"][1]["clicks"], 2);
    let (_, listed) = admin(&shop, Method::GET, "/v1/experiments", None).await;
    assert_eq!(listed["experiments"][0]["id"], "feed-test");

    let (status, _) = admin(&shop, Method::DELETE, "/v1/experiments/feed-test", None).await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let (status, _) = admin(&shop, Method::GET, results, None).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn an_experiment_without_traffic_has_a_defined_result() {
    let shop = shop_serving(|_| {}, MODELS);
    let mut quiet = ease_against_popular("quiet");
    quiet["status"] = json!("stopped");
    let (status, created) = admin(&shop, Method::POST, "/v1/experiments", Some(quiet)).await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    assert!(created["started_at"].is_null(), "never ran");
    let (status, results) = admin(&shop, Method::GET, "/v1/experiments/quiet/results", None).await;
    assert_eq!(status, StatusCode::OK, "{results}");
    assert_eq!(results["verdict"]["outcome"], "no_traffic");
    assert!(results["verdict"]["text"].as_str().unwrap_or_default().starts_with("no traffic yet"));
    for variant in results["variants"].as_array().expect("variants") {
        assert_eq!(variant["shoppers"], 0);
        assert!(variant["conversion"]["rate"].is_null(), "{results}");
        assert!(variant["conversion"]["low"].is_null(), "{results}");
        assert!(variant["conversion_vs_control"].is_null(), "{results}");
    }
    // Not running: feeds carry no experiment.
    assert!(feed(&shop, "u-000001").await.get("experiment").is_none());
}

#[tokio::test]
async fn bad_experiments_are_refused_with_the_reason() {
    let shop = shop_serving(|_| {}, MODELS);
    let post = |body: Value| admin(&shop, Method::POST, "/v1/experiments", Some(body));
    let check = |(status, answer): (StatusCode, Value), expected: StatusCode, words: &str| {
        assert_eq!(status, expected, "{answer}");
        let detail = answer["detail"].as_str().unwrap_or_default();
        assert!(detail.contains(words), "{words:?} in {detail:?}");
    };
    let one = json!({"id": "one", "name": "n", "variants": [{"name": "a", "model": "ease"}]});
    check(post(one).await, StatusCode::BAD_REQUEST, "at least two variants");
    let none = json!({"id": "none", "name": "n", "variants": []});
    check(post(none).await, StatusCode::BAD_REQUEST, "at least two variants");
    let mut zero = ease_against_popular("zero");
    zero["traffic"] = json!(0);
    check(post(zero).await, StatusCode::BAD_REQUEST, "enrol nobody");
    let mut weightless = ease_against_popular("weightless");
    weightless["variants"][1]["weight"] = json!(0);
    check(post(weightless).await, StatusCode::BAD_REQUEST, "variants[1].weight");
    let mut untrained = ease_against_popular("untrained");
    untrained["variants"][1]["model"] = json!("bpr");
    check(post(untrained).await, StatusCode::BAD_REQUEST, "no trained `bpr` model");
    let mut anonymous = ease_against_popular("x");
    anonymous.as_object_mut().map(|o| o.remove("id"));
    check(post(anonymous).await, StatusCode::BAD_REQUEST, "`id` is required");
    let misspelt = json!({"id": "x", "name": "n", "variants": [], "colour": 1});
    check(post(misspelt).await, StatusCode::UNPROCESSABLE_ENTITY, "unknown field `colour`");
    check(post(ease_against_popular("bad id!")).await, StatusCode::BAD_REQUEST, "`id`");

    assert_eq!(post(ease_against_popular("first")).await.0, StatusCode::CREATED);
    check(post(ease_against_popular("first")).await, StatusCode::CONFLICT, "exists");
    check(post(ease_against_popular("second")).await, StatusCode::CONFLICT, "is running");

    // Once a shopper was served, the variants are fixed; the name is not.
    feed(&shop, "u-000001").await;
    let mut changed = ease_against_popular("first");
    changed["variants"][1]["model"] = json!("item-knn");
    let put = |body: Value| admin(&shop, Method::PUT, "/v1/experiments/first", Some(body));
    check(put(changed).await, StatusCode::CONFLICT, "cannot change");
    let mut renamed = ease_against_popular("first");
    renamed["name"] = json!("renamed");
    assert_eq!(put(renamed).await.0, StatusCode::OK);
    check(put(ease_against_popular("other")).await, StatusCode::BAD_REQUEST, "cannot change");

    for uri in ["/v1/experiments/nope", "/v1/experiments/nope/results"] {
        check(admin(&shop, Method::GET, uri, None).await, StatusCode::NOT_FOUND, "no experiment");
    }
    let gone = admin(&shop, Method::DELETE, "/v1/experiments/nope", None).await;
    check(gone, StatusCode::NOT_FOUND, "no experiment");

    // Admin scope: a read or write key may not see or change experiments.
    for key in [&shop.read, &shop.write] {
        let (status, ..) =
            call(&shop.app, Method::GET, "/v1/experiments", Some(key.as_str()), None).await;
        assert_eq!(status, StatusCode::FORBIDDEN);
        let body = Some(ease_against_popular("sneaky"));
        let (status, ..) =
            call(&shop.app, Method::POST, "/v1/experiments", Some(key.as_str()), body).await;
        assert_eq!(status, StatusCode::FORBIDDEN);
    }
    let (status, ..) = call(&shop.app, Method::GET, "/v1/experiments", None, None).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
}
