//! Shopper profiles over HTTP, in process, on a small generated shop: the
//! `GET /v1/users/{id}/profile` contract (propensity and churn risk), a shopper with no events,
//! next-basket items, segment exports aimed by propensity or churn risk, and the admin scope.

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
    assert!(body["embedding"].is_null(), "no model serves, no vector: {body}");
    // The busiest shopper bought: a churn risk, or the reason the shop has no churn model.
    let churn = &body["churn_detail"];
    assert_eq!(churn["horizon_days"], 60, "{body}");
    match body["churn_risk"].as_f64() {
        Some(risk) => {
            assert!((0.0..=1.0).contains(&risk), "{body}");
            assert!(churn["reasons"].as_array().is_some_and(|r| !r.is_empty()), "{body}");
        }
        None => assert!(churn["unavailable"].as_str().is_some_and(|u| !u.is_empty()), "{body}"),
    }

    let uri = format!("/v1/users/{user}/next-basket?k=3");
    let (status, body, _) = call(&shop.app, Method::GET, &uri, Some(&shop.admin), None).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["user_id"], user.as_str());
    let items = body["items"].as_array().expect("items");
    assert!(!items.is_empty() && items.len() <= 3, "{body}");
    let scores: Vec<f64> = items.iter().filter_map(|i| i["score"].as_f64()).collect();
    assert_eq!(scores.len(), items.len(), "{body}");
    assert!(scores.windows(2).all(|w| w[0] >= w[1]), "likeliest first: {body}");
    assert!(items.iter().all(|i| i["item_id"].is_string() && i["reason"].is_string()), "{body}");
    assert!(
        items.iter().any(|i| i["reason"].as_str().is_some_and(|r| r.starts_with("bought in"))),
        "the busiest buyer's own repeats come first: {body}"
    );
}

#[tokio::test]
async fn next_basket_answers_popular_items_to_a_new_shopper_and_refuses_bad_requests() {
    let shop = shop_serving(|_| {}, &[]);
    let admin = Some(shop.admin.as_str());
    let body = json!({"id": "new-one"});
    let (status, ..) = call(&shop.app, Method::PUT, "/v1/users/new-one", admin, Some(body)).await;
    assert_eq!(status, StatusCode::OK);
    let (status, body, _) =
        call(&shop.app, Method::GET, "/v1/users/new-one/next-basket", admin, None).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let items = body["items"].as_array().expect("items");
    assert_eq!(items.len(), 10, "the default k: {body}");
    assert!(items.iter().all(|i| i["reason"] == "popular in the shop"), "{body}");
    let (status, body) = profile(&shop, "new-one").await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert!(body["churn_risk"].is_null(), "{body}");
    let why = body["churn_detail"]["unavailable"].as_str().unwrap_or_default();
    assert!(why.contains("never bought"), "a shopper who never bought has no churn risk: {body}");

    for (uri, expected, says) in [
        ("/v1/users/new-one/next-basket?k=0", StatusCode::BAD_REQUEST, "1 to 1000"),
        ("/v1/users/new-one/next-basket?k=1001", StatusCode::BAD_REQUEST, "1 to 1000"),
        ("/v1/users/new-one/next-basket?k=ten", StatusCode::BAD_REQUEST, "k"),
        ("/v1/users/nobody-here/next-basket", StatusCode::NOT_FOUND, "no user nobody-here"),
        ("/v1/users/%20bad/next-basket", StatusCode::BAD_REQUEST, "id"),
    ] {
        let (status, body, _) = call(&shop.app, Method::GET, uri, admin, None).await;
        assert_eq!(status, expected, "{uri}: {body}");
        let detail = body["detail"].as_str().unwrap_or_default();
        assert!(detail.contains(says), "{uri}: {body}");
    }
    let uri = "/v1/users/new-one/next-basket";
    let (status, ..) = call(&shop.app, Method::GET, uri, Some(&shop.read), None).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "next baskets are personal data: admin scope");
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

