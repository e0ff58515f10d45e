//! Shopping analytics over HTTP, in process, on a small generated shop: funnels and their
//! breakdowns, paths, attribution, the marketing report page, bad periods and the admin scope.

mod common;

use axum::body::Body;
use axum::http::{header, Method, Request, StatusCode};
use common::{call, shop_serving, Shop};
use http_body_util::BodyExt;
use serde_json::Value;
use tower::ServiceExt;

/// The generated shop runs 90 days from 2026-08-01.
const PERIOD: &str = "from=2026-09-01&to=2026-10-15";

async fn get(shop: &Shop, uri: &str) -> (StatusCode, Value) {
    let (status, body, _) = call(&shop.app, Method::GET, uri, Some(&shop.admin), None).await;
    (status, body)
}

#[tokio::test]
async fn funnels_break_down_and_paths_and_attribution_answer() {
    let shop = shop_serving(|_| {}, &[]);
    let (status, overall) = get(&shop, &format!("/v1/analytics/funnel?{PERIOD}")).await;
    assert_eq!(status, StatusCode::OK, "{overall}");
    assert_eq!(overall["period"]["from"], "2026-09-01");
    assert_eq!(overall["period"]["to"], "2026-10-15");
    assert_eq!(overall["data"]["first"], "2026-08-01");
    assert!(overall["by"].is_null() && overall["groups"].as_array().is_some_and(Vec::is_empty));
    let steps = overall["overall"]["steps"].as_array().expect("steps");
    let names: Vec<&str> = steps.iter().filter_map(|s| s["step"].as_str()).collect();
    assert_eq!(names, ["view", "cart", "purchase"]);
    let viewed = steps[0]["visits"].as_u64().expect("visits");
    assert!(viewed > 0);
    for by in ["device", "segment", "category"] {
        let (status, body) = get(&shop, &format!("/v1/analytics/funnel?{PERIOD}&by={by}")).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        assert_eq!(body["by"], by);
        let groups = body["groups"].as_array().expect("groups");
        let sum: u64 = groups.iter().filter_map(|g| g["steps"][0]["visits"].as_u64()).sum();
        if by == "category" {
            assert!(sum >= viewed, "a visit may touch several categories");
        } else {
            assert_eq!(sum, viewed, "every visit has one {by}");
        }
    }

    let (status, paths) = get(&shop, &format!("/v1/analytics/paths?{PERIOD}")).await;
    assert_eq!(status, StatusCode::OK, "{paths}");
    let top = &paths["to_purchase"]["top"][0]["path"];
    assert!(top.as_str().is_some_and(|p| p.ends_with("purchase")), "{paths}");
    let end = &paths["to_abandonment"]["top"][0]["path"];
    assert!(end.as_str().is_some_and(|p| p.ends_with("(end)")), "{paths}");

    let (status, a) = get(&shop, &format!("/v1/analytics/attribution?{PERIOD}")).await;
    assert_eq!(status, StatusCode::OK, "{a}");
    assert!(a["recommended_clicks"].as_u64().is_some_and(|c| c > 0), "{a}");
    for key in ["click_share", "attributed_purchases", "attributed_revenue", "revenue_share"] {
        assert!(a.get(key).is_some(), "{key} in {a}");
    }

    // Without days, the period is the 30 days up to the newest event.
    let (status, body) = get(&shop, "/v1/analytics/funnel").await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["period"]["to"], body["data"]["last"]);
}

#[tokio::test]
async fn the_marketing_report_is_a_self_contained_page() {
    let shop = shop_serving(|_| {}, &[]);
    let request = Request::builder()
        .uri(format!("/v1/reports/marketing?{PERIOD}"))
        .header(header::AUTHORIZATION, format!("Bearer {}", shop.admin))
        .body(Body::empty())
        .expect("request");
    let response = shop.app.clone().oneshot(request).await.expect("response");
    assert_eq!(response.status(), StatusCode::OK);
    let headers = response.headers();
    assert_eq!(headers[header::CONTENT_TYPE], "text/html; charset=utf-8");
    assert!(headers[header::CONTENT_SECURITY_POLICY].to_str().is_ok_and(|c| c.contains("'none'")));
    let disposition = headers[header::CONTENT_DISPOSITION].to_str().expect("ascii");
    assert!(disposition.contains("marketing-report-2026-09-01-to-2026-10-15.html"));
    let body = response.into_body().collect().await.expect("body").to_bytes();
    let page = String::from_utf8(body.to_vec()).expect("utf-8");
    assert!(page.starts_with("<!DOCTYPE html>"), "{}", &page[..100.min(page.len())]);
    assert!(page.contains("<svg") && page.contains("Segment movement"));
    assert!(!page.contains("<script"));
}

#[tokio::test]
async fn bad_periods_and_other_scopes_are_refused_clearly() {
    let shop = shop_serving(|_| {}, &[]);
    let check = |uri: &'static str, expected: &'static str| {
        let shop = &shop;
        async move {
            let (status, body) = get(shop, uri).await;
            assert_eq!(status, StatusCode::BAD_REQUEST, "{uri}: {body}");
            let detail = body["detail"].as_str().unwrap_or_default();
            assert!(detail.contains(expected), "{uri}: {detail}");
        }
    };
    check("/v1/analytics/funnel?from=2026-10-01&to=2026-09-01", "put the earlier day first").await;
    check("/v1/analytics/paths?from=2030-01-01&to=2030-01-31", "run from 2026-08-01 to 2026-")
        .await;
    check("/v1/reports/marketing?from=1999-01-01&to=1999-12-31", "run from 2026-08-01").await;
    check("/v1/analytics/attribution?from=01/09/2026", "write a day as YYYY-MM-DD").await;
    check("/v1/analytics/funnel?by=country", "use segment, category or device").await;
    let (status, ..) =
        call(&shop.app, Method::GET, "/v1/analytics/funnel", Some(&shop.read), None).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "analytics read every shopper: admin scope");
    let (status, ..) = call(&shop.app, Method::GET, "/v1/reports/marketing", None, None).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
}
