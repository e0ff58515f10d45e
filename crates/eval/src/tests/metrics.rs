//! Metrics on hand-computed cases.

use crate::metrics::{gini, parse_metric_name, Accuracy, Activity, ACCURACY_NAMES};
use crate::tally::{Tally, UserResult};
use crate::tests::matrix;

/// `metric@k` of `ranked` (best first) against `relevant` must be `expected`.
fn check(metric: &str, ranked: &[u32], relevant: &[u32], k: usize, expected: f64) {
    let index = ACCURACY_NAMES.iter().position(|&n| n == metric).unwrap_or(usize::MAX);
    let got = Accuracy::of(ranked, relevant, k).values().get(index).copied();
    assert!(
        got.is_some_and(|g| (g - expected).abs() < 1e-9),
        "{metric}@{k} of {ranked:?} against {relevant:?}: got {got:?}, expected {expected}"
    );
}

// Hits at ranks 2 and 5 (1-based) of five, two relevant items.
const RANKED: &[u32] = &[1, 2, 3, 4, 5];
const TWO: &[u32] = &[2, 5];

#[test]
fn ndcg() {
    check(
        "NDCG",
        RANKED,
        TWO,
        5,
        (1.0 / 3f64.log2() + 1.0 / 6f64.log2()) / (1.0 + 1.0 / 3f64.log2()),
    );
    check("NDCG", RANKED, TWO, 3, 0.386_852_807_234_541_6);
    check("NDCG", &[1, 2], &[1, 2, 3, 4], 2, 1.0); // ideal DCG over min(|relevant|, K) = 2 hits
    check("NDCG", &[7], &[7], 10, 1.0); // a short list is not penalized
    check("NDCG", RANKED, &[9], 5, 0.0);
    check("NDCG", RANKED, &[], 5, 0.0);
}

#[test]
fn hit_rate() {
    check("HR", RANKED, TWO, 5, 1.0);
    check("HR", RANKED, TWO, 1, 0.0);
    check("HR", RANKED, &[9], 5, 0.0);
}

#[test]
fn recall() {
    check("Recall", RANKED, TWO, 5, 1.0);
    check("Recall", RANKED, TWO, 3, 0.5);
    check("Recall", &[1, 2], &[1, 2, 3, 4], 2, 0.5);
}

#[test]
fn precision_divides_by_k() {
    check("Precision", RANKED, TWO, 5, 0.4);
    check("Precision", RANKED, TWO, 3, 1.0 / 3.0);
    check("Precision", &[7], &[7], 10, 0.1);
}

#[test]
fn f1() {
    check("F1", RANKED, TWO, 5, 2.0 * 0.4 / 1.4);
    check("F1", RANKED, TWO, 3, 0.4);
    check("F1", RANKED, &[9], 5, 0.0);
}

#[test]
fn mrr() {
    check("MRR", RANKED, TWO, 5, 0.5);
    check("MRR", RANKED, &[5], 5, 0.2);
    check("MRR", RANKED, &[5], 4, 0.0);
}

#[test]
fn map_divides_by_min_relevant_k() {
    check("MAP", RANKED, TWO, 5, (1.0 / 2.0 + 2.0 / 5.0) / 2.0);
    check("MAP", RANKED, TWO, 3, 0.5 / 2.0);
    check("MAP", &[1, 2], &[1, 2, 3, 4], 2, 1.0);
    check("MAP", &[9, 1], &[1], 1, 0.0);
}

#[test]
fn activity_groups_have_inclusive_upper_bounds() {
    for (n, group) in [
        (0, Activity::Cold),
        (5, Activity::Cold),
        (6, Activity::Warm),
        (20, Activity::Warm),
        (21, Activity::Heavy),
    ] {
        assert_eq!(Activity::of(n), group, "{n} training interactions");
    }
}

#[test]
fn metric_names_parse() {
    assert_eq!(parse_metric_name("NDCG@10"), Some(("NDCG", 10)));
    assert_eq!(parse_metric_name("recall@5"), Some(("Recall", 5)));
    assert_eq!(parse_metric_name("LongTail@20"), Some(("LongTail", 20)));
    for bad in ["NDCG", "NDCG@0", "NDCG@x", "AUC@10", "@10"] {
        assert_eq!(parse_metric_name(bad), None, "{bad}");
    }
}

#[test]
fn gini_of_exposure() {
    assert_eq!(gini(&[3, 3, 3, 3]), 0.0);
    assert_eq!(gini(&[0, 0, 0, 4]), 0.75);
    assert_eq!(gini(&[0, 0, 0, 0]), 0.0);
    assert_eq!(gini(&[2, 0, 1, 1]), 0.375);
}

#[test]
fn beyond_accuracy_on_a_hand_computed_catalog() {
    // Item 0 has 3 training users, item 1 one, items 2 and 3 none. The short head (80% of 4
    // interactions) is items 0 and 1.
    let train = matrix(3, 4, &[(0, 0, 1), (0, 1, 1), (1, 0, 1), (2, 0, 1)]);
    let ks = [2];
    let mut tally = Tally::new(&ks, &train);
    for list in [vec![0, 2], vec![0, 1]] {
        tally.add(&UserResult { group: Activity::Cold, list, accuracy: vec![Accuracy::default()] });
    }
    let metrics = tally.finish();
    let check = |name: &str, expected: f64| {
        let got = metrics.get(name);
        assert!(
            got.is_some_and(|g| (g - expected).abs() < 1e-9),
            "{name}: got {got:?}, expected {expected}"
        );
    };
    let bits = -(1.0f64 / 3.0).log2();
    check("Coverage@2", 0.75);
    check("Gini@2", 0.375);
    check("Novelty@2", bits / 2.0); // each list: one item everybody has (0 bits), one with 1/3
    check("AvgPop@2", (1.5 + 2.0) / 2.0);
    check("LongTail@2", (0.5 + 0.0) / 2.0);
    assert_eq!(metrics.users, 2);
    assert_eq!(metrics.groups[0].users, 2);
}
