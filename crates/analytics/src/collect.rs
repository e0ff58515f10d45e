//! The one pass: a [`Collector`] takes every shopper's history once, in any order of shoppers,
//! and keeps what each part of the analysis needs; [`Collector::finish`] reads the
//! [`Analysis`] off it.

use std::collections::HashMap;

use aisle_domain::{Event, Order};
use aisle_profiles::{CatalogFacts, ProfileBuilder};
use serde::ser::SerializeStruct;
use serde::{Serialize, Serializer};

use crate::attribution::{Attribution, AttributionTally};
use crate::funnel::{ranked, FunnelCounts, Funnels, GroupFunnel};
use crate::movement::{labels, movement, segments, Movement, Standing};
use crate::paths::{PathTally, Paths};
use crate::period::{date, Period};
use crate::sales::{DaySales, KpiComparison, SalesTally, TopProducts};
use crate::visits::{visits, Reach, Step};

/// The group of events on items without a category.
pub const UNCATEGORISED: &str = "uncategorised";
/// The group of visits whose events name no device.
pub const UNKNOWN_DEVICE: &str = "unknown";

/// Everything a period's analytics says.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Analysis {
    /// The period.
    pub period: Period,
    /// The period of equal length before it, which the KPIs are compared with.
    pub previous_period: Period,
    /// The first and last day of the shoppers' records; `None` when there are none.
    pub data: Option<DataRange>,
    /// Shoppers whose history was read.
    pub shoppers_read: u64,
    /// Revenue, orders, buyers, order value and conversion against the previous period.
    pub kpis: KpiComparison,
    /// View, cart, purchase: overall and by segment, category and device.
    pub funnels: Funnels,
    /// The commonest paths to a purchase and to abandonment.
    pub paths: Paths,
    /// What recommendations brought.
    pub attribution: Attribution,
    /// Segments at the start against segments at the end.
    pub movement: Movement,
    /// Best-selling products.
    pub top_products: TopProducts,
    /// Revenue and orders per day of the period.
    pub sales_by_day: Vec<DaySales>,
}

/// The span of the records read: the first and the last instant, in milliseconds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DataRange {
    /// The oldest event or order.
    pub first: i64,
    /// The newest.
    pub last: i64,
}

/// On the wire, the first and last day: `{"first": "2010-12-01", "last": "2011-12-09"}`.
impl Serialize for DataRange {
    fn serialize<S: Serializer>(&self, serializer: S) -> std::result::Result<S::Ok, S::Error> {
        let mut out = serializer.serialize_struct("DataRange", 2)?;
        out.serialize_field("first", &date(self.first))?;
        out.serialize_field("last", &date(self.last))?;
        out.end()
    }
}

/// What a shopper's visits add to the shop's funnels.
#[derive(Default)]
struct ShopperReach {
    overall: FunnelCounts,
    furthest: Option<Step>,
    categories: HashMap<String, Option<Step>>,
    devices: HashMap<String, Option<Step>>,
}

/// Takes every shopper's history and keeps the analysis's running totals.
pub struct Collector<'a> {
    period: Period,
    catalog: &'a CatalogFacts,
    top: usize,
    overall: FunnelCounts,
    categories: HashMap<String, FunnelCounts>,
    devices: HashMap<String, FunnelCounts>,
    /// Funnel counts of shoppers with a visit in the period, by their position in `start`.
    shopper_funnels: Vec<(usize, FunnelCounts)>,
    paths: PathTally,
    attribution: AttributionTally,
    sales: SalesTally,
    previous_sales: SalesTally,
    start: Vec<Standing>,
    end: Vec<Standing>,
    range: Option<DataRange>,
}

impl<'a> Collector<'a> {
    /// A collector for `period`, with item categories and prices from `catalog`, keeping the
    /// `top` products, paths and recommended items.
    pub fn new(period: Period, catalog: &'a CatalogFacts, top: usize) -> Self {
        Self {
            period,
            catalog,
            top,
            overall: FunnelCounts::default(),
            categories: HashMap::new(),
            devices: HashMap::new(),
            shopper_funnels: Vec::new(),
            paths: PathTally::default(),
            attribution: AttributionTally::default(),
            sales: SalesTally::new(period),
            previous_sales: SalesTally::new(period.previous()),
            start: Vec::new(),
            end: Vec::new(),
            range: None,
        }
    }

    /// The span of the records taken so far.
    pub fn data_range(&self) -> Option<DataRange> {
        self.range
    }

    /// Takes one shopper's whole history: their events and orders, in any order.
    pub fn add(&mut self, events: &[Event], orders: &[Order]) {
        let mut sorted: Vec<&Event> = events.iter().collect();
        sorted.sort_by_key(|e| e.timestamp.millis());
        let times = sorted
            .iter()
            .map(|e| e.timestamp.millis())
            .chain(orders.iter().map(|o| o.created_at.millis()));
        for at in times {
            let range = self.range.get_or_insert(DataRange { first: at, last: at });
            range.first = range.first.min(at);
            range.last = range.last.max(at);
        }
        self.add_standings(&sorted, orders);
        let catalog = self.catalog;
        let price = |item: &str| catalog.item(item).and_then(|f| f.price);
        self.attribution.add_shopper(&sorted, &self.period, &price);
        self.sales.add_shopper(&sorted, orders, &price);
        self.previous_sales.add_shopper(&sorted, orders, &price);
        let reach = self.add_visits(&sorted);
        if reach.overall.entered() > 0 {
            let mut counts = reach.overall;
            counts.add_shopper(reach.furthest);
            self.overall.merge(&counts);
            self.shopper_funnels.push((self.start.len() - 1, counts));
            for (groups, furthest) in
                [(&mut self.categories, reach.categories), (&mut self.devices, reach.devices)]
            {
                for (group, step) in furthest {
                    groups.entry(group).or_default().add_shopper(step);
                }
            }
        }
    }

