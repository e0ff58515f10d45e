//! Paths: the sequences of steps visits take to a purchase, and to abandonment (a cart left
//! without a purchase).
//!
//! A visit's path is its events' kinds in time order as `search`, `view` (views and clicks),
//! `cart`, `remove`, `favorite` and `purchase`, with repeats collapsed (`view > view > cart` is
//! `view > cart`); other kinds (ratings, reviews, returns) are left out. A path to a purchase
//! stops at the visit's first purchase; an abandoned visit's path ends in `(end)`. Paths longer
//! than [`MAX_PATH_STEPS`] keep their first two and last five steps around a `…`.

use std::collections::HashMap;

use aisle_domain::{Event, EventKind};
use serde::Serialize;

use crate::funnel::ratio;

/// Most steps a path shows before its middle is cut to `…`.
pub const MAX_PATH_STEPS: usize = 8;

/// The end of an abandoned visit's path.
pub const END: &str = "(end)";

/// How a visit's path ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// It reached a purchase.
    Purchase,
    /// Something went into the cart, nothing was bought.
    Abandonment,
}

/// The step of a path an event kind stands for.
fn label(kind: EventKind) -> Option<&'static str> {
    Some(match kind {
        EventKind::Search => "search",
        EventKind::View | EventKind::Click => "view",
        EventKind::AddToCart => "cart",
        EventKind::RemoveFromCart => "remove",
        EventKind::Favorite => "favorite",
        EventKind::Purchase => "purchase",
        EventKind::Return | EventKind::Rating | EventKind::Review => return None,
    })
}

/// The path of one visit (its events in time order), when it bought or abandoned a cart.
pub fn path_of(visit: &[&Event]) -> Option<(Outcome, String)> {
    let mut steps: Vec<&str> = Vec::new();
    let mut carted = false;
    let mut outcome = Outcome::Abandonment;
    for event in visit {
        let Some(step) = label(event.kind) else { continue };
        carted |= event.kind == EventKind::AddToCart;
        if steps.last() != Some(&step) {
            steps.push(step);
        }
        if event.kind == EventKind::Purchase {
            outcome = Outcome::Purchase;
            break;
        }
    }
    if outcome == Outcome::Abandonment {
        if !carted {
            return None;
        }
        steps.push(END);
    }
    if steps.len() > MAX_PATH_STEPS {
        let tail = steps.split_off(steps.len() - 5);
        steps.truncate(2);
        steps.push("…");
        steps.extend(tail);
    }
    Some((outcome, steps.join(" > ")))
}

/// Running tallies of paths.
#[derive(Debug, Clone, Default)]
pub struct PathTally {
    purchase: HashMap<String, u64>,
    abandonment: HashMap<String, u64>,
}

impl PathTally {
    /// Counts one visit's path, if it has one.
    pub fn add(&mut self, visit: &[&Event]) {
        if let Some((outcome, path)) = path_of(visit) {
            let tally = match outcome {
                Outcome::Purchase => &mut self.purchase,
                Outcome::Abandonment => &mut self.abandonment,
            };
            *tally.entry(path).or_default() += 1;
        }
    }

    /// The `top` most common paths of each outcome.
    pub fn paths(&self, top: usize) -> Paths {
        Paths {
            to_purchase: group(&self.purchase, top),
            to_abandonment: group(&self.abandonment, top),
        }
    }
}

/// The common paths of a period.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Paths {
    /// Visits that bought.
    pub to_purchase: PathGroup,
    /// Visits that left a cart.
    pub to_abandonment: PathGroup,
}

/// The paths of one outcome.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PathGroup {
    /// Visits with this outcome.
    pub visits: u64,
    /// Different paths among them.
    pub distinct: usize,
    /// The commonest paths, most visits first (ties by path).
    pub top: Vec<PathCount>,
}

/// One path and how often it was taken.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PathCount {
    /// The steps, joined by ` > `.
    pub path: String,
    /// Visits that took it.
    pub visits: u64,
    /// Their share of the outcome's visits.
    pub share: f64,
}

fn group(tally: &HashMap<String, u64>, top: usize) -> PathGroup {
    let visits = tally.values().sum();
    let mut paths: Vec<(&String, &u64)> = tally.iter().collect();
    paths.sort_by(|a, b| b.1.cmp(a.1).then_with(|| a.0.cmp(b.0)));
    PathGroup {
        visits,
        distinct: paths.len(),
        top: paths
            .into_iter()
            .take(top)
            .map(|(path, n)| PathCount { path: path.clone(), visits: *n, share: ratio(*n, visits) })
            .collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::event;
    use EventKind::*;

    fn check(kinds: &[EventKind], expected: Option<(Outcome, &str)>) {
        let events: Vec<Event> =
            kinds.iter().enumerate().map(|(i, k)| event("u", *k, "a", i as i64)).collect();
        let refs: Vec<&Event> = events.iter().collect();
        let got = path_of(&refs);
        assert_eq!(got.as_ref().map(|(o, p)| (*o, p.as_str())), expected, "{kinds:?}");
    }

    #[test]
    fn paths_collapse_repeats_and_stop_at_the_purchase() {
        check(
            &[View, Click, View, AddToCart, Purchase, Rating, View],
            Some((Outcome::Purchase, "view > cart > purchase")),
        );
        check(
            &[Search, View, AddToCart, AddToCart],
            Some((Outcome::Abandonment, "search > view > cart > (end)")),
        );
        check(&[Purchase], Some((Outcome::Purchase, "purchase")));
        check(&[View, Favorite, Review], None);
        check(&[], None);
    }

    #[test]
    fn long_paths_keep_their_start_and_end() {
        check(
            &[Search, View, AddToCart, View, RemoveFromCart, View, AddToCart, View, AddToCart],
            Some((Outcome::Abandonment, "search > view > … > view > cart > view > cart > (end)")),
        );
    }

    #[test]
    fn tallies_rank_paths_and_give_shares() {
        let mut tally = PathTally::default();
        let visit = |kinds: &[EventKind]| -> Vec<Event> {
            kinds.iter().enumerate().map(|(i, k)| event("u", *k, "a", i as i64)).collect()
        };
        for kinds in [&[View, AddToCart, Purchase][..], &[View, AddToCart, Purchase], &[Purchase]] {
            let events = visit(kinds);
            tally.add(&events.iter().collect::<Vec<_>>());
        }
        let events = visit(&[View, AddToCart]);
        tally.add(&events.iter().collect::<Vec<_>>());
        let paths = tally.paths(1);
        assert_eq!(paths.to_purchase.visits, 3);
        assert_eq!(paths.to_purchase.distinct, 2);
        assert_eq!(paths.to_purchase.top.len(), 1);
        assert_eq!(paths.to_purchase.top[0].path, "view > cart > purchase");
        assert_eq!(paths.to_purchase.top[0].share, 0.6667);
        assert_eq!(paths.to_abandonment.top[0].path, "view > cart > (end)");
    }
}
