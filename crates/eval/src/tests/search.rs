//! Search spaces and the search itself: it picks the best on validation and never sees test.

use crate::search::{search, Run};
use crate::tests::{matrix, Scoring, ScriptedConfig};
use crate::{Domain, Param, Protocol, SearchSpec, Split, SplitSpec, Stage, Strategy};

#[test]
fn params_parse() {
    let check = |text: &str, expected: Option<Domain>| match (Param::parse(text), expected) {
        (Ok(p), Some(domain)) => assert_eq!(p.domain, domain, "{text}"),
        (Err(e), None) => assert!(e.to_string().contains(text), "{text}: {e}"),
        (got, want) => panic!("{text}: got {got:?}, expected {want:?}"),
    };
    let values = |v: &[&str]| Some(Domain::Values(v.iter().map(|s| s.to_string()).collect()));
    check("lambda=10,100, 1000", values(&["10", "100", "1000"]));
    check("binary=true", values(&["true"]));
    check(
        "factors=16..256",
        Some(Domain::Range { lo: 16.0, hi: 256.0, log: false, integer: true }),
    );
    check(
        "reg=0.001..0.1:log",
        Some(Domain::Range { lo: 0.001, hi: 0.1, log: true, integer: false }),
    );
    check("weights=simplex", Some(Domain::Simplex { step: 0.1 }));
    check("weights=simplex:0.25", Some(Domain::Simplex { step: 0.25 }));
    for bad in [
        "lambda",
        "=1,2",
        "lambda=",
        "x=5..1",
        "x=0..1:log",
        "x=a..b",
        "w=simplex:0",
        "w=simplex:2",
        "w=simplexy",
    ] {
        check(bad, None);
    }
}

fn lists(spec: &SearchSpec, list_len: usize) -> Vec<Vec<String>> {
    let trials = spec.trials(&|_| list_len).expect("trials");
    trials.into_iter().map(|t| t.into_iter().map(|(k, v)| format!("{k}={v}")).collect()).collect()
}

#[test]
fn grid_is_the_cartesian_product_in_order() {
    let spec = SearchSpec::new(Strategy::Grid, &["a=1,2", "b=x,y,z"]).expect("spec");
    let got = lists(&spec, 0);
    assert_eq!(got.len(), 6);
    assert_eq!(got[0], vec!["a=1", "b=x"]);
    assert_eq!(got[1], vec!["a=1", "b=y"]);
    assert_eq!(got[5], vec!["a=2", "b=z"]);
    let ranged = SearchSpec::new(Strategy::Grid, &["a=1..2"]).expect("spec");
    assert!(ranged.trials(&|_| 0).is_err(), "a range cannot be enumerated");
    let huge = SearchSpec::new(Strategy::Grid, &["a=1,2,3,4,5,6,7,8,9,10"; 5]).expect("spec");
    assert!(huge.trials(&|_| 0).is_err(), "10^5 configurations are refused");
}

#[test]
fn simplex_grid_covers_the_lattice() {
    let spec = SearchSpec::new(Strategy::Grid, &["weights=simplex:0.5"]).expect("spec");
    let got = lists(&spec, 3);
    assert_eq!(got.len(), 6, "compositions of 2 steps into 3 weights");
    assert!(got.contains(&vec!["weights=[0.5,0,0.5]".to_string()]));
    assert!(spec.trials(&|_| 0).is_err(), "no list to weight");
    for (n, step, size) in [(1, 0.1, 1), (2, 0.1, 11), (3, 0.1, 66), (3, 0.5, 6), (4, 0.25, 35)] {
        assert_eq!(crate::search::lattice_size(n, step), size, "{n} weights, step {step}");
        let spec =
            SearchSpec::new(Strategy::Grid, &[format!("weights=simplex:{step}")]).expect("spec");
        assert_eq!(spec.trials(&|_| n).map(|t| t.len()).ok(), Some(size));
    }
    let fine = SearchSpec::new(Strategy::Grid, &["weights=simplex:0.001"]).expect("spec");
    assert!(fine.trials(&|_| 12).is_err(), "a lattice of 10^25 points is refused unbuilt");
}

#[test]
fn random_search_is_seeded_and_stays_in_range() {
    let mut spec = SearchSpec::new(
        Strategy::Random { trials: 50 },
        &["f=16..256", "r=0.001..0.1:log", "c=a,b", "weights=simplex"],
    )
    .expect("spec");
    spec.seed = 3;
    let a = spec.trials(&|_| 3).expect("trials");
    assert_eq!(a, spec.trials(&|_| 3).expect("trials"), "same seed, same draws");
    spec.seed = 4;
    assert_ne!(a, spec.trials(&|_| 3).expect("trials"));
    for trial in &a {
        let f: i64 = trial[0].1.parse().expect("a whole number");
        assert!((16..=256).contains(&f));
        let r: f64 = trial[1].1.parse().expect("a number");
        assert!((0.001..=0.1).contains(&r));
        assert!(["a", "b"].contains(&trial[2].1.as_str()));
        let w: Vec<f64> = serde_json::from_str(&trial[3].1).expect("a list");
        assert_eq!(w.len(), 3);
        assert!((w.iter().sum::<f64>() - 1.0).abs() < 1e-5);
    }
}

