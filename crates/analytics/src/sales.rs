//! Sales of a period: revenue, orders, buyers, average order value and conversion (the KPIs),
//! the best-selling products and revenue by day.
//!
//! Sales are read as the profiles read them: a shopper's orders when the shop sends orders
//! (those not cancelled or returned; revenue is the lines' quantity times unit price), else
//! their purchase events, one order per distinct minute (a checkout) and revenue their price
//! times quantity (the catalog price when an event has none).

use std::collections::{BTreeMap, HashMap, HashSet};

use aisle_domain::{Event, EventKind, Order, OrderStatus};
use serde::Serialize;

use crate::attribution::{round2, sale_of};
use crate::funnel::ratio;
use crate::period::{date, Period, DAY_MS};

/// Running totals of one period.
#[derive(Debug, Clone)]
pub struct SalesTally {
    period: Period,
    orders: u64,
    revenue: f64,
    buyers: u64,
    new_buyers: u64,
    active: u64,
    visits: u64,
    purchase_visits: u64,
    items: HashMap<String, ProductTally>,
    days: BTreeMap<i64, (f64, u64)>,
}

#[derive(Debug, Clone, Copy, Default)]
struct ProductTally {
    units: f64,
    revenue: f64,
    orders: u64,
}

/// One sale as both sources give it: when, which order, which item, units, revenue.
struct Line<'a> {
    at: i64,
    order: OrderKey<'a>,
    item: &'a str,
    units: f64,
    revenue: f64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum OrderKey<'a> {
    Order(&'a str),
    Minute(i64),
}

fn kept(order: &Order) -> bool {
    !matches!(order.status, OrderStatus::Cancelled | OrderStatus::Returned)
}

/// A shopper's sale lines from their orders, else their purchase events.
fn lines<'a>(
    events: &[&'a Event],
    orders: &'a [Order],
    price: &dyn Fn(&str) -> Option<f64>,
) -> Vec<Line<'a>> {
    if !orders.is_empty() {
        return orders
            .iter()
            .filter(|o| kept(o))
            .flat_map(|order| {
                order.lines.iter().map(move |line| {
                    let units = line.quantity.max(0) as f64;
                    let revenue = units * line.unit_price;
                    Line {
                        at: order.created_at.millis(),
                        order: OrderKey::Order(order.id.as_str()),
                        item: line.item.as_str(),
                        units,
                        revenue: if revenue.is_finite() { revenue } else { 0.0 },
                    }
                })
            })
            .collect();
    }
    events
        .iter()
        .filter(|e| e.kind == EventKind::Purchase)
        .filter_map(|event| {
            let item = event.item.as_ref()?.as_str();
            let (units, revenue) = sale_of(event, price(item));
            let at = event.timestamp.millis();
            Some(Line { at, order: OrderKey::Minute(at.div_euclid(60_000)), item, units, revenue })
        })
        .collect()
}

impl SalesTally {
    /// An empty tally of `period`.
    pub fn new(period: Period) -> Self {
        Self {
            period,
            orders: 0,
            revenue: 0.0,
            buyers: 0,
            new_buyers: 0,
            active: 0,
            visits: 0,
            purchase_visits: 0,
            items: HashMap::new(),
            days: BTreeMap::new(),
        }
    }

    /// Adds one shopper's events (any order) and orders; `price` gives an item's list price.
    pub fn add_shopper(
        &mut self,
        events: &[&Event],
        orders: &[Order],
        price: &dyn Fn(&str) -> Option<f64>,
    ) {
        let period = self.period;
        let active = events.iter().any(|e| period.contains(e.timestamp.millis()))
            || orders.iter().any(|o| kept(o) && period.contains(o.created_at.millis()));
        self.active += u64::from(active);
        let lines = lines(events, orders, price);
        let Some(first) = lines.iter().map(|l| l.at).min() else { return };
        let mut seen_orders: HashSet<OrderKey> = HashSet::new();
        let mut item_orders: HashSet<(OrderKey, &str)> = HashSet::new();
        for line in lines.iter().filter(|l| period.contains(l.at)) {
            let day = self.days.entry(line.at.div_euclid(DAY_MS)).or_default();
            day.0 += line.revenue;
            if seen_orders.insert(line.order) {
                self.orders += 1;
                day.1 += 1;
            }
            self.revenue += line.revenue;
            let product = self.items.entry(line.item.to_string()).or_default();
            product.units += line.units;
            product.revenue += line.revenue;
            if item_orders.insert((line.order, line.item)) {
                product.orders += 1;
            }
        }
        if !seen_orders.is_empty() {
            self.buyers += 1;
            self.new_buyers += u64::from(period.contains(first));
        }
    }

