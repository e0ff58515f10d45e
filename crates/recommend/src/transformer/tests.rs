//! The transformer behind the recommender trait: time order, round trips, defined results.

use aisle_domain::InteractionMatrix;

use super::*;
use crate::registry::{self, ModelConfig};
use crate::top_k;

/// Every shopper walks the same cycle of 12 items from a different start: the next item is
/// always the current one plus 1, which no co-occurrence model can tell from the previous one.
fn cycles() -> InteractionMatrix {
    let (mut rows, mut items, mut weights, mut millis) = (vec![], vec![], vec![], vec![]);
    for user in 0..120u32 {
        for step in 0..8u32 {
            rows.push(user);
            items.push((user + step) % 12);
            weights.push(1.0);
            millis.push(i64::from(step) * 1000);
        }
    }
    InteractionMatrix::from_columns(120, 12, &rows, &items, &weights, &millis)
}

fn small() -> TransformerConfig {
    TransformerConfig {
        dim: 16,
        heads: 2,
        max_len: 8,
        dropout: 0.0,
        epochs: 60,
        batch_size: 32,
        learning_rate: 5e-3,
        warmup_steps: 10,
        patience: 0,
        validate_every: 10,
        refit: false,
        ..TransformerConfig::default()
    }
}

fn fitted() -> (ModelConfig, Box<dyn Recommender>) {
    let matrix = cycles();
    let config = ModelConfig::Transformer(small());
    let data = TrainData { threads: 1, ..TrainData::new(&matrix) };
    let model = registry::fit(&config, &data).expect("fit");
    (config, model)
}

fn best(model: &dyn Recommender, items: &[u32], millis: &[i64]) -> u32 {
    let mut scores = vec![0.0; model.n_items()];
    let query = Query { user: None, items, weights: &[], millis };
    model.score(&query, &mut scores);
    top_k(&scores, 1, &crate::Exclusions { items: &[], mask: &[] })[0].0
}

#[test]
fn learns_what_comes_next_in_time_order() {
    let (_, model) = fitted();
    assert_eq!(best(model.as_ref(), &[3, 4, 5], &[]), 6);
    // The same items, but the times say 5 came first and 3 last: the next item follows 3.
    assert_eq!(best(model.as_ref(), &[3, 4, 5], &[30, 20, 10]), 4);
}

#[test]
fn saved_models_score_exactly_as_before_and_corruption_is_caught() {
    let (config, model) = fitted();
    let mut bytes = Vec::new();
    registry::save(model.as_ref(), &config, 120, &mut bytes).expect("save");
    let (loaded_config, loaded) = registry::load(&mut bytes.as_slice()).expect("load");
    assert_eq!(loaded_config, config);
    let (mut a, mut b) = (vec![0.0; 12], vec![0.0; 12]);
    let query = Query { user: None, items: &[7, 8], weights: &[], millis: &[] };
    model.score(&query, &mut a);
    loaded.score(&query, &mut b);
    assert_eq!(a, b);
    let last = bytes.len() - 20;
    bytes[last] ^= 0xff;
    let error = registry::load(&mut bytes.as_slice()).err().expect("corrupt file accepted");
    assert!(error.to_string().contains("corrupt"), "{error}");
    bytes.truncate(bytes.len() / 2);
    assert!(registry::load(&mut bytes.as_slice()).is_err());
}

#[test]
fn empty_and_unknown_histories_have_a_defined_result() {
    let (_, model) = fitted();
    let mut scores = vec![1.0; 12];
    model.score(&Query { user: None, items: &[], weights: &[], millis: &[] }, &mut scores);
    assert!(scores.iter().all(|&s| s == 0.0));
    // Item 99 was added after training: ignored, the rest of the history still counts.
    assert_eq!(best(model.as_ref(), &[3, 4, 99], &[]), 5);
}

#[test]
fn training_needs_sequences_of_two() {
    let matrix = InteractionMatrix::from_columns(2, 3, &[0, 1], &[0, 1], &[1.0, 1.0], &[0, 0]);
    let data = TrainData { threads: 1, ..TrainData::new(&matrix) };
    let error = fit(&small(), &data).expect_err("trained on nothing");
    assert!(error.to_string().contains("two or more items"), "{error}");
    let bad = TransformerConfig { heads: 3, ..small() };
    assert!(matches!(validate(&bad), Err(Error::Parameter { parameter: "heads", .. })));
}

#[test]
fn shared_tokens_become_attributes() {
    let item = |brand: &str, cat: &str| ItemText {
        brand: Some(brand.into()),
        categories: vec![cat.into()],
        ..ItemText::default()
    };
    let catalog = catalog(3, &[item("acme", "soap"), item("acme", "gel"), item("zeta", "soap")]);
    // acme (2 items) and soap (2 items) qualify; gel and zeta are on one item each.
    assert_eq!(catalog.n_attributes, 2);
    assert_eq!(catalog.attributes[0].len(), 2);
    assert_eq!(catalog.attributes[1].len(), 1);
    assert_eq!(catalog.attributes[2].len(), 1);
}

#[test]
fn a_work_directory_holds_checkpoints_only_while_training() {
    let matrix = cycles();
    let dir = tempfile::tempdir().expect("dir");
    let work = dir.path().join("work");
    // A stale checkpoint from another catalog is discarded, not an error.
    std::fs::create_dir_all(&work).expect("mkdir");
    std::fs::write(work.join("checkpoint.seq"), b"AISLESEQ stale").expect("write");
    let config = TransformerConfig { epochs: 4, validate_every: 2, refit: true, ..small() };
    let data = TrainData { threads: 1, work_dir: Some(&work), ..TrainData::new(&matrix) };
    let model = fit(&config, &data).expect("fit");
    assert_eq!(model.n_items(), 12);
    assert!(!work.exists(), "the checkpoint is removed once the model is trained");
}
