//! Recommendation attribution: the clicks on recommended items, and the purchases and revenue
//! that followed them.
//!
//! An event came from a recommendation when its `referrer` is `recommendation` (what the
//! storefront sends) or its `page` is `recommendation` (the placement, as the demo generator
//! writes it). A purchase is attributed when it came from a recommendation itself (`direct`), or
//! when the same shopper clicked the same item from a recommendation within the
//! [`ATTRIBUTION_WINDOW_MS`] (7 days) before it (`after_click`; the click may fall before the
//! period). Revenue is the purchase events' price times quantity (the catalog price when an
//! event has none), and its share is of all purchase events' revenue in the period.

use std::collections::HashMap;

use aisle_domain::{Event, EventKind};
use serde::Serialize;

use crate::funnel::ratio;
use crate::period::{Period, DAY_MS};

/// The referrer (or page) of an event that followed a recommendation.
pub const RECOMMENDATION: &str = "recommendation";

/// How long after a recommended click a purchase of the item is credited to it: 7 days.
pub const ATTRIBUTION_WINDOW_MS: i64 = 7 * DAY_MS;

/// Whether an event came from a recommendation.
pub fn from_recommendation(event: &Event) -> bool {
    let context = &event.context;
    context.referrer.as_deref() == Some(RECOMMENDATION)
        || context.page.as_deref() == Some(RECOMMENDATION)
}

/// What one purchase event brought: units and revenue.
pub(crate) fn sale_of(event: &Event, list_price: Option<f64>) -> (f64, f64) {
    let units = event.quantity.unwrap_or(1).max(0) as f64;
    let price = event.price.or(list_price).filter(|p| p.is_finite() && *p >= 0.0).unwrap_or(0.0);
    (units, units * price)
}

/// Running totals.
#[derive(Debug, Clone, Default)]
pub struct AttributionTally {
    clicks: u64,
    recommended_clicks: u64,
    purchases: u64,
    revenue: f64,
    direct: u64,
    after_click: u64,
    units: f64,
    attributed_revenue: f64,
    buyers: u64,
    items: HashMap<String, ItemTally>,
}

#[derive(Debug, Clone, Copy, Default)]
struct ItemTally {
    purchases: u64,
    units: f64,
    revenue: f64,
}

impl AttributionTally {
    /// Adds one shopper's events, in time order; `price` gives an item's list price.
    pub fn add_shopper(
        &mut self,
        events: &[&Event],
        period: &Period,
        price: &dyn Fn(&str) -> Option<f64>,
    ) {
        let mut clicked: HashMap<&str, i64> = HashMap::new();
        let mut bought = false;
        for event in events {
            let at = event.timestamp.millis();
            if at >= period.to {
                break;
            }
            let Some(item) = event.item.as_ref().map(|i| i.as_str()) else { continue };
            let recommended = from_recommendation(event);
            match event.kind {
                EventKind::Click => {
                    if recommended {
                        clicked.insert(item, at);
                    }
                    if period.contains(at) {
                        self.clicks += 1;
                        self.recommended_clicks += u64::from(recommended);
                    }
                }
                EventKind::Purchase if period.contains(at) => {
                    let (units, revenue) = sale_of(event, price(item));
                    self.purchases += 1;
                    self.revenue += revenue;
                    let after_click =
                        clicked.get(item).is_some_and(|&click| at - click <= ATTRIBUTION_WINDOW_MS);
                    if !(recommended || after_click) {
                        continue;
                    }
                    if recommended {
                        self.direct += 1;
                    } else {
                        self.after_click += 1;
                    }
                    self.units += units;
                    self.attributed_revenue += revenue;
                    bought = true;
                    let tally = self.items.entry(item.to_string()).or_default();
                    tally.purchases += 1;
                    tally.units += units;
                    tally.revenue += revenue;
                }
                _ => {}
            }
        }
        self.buyers += u64::from(bought);
    }

    /// The totals, with the `top` items by attributed revenue.
    pub fn attribution(&self, top: usize) -> Attribution {
        let mut items: Vec<(&String, &ItemTally)> = self.items.iter().collect();
        items.sort_by(|a, b| b.1.revenue.total_cmp(&a.1.revenue).then_with(|| a.0.cmp(b.0)));
        let purchases = self.direct + self.after_click;
        Attribution {
            clicks: self.clicks,
            recommended_clicks: self.recommended_clicks,
            click_share: ratio(self.recommended_clicks, self.clicks),
            purchases: self.purchases,
            attributed_purchases: purchases,
            direct: self.direct,
            after_click: self.after_click,
            purchase_share: ratio(purchases, self.purchases),
            attributed_units: round2(self.units),
            revenue: round2(self.revenue),
            attributed_revenue: round2(self.attributed_revenue),
            revenue_share: if self.revenue > 0.0 {
                (self.attributed_revenue / self.revenue * 10_000.0).round() / 10_000.0
            } else {
                0.0
            },
            attributed_buyers: self.buyers,
            top_items: items
                .into_iter()
                .take(top)
                .map(|(item, t)| AttributedItem {
                    item: item.clone(),
                    title: None,
                    purchases: t.purchases,
                    units: round2(t.units),
                    revenue: round2(t.revenue),
                })
                .collect(),
        }
    }
}

