//! The demo storefront end to end, in process: its pages and their files, and the keyless
//! `/shop/api` it calls, on a small generated shop with the serving models trained.

mod common;

use std::collections::BTreeSet;

use axum::body::Body;
use axum::http::{header, Method, Request, StatusCode};
use axum::Router;
use common::{call, encode, ids, raw, send, shop, shop_serving};
use serde_json::{json, Value};

async fn get(app: &Router, uri: &str) -> (StatusCode, Value, String) {
    call(app, Method::GET, uri, None, None).await
}

async fn post(app: &Router, uri: &str, body: impl Into<Body>) -> (StatusCode, Value, String) {
    let request = Request::builder()
        .method(Method::POST)
        .uri(uri)
        .header(header::CONTENT_TYPE, "application/json")
        .body(body.into())
        .expect("request");
    send(app, request).await
}

async fn post_events(app: &Router, body: Value) -> (StatusCode, Value, String) {
    post(app, "/shop/api/events", body.to_string()).await
}

/// The shopper with the longest history.
async fn a_shopper(app: &Router) -> String {
    let (status, answer, _) = get(app, "/shop/api/shoppers").await;
    assert_eq!(status, StatusCode::OK, "{answer}");
    answer["shoppers"][0]["id"].as_str().expect("a shopper").to_string()
}

#[tokio::test]
async fn the_pages_and_every_file_they_load_answer_with_their_types() {
    let shop = shop();
    let mut html = String::new();
    for page in
        ["/shop", "/shop/cart", "/shop/item/sku-000001", "/shop/category/a/b", "/shop/search?q=x"]
    {
        let request = Request::builder().uri(page).body(Body::empty()).expect("request");
        let (status, bytes, kind) = raw(&shop.app, request).await;
        assert_eq!(status, StatusCode::OK, "{page}");
        assert_eq!(kind, "text/html; charset=utf-8", "{page}");
        html = String::from_utf8(bytes).expect("utf-8");
    }
    // Every file the page references, and every module those scripts import.
    let mut queue: Vec<String> = html
        .split("/assets/")
        .skip(1)
        .map(|rest| rest.chars().take_while(|c| !matches!(c, '"' | '\'' | '?')).collect())
        .collect();
    let mut loaded = BTreeSet::new();
    while let Some(path) = queue.pop() {
        if !loaded.insert(path.clone()) {
            continue;
        }
        let uri = format!("/assets/{path}");
        let request = Request::builder().uri(&uri).body(Body::empty()).expect("request");
        let (status, bytes, kind) = raw(&shop.app, request).await;
        assert_eq!(status, StatusCode::OK, "{uri}");
        let expected = match path.rsplit('.').next() {
            Some("js") => "text/javascript; charset=utf-8",
            Some("css") => "text/css; charset=utf-8",
            other => panic!("unexpected file type {other:?}: {uri}"),
        };
        assert_eq!(kind, expected, "{uri}");
        if path.ends_with(".js") {
            let text = String::from_utf8(bytes).expect("utf-8");
            let dir = path.rsplit_once('/').map_or("", |(dir, _)| dir);
            for import in text.split(" from \"").skip(1) {
                let target = import.split('"').next().unwrap_or("");
                assert!(target.starts_with('.'), "{uri} imports {target}: only relative modules");
                queue.push(resolve(dir, target));
            }
        }
    }
    for expected in ["shop/shop.js", "shop/i18n.js", "shop/shop.css", "common/base.css"] {
        assert!(loaded.contains(expected), "{expected} is not loaded: {loaded:?}");
    }
}

/// `target` (`./x.js`, `../x.js`) relative to the directory `dir` under /assets.
fn resolve(dir: &str, target: &str) -> String {
    let mut parts: Vec<&str> = dir.split('/').filter(|p| !p.is_empty()).collect();
    for part in target.split('/') {
        match part {
            "." => {}
            ".." => {
                parts.pop();
            }
            name => parts.push(name),
        }
    }
    parts.join("/")
}

