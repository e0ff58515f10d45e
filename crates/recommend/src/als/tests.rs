//! ALS tests on small hand-made matrices whose right answers are known.

use aisle_domain::InteractionMatrix;

use super::*;
use crate::{top_k, Exclusions, TrainData};

fn matrix(n_users: usize, n_items: usize, pairs: &[(u32, u32)]) -> InteractionMatrix {
    let rows: Vec<u32> = pairs.iter().map(|p| p.0).collect();
    let items: Vec<u32> = pairs.iter().map(|p| p.1).collect();
    let ones = vec![1.0; pairs.len()];
    let times = vec![0; pairs.len()];
    InteractionMatrix::from_columns(n_users, n_items, &rows, &items, &ones, &times)
}

/// Two blocks: users 0..6 use items 0..4, users 6..12 use items 4..8; each user skips one
/// item of its block, which must come first among the unseen; item 8 is never touched.
fn blocks() -> InteractionMatrix {
    let mut pairs = vec![];
    for u in 0..12u32 {
        let base = if u < 6 { 0 } else { 4 };
        for i in (0..4).filter(|i| i != &(u % 4)) {
            pairs.push((u, base + i));
        }
    }
    matrix(12, 9, &pairs)
}

fn config() -> AlsConfig {
    AlsConfig {
        factors: 4,
        iterations: 30,
        alpha: 10.0,
        regularization: 0.1,
        ..AlsConfig::default()
    }
}

fn train(config: &AlsConfig, m: &InteractionMatrix, threads: usize) -> Result<Als> {
    fit(config, &TrainData { threads, ..TrainData::new(m) })
}

fn scores(model: &Als, query: &Query<'_>) -> Vec<f32> {
    let mut out = vec![f32::NAN; model.n_items()];
    model.score(query, &mut out);
    out
}

#[test]
fn recovers_the_blocks_and_ranks_the_missing_item_first() {
    let m = blocks();
    let model = train(&config(), &m, 1).expect("fit");
    for u in 0..12 {
        let (items, weights) = m.row(u);
        let s = scores(&model, &Query { user: Some(u as u32), items, weights, millis: &[] });
        assert!(s.iter().all(|v| v.is_finite()), "user {u}: {s:?}");
        let best = top_k(&s, 1, &Exclusions { items, mask: &[] });
        let missing = if u < 6 { u % 4 } else { 4 + u % 4 };
        assert_eq!(best[0].0 as usize, missing, "user {u}: {s:?}");
        // Items of the other block and the untouched item score below the missing own item.
        let others: Vec<usize> =
            if u < 6 { (4..9).collect() } else { (0..4).chain(8..9).collect() };
        assert!(others.iter().all(|&i| s[i] < s[missing]), "user {u}: {s:?}");
    }
    assert!(model.item_factors().row(8).is_some_and(|r| r.iter().all(|&v| v == 0.0)));
}

#[test]
fn fold_in_of_a_training_history_matches_the_stored_user() {
    let m = blocks();
    for (scale_regularization, u) in [(true, 0usize), (true, 7), (false, 0), (false, 7)] {
        let config = AlsConfig { iterations: 60, scale_regularization, ..config() };
        let model = train(&config, &m, 1).expect("fit");
        let (items, weights) = m.row(u);
        let stored = scores(&model, &Query { user: Some(u as u32), items, weights, millis: &[] });
        let folded = scores(&model, &Query { user: None, items, weights, millis: &[] });
        for (a, b) in stored.iter().zip(&folded) {
            assert!((a - b).abs() < 1e-3, "user {u}: stored {stored:?} folded {folded:?}");
        }
        // A known user with a different history is folded in from that history.
        let other = [5u32, 6];
        let changed = scores(
            &model,
            &Query { user: Some(u as u32), items: &other, weights: &[], millis: &[] },
        );
        assert_eq!(
            changed,
            scores(&model, &Query { user: None, items: &other, weights: &[], millis: &[] })
        );
    }
}

#[test]
fn a_seed_gives_the_same_model_with_any_thread_count() {
    let m = blocks();
    let one = train(&config(), &m, 1).expect("fit");
    let again = train(&config(), &m, 1).expect("fit");
    let two = train(&config(), &m, 2).expect("fit");
    assert_eq!(one.user_factors().to_vec(), again.user_factors().to_vec());
    assert_eq!(one.item_factors().to_vec(), again.item_factors().to_vec());
    assert_eq!(one.user_factors().to_vec(), two.user_factors().to_vec());
    let other_seed = train(&AlsConfig { seed: 7, ..config() }, &m, 1).expect("fit");
    assert_ne!(one.item_factors().to_vec(), other_seed.item_factors().to_vec());
}

