//! The collector end to end on a hand-built shop of five shoppers, each one a case: an old
//! buyer who buys again, a newcomer who abandons a cart, a shop that sends only purchases, a
//! shopper seen only after the period, and one active only in the period before.

use aisle_domain::{Event, EventKind, Order};
use aisle_profiles::{CatalogFacts, ItemFacts};
use EventKind::*;

use crate::attribution::RECOMMENDATION;
use crate::movement::UNSEEN;
use crate::period::{Period, DAY_MS};
use crate::testing::{event, order, HOUR};
use crate::{html, Analysis, Collector};

fn catalog() -> CatalogFacts {
    let item = |category: Option<&str>, price: f64| ItemFacts {
        category: category.map(String::from),
        brand: None,
        price: Some(price),
    };
    CatalogFacts::new([
        ("shoe".to_string(), item(Some("shoes"), 50.0)),
        ("hat".to_string(), item(Some("hats"), 20.0)),
        ("misc".to_string(), ItemFacts::default()),
    ])
}

fn on(mut event: Event, device: &str) -> Event {
    event.context.device = Some(device.into());
    event
}

fn day(d: i64) -> i64 {
    d * DAY_MS
}

/// `(events, orders)` of each shopper, the period days 10 to 19.
fn shop() -> Vec<(Vec<Event>, Vec<Order>)> {
    let mut recommended = event("b", Click, "hat", day(12) + HOUR);
    recommended.context.referrer = Some(RECOMMENDATION.into());
    let mut misc = event("c", Purchase, "misc", day(15));
    misc.price = Some(7.0);
    vec![
        (
            vec![
                on(event("a", View, "shoe", day(11)), "mobile"),
                on(event("a", AddToCart, "shoe", day(11) + 60_000), "mobile"),
                on(event("a", Purchase, "shoe", day(11) + 120_000), "mobile"),
            ],
            vec![
                order("o-a1", "a", day(2), &[("hat", 1, 30.0)]),
                order("o-a2", "a", day(11) + 120_000, &[("shoe", 1, 50.0)]),
            ],
        ),
        (
            vec![
                on(recommended, "Desktop"),
                on(event("b", View, "hat", day(12) + HOUR + 1_000), "desktop"),
                on(event("b", AddToCart, "hat", day(12) + HOUR + 2_000), "desktop"),
                on(event("b", View, "hat", day(13)), "desktop"),
            ],
            vec![],
        ),
        (vec![misc], vec![]),
        (vec![event("d", View, "shoe", day(25))], vec![]),
        (
            vec![event("e", View, "shoe", day(5)), event("e", Purchase, "shoe", day(5) + 1_000)],
            vec![],
        ),
    ]
}

fn analysis() -> Analysis {
    let catalog = catalog();
    let period = Period { from: day(10), to: day(20) };
    let mut collector = Collector::new(period, &catalog, 10);
    for (events, orders) in shop() {
        collector.add(&events, &orders);
    }
    collector.finish()
}

fn visits(funnel: &crate::funnel::Funnel) -> Vec<u64> {
    funnel.steps.iter().map(|s| s.visits).collect()
}

#[test]
fn the_overall_funnel_counts_visits_and_shoppers_and_what_was_implied() {
    let a = analysis();
    let overall = &a.funnels.overall;
    assert_eq!(visits(overall), [4, 3, 2]);
    let shoppers: Vec<u64> = overall.steps.iter().map(|s| s.shoppers).collect();
    assert_eq!(shoppers, [3, 3, 2]);
    let implied: Vec<u64> = overall.steps.iter().map(|s| s.implied).collect();
    assert_eq!(implied, [1, 1, 0], "the purchase-only shopper implies a view and a cart");
    assert_eq!(overall.conversion, 0.5);
}

#[test]
fn funnels_break_down_by_device_category_and_segment_at_the_start() {
    let a = analysis();
    let group = |groups: &[crate::funnel::GroupFunnel], name: &str| {
        groups.iter().find(|g| g.group == name).map(|g| visits(&g.funnel))
    };
    assert_eq!(group(&a.funnels.by_device, "desktop"), Some(vec![2, 1, 0]), "devices fold case");
    assert_eq!(group(&a.funnels.by_device, "mobile"), Some(vec![1, 1, 1]));
    assert_eq!(group(&a.funnels.by_device, "unknown"), Some(vec![1, 1, 1]));
    assert_eq!(a.funnels.by_device[0].group, "desktop", "most visits first");
    assert_eq!(group(&a.funnels.by_category, "hats"), Some(vec![2, 1, 0]));
    assert_eq!(group(&a.funnels.by_category, "shoes"), Some(vec![1, 1, 1]));
    assert_eq!(group(&a.funnels.by_category, "uncategorised"), Some(vec![1, 1, 1]));
    assert_eq!(group(&a.funnels.by_segment, UNSEEN), Some(vec![3, 2, 1]), "b and c were new");
    let old: u64 = a
        .funnels
        .by_segment
        .iter()
        .filter(|g| g.group != UNSEEN)
        .map(|g| g.funnel.steps[0].visits)
        .sum();
    assert_eq!(old, 1);
}