    /// Counts one visit that entered the funnel in the period, and whether it bought.
    pub fn add_visit(&mut self, purchased: bool) {
        self.visits += 1;
        self.purchase_visits += u64::from(purchased);
    }

    /// The period's KPIs.
    pub fn kpis(&self) -> Kpis {
        Kpis {
            revenue: round2(self.revenue),
            orders: self.orders,
            buyers: self.buyers,
            new_buyers: self.new_buyers,
            average_order_value: if self.orders > 0 {
                round2(self.revenue / self.orders as f64)
            } else {
                0.0
            },
            active_shoppers: self.active,
            visits: self.visits,
            purchase_visits: self.purchase_visits,
            conversion: ratio(self.purchase_visits, self.visits),
        }
    }

    /// The `top` products by revenue and by units.
    pub fn top_products(&self, top: usize) -> TopProducts {
        let pick = |key: fn(&ProductTally) -> f64| {
            let mut items: Vec<(&String, &ProductTally)> = self.items.iter().collect();
            items.sort_by(|a, b| key(b.1).total_cmp(&key(a.1)).then_with(|| a.0.cmp(b.0)));
            items
                .into_iter()
                .take(top)
                .map(|(item, t)| ProductSales {
                    item: item.clone(),
                    title: None,
                    units: round2(t.units),
                    revenue: round2(t.revenue),
                    orders: t.orders,
                    revenue_share: if self.revenue > 0.0 {
                        (t.revenue / self.revenue * 10_000.0).round() / 10_000.0
                    } else {
                        0.0
                    },
                })
                .collect()
        };
        TopProducts {
            products_sold: self.items.len(),
            by_revenue: pick(|t| t.revenue),
            by_units: pick(|t| t.units),
        }
    }

    /// Revenue and orders of every day of the period, zero-filled.
    pub fn by_day(&self) -> Vec<DaySales> {
        let first = self.period.from.div_euclid(DAY_MS);
        let last = (self.period.to - 1).div_euclid(DAY_MS);
        (first..=last)
            .map(|day| {
                let (revenue, orders) = self.days.get(&day).copied().unwrap_or_default();
                DaySales { date: date(day * DAY_MS), revenue: round2(revenue), orders }
            })
            .collect()
    }
}

/// A period's key figures.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Kpis {
    /// What the orders came to.
    pub revenue: f64,
    /// Orders.
    pub orders: u64,
    /// Shoppers with an order.
    pub buyers: u64,
    /// Buyers whose first order ever fell in the period.
    pub new_buyers: u64,
    /// Revenue per order.
    pub average_order_value: f64,
    /// Shoppers with an event or an order in the period.
    pub active_shoppers: u64,
    /// Visits that entered the funnel (viewed, carted or bought).
    pub visits: u64,
    /// Visits with a purchase.
    pub purchase_visits: u64,
    /// `purchase_visits / visits`.
    pub conversion: f64,
}

impl Kpis {
    /// The figures a report compares, by name.
    pub fn figures(&self) -> [(&'static str, f64); 6] {
        [
            ("revenue", self.revenue),
            ("orders", self.orders as f64),
            ("buyers", self.buyers as f64),
            ("average_order_value", self.average_order_value),
            ("conversion", self.conversion),
            ("new_buyers", self.new_buyers as f64),
        ]
    }
}

/// The period's KPIs against the period of equal length before it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct KpiComparison {
    /// This period.
    pub current: Kpis,
    /// The one before.
    pub previous: Kpis,
    /// Whether the data reaches into the previous period at all; when not, its zeros mean
    /// "no data", and there are no changes.
    pub previous_covered: bool,
    /// Each figure's relative change, `current / previous - 1`; `None` when the previous
    /// figure is 0 or the previous period is not covered.
    pub changes: Vec<KpiChange>,
}

impl KpiComparison {
    /// Compares two periods' KPIs.
    pub fn new(current: Kpis, previous: Kpis, previous_covered: bool) -> Self {
        let changes = current
            .figures()
            .into_iter()
            .zip(previous.figures())
            .map(|((kpi, now), (_, before))| KpiChange {
                kpi,
                current: now,
                previous: before,
                change: (previous_covered && before != 0.0)
                    .then(|| ((now / before - 1.0) * 10_000.0).round() / 10_000.0),
            })
            .collect();
        Self { current, previous, previous_covered, changes }
    }
}

