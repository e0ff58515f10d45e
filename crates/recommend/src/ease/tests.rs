//! EASE tests on hand-made matrices: the weights against a naive Gauss-Jordan reference, the
//! edge cases every model must handle, and the artifact round trip.

use aisle_domain::{Interaction, InteractionMatrix};

use super::*;
use crate::{top_k, Exclusions};

/// A matrix from `(user, item, weight)` triples.
fn matrix(n_users: usize, n_items: usize, pairs: &[(u32, u32, f32)]) -> InteractionMatrix {
    let interactions: Vec<Interaction> = pairs
        .iter()
        .map(|&(row, item, weight)| Interaction { row, item, weight, millis: 0 })
        .collect();
    InteractionMatrix::from_interactions(n_users, n_items, &interactions)
}

fn train(m: &InteractionMatrix, config: &EaseConfig) -> Result<Ease> {
    fit(config, &TrainData { threads: 1, ..TrainData::new(m) })
}

fn scores(model: &Ease, items: &[u32], weights: &[f32]) -> Vec<f32> {
    let mut out = vec![f32::NAN; model.n_items()];
    model.score(&Query { user: None, items, weights, millis: &[] }, &mut out);
    out
}

/// The inverse of a small dense matrix by Gauss-Jordan elimination with partial pivoting.
fn gauss_jordan_inverse(mut a: Vec<Vec<f64>>) -> Vec<Vec<f64>> {
    let n = a.len();
    let mut inv: Vec<Vec<f64>> =
        (0..n).map(|i| (0..n).map(|j| if i == j { 1.0 } else { 0.0 }).collect()).collect();
    for c in 0..n {
        let p = (c..n).max_by(|&x, &y| a[x][c].abs().total_cmp(&a[y][c].abs())).unwrap_or(c);
        a.swap(c, p);
        inv.swap(c, p);
        let d = a[c][c];
        for j in 0..n {
            a[c][j] /= d;
            inv[c][j] /= d;
        }
        for r in (0..n).filter(|&r| r != c) {
            let f = a[r][c];
            for j in 0..n {
                a[r][j] -= f * a[c][j];
                inv[r][j] -= f * inv[c][j];
            }
        }
    }
    inv
}

/// EASE's `B` computed the textbook way, densely, in f64.
fn naive_weights(m: &InteractionMatrix, lambda: f64, binarize: bool) -> Vec<Vec<f64>> {
    let n = m.n_items;
    let mut g = vec![vec![0.0f64; n]; n];
    for r in 0..m.n_rows {
        let (items, weights) = m.row(r);
        let x = |k: usize| if binarize { 1.0 } else { f64::from(weights[k]) };
        for a in 0..items.len() {
            for b in 0..items.len() {
                g[items[a] as usize][items[b] as usize] += x(a) * x(b);
            }
        }
    }
    for (i, row) in g.iter_mut().enumerate() {
        row[i] += lambda;
    }
    let p = gauss_jordan_inverse(g);
    (0..n)
        .map(|i| (0..n).map(|j| if i == j { 0.0 } else { -p[i][j] / p[j][j] }).collect())
        .collect()
}

/// Fits `m` and checks every weight against the naive reference, in both precisions.
fn check_against_naive(m: &InteractionMatrix, lambda: f32, binarize: bool) {
    let expected = naive_weights(m, f64::from(lambda), binarize);
    for double_precision in [false, true] {
        let config = EaseConfig { lambda, binarize, double_precision, ..Default::default() };
        let model = match train(m, &config) {
            Ok(model) => model,
            Err(e) => panic!("fit failed: {e}"),
        };
        for i in 0..m.n_items as u32 {
            for j in 0..m.n_items as u32 {
                let got = model.weight(i, j).map_or(f64::NAN, f64::from);
                let want = expected[i as usize][j as usize];
                assert!(
                    (got - want).abs() < 1e-5 * want.abs().max(1.0),
                    "B[{i}][{j}] = {got}, expected {want} (lambda {lambda}, binarize {binarize}, f64 {double_precision})"
                );
            }
        }
    }
}

#[test]
fn weights_match_a_naive_gauss_jordan_inverse() {
    let m = matrix(
        5,
        4,
        &[
            (0, 0, 1.0),
            (0, 1, 2.0),
            (1, 1, 1.0),
            (1, 2, 3.0),
            (2, 0, 1.0),
            (2, 2, 1.0),
            (2, 3, 5.0),
            (3, 3, 1.0),
            (3, 1, 1.0),
            (4, 0, 1.0),
            (4, 1, 1.0),
            (4, 2, 1.0),
            (4, 3, 1.0),
        ],
    );
    check_against_naive(&m, 1.0, true);
    check_against_naive(&m, 0.1, true);
    check_against_naive(&m, 7.5, false);
    // Larger than faer's recursion thresholds, so the blocked paths run too.
    let pairs: Vec<(u32, u32, f32)> = (0..60u32)
        .flat_map(|u| (0..70u32).filter(move |i| (u * 7 + i * 3) % 5 < 2).map(move |i| (u, i, 1.0)))
        .collect();
    check_against_naive(&matrix(60, 70, &pairs), 2.0, true);
}

