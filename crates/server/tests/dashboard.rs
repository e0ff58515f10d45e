//! The dashboard's endpoints end to end, in process: a small generated demo shop with trained
//! models and keys of each scope, requests through the whole router, answers checked against
//! what the store and the data directory hold.

mod common;

use std::time::{Duration, Instant};

use aisle_engine::EvalRequest;
use axum::body::Body;
use axum::http::{header, Method, Request, StatusCode};
use axum::Router;
use common::{call, encode, send, shop, shop_serving, SERVING};
use serde_json::{json, Value};

/// Sends `bytes` as a raw body (a file upload).
async fn upload(app: &Router, uri: &str, key: &str, bytes: Vec<u8>) -> (StatusCode, Value, String) {
    let request = Request::builder()
        .method(Method::POST)
        .uri(uri)
        .header(header::AUTHORIZATION, format!("Bearer {key}"))
        .header(header::CONTENT_TYPE, "application/octet-stream")
        .body(Body::from(bytes))
        .expect("request");
    send(app, request).await
}

/// GETs `uri` until `done` holds of the answer, for at most two minutes.
async fn poll(app: &Router, uri: &str, key: &str, done: impl Fn(&Value) -> bool) -> Value {
    let deadline = Instant::now() + Duration::from_secs(120);
    loop {
        let (status, answer, _) = call(app, Method::GET, uri, Some(key), None).await;
        assert_eq!(status, StatusCode::OK, "{uri}: {answer}");
        if done(&answer) {
            return answer;
        }
        assert!(Instant::now() < deadline, "{uri} still not done: {answer}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// Asserts a problem document with this status.
fn assert_problem(answer: (StatusCode, Value, String), status: StatusCode, what: &str) -> Value {
    let (got, body, kind) = answer;
    assert_eq!(got, status, "{what}: {body}");
    assert_eq!(kind, "application/problem+json", "{what}");
    assert!(body["detail"].as_str().is_some_and(|d| !d.is_empty()), "{what}: {body}");
    body
}

#[tokio::test]
async fn every_dashboard_route_needs_an_admin_key() {
    let shop = shop();
    let routes = [
        (Method::GET, "/v1/admin/overview"),
        (Method::GET, "/v1/admin/models"),
        (Method::GET, "/v1/admin/training"),
        (Method::POST, "/v1/admin/training"),
        (Method::GET, "/v1/admin/reports"),
        (Method::POST, "/v1/admin/imports?format=events"),
        (Method::GET, "/v1/admin/imports/imp-1"),
        (Method::GET, "/v1/admin/items/search?q=a"),
        (Method::GET, "/v1/admin/users"),
        (Method::GET, "/v1/admin/users/u-000001/events"),
        (Method::GET, "/v1/admin/config"),
        (Method::GET, "/v1/admin/keys"),
        (Method::POST, "/v1/admin/keys"),
        (Method::DELETE, "/v1/admin/keys/whatever"),
    ];
    for (method, uri) in routes.clone() {
        let body = (method != Method::GET).then(|| json!({}));
        let what = format!("{method} {uri}");
        let answer = call(&shop.app, method.clone(), uri, None, body.clone()).await;
        assert_problem(answer, StatusCode::UNAUTHORIZED, &format!("{what} without a key"));
        for key in [&shop.read, &shop.write] {
            let answer = call(&shop.app, method.clone(), uri, Some(key), body.clone()).await;
            assert_problem(answer, StatusCode::FORBIDDEN, &format!("{what} with a non-admin key"));
        }
    }
    let (_, doc, _) = call(&shop.app, Method::GET, "/v1/openapi.json", None, None).await;
    for (method, uri) in routes {
        let path = uri.split('?').next().unwrap_or(uri).replace("imp-1", "{id}");
        let path = path.replace("u-000001", "{id}").replace("whatever", "{id}");
        let method = method.as_str().to_lowercase();
        assert!(doc["paths"][&path][&method].is_object(), "{method} {path} is not documented");
    }
}

#[tokio::test]
async fn the_overview_counts_the_store_charts_each_day_and_the_funnel() {
    let shop = shop();
    let admin = Some(shop.admin.as_str());
    // The generated shop spans 90 days: a year's window holds every event, and its days add up
    // to the store's counts of the charted kinds.
    let (status, year, _) =
        call(&shop.app, Method::GET, "/v1/admin/overview?days=365", admin, None).await;
    assert_eq!(status, StatusCode::OK, "{year}");
    let year_days = year["events_per_day"].as_array().expect("days");
    assert_eq!(year_days.len(), 365);
    let stored = shop.state.engine().store().counts().expect("counts").events_by_kind;
    for (column, kind) in [
        ("view", "view"),
        ("click", "click"),
        ("cart", "add_to_cart"),
        ("purchase", "purchase"),
        ("rating", "rating"),
        ("review", "review"),
        ("search", "search"),
    ] {
        let charted: u64 = year_days.iter().map(|d| d[column].as_u64().unwrap_or(0)).sum();
        assert_eq!(charted, stored.get(kind).copied().unwrap_or(0), "{column}");
    }
    assert!(year_days[364]["view"].as_u64() > Some(0), "the window ends on the newest event's day");
    let viewers = year["funnel"][0]["shoppers"].as_u64().unwrap_or(0);
    let buyers = year["funnel"][2]["shoppers"].as_u64().unwrap_or(0);
    assert!(viewers > buyers && buyers > 0, "{}", year["funnel"]);

    // A day of its own, after every generated event: the window's last day.
    let at = |hour: u32| format!("2031-01-01T{hour:02}:00:00Z");
    let events = json!({"events": [
        {"user_id": "dash-a", "item_id": "sku-000001", "kind": "view", "timestamp": at(1)},
        {"user_id": "dash-a", "item_id": "sku-000002", "kind": "view", "timestamp": at(2)},
        {"user_id": "dash-a", "item_id": "sku-000002", "kind": "cart", "timestamp": at(3)},
        {"user_id": "dash-a", "item_id": "sku-000002", "kind": "purchase", "timestamp": at(4)},
        {"user_id": "dash-b", "item_id": "sku-000003", "kind": "view", "timestamp": at(5)},
        {"user_id": "dash-b", "item_id": "sku-000003", "kind": "click", "timestamp": at(6)},
        {"session_id": "dash-s", "item_id": "sku-000003", "kind": "view", "timestamp": at(7)},
        {"session_id": "dash-s", "item_id": "sku-000003", "kind": "cart", "timestamp": at(8)},
        {"user_id": "dash-b", "kind": "search", "query": "socks", "timestamp": at(9)}
    ]});
    let (status, report, _) =
        call(&shop.app, Method::POST, "/v1/events", Some(&shop.write), Some(events)).await;
    assert_eq!((status, report["accepted"].as_u64()), (StatusCode::OK, Some(9)), "{report}");

    let (status, day, _) =
        call(&shop.app, Method::GET, "/v1/admin/overview?days=1", admin, None).await;
    assert_eq!(status, StatusCode::OK, "{day}");
    assert_eq!(
        day["events_per_day"],
        json!([{"day": "2031-01-01", "view": 4, "click": 1, "cart": 2, "purchase": 1,
                "rating": 0, "review": 0, "search": 1}])
    );
    assert_eq!(
        day["funnel"],
        json!([{"stage": "view", "shoppers": 3}, {"stage": "cart", "shoppers": 2},
               {"stage": "purchase", "shoppers": 1}]),
        "distinct users and sessions per stage"
    );
    let counts = shop.state.engine().store().counts().expect("counts");
    assert_eq!(
        day["counts"],
        json!({"users": counts.users, "items": counts.items, "events": counts.events,
               "orders": counts.orders})
    );
    assert!(counts.events > 20_000, "the generated events and ours");

    let (_, month, _) = call(&shop.app, Method::GET, "/v1/admin/overview", admin, None).await;
    let days = month["events_per_day"].as_array().expect("days");
    assert_eq!(days.len(), 30, "the default window, every day listed");
    assert_eq!(days[0]["day"], "2030-12-03");
    assert_eq!(days[29]["day"], "2031-01-01");
    let in_window: u64 = days
        .iter()
        .flat_map(|d| {
            ["view", "click", "cart", "purchase", "rating", "review", "search"]
                .map(|k| d[k].as_u64().unwrap_or(0))
        })
        .sum();
    assert_eq!(in_window, 9, "only our events fall in the 30 days before 2031-01-01");

    for bad in ["days=0", "days=366", "days=abc", "days=-1"] {
        let answer =
            call(&shop.app, Method::GET, &format!("/v1/admin/overview?{bad}"), admin, None).await;
        assert_problem(answer, StatusCode::BAD_REQUEST, bad);
    }
}

#[tokio::test]
async fn clicks_and_purchases_from_recommendations_are_counted_once() {
    let shop = shop();
    let admin = Some(shop.admin.as_str());
    let overview = || async {
        let (status, answer, _) =
            call(&shop.app, Method::GET, "/v1/admin/overview?days=7", admin, None).await;
        assert_eq!(status, StatusCode::OK, "{answer}");
        answer["recommendations"].clone()
    };
    let before = overview().await;
    assert_eq!((before["shown"].as_u64(), before["clicked"].as_u64()), (Some(0), Some(0)));
    assert_eq!(before["click_through"], 0.0, "no division by zero");
    assert!(before["since"].as_str().is_some_and(|s| s.ends_with('Z')), "{before}");
    let feed = "/v1/users/u-000001/recommendations?n=8";
    let (status, ..) = call(&shop.app, Method::GET, feed, Some(&shop.read), None).await;
    assert_eq!(status, StatusCode::OK);
    let event = |id: &str, kind: &str, referrer: Option<&str>| {
        json!({"event_id": id, "user_id": "u-000001", "item_id": "sku-000004", "kind": kind,
               "timestamp": "2030-01-01T00:00:00Z", "referrer": referrer})
    };
    let post = |body: Value| async {
        let answer =
            call(&shop.app, Method::POST, "/v1/events", Some(&shop.write), Some(body)).await;
        assert_eq!(answer.0, StatusCode::OK, "{}", answer.1);
        answer.1
    };
    post(json!({"events": [
        event("rc-1", "click", Some("recommendation")),
        event("rc-2", "click", Some("search")),
        event("rc-3", "click", None),
        event("rc-4", "view", Some("recommendation")),
    ]}))
    .await;
    let retry = post(event("rc-1", "click", Some("recommendation"))).await;
    assert_eq!(retry["duplicates"], 1);
    let after = overview().await;
    assert_eq!(after["shown"], 8);
    assert_eq!(after["clicked"], 1, "one new click from a recommendation; the retry is not new");
    assert_eq!(after["purchased"], 0);
    assert_eq!(after["click_through"], 1.0 / 8.0);
    assert_eq!(after["conversion"], 0.0);
    post(event("rp-1", "purchase", Some("recommendation"))).await;
    let bought = overview().await;
    assert_eq!((bought["purchased"].as_u64(), bought["conversion"].as_f64()), (Some(1), Some(1.0)));
}

#[tokio::test]
async fn models_list_their_versions_and_what_they_serve() {
    let shop = shop();
    let (status, list, _) =
        call(&shop.app, Method::GET, "/v1/admin/models", Some(&shop.admin), None).await;
    assert_eq!(status, StatusCode::OK, "{list}");
    let models = list["models"].as_array().expect("models");
    let find = |name: &str| models.iter().find(|m| m["name"] == name).cloned().unwrap_or_default();
    for (name, serving) in [("ease", "feed"), ("item-knn", "similar"), ("rules", "bought_together")]
    {
        let model = find(name);
        assert_eq!(model["active_version"], 1, "{model}");
        assert_eq!(model["serving"], serving, "{model}");
        let version = &model["versions"][0];
        assert_eq!(version["version"], 1);
        assert_eq!(version["config"]["model"], name, "the artifact's configuration: {version}");
        assert!(version["trained_at"].as_str().is_some_and(|t| t.ends_with('Z')), "{version}");
        assert!(version["fit_seconds"].as_f64().is_some_and(|s| s >= 0.0), "{version}");
    }
    assert_eq!(models.len(), 3, "{list}");
}

#[tokio::test]
async fn training_runs_in_the_background_with_progress_and_swaps_versions_in() {
    let shop = shop();
    let admin = shop.admin.as_str();
    let (_, idle, _) = call(&shop.app, Method::GET, "/v1/admin/training", Some(admin), None).await;
    assert_eq!(
        (idle["running"].as_bool(), idle["recent"].as_array().map(Vec::len)),
        (Some(false), Some(0))
    );
    let body = json!({"models": ["popular", "ease", "item-knn", "rules", "ease"]});
    let (status, started, _) =
        call(&shop.app, Method::POST, "/v1/admin/training", Some(admin), Some(body)).await;
    assert_eq!(status, StatusCode::ACCEPTED, "{started}");
    assert_eq!(started["running"], true);
    assert_eq!(started["model"], "popular");
    assert_eq!(started["total"], 4, "four models, the repeat dropped: {started}");
    assert!(started["started_at"].as_str().is_some_and(|t| t.ends_with('Z')));
    // Four fits take far longer than this request.
    let again = call(&shop.app, Method::POST, "/v1/admin/training", Some(admin), None).await;
    assert_problem(again, StatusCode::CONFLICT, "a second start while one runs");
    let sync = call(&shop.app, Method::POST, "/v1/admin/train", Some(admin), None).await;
    assert_problem(sync, StatusCode::CONFLICT, "the synchronous retrain waits its turn too");

    let done = poll(&shop.app, "/v1/admin/training", admin, |s| s["running"] == false).await;
    let recent: Vec<(String, u64)> = done["recent"]
        .as_array()
        .expect("recent")
        .iter()
        .map(|r| {
            assert_eq!(r["error"], Value::Null, "{r}");
            assert!(r["seconds"].as_f64().is_some_and(|s| s >= 0.0), "{r}");
            (r["model"].as_str().unwrap_or("").to_string(), r["version"].as_u64().unwrap_or(0))
        })
        .collect();
    let expected = [("rules", 2), ("item-knn", 2), ("ease", 2), ("popular", 1)];
    assert_eq!(recent, expected.map(|(m, v)| (m.to_string(), v)), "newest first");
    assert_eq!((done["done"].as_u64(), done["total"].as_u64()), (Some(4), Some(4)), "{done}");
    let feed = "/v1/users/u-000002/recommendations?n=3";
    let (_, answer, _) = call(&shop.app, Method::GET, feed, Some(&shop.read), None).await;
    assert_eq!(answer["model_version"], 2, "the new version serves: {answer}");
    let (_, list, _) = call(&shop.app, Method::GET, "/v1/admin/models", Some(admin), None).await;
    let popular = list["models"].as_array().and_then(|m| m.iter().find(|m| m["name"] == "popular"));
    assert_eq!(popular.map(|p| p["serving"].clone()), Some(Value::Null), "{list}");

    let bodies = [
        json!({"models": ["nope"]}),
        json!({"models": "ease"}),
        json!({"model": []}),
        json!([["ease"]]),
    ];
    for bad in bodies {
        let answer =
            call(&shop.app, Method::POST, "/v1/admin/training", Some(admin), Some(bad.clone()))
                .await;
        let problem = assert_problem(answer, StatusCode::BAD_REQUEST, &bad.to_string());
        if bad["models"].is_array() {
            assert!(problem["detail"].as_str().unwrap_or("").contains("item-knn"), "{problem}");
        }
    }
    let huge = upload(&shop.app, "/v1/admin/training", admin, vec![b' '; 9 << 20]).await;
    assert_problem(huge, StatusCode::PAYLOAD_TOO_LARGE, "over server.max_body_bytes");
}

#[tokio::test]
async fn reports_list_what_an_evaluation_wrote() {
    let shop = shop();
    let (_, none, _) =
        call(&shop.app, Method::GET, "/v1/admin/reports", Some(&shop.admin), None).await;
    assert_eq!(none, json!({"reports": []}));
    let request = EvalRequest {
        split: "loo".into(),
        protocol: "full".into(),
        models: vec!["popular".into()],
        ks: vec![10],
        params: Vec::new(),
        search: Vec::new(),
        tune: false,
        random_trials: 0,
        threads: 1,
        seed: 1,
        report_dir: None,
    };
    let outcome = shop.state.engine().evaluate(&request, &mut |_, _, _| {}).expect("evaluate");
    let damaged = shop.state.engine().data_dir().join("reports").join("broken");
    std::fs::create_dir_all(&damaged).expect("mkdir");
    std::fs::write(damaged.join("report.json"), "{not json").expect("write");
    let (status, list, _) =
        call(&shop.app, Method::GET, "/v1/admin/reports", Some(&shop.admin), None).await;
    assert_eq!(status, StatusCode::OK, "{list}");
    let reports = list["reports"].as_array().expect("reports");
    assert_eq!(reports.len(), 1, "the damaged report is left out: {list}");
    let report = &reports[0];
    let name = outcome.report_dir.file_name().map(|n| n.to_string_lossy().into_owned());
    assert_eq!(report["name"].as_str(), name.as_deref());
    assert_eq!(report["protocol"], "full");
    assert_eq!(report["split"], "loo");
    assert!(report["created_at"].as_str().is_some_and(|t| t.ends_with('Z')), "{report}");
    assert_eq!(report["results"][0]["model"], "popular");
    let ndcg = &report["results"][0]["metrics"]["NDCG@10"];
    assert_eq!(ndcg.as_f64(), outcome.json["models"]["popular"]["NDCG@10"].as_f64(), "{report}");
}

#[tokio::test]
async fn an_import_runs_in_the_background_and_reports_its_bad_row() {
    let shop = shop();
    let admin = shop.admin.as_str();
    let file = "event_id,user_id,item_id,kind,timestamp\n\
                imp-e1,imp-user,sku-000001,view,2030-02-01T10:00:00Z\n\
                imp-e2,imp-user,sku-000002,teleport,2030-02-01T10:01:00Z\n\
                imp-e3,imp-user,sku-000002,purchase,2030-02-01T10:02:00Z\n";
    let (status, started, _) =
        upload(&shop.app, "/v1/admin/imports?format=events", admin, file.as_bytes().to_vec()).await;
    assert_eq!(status, StatusCode::ACCEPTED, "{started}");
    assert_eq!(
        (started["format"].as_str(), started["state"].as_str()),
        (Some("events"), Some("running"))
    );
    assert_eq!(started["bytes_total"], file.len());
    let id = started["id"].as_str().expect("id").to_string();
    let uri = format!("/v1/admin/imports/{id}");
    let done = poll(&shop.app, &uri, admin, |s| s["state"] != "running").await;
    assert_eq!(done["state"], "done", "{done}");
    assert_eq!((done["records"].as_u64(), done["rejected"].as_u64()), (Some(2), Some(1)), "{done}");
    assert_eq!(done["bytes_done"], file.len());
    assert_eq!(done["error"], Value::Null);
    let rejects = done["rejects"].as_array().expect("rejects");
    assert_eq!(rejects.len(), 1, "{done}");
    assert_eq!(rejects[0]["line"], 3, "the header is line 1: {done}");
    assert!(rejects[0]["error"].as_str().unwrap_or("").contains("teleport"), "{done}");
    let events = "/v1/admin/users/imp-user/events";
    let (_, stored, _) = call(&shop.app, Method::GET, events, Some(admin), None).await;
    let ids: Vec<&str> = stored["events"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|e| e["event_id"].as_str())
        .collect();
    assert_eq!(ids, ["imp-e3", "imp-e1"], "the good rows are stored, newest first");

    let jsonl = "{\"user_id\": \"imp-json\", \"item_id\": \"sku-000003\", \"kind\": \"view\", \"timestamp\": 1900000000}\n";
    let (status, second, _) =
        upload(&shop.app, "/v1/admin/imports?format=generic-events", admin, jsonl.into()).await;
    assert_eq!(status, StatusCode::ACCEPTED, "{second}");
    assert_ne!(second["id"], started["id"]);
    let uri = format!("/v1/admin/imports/{}", second["id"].as_str().unwrap_or(""));
    let done = poll(&shop.app, &uri, admin, |s| s["state"] != "running").await;
    assert_eq!(
        (done["state"].as_str(), done["records"].as_u64()),
        (Some("done"), Some(1)),
        "{done}"
    );

    let bad_format =
        upload(&shop.app, "/v1/admin/imports?format=excel", admin, file.as_bytes().to_vec()).await;
    let problem = assert_problem(bad_format, StatusCode::BAD_REQUEST, "an unknown format");
    let detail = problem["detail"].as_str().unwrap_or("");
    assert!(
        ["events", "items", "online-retail", "movielens"].iter().all(|f| detail.contains(f)),
        "{detail}"
    );
    let no_format = upload(&shop.app, "/v1/admin/imports", admin, file.as_bytes().to_vec()).await;
    assert_problem(no_format, StatusCode::BAD_REQUEST, "no format");
    let empty = upload(&shop.app, "/v1/admin/imports?format=events", admin, Vec::new()).await;
    assert_problem(empty, StatusCode::BAD_REQUEST, "an empty body");
    let sneaky = "/v1/admin/imports?format=events&filename=..%2F..%2F";
    assert_problem(
        upload(&shop.app, sneaky, admin, file.into()).await,
        StatusCode::BAD_REQUEST,
        "a path",
    );
    let huge =
        upload(&shop.app, "/v1/admin/imports?format=events", admin, vec![b'x'; 9 << 20]).await;
    assert_problem(huge, StatusCode::PAYLOAD_TOO_LARGE, "over server.max_body_bytes");
    for unknown in ["imp-999", "nope", "imp-"] {
        let answer = call(
            &shop.app,
            Method::GET,
            &format!("/v1/admin/imports/{unknown}"),
            Some(admin),
            None,
        )
        .await;
        assert_problem(answer, StatusCode::NOT_FOUND, unknown);
    }
}

#[tokio::test]
async fn items_are_searched_and_users_browsed_with_their_events() {
    let shop = shop();
    let admin = Some(shop.admin.as_str());
    let store = shop.state.engine().store();
    let known = store.item(&"sku-000001".parse_id()).expect("item").expect("generated");
    let word = known.title.split_whitespace().next().unwrap_or("").to_uppercase();
    let uri = format!("/v1/admin/items/search?limit=200&q={}", encode(&word));
    let (status, found, _) = call(&shop.app, Method::GET, &uri, admin, None).await;
    assert_eq!(status, StatusCode::OK, "{found}");
    let items = found["items"].as_array().expect("items");
    assert!(!items.is_empty() && items.len() <= 200);
    let lower = word.to_lowercase();
    assert!(
        items.iter().all(|i| {
            let title = i["title"].as_str().unwrap_or("").to_lowercase();
            title.contains(&lower) || i["id"].as_str().unwrap_or("").to_lowercase().contains(&lower)
        }),
        "every item matches {word:?}"
    );
    let (_, by_id, _) =
        call(&shop.app, Method::GET, "/v1/admin/items/search?q=SKU-000001&limit=1", admin, None)
            .await;
    let (_, direct, _) = call(&shop.app, Method::GET, "/v1/items/sku-000001", admin, None).await;
    assert_eq!(by_id["items"], json!([direct]), "the item as GET /v1/items/{{id}} shows it");
    let (_, first, _) = call(&shop.app, Method::GET, "/v1/admin/items/search", admin, None).await;
    assert_eq!(first["items"].as_array().map(Vec::len), Some(50), "no text: the catalog's start");

    let (status, page, _) =
        call(&shop.app, Method::GET, "/v1/admin/users?limit=5", admin, None).await;
    assert_eq!(status, StatusCode::OK, "{page}");
    let users = page["users"].as_array().expect("users");
    assert_eq!(users.len(), 5);
    let cursor = page["next_cursor"].as_str().expect("a next page").to_string();
    let (_, next, _) = call(
        &shop.app,
        Method::GET,
        &format!("/v1/admin/users?limit=5&cursor={cursor}"),
        admin,
        None,
    )
    .await;
    assert_ne!(next["users"][0]["id"], users[0]["id"]);
    let someone = users[0]["id"].as_str().expect("id").to_string();
    let stored = store.events_of_user(&someone.parse_id(), 1_000).expect("events");
    assert_eq!(users[0]["events"], stored.len(), "the count is the store's");
    let (_, matching, _) = call(
        &shop.app,
        Method::GET,
        &format!("/v1/admin/users?q={}", someone.to_uppercase()),
        admin,
        None,
    )
    .await;
    assert_eq!(matching["users"][0]["id"], someone.as_str(), "{matching}");
    assert_eq!(matching["next_cursor"], Value::Null);

    let uri = format!("/v1/admin/users/{someone}/events?limit=3");
    let (status, events, _) = call(&shop.app, Method::GET, &uri, admin, None).await;
    assert_eq!(status, StatusCode::OK, "{events}");
    let shown = events["events"].as_array().expect("events");
    assert_eq!(shown.len(), stored.len().min(3));
    for (view, event) in shown.iter().zip(&stored) {
        assert_eq!(view["event_id"], event.id.as_str());
        assert_eq!(view["kind"], event.kind.as_str());
        assert_eq!(view["user_id"], someone.as_str());
        assert_eq!(view["timestamp"], event.timestamp.to_rfc3339(), "newest first");
        assert_eq!(view["item_id"].as_str(), event.item.as_ref().map(|i| i.as_str()));
    }

    for (uri, status) in [
        ("/v1/admin/items/search?limit=0", StatusCode::BAD_REQUEST),
        ("/v1/admin/items/search?limit=201", StatusCode::BAD_REQUEST),
        ("/v1/admin/items/search?q=%00", StatusCode::BAD_REQUEST),
        ("/v1/admin/users?limit=1001", StatusCode::BAD_REQUEST),
        ("/v1/admin/users?cursor=zz", StatusCode::BAD_REQUEST),
        ("/v1/admin/users/%20/events", StatusCode::BAD_REQUEST),
        ("/v1/admin/users/u-000001/events?limit=0", StatusCode::BAD_REQUEST),
        ("/v1/admin/users/nobody-at-all/events", StatusCode::NOT_FOUND),
    ] {
        assert_problem(call(&shop.app, Method::GET, uri, admin, None).await, status, uri);
    }
}

#[tokio::test]
async fn the_configuration_is_shown_with_its_secrets_redacted() {
    let shop = shop_serving(
        |config| {
            config.store.postgres_url = Some("postgres://aisle:hunter2@db.internal/shop".into());
        },
        SERVING,
    );
    let (status, config, _) =
        call(&shop.app, Method::GET, "/v1/admin/config", Some(&shop.admin), None).await;
    assert_eq!(status, StatusCode::OK, "{config}");
    assert_eq!(config["store"]["postgres_url"], "postgres://aisle:***@db.internal/shop");
    assert!(!config.to_string().contains("hunter2"), "{config}");
    assert_eq!(config["server"]["model"], "ease");
    assert_eq!(config["import"]["chunk_rows"], 50_000);
}

#[tokio::test]
async fn keys_are_created_listed_and_revoked_at_once() {
    let shop = shop();
    let admin = Some(shop.admin.as_str());
    let (_, list, _) = call(&shop.app, Method::GET, "/v1/admin/keys", admin, None).await;
    assert_eq!(list["keys"].as_array().map(Vec::len), Some(3), "{list}");
    assert!(!list.to_string().contains("sha256"), "no hashes shown: {list}");
    let body = json!({"scope": "read", "label": "storefront"});
    let (status, made, _) =
        call(&shop.app, Method::POST, "/v1/admin/keys", admin, Some(body)).await;
    assert_eq!(status, StatusCode::CREATED, "{made}");
    assert_eq!(
        (made["scope"].as_str(), made["label"].as_str()),
        (Some("read"), Some("storefront"))
    );
    let key = made["key"].as_str().expect("the secret, once").to_string();
    let id = made["id"].as_str().expect("id").to_string();
    assert!(key.starts_with(&format!("aisle_{id}_")));
    let (_, list, _) = call(&shop.app, Method::GET, "/v1/admin/keys", admin, None).await;
    let listed =
        list["keys"].as_array().and_then(|k| k.iter().find(|k| k["id"] == id.as_str()).cloned());
    let listed = listed.expect("the new key is listed");
    assert_eq!(
        (listed["scope"].as_str(), listed["label"].as_str()),
        (Some("read"), Some("storefront"))
    );
    assert!(listed["created_at"].as_str().is_some_and(|t| t.ends_with('Z')));
    assert!(listed.get("key").is_none(), "the secret is never listed");
    let popular = "/v1/popular?n=3";
    assert_eq!(call(&shop.app, Method::GET, popular, Some(&key), None).await.0, StatusCode::OK);

    let uri = format!("/v1/admin/keys/{id}");
    let (status, ..) = call(&shop.app, Method::DELETE, &uri, admin, None).await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let revoked = call(&shop.app, Method::GET, popular, Some(&key), None).await;
    assert_problem(revoked, StatusCode::UNAUTHORIZED, "a revoked key, on the next request");
    assert_problem(
        call(&shop.app, Method::DELETE, &uri, admin, None).await,
        StatusCode::NOT_FOUND,
        "revoking twice",
    );
    for bad in [
        json!({"scope": "root", "label": "x"}),
        json!({"label": "no scope"}),
        json!({"scope": "read", "label": "x", "extra": 1}),
        json!({"scope": "read", "label": "x".repeat(201)}),
        json!({"scope": "read", "label": "line\nbreak"}),
        json!(["read"]),
    ] {
        let answer =
            call(&shop.app, Method::POST, "/v1/admin/keys", admin, Some(bad.clone())).await;
        assert_problem(answer, StatusCode::BAD_REQUEST, &bad.to_string());
    }
    let (_, list, _) = call(&shop.app, Method::GET, "/v1/admin/keys", admin, None).await;
    assert_eq!(list["keys"].as_array().map(Vec::len), Some(3), "refused keys are not created");
}

trait ParseId {
    fn parse_id(&self) -> aisle_domain::ExternalId;
}

impl ParseId for str {
    fn parse_id(&self) -> aisle_domain::ExternalId {
        aisle_domain::ExternalId::parse(self).expect("a valid id")
    }
}
