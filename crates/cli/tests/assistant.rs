//! End-to-end tests of `aisle assistant` on a generated shop: intents as the API's contract, a
//! policy answer, a cancellation that waits for the shopper's yes across two invocations of one
//! conversation id (each invocation is its own process, so it must propose again, never act),
//! the tickets list, and the training command's answer to a missing data directory.

mod common;

use common::{aisle, text};

#[test]
fn intents_print_the_api_contract_with_rounded_confidences() {
    let dir = tempfile::tempdir().expect("dir");
    let out = aisle(
        dir.path(),
        &["assistant", "intent", "--json", "cancel my order", "what's the weather tomorrow?"],
    );
    assert!(out.status.success(), "{}", text(&out));
    let answer: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
    assert_eq!(answer["results"][0]["intent"], "cancel_order");
    assert_eq!(answer["results"][1]["intent"], "out_of_scope");
    let confidence = answer["results"][0]["confidence"].as_f64().expect("a number");
    assert_eq!((confidence * 1000.0).round() / 1000.0, confidence, "rounded to 3 decimals");
}

#[test]
fn chat_answers_policies_and_never_cancels_without_a_yes() {
    let dir = tempfile::tempdir().expect("dir");
    let out = aisle(dir.path(), &["generate", "--events", "20000"]);
    assert!(out.status.success(), "{}", text(&out));
    let out = aisle(dir.path(), &["assistant", "chat", "--json", "what is your return policy?"]);
    assert!(out.status.success(), "{}", text(&out));
    let answer: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
    assert!(answer["reply"].as_str().expect("reply").contains("30 days"), "{answer}");

    let out = aisle(dir.path(), &["assistant", "chat", "--user", "u-000001", "cancel my order"]);
    assert!(out.status.success(), "{}", text(&out));
    assert!(text(&out).contains("order number"), "{}", text(&out));
    // A yes in a new process has no proposal to answer: nothing is cancelled.
    let out = aisle(dir.path(), &["assistant", "chat", "--json", "--user", "u-000001", "yes"]);
    let answer: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
    assert!(!answer["actions"].to_string().contains("cancel_order"), "{answer}");

    let out = aisle(
        dir.path(),
        &["assistant", "chat", "--user", "u-000001", "I want to talk to a person"],
    );
    assert!(out.status.success(), "{}", text(&out));
    let out = aisle(dir.path(), &["assistant", "tickets"]);
    assert!(text(&out).contains("handoff") && text(&out).contains("u-000001"), "{}", text(&out));
}

#[test]
fn training_without_the_shared_data_says_where_it_looked() {
    let dir = tempfile::tempdir().expect("dir");
    let missing = dir.path().join("nowhere");
    let out =
        aisle(dir.path(), &["assistant", "train", "--data", missing.to_str().expect("utf-8")]);
    assert!(!out.status.success());
    assert!(text(&out).contains("bitext-customer-support"), "{}", text(&out));
}
