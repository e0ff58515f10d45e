//! The demo shop through its public API: determinism, scale, validity of every record, and the
//! structure (funnel, popularity, bilingual text, orders) the demo and benchmarks rely on.

use std::collections::{BTreeMap, HashMap};

use aisle_domain::{Actor, Batch, EventKind, OrderStatus};
use aisle_shopgen::{generate, Error, GenerateSummary, ShopConfig};

/// Every batch of a shop, in order.
fn batches(config: &ShopConfig, batch_events: usize) -> (Vec<Batch>, GenerateSummary) {
    let mut out = Vec::new();
    let summary = generate(config, batch_events, &mut |batch| {
        out.push(batch);
        Ok(())
    })
    .expect("generates");
    (out, summary)
}

/// A whole shop in one batch.
fn shop(events: u64, seed: u64) -> (Batch, GenerateSummary) {
    concat(&ShopConfig::new(events, seed), 5_000)
}

fn concat(config: &ShopConfig, batch_events: usize) -> (Batch, GenerateSummary) {
    let (parts, summary) = batches(config, batch_events);
    let mut all = Batch::default();
    for mut part in parts {
        all.append(&mut part);
    }
    (all, summary)
}

fn count(batch: &Batch, kind: EventKind) -> usize {
    batch.events.iter().filter(|e| e.kind == kind).count()
}

#[test]
fn the_same_seed_gives_the_same_batches() {
    let config = ShopConfig::new(5_000, 7);
    assert_eq!(batches(&config, 1_000), batches(&config, 1_000));
}

#[test]
fn batch_size_does_not_change_the_shop() {
    let config = ShopConfig::new(4_000, 11);
    let (one, summary) = concat(&config, 1_000_000);
    for size in [1, 97, 1_000] {
        let (other, other_summary) = concat(&config, size);
        assert_eq!(summary, other_summary, "batch size {size}");
        assert!(one == other, "batch size {size} changed the records");
    }
}

#[test]
fn batches_are_about_the_asked_size_with_the_catalog_first() {
    let (parts, _) = batches(&ShopConfig::new(20_000, 3), 1_000);
    assert!(parts.len() > 10);
    let first_event_batch = parts.iter().position(|b| !b.events.is_empty()).expect("has events");
    assert!(parts[first_event_batch..].iter().all(|b| b.items.is_empty() && b.users.is_empty()));
    assert!(parts[..first_event_batch].iter().all(|b| b.events.is_empty()));
    // Only the last batch of the catalog and the very last batch may be short.
    for (i, part) in parts.iter().enumerate() {
        if i + 1 != first_event_batch && i + 1 != parts.len() {
            assert!((1_000..1_400).contains(&part.len()), "batch {i} of {}", part.len());
        }
    }
}

#[test]
fn a_different_seed_gives_a_different_shop() {
    let (a, _) = shop(3_000, 1);
    let (b, _) = shop(3_000, 2);
    assert_ne!(a.items, b.items);
    assert_ne!(a.events, b.events);
}

#[test]
fn the_event_count_is_within_five_percent_of_the_target() {
    let small = (0..10).map(|seed| (1_000, seed));
    for (events, seed) in small.chain([(3_333, 10), (100_000, 11)]) {
        let (batch, summary) = shop(events, seed);
        assert_eq!(summary.events, batch.events.len() as u64);
        let error = (summary.events as f64 - events as f64).abs() / events as f64;
        assert!(error <= 0.05, "{events} events asked, {} made", summary.events);
    }
}

#[test]
fn the_summary_counts_what_was_streamed() {
    let config = ShopConfig::new(10_000, 5);
    let (batch, summary) = concat(&config, 700);
    assert_eq!(summary.items, config.items());
    assert_eq!(summary.users, config.users());
    assert_eq!(batch.items.len() as u64, summary.items);
    assert_eq!(batch.users.len() as u64, summary.users);
    assert_eq!(batch.orders.len() as u64, summary.orders);
    assert_eq!(batch.reviews.len() as u64, summary.reviews);
    assert!(summary.orders > 0 && summary.reviews > 0);
}

#[test]
fn every_record_is_valid_and_ids_follow_the_scheme() {
    let config = ShopConfig::new(30_000, 9);
    let (batch, _) = concat(&config, 4_000);
    for item in &batch.items {
        item.validate().expect("valid item");
        assert!(
            item.id.as_str().starts_with("sku-") && item.id.as_str().len() == 10,
            "{}",
            item.id
        );
        assert_eq!(item.image_url.as_deref(), Some(format!("/img/{}.svg", item.id).as_str()));
        let price = item.price.as_ref().expect("priced");
        assert_eq!(price.currency, "CNY");
        assert!(price.amount >= 1.0);
    }
    for user in &batch.users {
        user.validate().expect("valid user");
        assert!(user.id.as_str().starts_with("u-"), "{}", user.id);
    }
    let start = config.start.millis();
    let end = start + i64::from(config.days) * 86_400_000;
    let mut ids = std::collections::HashSet::new();
    for event in &batch.events {
        event.validate().expect("valid event");
        assert!(ids.insert(event.id.as_str()), "duplicate event id {}", event.id);
        let t = event.timestamp.millis();
        assert!(t >= start && t <= end + 86_400_000, "{} at {t}", event.id);
        let context = &event.context;
        assert!(context.device.is_some() && context.page.is_some() && context.referrer.is_some());
    }
    for order in &batch.orders {
        order.validate().expect("valid order");
    }
    for review in &batch.reviews {
        review.validate().expect("valid review");
        assert!(!review.text.trim().is_empty());
    }
}

