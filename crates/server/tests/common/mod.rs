//! What the server's end-to-end tests share: a small generated demo shop with trained models and
//! keys of each scope, and requests sent through the whole router in process.

// Each test binary (api, dashboard, storefront) compiles this module on its own and uses a
// different subset of it; what one binary leaves unused is not dead code.
#![allow(dead_code)]

use std::sync::Arc;

use aisle_engine::{Config, Engine, GenerateOptions, TrainRequest};
use aisle_server::{router, AppState, KeyRing, Scope};
use axum::body::Body;
use axum::http::{header, Method, Request, StatusCode};
use axum::Router;
use http_body_util::BodyExt;
use serde_json::Value;
use tower::ServiceExt;

/// The models a shop serves unless a test asks for others.
pub const SERVING: &[&str] = &["ease", "item-knn", "rules"];

/// A generated shop: its router, its state and a key of each scope.
pub struct Shop {
    _dir: tempfile::TempDir,
    pub state: Arc<AppState>,
    pub app: Router,
    pub read: String,
    pub write: String,
    pub admin: String,
}

/// A shop with the default configuration, serving [`SERVING`].
pub fn shop() -> Shop {
    shop_serving(|_| {}, SERVING)
}

/// A shop whose configuration `configure` adjusts, with `models` trained.
pub fn shop_serving(configure: impl Fn(&mut Config), models: &[&str]) -> Shop {
    let dir = tempfile::tempdir().expect("dir");
    let mut config = Config { data_dir: dir.path().to_path_buf(), ..Config::default() };
    configure(&mut config);
    let engine = Engine::open(&config).expect("open");
    engine
        .generate(
            GenerateOptions { events: 20_000, seed: 7, users: None, items: None },
            &mut |_| {},
        )
        .expect("generate");
    for &model in models {
        engine
            .train(&TrainRequest { model: model.into(), params: Vec::new(), threads: 1 })
            .expect("train");
    }
    let ring = KeyRing::open(dir.path()).expect("keys");
    let key = |scope| ring.create(scope, "test").expect("key").0;
    let (read, write, admin) = (key(Scope::Read), key(Scope::Write), key(Scope::Admin));
    let state = AppState::new(engine).expect("state");
    assert!(state.wait_for_search(std::time::Duration::from_secs(60)), "search index opens");
    Shop { _dir: dir, app: router(state.clone()), state, read, write, admin }
}

/// A request with an optional bearer key and an optional JSON body; the answer as [`send`] gives it.
pub async fn call(
    app: &Router,
    method: Method,
    uri: &str,
    key: Option<&str>,
    body: Option<Value>,
) -> (StatusCode, Value, String) {
    let mut request = Request::builder().method(method).uri(uri);
    if let Some(key) = key {
        request = request.header(header::AUTHORIZATION, format!("Bearer {key}"));
    }
    let body = match body {
        Some(b) => {
            request = request.header(header::CONTENT_TYPE, "application/json");
            Body::from(b.to_string())
        }
        None => Body::empty(),
    };
    send(app, request.body(body).expect("request")).await
}

/// A request's status, body as JSON (`null` when it is not) and content type.
pub async fn send(app: &Router, request: Request<Body>) -> (StatusCode, Value, String) {
    let (status, bytes, kind) = raw(app, request).await;
    (status, serde_json::from_slice(&bytes).unwrap_or(Value::Null), kind)
}

/// A request's status, body and content type.
pub async fn raw(app: &Router, request: Request<Body>) -> (StatusCode, Vec<u8>, String) {
    let response = app.clone().oneshot(request).await.expect("response");
    let status = response.status();
    let kind = response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_string();
    let bytes = response.into_body().collect().await.expect("body").to_bytes();
    (status, bytes.to_vec(), kind)
}

/// The ids of an answer's `items`, in order.
pub fn ids(answer: &Value) -> Vec<String> {
    answer["items"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|i| i["id"].as_str().map(String::from))
        .collect()
}

/// Percent-encodes a query value.
pub fn encode(text: &str) -> String {
    text.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-_.~".contains(&b) {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}