    /// The shopper's standing at the period's start and end, from one fold of their history.
    fn add_standings(&mut self, sorted: &[&Event], orders: &[Order]) {
        let Period { from, to } = self.period;
        let seen_by_end = sorted.first().is_some_and(|e| e.timestamp.millis() < to)
            || orders.iter().any(|o| o.created_at.millis() < to);
        if !seen_by_end {
            self.start.push(Standing::Unseen);
            self.end.push(Standing::Unseen);
            return;
        }
        let mut builder = ProfileBuilder::new();
        let split = sorted.partition_point(|e| e.timestamp.millis() < from);
        let end = sorted.partition_point(|e| e.timestamp.millis() < to);
        for event in &sorted[..split] {
            builder.add_event(event, self.catalog);
        }
        for order in orders.iter().filter(|o| o.created_at.millis() < from) {
            builder.add_order(order);
        }
        self.start.push(Standing::of(&builder, from));
        for event in &sorted[split..end] {
            builder.add_event(event, self.catalog);
        }
        for order in orders.iter().filter(|o| (from..to).contains(&o.created_at.millis())) {
            builder.add_order(order);
        }
        self.end.push(Standing::of(&builder, to));
    }

    /// Counts the shopper's visits that start in the period (funnels, paths) or the one before
    /// (its conversion).
    fn add_visits(&mut self, sorted: &[&Event]) -> ShopperReach {
        let mut shopper = ShopperReach::default();
        let previous = self.period.previous();
        for range in visits(sorted) {
            let visit = &sorted[range];
            let started = visit[0].timestamp.millis();
            if started < previous.from || started >= self.period.to {
                continue;
            }
            let mut reach = Reach::default();
            let mut categories: HashMap<&str, Reach> = HashMap::new();
            for event in visit {
                let Some(step) = Step::of(event.kind) else { continue };
                reach.add(step);
                if let Some(item) = &event.item {
                    let category = self
                        .catalog
                        .item(item.as_str())
                        .and_then(|f| f.category.as_deref())
                        .unwrap_or(UNCATEGORISED);
                    categories.entry(category).or_default().add(step);
                }
            }
            if !reach.reached(Step::View) {
                continue;
            }
            let purchased = reach.reached(Step::Purchase);
            if started < self.period.from {
                self.previous_sales.add_visit(purchased);
                continue;
            }
            self.sales.add_visit(purchased);
            self.paths.add(visit);
            shopper.overall.add_visit(&reach);
            shopper.furthest = shopper.furthest.max(reach.furthest);
            let device = visit
                .iter()
                .find_map(|e| e.context.device.as_deref().filter(|d| !d.is_empty()))
                .map_or_else(|| UNKNOWN_DEVICE.to_string(), str::to_ascii_lowercase);
            self.devices.entry(device.clone()).or_default().add_visit(&reach);
            let best = shopper.devices.entry(device).or_default();
            *best = (*best).max(reach.furthest);
            for (category, reach) in categories {
                self.categories.entry(category.to_string()).or_default().add_visit(&reach);
                let best = shopper.categories.entry(category.to_string()).or_default();
                *best = (*best).max(reach.furthest);
            }
        }
        shopper
    }

    /// The analysis of everything taken.
    pub fn finish(self) -> Analysis {
        let start = segments(&self.start);
        let end = segments(&self.end);
        let mut by_segment: HashMap<&str, FunnelCounts> = HashMap::new();
        for (shopper, counts) in &self.shopper_funnels {
            by_segment.entry(start[*shopper]).or_default().merge(counts);
        }
        let by_segment: Vec<GroupFunnel> = labels()
            .into_iter()
            .filter_map(|name| {
                let counts = by_segment.get(name).filter(|c| c.entered() > 0)?;
                Some(GroupFunnel { group: name.to_string(), funnel: counts.funnel() })
            })
            .collect();
        let previous = self.period.previous();
        let previous_covered = self.range.is_some_and(|r| previous.overlaps(r.first, r.last));
        Analysis {
            period: self.period,
            previous_period: previous,
            data: self.range,
            shoppers_read: self.start.len() as u64,
            kpis: KpiComparison::new(
                self.sales.kpis(),
                self.previous_sales.kpis(),
                previous_covered,
            ),
            funnels: Funnels {
                overall: self.overall.funnel(),
                by_segment,
                by_category: ranked(self.categories.iter().map(|(k, v)| (k.as_str(), v))),
                by_device: ranked(self.devices.iter().map(|(k, v)| (k.as_str(), v))),
            },
            paths: self.paths.paths(self.top),
            attribution: self.attribution.attribution(self.top),
            movement: movement(&start, &end),
            top_products: self.sales.top_products(self.top),
            sales_by_day: self.sales.by_day(),
        }
    }
}
