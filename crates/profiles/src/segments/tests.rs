//! Tests of segment statistics, clusters, members, score bands and the CSV export.

use super::*;

fn shopper(id: &str, segment: &'static str, frequency: u32, monetary: f64) -> ShopperSummary {
    ShopperSummary {
        id: id.to_string(),
        segment,
        lifecycle: "active",
        recency_days: (frequency > 0).then_some(3.0),
        frequency,
        monetary,
        events: u64::from(frequency) * 10 + 1,
        events_30d: u64::from(frequency),
        last_seen_days: Some(if frequency > 0 { 3.0 } else { 60.0 }),
        propensity: Some(f64::from(frequency) / 30.0),
        churn_risk: (frequency > 0).then(|| 1.0 / f64::from(frequency)),
    }
}

#[test]
fn segment_stats_count_share_and_spend() {
    let shoppers = [
        shopper("a", "champions", 10, 900.0),
        shopper("b", "champions", 8, 100.0),
        shopper("c", "prospects", 0, 0.0),
        shopper("d", "lost", 1, 0.0),
    ];
    let stats = segment_stats(&shoppers);
    assert_eq!(stats.len(), Segment::ALL.len(), "every segment listed");
    let champions = &stats[0];
    assert_eq!((champions.segment, champions.shoppers), ("champions", 2));
    assert_eq!(champions.share, 0.5);
    assert_eq!(champions.mean_frequency, 9.0);
    assert_eq!(champions.revenue_share, 1.0);
    let prospects = stats.iter().find(|s| s.segment == "prospects").expect("listed");
    assert_eq!(prospects.mean_recency_days, None, "nobody bought");
    let loyal = stats.iter().find(|s| s.segment == "loyal").expect("listed");
    assert_eq!((loyal.shoppers, loyal.share), (0, 0.0));
    assert!(segment_stats(&[]).iter().all(|s| s.shoppers == 0), "no shoppers, no division");
}

#[test]
fn clusters_split_buyers_from_browsers_and_skip_the_unseen() {
    let mut shoppers: Vec<ShopperSummary> =
        (0..20).map(|i| shopper(&format!("buyer{i}"), "champions", 20 + i % 3, 2_000.0)).collect();
    shoppers.extend((0..40).map(|i| shopper(&format!("browser{i}"), "prospects", 0, 0.0)));
    let mut unseen = shopper("ghost", "prospects", 0, 0.0);
    unseen.last_seen_days = None;
    shoppers.push(unseen);
    let found = clusters(&shoppers, 2, 3).expect("clusters");
    assert_eq!(found.clustered, 60, "the unseen shopper is not placed");
    assert_eq!(found.clusters[0].shoppers, 40);
    assert_eq!(found.clusters[0].main_segment, "prospects");
    assert_eq!(found.clusters[1].main_segment, "champions");
    assert!((found.clusters[1].centre["spend"] - 2_000.0).abs() < 1.0, "{found:?}");
    assert!(found.members.iter().all(|(id, c)| id.starts_with("buyer") == (*c == 1)));
    assert!(clusters(&shoppers[..1], 2, 0).is_err(), "one shopper cannot make two clusters");

    let buyers = members(&shoppers, "cluster-1", 2, 3).expect("a cluster");
    assert_eq!(buyers.len(), 20);
    assert_eq!(members(&shoppers, "champions", 2, 3).expect("a segment").len(), 20);
    assert!(members(&shoppers, "loyal", 2, 3).expect("empty is fine").is_empty());
    let error = members(&shoppers, "vip", 2, 3).expect_err("unknown");
    assert!(error.to_string().contains("champions"), "{error}");
    let error = members(&shoppers, "cluster-2", 2, 3).expect_err("past k");
    assert_eq!(error, SelectError::NoSuchCluster { cluster: 2, k: 2 });
}

#[test]
fn csv_quotes_ids_and_leaves_missing_recency_empty() {
    let mut odd = shopper("a,\"b", "prospects", 0, 0.0);
    odd.recency_days = None;
    let csv = to_csv(&[&odd]);
    let mut lines = csv.lines();
    assert_eq!(lines.next().map(|h| h.split(',').count()), Some(10));
    assert_eq!(lines.next(), Some("\"a,\"\"b\",prospects,active,,0,0,1,0,0.000,"));
}

#[test]
fn a_propensity_band_keeps_likely_buyers_first() {
    let shoppers = [
        shopper("a", "loyal", 3, 0.0),
        shopper("b", "loyal", 12, 0.0),
        shopper("c", "loyal", 6, 0.0),
    ];
    let mut unscored = shopper("d", "loyal", 6, 0.0);
    unscored.propensity = None;
    let all: Vec<&ShopperSummary> = shoppers.iter().chain([&unscored]).collect();
    let band = by_propensity(all, 0.1, 0.3);
    let ids: Vec<&str> = band.iter().map(|s| s.id.as_str()).collect();
    assert_eq!(ids, ["c", "a"], "0.2 and 0.1 inside, 0.4 above, unscored out");
}

#[test]
fn a_churn_band_keeps_likeliest_lapses_first_and_leaves_out_who_never_bought() {
    let shoppers = [
        shopper("a", "lost", 1, 0.0),
        shopper("b", "loyal", 4, 0.0),
        shopper("c", "prospects", 0, 0.0),
    ];
    let band = by_churn_risk(shoppers.iter().collect(), 0.2, 1.0);
    let ids: Vec<&str> = band.iter().map(|s| s.id.as_str()).collect();
    assert_eq!(ids, ["a", "b"], "1.0 and 0.25 inside, the prospect has no risk");
    let stats = segment_stats(&shoppers);
    let lost = stats.iter().find(|s| s.segment == "lost").expect("listed");
    assert_eq!(lost.mean_churn_risk, Some(1.0));
    let prospects = stats.iter().find(|s| s.segment == "prospects").expect("listed");
    assert_eq!(prospects.mean_churn_risk, None);
}
