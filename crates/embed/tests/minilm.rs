//! The real default model, all-MiniLM-L6-v2, from the directory named by `AISLE_EMBED_MODEL`
//! (CI sets it; elsewhere these tests note the gap and pass). Checks what sentence-transformers
//! users rely on: similar sentences score high, vectors have unit length, batching changes
//! nothing, and the packed forward pass equals the textbook one on the real weights.

mod support;

use std::collections::HashMap;
use std::sync::OnceLock;

use aisle_embed::Encoder;
use support::{cosine, max_difference, model_dir, reference};

/// One load shared by the tests of a process (nextest runs each test in its own).
fn encoder() -> Option<&'static Encoder> {
    static ENCODER: OnceLock<Option<Encoder>> = OnceLock::new();
    ENCODER
        .get_or_init(|| {
            model_dir().map(|dir| Encoder::load(&dir).expect("AISLE_EMBED_MODEL loads"))
        })
        .as_ref()
}

fn embed(encoder: &Encoder, text: &str) -> Vec<f32> {
    encoder.encode(&[text]).expect("encodes").remove(0)
}

#[test]
fn describes_itself() {
    let Some(encoder) = encoder() else { return };
    assert_eq!(encoder.dims(), 384);
    assert_eq!(encoder.architecture().layers, 6);
    // sentence_bert_config.json's max_seq_length, as sentence-transformers truncates.
    assert_eq!(encoder.architecture().max_tokens, 256);
    assert!(!encoder.model_name().is_empty() && encoder.model_name() != "model");
    let dir = model_dir().unwrap();
    assert_eq!(Encoder::load(&dir).unwrap().fingerprint(), encoder.fingerprint());
}

#[test]
fn similar_sentences_score_higher() {
    let Some(encoder) = encoder() else { return };
    let food = embed(encoder, "A man is eating food.");
    let bread = embed(encoder, "A man is eating a piece of bread.");
    let baby = embed(encoder, "The girl is carrying a baby.");
    let (near, far) = (cosine(&food, &bread), cosine(&food, &baby));
    assert!(near > 0.6, "food vs bread {near}");
    assert!(far < near - 0.3, "food vs baby {far}, vs bread {near}");
}

#[test]
fn queries_find_their_products() {
    let Some(encoder) = encoder() else { return };
    let query = embed(encoder, "running shoes");
    let shoes = embed(encoder, "Lightweight Running Shoes - Blue");
    let wok = embed(encoder, "Ceramic Wok");
    assert!(cosine(&query, &shoes) > cosine(&query, &wok) + 0.3);
}

#[test]
fn vectors_have_unit_length_and_batching_changes_nothing() {
    let Some(encoder) = encoder() else { return };
    let texts = [
        "A man is eating food.",
        "",
        "Stainless steel 12-inch frying pan with lid",
        "USB-C charging cable, 2 m, braided",
        "Organic green tea — 100 bags",
        "跑步鞋",
        "x",
    ];
    let together = encoder.encode(&texts).unwrap();
    for (text, vector) in texts.iter().zip(&together) {
        assert_eq!(vector.len(), 384);
        assert!((cosine(vector, vector) - 1.0).abs() < 1e-5, "{text:?}");
        let alone = embed(encoder, text);
        let difference = max_difference(&alone, vector);
        assert!(difference < 1e-4, "{text:?} differs by {difference} in a batch");
    }
}

#[test]
fn matches_the_textbook_forward_pass_on_the_real_weights() {
    let Some(encoder) = encoder() else { return };
    let dir = model_dir().unwrap();
    let tensors: HashMap<_, _> =
        candle_core::safetensors::load(dir.join("model.safetensors"), &candle_core::Device::Cpu)
            .unwrap();
    let heads = encoder.architecture().heads;
    let long = "A handmade ceramic wok with a wooden handle, for stir-frying. ".repeat(4);
    for text in ["A man is eating food.", "", "Lightweight Running Shoes - Blue", long.as_str()] {
        let ids = support::token_ids(&dir, text, 256);
        let want = reference(&tensors, heads, false, &ids);
        let difference = max_difference(&embed(encoder, text), &want);
        assert!(difference < 1e-4, "{text:?} differs by {difference}");
    }
}

#[test]
fn long_and_empty_texts_embed() {
    let Some(encoder) = encoder() else { return };
    let long: String = "Genuine leather wallet with coin pocket and RFID blocking. "
        .chars()
        .cycle()
        .take(10_000)
        .collect();
    assert_eq!(encoder.token_count(&long).unwrap(), 256);
    assert_eq!(encoder.token_count("").unwrap(), 2);
    for text in [long.as_str(), ""] {
        let vector = embed(encoder, text);
        assert!(vector.iter().all(|v| v.is_finite()));
        assert!((cosine(&vector, &vector) - 1.0).abs() < 1e-5);
    }
}

#[test]
fn chinese_text_is_mostly_unknown_to_an_english_vocabulary() {
    let Some(encoder) = encoder() else { return };
    assert!(encoder.unknown_share("轻便跑步鞋 蓝色") > 0.8);
    assert!(encoder.unknown_share("不粘锅陶瓷炒锅") > 0.8);
    assert_eq!(encoder.unknown_share("Lightweight Running Shoes - Blue"), 0.0);
    assert_eq!(encoder.unknown_share(""), 0.0);
}
