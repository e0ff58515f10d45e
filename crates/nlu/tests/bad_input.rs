//! The bad inputs, each with a defined result: model files that are damaged, foreign or from
//! another format version are typed errors; empty, huge and emoji-only texts are classified
//! without a panic.

use aisle_nlu::{Error, IntentModel, LabelledUtterance, TrainConfig, OUT_OF_SCOPE};

fn model() -> IntentModel {
    IntentModel::bundled().expect("the shipped model loads")
}

fn expect_bad_model(bytes: &[u8], reason: &str) {
    match IntentModel::from_bytes(bytes, "test") {
        Err(error @ Error::BadModel { .. }) => {
            let message = error.to_string();
            assert!(message.contains(reason), "{message}");
            assert!(message.contains("aisle assistant train"), "says how to fix it: {message}");
        }
        other => panic!("expected a bad-model error, got {other:?}"),
    }
}

#[test]
fn damaged_foreign_and_old_model_files_are_typed_errors() {
    let bytes = model().to_bytes();
    expect_bad_model(b"", "not an Aisle intent model");
    expect_bad_model(b"PK\x03\x04 a zip file", "not an Aisle intent model");
    expect_bad_model(&bytes[..bytes.len() / 2], "checksum");
    let mut flipped = bytes.clone();
    let middle = flipped.len() / 2;
    flipped[middle] ^= 0x55;
    expect_bad_model(&flipped, "checksum");
    let mut old = bytes.clone();
    old[14..18].copy_from_slice(&0u32.to_le_bytes());
    expect_bad_model(&old, "format version 0");
}

#[test]
fn a_saved_model_loads_back_identically() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("intent.bin");
    let examples: Vec<LabelledUtterance> = (0..30)
        .flat_map(|k| {
            [
                LabelledUtterance::new(format!("where is my order o-{k}"), "track_order"),
                LabelledUtterance::new(format!("cancel order o-{k} please"), "cancel_order"),
                LabelledUtterance::new(format!("我的快递{k}到哪了"), "track_order"),
            ]
        })
        .collect();
    let config = TrainConfig { bits: 12, ..TrainConfig::default() };
    let trained = IntentModel::train(&examples, &config).expect("trains");
    trained.save(&path).expect("saves");
    let loaded = IntentModel::load(&path).expect("loads");
    for text in ["where is o-5", "cancel o-9", "快递到哪了", ""] {
        assert_eq!(trained.classify(text), loaded.classify(text), "{text:?}");
    }
    assert_eq!(loaded.classify("where is my order o-77").intent, "track_order");
    let missing = IntentModel::load(&dir.path().join("nope.bin")).expect_err("missing file");
    assert!(matches!(missing, Error::Io { .. }), "{missing}");
}

#[test]
fn empty_huge_and_emoji_texts_are_defined() {
    let model = model();
    for text in ["", "   ", "😀", "👍👍👍🔥", "\u{0}\u{1}", "？？？"] {
        let got = model.classify(text);
        assert_eq!(got.intent, OUT_OF_SCOPE, "{text:?}");
        assert!(!got.ambiguous);
    }
    let huge = "where is my order o-123 ".repeat(100_000 / 24 + 1);
    assert!(huge.chars().count() >= 100_000);
    assert_eq!(model.classify(&huge).intent, "track_order");
    let chinese = "我的快递到哪了".repeat(15_000);
    assert_eq!(model.classify(&chinese).intent, "track_order");
}
