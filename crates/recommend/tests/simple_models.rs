//! Registry-wide tests on small hand-made data: every registry model trains, scores without
//! NaN, survives save → load with identical scores, and refuses empty data; plus known answers
//! for the neighbourhood models (item-kNN, user-kNN, hybrid) through the public API.

use aisle_domain::InteractionMatrix;
use aisle_recommend::registry::{self, ModelConfig, MODEL_NAMES};
use aisle_recommend::{top_k, Error, Exclusions, ItemText, Query, Recommender, TrainData};

/// Two taste groups: users 0-2 like items 0-3, users 3-5 like items 4-7; item 8 (a lip product
/// by its text) is untouched.
fn grouped() -> InteractionMatrix {
    let users: [&[u32]; 6] =
        [&[0, 1, 2], &[0, 1, 3], &[1, 2, 3], &[4, 5, 6], &[4, 5, 7], &[5, 6, 7]];
    let pairs: Vec<(u32, u32)> =
        (0u32..).zip(users).flat_map(|(u, items)| items.iter().map(move |&i| (u, i))).collect();
    let rows: Vec<u32> = pairs.iter().map(|p| p.0).collect();
    let items: Vec<u32> = pairs.iter().map(|p| p.1).collect();
    let weights: Vec<f32> = (0..pairs.len()).map(|k| 1.0 + (k % 3) as f32).collect();
    let millis: Vec<i64> = (0..pairs.len() as i64).map(|k| k * 3_600_000).collect();
    InteractionMatrix::from_columns(6, 9, &rows, &items, &weights, &millis)
}

fn texts() -> Vec<ItemText> {
    let titles = [
        "red lipstick",
        "lipstick gloss",
        "口红 lip balm",
        "lip liner",
        "garden hose",
        "garden rake",
        "hose reel",
        "rake 耙子",
        "lip gloss refill",
    ];
    titles.iter().map(|t| ItemText { title: (*t).into(), ..ItemText::default() }).collect()
}

/// Orders within the two groups, each pair of neighbours bought together at least twice.
fn baskets() -> Vec<Vec<u32>> {
    let lips = [vec![0, 1], vec![0, 1, 2], vec![1, 2, 3], vec![0, 3], vec![2, 3]];
    let garden = [vec![4, 5], vec![4, 5, 6], vec![5, 6, 7], vec![4, 7], vec![6, 7]];
    lips.into_iter().chain(garden).collect()
}

fn train(name: &str, matrix: &InteractionMatrix) -> (ModelConfig, Box<dyn Recommender>) {
    let config = ModelConfig::default_for(name).expect("listed model");
    let (items, baskets) = (texts(), baskets());
    let data = TrainData { items: &items, baskets: &baskets, threads: 2, ..TrainData::new(matrix) };
    let model = registry::fit(&config, &data).unwrap_or_else(|e| panic!("{name}: {e}"));
    (config, model)
}

fn scores(model: &dyn Recommender, query: &Query<'_>) -> Vec<f32> {
    let mut out = vec![f32::NAN; model.n_items()];
    model.score(query, &mut out);
    out
}

/// Queries every model must answer: known users, a fold-in history, nonsense indexes, nothing.
fn queries() -> Vec<Query<'static>> {
    vec![
        Query { user: Some(0), items: &[0, 1, 2], weights: &[1.0, 2.0, 3.0], millis: &[] },
        Query { user: Some(4), items: &[4, 5, 7], weights: &[1.0, 1.0, 1.0], millis: &[] },
        Query { user: None, items: &[5, 6], weights: &[1.0, 1.0], millis: &[] },
        Query { user: Some(999), items: &[999, 2], weights: &[1.0, f32::NAN], millis: &[] },
        Query::default(),
    ]
}

#[test]
fn every_model_round_trips_with_identical_scores() {
    let matrix = grouped();
    for &name in MODEL_NAMES {
        let (config, model) = train(name, &matrix);
        assert_eq!(model.name(), name);
        let mut bytes = Vec::new();
        registry::save(model.as_ref(), &config, matrix.n_rows, &mut bytes).expect("save");
        let (loaded_config, loaded) = registry::load(&mut bytes.as_slice()).expect("load");
        assert_eq!(loaded_config, config, "{name}");
        assert_eq!((loaded.name(), loaded.n_items()), (name, model.n_items()));
        for query in queries() {
            let before = scores(model.as_ref(), &query);
            assert!(before.iter().all(|s| !s.is_nan()), "{name}: NaN score for {query:?}");
            let after = scores(loaded.as_ref(), &query);
            assert_eq!(before, after, "{name}: scores changed by save/load for {query:?}");
        }
        // A damaged artifact is an error, never a panic.
        for cut in [bytes.len() / 2, bytes.len() - 1] {
            assert!(registry::load(&mut &bytes[..cut]).is_err(), "{name}: truncated at {cut}");
        }
    }
}

