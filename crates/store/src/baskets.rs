//! Orders as baskets of item indexes, for "bought together" models: the shape both backends
//! share once they have read the order documents and the item index.

use std::collections::HashMap;

use aisle_domain::{Order, OrderStatus};

/// Each order's distinct item indexes, in line order, for orders that were not cancelled or
/// returned; orders left empty (every line names an unknown item) are dropped.
pub(crate) fn baskets_of(
    orders: impl IntoIterator<Item = Order>,
    item_index: &HashMap<String, u32>,
) -> Vec<Vec<u32>> {
    let mut baskets = Vec::new();
    for order in orders {
        if matches!(order.status, OrderStatus::Cancelled | OrderStatus::Returned) {
            continue;
        }
        let mut basket: Vec<u32> = Vec::with_capacity(order.lines.len());
        for line in &order.lines {
            if let Some(&idx) = item_index.get(line.item.as_str()) {
                if !basket.contains(&idx) {
                    basket.push(idx);
                }
            }
        }
        if !basket.is_empty() {
            baskets.push(basket);
        }
    }
    baskets
}
