//! Tests that need the hidden parts of the shop (shoppers' tastes), which the public API does
//! not show.

use std::collections::HashMap;

use aisle_domain::{Actor, Batch, EventKind};

use crate::catalog::Catalog;
use crate::shoppers::Shoppers;
use crate::taxonomy::LEAVES;
use crate::{generate, ShopConfig};

#[test]
fn shoppers_views_concentrate_in_their_favourite_departments() {
    let config = ShopConfig::new(100_000, 21);
    let start = config.start.millis();
    let catalog = Catalog::build(config.seed, config.items() as usize, start);
    let shoppers = Shoppers::build(config.seed, config.users() as usize, &catalog, start);
    let mut batch = Batch::default();
    generate(&config, 10_000, &mut |mut b| {
        batch.append(&mut b);
        Ok(())
    })
    .expect("generates");

    let dept_of: HashMap<&str, usize> = catalog
        .ids
        .iter()
        .zip(&catalog.facts)
        .map(|(id, f)| (id.as_str(), LEAVES[usize::from(f.leaf)].dept))
        .collect();
    let user_of: HashMap<&str, usize> =
        shoppers.ids.iter().enumerate().map(|(u, id)| (id.as_str(), u)).collect();
    let mut views_by_user: HashMap<usize, Vec<usize>> = HashMap::new();
    let mut all_views = [0usize; 8];
    for e in batch.events.iter().filter(|e| e.kind == EventKind::View) {
        let dept = dept_of[e.item.as_ref().expect("item").as_str()];
        all_views[dept] += 1;
        if let Actor::User(u) = &e.actor {
            views_by_user.entry(user_of[u.as_str()]).or_default().push(dept);
        }
    }
    let total: usize = all_views.iter().sum();
    let (mut share_sum, mut baseline_sum, mut users) = (0.0, 0.0, 0);
    for (u, depts) in views_by_user.iter().filter(|(_, d)| d.len() >= 20) {
        let taste = &shoppers.profiles[*u].taste;
        let mut favourite = [false; 8];
        for leaf in &taste.leaves[..usize::from(taste.count)] {
            favourite[LEAVES[usize::from(*leaf)].dept] = true;
        }
        share_sum += depts.iter().filter(|d| favourite[**d]).count() as f64 / depts.len() as f64;
        baseline_sum += (0..8).filter(|d| favourite[*d]).map(|d| all_views[d]).sum::<usize>()
            as f64
            / total as f64;
        users += 1;
    }
    assert!(users > 100, "only {users} active users");
    let share = share_sum / f64::from(users);
    let baseline = baseline_sum / f64::from(users);
    assert!(share > 0.7, "{share:.2} of a shopper's views are in favourite departments");
    assert!(share > 1.8 * baseline, "{share:.2} against {baseline:.2} for a random shopper");
}

#[test]
fn users_and_items_can_be_set_apart_from_the_event_count() {
    let config = ShopConfig { users: Some(300), items: Some(120), ..ShopConfig::new(5_000, 3) };
    let summary = generate(&config, 1_000, &mut |_| Ok(())).expect("generates");
    assert_eq!((summary.users, summary.items), (300, 120));
    let too_few = ShopConfig { users: Some(5), ..ShopConfig::new(5_000, 3) };
    let error = generate(&too_few, 1_000, &mut |_| Ok(())).expect_err("5 users");
    assert!(error.to_string().contains("20 to 2000000 users"), "{error}");
}
