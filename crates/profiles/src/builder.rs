//! The fold from events and orders to a profile.
//!
//! A [`ProfileBuilder`] keeps running totals, so it takes a shopper's history one record at a
//! time in any order (a replay from the store, then each new event as it arrives), and
//! [`ProfileBuilder::profile`] reads a profile off them at any moment.
//!
//! Orders, when the shop sends them, are the purchases: frequency is the number of orders that
//! were not cancelled or returned, and monetary value their total. A shop that sends only
//! purchase events gets frequency from the distinct minutes its purchase events fall in (one
//! checkout is one order) and monetary value from their prices.

use std::collections::{BTreeMap, HashMap, HashSet};

use aisle_domain::{Event, EventKind, Order, OrderStatus};
use serde::Serialize;

use crate::facts::{CatalogFacts, PriceBand};
use crate::lifecycle::{Lifecycle, LifecycleRules};
use crate::rfm::{RfmScale, RfmScores, Segment};

/// Milliseconds in a day.
pub const DAY_MS: i64 = 86_400_000;

/// How much each kind of event says about what a shopper likes.
fn affinity_weight(kind: EventKind) -> f64 {
    match kind {
        EventKind::View | EventKind::Click => 1.0,
        EventKind::Favorite | EventKind::Rating | EventKind::Review => 2.0,
        EventKind::AddToCart => 3.0,
        EventKind::Purchase => 5.0,
        EventKind::RemoveFromCart | EventKind::Return | EventKind::Search => 0.0,
    }
}

/// Running totals of one shopper.
#[derive(Debug, Clone, Default)]
pub struct ProfileBuilder {
    first_seen: Option<i64>,
    last_seen: Option<i64>,
    last_purchase: Option<i64>,
    events: u64,
    by_kind: BTreeMap<&'static str, u64>,
    events_by_day: BTreeMap<i64, u32>,
    orders: HashSet<String>,
    order_spend: f64,
    purchase_minutes: HashSet<i64>,
    event_spend: f64,
    categories: HashMap<String, f64>,
    brands: HashMap<String, f64>,
    bought_relative: (f64, u32),
    browsed_relative: (f64, u32),
    hours: [u32; 24],
    weekdays: [u32; 7],
    devices: HashMap<String, u32>,
}

/// A name and its share of the total.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Share {
    /// The category, brand or device.
    pub name: String,
    /// Its share, 0 to 1.
    pub share: f64,
}

/// Recency, frequency, monetary value, and the scores against the shop's buyers.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Rfm {
    /// Days since the last purchase; `None` for a shopper who never bought.
    pub recency_days: Option<f64>,
    /// Orders (not cancelled or returned).
    pub frequency: u32,
    /// What those orders came to.
    pub monetary: f64,
    /// Scores 1 to 5, when the shopper bought and the shop's scale is known.
    pub scores: Option<RfmScores>,
}

/// How much a shopper does.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Activity {
    /// Events in all.
    pub events: u64,
    /// Events in the 30 days up to the profile's time.
    pub events_30d: u64,
    /// Days with an event among those 30.
    pub active_days_30d: u32,
    /// `high` (10 or more active days of 30), `medium` (3 or more), `low` (1 or more), `none`.
    pub level: &'static str,
    /// Events by kind.
    pub by_kind: BTreeMap<&'static str, u64>,
}

/// What a shopper likes.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Affinities {
    /// Categories by weighted interest (views 1, carts 3, purchases 5...), strongest first.
    pub categories: Vec<Share>,
    /// Brands likewise.
    pub brands: Vec<Share>,
}

/// How dear a shopper's choices are.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PriceProfile {
    /// Where the shopper's purchases (else the items they look at) sit in their categories.
    pub band: Option<&'static str>,
    /// The mean position of those prices between their categories' quartiles (-1 cheap to 1
    /// dear, 0 the middle).
    pub relative: Option<f64>,
    /// How much cheaper they buy than they browse, 0 (buys dearer than browses) to 1 (buys
    /// much cheaper); 0.5 when they buy what they browse. `None` without both.
    pub sensitivity: Option<f64>,
}

/// When and on what a shopper shops.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Habits {
    /// Events by UTC hour.
    pub hours: [u32; 24],
    /// The three busiest hours, busiest first.
    pub preferred_hours: Vec<u8>,
    /// Events by weekday, Monday first.
    pub weekdays: [u32; 7],
    /// Devices by share of the events that name one.
    pub devices: Vec<Share>,
}

