//! Lifecycle stages: where a shopper is in their life with the shop, from how recently they
//! came and how long they have been coming.

use serde::Serialize;

/// A lifecycle stage.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Lifecycle {
    /// No event at all yet.
    Unseen,
    /// First seen within the last `new_days`, at most one order.
    New,
    /// Seen within the last `active_days`.
    Active,
    /// Last seen between `active_days` and `churned_days` ago.
    AtRisk,
    /// Not seen for `churned_days` or more.
    Churned,
}

impl Lifecycle {
    /// The stage's name on the wire.
    pub fn as_str(self) -> &'static str {
        match self {
            Lifecycle::Unseen => "unseen",
            Lifecycle::New => "new",
            Lifecycle::Active => "active",
            Lifecycle::AtRisk => "at_risk",
            Lifecycle::Churned => "churned",
        }
    }
}

/// The day thresholds between stages.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct LifecycleRules {
    /// A shopper first seen this recently, with at most one order, is new.
    pub new_days: f64,
    /// A shopper seen this recently is active.
    pub active_days: f64,
    /// A shopper not seen for this long has churned.
    pub churned_days: f64,
}

impl Default for LifecycleRules {
    /// 30, 30 and 90 days: a month to count as active, a quarter's silence to count as gone.
    fn default() -> Self {
        Self { new_days: 30.0, active_days: 30.0, churned_days: 90.0 }
    }
}

impl LifecycleRules {
    /// The stage from days since first and last seen (`None`: never seen) and the orders made.
    pub fn stage(
        &self,
        days_since_first: Option<f64>,
        days_since_last: Option<f64>,
        orders: u32,
    ) -> Lifecycle {
        let (Some(first), Some(last)) = (days_since_first, days_since_last) else {
            return Lifecycle::Unseen;
        };
        if first < self.new_days && orders <= 1 {
            Lifecycle::New
        } else if last < self.active_days {
            Lifecycle::Active
        } else if last < self.churned_days {
            Lifecycle::AtRisk
        } else {
            Lifecycle::Churned
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stages_follow_the_thresholds() {
        let rules = LifecycleRules::default();
        let check = |first: Option<f64>, last: Option<f64>, orders, expected| {
            assert_eq!(rules.stage(first, last, orders), expected, "{first:?} {last:?} {orders}");
        };
        check(None, None, 0, Lifecycle::Unseen);
        check(Some(3.0), Some(1.0), 1, Lifecycle::New);
        check(Some(3.0), Some(1.0), 2, Lifecycle::Active);
        check(Some(300.0), Some(29.9), 5, Lifecycle::Active);
        check(Some(300.0), Some(30.0), 5, Lifecycle::AtRisk);
        check(Some(300.0), Some(89.0), 5, Lifecycle::AtRisk);
        check(Some(300.0), Some(90.0), 5, Lifecycle::Churned);
    }
}