#[test]
fn every_model_refuses_an_empty_matrix() {
    let empty = InteractionMatrix::from_columns(0, 0, &[], &[], &[], &[]);
    for &name in MODEL_NAMES {
        let config = ModelConfig::default_for(name).expect("listed model");
        let data = TrainData { threads: 1, ..TrainData::new(&empty) };
        match registry::fit(&config, &data) {
            Err(Error::NoData { .. }) => {}
            other => panic!("{name}: expected NoData, got {:?}", other.map(|m| m.name())),
        }
    }
}

#[test]
fn every_model_trains_on_a_single_user() {
    let one = InteractionMatrix::from_columns(1, 3, &[0, 0], &[0, 1], &[1.0, 1.0], &[0, 1]);
    for &name in MODEL_NAMES {
        let (_, model) = train(name, &one);
        let out = scores(
            model.as_ref(),
            &Query { user: Some(0), items: &[0], weights: &[1.0], millis: &[] },
        );
        assert!(out.iter().all(|s| !s.is_nan()), "{name}: {out:?}");
        // K beyond the catalog returns what there is.
        let top = top_k(&out, 100, &Exclusions::default());
        assert!(top.len() <= model.n_items(), "{name}");
    }
}

#[test]
fn unknown_models_and_bad_artifacts_are_refused() {
    assert!(ModelConfig::default_for("svd++").is_none());
    let (config, model) = train("popular", &grouped());
    let mut bytes = Vec::new();
    registry::save(model.as_ref(), &config, 6, &mut bytes).expect("save");
    // Rename the model inside the header: the loader must not guess.
    let text = String::from_utf8_lossy(&bytes).replace("\"popular\"", "\"popula_\"");
    assert!(registry::load(&mut text.as_bytes()).is_err());
    let other = ModelConfig::default_for("trending").expect("trending");
    assert!(registry::save(model.as_ref(), &other, 6, &mut Vec::new()).is_err());
}

/// The best item for `query`, excluding its history.
fn best(model: &dyn Recommender, query: &Query<'_>) -> u32 {
    let out = scores(model, query);
    top_k(&out, 1, &Exclusions { items: query.items, mask: &[] })[0].0
}

#[test]
fn neighbourhood_models_recommend_within_the_taste_group() {
    let matrix = grouped();
    for name in ["item-knn", "user-knn", "rules", "hybrid", "content"] {
        let (_, model) = train(name, &matrix);
        let lips = Query { user: None, items: &[0, 1], weights: &[1.0, 1.0], millis: &[] };
        let garden = Query { user: None, items: &[4, 6], weights: &[1.0, 1.0], millis: &[] };
        let l = best(model.as_ref(), &lips);
        assert!(!(4..8).contains(&l), "{name}: {:?}", scores(model.as_ref(), &lips));
        let g = best(model.as_ref(), &garden);
        assert!((4..8).contains(&g), "{name}: {:?}", scores(model.as_ref(), &garden));
    }
}

#[test]
fn item_knn_scores_sum_neighbour_similarities() {
    // Items 0 and 1 always together, item 2 with 1 once: with plain cosine and no shrink,
    // sim(0,1) = 2 / sqrt(2 * 3), sim(0,2) = 0.
    let m = InteractionMatrix::from_columns(
        3,
        3,
        &[0, 0, 1, 1, 2, 2],
        &[0, 1, 0, 1, 1, 2],
        &[1.0; 6],
        &[0; 6],
    );
    let mut config = ModelConfig::default_for("item-knn").expect("item-knn");
    for (key, value) in [("similarity", "cosine"), ("shrink", "0")] {
        config.set(key, value).expect("set");
    }
    let data = TrainData { threads: 1, ..TrainData::new(&m) };
    let model = registry::fit(&config, &data).expect("fit");
    let out =
        scores(model.as_ref(), &Query { user: None, items: &[0], weights: &[5.0], millis: &[] });
    let expected = 2.0 / 6f32.sqrt();
    assert!((out[1] - expected).abs() < 1e-6 && out[2] == 0.0 && out[0] == 0.0, "{out:?}");
    config.set("neighbours", "0").expect_err("K must be at least 1");
    config.set("shrink", "-1").expect_err("shrink must not be negative");
    config.set("alpha", "1.5").expect_err("alpha is in [0, 1]");
    config.set("similarity", "euclid").expect_err("unknown similarity");
}
