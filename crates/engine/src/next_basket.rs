//! Next-basket items for the binaries: a shopper's orders as baskets, and the items likely in
//! their next one from `aisle-profiles`' scorer over the shop's basket counts (counted while the
//! profile context walks every history).

use std::collections::BTreeMap;

use aisle_domain::{EventKind, ExternalId, OrderStatus};
use aisle_profiles::next_basket::Suggestion;

use crate::shoppers::History;
use crate::{Engine, ProfileContext, Result};

/// Most items one next-basket answer lists.
pub const MAX_NEXT_BASKET: usize = 1_000;

impl History {
    /// The shopper's baskets, oldest first: the item ids of each order that was not cancelled
    /// or returned; a shop that sends no orders gets its purchase events grouped by minute (one
    /// checkout, one basket), as a profile counts orders.
    pub(crate) fn baskets(&self) -> Vec<Vec<String>> {
        let kept = |o: &&aisle_domain::Order| {
            !matches!(o.status, OrderStatus::Cancelled | OrderStatus::Returned)
        };
        if self.orders.iter().any(|o| kept(&o)) {
            let mut orders: Vec<&aisle_domain::Order> = self.orders.iter().filter(kept).collect();
            orders.sort_by_key(|o| o.created_at.millis());
            return orders
                .iter()
                .map(|o| o.lines.iter().map(|l| l.item.to_string()).collect())
                .collect();
        }
        let mut by_minute: BTreeMap<i64, Vec<String>> = BTreeMap::new();
        for event in self.events.iter().filter(|e| e.kind == EventKind::Purchase) {
            if let Some(item) = &event.item {
                let minute = event.timestamp.millis().div_euclid(60_000);
                by_minute.entry(minute).or_default().push(item.to_string());
            }
        }
        by_minute.into_values().collect()
    }
}

impl Engine {
    /// The `k` items likeliest in a shopper's next order, each with its score and reason;
    /// `None` when the store has no such shopper. Items no longer in the catalog are left out.
    pub fn next_basket(
        &self,
        context: &ProfileContext,
        user: &ExternalId,
        k: usize,
    ) -> Result<Option<Vec<Suggestion>>> {
        if self.store().user_index(user)?.is_none() {
            return Ok(None);
        }
        let baskets = self.history(user)?.baskets();
        // A shop that sent orders but no catalog has no facts to filter by: keep everything.
        let listed =
            |item: &str| context.catalog.is_empty() || context.catalog.item(item).is_some();
        Ok(Some(context.next_basket.suggest(&baskets, k.min(MAX_NEXT_BASKET), listed)))
    }
}
