//! [`Timestamp`]: a wall-clock minute without a time zone, as shop exports write them.
//!
//! Transaction files record local shop time to the minute ("2010-12-01 08:26"); nothing here
//! knows about zones or daylight saving, and it need not: features and label windows only
//! compare and subtract times from the same file. This is not a general date library: it
//! parses two spellings and counts days, which is all the feature builders ask of it.

use std::fmt;

use aisle_domain::calendar::{civil_from_days, days_from_civil, days_in_month};

const MINUTES_PER_DAY: i64 = 24 * 60;
/// Years outside this range are typos, not shop history.
const YEARS: std::ops::RangeInclusive<i64> = 1900..=2200;

/// Minutes since 1970-01-01 00:00, in whatever local time the data was written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Timestamp(i64);

impl Timestamp {
    /// A time from its calendar parts, or `None` if they name no real minute (the 30th of
    /// February, hour 24) or the year is outside 1900..=2200.
    pub fn new(year: i32, month: u32, day: u32, hour: u32, minute: u32) -> Option<Timestamp> {
        let (year, month, day) = (i64::from(year), i64::from(month), i64::from(day));
        if !YEARS.contains(&year) || !(1..=12).contains(&month) || hour > 23 || minute > 59 {
            return None;
        }
        if day < 1 || day > days_in_month(year, month) {
            return None;
        }
        let days = days_from_civil(year, month, day);
        Some(Timestamp(days * MINUTES_PER_DAY + i64::from(hour) * 60 + i64::from(minute)))
    }

    /// Midnight at the start of a day.
    pub fn date(year: i32, month: u32, day: u32) -> Option<Timestamp> {
        Self::new(year, month, day, 0, 0)
    }

    /// Reads `YYYY-MM-DD` or `M/D/YYYY` (the UCI original's spelling), each optionally followed
    /// by a space and `H:MM` or `H:MM:SS` (seconds are dropped).
    pub fn parse(text: &str) -> Option<Timestamp> {
        let text = text.trim();
        let (date, clock) = match text.split_once(' ') {
            Some((date, clock)) => (date, Some(clock.trim())),
            None => (text, None),
        };
        let (year, month, day) = calendar_date(date)?;
        let (hour, minute) = match clock {
            None => (0, 0),
            Some(clock) => {
                let (h, m, s) = match clock.split(':').collect::<Vec<_>>()[..] {
                    [h, m] => (h, m, None),
                    [h, m, s] => (h, m, Some(s)),
                    _ => return None,
                };
                let bad_seconds =
                    s.is_some_and(|s| s.len() != 2 || digits(s).is_none_or(|s| s > 59));
                if m.len() != 2 || bad_seconds {
                    return None;
                }
                (digits(h)?, digits(m)?)
            }
        };
        Self::new(i32::try_from(year).ok()?, month, day, hour, minute)
    }

    /// Minutes since 1970-01-01 00:00.
    pub fn minutes(self) -> i64 {
        self.0
    }

    /// A time from minutes since 1970-01-01 00:00.
    pub fn from_minutes(minutes: i64) -> Timestamp {
        Timestamp(minutes)
    }

    /// This time moved by whole days (negative moves back).
    pub fn plus_days(self, days: i64) -> Timestamp {
        Timestamp(self.0 + days * MINUTES_PER_DAY)
    }

    /// Days from `earlier` to this time, with the fraction of a day (negative if `earlier` is
    /// later).
    pub fn days_since(self, earlier: Timestamp) -> f64 {
        (self.0 - earlier.0) as f64 / MINUTES_PER_DAY as f64
    }

    /// The calendar year, month (1..=12) and day (1..=31).
    pub fn ymd(self) -> (i64, u32, u32) {
        let (year, month, day) = civil_from_days(self.0.div_euclid(MINUTES_PER_DAY));
        (year, month as u32, day as u32)
    }

    /// Year × 12 + month − 1: consecutive months get consecutive numbers.
    pub fn month_index(self) -> i64 {
        let (year, month, _) = self.ymd();
        year * 12 + i64::from(month) - 1
    }
}

/// `YYYY-MM-DD` or `M/D/YYYY` as year, month and day numbers (not yet checked as a date).
fn calendar_date(date: &str) -> Option<(u32, u32, u32)> {
    let dashed: Vec<&str> = date.split('-').collect();
    if let [y, m, d] = dashed[..] {
        return if y.len() == 4 { Some((digits(y)?, digits(m)?, digits(d)?)) } else { None };
    }
    match date.split('/').collect::<Vec<_>>()[..] {
        [m, d, y] if y.len() == 4 => Some((digits(y)?, digits(m)?, digits(d)?)),
        _ => None,
    }
}

/// One to four ASCII digits as a number (no signs, spaces or `+`, which `parse` would allow).
fn digits(s: &str) -> Option<u32> {
    if s.is_empty() || s.len() > 4 || !s.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    s.parse().ok()
}

impl fmt::Display for Timestamp {
    /// `YYYY-MM-DD HH:MM`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (year, month, day) = self.ymd();
        let clock = self.0.rem_euclid(MINUTES_PER_DAY);
        write!(f, "{year:04}-{month:02}-{day:02} {:02}:{:02}", clock / 60, clock % 60)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(text: &str, expected: Option<&str>) {
        let parsed = Timestamp::parse(text).map(|t| t.to_string());
        assert_eq!(parsed.as_deref(), expected, "{text}");
    }

    #[test]
    fn parses_both_spellings() {
        check("2010-12-01 08:26", Some("2010-12-01 08:26"));
        check("12/1/2010 8:26", Some("2010-12-01 08:26"));
        check("2011-12-09 12:50:59", Some("2011-12-09 12:50"));
        check("2011-11-09", Some("2011-11-09 00:00"));
        check("2/29/2012 23:59", Some("2012-02-29 23:59"));
    }

    #[test]
    fn rejects_impossible_times() {
        for bad in [
            "",
            "2011-02-29 10:00",
            "2011-13-01",
            "2011-01-01 24:00",
            "2011-01-01 10:5",
            "1/2/11 10:00",
            "2011/01/01",
            "yesterday",
            "2011-01-01 10:00:7",
            "1800-01-01",
        ] {
            check(bad, None);
        }
    }

    #[test]
    fn days_round_trip_across_leap_years_and_the_epoch() {
        assert_eq!(Timestamp::date(1970, 1, 1).map(Timestamp::minutes), Some(0));
        let mut t = Timestamp::date(1968, 12, 25).expect("valid date");
        for _ in 0..20_000 {
            let (y, m, d) = t.ymd();
            let back = Timestamp::date(y as i32, m, d).expect("ymd gives a valid date");
            assert_eq!(back, t);
            t = t.plus_days(1);
        }
        let a = Timestamp::parse("2011-11-09").expect("valid");
        let b = Timestamp::parse("2011-12-09 12:00").expect("valid");
        assert_eq!(b.days_since(a), 30.5);
        assert_eq!(b.month_index() - a.month_index(), 1);
    }
}
