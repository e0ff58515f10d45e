//! Timestamps: milliseconds since the Unix epoch, UTC, in a range a shop's data can have.

use serde::{Deserialize, Serialize};

use crate::calendar::{civil_from_days, days_from_civil, days_in_month};
use crate::error::{excerpt, Error, Result};

/// A point in time, in milliseconds since 1970-01-01T00:00:00Z. Valid from the epoch up to
/// 2100-01-01; anything else is a unit mistake (seconds read as milliseconds, or the reverse) or
/// corrupt data.
///
/// Sequence datasets that carry order but no clock (S3-Rec, SASRec) use small values counted from
/// the epoch: the position in the sequence.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "i64", into = "i64")]
pub struct Timestamp(i64);

/// 2100-01-01T00:00:00Z in milliseconds.
const MAX_MILLIS: i64 = 4_102_444_800_000;

impl Timestamp {
    /// The epoch itself.
    pub const EPOCH: Timestamp = Timestamp(0);

    /// Checks a millisecond count.
    pub fn from_millis(millis: i64) -> Result<Self> {
        if !(0..MAX_MILLIS).contains(&millis) {
            return Err(Error::OutOfRange {
                field: "timestamp",
                value: millis.to_string(),
                range: "1970-01-01 to 2100-01-01 (milliseconds since the Unix epoch)",
            });
        }
        Ok(Self(millis))
    }

    /// Checks a second count.
    pub fn from_secs(secs: i64) -> Result<Self> {
        match secs.checked_mul(1_000) {
            Some(millis) => Self::from_millis(millis),
            None => Err(Error::OutOfRange {
                field: "timestamp",
                value: secs.to_string(),
                range: "1970-01-01 to 2100-01-01 (seconds since the Unix epoch)",
            }),
        }
    }

    /// Milliseconds since the epoch.
    pub fn millis(self) -> i64 {
        self.0
    }

    /// Seconds since the epoch, rounded down.
    pub fn secs(self) -> i64 {
        self.0.div_euclid(1_000)
    }

    /// Reads the forms shops export: RFC 3339 (`2011-12-09T12:50:00Z`, with an offset or
    /// fractional seconds), `YYYY-MM-DD HH:MM[:SS]` (taken as UTC), `YYYY-MM-DD`, and a bare
    /// integer: seconds if below 10^11, else milliseconds.
    pub fn parse(text: &str) -> Result<Self> {
        let text = text.trim();
        let invalid = || Error::Invalid {
            field: "timestamp",
            value: excerpt(text),
            expected:
                "RFC 3339, `YYYY-MM-DD HH:MM[:SS]`, `YYYY-MM-DD` or seconds/milliseconds since 1970",
        };
        if text.is_empty() {
            return Err(Error::Empty { field: "timestamp" });
        }
        if text.bytes().all(|b| b.is_ascii_digit() || b == b'-') && !text[1..].contains('-') {
            let n: i64 = text.parse().map_err(|_| invalid())?;
            return if n.abs() < 100_000_000_000 {
                Self::from_secs(n)
            } else {
                Self::from_millis(n)
            };
        }
        parse_calendar(text).ok_or_else(invalid).and_then(Self::from_millis)
    }

    /// Formats as RFC 3339 with second precision, UTC (`2011-12-09T12:50:00Z`).
    pub fn to_rfc3339(self) -> String {
        let secs = self.secs();
        let (days, rem) = (secs.div_euclid(86_400), secs.rem_euclid(86_400));
        let (y, m, d) = civil_from_days(days);
        format!("{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}Z", rem / 3600, rem % 3600 / 60, rem % 60)
    }
}

impl TryFrom<i64> for Timestamp {
    type Error = Error;
    fn try_from(millis: i64) -> Result<Self> {
        Self::from_millis(millis)
    }
}

impl From<Timestamp> for i64 {
    fn from(t: Timestamp) -> i64 {
        t.0
    }
}

fn digits(s: &str) -> Option<i64> {
    if s.is_empty() || !s.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    s.parse().ok()
}

/// Parses `YYYY-MM-DD[( |T)HH:MM[:SS[.fff]]][Z|±HH:MM]` into milliseconds since the epoch.
fn parse_calendar(text: &str) -> Option<i64> {
    let (date, rest) = if text.len() > 10 { text.split_at(10) } else { (text, "") };
    let mut parts = date.split('-');
    let (y, m, d) = (digits(parts.next()?)?, digits(parts.next()?)?, digits(parts.next()?)?);
    if parts.next().is_some() || !(1..=12).contains(&m) || d < 1 || d > days_in_month(y, m) {
        return None;
    }
    let mut millis = days_from_civil(y, m, d) * 86_400_000;
    if rest.is_empty() {
        return Some(millis);
    }
    let rest = rest.strip_prefix(['T', ' '])?;
    let (clock, offset_millis) = split_offset(rest)?;
    let mut fields = clock.split(':');
    let h = digits(fields.next()?)?;
    let mi = digits(fields.next()?)?;
    let (s, frac) = match fields.next() {
        Some(sec) => match sec.split_once('.') {
            Some((whole, frac)) => (digits(whole)?, frac),
            None => (digits(sec)?, ""),
        },
        None => (0, ""),
    };
    if fields.next().is_some() || h > 23 || mi > 59 || s > 60 {
        return None;
    }
    let frac_millis = if frac.is_empty() {
        0
    } else {
        let padded: String = frac.chars().chain("000".chars()).take(3).collect();
        digits(&padded)?
    };
    millis += ((h * 60 + mi) * 60 + s) * 1_000 + frac_millis - offset_millis;
    Some(millis)
}

/// Splits a trailing `Z` or `±HH:MM` offset from a clock time; returns the offset in milliseconds.
fn split_offset(clock: &str) -> Option<(&str, i64)> {
    if let Some(c) = clock.strip_suffix(['Z', 'z']) {
        return Some((c, 0));
    }
    if clock.len() > 6 {
        let (c, off) = clock.split_at(clock.len() - 6);
        let sign = match off.as_bytes()[0] {
            b'+' => 1,
            b'-' => -1,
            _ => return Some((clock, 0)),
        };
        let (oh, om) = off[1..].split_once(':')?;
        return Some((c, sign * (digits(oh)? * 60 + digits(om)?) * 60_000));
    }
    Some((clock, 0))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(text: &str, expected: Option<&str>) {
        let got = Timestamp::parse(text).ok().map(Timestamp::to_rfc3339);
        assert_eq!(got.as_deref(), expected, "parsing {text:?}");
    }

    #[test]
    fn parses_the_forms_shops_export() {
        check("2011-12-09 12:50", Some("2011-12-09T12:50:00Z"));
        check("2011-12-09T12:50:07Z", Some("2011-12-09T12:50:07Z"));
        check("2011-12-09T14:50:07+02:00", Some("2011-12-09T12:50:07Z"));
        check("2016-01-03", Some("2016-01-03T00:00:00Z"));
        check("881250949", Some("1997-12-04T15:55:49Z"));
        check("881250949000", Some("1997-12-04T15:55:49Z"));
        check("2000-02-29", Some("2000-02-29T00:00:00Z"));
    }

    #[test]
    fn rejects_impossible_and_out_of_range_times() {
        check("2011-02-30", None);
        check("2011-13-01", None);
        check("1969-12-31", None);
        check("2150-01-01", None);
        check("-5", None);
        check("yesterday", None);
        check("", None);
        check("2011-12-09 25:00", None);
    }
}
