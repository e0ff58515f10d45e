//! End-to-end tests of the model commands: `aisle train`, `aisle recommend` and `aisle eval`
//! on a small generated shop, including their contract (`eval --json` writes
//! `{"models": {NAME: {"NDCG@10": ...}}}`) and their answers to bad input.

mod common;

use std::process::Command;

use common::{aisle, text};

fn shop() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = aisle(dir.path(), &["generate", "--events", "4000", "--seed", "9"]);
    assert!(out.status.success(), "{}", text(&out));
    dir
}

#[test]
fn train_versions_models_and_recommend_excludes_what_the_user_has_seen() {
    let dir = shop();
    for (model, version) in [("popular", 1), ("ease", 1), ("ease", 2)] {
        let out = aisle(dir.path(), &["train", "--model", model, "--json"]);
        assert!(out.status.success(), "{}", text(&out));
        let report: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
        assert_eq!(report["version"], version, "{report}");
        assert!(report["items"].as_u64().unwrap_or(0) > 0);
    }
    assert!(dir.path().join("models/ease/v2.model").is_file());

    let out = aisle(
        dir.path(),
        &["recommend", "--user", "u-000001", "--model", "ease", "--k", "5", "--json"],
    );
    assert!(out.status.success(), "{}", text(&out));
    let recs: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
    let items: Vec<&str> = recs["items"]
        .as_array()
        .expect("items")
        .iter()
        .filter_map(|r| r["item"].as_str())
        .collect();
    assert_eq!(items.len(), 5, "{recs}");
    assert_eq!(recs["version"], 2);
}

#[test]
fn eval_writes_the_contract_json_and_a_report_with_charts() {
    let dir = shop();
    let json = dir.path().join("eval.json");
    let reports = dir.path().join("report");
    let out = aisle(
        dir.path(),
        &[
            "eval",
            "--split",
            "loo",
            "--protocol",
            "full",
            "--models",
            "popular,item-knn",
            "--k",
            "5,10",
            "--json",
            json.to_str().expect("utf-8"),
            "--report-dir",
            reports.to_str().expect("utf-8"),
            "--search",
            "item-knn:neighbours=20,50",
        ],
    );
    assert!(out.status.success(), "{}", text(&out));
    let report: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&json).expect("json written")).expect("JSON");
    for model in ["popular", "item-knn"] {
        for metric in ["NDCG@10", "HR@10", "Recall@10", "NDCG@5", "MRR@10", "Coverage@10"] {
            assert!(report["models"][model][metric].is_number(), "{model} {metric}: {report}");
        }
    }
    for file in
        ["report.json", "report.md", "ndcg_at_k.svg", "hr_at_k.svg", "accuracy_vs_coverage.svg"]
    {
        assert!(reports.join(file).is_file(), "{file} missing");
    }
    let svg = std::fs::read_to_string(reports.join("ndcg_at_k.svg")).expect("svg");
    assert!(svg.starts_with("<svg") || svg.starts_with("<?xml"), "{}", &svg[..svg.len().min(80)]);
}

#[test]
fn bad_model_requests_get_clear_errors() {
    let empty = tempfile::tempdir().expect("tempdir");
    let out = aisle(empty.path(), &["train", "--model", "ease"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out).contains("no interactions"), "{}", text(&out));

    let dir = shop();
    let out = aisle(dir.path(), &["train", "--model", "telepathy"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out).contains("ease"), "the error lists the known models: {}", text(&out));
    let out = aisle(dir.path(), &["train", "--model", "ease", "--param", "lambda=NaN"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out).contains("lambda"), "{}", text(&out));
    let out = aisle(dir.path(), &["train", "--model", "ease", "--param", "nonsense"]);
    assert_eq!(out.status.code(), Some(2), "a malformed flag is a usage error: {}", text(&out));
    let out = aisle(dir.path(), &["recommend", "--user", "u-000001", "--model", "als"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out).contains("aisle train --model als"), "{}", text(&out));
    let out = aisle(dir.path(), &["eval", "--models", "popular", "--k", "0", "--no-tune"]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    let out = aisle(dir.path(), &["eval", "--models", "popular", "--split", "sideways"]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    assert!(text(&out).contains("sideways"), "{}", text(&out));
}

#[test]
fn sessions_become_training_rows_when_configured() {
    let dir = shop();
    let stats = aisle(dir.path(), &["stats", "--json"]);
    let stats: serde_json::Value = serde_json::from_slice(&stats.stdout).expect("JSON");
    let rows = |include: &str| -> u64 {
        let out = Command::new(env!("CARGO_BIN_EXE_aisle"))
            .arg("--data-dir")
            .arg(dir.path())
            .args(["--log", "warn", "train", "--model", "popular", "--json"])
            .env("AISLE_TRAINING__INCLUDE_SESSIONS", include)
            .output()
            .expect("runs");
        assert!(out.status.success(), "{}", text(&out));
        let report: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
        report["users"].as_u64().unwrap_or(0)
    };
    let users = stats["users"].as_u64().unwrap_or(0);
    let sessions = stats["sessions"].as_u64().unwrap_or(0);
    assert!(sessions > 0, "{stats}");
    assert_eq!(rows("false"), users);
    assert_eq!(rows("true"), users + sessions);
}

#[test]
fn the_transformer_trains_serves_and_evaluates_through_the_cli() {
    let dir = shop();
    let small = ["--param", "epochs=3", "--param", "dim=16", "--param", "validate_every=1"];
    let mut args = vec!["train", "--model", "transformer", "--json"];
    args.extend(small);
    let out = aisle(dir.path(), &args);
    assert!(out.status.success(), "{}", text(&out));
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
    assert_eq!(report["model"], "transformer", "{report}");
    assert_eq!(report["config"]["dim"], 16, "{report}");

    let recommend = ["recommend", "--user", "u-000001", "--model", "transformer", "--k", "5"];
    let out = aisle(dir.path(), &[&recommend[..], &["--json"]].concat());
    assert!(out.status.success(), "{}", text(&out));
    let recs: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
    assert_eq!(recs["items"].as_array().map(Vec::len), Some(5), "{recs}");

    let report_path = dir.path().join("transformer.json");
    let small_eval = "eval --split loo --protocol full --models transformer --k 10 \
                      --param transformer.epochs=2 --param transformer.dim=16 --json";
    let mut args: Vec<&str> = small_eval.split_whitespace().collect();
    args.push(report_path.to_str().expect("path"));
    let out = aisle(dir.path(), &args);
    assert!(out.status.success(), "{}", text(&out));
    let report: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&report_path).expect("report"))
            .expect("JSON");
    let ndcg = report["models"]["transformer"]["NDCG@10"].as_f64().expect("NDCG@10");
    assert!((0.0..=1.0).contains(&ndcg), "{report}");

    let out = aisle(dir.path(), &["train", "--model", "transformer", "--param", "heads=3"]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    assert!(text(&out).contains("heads"), "{}", text(&out));
}
