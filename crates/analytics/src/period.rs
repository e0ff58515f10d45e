//! Periods of whole UTC days: what a report covers, the period before it that it is compared
//! with, and the `YYYY-MM-DD` days people type.

use aisle_domain::Timestamp;
use serde::ser::SerializeStruct;
use serde::{Serialize, Serializer};

use crate::error::{Error, Result};

/// Milliseconds in a day.
pub const DAY_MS: i64 = 86_400_000;

/// A span of time, `from` inclusive to `to` exclusive, in milliseconds since 1970 (UTC).
/// Made from days, it runs from the first day's midnight to the midnight after the last day.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Period {
    /// The first instant in the period.
    pub from: i64,
    /// The first instant after it.
    pub to: i64,
}

impl Period {
    /// The days `from` to `to`, both included, each written `YYYY-MM-DD`.
    pub fn of_days(from: &str, to: &str) -> Result<Self> {
        let first = parse_day("from", from)?;
        let last = parse_day("to", to)?;
        if first > last {
            return Err(Error::Reversed { from: from.trim().into(), to: to.trim().into() });
        }
        Ok(Self { from: first, to: last + DAY_MS })
    }

    /// The `days` days that end with the day holding `instant` (milliseconds).
    pub fn days_ending_at(instant: i64, days: u32) -> Self {
        let to = (instant.div_euclid(DAY_MS) + 1) * DAY_MS;
        Self { from: to - i64::from(days.max(1)) * DAY_MS, to }
    }

    /// Whether the instant falls in the period.
    pub fn contains(&self, instant: i64) -> bool {
        (self.from..self.to).contains(&instant)
    }

    /// The period of equal length just before this one.
    pub fn previous(&self) -> Self {
        Self { from: 2 * self.from - self.to, to: self.from }
    }

    /// Its length in days.
    pub fn days(&self) -> f64 {
        (self.to - self.from) as f64 / DAY_MS as f64
    }

    /// Whether any of `first..=last` (milliseconds) falls in the period.
    pub fn overlaps(&self, first: i64, last: i64) -> bool {
        first < self.to && last >= self.from
    }

    /// The first day, `YYYY-MM-DD`.
    pub fn first_day(&self) -> String {
        date(self.from)
    }

    /// The last day, `YYYY-MM-DD`.
    pub fn last_day(&self) -> String {
        date(self.to - 1)
    }
}

impl std::fmt::Display for Period {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} to {}", self.first_day(), self.last_day())
    }
}

/// On the wire a period is its first and last day: `{"from": "2011-01-01", "to": "2011-01-31"}`.
impl Serialize for Period {
    fn serialize<S: Serializer>(&self, serializer: S) -> std::result::Result<S::Ok, S::Error> {
        let mut out = serializer.serialize_struct("Period", 2)?;
        out.serialize_field("from", &self.first_day())?;
        out.serialize_field("to", &self.last_day())?;
        out.end()
    }
}

/// The UTC day of an instant (milliseconds), `YYYY-MM-DD`.
pub fn date(millis: i64) -> String {
    let stamp = Timestamp::from_millis(millis).unwrap_or(Timestamp::EPOCH);
    stamp.to_rfc3339()[..10].to_string()
}

/// Reads a day written `YYYY-MM-DD` as the milliseconds of its midnight (UTC).
pub fn parse_day(field: &'static str, text: &str) -> Result<i64> {
    let text = text.trim();
    let shaped = text.len() == 10
        && text.bytes().enumerate().all(|(i, b)| match i {
            4 | 7 => b == b'-',
            _ => b.is_ascii_digit(),
        });
    let bad = || Error::BadDate { field, value: text.chars().take(40).collect() };
    if !shaped {
        return Err(bad());
    }
    Timestamp::parse(text).map(Timestamp::millis).map_err(|_| bad())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn days_include_both_ends_and_the_previous_period_is_as_long() {
        let period = Period::of_days("2011-12-01", "2011-12-09").expect("period");
        assert_eq!(period.days(), 9.0);
        assert_eq!(period.to_string(), "2011-12-01 to 2011-12-09");
        let previous = period.previous();
        assert_eq!(previous.to_string(), "2011-11-22 to 2011-11-30");
        assert!(period.contains(period.to - 1) && !period.contains(period.to));
        let json = serde_json::to_value(period).expect("json");
        assert_eq!(json, serde_json::json!({"from": "2011-12-01", "to": "2011-12-09"}));
    }

    #[test]
    fn a_single_day_is_a_period() {
        let day = Period::of_days("2024-02-29", "2024-02-29").expect("leap day");
        assert_eq!(day.days(), 1.0);
        assert_eq!(Period::days_ending_at(day.from + 5_000, 1), day);
    }

    #[test]
    fn bad_days_and_reversed_periods_say_how_to_write_them() {
        let check = |from: &str, to: &str, expected: &str| {
            let error = Period::of_days(from, to).expect_err("refused").to_string();
            assert!(error.contains(expected), "{from}..{to}: {error}");
        };
        check("2011-12-09", "2011-12-01", "put the earlier day first");
        check("2011-13-01", "2011-12-01", "`from` is \"2011-13-01\"; write a day as YYYY-MM-DD");
        check("2011-12-01", "2011-02-30", "`to` is \"2011-02-30\"");
        check("yesterday", "2011-12-01", "`from`");
        check("2011-12-01T00:00:00Z", "2011-12-02", "`from`");
    }
}