#[test]
fn the_diagonal_is_zero_and_scores_are_history_times_b() {
    let m = matrix(3, 3, &[(0, 0, 1.0), (0, 1, 1.0), (1, 1, 1.0), (1, 2, 1.0), (2, 0, 1.0)]);
    let model = train(&m, &EaseConfig { lambda: 0.5, ..Default::default() }).expect("fit");
    for i in 0..3 {
        assert_eq!(model.weight(i, i), Some(0.0));
    }
    let got = scores(&model, &[0, 2], &[]);
    for (j, &s) in got.iter().enumerate() {
        let j = j as u32;
        let want = model.weight(0, j).unwrap_or(f32::NAN) + model.weight(2, j).unwrap_or(f32::NAN);
        assert!((s - want).abs() < 1e-6, "item {j}: {s} vs {want}");
    }
    // Duplicates count once when binarised; unknown items are ignored; weights do not matter.
    assert_eq!(scores(&model, &[0, 2, 2, 99, u32::MAX], &[3.0, 1.0, 9.0]), got);
}

#[test]
fn save_then_load_scores_identically() {
    let m = matrix(4, 6, &[(0, 0, 1.0), (0, 1, 2.0), (1, 1, 1.0), (2, 3, 4.0), (3, 0, 1.0)]);
    for config in [
        EaseConfig::default(),
        EaseConfig { binarize: false, lambda: 2.0, ..Default::default() },
        EaseConfig { max_items: Some(2), lambda: 1.0, ..Default::default() },
    ] {
        let model = train(&m, &config).expect("fit");
        let mut bytes = Vec::new();
        let header = artifact::Header {
            model: NAME.into(),
            config: serde_json::json!({}),
            n_items: model.n_items(),
            n_users: 4,
        };
        let mut writer = artifact::Writer::start(&mut bytes, &header).expect("start");
        model.save(&mut writer).expect("save");
        let mut input = bytes.as_slice();
        let (_, mut reader) = artifact::Reader::start(&mut input).expect("header");
        let back = Ease::load(&mut reader).expect("load");
        assert_eq!(back, model);
        for history in [&[0u32, 1][..], &[3], &[], &[5, 2]] {
            let weights = vec![2.0; history.len()];
            assert_eq!(scores(&back, history, &weights), scores(&model, history, &weights));
        }
    }
}

#[test]
fn bad_hyper_parameters_are_refused_by_name() {
    let m = matrix(1, 2, &[(0, 0, 1.0), (0, 1, 1.0)]);
    let check = |config: EaseConfig, parameter: &str| match train(&m, &config) {
        Err(Error::Parameter { parameter: p, .. }) => assert_eq!(p, parameter),
        other => panic!("{config:?}: expected a {parameter} error, got {other:?}"),
    };
    for lambda in [f32::NAN, f32::INFINITY, -1.0, 0.0] {
        check(EaseConfig { lambda, ..Default::default() }, "lambda");
    }
    check(EaseConfig { max_items: Some(0), ..Default::default() }, "max_items");
    for gb in [f64::NAN, -1.0, 0.0] {
        check(EaseConfig { max_memory_gb: Some(gb), ..Default::default() }, "max_memory_gb");
    }
}