#[test]
fn save_then_load_scores_identically() {
    let m = blocks();
    // 5 factors exercise the padded layout, 16 the unpadded one.
    for factors in [5, 16] {
        let model = train(&AlsConfig { factors, ..config() }, &m, 1).expect("fit");
        let header = artifact::Header {
            model: "als".into(),
            config: serde_json::json!({}),
            n_items: 9,
            n_users: 12,
        };
        let mut bytes = Vec::new();
        let mut writer = artifact::Writer::start(&mut bytes, &header).expect("start");
        model.save(&mut writer).expect("save");
        let mut input = bytes.as_slice();
        let (_, mut reader) = artifact::Reader::start(&mut input).expect("header");
        let back = Als::load(&mut reader).expect("load");
        assert_eq!(back.factors(), factors);
        for query in [
            Query { user: Some(3), items: m.row(3).0, weights: m.row(3).1, millis: &[] },
            Query { user: None, items: &[1, 2], weights: &[1.0, 3.0], millis: &[] },
        ] {
            assert_eq!(scores(&model, &query), scores(&back, &query));
        }
        let mut short = &bytes[..bytes.len() - 9];
        let (_, mut reader) = artifact::Reader::start(&mut short).expect("header");
        assert!(matches!(Als::load(&mut reader), Err(Error::Artifact(_))));
    }
}

#[test]
fn bad_parameters_are_refused_by_name() {
    let m = blocks();
    let check = |config: AlsConfig, parameter: &str| match train(&config, &m, 1) {
        Err(Error::Parameter { model: "als", parameter: p, .. }) => assert_eq!(p, parameter),
        other => panic!("{parameter}: expected a parameter error, got {other:?}"),
    };
    check(AlsConfig { alpha: f32::NAN, ..config() }, "alpha");
    check(AlsConfig { alpha: f32::INFINITY, ..config() }, "alpha");
    check(AlsConfig { factors: 0, ..config() }, "factors");
    check(AlsConfig { factors: 5000, ..config() }, "factors");
    check(AlsConfig { regularization: -1.0, ..config() }, "regularization");
    check(AlsConfig { iterations: 0, ..config() }, "iterations");
    check(AlsConfig { cg_steps: 0, ..config() }, "cg_steps");
    check(AlsConfig { log_scaling: true, epsilon: 0.0, ..config() }, "epsilon");
    let text = r#"{"factors": 8, "alpha": 2.0, "shrink": 1}"#;
    assert!(serde_json::from_str::<AlsConfig>(text).is_err(), "unknown fields are refused");
    let partial: AlsConfig = serde_json::from_str(r#"{"factors": 8}"#).expect("defaults fill in");
    assert_eq!(partial, AlsConfig { factors: 8, ..AlsConfig::default() });
}

#[test]
fn empty_or_broken_matrices_are_no_data() {
    for m in [
        InteractionMatrix::default(),
        matrix(3, 4, &[]),
        matrix(0, 4, &[]),
        matrix(3, 0, &[]),
        InteractionMatrix {
            n_rows: 2,
            n_items: 2,
            indptr: vec![0, 1],
            ..InteractionMatrix::default()
        },
    ] {
        assert!(
            matches!(train(&config(), &m, 1), Err(Error::NoData { model: "als", .. })),
            "{m:?}"
        );
    }
}

#[test]
fn edge_queries_are_well_defined() {
    let m = matrix(1, 5, &[(0, 0), (0, 1)]);
    let model = train(&config(), &m, 1).expect("one user is enough");
    // Unknown user, out-of-range and invalid entries ignored, nothing left: all zero scores.
    let nothing = Query { user: Some(99), items: &[7, 3], weights: &[1.0, f32::NAN], millis: &[] };
    assert_eq!(scores(&model, &nothing), vec![0.0; 5]);
    // Items nobody touched score 0, never NaN.
    let s = scores(&model, &Query { user: Some(0), items: &[], weights: &[], millis: &[] });
    assert!(s.iter().all(|v| v.is_finite()) && s[2..] == [0.0, 0.0, 0.0], "{s:?}");
    // K beyond the catalog returns what there is.
    assert_eq!(top_k(&s, 100, &Exclusions { items: &[0], mask: &[] }).len(), 4);
    // A score buffer of the wrong length is filled as far as it goes, never out of bounds.
    let mut long = vec![1.0f32; 7];
    model.score(&Query::default(), &mut long);
    assert_eq!(&long[5..], &[f32::NEG_INFINITY, f32::NEG_INFINITY]);
    model.score(&Query::default(), &mut [0.0; 2]);
}

#[test]
fn progress_reports_every_iteration_and_the_loss_falls() {
    let m = blocks();
    let mut seen = vec![];
    let config = AlsConfig { compute_loss: true, iterations: 5, ..config() };
    let data = TrainData { threads: 1, ..TrainData::new(&m) };
    fit_with_progress(&config, &data, &mut |it, loss| seen.push((it, loss))).expect("fit");
    assert_eq!(seen.iter().map(|s| s.0).collect::<Vec<_>>(), vec![1, 2, 3, 4, 5]);
    let losses: Vec<f32> = seen.iter().filter_map(|s| s.1).collect();
    assert_eq!(losses.len(), 5);
    assert!(losses[4] < losses[0] && losses.iter().all(|l| l.is_finite()), "{losses:?}");
}

#[test]
fn log_scaling_changes_the_confidence_only() {
    let linear = AlsConfig { alpha: 2.0, ..AlsConfig::default() };
    let log = AlsConfig { log_scaling: true, epsilon: 1.0, ..linear.clone() };
    assert_eq!(linear.confidence(3.0), 7.0);
    assert!((log.confidence(3.0) - (1.0 + 2.0 * 4f32.ln())).abs() < 1e-6);
    assert_eq!(linear.confidence(-1.0), 0.0);
    assert_eq!(linear.confidence(f32::INFINITY), 0.0);
}
