//! Reviews and text analysis over HTTP, in process, on a small generated bilingual shop:
//! `/v1/nlp/sentiment` (the contract), `POST /v1/reviews`, `/v1/items/{id}/reviews/summary`,
//! `/v1/reviews/keywords`, and the storefront's reviews.

mod common;

use axum::http::{Method, StatusCode};
use common::{call, encode, shop_serving, Shop};
use serde_json::{json, Value};

fn shop() -> Shop {
    shop_serving(|_| {}, &[])
}

async fn post(shop: &Shop, uri: &str, key: &str, body: Value) -> (StatusCode, Value) {
    let (status, body, _) = call(&shop.app, Method::POST, uri, Some(key), Some(body)).await;
    (status, body)
}

async fn get(shop: &Shop, uri: &str) -> (StatusCode, Value) {
    let (status, body, _) = call(&shop.app, Method::GET, uri, Some(&shop.read), None).await;
    (status, body)
}

#[tokio::test]
async fn sentiment_answers_the_contract_in_order() {
    let shop = shop();
    let texts = [
        "质量很好，物流很快，非常满意！",
        "Terrible. It broke after two days, waste of money.",
        "",
        "😍👍",
        "<p>Love it &amp; would buy again</p>",
        "这个很好 but delivery was slow",
    ];
    let (status, body) =
        post(&shop, "/v1/nlp/sentiment", &shop.read, json!({ "texts": texts })).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let results = body["results"].as_array().expect("results");
    assert_eq!(results.len(), texts.len());
    for result in results {
        let label = result["label"].as_str().expect("label");
        assert!(["positive", "negative", "neutral"].contains(&label), "{result}");
        assert!(result["score"].as_f64().is_some_and(|p| (0.0..=1.0).contains(&p)), "{result}");
        assert!(["zh", "en"].contains(&result["language"].as_str().expect("language")), "{result}");
        assert!(result.get("sentences").is_none(), "detail only when asked");
    }
    let labels: Vec<&str> =
        results.iter().map(|r| r["label"].as_str().unwrap_or_default()).collect();
    assert_eq!(labels[..5], ["positive", "negative", "neutral", "positive", "positive"], "{body}");
    assert_eq!(results[0]["language"], "zh");
    assert_eq!(results[1]["language"], "en");
}

#[tokio::test]
async fn detail_adds_sentences_and_aspects() {
    let shop = shop();
    let body =
        json!({ "texts": ["质量很好，但是物流太慢了。Great price though!"], "detail": true });
    let (status, body) = post(&shop, "/v1/nlp/sentiment", &shop.read, body).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let result = &body["results"][0];
    assert_eq!(result["sentences"].as_array().map(Vec::len), Some(2), "{result}");
    let aspect = |name: &str| {
        result["aspects"].as_array().and_then(|a| a.iter().find(|m| m["aspect"] == name)).cloned()
    };
    assert_eq!(aspect("quality").expect("quality")["sentiment"]["label"], "positive", "{result}");
    assert_eq!(aspect("delivery").expect("delivery")["sentiment"]["label"], "negative", "{result}");
    assert_eq!(aspect("value").expect("value")["text"], "Great price though!", "{result}");
}