#[test]
fn the_funnel_narrows_from_views_to_purchases() {
    let (batch, _) = shop(100_000, 12);
    let views = count(&batch, EventKind::View) as f64;
    let carts = count(&batch, EventKind::AddToCart) as f64;
    let purchases = count(&batch, EventKind::Purchase) as f64;
    assert!(views > carts && carts > purchases && purchases > 0.0);
    let cart_rate = carts / views;
    let buy_rate = purchases / carts;
    assert!((0.06..=0.12).contains(&cart_rate), "carted {cart_rate:.3} of views");
    assert!((0.25..=0.45).contains(&buy_rate), "bought {buy_rate:.3} of carts");
    for kind in EventKind::ALL {
        assert!(count(&batch, kind) > 0, "no {kind} events");
    }
    let anonymous = batch.events.iter().filter(|e| matches!(e.actor, Actor::Session(_))).count();
    let share = anonymous as f64 / batch.events.len() as f64;
    assert!((0.05..0.4).contains(&share), "anonymous share {share}");
}

#[test]
fn item_popularity_is_skewed() {
    let (batch, summary) = shop(100_000, 13);
    let mut views: HashMap<&str, usize> = HashMap::new();
    for e in batch.events.iter().filter(|e| e.kind == EventKind::View) {
        *views.entry(e.item.as_ref().expect("viewed item").as_str()).or_default() += 1;
    }
    let mut counts: Vec<usize> = views.values().copied().collect();
    counts.sort_unstable_by(|a, b| b.cmp(a));
    let total: usize = counts.iter().sum();
    let top: usize = counts.iter().take(summary.items as usize / 10).sum();
    let share = top as f64 / total as f64;
    assert!(share > 0.35, "top 10% of items get {share:.2} of views");
}

#[test]
fn views_in_a_session_mostly_stay_in_one_category() {
    let (batch, _) = shop(50_000, 14);
    let leaf: HashMap<&str, &Vec<String>> =
        batch.items.iter().map(|i| (i.id.as_str(), &i.categories)).collect();
    let mut last: HashMap<&Actor, (i64, &str)> = HashMap::new();
    let (mut same, mut pairs) = (0usize, 0usize);
    for e in batch.events.iter().filter(|e| e.kind == EventKind::View) {
        let item = e.item.as_ref().expect("viewed item").as_str();
        if let Some((t, previous)) = last.insert(&e.actor, (e.timestamp.millis(), item)) {
            if e.timestamp.millis() - t < 30 * 60_000 {
                pairs += 1;
                same += usize::from(leaf[previous] == leaf[item]);
            }
        }
    }
    let share = same as f64 / pairs as f64;
    assert!(share > 0.6, "{share:.2} of consecutive views share a category");
}

#[test]
fn titles_and_descriptions_are_bilingual() {
    let (batch, _) = shop(2_000, 15);
    let cjk = |s: &str| s.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c));
    let latin = |s: &str| s.chars().any(|c| c.is_ascii_alphabetic());
    for item in &batch.items {
        assert!(cjk(&item.title) && latin(&item.title), "{}", item.title);
        assert!(cjk(&item.description) && latin(&item.description), "{}", item.description);
        assert!(item.categories.iter().all(|c| cjk(c) && latin(c)), "{:?}", item.categories);
    }
    let searches: Vec<&str> = batch.events.iter().filter_map(|e| e.query.as_deref()).collect();
    assert!(searches.iter().any(|q| cjk(q)) && searches.iter().any(|q| !cjk(q)));
}

#[test]
fn catalog_flags_are_in_the_promised_proportions() {
    let (batch, _) = shop(2_000_000 / 10, 16);
    let n = batch.items.len() as f64;
    let unavailable = batch.items.iter().filter(|i| !i.available).count() as f64 / n;
    let hidden = batch.items.iter().filter(|i| i.hidden).count() as f64 / n;
    assert!((0.02..0.09).contains(&unavailable), "unavailable {unavailable}");
    assert!(hidden < 0.03, "hidden {hidden}");
    let hidden_ids: Vec<&str> =
        batch.items.iter().filter(|i| i.hidden).map(|i| i.id.as_str()).collect();
    let unavailable_ids: Vec<&str> =
        batch.items.iter().filter(|i| !i.available).map(|i| i.id.as_str()).collect();
    for e in &batch.events {
        let item = e.item.as_ref().map(|i| i.as_str()).unwrap_or("");
        assert!(!hidden_ids.contains(&item), "hidden item {item} in {:?}", e.kind);
        if e.kind == EventKind::AddToCart {
            assert!(!unavailable_ids.contains(&item), "out-of-stock {item} carted");
        }
    }
}