#[tokio::test]
async fn every_endpoint_answers_a_shopper_a_session_and_a_first_visit() {
    let shop = shop();
    let (status, answer, _) = get(&shop.app, "/shop/api/shoppers").await;
    assert_eq!(status, StatusCode::OK, "{answer}");
    let shoppers = answer["shoppers"].as_array().expect("shoppers");
    assert!((5..=20).contains(&shoppers.len()), "{answer}");
    let histories: Vec<u64> = shoppers.iter().filter_map(|s| s["history"].as_u64()).collect();
    assert!(histories.windows(2).all(|w| w[0] >= w[1]) && histories[0] > 0, "{histories:?}");
    let user = shoppers[0]["id"].as_str().expect("id").to_string();
    let (_, tree, _) = get(&shop.app, "/shop/api/categories").await;
    let top = tree["categories"][0]["path"].as_str().expect("a category").to_string();
    for who in [format!("user_id={user}"), "session_id=s-fresh".into(), String::new()] {
        let (status, home, kind) = get(&shop.app, &format!("/shop/api/home?{who}")).await;
        assert_eq!((status, kind.as_str()), (StatusCode::OK, "application/json"), "{who}: {home}");
        assert_eq!(ids(&home["recommended"]).len(), 12, "{who}: {home}");
        assert!(!ids(&home["trending"]).is_empty(), "{who}");
        let shelves = [&home["recommended"]["items"], &home["trending"]["items"]];
        let cards = shelves.into_iter().filter_map(Value::as_array).flatten();
        assert!(cards.into_iter().all(|c| c["available"] == true), "only items in stock: {home}");
        let card = &home["recommended"]["items"][0];
        for key in ["id", "title", "categories", "price", "currency", "available", "reason"] {
            assert!(!card[key].is_null(), "{who}: cards carry `{key}`: {card}");
        }
        let expected_kind =
            if who.is_empty() { "nobody" } else { &who[..who.find('_').unwrap_or(0)] };
        assert_eq!(home["browsing"]["kind"], expected_kind, "{home}");
        let item = card["id"].as_str().expect("id").to_string();
        for uri in [
            format!("/shop/api/category?path={}&{who}", encode(&top)),
            format!("/shop/api/items/{item}?{who}"),
            format!("/shop/api/search?q={}&{who}", encode(card["title"].as_str().unwrap_or(""))),
        ] {
            let (status, page, _) = get(&shop.app, &uri).await;
            assert_eq!(status, StatusCode::OK, "{uri}: {page}");
        }
    }
    let (_, home, _) = get(&shop.app, &format!("/shop/api/home?user_id={user}")).await;
    assert_eq!(home["recommended"]["model"], "ease", "{home}");
    assert_eq!(home["browsing"]["history"], histories[0], "{home}");
    let (_, first_visit, _) = get(&shop.app, "/shop/api/home").await;
    assert_eq!(first_visit["recommended"]["model"], "trending");
    assert_eq!(first_visit["recommended"]["items"][0]["reason"]["kind"], "trending");
    let item = ids(&home["recommended"])[0].clone();
    let (_, page, _) = get(&shop.app, &format!("/shop/api/items/{item}?user_id={user}")).await;
    assert!(page["item"]["title"].as_str().is_some_and(|t| !t.is_empty()), "{page}");
    assert_eq!(page["item"]["currency"], "CNY");
    assert_eq!(page["similar"]["model"], "item-knn", "{page}");
    assert!(!ids(&page["similar"]).is_empty() && !ids(&page["similar"]).contains(&item));
    assert_eq!(page["bought_together"]["model"], "rules", "{page}");
    assert_eq!(page["similar"]["items"][0]["reason"]["item_id"], item.as_str());
}

