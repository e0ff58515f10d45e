//! Funnels: how many visits (and shoppers) got to a product view, the cart and a purchase,
//! overall and by segment, category and device.
//!
//! A visit counts in a period when its first event falls in it. It reaches a step when it holds
//! an event of that step or of a later one: a purchase implies the cart and the view before it,
//! so a shop that sends only purchases (an invoice import) still has a funnel, and each step
//! says how many of its visits were `implied`. A shopper reaches a step when one of their
//! visits in the period does.

use serde::Serialize;

use crate::visits::{Reach, Step};

/// Running counts of one group (the whole shop, a segment, a category, a device).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct FunnelCounts {
    visits: [u64; 3],
    implied: [u64; 3],
    shoppers: [u64; 3],
}

impl FunnelCounts {
    /// Counts one visit.
    pub fn add_visit(&mut self, reach: &Reach) {
        for step in Step::ALL {
            if reach.reached(step) {
                self.visits[step.index()] += 1;
                if !reach.observed[step.index()] {
                    self.implied[step.index()] += 1;
                }
            }
        }
    }

    /// Counts one shopper who got as far as `furthest` in any of their visits.
    pub fn add_shopper(&mut self, furthest: Option<Step>) {
        for step in Step::ALL {
            if furthest.is_some_and(|f| f >= step) {
                self.shoppers[step.index()] += 1;
            }
        }
    }

    /// Adds another group's counts.
    pub fn merge(&mut self, other: &FunnelCounts) {
        for i in 0..3 {
            self.visits[i] += other.visits[i];
            self.implied[i] += other.implied[i];
            self.shoppers[i] += other.shoppers[i];
        }
    }

    /// Visits that reached a product view (the funnel's entrance).
    pub fn entered(&self) -> u64 {
        self.visits[0]
    }

    /// Visits that ended in a purchase.
    pub fn purchased(&self) -> u64 {
        self.visits[2]
    }

    /// The funnel these counts make.
    pub fn funnel(&self) -> Funnel {
        let steps = Step::ALL
            .iter()
            .map(|step| {
                let i = step.index();
                let previous = if i == 0 { self.visits[0] } else { self.visits[i - 1] };
                FunnelStep {
                    step: step.as_str(),
                    visits: self.visits[i],
                    shoppers: self.shoppers[i],
                    implied: self.implied[i],
                    of_entered: ratio(self.visits[i], self.visits[0]),
                    of_previous: ratio(self.visits[i], previous),
                }
            })
            .collect();
        Funnel { steps, conversion: ratio(self.visits[2], self.visits[0]) }
    }
}

/// A funnel: its steps in order.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Funnel {
    /// View, cart, purchase.
    pub steps: Vec<FunnelStep>,
    /// Visits with a purchase over visits with a view: the visit conversion rate.
    pub conversion: f64,
}

/// One step of a funnel.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FunnelStep {
    /// `view`, `cart` or `purchase`.
    pub step: &'static str,
    /// Visits that reached it.
    pub visits: u64,
    /// Shoppers with a visit that reached it.
    pub shoppers: u64,
    /// Of the visits, those with no event of this step, counted because of a later one.
    pub implied: u64,
    /// Its visits over the visits that entered the funnel (viewed).
    pub of_entered: f64,
    /// Its visits over the previous step's (1 for the first step).
    pub of_previous: f64,
}

/// One group's funnel in a breakdown.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct GroupFunnel {
    /// The segment, category or device.
    pub group: String,
    /// Its funnel.
    #[serde(flatten)]
    pub funnel: Funnel,
}

/// How to break a funnel down.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Breakdown {
    /// By the shopper's RFM segment at the period's start (`unseen` for shoppers new in it).
    Segment,
    /// By the category of the items each visit touched (`uncategorised` without one); a visit
    /// that touched two categories counts in both.
    Category,
    /// By the device of the visit's first event that names one (`unknown` without one).
    Device,
}

impl Breakdown {
    /// Every breakdown.
    pub const ALL: [Breakdown; 3] = [Breakdown::Segment, Breakdown::Category, Breakdown::Device];

    /// The breakdown's name on the wire.
    pub fn as_str(self) -> &'static str {
        match self {
            Breakdown::Segment => "segment",
            Breakdown::Category => "category",
            Breakdown::Device => "device",
        }
    }

    /// Reads a breakdown's name.
    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|b| b.as_str() == text.trim())
    }
}

