//! Visits: a shopper's events cut where they paused for more than [`VISIT_GAP_MS`], and the
//! funnel step each event stands for.
//!
//! The store keeps signed-in shoppers' events without session ids, so a visit is read off the
//! times: the usual 30 minutes of inactivity ends one.

use std::ops::Range;

use aisle_domain::{Event, EventKind};

/// A pause longer than this (30 minutes) starts a new visit.
pub const VISIT_GAP_MS: i64 = 30 * 60_000;

/// A step of the shopping funnel.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Step {
    /// Looked at a product (a view, or a click on one in a list).
    View,
    /// Put one in the cart.
    Cart,
    /// Bought.
    Purchase,
}

impl Step {
    /// Every step, in funnel order.
    pub const ALL: [Step; 3] = [Step::View, Step::Cart, Step::Purchase];

    /// The step's name on the wire.
    pub fn as_str(self) -> &'static str {
        match self {
            Step::View => "view",
            Step::Cart => "cart",
            Step::Purchase => "purchase",
        }
    }

    /// The step an event stands for; `None` for kinds outside the funnel (searches,
    /// favourites, ratings, returns...).
    pub fn of(kind: EventKind) -> Option<Step> {
        match kind {
            EventKind::View | EventKind::Click => Some(Step::View),
            EventKind::AddToCart => Some(Step::Cart),
            EventKind::Purchase => Some(Step::Purchase),
            _ => None,
        }
    }

    /// Position in [`Step::ALL`].
    pub fn index(self) -> usize {
        self as usize
    }
}

/// The visits of events sorted by time: ranges of consecutive positions, oldest first.
pub fn visits(events: &[&Event]) -> Vec<Range<usize>> {
    let mut out = Vec::new();
    let mut start = 0;
    for i in 1..events.len() {
        let gap = events[i].timestamp.millis() - events[i - 1].timestamp.millis();
        if gap > VISIT_GAP_MS {
            out.push(start..i);
            start = i;
        }
    }
    if !events.is_empty() {
        out.push(start..events.len());
    }
    out
}

/// How far a visit (or the part of it about one category) got.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Reach {
    /// The furthest step reached; `None` for a visit with no funnel event.
    pub furthest: Option<Step>,
    /// Which steps had an event of their own, by [`Step::index`]; a step before the furthest
    /// without one was reached by implication (a shop that sends only purchases).
    pub observed: [bool; 3],
}

impl Reach {
    /// Takes one funnel step.
    pub fn add(&mut self, step: Step) {
        self.furthest = self.furthest.max(Some(step));
        self.observed[step.index()] = true;
    }

    /// Whether the visit got at least to `step`.
    pub fn reached(&self, step: Step) -> bool {
        self.furthest.is_some_and(|f| f >= step)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::event;

    #[test]
    fn a_pause_of_more_than_thirty_minutes_starts_a_visit() {
        let minute = 60_000;
        let events = [
            event("u", EventKind::View, "a", 0),
            event("u", EventKind::View, "b", 30 * minute),
            event("u", EventKind::View, "c", 60 * minute + 1),
            event("u", EventKind::Purchase, "c", 61 * minute),
        ];
        let refs: Vec<&Event> = events.iter().collect();
        assert_eq!(visits(&refs), vec![0..2, 2..4]);
        assert!(visits(&[]).is_empty());
    }

    #[test]
    fn reach_remembers_the_furthest_step_and_what_was_seen() {
        let mut reach = Reach::default();
        assert!(!reach.reached(Step::View));
        reach.add(Step::Purchase);
        assert!(reach.reached(Step::View) && reach.reached(Step::Purchase));
        assert_eq!(reach.observed, [false, false, true]);
        assert_eq!(Step::of(EventKind::Click), Some(Step::View));
        assert_eq!(Step::of(EventKind::Search), None);
    }
}
