//! Splits: leave-one-out picks the latest, ratio sizes follow RecBole and are seeded, the
//! temporal cut respects dates, k-fold partitions, and the final view merges train and
//! validation.

use aisle_domain::{InteractionMatrix, Timestamp};

use crate::split::recbole_counts;
use crate::tests::{matrix, random_matrix};
use crate::{Split, SplitSpec, Stage};

fn items(m: &InteractionMatrix, user: usize) -> Vec<u32> {
    m.row(user).0.to_vec()
}

/// Every pair lands in exactly one part.
fn assert_partition(split: &Split<'_>) {
    let source = split.source;
    assert_eq!(split.train.nnz() + split.validation.nnz() + split.test.nnz(), source.nnz());
    for u in 0..source.n_rows {
        let mut all: Vec<u32> = [&split.train, &split.validation, &split.test]
            .iter()
            .flat_map(|m| items(m, u))
            .collect();
        all.sort_unstable();
        assert_eq!(all, items(source, u), "user {u}");
    }
}

#[test]
fn spec_parses_and_prints_back() {
    let check = |text: &str, expected: Option<&str>| match (SplitSpec::parse(text), expected) {
        (Ok(spec), Some(printed)) => assert_eq!(spec.to_string(), printed, "{text}"),
        (Err(e), None) => assert!(e.to_string().contains(text.trim()), "{text}: {e}"),
        (got, _) => panic!("{text}: got {got:?}, expected {expected:?}"),
    };
    check("loo", Some("loo"));
    check("ratio:0.8,0.1,0.1", Some("ratio:0.8,0.1,0.1"));
    check("ratio:8,1,1", Some("ratio:8,1,1"));
    check("kfold:5:0", Some("kfold:5:0"));
    check("temporal:2020-01-01", Some("temporal:2020-01-01T00:00:00Z"));
    check(
        "temporal:2020-01-01,2019-12-01",
        Some("temporal:2020-01-01T00:00:00Z,2019-12-01T00:00:00Z"),
    );
    for bad in [
        "",
        "random",
        "loo:1",
        "ratio:0.8,0.2",
        "ratio:0.8,0.1,nan",
        "ratio:0,0.5,0.5",
        "kfold:5:5",
        "kfold:2:0",
        "kfold:5",
        "temporal:soon",
        "temporal:2020-01-01,2021-01-01",
    ] {
        check(bad, None);
    }
}

#[test]
fn loo_holds_out_the_latest_and_breaks_time_ties_by_item() {
    let m = matrix(2, 6, &[(0, 3, 10), (0, 1, 30), (0, 2, 20), (0, 0, 30), (1, 4, 1), (1, 5, 2)]);
    let split = Split::new(&m, &SplitSpec::LeaveOneOut, 0).expect("split");
    assert_eq!(items(&split.test, 0), vec![1], "latest; of the tie at 30 the higher index is last");
    assert_eq!(items(&split.validation, 0), vec![0]);
    assert_eq!(items(&split.train, 0), vec![2, 3]);
    assert_eq!(items(&split.train, 1), vec![4, 5], "fewer than 3 interactions: train only");
    assert!(items(&split.test, 1).is_empty());
    assert_partition(&split);
}

#[test]
fn ratio_counts_follow_recbole_rounding() {
    let ratios = [0.8, 0.1, 0.1];
    for (total, expected) in [
        (1, [1, 0, 0]),
        (2, [1, 0, 1]),
        (3, [1, 1, 1]),
        (5, [3, 1, 1]),
        (10, [8, 1, 1]),
        (20, [16, 2, 2]),
        (25, [21, 2, 2]),
    ] {
        assert_eq!(recbole_counts(total, &ratios), expected, "{total} interactions");
    }
    assert_eq!(recbole_counts(10, &[8.0, 1.0, 1.0]), [8, 1, 1], "ratios are normalized");
}

#[test]
fn ratio_split_sizes_and_seeded_determinism() {
    let m = random_matrix(50, 200, 10);
    let spec = SplitSpec::parse("ratio:0.8,0.1,0.1").expect("spec");
    let a = Split::new(&m, &spec, 7).expect("split");
    for u in 0..m.n_rows {
        let n = m.row(u).0.len();
        let [train, validation, test] = recbole_counts(n, &[0.8, 0.1, 0.1]);
        assert_eq!(
            (a.train.row(u).0.len(), a.validation.row(u).0.len(), a.test.row(u).0.len()),
            (train, validation, test)
        );
    }
    assert_partition(&a);
    let b = Split::new(&m, &spec, 7).expect("split");
    assert_eq!(
        (&a.train, &a.validation, &a.test),
        (&b.train, &b.validation, &b.test),
        "same seed, same split"
    );
    let c = Split::new(&m, &spec, 8).expect("split");
    assert_ne!(a.test, c.test, "another seed, another split");
}