#[tokio::test]
async fn bad_input_gets_a_problem_never_a_server_error() {
    let shop = shop();
    for (uri, expected) in [
        ("/shop/api/home?n=0", StatusCode::BAD_REQUEST),
        ("/shop/api/home?n=abc", StatusCode::BAD_REQUEST),
        ("/shop/api/home?n=101", StatusCode::BAD_REQUEST),
        ("/shop/api/home?user_id=u-000001&session_id=s-1", StatusCode::BAD_REQUEST),
        ("/shop/api/home?user_id=%20", StatusCode::BAD_REQUEST),
        ("/shop/api/home?session_id=", StatusCode::BAD_REQUEST),
        ("/shop/api/category", StatusCode::BAD_REQUEST),
        ("/shop/api/category?path=%20%3E%20", StatusCode::NOT_FOUND),
        ("/shop/api/category?path=Nowhere%20%3E%20Else", StatusCode::NOT_FOUND),
        ("/shop/api/category?path=x&offset=5000", StatusCode::BAD_REQUEST),
        ("/shop/api/items/%20x", StatusCode::BAD_REQUEST),
        ("/shop/api/items/never-listed", StatusCode::NOT_FOUND),
        ("/shop/api/items/sku-000001?n=-1", StatusCode::BAD_REQUEST),
        ("/shop/api/search?q=shoes&sort=cheapest", StatusCode::BAD_REQUEST),
        ("/shop/api/search?q=shoes&n=0", StatusCode::BAD_REQUEST),
        ("/shop/api/nowhere", StatusCode::NOT_FOUND),
        ("/shop/api", StatusCode::NOT_FOUND),
        ("/shop/api/", StatusCode::NOT_FOUND),
        ("/shop/api/events", StatusCode::METHOD_NOT_ALLOWED),
    ] {
        let (status, body, kind) = get(&shop.app, uri).await;
        assert_eq!(status, expected, "{uri}: {body}");
        assert_eq!(kind, "application/problem+json", "{uri}");
        assert!(body["detail"].as_str().is_some_and(|d| !d.is_empty()), "{uri}: {body}");
    }
    let long = format!("/shop/api/search?q={}", "x".repeat(1_001));
    assert_eq!(get(&shop.app, &long).await.0, StatusCode::BAD_REQUEST);
    let event = |extra: Value| {
        let mut event = json!({"user_id": "u-000001", "item_id": "sku-000001", "kind": "view"});
        if let (Some(event), Some(extra)) = (event.as_object_mut(), extra.as_object()) {
            event.extend(extra.clone());
        }
        event
    };
    for (body, field) in [
        (event(json!({"kind": "favorite"})), "kind"),
        (event(json!({"kind": "teleport"})), "kind"),
        (event(json!({"item_id": "never-listed"})), "item_id"),
        (event(json!({"context": {"page": "elsewhere"}})), "context.page"),
        (event(json!({"context": {"referrer": "https://example.com"}})), "context.referrer"),
        (event(json!({"kind": "purchase", "quantity": 0})), "quantity"),
        (event(json!({"kind": "search", "item_id": null})), "query"),
        (json!({"item_id": "sku-000001", "kind": "view"}), "user_id"),
    ] {
        let (status, problem, kind) = post_events(&shop.app, body.clone()).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{body}: {problem}");
        assert_eq!(kind, "application/problem+json");
        assert_eq!(problem["errors"][0]["field"], field, "{body}: {problem}");
    }
    for body in [
        event(json!({"timestamp": "2030-01-01T00:00:00Z"})),
        event(json!({"context": {"colour": "red"}})),
        json!({"events": "x"}),
        json!([1, 2]),
        json!({"events": (0..51).map(|_| event(json!({}))).collect::<Vec<_>>()}),
    ] {
        let (status, problem, _) = post_events(&shop.app, body.clone()).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{body}: {problem}");
    }
    let (status, ..) = post(&shop.app, "/shop/api/events", "{not json").await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    let (status, ..) = post(&shop.app, "/shop/api/events", vec![b' '; 70 * 1024]).await;
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE, "the storefront bounds event bodies");
    // Hostile values in every parameter of every page: any 4xx, never a 5xx.
    let nasty =
        ["", "0", "-1", "99999999999999999999", "%00", "..%2F..", "%E2%80%AE", "%F0%9F%98%80"];
    for value in nasty {
        for uri in [
            format!("/shop/api/home?user_id={value}&n={value}"),
            format!("/shop/api/home?session_id={value}"),
            format!("/shop/api/category?path={value}&offset={value}"),
            format!("/shop/api/items/x{value}?session_id={value}"),
            format!("/shop/api/search?q={value}&n={value}&offset={value}"),
        ] {
            let (status, body, _) = get(&shop.app, &uri).await;
            assert!(!status.is_server_error(), "{uri}: {status} {body}");
        }
    }
}

#[tokio::test]
async fn storefront_events_change_the_shoppers_next_home_page() {
    let shop = shop();
    let user = a_shopper(&shop.app).await;
    let home = format!("/shop/api/home?user_id={user}&n=10");
    let (status, before, _) = get(&shop.app, &home).await;
    assert_eq!(status, StatusCode::OK, "{before}");
    let first = ids(&before["recommended"]);
    let from_home = json!({"referrer": "recommendation", "page": "home", "device": "desktop"});
    let events: Vec<Value> = first[..3]
        .iter()
        .flat_map(|item| {
            ["click", "cart", "purchase"].map(|kind| {
                json!({"event_id": format!("shop-{kind}-{item}"), "user_id": user, "item_id": item,
                       "kind": kind, "quantity": 2, "price": 19.5, "context": from_home})
            })
        })
        .collect();
    let (status, report, _) = post_events(&shop.app, json!({"events": events.clone()})).await;
    assert_eq!(status, StatusCode::OK, "{report}");
    assert_eq!((report["accepted"].as_u64(), report["duplicates"].as_u64()), (Some(9), Some(0)));
    let (_, after, _) = get(&shop.app, &home).await;
    let second = ids(&after["recommended"]);
    assert_ne!(first, second, "the home page must change at once");
    assert!(first[..3].iter().all(|bought| !second.contains(bought)), "{second:?}");
    let (_, retry, _) = post_events(&shop.app, json!({"events": events})).await;
    assert_eq!(retry["duplicates"], 9, "a retry stores nothing twice: {retry}");
    // An anonymous session: trending first, its own feed after one product view.
    let session = "/shop/api/home?session_id=s-shop-test&n=5";
    let (_, cold, _) = get(&shop.app, session).await;
    assert_eq!(cold["recommended"]["model"], "trending");
    let view = json!({"session_id": "s-shop-test", "item_id": first[0], "kind": "view",
                      "context": {"page": "product", "device": "mobile"}});
    assert_eq!(post_events(&shop.app, view).await.0, StatusCode::OK);
    let (_, warm, _) = get(&shop.app, session).await;
    assert_eq!(warm["recommended"]["model"], "ease", "{warm}");
    assert_eq!(warm["browsing"]["history"], 1);
    // A search event needs only the query.
    let search = json!({"session_id": "s-shop-test", "kind": "search", "query": "shirt",
                        "context": {"page": "search"}});
    assert_eq!(post_events(&shop.app, search).await.0, StatusCode::OK);
}

