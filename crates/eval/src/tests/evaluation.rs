//! The `evaluate` entry point end to end with scripted models: tuned on validation, trained on
//! train + validation, measured on test, with progress reported.

use crate::evaluate::evaluate_with;
use crate::tests::{matrix, random_matrix, Scoring, ScriptedConfig};
use crate::{Dataset, EvalConfig, ModelSpec, Protocol, Report, SearchSpec, Strategy};

/// Every user: one own item, validation item 8, test item 9 (so validation and test disagree).
pub(crate) fn disagreeing() -> aisle_domain::InteractionMatrix {
    let mut pairs = Vec::new();
    for u in 0..4 {
        pairs.extend([(u, u, 1), (u, 8, 2), (u, 9, 3)]);
    }
    matrix(4, 12, &pairs)
}

pub(crate) fn evaluate_scripted(
    m: &aisle_domain::InteractionMatrix,
    protocol: Protocol,
    models: &[ModelSpec<ScriptedConfig>],
) -> (Report, Vec<(usize, usize, Option<f64>)>) {
    let dataset = Dataset { name: "tiny & scripted", matrix: m, items: &[], baskets: &[] };
    let config =
        EvalConfig { protocol, ks: vec![10, 1, 5, 10], threads: 2, ..EvalConfig::default() };
    let mut calls = Vec::new();
    let report = evaluate_with(&dataset, &config, models, &mut |done, total, best| {
        calls.push((done, total, best))
    })
    .expect("evaluate");
    (report, calls)
}

#[test]
fn the_tuned_configuration_is_chosen_on_validation_and_trained_on_train_plus_validation() {
    let m = disagreeing();
    let searched = ScriptedConfig::new(Scoring::ByIndex);
    let spec = SearchSpec::new(Strategy::Grid, &["favourite=9,8"]).expect("spec");
    let models = [
        ModelSpec::new(searched.clone()).with_search(spec).with_label("searched"),
        ModelSpec::new(ScriptedConfig::new(Scoring::Favourite(9))).with_label("peeks"),
    ];
    let (report, calls) = evaluate_scripted(&m, Protocol::default(), &models);
    assert_eq!(report.ks, vec![1, 5, 10], "sorted and deduplicated");
    let chosen = &report.models[0];
    assert_eq!(chosen.config["favourite"], 8, "validation's favourite, not test's");
    let search = chosen.search.as_ref().expect("a search record");
    assert_eq!((search.trials.len(), search.best_value), (2, 1.0));
    // Two search trials on train (4 pairs), then the final fit on train + validation (8 pairs).
    assert_eq!(searched.trained_on(), vec![4, 4, 8]);
    assert_eq!(chosen.metrics.get("HR@1"), Some(0.0), "8 is a training item in the final view");
    assert_eq!(report.models[1].metrics.get("HR@1"), Some(1.0));
    assert_eq!(report.models[1].metrics.users, 4);
    assert_eq!(calls.len(), 4);
    assert_eq!(calls.last().map(|c| (c.0, c.1)), Some((4, 4)));
    assert_eq!(calls[1].2, Some(1.0), "the best validation value so far");
    assert_eq!((report.split.train, report.split.validation, report.split.test), (4, 4, 4));
}

#[test]
fn activity_groups_split_users_by_training_interactions() {
    let m = random_matrix(60, 300, 30);
    let mut pairs: Vec<(u32, u32, i64)> = Vec::new();
    for u in 0..m.n_rows {
        // User u keeps 3 + u % 28 interactions: cold, warm and heavy users all appear.
        for (t, &item) in m.row(u).0.iter().take(3 + u % 28).enumerate() {
            pairs.push((u as u32, item, t as i64));
        }
    }
    let m = matrix(60, 300, &pairs);
    let (report, _) = evaluate_scripted(
        &m,
        Protocol::default(),
        &[ModelSpec::new(ScriptedConfig::new(Scoring::Hashed))],
    );
    let metrics = &report.models[0].metrics;
    let users: Vec<usize> = metrics.groups.iter().map(|g| g.users).collect();
    assert_eq!(users.iter().sum::<usize>(), metrics.users);
    assert!(users.iter().all(|&n| n > 0), "{users:?}");
    // Overall accuracy is the user-weighted mean of the groups'.
    let weighted: f64 = metrics.groups.iter().map(|g| g.at_k[2].ndcg * g.users as f64).sum::<f64>()
        / metrics.users as f64;
    assert!((weighted - metrics.at_k[2].accuracy.ndcg).abs() < 1e-12);
}

#[test]
fn duplicate_labels_and_bad_ks_are_refused() {
    let m = disagreeing();
    let dataset = Dataset { name: "d", matrix: &m, items: &[], baskets: &[] };
    let twice = [
        ModelSpec::new(ScriptedConfig::new(Scoring::ByIndex)),
        ModelSpec::new(ScriptedConfig::new(Scoring::Hashed)),
    ];
    let result = evaluate_with(&dataset, &EvalConfig::default(), &twice, &mut |_, _, _| {});
    assert!(result.is_err_and(|e| e.to_string().contains("label")));
    let one = [ModelSpec::new(ScriptedConfig::new(Scoring::ByIndex))];
    let config = EvalConfig { ks: vec![0, 10], ..EvalConfig::default() };
    assert!(evaluate_with(&dataset, &config, &one, &mut |_, _, _| {}).is_err());
}
