//! Tests of the fold from events and orders to a profile.

use aisle_domain::{Actor, EventContext, ExternalId, OrderLine, Timestamp};

use super::*;
use crate::facts::ItemFacts;

const NOW: i64 = 1_796_169_600_000; // 2026-12-02T00:00:00Z, a Wednesday

fn id(text: &str) -> ExternalId {
    ExternalId::parse(text).expect("id")
}

fn event(kind: EventKind, item: &str, days_ago: f64, device: Option<&str>) -> Event {
    let at = NOW - (days_ago * DAY_MS as f64) as i64;
    let mut event = Event::new(
        id(&format!("e-{item}-{at}-{}", kind.as_str())),
        Actor::User(id("u1")),
        kind,
        Timestamp::from_millis(at).expect("time"),
    )
    .with_item(id(item));
    event.context = EventContext { device: device.map(str::to_string), ..EventContext::default() };
    event
}

fn catalog() -> CatalogFacts {
    let facts = |category: &str, brand: &str, price: f64| ItemFacts {
        category: Some(category.into()),
        brand: Some(brand.into()),
        price: Some(price),
    };
    CatalogFacts::new(
        (1..=8)
            .map(|k| (format!("shoe{k}"), facts("shoes", "Nimbus", 50.0 * k as f64)))
            .chain((1..=4).map(|k| (format!("mug{k}"), facts("kitchen", "Acme", 5.0 * k as f64)))),
    )
}

fn order(name: &str, days_ago: f64, status: OrderStatus, total: f64) -> Order {
    Order {
        id: id(name),
        user: Some(id("u1")),
        status,
        created_at: Timestamp::from_millis(NOW - (days_ago * DAY_MS as f64) as i64).expect("time"),
        currency: "GBP".into(),
        lines: vec![OrderLine { item: id("shoe1"), quantity: 2, unit_price: total / 2.0 }],
        attributes: Default::default(),
    }
}

#[test]
fn a_shopper_with_no_events_is_an_unseen_prospect() {
    let profile = ProfileBuilder::new().profile(NOW, None, &LifecycleRules::default());
    assert_eq!(profile.lifecycle, "unseen");
    assert_eq!(profile.segment, "prospects");
    assert_eq!(profile.rfm.recency_days, None);
    assert_eq!((profile.rfm.frequency, profile.rfm.monetary), (0, 0.0));
    assert_eq!(profile.activity.level, "none");
    assert!(profile.affinities.categories.is_empty() && profile.habits.preferred_hours.is_empty());
}

#[test]
fn orders_make_rfm_and_cancelled_ones_do_not_count() {
    let mut builder = ProfileBuilder::new();
    let catalog = catalog();
    builder.add_event(&event(EventKind::View, "shoe2", 40.0, Some("Mobile")), &catalog);
    builder.add_order(&order("o1", 10.0, OrderStatus::Delivered, 100.0));
    builder.add_order(&order("o1", 10.0, OrderStatus::Delivered, 100.0));
    builder.add_order(&order("o2", 3.0, OrderStatus::Paid, 50.0));
    builder.add_order(&order("o3", 1.0, OrderStatus::Cancelled, 999.0));
    let profile = builder.profile(NOW, None, &LifecycleRules::default());
    assert_eq!(profile.rfm.frequency, 2, "o1 once, o3 cancelled");
    assert_eq!(profile.rfm.monetary, 150.0);
    assert_eq!(profile.rfm.recency_days, Some(3.0));
    assert_eq!(profile.lifecycle, "active");
    let scale = RfmScale::new(&[
        (30.0, 1.0, 10.0),
        (20.0, 1.0, 20.0),
        (10.0, 2.0, 40.0),
        (5.0, 3.0, 80.0),
        (1.0, 9.0, 500.0),
    ])
    .expect("scale");
    let scored = builder.profile(NOW, Some(&scale), &LifecycleRules::default());
    assert!(scored.rfm.scores.is_some_and(|s| s.r >= 4), "{:?}", scored.rfm);
    assert_ne!(scored.segment, "prospects");
}

#[test]
fn purchase_events_stand_in_for_orders() {
    let mut builder = ProfileBuilder::new();
    let catalog = catalog();
    for (item, days) in [("shoe1", 5.0), ("mug1", 5.0), ("shoe3", 2.0)] {
        let mut purchase = event(EventKind::Purchase, item, days, None);
        purchase.price = Some(20.0);
        purchase.quantity = Some(2);
        builder.add_event(&purchase, &catalog);
    }
    let (frequency, monetary) = builder.frequency_and_monetary();
    assert_eq!(frequency, 2, "two purchases in the same minute are one checkout");
    assert_eq!(monetary, 120.0);
}

#[test]
fn affinities_habits_and_prices_follow_the_events() {
    let mut builder = ProfileBuilder::new();
    let catalog = catalog();
    for k in 0..4 {
        builder.add_event(
            &event(EventKind::View, "shoe8", 1.0 + f64::from(k), Some("mobile")),
            &catalog,
        );
    }
    builder.add_event(&event(EventKind::View, "mug4", 0.5, Some("desktop")), &catalog);
    let mut bought = event(EventKind::Purchase, "shoe1", 0.25, Some("mobile"));
    bought.price = Some(50.0);
    builder.add_event(&bought, &catalog);
    let profile = builder.profile(NOW, None, &LifecycleRules::default());
    assert_eq!(profile.affinities.categories[0].name, "shoes");
    assert!(profile.affinities.categories[0].share > 0.8, "{:?}", profile.affinities);
    assert_eq!(profile.affinities.brands[0].name, "Nimbus");
    assert_eq!(profile.habits.devices[0].name, "mobile");
    assert_eq!(profile.price.band, Some("budget"), "bought the cheapest shoe: {:?}", profile.price);
    assert!(
        profile.price.sensitivity.is_some_and(|s| s > 0.5),
        "buys cheaper than browses: {:?}",
        profile.price
    );
    assert_eq!(profile.activity.events_30d, 6);
    assert_eq!(profile.activity.level, "medium");
    // Views 1 to 4 days before NOW (Tuesday back to Saturday); the mug and the purchase on
    // Tuesday too.
    assert_eq!(profile.habits.weekdays, [1, 3, 0, 0, 0, 1, 1]);
    assert_eq!(profile.lifecycle, "new");
}