#[tokio::test]
async fn a_category_page_holds_only_its_subtree_and_search_finds_a_title_word() {
    let shop = shop();
    let user = a_shopper(&shop.app).await;
    let (_, tree, _) = get(&shop.app, "/shop/api/categories").await;
    let top = &tree["categories"][0];
    let child = &top["children"][0];
    let path = child["path"].as_str().expect("a subcategory").to_string();
    let wanted: Vec<String> = path.split(" > ").map(str::to_lowercase).collect();
    let uri =
        format!("/shop/api/category?path={}&user_id={user}&n=100", encode(&path.to_uppercase()));
    let (status, page, _) = get(&shop.app, &uri).await;
    assert_eq!(status, StatusCode::OK, "{page}");
    assert_eq!(page["category"]["path"], path.as_str(), "a path is matched case-insensitively");
    assert_eq!(page["parents"][0]["path"], top["path"]);
    let items = page["items"].as_array().expect("items");
    assert!(!items.is_empty());
    assert_eq!(page["total"], child["items"]);
    for item in items {
        let categories: Vec<String> = item["categories"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|c| c.as_str().map(str::to_lowercase))
            .collect();
        assert!(
            categories.starts_with(&wanted),
            "{} is not under {path}: {categories:?}",
            item["id"]
        );
    }
    // Search: the rarest word of an item's title finds it.
    let (_, home, _) = get(&shop.app, "/shop/api/home").await;
    let target = &home["trending"]["items"][0];
    let id = target["id"].as_str().expect("id");
    let mut best: Option<(u64, Value, String)> = None;
    for word in target["title"].as_str().unwrap_or("").split_whitespace() {
        let uri = format!("/shop/api/search?q={}&user_id={user}&n=100", encode(word));
        let (status, found, _) = get(&shop.app, &uri).await;
        assert_eq!(status, StatusCode::OK, "{found}");
        let total = found["total"].as_u64().unwrap_or(0);
        if best.as_ref().is_none_or(|(t, ..)| total < *t) {
            best = Some((total, found, word.to_lowercase()));
        }
    }
    let (total, found, word) = best.expect("the title has words");
    assert!((1..=100).contains(&total), "{word}: {total} results");
    assert!(ids(&found).iter().any(|i| i == id), "`{word}` finds {id}: {found}");
    for item in found["items"].as_array().into_iter().flatten() {
        let text =
            format!("{} {} {}", item["title"], item["brand"], item["categories"]).to_lowercase();
        assert!(text.contains(&word), "{text} lacks {word}");
    }
    // Case does not matter; when not every word matches, items matching some of them follow,
    // as in Meilisearch, so a stray word does not empty the page.
    let both =
        format!("/shop/api/search?q={}", encode(&format!("{} zzzz-nothing", word.to_uppercase())));
    let (_, some, _) = get(&shop.app, &both).await;
    assert_eq!(some["total"], found["total"], "{some}");
}

#[tokio::test]
async fn with_the_storefront_off_every_shop_api_route_is_404() {
    let shop = shop_serving(|config| config.server.storefront = false, &["ease"]);
    for uri in [
        "/shop/api",
        "/shop/api/",
        "/shop/api/shoppers",
        "/shop/api/home",
        "/shop/api/categories",
        "/shop/api/category?path=x",
        "/shop/api/items/sku-000001",
        "/shop/api/search?q=x",
        "/shop/api/events",
    ] {
        let (status, body, kind) = get(&shop.app, uri).await;
        assert_eq!(
            (status, kind.as_str()),
            (StatusCode::NOT_FOUND, "application/problem+json"),
            "{uri}: {body}"
        );
    }
    let view = json!({"user_id": "u-000001", "item_id": "sku-000001", "kind": "view"});
    assert_eq!(post_events(&shop.app, view).await.0, StatusCode::NOT_FOUND);
}
