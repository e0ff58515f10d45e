//! The HTTP API end to end, in process: a small generated demo shop, trained models, keys of
//! each scope, and requests through the whole router (auth, extractors, handlers, problems).

mod common;

use aisle_engine::Config;
use axum::body::Body;
use axum::http::{header, Method, Request, StatusCode};
use common::{call, ids, raw, send, shop, shop_serving};
use serde_json::{json, Value};

#[tokio::test]
async fn keys_and_scopes_guard_every_v1_route() {
    let shop = shop();
    let feed = "/v1/users/u-000001/recommendations";
    let (status, body, kind) = call(&shop.app, Method::GET, feed, None, None).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert_eq!(kind, "application/problem+json");
    assert!(body["detail"].as_str().unwrap_or("").contains("Bearer"), "{body}");
    let (status, ..) =
        call(&shop.app, Method::GET, feed, Some("aisle_00000000_forged"), None).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert_eq!(call(&shop.app, Method::GET, feed, Some(&shop.read), None).await.0, StatusCode::OK);
    assert_eq!(
        call(&shop.app, Method::GET, feed, Some(&shop.write), None).await.0,
        StatusCode::FORBIDDEN
    );
    assert_eq!(call(&shop.app, Method::GET, feed, Some(&shop.admin), None).await.0, StatusCode::OK);
    let event = json!({"user_id": "u-000001", "item_id": "i-000001", "kind": "view", "timestamp": "2024-01-01T00:00:00Z"});
    assert_eq!(
        call(&shop.app, Method::POST, "/v1/events", Some(&shop.read), Some(event.clone())).await.0,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        call(&shop.app, Method::POST, "/v1/events", Some(&shop.write), Some(event)).await.0,
        StatusCode::OK
    );
    assert_eq!(
        call(&shop.app, Method::GET, "/v1/items/i-000001", Some(&shop.write), None).await.0,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        call(&shop.app, Method::GET, "/v1/items/i-000001", Some(&shop.admin), None).await.0,
        StatusCode::OK
    );
    // Health, metrics and the API description need no key.
    assert_eq!(call(&shop.app, Method::GET, "/health/live", None, None).await.0, StatusCode::OK);
    let (status, health, _) = call(&shop.app, Method::GET, "/health/ready", None, None).await;
    assert_eq!(status, StatusCode::OK, "{health}");
    let (status, doc, _) = call(&shop.app, Method::GET, "/v1/openapi.json", None, None).await;
    assert_eq!(status, StatusCode::OK);
    assert!(doc["openapi"].as_str().unwrap_or("").starts_with("3.1"), "{}", doc["openapi"]);
    assert!(doc["paths"]["/v1/users/{id}/recommendations"]["get"].is_object());
}