/// Every funnel of a period.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Funnels {
    /// The whole shop.
    pub overall: Funnel,
    /// By segment at the period's start, in segment order.
    pub by_segment: Vec<GroupFunnel>,
    /// By category, most visits first.
    pub by_category: Vec<GroupFunnel>,
    /// By device, most visits first.
    pub by_device: Vec<GroupFunnel>,
}

impl Funnels {
    /// The groups of one breakdown.
    pub fn by(&self, breakdown: Breakdown) -> &[GroupFunnel] {
        match breakdown {
            Breakdown::Segment => &self.by_segment,
            Breakdown::Category => &self.by_category,
            Breakdown::Device => &self.by_device,
        }
    }
}

/// Groups' funnels, most visits first, ties by name; groups with no visit are left out.
pub(crate) fn ranked<'a>(
    groups: impl IntoIterator<Item = (&'a str, &'a FunnelCounts)>,
) -> Vec<GroupFunnel> {
    let mut groups: Vec<(&str, &FunnelCounts)> =
        groups.into_iter().filter(|(_, c)| c.entered() > 0).collect();
    groups.sort_by(|a, b| b.1.entered().cmp(&a.1.entered()).then_with(|| a.0.cmp(b.0)));
    groups
        .into_iter()
        .map(|(group, counts)| GroupFunnel { group: group.to_string(), funnel: counts.funnel() })
        .collect()
}

/// `part / whole` to four decimals; 0 when the whole is 0.
pub(crate) fn ratio(part: u64, whole: u64) -> f64 {
    if whole == 0 {
        0.0
    } else {
        (part as f64 / whole as f64 * 10_000.0).round() / 10_000.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reach(steps: &[Step]) -> Reach {
        let mut reach = Reach::default();
        for step in steps {
            reach.add(*step);
        }
        reach
    }

    #[test]
    fn steps_count_visits_that_got_at_least_that_far() {
        let mut counts = FunnelCounts::default();
        counts.add_visit(&reach(&[Step::View]));
        counts.add_visit(&reach(&[Step::View, Step::Cart]));
        counts.add_visit(&reach(&[Step::View, Step::Cart, Step::Purchase]));
        counts.add_visit(&reach(&[Step::View, Step::Cart, Step::Purchase]));
        counts.add_visit(&reach(&[]));
        counts.add_shopper(Some(Step::Purchase));
        counts.add_shopper(Some(Step::View));
        let funnel = counts.funnel();
        let visits: Vec<u64> = funnel.steps.iter().map(|s| s.visits).collect();
        assert_eq!(visits, [4, 3, 2]);
        let shoppers: Vec<u64> = funnel.steps.iter().map(|s| s.shoppers).collect();
        assert_eq!(shoppers, [2, 1, 1]);
        assert_eq!(funnel.steps[1].of_previous, 0.75);
        assert_eq!(funnel.steps[2].of_previous, 0.6667);
        assert_eq!(funnel.conversion, 0.5);
        assert!(funnel.steps.iter().all(|s| s.implied == 0));
    }

    #[test]
    fn a_purchase_alone_implies_the_steps_before_it() {
        let mut counts = FunnelCounts::default();
        counts.add_visit(&reach(&[Step::Purchase]));
        let funnel = counts.funnel();
        let implied: Vec<u64> = funnel.steps.iter().map(|s| s.implied).collect();
        assert_eq!(implied, [1, 1, 0]);
        assert_eq!(funnel.conversion, 1.0);
    }

    #[test]
    fn an_empty_funnel_has_zero_rates_not_nan() {
        let funnel = FunnelCounts::default().funnel();
        assert!(funnel.steps.iter().all(|s| s.of_entered == 0.0 && s.of_previous == 0.0));
        assert_eq!(funnel.conversion, 0.0);
    }

    #[test]
    fn breakdowns_rank_groups_by_visits_and_leave_out_empty_ones() {
        let mut big = FunnelCounts::default();
        big.add_visit(&reach(&[Step::View]));
        big.add_visit(&reach(&[Step::View]));
        let mut small = FunnelCounts::default();
        small.add_visit(&reach(&[Step::View]));
        let empty = FunnelCounts::default();
        let groups = ranked([("b", &small), ("a", &big), ("c", &empty)]);
        let names: Vec<&str> = groups.iter().map(|g| g.group.as_str()).collect();
        assert_eq!(names, ["a", "b"]);
        assert_eq!(Breakdown::parse("device"), Some(Breakdown::Device));
        assert_eq!(Breakdown::parse("country"), None);
    }
}