/// A shopper's profile at a point in time.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Profile {
    /// Recency, frequency, monetary value.
    pub rfm: Rfm,
    /// The RFM segment.
    pub segment: &'static str,
    /// The lifecycle stage.
    pub lifecycle: &'static str,
    /// Activity.
    pub activity: Activity,
    /// Category and brand affinities.
    pub affinities: Affinities,
    /// Price band and sensitivity.
    pub price: PriceProfile,
    /// Hours, weekdays, devices.
    pub habits: Habits,
    /// Days since first seen.
    pub first_seen_days: Option<f64>,
    /// Days since last seen.
    pub last_seen_days: Option<f64>,
}

impl ProfileBuilder {
    /// An empty history.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds one event.
    pub fn add_event(&mut self, event: &Event, catalog: &CatalogFacts) {
        let at = event.timestamp.millis();
        self.first_seen = Some(self.first_seen.map_or(at, |t| t.min(at)));
        self.last_seen = Some(self.last_seen.map_or(at, |t| t.max(at)));
        self.events += 1;
        *self.by_kind.entry(event.kind.as_str()).or_default() += 1;
        *self.events_by_day.entry(at.div_euclid(DAY_MS)).or_default() += 1;
        let hour = (at.rem_euclid(DAY_MS) / 3_600_000) as usize;
        self.hours[hour.min(23)] += 1;
        // 1970-01-01 was a Thursday: day 0 is weekday 3 counting from Monday.
        let weekday = (at.div_euclid(DAY_MS) + 3).rem_euclid(7) as usize;
        self.weekdays[weekday] += 1;
        if let Some(device) = event.context.device.as_deref().filter(|d| !d.is_empty()) {
            *self.devices.entry(device.to_ascii_lowercase()).or_default() += 1;
        }
        if event.kind == EventKind::Purchase {
            self.last_purchase = Some(self.last_purchase.map_or(at, |t| t.max(at)));
            self.purchase_minutes.insert(at.div_euclid(60_000));
            let quantity = event.quantity.unwrap_or(1).max(0) as f64;
            if let Some(price) = event.price.filter(|p| p.is_finite()) {
                self.event_spend += price * quantity;
            }
        }
        let Some(item) = event.item.as_ref() else { return };
        let Some(facts) = catalog.item(item.as_str()) else { return };
        let weight = affinity_weight(event.kind);
        if weight > 0.0 {
            if let Some(category) = &facts.category {
                *self.categories.entry(category.clone()).or_default() += weight;
            }
            if let Some(brand) = &facts.brand {
                *self.brands.entry(brand.clone()).or_default() += weight;
            }
        }
        let price = event.price.or(facts.price).filter(|p| p.is_finite() && *p > 0.0);
        if let (Some(category), Some(price)) = (&facts.category, price) {
            if let Some(relative) = catalog.relative_price(category, price) {
                let slot = match event.kind {
                    EventKind::Purchase => &mut self.bought_relative,
                    EventKind::View | EventKind::Click | EventKind::AddToCart => {
                        &mut self.browsed_relative
                    }
                    _ => return,
                };
                slot.0 += relative;
                slot.1 += 1;
            }
        }
    }

    /// Adds one order: it counts toward frequency, monetary value and recency unless it was
    /// cancelled or returned. Adding the same order twice counts it once.
    pub fn add_order(&mut self, order: &Order) {
        let at = order.created_at.millis();
        if matches!(order.status, OrderStatus::Cancelled | OrderStatus::Returned) {
            return;
        }
        if self.orders.insert(order.id.to_string()) {
            self.order_spend += order
                .lines
                .iter()
                .map(|l| l.unit_price * l.quantity.max(0) as f64)
                .filter(|v| v.is_finite())
                .sum::<f64>();
            self.last_purchase = Some(self.last_purchase.map_or(at, |t| t.max(at)));
            self.first_seen = Some(self.first_seen.map_or(at, |t| t.min(at)));
            self.last_seen = Some(self.last_seen.map_or(at, |t| t.max(at)));
        }
    }

    /// Whether any event or kept order was added.
    pub fn seen(&self) -> bool {
        self.first_seen.is_some()
    }

    /// Orders and spend: from orders when any were added, else from purchase events.
    pub fn frequency_and_monetary(&self) -> (u32, f64) {
        if self.orders.is_empty() {
            (self.purchase_minutes.len() as u32, self.event_spend)
        } else {
            (self.orders.len() as u32, self.order_spend)
        }
    }

    /// Days since the last purchase, as of `now` (milliseconds).
    pub fn recency_days(&self, now: i64) -> Option<f64> {
        self.last_purchase.map(|t| days_between(t, now))
    }