/// What recommendations brought in a period.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Attribution {
    /// Clicks in all.
    pub clicks: u64,
    /// Clicks on recommended items.
    pub recommended_clicks: u64,
    /// Their share of the clicks.
    pub click_share: f64,
    /// Purchase events in all.
    pub purchases: u64,
    /// Purchase events attributed to a recommendation (`direct` plus `after_click`).
    pub attributed_purchases: u64,
    /// Purchases that came from a recommendation themselves.
    pub direct: u64,
    /// Purchases of an item clicked from a recommendation in the 7 days before.
    pub after_click: u64,
    /// Attributed purchases over all purchases.
    pub purchase_share: f64,
    /// Units of the attributed purchases.
    pub attributed_units: f64,
    /// Revenue of all purchase events.
    pub revenue: f64,
    /// Revenue of the attributed ones.
    pub attributed_revenue: f64,
    /// Attributed revenue over all purchase revenue.
    pub revenue_share: f64,
    /// Shoppers with an attributed purchase.
    pub attributed_buyers: u64,
    /// The items recommendations sold most of, by revenue.
    pub top_items: Vec<AttributedItem>,
}

/// One item recommendations sold.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AttributedItem {
    /// The item's id.
    pub item: String,
    /// Its title, when the caller looked it up.
    pub title: Option<String>,
    /// Attributed purchase events.
    pub purchases: u64,
    /// Their units.
    pub units: f64,
    /// Their revenue.
    pub revenue: f64,
}

pub(crate) fn round2(x: f64) -> f64 {
    (x * 100.0).round() / 100.0
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::{event, HOUR};
    use EventKind::*;

    fn tally(events: &[Event], period: &Period) -> Attribution {
        let mut tally = AttributionTally::default();
        let refs: Vec<&Event> = events.iter().collect();
        tally.add_shopper(&refs, period, &|item| (item == "listed").then_some(5.0));
        tally.attribution(10)
    }

    fn recommended(mut event: Event) -> Event {
        event.context.referrer = Some(RECOMMENDATION.into());
        event
    }

    fn priced(mut event: Event, price: f64, quantity: i64) -> Event {
        event.price = Some(price);
        event.quantity = Some(quantity);
        event
    }

    #[test]
    fn purchases_from_or_after_a_recommended_click_are_attributed() {
        let period = Period { from: 0, to: 30 * DAY_MS };
        let events = [
            recommended(event("u", Click, "a", HOUR)),
            event("u", Click, "b", 2 * HOUR),
            priced(event("u", Purchase, "a", 3 * HOUR), 10.0, 2),
            priced(event("u", Purchase, "b", 3 * HOUR), 4.0, 1),
            recommended(priced(event("u", Purchase, "c", 4 * HOUR), 1.0, 1)),
            event("u", Purchase, "listed", 5 * HOUR),
        ];
        let a = tally(&events, &period);
        assert_eq!((a.clicks, a.recommended_clicks, a.click_share), (2, 1, 0.5));
        assert_eq!((a.purchases, a.attributed_purchases), (4, 2));
        assert_eq!((a.direct, a.after_click), (1, 1));
        assert_eq!(a.revenue, 30.0, "the catalog price stands in for a missing one");
        assert_eq!(a.attributed_revenue, 21.0);
        assert_eq!(a.revenue_share, 0.7);
        assert_eq!(a.attributed_units, 3.0);
        assert_eq!(a.attributed_buyers, 1);
        assert_eq!(a.top_items[0].item, "a");
    }

    #[test]
    fn a_click_older_than_the_window_earns_nothing_but_one_before_the_period_does() {
        let period = Period { from: 10 * DAY_MS, to: 30 * DAY_MS };
        let events = [
            recommended(event("u", Click, "a", 0)),
            recommended(event("u", Click, "b", 9 * DAY_MS)),
            priced(event("u", Purchase, "a", 10 * DAY_MS), 3.0, 1),
            priced(event("u", Purchase, "b", 11 * DAY_MS), 3.0, 1),
        ];
        let a = tally(&events, &period);
        assert_eq!(a.clicks, 0, "clicks before the period are not the period's");
        assert_eq!((a.after_click, a.attributed_revenue), (1, 3.0));
    }

    #[test]
    fn no_recommendation_traffic_gives_zero_shares() {
        let period = Period { from: 0, to: DAY_MS };
        let a = tally(&[priced(event("u", Purchase, "a", HOUR), 2.0, 1)], &period);
        assert_eq!((a.click_share, a.purchase_share, a.revenue_share), (0.0, 0.0, 0.0));
        assert!(a.top_items.is_empty());
        let a = tally(&[], &period);
        assert_eq!(a.revenue, 0.0);
    }
}
