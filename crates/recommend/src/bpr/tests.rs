//! BPR tests on small hand-made matrices whose right answers are known.

use aisle_domain::InteractionMatrix;

use super::*;
use crate::{top_k, Exclusions};

/// Users 0..8 use items 0..4, users 8..16 items 4..8, each skipping one; item 8 untouched.
fn blocks() -> InteractionMatrix {
    let (mut rows, mut items) = (vec![], vec![]);
    for u in 0..16u32 {
        for i in (0..4).filter(|i| i != &(u % 4)) {
            rows.push(u);
            items.push(if u < 8 { i } else { 4 + i });
        }
    }
    let n = rows.len();
    InteractionMatrix::from_columns(16, 9, &rows, &items, &vec![1.0; n], &vec![0; n])
}

fn config() -> BprConfig {
    BprConfig { factors: 8, epochs: 300, learning_rate: 0.05, ..BprConfig::default() }
}

fn train(config: &BprConfig, m: &InteractionMatrix, threads: usize) -> Result<Bpr> {
    fit(config, &TrainData { threads, ..TrainData::new(m) })
}

fn scores(model: &Bpr, query: &Query<'_>) -> Vec<f32> {
    let mut out = vec![f32::NAN; model.n_items()];
    model.score(query, &mut out);
    out
}

#[test]
fn ranks_the_missing_item_of_the_users_block_first() {
    let m = blocks();
    let model = train(&config(), &m, 1).expect("fit");
    for u in 0..16 {
        let (items, weights) = m.row(u);
        for user in [Some(u as u32), None] {
            let s = scores(&model, &Query { user, items, weights, millis: &[] });
            let best = top_k(&s, 1, &Exclusions { items, mask: &[] });
            let missing = if u < 8 { u % 4 } else { 4 + u % 4 };
            assert_eq!(best[0].0 as usize, missing, "user {u} ({user:?}): {s:?}");
        }
    }
}

#[test]
fn one_thread_is_deterministic_and_save_load_is_exact() {
    let m = blocks();
    let a = train(&config(), &m, 1).expect("fit");
    let b = train(&config(), &m, 1).expect("fit");
    assert_eq!(a.item_factors().to_vec(), b.item_factors().to_vec());
    assert_eq!(a.item_bias(), b.item_bias());
    train(&config(), &m, 2).expect("Hogwild with two threads trains too");
    let header = artifact::Header {
        model: "bpr".into(),
        config: serde_json::json!({}),
        n_items: 9,
        n_users: 16,
    };
    let mut bytes = Vec::new();
    a.save(&mut artifact::Writer::start(&mut bytes, &header).expect("start")).expect("save");
    let mut input = bytes.as_slice();
    let (_, mut reader) = artifact::Reader::start(&mut input).expect("header");
    let back = Bpr::load(&mut reader).expect("load");
    for query in
        [Query { user: Some(2), ..Query::default() }, Query { items: &[5, 6], ..Query::default() }]
    {
        assert_eq!(scores(&a, &query), scores(&back, &query));
    }
}

#[test]
fn bad_parameters_and_empty_data_are_refused() {
    let m = blocks();
    let check = |config: BprConfig, parameter: &str| match train(&config, &m, 1) {
        Err(Error::Parameter { model: "bpr", parameter: p, .. }) => assert_eq!(p, parameter),
        other => panic!("{parameter}: expected a parameter error, got {other:?}"),
    };
    check(BprConfig { learning_rate: f32::NAN, ..config() }, "learning_rate");
    check(BprConfig { learning_rate: 0.0, ..config() }, "learning_rate");
    check(BprConfig { factors: 0, ..config() }, "factors");
    check(BprConfig { regularization: -0.1, ..config() }, "regularization");
    check(BprConfig { epochs: 0, ..config() }, "epochs");
    let empty =
        InteractionMatrix { n_rows: 3, n_items: 4, indptr: vec![0; 4], ..Default::default() };
    for m in [InteractionMatrix::default(), empty] {
        assert!(matches!(train(&config(), &m, 1), Err(Error::NoData { .. })));
    }
}

#[test]
fn edge_queries_are_well_defined() {
    let model = train(&BprConfig { epochs: 5, ..config() }, &blocks(), 1).expect("fit");
    // Nothing usable: only the biases speak; never NaN, never out of bounds.
    let s = scores(&model, &Query { user: Some(99), items: &[42], weights: &[], millis: &[] });
    assert_eq!(s, model.item_bias());
    assert_eq!(top_k(&s, 100, &Exclusions::default()).len(), 9);
    let mut long = vec![0.0f32; 11];
    model.score(&Query::default(), &mut long);
    assert_eq!(long[9..], [f32::NEG_INFINITY, f32::NEG_INFINITY]);
}