#[tokio::test]
async fn segments_sum_to_the_shop_and_a_segment_exports_as_csv() {
    let shop = shop_serving(|_| {}, &[]);
    let admin = Some(shop.admin.as_str());
    let (status, body, _) = call(&shop.app, Method::GET, "/v1/segments?k=4", admin, None).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let shoppers = body["shoppers"].as_u64().expect("shoppers");
    let rfm = body["rfm"].as_array().expect("rfm");
    assert_eq!(rfm.len(), 12, "every segment listed");
    let counted: u64 = rfm.iter().filter_map(|s| s["shoppers"].as_u64()).sum();
    assert_eq!(counted, shoppers, "every shopper in exactly one segment");
    let revenue: f64 = rfm.iter().filter_map(|s| s["revenue_share"].as_f64()).sum();
    assert!((revenue - 1.0).abs() < 0.01, "{revenue}");
    let clusters = body["clusters"]["clusters"].as_array().expect("clusters");
    assert_eq!(clusters.len(), 4);
    let sizes: Vec<u64> = clusters.iter().filter_map(|c| c["shoppers"].as_u64()).collect();
    assert!(sizes.windows(2).all(|w| w[0] >= w[1]), "largest first: {sizes:?}");

    let biggest = rfm
        .iter()
        .filter(|s| s["segment"] != "prospects")
        .max_by_key(|s| s["shoppers"].as_u64())
        .expect("a segment");
    let name = biggest["segment"].as_str().expect("name");
    let uri = format!("/v1/segments/{name}/users");
    let request = axum::http::Request::builder()
        .uri(&uri)
        .header("authorization", format!("Bearer {}", shop.admin))
        .body(axum::body::Body::empty())
        .expect("request");
    let (status, bytes, kind) = common::raw(&shop.app, request).await;
    assert_eq!(status, StatusCode::OK);
    assert!(kind.starts_with("text/csv"), "{kind}");
    let csv = String::from_utf8(bytes).expect("utf-8");
    assert!(csv.starts_with("user_id,segment,"), "{csv}");
    assert_eq!(csv.lines().count() as u64, biggest["shoppers"].as_u64().expect("n") + 1);
    assert!(csv.lines().skip(1).all(|l| l.split(',').nth(1) == Some(name)), "{csv}");

    let uri = "/v1/segments/cluster-0/users?k=4&format=json";
    let (status, body, _) = call(&shop.app, Method::GET, uri, admin, None).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(
        body["users"].as_array().map(Vec::len) as Option<usize>,
        sizes.first().map(|s| *s as usize)
    );

    let uri = "/v1/segments/prospects/users?format=json&min_propensity=0.05&max_propensity=0.9";
    let (status, body, _) = call(&shop.app, Method::GET, uri, admin, None).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let aimed: Vec<f64> = body["users"]
        .as_array()
        .expect("users")
        .iter()
        .map(|u| u["propensity"].as_f64().expect("scored"))
        .collect();
    assert!(aimed.iter().all(|p| (0.05..=0.9).contains(p)), "{aimed:?}");
    assert!(aimed.windows(2).all(|w| w[0] >= w[1]), "likeliest first: {aimed:?}");

    let (_, stats, _) = call(&shop.app, Method::GET, "/v1/segments", admin, None).await;
    let buyers = stats["rfm"]
        .as_array()
        .and_then(|r| {
            r.iter().filter(|s| s["segment"] != "prospects").max_by_key(|s| s["shoppers"].as_u64())
        })
        .and_then(|s| s["segment"].as_str())
        .expect("a buyers' segment")
        .to_string();
    let uri = format!("/v1/segments/{buyers}/users?format=json&min_churn_risk=0.1");
    let (status, body, _) = call(&shop.app, Method::GET, &uri, admin, None).await;
    if status == StatusCode::OK {
        let risks: Vec<f64> = body["users"]
            .as_array()
            .expect("users")
            .iter()
            .map(|u| u["churn_risk"].as_f64().expect("scored"))
            .collect();
        assert!(risks.iter().all(|r| *r >= 0.1), "{risks:?}");
        assert!(risks.windows(2).all(|w| w[0] >= w[1]), "likeliest to lapse first: {risks:?}");
    } else {
        assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
        assert!(body["detail"].as_str().is_some_and(|d| d.contains("no churn model")), "{body}");
    }

    for (uri, expected) in [
        ("/v1/segments/champions/users?min_churn_risk=1.5", StatusCode::BAD_REQUEST),
        (
            "/v1/segments/prospects/users?min_propensity=0.8&max_propensity=0.2",
            StatusCode::BAD_REQUEST,
        ),
        ("/v1/segments/prospects/users?max_propensity=2", StatusCode::BAD_REQUEST),
        ("/v1/segments?k=1", StatusCode::BAD_REQUEST),
        ("/v1/segments?k=21", StatusCode::BAD_REQUEST),
        ("/v1/segments/vip/users", StatusCode::NOT_FOUND),
        ("/v1/segments/cluster-4/users?k=4", StatusCode::NOT_FOUND),
        ("/v1/segments/champions/users?format=xml", StatusCode::BAD_REQUEST),
    ] {
        let (status, body, _) = call(&shop.app, Method::GET, uri, admin, None).await;
        assert_eq!(status, expected, "{uri}: {body}");
    }
}