/// Three users; each has one own training item, validation item 8 and test item 9: validation
/// prefers favourite 8, test prefers 9.
fn disagreeing() -> aisle_domain::InteractionMatrix {
    let mut pairs = Vec::new();
    for u in 0..3 {
        pairs.extend([(u, u, 1), (u, 8, 2), (u, 9, 3)]);
    }
    matrix(3, 10, &pairs)
}

fn run_search(
    config: &ScriptedConfig,
    spec: &SearchSpec,
    split: &Split<'_>,
) -> crate::Result<(ScriptedConfig, f64, usize)> {
    let pool = rayon::ThreadPoolBuilder::new().num_threads(1).build().expect("pool");
    let run = Run {
        items: &[],
        baskets: &[],
        threads: 1,
        pool: &pool,
        protocol: Protocol::default(),
        seed: 0,
    };
    let mut calls = 0;
    let outcome =
        search("scripted", config, spec, &split.view(Stage::Tuning), &run, &mut |_| calls += 1)?;
    Ok((outcome.best, outcome.best_value, calls))
}

#[test]
fn search_picks_the_best_on_validation_and_never_trains_on_test() {
    let m = disagreeing();
    let split = Split::new(&m, &SplitSpec::LeaveOneOut, 0).expect("split");
    let config = ScriptedConfig::new(Scoring::ByIndex);
    let spec = SearchSpec::new(Strategy::Grid, &["favourite=9,8,3"]).expect("spec");
    let (best, value, calls) = run_search(&config, &spec, &split).expect("search");
    assert_eq!(
        best.scoring,
        Scoring::Favourite(8),
        "validation prefers 8, although test prefers 9"
    );
    assert_eq!(value, 1.0);
    assert_eq!(calls, 3);
    assert_eq!(
        config.trained_on(),
        vec![split.train.nnz(); 3],
        "every trial trained on train only"
    );
    let outside = |n: &usize| *n != split.train.nnz();
    assert!(!config.trained_on().iter().any(outside));
}

#[test]
fn hybrid_weights_are_learned_on_validation_training_each_component_once() {
    // Every user's validation item is 0: the blend must lean on the component favouring it.
    let mut pairs = Vec::new();
    for u in 0..3 {
        pairs.extend([(u, u + 1, 1), (u, 0, 2), (u, 9, 3)]);
    }
    let m = matrix(3, 10, &pairs);
    let split = Split::new(&m, &SplitSpec::LeaveOneOut, 0).expect("split");
    let config = ScriptedConfig::hybrid(&[Scoring::ByIndex, Scoring::Favourite(0)], &[0.5, 0.5]);
    let spec = SearchSpec::new(Strategy::Grid, &["weights=simplex:0.25"]).expect("spec");
    let (best, value, calls) = run_search(&config, &spec, &split).expect("search");
    assert_eq!(calls, 5, "five weight vectors");
    assert_eq!(best.weights, vec![0.0, 1.0], "the first vector that ranks item 0 first");
    assert_eq!(value, 1.0);
    assert_eq!(config.trained_on(), vec![split.train.nnz(); 2], "two components, trained once");
    // Searching anything besides the weights trains the whole hybrid per trial.
    let config = ScriptedConfig::hybrid(&[Scoring::ByIndex, Scoring::Favourite(0)], &[0.5, 0.5]);
    let spec = SearchSpec::new(Strategy::Grid, &["favourite=3,4,5"]).expect("spec");
    run_search(&config, &spec, &split).expect("search");
    assert_eq!(config.trained_on().len(), 3, "one whole fit per trial");
}

#[test]
fn a_bad_value_fails_before_any_training_and_a_bad_target_is_refused() {
    let m = disagreeing();
    let split = Split::new(&m, &SplitSpec::LeaveOneOut, 0).expect("split");
    let config = ScriptedConfig::new(Scoring::ByIndex);
    let spec = SearchSpec::new(Strategy::Grid, &["favourite=8,eight"]).expect("spec");
    assert!(run_search(&config, &spec, &split).is_err());
    assert!(config.trained_on().is_empty(), "nothing trained");
    let mut spec = SearchSpec::new(Strategy::Grid, &["favourite=8"]).expect("spec");
    spec.target = "AUC".to_string();
    assert!(run_search(&config, &spec, &split).is_err());
}