#[tokio::test]
async fn an_event_changes_the_next_feed_without_retraining() {
    let shop = shop();
    let feed = "/v1/users/u-000002/recommendations?n=10&explain=true";
    let (status, before, _) = call(&shop.app, Method::GET, feed, Some(&shop.read), None).await;
    assert_eq!(status, StatusCode::OK, "{before}");
    assert_eq!(before["model"], "ease");
    assert_eq!(before["model_version"], 1);
    let first = ids(&before);
    assert_eq!(first.len(), 10);
    assert!(before["items"][0]["reasons"].as_array().is_some_and(|r| !r.is_empty()), "{before}");
    // The shopper buys the top three recommendations.
    let events: Vec<Value> = first[..3]
        .iter()
        .enumerate()
        .map(|(k, item)| json!({"event_id": format!("live-{k}"), "user_id": "u-000002", "item_id": item, "kind": "purchase", "timestamp": "2030-01-01T00:00:00Z"}))
        .collect();
    let (status, report, _) = call(
        &shop.app,
        Method::POST,
        "/v1/events",
        Some(&shop.write),
        Some(json!({"events": events.clone()})),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{report}");
    assert_eq!(report["accepted"], 3);
    let (_, after, _) = call(&shop.app, Method::GET, feed, Some(&shop.read), None).await;
    let second = ids(&after);
    assert_ne!(first, second, "the feed must change at once");
    assert!(
        first[..3].iter().all(|bought| !second.contains(bought)),
        "bought items are seen: {second:?}"
    );
    // A retry stores nothing twice.
    let (_, retry, _) = call(
        &shop.app,
        Method::POST,
        "/v1/events",
        Some(&shop.write),
        Some(json!({"events": events})),
    )
    .await;
    assert_eq!((retry["accepted"].as_u64(), retry["duplicates"].as_u64()), (Some(0), Some(3)));
    // An anonymous session gets trending items first, then its own.
    let session = "/v1/sessions/s-live/recommendations?n=5";
    let (_, cold, _) = call(&shop.app, Method::GET, session, Some(&shop.read), None).await;
    assert_eq!(cold["model"], "trending");
    let view = json!({"session_id": "s-live", "item_id": first[0], "kind": "view", "timestamp": "2030-01-01T00:00:00Z"});
    call(&shop.app, Method::POST, "/v1/events", Some(&shop.write), Some(view)).await;
    let (_, warm, _) = call(&shop.app, Method::GET, session, Some(&shop.read), None).await;
    assert_eq!(warm["model"], "ease", "{warm}");
}

#[tokio::test]
async fn a_batch_reports_each_bad_event_and_keeps_the_good_ones() {
    let shop = shop();
    let batch = json!({"events": [
        {"user_id": "u-000003", "item_id": "i-000004", "kind": "view", "timestamp": "2030-01-01T00:00:00Z"},
        {"user_id": "u-000003", "item_id": "i-000004", "kind": "teleport", "timestamp": "2030-01-01T00:00:00Z"},
        "not an object",
        {"item_id": "i-000004", "kind": "view", "timestamp": "2030-01-01T00:00:00Z"},
        {"user_id": "u-000003", "item_id": "i-000005", "kind": "cart", "timestamp": "2030-01-01T00:00:01Z"}
    ]});
    let (status, report, _) =
        call(&shop.app, Method::POST, "/v1/events", Some(&shop.write), Some(batch)).await;
    assert_eq!(status, StatusCode::OK, "{report}");
    assert_eq!(report["accepted"], 2);
    let errors = report["errors"].as_array().expect("errors");
    let indexes: Vec<u64> = errors.iter().filter_map(|e| e["index"].as_u64()).collect();
    assert_eq!(indexes, vec![1, 2, 3]);
    assert_eq!(errors[0]["field"], "kind");
    let (status, problem, kind) = call(
        &shop.app,
        Method::POST,
        "/v1/events",
        Some(&shop.write),
        Some(json!({"events": ["x"]})),
    )
    .await;
    assert_eq!((status, kind.as_str()), (StatusCode::BAD_REQUEST, "application/problem+json"));
    assert!(problem["errors"].is_array());
}

#[tokio::test]
async fn malformed_requests_get_problems_not_server_errors() {
    let shop = shop();
    let key = Some(shop.admin.as_str());
    let feed = "/v1/users/u-000001/recommendations";
    for (uri, expected) in [
        (format!("{feed}?n=0"), StatusCode::BAD_REQUEST),
        (format!("{feed}?n=abc"), StatusCode::BAD_REQUEST),
        (format!("{feed}?n=10&offset=995"), StatusCode::BAD_REQUEST),
        ("/v1/users/%20/recommendations".to_string(), StatusCode::BAD_REQUEST),
        ("/v1/items?cursor=zz".to_string(), StatusCode::BAD_REQUEST),
        ("/v1/items/no-such-item".to_string(), StatusCode::NOT_FOUND),
        ("/v1/nowhere".to_string(), StatusCode::NOT_FOUND),
    ] {
        let (status, body, kind) = call(&shop.app, Method::GET, &uri, key, None).await;
        assert_eq!(status, expected, "{uri}: {body}");
        assert_eq!(kind, "application/problem+json", "{uri}");
        assert!(body["detail"].as_str().is_some_and(|d| !d.is_empty()), "{uri}: {body}");
    }
    let posted = |body: &'static str, kind: &'static str| {
        Request::builder()
            .method(Method::POST)
            .uri("/v1/events")
            .header(header::AUTHORIZATION, format!("Bearer {}", shop.admin))
            .header(header::CONTENT_TYPE, kind)
            .body(Body::from(body))
            .expect("request")
    };
    assert_eq!(
        send(&shop.app, posted("{not json", "application/json")).await.0,
        StatusCode::BAD_REQUEST
    );
    assert_eq!(
        send(&shop.app, posted("{}", "text/plain")).await.0,
        StatusCode::UNSUPPORTED_MEDIA_TYPE
    );
    assert_eq!(
        send(&shop.app, posted("[1, 2]", "application/json")).await.0,
        StatusCode::BAD_REQUEST
    );
    let huge = Request::builder()
        .method(Method::POST)
        .uri("/v1/events")
        .header(header::AUTHORIZATION, format!("Bearer {}", shop.admin))
        .header(header::CONTENT_TYPE, "application/json")
        .body(Body::from(vec![b' '; 9 * 1024 * 1024]))
        .expect("request");
    assert_eq!(send(&shop.app, huge).await.0, StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(
        call(&shop.app, Method::DELETE, "/v1/events", key, None).await.0,
        StatusCode::METHOD_NOT_ALLOWED
    );
}

#[tokio::test]
async fn catalog_writes_reads_pages_and_hides() {
    let shop = shop();
    let key = Some(shop.admin.as_str());
    let item = json!({"title": "Trail shoe", "brand": "Peak", "price": 89.5, "categories": ["Shoes", "Trail"]});
    let (status, written, _) =
        call(&shop.app, Method::PUT, "/v1/items/new-1", key, Some(item)).await;
    assert_eq!(status, StatusCode::OK, "{written}");
    assert_eq!(written["inserted"], 1);
    let (_, got, _) = call(&shop.app, Method::GET, "/v1/items/new-1", key, None).await;
    assert_eq!(got["title"], "Trail shoe");
    let (status, ..) =
        call(&shop.app, Method::PUT, "/v1/items/new-1", key, Some(json!({"id": "other"}))).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    let (_, page, _) = call(&shop.app, Method::GET, "/v1/items?limit=7", key, None).await;
    assert_eq!(page["items"].as_array().map(Vec::len), Some(7));
    let cursor = page["next_cursor"].as_str().expect("cursor").to_string();
    let (_, next, _) =
        call(&shop.app, Method::GET, &format!("/v1/items?limit=7&cursor={cursor}"), key, None)
            .await;
    assert_ne!(ids(&page), ids(&next));
    let (_, popular, _) = call(&shop.app, Method::GET, "/v1/popular?n=3", key, None).await;
    let top = ids(&popular)[0].clone();
    let (status, ..) =
        call(&shop.app, Method::POST, &format!("/v1/items/{top}/hide"), key, None).await;
    assert_eq!(status, StatusCode::OK);
    let (_, popular, _) = call(&shop.app, Method::GET, "/v1/popular?n=3", key, None).await;
    assert!(!ids(&popular).contains(&top), "a hidden item is never recommended");
    let (status, batch, _) = call(
        &shop.app,
        Method::POST,
        "/v1/users/batch",
        key,
        Some(json!({"users": [{"id": "new-user"}, {"id": ""}]})),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{batch}");
    assert_eq!(batch["errors"][0]["index"], 1);
}

#[tokio::test]
async fn similar_items_rerank_and_filters() {
    let shop = shop();
    let key = Some(shop.read.as_str());
    let (_, popular, _) = call(&shop.app, Method::GET, "/v1/popular?n=1", key, None).await;
    let anchor = ids(&popular)[0].clone();
    let uri = format!("/v1/items/{anchor}/similar?n=5");
    let (_, similar, _) = call(&shop.app, Method::GET, &uri, key, None).await;
    assert_eq!(similar["model"], "item-knn", "{similar}");
    assert_eq!(ids(&similar).len(), 5);
    assert!(!ids(&similar).contains(&anchor));
    let uri = format!("/v1/items/{anchor}/bought-together?n=3&explain=true");
    let (status, together, _) = call(&shop.app, Method::GET, &uri, key, None).await;
    assert_eq!(status, StatusCode::OK, "{together}");
    assert_eq!(together["model"], "rules", "{together}");
    assert!(!ids(&together).contains(&anchor));
    let (_, feed, _) =
        call(&shop.app, Method::GET, "/v1/users/u-000001/recommendations?n=20", key, None).await;
    let mut list = ids(&feed);
    list.reverse();
    list.push("never-heard-of".into());
    let (status, ranked, _) = call(
        &shop.app,
        Method::POST,
        "/v1/users/u-000001/rerank",
        key,
        Some(json!({"items": list})),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{ranked}");
    let order = ids(&ranked);
    assert_eq!(order[..20], ids(&feed)[..], "the model's own order comes back");
    assert_eq!(order[20], "never-heard-of");
    let (_, diverse, _) = call(
        &shop.app,
        Method::GET,
        "/v1/users/u-000001/recommendations?n=10&max_per_category=1",
        key,
        None,
    )
    .await;
    assert_eq!(ids(&diverse).len(), 10);
    let (_, page2, _) = call(
        &shop.app,
        Method::GET,
        "/v1/users/u-000001/recommendations?n=10&offset=10",
        key,
        None,
    )
    .await;
    assert_eq!(ids(&page2)[..], ids(&feed)[10..20]);
}

/// Values that have broken servers before: empty, huge, control and non-ASCII characters,
/// path tricks, numbers out of range, wrong JSON types.
const NASTY_TEXT: [&str; 12] = [
    "",
    "0",
    "-1",
    "99999999999999999999",
    "abc",
    "%00",
    "..%2F..",
    "%E2%80%AE",
    "a%20b",
    "true",
    "null",
    "%F0%9F%98%80",
];

fn nasty_bodies() -> Vec<Value> {
    vec![
        Value::Null,
        json!([]),
        json!({}),
        json!(""),
        json!(1e308),
        json!({"items": "x", "users": 1, "events": {}, "models": [1]}),
        json!({"items": [null, 1, {"id": []}], "users": [{"id": {"a": 1}}]}),
        json!({"events": [{"user_id": "u", "kind": "view", "timestamp": "yesterday"}]}),
        json!({"id": "x".repeat(10_000), "title": 5, "price": -1, "categories": [[]]}),
        json!({"user_id": "\u{0}", "item_id": "i", "kind": "rating", "value": "NaN", "timestamp": 1}),
    ]
}

/// Every operation of the OpenAPI document, with nasty path parameters, query values and
/// bodies: the answer may be any 4xx, never a 5xx, and every error is a problem document.
#[tokio::test]
async fn no_request_generated_from_the_openapi_document_gets_a_server_error() {
    let shop = shop();
    let (_, doc, _) = call(&shop.app, Method::GET, "/v1/openapi.json", None, None).await;
    let paths = doc["paths"].as_object().expect("paths").clone();
    let mut seed = 0x2545_f491_4f6c_dd1du64;
    let mut next = move |n: usize| {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        (seed % n as u64) as usize
    };
    let bodies = nasty_bodies();
    let mut calls = 0;
    for (template, operations) in &paths {
        for (method, operation) in operations.as_object().into_iter().flatten() {
            let method: Method = method.to_uppercase().parse().expect("method");
            let params: Vec<(String, String)> = operation["parameters"]
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(|p| {
                    Some((p["name"].as_str()?.to_string(), p["in"].as_str()?.to_string()))
                })
                .collect();
            for _ in 0..12 {
                let mut uri = template.clone();
                let mut query = Vec::new();
                for (name, place) in &params {
                    let value = NASTY_TEXT[next(NASTY_TEXT.len())];
                    if place == "path" {
                        let value = if value.is_empty() { "x" } else { value };
                        uri = uri.replace(&format!("{{{name}}}"), value);
                    } else if next(2) == 0 {
                        query.push(format!("{name}={value}"));
                    }
                }
                if !query.is_empty() {
                    uri = format!("{uri}?{}", query.join("&"));
                }
                let body = (method != Method::GET).then(|| bodies[next(bodies.len())].clone());
                let (status, answer, kind) =
                    call(&shop.app, method.clone(), &uri, Some(&shop.admin), body).await;
                calls += 1;
                assert!(!status.is_server_error(), "{method} {uri}: {status} {answer}");
                if status.is_client_error() {
                    assert_eq!(kind, "application/problem+json", "{method} {uri}: {answer}");
                }
            }
        }
    }
    assert!(calls > 200, "only {calls} requests were generated");
}

#[tokio::test]
async fn merchandising_boosts_buries_and_pins() {
    let shop = shop();
    let (admin, read) = (Some(shop.admin.as_str()), Some(shop.read.as_str()));
    let (_, popular, _) = call(&shop.app, Method::GET, "/v1/popular?n=10", read, None).await;
    let list = ids(&popular);
    let last = list[9].clone();
    let (_, item, _) =
        call(&shop.app, Method::GET, &format!("/v1/items/{last}"), admin, None).await;
    let brand = item["brand"].as_str().expect("the demo shop's items have brands").to_string();
    let rules = json!({"rules": [{"when": {"brand": brand}, "factor": 100.0}], "pins": []});
    let (status, saved, _) =
        call(&shop.app, Method::PUT, "/v1/admin/merchandising", admin, Some(rules)).await;
    assert_eq!(status, StatusCode::OK, "{saved}");
    let (_, boosted, _) =
        call(&shop.app, Method::GET, "/v1/popular?n=10&explain=true", read, None).await;
    let top = ids(&boosted)[0].clone();
    let (_, top_item, _) =
        call(&shop.app, Method::GET, &format!("/v1/items/{top}"), admin, None).await;
    assert_eq!(top_item["brand"], brand.as_str(), "{boosted}");
    assert!(boosted["items"][0]["reasons"].to_string().contains("boosted"), "{boosted}");
    let (_, plain, _) =
        call(&shop.app, Method::GET, "/v1/popular?n=10&rules=false", read, None).await;
    assert_eq!(ids(&plain), list, "rules=false answers as before");
    let pins = json!({"pins": [{"items": [last.clone()], "share": 0.1}]});
    call(&shop.app, Method::PUT, "/v1/admin/merchandising", admin, Some(pins)).await;
    let (_, pinned, _) =
        call(&shop.app, Method::GET, "/v1/popular?n=10&explain=true", read, None).await;
    assert_eq!(ids(&pinned)[0], last);
    assert_eq!(pinned["items"][0]["reasons"][0], "promoted by the shop");
    assert_eq!(ids(&pinned).len(), 10);
    let bad = json!({"rules": [{"when": {"min_price": 9, "max_price": 1}, "factor": 2.0}]});
    let (status, problem, _) =
        call(&shop.app, Method::PUT, "/v1/admin/merchandising", admin, Some(bad)).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(problem["detail"].as_str().unwrap_or("").contains("rules[0].when"), "{problem}");
}

#[tokio::test]
async fn erasing_a_shopper_and_deleting_an_item() {
    let shop = shop();
    let (admin, read) = (Some(shop.admin.as_str()), Some(shop.read.as_str()));
    let feed = "/v1/users/u-000001/recommendations?n=5";
    let (_, before, _) = call(&shop.app, Method::GET, feed, read, None).await;
    assert_eq!(before["model"], "ease");
    let (status, erased, _) =
        call(&shop.app, Method::DELETE, "/v1/users/u-000001", admin, None).await;
    assert_eq!(status, StatusCode::OK, "{erased}");
    assert!(erased["events"].as_u64().is_some_and(|n| n > 0), "{erased}");
    assert_eq!(
        call(&shop.app, Method::GET, "/v1/users/u-000001", admin, None).await.0,
        StatusCode::NOT_FOUND
    );
    let (_, after, _) = call(&shop.app, Method::GET, feed, read, None).await;
    assert_eq!(after["model"], "trending", "nothing of the erased history is used: {after}");
    assert_eq!(
        call(&shop.app, Method::DELETE, "/v1/users/u-000001", admin, None).await.0,
        StatusCode::NOT_FOUND
    );

    let (_, popular, _) = call(&shop.app, Method::GET, "/v1/popular?n=3", read, None).await;
    let top = ids(&popular)[0].clone();
    let uri = format!("/v1/items/{top}");
    assert_eq!(call(&shop.app, Method::DELETE, &uri, admin, None).await.0, StatusCode::NO_CONTENT);
    assert_eq!(call(&shop.app, Method::GET, &uri, admin, None).await.0, StatusCode::NOT_FOUND);
    let (_, popular, _) = call(&shop.app, Method::GET, "/v1/popular?n=3", read, None).await;
    assert!(!ids(&popular).contains(&top));
    assert_eq!(ids(&popular).len(), 3);
    assert_eq!(call(&shop.app, Method::DELETE, &uri, admin, None).await.0, StatusCode::NOT_FOUND);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_event_requests_share_commits_and_each_learns_its_own_duplicates() {
    let shop = shop();
    let event = |id: String| {
        json!({"event_id": id, "user_id": "u-000003", "item_id": "sku-000001", "kind": "view",
               "timestamp": "2030-01-01T00:00:00Z"})
    };
    let requests = (0..40).map(|k| {
        let body = json!({"events": [event(format!("c-{k}")), event("same".into())]});
        let app = shop.app.clone();
        let key = shop.write.clone();
        tokio::spawn(
            async move { call(&app, Method::POST, "/v1/events", Some(&key), Some(body)).await },
        )
    });
    let mut accepted = 0;
    let mut duplicates = 0;
    for request in requests.collect::<Vec<_>>() {
        let (status, report, _) = request.await.expect("request");
        assert_eq!(status, StatusCode::OK, "{report}");
        let (a, d) =
            (report["accepted"].as_u64().unwrap_or(0), report["duplicates"].as_u64().unwrap_or(0));
        assert!(
            a == 1 || a == 2,
            "each request stores its own event and maybe the shared one: {report}"
        );
        assert_eq!(a + d, 2);
        accepted += a;
        duplicates += d;
    }
    assert_eq!((accepted, duplicates), (41, 39), "the shared event is stored exactly once");
}

#[tokio::test]
async fn a_new_item_gets_similar_items_by_its_catalog_text() {
    let shop = shop();
    let (_, known, _) =
        call(&shop.app, Method::GET, "/v1/items/sku-000001", Some(&shop.admin), None).await;
    let categories = known["categories"].clone();
    let item = json!({"title": known["title"], "brand": known["brand"], "categories": categories});
    let (status, ..) =
        call(&shop.app, Method::PUT, "/v1/items/brand-new", Some(&shop.admin), Some(item)).await;
    assert_eq!(status, StatusCode::OK);
    let similar = "/v1/items/brand-new/similar?n=5&explain=true";
    let (status, answer, _) = call(&shop.app, Method::GET, similar, Some(&shop.read), None).await;
    assert_eq!(status, StatusCode::OK, "{answer}");
    assert_eq!(answer["model"], "content");
    assert_eq!(ids(&answer).first().map(String::as_str), Some("sku-000001"), "{answer}");
    assert!(answer["items"]
        .as_array()
        .is_some_and(|items| items.iter().all(|i| i["score"].as_f64().is_some_and(|s| s > 0.0))));
    assert!(answer["items"][0]["reasons"][0].as_str().unwrap_or("").contains("brand-new"));
    let (status, ..) =
        call(&shop.app, Method::GET, "/v1/items/never-listed/similar", Some(&shop.read), None)
            .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn als_feeds_from_the_item_index_agree_with_scoring_every_item() {
    let with_index = |min_items: usize| {
        move |config: &mut Config| {
            config.server.model = "als".into();
            config.server.ann_min_items = min_items;
            config.server.ann_probes = 4;
        }
    };
    let indexed = shop_serving(with_index(1), &["als"]);
    let exact = shop_serving(with_index(0), &["als"]);
    let (mut agree, mut total) = (0, 0);
    for user in 1..=40 {
        let feed = format!("/v1/users/u-{user:06}/recommendations?n=10");
        let (status, a, _) =
            call(&indexed.app, Method::GET, &feed, Some(&indexed.read), None).await;
        assert_eq!(status, StatusCode::OK, "{a}");
        let (_, b, _) = call(&exact.app, Method::GET, &feed, Some(&exact.read), None).await;
        let (a, b) = (ids(&a), ids(&b));
        assert_eq!(a.len(), b.len(), "the index finds as many items as asked for");
        agree += a.iter().filter(|id| b.contains(id)).count();
        total += b.len();
    }
    assert!(total > 0);
    assert!(agree * 10 >= total * 8, "recall@10 {agree}/{total}");
}

#[tokio::test]
async fn metrics_count_requests_events_and_cache_lookups() {
    let shop = shop();
    let feed = "/v1/users/u-000003/recommendations?n=3";
    for _ in 0..2 {
        let (status, ..) = call(&shop.app, Method::GET, feed, Some(&shop.read), None).await;
        assert_eq!(status, StatusCode::OK);
    }
    let request = Request::builder().uri("/metrics").body(Body::empty()).expect("request");
    let (status, bytes, _) = raw(&shop.app, request).await;
    assert_eq!(status, StatusCode::OK);
    let text = String::from_utf8_lossy(&bytes);
    for expected in [
        "aisle_http_request_duration_seconds_bucket{route=\"/v1/users/{id}/recommendations\"",
        "aisle_cache_lookups_total{cache=\"user_index\",result=\"hit\"}",
        "aisle_model_version{model=\"ease\"}",
    ] {
        assert!(text.contains(expected), "no {expected} in:\n{text}");
    }
}