#[tokio::test]
async fn demand_forecasts_cover_the_top_categories_and_refuse_what_the_data_cannot_answer() {
    let shop = shop_serving(|_| {}, &[]);
    let admin = Some(shop.admin.as_str());
    let uri = "/v1/forecasts/demand?horizon=3&top=4";
    let (status, body, _) = call(&shop.app, Method::GET, uri, admin, None).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!((body["period"].as_str(), body["by"].as_str()), (Some("week"), Some("category")));
    let series = body["series"].as_array().expect("series");
    assert!(!series.is_empty() && series.len() <= 4, "{body}");
    let totals: Vec<f64> = series.iter().filter_map(|s| s["total_units"].as_f64()).collect();
    assert!(totals.windows(2).all(|w| w[0] >= w[1]), "most units first: {totals:?}");
    for s in series {
        let forecast = s["forecast"].as_array().expect("forecast");
        assert_eq!(forecast.len(), 3);
        assert!(forecast.iter().all(|p| p["units"].as_f64().is_some_and(|u| u >= 0.0)), "{s}");
        assert_eq!(forecast[0]["start"], body["forecast_from"]);
        assert!(s["model"].as_str().is_some_and(|m| !m.is_empty()));
    }
    // 90 days of generated sales are about 12 whole weeks: too few for 20 weeks ahead.
    for (uri, expected) in [
        ("/v1/forecasts/demand?horizon=20", StatusCode::BAD_REQUEST),
        ("/v1/forecasts/demand?horizon=0", StatusCode::BAD_REQUEST),
        ("/v1/forecasts/demand?by=brand", StatusCode::BAD_REQUEST),
        ("/v1/forecasts/demand?period=month", StatusCode::BAD_REQUEST),
        ("/v1/forecasts/demand?top=0", StatusCode::BAD_REQUEST),
    ] {
        let (status, body, _) = call(&shop.app, Method::GET, uri, admin, None).await;
        assert_eq!(status, expected, "{uri}: {body}");
        assert!(body["detail"].as_str().is_some_and(|d| !d.is_empty()), "{body}");
    }
    let uri = "/v1/forecasts/demand?period=day&by=item&horizon=7&top=2";
    let (status, body, _) = call(&shop.app, Method::GET, uri, admin, None).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["series"][0]["forecast"].as_array().map(Vec::len), Some(7));
}

#[tokio::test]
async fn a_factor_models_shopper_vector_is_in_the_profile() {
    let shop = shop_serving(|c| c.server.model = "als".into(), &["als"]);
    let uri = "/v1/admin/users?limit=50";
    let (_, page, _) = call(&shop.app, Method::GET, uri, Some(&shop.admin), None).await;
    let busiest = page["users"]
        .as_array()
        .and_then(|users| users.iter().max_by_key(|u| u["events"].as_u64()))
        .expect("users");
    let (status, body) = profile(&shop, busiest["id"].as_str().expect("id")).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let embedding = &body["embedding"];
    assert_eq!(embedding["model"], "als", "{body}");
    let vector = embedding["vector"].as_array().expect("a vector");
    assert!(vector.len() >= 8, "{embedding}");
    assert!(vector.iter().any(|v| v.as_f64().is_some_and(|x| x != 0.0)), "{embedding}");

    let (_, quiet, _) = call(
        &shop.app,
        Method::PUT,
        "/v1/users/quiet-two",
        Some(&shop.admin),
        Some(json!({"id": "quiet-two"})),
    )
    .await;
    assert!(quiet.is_object());
    let (_, body) = profile(&shop, "quiet-two").await;
    assert!(body["embedding"].is_null(), "nothing to place a shopper without history: {body}");
}