#[test]
fn temporal_cut_by_date() {
    let day = |d: &str| Timestamp::parse(d).map(Timestamp::millis).expect("date");
    let m = matrix(
        2,
        5,
        &[
            (0, 0, day("2019-01-01")),
            (0, 1, day("2019-12-15")),
            (0, 2, day("2020-02-01")),
            (1, 3, day("2019-06-01")),
            (1, 4, day("2020-01-01")),
        ],
    );
    let spec = SplitSpec::parse("temporal:2020-01-01,2019-12-01").expect("spec");
    let split = Split::new(&m, &spec, 0).expect("split");
    assert_eq!(
        (items(&split.train, 0), items(&split.validation, 0), items(&split.test, 0)),
        (vec![0], vec![1], vec![2])
    );
    assert_eq!(
        (items(&split.train, 1), items(&split.test, 1)),
        (vec![3], vec![4]),
        "the cut day itself is test"
    );
    assert_partition(&split);
    // Without a validation date: the last 10% of 2019-01-01..2020-01-01 starts 2019-11-25.
    let spec = SplitSpec::parse("temporal:2020-01-01").expect("spec");
    let split = Split::new(&m, &spec, 0).expect("split");
    assert_eq!(items(&split.validation, 0), vec![1]);
    assert_eq!(items(&split.train, 1), vec![3]);
    let late = SplitSpec::parse("temporal:2030-01-01").expect("spec");
    assert!(Split::new(&m, &late, 0).is_err(), "nothing to test on");
}

#[test]
fn kfold_folds_partition_every_users_pairs() {
    let m = random_matrix(40, 300, 12);
    let k = 5;
    let mut seen_in_test = InteractionMatrix::default();
    for fold in 0..k {
        let split = Split::new(&m, &SplitSpec::KFold { k, fold }, 3).expect("split");
        assert_partition(&split);
        let next = Split::new(&m, &SplitSpec::KFold { k, fold: (fold + 1) % k }, 3).expect("split");
        assert_eq!(split.validation, next.test, "validation is the next fold");
        for u in 0..m.n_rows {
            let n = m.row(u).0.len();
            let t = split.test.row(u).0.len();
            assert!(t == n / k || t == n.div_ceil(k), "user {u}: {t} of {n} in one fold");
        }
        seen_in_test = if fold == 0 {
            split.test.clone()
        } else {
            crate::split::merge(&seen_in_test, &split.test)
        };
    }
    assert_eq!(seen_in_test.indices, m.indices, "the test folds together are the whole matrix");
    assert_eq!(seen_in_test.weights, m.weights, "and no pair is in two folds");
}

#[test]
fn final_view_trains_on_train_and_validation() {
    let m = random_matrix(30, 100, 6);
    let split = Split::new(&m, &SplitSpec::LeaveOneOut, 0).expect("split");
    let tuning = split.view(Stage::Tuning);
    assert_eq!(tuning.train.as_ref(), &split.train);
    assert_eq!(tuning.targets, &split.validation);
    let last = split.view(Stage::Final);
    assert_eq!(last.targets, &split.test);
    assert_eq!(last.train.nnz(), split.train.nnz() + split.validation.nnz());
    for u in 0..m.n_rows {
        let mut expected = items(&split.train, u);
        expected.extend(items(&split.validation, u));
        expected.sort_unstable();
        assert_eq!(items(&last.train, u), expected);
    }
}

#[test]
fn specs_built_directly_are_checked_too() {
    let m = random_matrix(3, 10, 4);
    for spec in [
        SplitSpec::KFold { k: 0, fold: 0 },
        SplitSpec::KFold { k: 4, fold: 4 },
        SplitSpec::Ratio { train: f64::NAN, validation: 0.1, test: 0.1 },
        SplitSpec::Ratio { train: 0.8, validation: -0.1, test: 0.1 },
        SplitSpec::Temporal { test_from: 10, validation_from: Some(20) },
    ] {
        assert!(Split::new(&m, &spec, 0).is_err(), "{spec:?}");
    }
}

#[test]
fn an_inconsistent_matrix_is_refused() {
    let mut m = random_matrix(3, 10, 4);
    m.indptr[1] = 99;
    assert!(Split::new(&m, &SplitSpec::LeaveOneOut, 0).is_err());
}
