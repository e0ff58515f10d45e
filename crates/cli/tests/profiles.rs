//! End-to-end tests of `aisle profiles` and `aisle forecast` on a small generated shop and on an
//! empty store: the profile's contract, segments and their export, forecasts, and clear errors.

mod common;

use common::{aisle, text};

#[test]
fn profiles_segments_exports_and_forecasts_of_a_generated_shop() {
    let dir = tempfile::tempdir().expect("dir");
    let out = aisle(dir.path(), &["generate", "--events", "20000", "--seed", "3"]);
    assert!(out.status.success(), "{}", text(&out));

    let out = aisle(dir.path(), &["profiles", "show", "u-000000", "--json"]);
    assert!(out.status.success(), "{}", text(&out));
    let profile: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    for key in ["rfm", "segment", "lifecycle", "affinities", "propensity"] {
        assert!(profile.get(key).is_some(), "{key} in {profile}");
    }
    for key in ["churn_risk", "churn_detail", "propensity_detail"] {
        assert!(profile.get(key).is_some(), "{key} in {profile}");
    }
    let basket = profile["next_basket"].as_array().expect("a next basket");
    assert!(basket.len() <= 10 && basket.iter().all(|i| i["reason"].is_string()), "{profile}");
    let out = aisle(dir.path(), &["profiles", "show", "u-000000", "--next-basket", "0"]);
    assert!(!out.status.success());
    assert!(text(&out).contains("1 to 1000"), "{}", text(&out));
    let out = aisle(dir.path(), &["profiles", "show", "u-000000"]);
    assert!(out.status.success(), "{}", text(&out));
    assert!(text(&out).contains("next basket: "), "{}", text(&out));
    assert!(text(&out).contains("lapses within 60 days"), "{}", text(&out));

    let out = aisle(dir.path(), &["profiles", "export", "prospects"]);
    assert!(out.status.success(), "{}", text(&out));
    let csv = String::from_utf8_lossy(&out.stdout);
    assert!(csv.starts_with("user_id,segment,"), "{csv}");
    assert!(csv.lines().skip(1).all(|l| l.contains(",prospects,")), "{csv}");

    let out = aisle(dir.path(), &["profiles", "export", "vip"]);
    assert!(!out.status.success());
    assert!(text(&out).contains("champions"), "names the valid segments: {}", text(&out));

    let out = aisle(dir.path(), &["forecast", "--horizon", "2", "--top", "3", "--json"]);
    assert!(out.status.success(), "{}", text(&out));
    let forecast: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    assert_eq!(forecast["series"][0]["forecast"].as_array().map(Vec::len), Some(2));
}

#[test]
fn an_empty_store_has_no_profile_and_nothing_to_forecast() {
    let dir = tempfile::tempdir().expect("dir");
    let out = aisle(dir.path(), &["profiles", "show", "nobody"]);
    assert!(!out.status.success());
    assert!(text(&out).contains("no user nobody"), "{}", text(&out));
    let out = aisle(dir.path(), &["forecast"]);
    assert!(!out.status.success());
    assert!(text(&out).contains("no sales"), "{}", text(&out));
    let out = aisle(dir.path(), &["profiles", "segments", "--json"]);
    assert!(out.status.success(), "{}", text(&out));
    let segments: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    assert!(segments["clusters"].is_null(), "no shoppers, no clusters: {segments}");
    assert!(segments["clusters_unavailable"].is_string());
}
