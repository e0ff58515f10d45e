//! The shopping assistant over HTTP, in process, on a small generated shop: the chat and intent
//! contracts, streaming, order confirmation, other shoppers' orders, conversation ownership,
//! keys, the knowledge base and tickets, and the scripted suite against the live tools.

mod common;

use aisle_domain::ExternalId;
use axum::body::Body;
use axum::http::{header, Method, Request, StatusCode};
use common::{call, raw, shop, Shop};
use serde_json::{json, Value};

async fn chat(
    shop: &Shop,
    conversation: &str,
    user: Option<&str>,
    message: &str,
) -> (StatusCode, Value) {
    let mut body = json!({"conversation_id": conversation, "message": message});
    if let Some(user) = user {
        body["user_id"] = json!(user);
    }
    let (status, answer, _) =
        call(&shop.app, Method::POST, "/v1/assistant/chat", Some(&shop.write), Some(body)).await;
    (status, answer)
}

/// A shopper with an order in one of `states`, and that order's id.
fn shopper_with(shop: &Shop, states: &[&str]) -> (String, String) {
    let store = shop.state.engine().store();
    for user in store.list_users(None, 5000, None).expect("users") {
        for order in store.orders_of_user(&user.id).expect("orders") {
            if states.contains(&order.status.as_str()) {
                return (user.id.to_string(), order.id.to_string());
            }
        }
    }
    panic!("the generated shop has an order in {states:?}");
}

fn action_types(answer: &Value) -> Vec<String> {
    answer["actions"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|a| a["type"].as_str().map(String::from))
        .collect()
}

#[tokio::test]
async fn a_policy_question_answers_the_chat_contract() {
    let shop = shop();
    let (status, answer) = chat(&shop, "c-1", None, "What is your return policy?").await;
    assert_eq!(status, StatusCode::OK, "{answer}");
    for key in ["reply", "intent", "confidence", "actions", "items"] {
        assert!(answer.get(key).is_some(), "{key} in {answer}");
    }
    assert!(answer["reply"].as_str().unwrap().contains("30 days"), "{answer}");
    assert!(action_types(&answer).contains(&"answer_from_knowledge".to_string()), "{answer}");
    let confidence = answer["confidence"].as_f64().unwrap();
    assert!((0.0..=1.0).contains(&confidence));
}

#[tokio::test]
async fn products_come_from_the_catalog() {
    let shop = shop();
    let (status, answer) = chat(&shop, "c-2", None, "show me running shoes").await;
    assert_eq!(status, StatusCode::OK, "{answer}");
    let items = answer["items"].as_array().expect("items");
    assert!(!items.is_empty(), "{answer}");
    let store = shop.state.engine().store();
    for item in items {
        let id = ExternalId::parse(item["item_id"].as_str().unwrap()).unwrap();
        let stored = store.item(&id).unwrap().expect("a real item");
        assert_eq!(item["title"], stored.title.as_str());
        assert!(answer["reply"].as_str().unwrap().contains(&stored.title));
    }
}

#[tokio::test]
async fn an_order_is_tracked_for_its_owner_and_hidden_from_others() {
    let shop = shop();
    let (owner, order) = shopper_with(&shop, &["paid", "shipped", "delivered"]);
    let (_, answer) =
        chat(&shop, "c-3", Some(&owner), &format!("where is my order {order}?")).await;
    assert_eq!(answer["intent"], "track_order", "{answer}");
    assert!(answer["reply"].as_str().unwrap().contains(&order), "{answer}");
    let (_, answer) =
        chat(&shop, "c-4", Some("u-999999"), &format!("where is my order {order}?")).await;
    assert!(!action_types(&answer).contains(&"track_order".to_string()), "{answer}");
    let (_, answer) = chat(&shop, "c-5", None, &format!("where is my order {order}?")).await;
    assert_eq!(action_types(&answer), ["sign_in_required"], "{answer}");
}

#[tokio::test]
async fn a_cancellation_waits_for_the_shoppers_yes() {
    let shop = shop();
    let (owner, order) = shopper_with(&shop, &["placed", "paid"]);
    let id = ExternalId::parse(&order).unwrap();
    let (_, answer) =
        chat(&shop, "c-6", Some(&owner), &format!("please cancel order {order}")).await;
    assert_eq!(answer["awaiting"], "confirmation", "{answer}");
    let status = || shop.state.engine().store().order(&id).unwrap().unwrap().status.as_str();
    assert_ne!(status(), "cancelled");
    let (_, answer) = chat(&shop, "c-6", Some(&owner), "yes").await;
    assert!(action_types(&answer).contains(&"cancel_order".to_string()), "{answer}");
    assert_eq!(status(), "cancelled");
}

#[tokio::test]
async fn a_conversation_cannot_be_continued_as_another_shopper() {
    let shop = shop();
    let (owner, order) = shopper_with(&shop, &["placed", "paid"]);
    chat(&shop, "c-7", Some(&owner), &format!("cancel order {order}")).await;
    let (status, problem) = chat(&shop, "c-7", Some("u-000000"), "yes").await;
    assert_eq!(status, StatusCode::CONFLICT, "{problem}");
    let (status, problem) = chat(&shop, "c-7", None, "yes").await;
    assert_eq!(status, StatusCode::CONFLICT, "{problem}");
    let id = ExternalId::parse(&order).unwrap();
    assert_ne!(
        shop.state.engine().store().order(&id).unwrap().unwrap().status.as_str(),
        "cancelled"
    );
}