#[test]
fn kpis_compare_with_the_period_before() {
    let a = analysis();
    let now = &a.kpis.current;
    assert_eq!((now.revenue, now.orders, now.buyers, now.new_buyers), (57.0, 2, 2, 1));
    assert_eq!((now.average_order_value, now.active_shoppers), (28.5, 3));
    assert_eq!((now.visits, now.purchase_visits, now.conversion), (4, 2, 0.5));
    let before = &a.kpis.previous;
    assert_eq!((before.revenue, before.orders, before.buyers), (80.0, 2, 2));
    assert_eq!((before.visits, before.purchase_visits), (1, 1));
    assert!(a.kpis.previous_covered);
    let revenue = &a.kpis.changes[0];
    assert_eq!((revenue.kpi, revenue.change), ("revenue", Some(-0.2875)));
    assert_eq!(a.top_products.by_revenue[0].item, "shoe");
    assert_eq!(a.sales_by_day.len(), 10);
}

#[test]
fn paths_attribution_and_movement_of_the_shop() {
    let a = analysis();
    let to_purchase: Vec<&str> = a.paths.to_purchase.top.iter().map(|p| p.path.as_str()).collect();
    assert_eq!(to_purchase, ["purchase", "view > cart > purchase"]);
    assert_eq!(a.paths.to_abandonment.top[0].path, "view > cart > (end)");
    assert_eq!((a.attribution.clicks, a.attribution.recommended_clicks), (1, 1));
    assert_eq!(a.attribution.attributed_purchases, 0);
    let m = &a.movement;
    assert_eq!(m.shoppers, 4, "d was seen only after the period");
    assert_eq!(m.newcomers, 2);
    assert_eq!(m.stayed + m.moved_up + m.moved_down, 2);
    let prospects = m.segments.iter().position(|s| *s == "prospects").expect("label");
    assert_eq!(m.at_end[prospects], 1, "b never bought");
    assert_eq!(a.shoppers_read, 5);
    let range = a.data.expect("records");
    assert_eq!((range.first, range.last), (day(2), day(25)));
}

#[test]
fn a_period_without_records_is_all_zeros_and_the_report_still_renders() {
    let catalog = catalog();
    let period = Period { from: day(100), to: day(130) };
    let mut collector = Collector::new(period, &catalog, 10);
    for (events, orders) in shop() {
        collector.add(&events, &orders);
    }
    let a = collector.finish();
    assert_eq!(visits(&a.funnels.overall), [0, 0, 0]);
    assert_eq!(a.kpis.current.revenue, 0.0);
    assert!(!a.kpis.previous_covered);
    assert!(a.kpis.changes.iter().all(|c| c.change.is_none()));
    let page = html::render(&a, "2024-01-01T00:00:00Z");
    assert!(page.contains("nothing to compare with"));
    assert!(page.contains("No clicks or purchases came from recommendations"));
}

#[test]
fn the_report_is_one_self_contained_page() {
    let mut a = analysis();
    a.top_products.by_revenue[0].title = Some("Shoe <b>\"best\"</b>".into());
    let page = html::render(&a, "2024-01-01T00:00:00Z");
    assert!(page.starts_with("<!DOCTYPE html>") && page.trim_end().ends_with("</html>"));
    for part in [
        "Key figures",
        "Funnel",
        "Common paths",
        "Segment movement",
        "Top products",
        "What recommendations brought",
    ] {
        assert!(page.contains(part), "{part}");
    }
    assert!(page.contains("<svg"), "inline charts");
    assert!(!page.contains("<script"), "no script");
    assert!(!page.contains("src=") && !page.contains("href="), "no external requests");
    assert!(page.contains("Shoe &lt;b&gt;&quot;best&quot;&lt;/b&gt;"), "titles are escaped");
}