#[tokio::test]
async fn bad_sentiment_requests_are_problems() {
    let shop = shop();
    let too_many = vec!["ok"; 1_001];
    let too_long = "好".repeat(100_001);
    for (body, expected) in [
        (json!({ "texts": too_many }), StatusCode::BAD_REQUEST),
        (json!({ "texts": [too_long] }), StatusCode::BAD_REQUEST),
        (json!({ "text": "x" }), StatusCode::UNPROCESSABLE_ENTITY),
        (json!({ "texts": [1] }), StatusCode::UNPROCESSABLE_ENTITY),
    ] {
        let (status, answer) = post(&shop, "/v1/nlp/sentiment", &shop.read, body).await;
        assert_eq!(status, expected, "{answer}");
        assert!(answer["detail"].as_str().is_some_and(|d| !d.is_empty()), "{answer}");
    }
    let exactly = "好".repeat(100_000);
    let (status, _) =
        post(&shop, "/v1/nlp/sentiment", &shop.read, json!({ "texts": [exactly] })).await;
    assert_eq!(status, StatusCode::OK, "100,000 characters are read");
    let (status, _, _) =
        call(&shop.app, Method::POST, "/v1/nlp/sentiment", None, Some(json!({"texts": []}))).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn written_reviews_are_read_reported_and_summed_up() {
    let shop = shop();
    let reviews = json!({ "reviews": [
        {"id": "t-1", "item_id": "new-item", "rating": 5, "text": "质量很好，物流很快！", "created_at": "2026-01-10T10:00:00Z"},
        {"id": "t-2", "item_id": "new-item", "rating": 1, "text": "<b>Awful</b> quality, it broke. Delivery was slow too.", "created_at": "2026-02-10T10:00:00Z"},
        {"id": "t-3", "item_id": "new-item", "rating": 9, "text": "too many stars"},
        {"id": "t-4", "item_id": "new-item", "rating": 4, "text": "Great value for money", "created_at": "2026-02-11T10:00:00Z"},
        "not an object",
    ]});
    let (status, body) = post(&shop, "/v1/reviews", &shop.write, reviews).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["inserted"], 3, "{body}");
    let refused: Vec<u64> = body["errors"]
        .as_array()
        .expect("errors")
        .iter()
        .filter_map(|e| e["index"].as_u64())
        .collect();
    assert_eq!(refused, [2, 4], "{body}");
    let results = body["results"].as_array().expect("results");
    assert_eq!(results.len(), 3);
    assert_eq!(results[1]["id"], "t-2");
    assert_eq!(results[1]["sentiment"]["label"], "negative", "{body}");
    assert!(results[1]["aspects"]
        .as_array()
        .is_some_and(|a| a.iter().any(|m| m["aspect"] == "quality")));

    let (status, summary) = get(&shop, "/v1/items/new-item/reviews/summary").await;
    assert_eq!(status, StatusCode::OK, "{summary}");
    assert_eq!(summary["item_id"], "new-item");
    assert_eq!(summary["reviews"], 3);
    assert_eq!(summary["ratings"]["5"], 1);
    assert_eq!(summary["ratings"]["1"], 1);
    assert_eq!(summary["over_time"].as_array().map(Vec::len), Some(2), "{summary}");
    assert_eq!(summary["recent"][0]["id"], "t-4", "newest first: {summary}");
    assert_eq!(
        summary["recent"][1]["text"], "Awful quality, it broke. Delivery was slow too.",
        "markup removed"
    );
    assert!(summary["aspects"].as_array().is_some_and(|a| !a.is_empty()), "{summary}");
    for key in ["pros", "cons", "sentiment", "trend", "keywords", "average_rating"] {
        assert!(summary.get(key).is_some(), "{key} in {summary}");
    }

    let (status, _) = post(&shop, "/v1/reviews", &shop.read, json!({"reviews": []})).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "writing reviews needs the write scope");
    let (status, body) =
        post(&shop, "/v1/reviews", &shop.write, json!({"reviews": [{"id": "x"}]})).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
}

#[tokio::test]
async fn summaries_and_keywords_cover_the_generated_shop() {
    let shop = shop();
    let (status, categories) = get(&shop, "/v1/reviews/keywords").await;
    assert_eq!(status, StatusCode::OK, "{categories}");
    let list = categories["categories"].as_array().expect("categories");
    assert!(!list.is_empty(), "{categories}");
    let category = list[0]["category"].as_str().expect("name");
    let (status, found) =
        get(&shop, &format!("/v1/reviews/keywords?category={}", encode(category))).await;
    assert_eq!(status, StatusCode::OK, "{found}");
    assert!(found["keywords"]["tfidf"].as_array().is_some_and(|k| !k.is_empty()), "{found}");
    assert!(found["keywords"]["textrank"].as_array().is_some_and(|k| !k.is_empty()), "{found}");
    let (status, _) = get(&shop, "/v1/reviews/keywords?category=no-such-category").await;
    assert_eq!(status, StatusCode::NOT_FOUND);

    let (status, missing) = get(&shop, "/v1/items/no-such-item/reviews/summary").await;
    assert_eq!(status, StatusCode::NOT_FOUND, "{missing}");
    let (status, _) = get(&shop, "/v1/items/x/reviews/summary?recent=51").await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn the_storefront_shows_an_items_reviews_without_a_key() {
    let shop = shop();
    let (status, body) = post(
        &shop,
        "/v1/reviews",
        &shop.write,
        json!({"reviews": [
            {"id": "s-1", "item_id": "sku-000001", "rating": 5, "text": "Fits perfectly, true to size.", "created_at": "2099-01-01T00:00:00Z"},
        ]}),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let page = "/shop/api/items/sku-000001/reviews";
    let (status, body, _) = call(&shop.app, Method::GET, page, None, None).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["recent"][0]["id"], "s-1", "newest first: {body}");
    assert_eq!(body["recent"][0]["sentiment"]["label"], "positive", "{body}");
    assert!(body["aspects"]
        .as_array()
        .is_some_and(|a| a.iter().any(|m| m["aspect"] == "size_fit")));

    let unlisted = "/shop/api/items/never-listed/reviews";
    let (status, ..) = call(&shop.app, Method::GET, unlisted, None, None).await;
    assert_eq!(status, StatusCode::NOT_FOUND, "the storefront shows only the shop's items");
    let hide = "/v1/items/sku-000001/hide";
    let (status, ..) = call(&shop.app, Method::POST, hide, Some(&shop.admin), None).await;
    assert_eq!(status, StatusCode::OK);
    let (status, ..) = call(&shop.app, Method::GET, page, None, None).await;
    assert_eq!(status, StatusCode::NOT_FOUND, "a hidden item's reviews are hidden with it");
}
