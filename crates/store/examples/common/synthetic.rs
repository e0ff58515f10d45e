//! Synthetic shop data for the speed examples: deterministic, shaped like the UCI Online Retail
//! import (few items, many events, orders with a handful of lines). Not a test fixture.

// Each example uses part of it.
#![allow(dead_code)]

use aisle_domain::{
    Actor, Batch, Event, EventKind, ExternalId, Item, Order, OrderLine, OrderStatus, Timestamp,
};

fn id(s: String) -> ExternalId {
    ExternalId::parse(s).expect("generated ids are valid")
}

/// A cheap deterministic pseudo-random sequence (xorshift).
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Self {
        Self(seed.max(1))
    }
    pub fn below(&mut self, n: u64) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0 % n.max(1)
    }
}

/// Events `first..first + n` (ids are stable, so regenerating a range makes duplicates).
pub fn events(rng: &mut Rng, first: u64, n: u64, users: u64, items: u64) -> Vec<Event> {
    (first..first + n)
        .map(|k| {
            let kind = EventKind::ALL[rng.below(9) as usize];
            let actor = if rng.below(4) == 0 {
                Actor::Session(id(format!("s{}", rng.below(users * 3))))
            } else {
                Actor::User(id(format!("u{}", rng.below(users))))
            };
            let millis = 1_600_000_000_000 + k as i64 * 1_000;
            let mut e = Event::new(
                id(format!("ev-{k}")),
                actor,
                kind,
                Timestamp::from_millis(millis).expect("in range"),
            )
            .with_item(id(format!("sku-{}", rng.below(items))));
            if kind == EventKind::Purchase {
                e.quantity = Some(1 + rng.below(5) as i64);
                e.price = Some(2.5);
            }
            e
        })
        .collect()
}

pub fn items(n: u64) -> Vec<Item> {
    (0..n)
        .map(|k| Item { title: format!("Item {k}"), ..Item::new(id(format!("sku-{k}"))) })
        .collect()
}

pub fn orders(rng: &mut Rng, first: u64, n: u64, users: u64, items: u64) -> Vec<Order> {
    (first..first + n)
        .map(|k| Order {
            id: id(format!("inv-{k}")),
            user: Some(id(format!("u{}", rng.below(users)))),
            status: OrderStatus::Delivered,
            created_at: Timestamp::from_millis(1_600_000_000_000 + k as i64 * 60_000)
                .expect("in range"),
            currency: "GBP".into(),
            lines: (0..1 + rng.below(6))
                .map(|_| OrderLine {
                    item: id(format!("sku-{}", rng.below(items))),
                    quantity: 1 + rng.below(9) as i64,
                    unit_price: 1.25,
                })
                .collect(),
            attributes: Default::default(),
        })
        .collect()
}

/// The batches of an import: `events` events, `orders` orders and `items` items, cut into
/// batches of `batch_events` events.
pub fn import(events_n: u64, orders_n: u64, items_n: u64, batch_events: u64) -> Vec<Batch> {
    let mut rng = Rng::new(42);
    let users = 4_300;
    let n_batches = events_n.div_ceil(batch_events).max(1);
    (0..n_batches)
        .map(|b| {
            let first = b * batch_events;
            let n = batch_events.min(events_n - first);
            let orders_per = orders_n / n_batches;
            Batch {
                items: if b == 0 { items(items_n) } else { Vec::new() },
                events: events(&mut rng, first, n, users, items_n),
                orders: orders(&mut rng, b * orders_per, orders_per, users, items_n),
                ..Batch::default()
            }
        })
        .collect()
}
