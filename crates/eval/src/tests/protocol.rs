//! Protocols: parsing, exclusion of training items, sampled negatives, and results that do not
//! depend on the number of threads.

use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;

use crate::protocol::sample_negatives;
use crate::tests::{matrix, random_matrix, Scoring, ScriptedModel};
use crate::{measure, Metrics, Protocol, Split, SplitSpec, Stage};

#[test]
fn protocols_parse_and_print_back() {
    let check = |text: &str, expected: Option<Protocol>| match (Protocol::parse(text), expected) {
        (Ok(got), Some(want)) => {
            assert_eq!(got, want, "{text}");
            assert_eq!(got.to_string(), text);
        }
        (Err(e), None) => assert!(e.to_string().contains(text), "{text}: {e}"),
        (got, want) => panic!("{text}: got {got:?}, expected {want:?}"),
    };
    check("full", Some(Protocol::Full { exclude_seen: true }));
    check("full:keep-seen", Some(Protocol::Full { exclude_seen: false }));
    check("sampled:99", Some(Protocol::Sampled { negatives: 99 }));
    for bad in ["", "sampled", "sampled:0", "sampled:-1", "sampled:x", "full:all", "popular"] {
        check(bad, None);
    }
    assert_eq!(Protocol::Sampled { negatives: 100 }.label(), "sampled");
    assert!(Protocol::Sampled { negatives: 100 }.describe().starts_with("SAMPLED"));
}

/// One user, history {8, 9} (times 1, 2), validation 7 (time 3), test 6 (time 4), 10 items.
fn one_user() -> aisle_domain::InteractionMatrix {
    matrix(1, 10, &[(0, 8, 1), (0, 9, 2), (0, 7, 3), (0, 6, 4)])
}

fn run(
    m: &aisle_domain::InteractionMatrix,
    protocol: Protocol,
    ks: &[usize],
    threads: usize,
) -> Metrics {
    let split = Split::new(m, &SplitSpec::LeaveOneOut, 0).expect("split");
    let view = split.view(Stage::Final);
    let model = ScriptedModel { n_items: m.n_items, scoring: Scoring::ByIndex };
    let pool = rayon::ThreadPoolBuilder::new().num_threads(threads).build().expect("pool");
    pool.install(|| measure(&model, &view, &protocol, ks, 5)).expect("measure")
}

#[test]
fn full_ranking_excludes_training_items_unless_told() {
    // By index the ranking is 9, 8, 7, 6...; training (final view) is {7, 8, 9}, test is 6.
    let excluded = run(&one_user(), Protocol::Full { exclude_seen: true }, &[1, 4], 1);
    assert_eq!(excluded.get("HR@1"), Some(1.0), "6 is first once 7, 8, 9 are skipped");
    let kept = run(&one_user(), Protocol::Full { exclude_seen: false }, &[1, 4], 1);
    assert_eq!(kept.get("HR@1"), Some(0.0));
    assert_eq!(kept.get("MRR@4"), Some(0.25), "6 is fourth after 9, 8, 7");
}

#[test]
fn sampled_ranks_targets_among_untouched_negatives_only() {
    let mut rng = ChaCha8Rng::seed_from_u64(1);
    let touched = [1, 3, 5];
    let negatives = sample_negatives(&touched, 10, 4, &mut rng);
    assert_eq!(negatives.len(), 4);
    assert!(negatives.iter().all(|n| !touched.contains(n) && *n < 10));
    let mut unique = negatives.clone();
    unique.sort_unstable();
    unique.dedup();
    assert_eq!(unique.len(), 4, "distinct");
    assert_eq!(sample_negatives(&touched, 6, 10, &mut rng).len(), 3, "all free items when too few");
    let again = sample_negatives(&touched, 10, 4, &mut ChaCha8Rng::seed_from_u64(1));
    assert_eq!(again, negatives, "seeded");
    // Big catalog: rejection sampling path.
    let many = sample_negatives(&touched, 100_000, 99, &mut rng);
    assert_eq!(many.len(), 99);
}

#[test]
fn sampled_protocol_never_ranks_training_items() {
    // With 5 negatives out of {0..5}, the test item 6 outranks every negative by index: HR@1 = 1
    // even though full ranking would put 7, 8, 9 first with exclusion off.
    let m = one_user();
    let sampled = run(&m, Protocol::Sampled { negatives: 5 }, &[1], 1);
    assert_eq!(sampled.get("HR@1"), Some(1.0));
    assert_eq!(sampled.users, 1);
}

#[test]
fn metrics_do_not_depend_on_thread_count() {
    let m = random_matrix(3000, 400, 8);
    let model = ScriptedModel { n_items: 400, scoring: Scoring::Hashed };
    let split = Split::new(&m, &SplitSpec::LeaveOneOut, 0).expect("split");
    let view = split.view(Stage::Final);
    let protocol = Protocol::Sampled { negatives: 50 };
    let measure_with = |threads: usize, protocol: Protocol| {
        let pool = rayon::ThreadPoolBuilder::new().num_threads(threads).build().expect("pool");
        pool.install(|| measure(&model, &view, &protocol, &[5, 10], 9)).expect("measure")
    };
    assert_eq!(measure_with(1, protocol), measure_with(2, protocol));
    let full = Protocol::default();
    assert_eq!(measure_with(1, full), measure_with(2, full));
    assert_eq!(measure_with(1, full).users, 3000);
}

#[test]
fn mismatched_model_and_bad_ks_are_errors() {
    let m = one_user();
    let split = Split::new(&m, &SplitSpec::LeaveOneOut, 0).expect("split");
    let view = split.view(Stage::Final);
    let wrong = ScriptedModel { n_items: 3, scoring: Scoring::ByIndex };
    assert!(measure(&wrong, &view, &Protocol::default(), &[1], 0).is_err());
    let model = ScriptedModel { n_items: 10, scoring: Scoring::ByIndex };
    let other = matrix(2, 10, &[(1, 3, 1)]);
    let misfit = crate::View { targets: &other, ..view.clone() };
    assert!(measure(&model, &misfit, &Protocol::default(), &[1], 0).is_err(), "shapes differ");
    for ks in [&[][..], &[0], &[5, 1], &[2, 2]] {
        assert!(measure(&model, &view, &Protocol::default(), ks, 0).is_err(), "{ks:?}");
    }
}