#[test]
fn a_config_reads_partial_json_and_refuses_unknown_keys() {
    let parsed: EaseConfig = serde_json::from_str(r#"{"lambda": 80}"#).expect("parse");
    assert_eq!(parsed, EaseConfig { lambda: 80.0, ..Default::default() });
    assert!(serde_json::from_str::<EaseConfig>(r#"{"lamda": 80}"#).is_err());
}

#[test]
fn nothing_to_learn_is_no_data() {
    for m in [matrix(0, 0, &[]), matrix(0, 5, &[]), matrix(3, 0, &[]), matrix(3, 4, &[])] {
        let result = train(&m, &EaseConfig::default());
        assert!(matches!(result, Err(Error::NoData { .. })), "{m:?}: {result:?}");
    }
}

#[test]
fn a_catalog_too_large_is_refused_before_allocating() {
    // 300,000 distinct touched items would need 2 × 4 × 300,000² bytes = 720 GB; the refusal
    // must come from the estimate, since trying would abort the test process.
    let pairs: Vec<(u32, u32, f32)> = (0..300_000u32).map(|i| (i % 7, i, 1.0)).collect();
    let m = matrix(7, 300_000, &pairs);
    match train(&m, &EaseConfig::default()) {
        Err(Error::TooLarge { detail, .. }) => {
            for part in ["300000 items", "GiB", "max_items", "item-knn", "als"] {
                assert!(detail.contains(part), "{part:?} missing from {detail:?}");
            }
        }
        other => panic!("expected TooLarge, got {other:?}"),
    }
    // The budget is configurable, and max_items brings the same data back into it.
    let tight = EaseConfig { max_memory_gb: Some(1e-6), ..Default::default() };
    assert!(matches!(train(&m, &tight), Err(Error::TooLarge { .. })));
    let cut = EaseConfig { max_items: Some(100), ..Default::default() };
    assert_eq!(train(&m, &cut).map(|e| e.modelled_items().len()).ok(), Some(100));
}

#[test]
fn untouched_and_cut_items_score_finite_and_last() {
    // Items 3 and 4 have no interactions; item 2 is the least popular.
    let m = matrix(
        4,
        5,
        &[
            (0, 0, 1.0),
            (0, 1, 1.0),
            (1, 0, 1.0),
            (1, 1, 1.0),
            (2, 0, 1.0),
            (2, 2, 1.0),
            (3, 1, 1.0),
        ],
    );
    let full = train(&m, &EaseConfig { lambda: 1.0, ..Default::default() }).expect("fit");
    assert_eq!(full.modelled_items(), &[0, 1, 2]);
    let cut = train(&m, &EaseConfig { lambda: 1.0, max_items: Some(2), ..Default::default() })
        .expect("fit");
    assert_eq!(cut.modelled_items(), &[0, 1]);
    for (model, outside) in [(&full, &[3u32, 4][..]), (&cut, &[2, 3, 4])] {
        for history in [&[0u32][..], &[], &[4], &[2, 1]] {
            let s = scores(model, history, &[]);
            assert!(s.iter().all(|v| v.is_finite()), "{s:?}");
            let worst_modelled =
                model.modelled_items().iter().map(|&i| s[i as usize]).fold(f32::INFINITY, f32::min);
            assert!(outside.iter().all(|&i| s[i as usize] < worst_modelled), "{s:?}");
        }
    }
    // K past the catalog returns every item once, outside items last.
    let ranked = top_k(&scores(&cut, &[0], &[]), 50, &Exclusions::default());
    assert_eq!(ranked.len(), 5);
    assert_eq!(ranked[2..].iter().map(|r| r.0).collect::<Vec<_>>(), vec![2, 3, 4]);
}

#[test]
fn one_user_trains_and_recommends_the_co_occurring_item() {
    let m = matrix(1, 3, &[(0, 0, 1.0), (0, 1, 1.0)]);
    let model = train(&m, &EaseConfig { lambda: 1.0, ..Default::default() }).expect("fit");
    let s = scores(&model, &[0], &[]);
    assert!(s[1] > 0.0 && s[1] > s[2], "{s:?}");
    // Scoring into a short buffer never panics.
    model.score(&Query { user: Some(7), items: &[0], weights: &[], millis: &[] }, &mut [0.0; 1]);
}

#[test]
fn weighted_history_uses_its_weights_and_drops_bad_ones() {
    let m = matrix(3, 3, &[(0, 0, 2.0), (0, 1, 1.0), (1, 1, 3.0), (1, 2, 1.0), (2, 0, 1.0)]);
    let config = EaseConfig { lambda: 1.0, binarize: false, ..Default::default() };
    let model = train(&m, &config).expect("fit");
    let once = scores(&model, &[0], &[1.0]);
    let doubled = scores(&model, &[0, 0], &[1.0, 1.0]);
    for (a, b) in once.iter().zip(&doubled) {
        assert!((2.0 * a - b).abs() < 1e-6);
    }
    assert_eq!(scores(&model, &[0, 2], &[1.0, f32::NAN]), once);
    assert_eq!(scores(&model, &[0, 2], &[1.0, -1.0]), once);
}

#[test]
fn a_malformed_matrix_loses_bad_entries_without_panicking() {
    let clean = matrix(2, 3, &[(0, 0, 1.0), (0, 2, 1.0), (1, 1, 1.0), (1, 2, 1.0)]);
    let config = EaseConfig { lambda: 1.0, ..Default::default() };
    let expected = train(&clean, &config).expect("fit");
    // Unsorted and repeated items, an item past the catalog, NaN and negative weights.
    let messy = InteractionMatrix {
        n_rows: 2,
        n_items: 3,
        indptr: vec![0, 4, 8],
        indices: vec![2, 0, 9, 2, 1, 2, 0, 1],
        weights: vec![1.0, 1.0, 1.0, 1.0, 1.0, 1.0, f32::NAN, -2.0],
        last_millis: vec![0; 8],
    };
    assert_eq!(train(&messy, &config).expect("fit"), expected);
    // An index array shorter than the offsets claim drops the row.
    let short = InteractionMatrix { indptr: vec![0, 2, 50], ..clean.clone() };
    let model = train(&short, &config).expect("fit");
    assert_eq!(model.modelled_items(), &[0, 2]);
}