/// Purchases of one checkout share the order's time and buyer.
type CheckoutKey = (Option<String>, i64);

#[test]
fn order_lines_match_purchase_events() {
    let (batch, _) = shop(40_000, 17);
    let mut purchases: BTreeMap<CheckoutKey, Vec<(String, i64, u64)>> = BTreeMap::new();
    for e in batch.events.iter().filter(|e| e.kind == EventKind::Purchase) {
        let buyer = match &e.actor {
            Actor::User(u) => Some(u.to_string()),
            Actor::Session(_) => None,
        };
        let line = (
            e.item.as_ref().expect("item").to_string(),
            e.quantity.expect("quantity"),
            e.price.expect("price").to_bits(),
        );
        purchases.entry((buyer, e.timestamp.millis())).or_default().push(line);
    }
    let mut matched = 0;
    for order in &batch.orders {
        let key = (order.user.as_ref().map(|u| u.to_string()), order.created_at.millis());
        let mut lines: Vec<(String, i64, u64)> = order
            .lines
            .iter()
            .map(|l| (l.item.to_string(), l.quantity, l.unit_price.to_bits()))
            .collect();
        let bought = purchases.get_mut(&key).expect("purchase events for the order");
        lines.sort();
        bought.sort();
        // Anonymous checkouts at the same millisecond would share a key; none do at this size.
        assert_eq!(&lines, bought, "order {}", order.id);
        matched += lines.len();
    }
    assert_eq!(matched, count(&batch, EventKind::Purchase));
    let statuses: Vec<OrderStatus> = batch.orders.iter().map(|o| o.status).collect();
    let delivered = statuses.iter().filter(|s| **s == OrderStatus::Delivered).count();
    assert!(delivered * 2 > statuses.len(), "most orders are delivered");
    for status in [OrderStatus::Returned, OrderStatus::Shipped] {
        assert!(statuses.contains(&status), "no {status:?} orders");
    }
}

#[test]
fn returned_and_cancelled_orders_have_return_events() {
    let (batch, _) = shop(60_000, 18);
    let returns: Vec<(Option<String>, String)> = batch
        .events
        .iter()
        .filter(|e| e.kind == EventKind::Return)
        .map(|e| {
            let who = match &e.actor {
                Actor::User(u) => Some(u.to_string()),
                Actor::Session(_) => None,
            };
            (who, e.item.as_ref().expect("item").to_string())
        })
        .collect();
    let undone = batch
        .orders
        .iter()
        .filter(|o| matches!(o.status, OrderStatus::Returned | OrderStatus::Cancelled));
    let mut lines = 0;
    for order in undone {
        for line in &order.lines {
            let key = (order.user.as_ref().map(|u| u.to_string()), line.item.to_string());
            assert!(returns.contains(&key), "no return event for {} in {}", line.item, order.id);
            lines += 1;
        }
    }
    assert_eq!(lines, returns.len());
}

#[test]
fn ratings_are_whole_stars_and_mostly_positive() {
    let (batch, _) = shop(100_000, 19);
    let stars: Vec<f64> = batch
        .events
        .iter()
        .filter(|e| e.kind == EventKind::Rating)
        .map(|e| e.value.expect("stars"))
        .collect();
    assert!(stars.len() > 100);
    assert!(stars.iter().all(|s| (1.0..=5.0).contains(s) && s.fract() == 0.0));
    let mean = stars.iter().sum::<f64>() / stars.len() as f64;
    assert!((3.5..4.6).contains(&mean), "mean rating {mean}");
    assert!(stars.contains(&1.0) && stars.contains(&5.0));
    for review in &batch.reviews {
        let r = review.rating.expect("rated");
        assert!((1.0..=5.0).contains(&r));
    }
    assert_eq!(batch.reviews.len(), count(&batch, EventKind::Review));
}

#[test]
fn bad_configurations_and_failing_consumers_are_reported() {
    let mut ok = |_: Batch| Ok(());
    assert!(matches!(generate(&ShopConfig::new(1_000, 1), 0, &mut ok), Err(Error::Config(_))));
    assert!(matches!(generate(&ShopConfig::new(0, 1), 10, &mut ok), Err(Error::Config(_))));
    let mut config = ShopConfig::new(1_000, 1);
    config.days = 0;
    assert!(matches!(generate(&config, 10, &mut ok), Err(Error::Config(_))));
    let mut calls = 0;
    let result = generate(&ShopConfig::new(1_000, 1), 100, &mut |_| {
        calls += 1;
        Err("disk full".into())
    });
    let err = result.expect_err("the consumer failed");
    assert!(matches!(err, Error::Sink(_)) && err.to_string().contains("disk full"), "{err}");
    assert_eq!(calls, 1, "generation stops at the first failure");
}
