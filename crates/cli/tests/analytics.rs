//! End-to-end tests of `aisle report` and `aisle analytics` on a small generated shop and an
//! empty store: the report file, funnels as JSON, and clear errors for periods the data cannot
//! answer.

mod common;

use common::{aisle, text};

#[test]
fn a_generated_shops_report_and_funnels() {
    let dir = tempfile::tempdir().expect("dir");
    let out = aisle(dir.path(), &["generate", "--events", "20000", "--seed", "3"]);
    assert!(out.status.success(), "{}", text(&out));

    let file = dir.path().join("report.html");
    let file_arg = file.to_str().expect("utf-8 path");
    let args = ["report", "--from", "2026-08-01", "--to", "2026-10-29", "--out", file_arg];
    let out = aisle(dir.path(), &args);
    assert!(out.status.success(), "{}", text(&out));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.starts_with("wrote ") && stdout.contains("orders"), "{stdout}");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("shoppers"), "progress goes to stderr: {stderr}");
    let page = std::fs::read_to_string(&file).expect("the report");
    assert!(page.starts_with("<!DOCTYPE html>") && page.contains("<svg"));

    let out = aisle(dir.path(), &["analytics", "funnel", "--by", "device", "--json"]);
    assert!(out.status.success(), "{}", text(&out));
    let funnel: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    assert_eq!(funnel["by"], "device");
    assert_eq!(funnel["period"]["to"], funnel["data"]["last"], "defaults to the newest day");
    let groups = funnel["groups"].as_array().expect("groups");
    let sum: u64 = groups.iter().filter_map(|g| g["steps"][0]["visits"].as_u64()).sum();
    assert_eq!(Some(sum), funnel["overall"]["steps"][0]["visits"].as_u64());

    let out = aisle(dir.path(), &["analytics", "funnel", "--by", "segment"]);
    assert!(out.status.success(), "{}", text(&out));
    assert!(String::from_utf8_lossy(&out.stdout).contains("prospects"), "{}", text(&out));
    let out = aisle(dir.path(), &["analytics", "paths"]);
    assert!(String::from_utf8_lossy(&out.stdout).contains("> purchase"), "{}", text(&out));
    let out = aisle(dir.path(), &["analytics", "attribution", "--json"]);
    let attribution: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    assert!(attribution["attribution"]["recommended_clicks"].as_u64().is_some_and(|c| c > 0));

    let old = dir.path().join("old.html");
    let old_arg = old.to_str().expect("utf-8 path");
    let out = aisle(
        dir.path(),
        &["report", "--from", "2012-01-01", "--to", "2012-12-31", "--out", old_arg],
    );
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out).contains("records run from 2026-08-01"), "{}", text(&out));
    assert!(!old.exists(), "no file for a failed report");
    let out =
        aisle(dir.path(), &["analytics", "paths", "--from", "2026-09-10", "--to", "2026-09-01"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out).contains("put the earlier day first"), "{}", text(&out));
    let out = aisle(dir.path(), &["analytics", "funnel", "--by", "country"]);
    assert_eq!(out.status.code(), Some(2), "a usage error: {}", text(&out));
}

#[test]
fn an_empty_store_has_nothing_to_report() {
    let dir = tempfile::tempdir().expect("dir");
    let file = dir.path().join("never.html");
    let out = aisle(dir.path(), &["report", "--out", file.to_str().expect("utf-8 path")]);
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out).contains("import or generate data first"), "{}", text(&out));
    assert!(!file.exists());
}