    /// The profile as of `now` (milliseconds), scored against the shop's RFM scale when given.
    pub fn profile(&self, now: i64, scale: Option<&RfmScale>, rules: &LifecycleRules) -> Profile {
        let (frequency, monetary) = self.frequency_and_monetary();
        let recency_days = self.recency_days(now);
        let scores = match (recency_days, scale) {
            (Some(days), Some(scale)) if frequency > 0 => {
                // Scored on the figures as shown, so a summary made from a profile
                // (segments::ShopperSummary) scores the same.
                Some(scale.scores(round2(days), f64::from(frequency), round2(monetary)))
            }
            _ => None,
        };
        let segment = if frequency == 0 { Segment::Prospects } else { Segment::of(scores) };
        let first_seen_days = self.first_seen.map(|t| days_between(t, now));
        let last_seen_days = self.last_seen.map(|t| days_between(t, now));
        let lifecycle: Lifecycle = rules.stage(first_seen_days, last_seen_days, frequency);
        Profile {
            rfm: Rfm {
                recency_days: recency_days.map(round2),
                frequency,
                monetary: round2(monetary),
                scores,
            },
            segment: segment.as_str(),
            lifecycle: lifecycle.as_str(),
            activity: self.activity(now),
            affinities: Affinities {
                categories: shares(&self.categories, 10),
                brands: shares(&self.brands, 10),
            },
            price: self.price_profile(),
            habits: self.habits(),
            first_seen_days: first_seen_days.map(round2),
            last_seen_days: last_seen_days.map(round2),
        }
    }

    fn activity(&self, now: i64) -> Activity {
        let today = now.div_euclid(DAY_MS);
        let recent = self.events_by_day.range(today - 29..=today);
        let (mut events_30d, mut active_days_30d) = (0u64, 0u32);
        for (_, count) in recent {
            events_30d += u64::from(*count);
            active_days_30d += 1;
        }
        let level = match active_days_30d {
            10.. => "high",
            3.. => "medium",
            1.. => "low",
            0 => "none",
        };
        Activity {
            events: self.events,
            events_30d,
            active_days_30d,
            level,
            by_kind: self.by_kind.clone(),
        }
    }

    fn price_profile(&self) -> PriceProfile {
        let mean = |(sum, n): (f64, u32)| (n > 0).then(|| sum / f64::from(n));
        let bought = mean(self.bought_relative);
        let browsed = mean(self.browsed_relative);
        let relative = bought.or(browsed);
        let band = relative.map(|r| {
            if r < -1.0 {
                PriceBand::Budget
            } else if r > 1.0 {
                PriceBand::Premium
            } else {
                PriceBand::Mid
            }
            .as_str()
        });
        let sensitivity = match (bought, browsed) {
            (Some(b), Some(v)) => Some(round2((0.5 - (b - v) / 4.0).clamp(0.0, 1.0))),
            _ => None,
        };
        PriceProfile { band, relative: relative.map(round2), sensitivity }
    }

    fn habits(&self) -> Habits {
        let mut order: Vec<(u8, u32)> =
            self.hours.iter().enumerate().map(|(h, c)| (h as u8, *c)).collect();
        order.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
        let preferred_hours =
            order.into_iter().filter(|(_, c)| *c > 0).take(3).map(|(h, _)| h).collect();
        let devices: HashMap<String, f64> =
            self.devices.iter().map(|(d, c)| (d.clone(), f64::from(*c))).collect();
        Habits {
            hours: self.hours,
            preferred_hours,
            weekdays: self.weekdays,
            devices: shares(&devices, 5),
        }
    }
}

fn days_between(then: i64, now: i64) -> f64 {
    ((now - then) as f64 / DAY_MS as f64).max(0.0)
}

fn round2(x: f64) -> f64 {
    (x * 100.0).round() / 100.0
}

/// The top `n` entries as shares of the total, strongest first (ties by name).
fn shares(weights: &HashMap<String, f64>, n: usize) -> Vec<Share> {
    let total: f64 = weights.values().filter(|w| **w > 0.0).sum();
    if total <= 0.0 {
        return Vec::new();
    }
    let mut list: Vec<Share> = weights
        .iter()
        .filter(|(_, w)| **w > 0.0)
        .map(|(name, w)| Share { name: name.clone(), share: (w / total * 1000.0).round() / 1000.0 })
        .collect();
    list.sort_by(|a, b| b.share.total_cmp(&a.share).then_with(|| a.name.cmp(&b.name)));
    list.truncate(n);
    list
}

#[cfg(test)]
mod tests;
