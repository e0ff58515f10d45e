//! End-to-end tests of `aisle experiments` on a small generated shop: create, list, results in
//! text and JSON, stop, start and delete, and the clear errors of a single variant, zero traffic,
//! an untrained model and an unknown experiment.

mod common;

use std::path::Path;

use common::{aisle, text};

fn refused(data_dir: &Path, args: &[&str], words: &str) {
    let out = aisle(data_dir, args);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    assert!(text(&out).contains(words), "{words:?} in {}", text(&out));
}

#[test]
fn experiments_are_created_read_stopped_and_deleted() {
    let dir = tempfile::tempdir().expect("dir");
    let data = dir.path();
    assert!(aisle(data, &["generate", "--events", "3000", "--seed", "5"]).status.success());
    for model in ["popular", "ease"] {
        let out = aisle(data, &["train", "--model", model]);
        assert!(out.status.success(), "{}", text(&out));
    }
    let create = [
        "experiments",
        "create",
        "feed-1",
        "--name",
        "EASE against popularity",
        "--variant",
        "a=ease",
        "--variant",
        "b=popular",
        "--weight",
        "b=3",
    ];
    let out = aisle(data, &create);
    assert!(out.status.success(), "{}", text(&out));
    assert!(data.join("experiments.json").is_file());

    let out = aisle(data, &["experiments", "list"]);
    assert!(
        text(&out).contains("feed-1") && text(&out).contains("a=ease b=popular"),
        "{}",
        text(&out)
    );
    let out = aisle(data, &["experiments", "results", "feed-1"]);
    assert!(text(&out).contains("verdict: no traffic yet"), "{}", text(&out));
    let out = aisle(data, &["experiments", "results", "feed-1", "--json"]);
    let results: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    assert_eq!(results["verdict"]["outcome"], "no_traffic");
    assert_eq!(results["experiment"]["variants"][1]["share"], 0.75);
    assert!(results["variants"][0]["conversion"]["rate"].is_null(), "{results}");

    refused(data, &create, "exists");
    let mut second = create;
    second[2] = "feed-2";
    refused(data, &second, "is running");
    assert!(aisle(data, &["experiments", "stop", "feed-1"]).status.success());
    let out = aisle(data, &["experiments", "list", "--json"]);
    let list: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    assert_eq!(list["experiments"][0]["status"], "stopped");
    assert!(list["experiments"][0]["stopped_at"].is_string(), "{list}");
    assert!(aisle(data, &second).status.success(), "one runs now: {}", text(&aisle(data, &second)));
    refused(data, &["experiments", "start", "feed-1"], "is running");
    assert!(aisle(data, &["experiments", "delete", "feed-2"]).status.success());
    assert!(aisle(data, &["experiments", "start", "feed-1"]).status.success());

    let base = ["experiments", "create", "x", "--name", "n", "--variant", "a=ease"];
    refused(data, &base, "at least two variants");
    let zero = [&base[..], &["--variant", "b=popular", "--traffic", "0", "--stopped"]].concat();
    refused(data, &zero, "would enrol nobody");
    let untrained = [&base[..], &["--variant", "b=bpr", "--stopped"]].concat();
    refused(data, &untrained, "no trained `bpr` model");
    let weightless =
        [&base[..], &["--variant", "b=popular", "--weight", "c=2", "--stopped"]].concat();
    refused(data, &weightless, "no variant `c`");
    refused(data, &["experiments", "results", "nope"], "no experiment `nope`");
}