#[tokio::test]
async fn the_answer_streams_as_server_sent_events_when_asked() {
    let shop = shop();
    let request = Request::builder()
        .method(Method::POST)
        .uri("/v1/assistant/chat")
        .header(header::AUTHORIZATION, format!("Bearer {}", shop.write))
        .header(header::CONTENT_TYPE, "application/json")
        .header(header::ACCEPT, "text/event-stream")
        .body(Body::from(json!({"conversation_id": "s-1", "message": "hello"}).to_string()))
        .unwrap();
    let (status, body, kind) = raw(&shop.app, request).await;
    assert_eq!(status, StatusCode::OK);
    assert!(kind.starts_with("text/event-stream"), "{kind}");
    let text = String::from_utf8(body).unwrap();
    let delta = text.find("event: delta").expect("a delta event");
    let turn = text.find("event: turn").expect("a turn event");
    assert!(delta < turn, "{text}");
    let last = text[turn..].lines().find_map(|l| l.strip_prefix("data: ")).unwrap();
    let answer: Value = serde_json::from_str(last).unwrap();
    assert_eq!(answer["intent"], "greeting", "{answer}");
}

#[tokio::test]
async fn bad_chat_requests_are_clear_400s_and_chat_needs_a_write_key() {
    let shop = shop();
    let (status, problem) = chat(&shop, "c-8", None, "   ").await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(problem["detail"].as_str().unwrap().contains("empty"), "{problem}");
    let (status, problem) = chat(&shop, "bad id with spaces", None, "hi").await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{problem}");
    let (status, _, _) = call(
        &shop.app,
        Method::POST,
        "/v1/assistant/chat",
        Some(&shop.read),
        Some(json!({"conversation_id": "c", "message": "hi"})),
    )
    .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn intents_answer_their_contract() {
    let shop = shop();
    let body =
        json!({"texts": ["I want to cancel my order", "what's the weather tomorrow?", "我要退款"]});
    let (status, answer, _) =
        call(&shop.app, Method::POST, "/v1/nlp/intent", Some(&shop.read), Some(body)).await;
    assert_eq!(status, StatusCode::OK, "{answer}");
    let results = answer["results"].as_array().unwrap();
    assert_eq!(results.len(), 3);
    assert_eq!(results[0]["intent"], "cancel_order");
    assert_eq!(results[1]["intent"], "out_of_scope");
    assert_eq!(results[2]["intent"], "get_refund");
    let (status, _, _) = call(
        &shop.app,
        Method::POST,
        "/v1/nlp/intent",
        Some(&shop.read),
        Some(json!({"texts": []})),
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn the_shop_edits_its_knowledge_base_and_the_assistant_answers_from_it() {
    let shop = shop();
    let entries = json!([{"id": "returns", "language": "en", "intents": ["check_refund_policy"],
        "question": "What is the return policy?", "answer": "Returns are accepted within 60 days."}]);
    let (status, saved, _) =
        call(&shop.app, Method::PUT, "/v1/assistant/knowledge", Some(&shop.admin), Some(entries))
            .await;
    assert_eq!(status, StatusCode::OK, "{saved}");
    let (_, answer) = chat(&shop, "k-1", None, "what is your return policy?").await;
    assert!(answer["reply"].as_str().unwrap().contains("60 days"), "{answer}");
    let bad = json!([{"id": "x", "language": "fr", "question": "q", "answer": "a"}]);
    let (status, problem, _) =
        call(&shop.app, Method::PUT, "/v1/assistant/knowledge", Some(&shop.admin), Some(bad)).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(problem["detail"].as_str().unwrap().contains("`fr`"), "{problem}");
}

#[tokio::test]
async fn a_hand_off_opens_a_ticket_the_dashboard_lists_and_closes() {
    let shop = shop();
    let (_, answer) = chat(&shop, "t-1", Some("u-000001"), "I want to talk to a real person").await;
    assert!(action_types(&answer).contains(&"open_ticket".to_string()), "{answer}");
    let (status, list, _) =
        call(&shop.app, Method::GET, "/v1/assistant/tickets", Some(&shop.admin), None).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(list["open"], 1, "{list}");
    let ticket = &list["tickets"][0];
    assert_eq!(ticket["user_id"], "u-000001");
    assert!(ticket["transcript"]
        .as_array()
        .unwrap()
        .iter()
        .any(|l| l.as_str().unwrap().contains("real person")));
    let id = ticket["id"].as_str().unwrap();
    let uri = format!("/v1/assistant/tickets/{id}/close");
    let (status, closed, _) = call(&shop.app, Method::POST, &uri, Some(&shop.admin), None).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(closed["status"], "closed");
    let (status, _, _) =
        call(&shop.app, Method::POST, "/v1/assistant/tickets/t-99/close", Some(&shop.admin), None)
            .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

#[test]
fn the_scripted_suite_runs_on_the_live_shop_without_an_ungrounded_reply() {
    let shop = shop();
    let scripts =
        aisle_engine::assistant::suite::parse(aisle_engine::assistant::suite::BUILTIN).unwrap();
    let report = aisle_server::assistant_suite(&shop.state, &scripts).unwrap();
    let findings: Vec<String> = report
        .findings
        .iter()
        .map(|f| format!("{} (turn {}): {}", f.script, f.turn, f.problem))
        .collect();
    assert_eq!(report.ungrounded_replies, 0, "{findings:#?}");
    // A 20,000-event shop has few unpaid orders, so some cancellation scripts find no shopper
    // of their own; BENCHMARKS.md runs all 58 on a 200,000-event shop.
    assert!(
        report.conversations >= 40,
        "{} ran, skipped {:?}",
        report.conversations,
        report.skipped
    );
    assert!(report.success_rate() >= 0.9, "{:.2}: {findings:#?}", report.success_rate());
}
