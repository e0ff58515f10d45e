//! Shopping analytics from the store on a small generated shop: the analysis adds up to the
//! orders, the report renders, default periods end at the newest event, and periods the data
//! cannot answer (outside it, reversed, an empty store) fail clearly.

use aisle_domain::OrderStatus;
use aisle_engine::analytics::Period;
use aisle_engine::{Config, Engine, Error, GenerateOptions};

fn open(dir: &std::path::Path) -> Engine {
    let config = Config { data_dir: dir.to_path_buf(), ..Config::default() };
    Engine::open(&config).expect("open")
}

fn generated(dir: &std::path::Path) -> Engine {
    let engine = open(dir);
    let options = GenerateOptions { events: 20_000, seed: 3, users: None, items: None };
    engine.generate(options, &mut |_| {}).expect("generate");
    engine
}

#[test]
fn a_generated_shops_analysis_adds_up_to_its_orders() {
    let dir = tempfile::tempdir().expect("dir");
    let engine = generated(dir.path());
    // The generator's shop runs 90 days from 2026-08-01: this period holds all of it.
    let period = Period::of_days("2026-07-01", "2026-12-31").expect("period");
    let mut reports = 0;
    let analysis = engine.analytics(period, &mut |_| reports += 1).expect("analysis");
    assert!(reports > 0, "progress is reported");
    let data = serde_json::to_value(analysis.data).expect("json");
    assert_eq!(data["first"], "2026-08-01");

    // Every order is in the period, and every generated checkout of a signed-in shopper has
    // one, so the KPIs are the kept orders' totals.
    let (mut orders, mut revenue, mut shoppers) = (0, 0.0, 0);
    let users = engine.store().list_users(None, 100_000, None).expect("users");
    for user in &users {
        shoppers += 1;
        for order in engine.store().orders_of_user(&user.id).expect("orders") {
            if !matches!(order.status, OrderStatus::Cancelled | OrderStatus::Returned) {
                orders += 1;
                revenue += order.total();
            }
        }
    }
    let kpis = &analysis.kpis.current;
    assert_eq!(kpis.orders, orders);
    assert!((kpis.revenue - revenue).abs() < 0.01, "{} vs {revenue}", kpis.revenue);
    assert_eq!(analysis.shoppers_read, shoppers);

    let funnel = &analysis.funnels.overall;
    let visits: Vec<u64> = funnel.steps.iter().map(|s| s.visits).collect();
    assert!(visits[0] > visits[1] && visits[1] > visits[2] && visits[2] > 0, "{visits:?}");
    assert_eq!(funnel.steps[0].implied, 0, "the generator's visits all view");
    for breakdown in aisle_engine::analytics::Breakdown::ALL {
        let groups = analysis.funnels.by(breakdown);
        let sum: u64 = groups.iter().map(|g| g.funnel.steps[0].visits).sum();
        match breakdown {
            // A visit may touch several categories.
            aisle_engine::analytics::Breakdown::Category => assert!(sum >= visits[0]),
            _ => assert_eq!(sum, visits[0], "{}", breakdown.as_str()),
        }
    }
    assert!(analysis.paths.to_purchase.visits > 0 && analysis.paths.to_abandonment.visits > 0);
    assert!(analysis.attribution.recommended_clicks > 0, "the generator clicks recommendations");
    assert_eq!(analysis.movement.newcomers, analysis.movement.shoppers, "all new in the period");
    assert!(analysis.top_products.by_revenue[0].title.is_some(), "titles from the catalog");

    let report = engine.marketing_report(period, &mut |_| {}).expect("report");
    assert!(report.html.contains("Marketing report") && report.html.contains("<svg"));
}

#[test]
fn a_default_period_ends_on_the_newest_events_day() {
    let dir = tempfile::tempdir().expect("dir");
    let engine = generated(dir.path());
    let period = engine.analytics_period(None, None).expect("period");
    assert_eq!(period.days(), 30.0);
    let newest = engine.store().newest_event_time().expect("read").expect("events");
    assert!(period.contains(newest.millis()));
    let from_only = engine.analytics_period(Some("2026-10-01"), None).expect("period");
    assert_eq!(from_only.first_day(), "2026-10-01");
    assert_eq!(from_only.to, period.to);
    let to_only = engine.analytics_period(None, Some("2026-09-30")).expect("period");
    assert_eq!(to_only.to_string(), "2026-09-01 to 2026-09-30");
}

#[test]
fn periods_the_data_cannot_answer_fail_clearly() {
    let dir = tempfile::tempdir().expect("dir");
    let engine = generated(dir.path());
    let outside = Period::of_days("2030-01-01", "2030-01-31").expect("period");
    let error = engine.analytics(outside, &mut |_| {}).expect_err("outside the data");
    assert!(matches!(error, Error::PeriodOutsideData { .. }), "{error:?}");
    let message = error.to_string();
    assert!(message.contains("2030-01-01 to 2030-01-31"), "{message}");
    assert!(message.contains("run from 2026-08-01 to 2026-"), "{message}");
    let after = engine.analytics_period(Some("2031-01-01"), None).expect("one day");
    assert!(matches!(engine.analytics(after, &mut |_| {}), Err(Error::PeriodOutsideData { .. })));

    let reversed = engine.analytics_period(Some("2026-09-10"), Some("2026-09-01"));
    let message = reversed.expect_err("reversed").to_string();
    assert!(message.contains("put the earlier day first"), "{message}");
    let malformed = engine.analytics_period(Some("10/09/2026"), None);
    assert!(matches!(malformed, Err(Error::Period(_))));

    let empty_dir = tempfile::tempdir().expect("dir");
    let empty = open(empty_dir.path());
    let period = empty.analytics_period(None, None).expect("a period ending today");
    let error = empty.analytics(period, &mut |_| {}).expect_err("nothing to analyse");
    assert!(error.to_string().contains("import or generate data first"), "{error}");
}