/// One KPI in both periods.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct KpiChange {
    /// The figure's name.
    pub kpi: &'static str,
    /// Its value this period.
    pub current: f64,
    /// Its value the period before.
    pub previous: f64,
    /// The relative change.
    pub change: Option<f64>,
}

/// The best-selling products.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TopProducts {
    /// Different products sold in the period.
    pub products_sold: usize,
    /// Most revenue first.
    pub by_revenue: Vec<ProductSales>,
    /// Most units first.
    pub by_units: Vec<ProductSales>,
}

/// One product's sales.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ProductSales {
    /// The item's id.
    pub item: String,
    /// Its title, when the caller looked it up.
    pub title: Option<String>,
    /// Units sold.
    pub units: f64,
    /// Their revenue.
    pub revenue: f64,
    /// Orders with it.
    pub orders: u64,
    /// Its share of the period's revenue.
    pub revenue_share: f64,
}

/// One day's sales.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DaySales {
    /// `YYYY-MM-DD`.
    pub date: String,
    /// Revenue.
    pub revenue: f64,
    /// Orders.
    pub orders: u64,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::{event, order, HOUR};

    fn no_price(_: &str) -> Option<f64> {
        None
    }

    #[test]
    fn orders_are_the_sales_when_a_shopper_has_them() {
        let period = Period { from: 10 * DAY_MS, to: 20 * DAY_MS };
        let mut tally = SalesTally::new(period);
        let mut cancelled = order("o3", "u", 12 * DAY_MS, &[("b", 9, 100.0)]);
        cancelled.status = OrderStatus::Cancelled;
        let orders = [
            order("o1", "u", 2 * DAY_MS, &[("a", 1, 5.0)]),
            order("o2", "u", 11 * DAY_MS, &[("a", 2, 5.0), ("b", 1, 3.0)]),
            cancelled,
        ];
        // A purchase event of the same checkout is not counted twice.
        let events = [event("u", EventKind::Purchase, "a", 11 * DAY_MS)];
        let refs: Vec<&Event> = events.iter().collect();
        tally.add_shopper(&refs, &orders, &no_price);
        tally.add_visit(true);
        let kpis = tally.kpis();
        assert_eq!((kpis.revenue, kpis.orders, kpis.buyers, kpis.new_buyers), (13.0, 1, 1, 0));
        assert_eq!(kpis.average_order_value, 13.0);
        assert_eq!(kpis.conversion, 1.0);
        let top = tally.top_products(1);
        assert_eq!(top.products_sold, 2);
        assert_eq!(top.by_revenue[0].item, "a");
        assert_eq!((top.by_revenue[0].units, top.by_revenue[0].orders), (2.0, 1));
        let days = tally.by_day();
        assert_eq!(days.len(), 10);
        assert_eq!(days[1].revenue, 13.0);
        assert_eq!(days[1].date, "1970-01-12");
    }

    #[test]
    fn without_orders_purchase_events_of_one_minute_are_one_order() {
        let period = Period { from: 0, to: DAY_MS };
        let mut tally = SalesTally::new(period);
        let mut events = vec![
            event("u", EventKind::Purchase, "a", HOUR),
            event("u", EventKind::Purchase, "b", HOUR + 1_000),
            event("u", EventKind::Purchase, "a", 3 * HOUR),
        ];
        for e in &mut events {
            e.price = Some(2.0);
        }
        let refs: Vec<&Event> = events.iter().collect();
        tally.add_shopper(&refs, &[], &no_price);
        let kpis = tally.kpis();
        assert_eq!((kpis.orders, kpis.revenue, kpis.new_buyers), (2, 6.0, 1));
        assert_eq!(tally.top_products(5).by_units[0].orders, 2, "a was in two checkouts");
    }

    #[test]
    fn changes_are_relative_and_absent_without_a_base() {
        let mut now = SalesTally::new(Period { from: 0, to: DAY_MS }).kpis();
        now.revenue = 150.0;
        let mut before = now.clone();
        before.revenue = 100.0;
        let compared = KpiComparison::new(now.clone(), before.clone(), true);
        assert_eq!(compared.changes[0].change, Some(0.5));
        assert_eq!(compared.changes[1].change, None, "no orders before: no ratio");
        let uncovered = KpiComparison::new(now, before, false);
        assert!(uncovered.changes.iter().all(|c| c.change.is_none()));
    }
}
