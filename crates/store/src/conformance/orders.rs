//! Conformance of the shop-wide order reads that are not by shopper: guest orders.

use aisle_domain::{Batch, OrderStatus};

use super::fixtures::{item, order};
use crate::api::Store;
use crate::Error;

/// Guest orders come oldest first (ties by id), in every status, shoppers' orders never; a
/// visitor's error stops the walk and comes back.
pub fn guest_orders_are_visited_oldest_first(store: &dyn Store) {
    let mut visits = 0;
    store
        .each_guest_order(&mut |_| {
            visits += 1;
            Ok(())
        })
        .expect("an empty store");
    assert_eq!(visits, 0, "no orders, no visits");
    let mut cancelled = order("g-cancelled", None, 7, &["a"]);
    cancelled.status = OrderStatus::Cancelled;
    let batch = Batch {
        items: vec![item("a", "A"), item("b", "B")],
        orders: vec![
            order("g-late", None, 9, &["b", "a"]),
            order("u-order", Some("u1"), 3, &["a"]),
            order("g-b", None, 1, &["a"]),
            order("g-a", None, 1, &["b"]),
            cancelled,
        ],
        ..Batch::default()
    };
    store.write(&batch).expect("write orders");
    let mut seen = Vec::new();
    store
        .each_guest_order(&mut |o| {
            seen.push(o.id.to_string());
            Ok(())
        })
        .expect("walk");
    assert_eq!(seen, ["g-a", "g-b", "g-cancelled", "g-late"], "oldest first, ties by id");
    visits = 0;
    let stopped = store.each_guest_order(&mut |o| {
        visits += 1;
        Err(Error::InvalidArgument(format!("stop at {}", o.id)))
    });
    assert!(stopped.is_err(), "the visitor's error comes back");
    assert_eq!(visits, 1, "and stops the walk");
}
