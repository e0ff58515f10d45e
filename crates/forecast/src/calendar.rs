//! Calendar arithmetic on day numbers: days since 1970-01-01 (UTC), the same count as
//! `Timestamp::secs().div_euclid(86_400)` in `aisle-domain`. Weeks start on Monday and are
//! numbered as in ISO 8601 (week 1 holds the year's first Thursday).
//!
//! Proleptic Gregorian calendar throughout; no time zones, no clock.

use std::fmt;

use aisle_domain::calendar::{civil_from_days, days_from_civil, days_in_month};

/// Day numbers are days since 1970-01-01.
pub type Day = i64;

/// The day number of January 1st of `year`.
fn year_start(year: i64) -> Day {
    days_from_civil(year, 1, 1)
}

/// The day number of a calendar date, or `None` when the date does not exist (month 13,
/// February 30th...).
pub fn day_number(year: i32, month: u32, day: u32) -> Option<Day> {
    let (year, month, day) = (i64::from(year), i64::from(month), i64::from(day));
    if !(1..=12).contains(&month) || day == 0 || day > days_in_month(year, month) {
        return None;
    }
    Some(days_from_civil(year, month, day))
}

/// The calendar date `(year, month, day)` of a day number.
pub fn civil_date(day: Day) -> (i32, u32, u32) {
    let (year, month, day) = civil_from_days(day);
    // Years are within i32 for any day number a shop can produce; months and days are small.
    (year as i32, month as u32, day as u32)
}

/// The weekday of a day number: 0 = Monday ... 6 = Sunday (1970-01-01 was a Thursday).
pub fn weekday(day: Day) -> u32 {
    (day + 3).rem_euclid(7) as u32
}

/// The Monday starting the week that holds `day`.
pub fn week_start(day: Day) -> Day {
    day - Day::from(weekday(day))
}

/// A week as ISO 8601 names it: the year owning the week's Thursday and the week's number in it
/// (1 to 52 or 53). Displays as `2011-W05`.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize,
)]
pub struct IsoWeek {
    /// The ISO week-numbering year, which differs from the calendar year around New Year.
    pub year: i32,
    /// The week number, from 1.
    pub week: u32,
}

impl IsoWeek {
    /// The ISO week holding `day`.
    pub fn of(day: Day) -> IsoWeek {
        let thursday = week_start(day) + 3;
        let (year, _, _) = civil_date(thursday);
        let week = (thursday - year_start(i64::from(year))) / 7 + 1;
        IsoWeek { year, week: week as u32 }
    }

    /// The Monday this week starts on.
    pub fn monday(self) -> Day {
        // January 4th is always in week 1.
        let jan4 = year_start(i64::from(self.year)) + 3;
        week_start(jan4) + 7 * (i64::from(self.week) - 1)
    }
}

impl fmt::Display for IsoWeek {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}-W{:02}", self.year, self.week)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check_date(date: (i32, u32, u32), expected_day: Day) {
        let day = day_number(date.0, date.1, date.2).unwrap();
        assert_eq!(day, expected_day, "{date:?}");
        assert_eq!(civil_date(day), date);
    }

    #[test]
    fn day_numbers_match_unix_days() {
        check_date((1970, 1, 1), 0);
        check_date((1969, 12, 31), -1);
        check_date((2000, 3, 1), 11_017);
        check_date((2010, 12, 1), 14_944);
        check_date((2011, 12, 9), 15_317);
        check_date((2024, 2, 29), 19_782);
        assert_eq!(day_number(2023, 2, 29), None);
        assert_eq!(day_number(2023, 13, 1), None);
        assert_eq!(day_number(2023, 4, 0), None);
    }

    #[test]
    fn civil_date_round_trips_over_centuries() {
        let start = day_number(1899, 12, 25).unwrap();
        let mut previous = civil_date(start - 1);
        for day in start..start + 200 * 366 {
            let date = civil_date(day);
            assert_eq!(day_number(date.0, date.1, date.2), Some(day));
            assert!(date > previous, "{date:?} after {previous:?}");
            previous = date;
        }
    }

    fn check_week(date: (i32, u32, u32), weekday_expected: u32, year: i32, week: u32) {
        let day = day_number(date.0, date.1, date.2).unwrap();
        assert_eq!(weekday(day), weekday_expected, "{date:?}");
        let iso = IsoWeek::of(day);
        assert_eq!(iso, IsoWeek { year, week }, "{date:?}");
        assert_eq!(iso.monday(), week_start(day));
        assert!(iso.monday() <= day && day < iso.monday() + 7);
    }

    #[test]
    fn iso_weeks_around_new_year() {
        check_week((1970, 1, 1), 3, 1970, 1);
        check_week((2010, 12, 1), 2, 2010, 48);
        check_week((2011, 1, 1), 5, 2010, 52);
        check_week((2011, 1, 3), 0, 2011, 1);
        check_week((2011, 12, 4), 6, 2011, 48);
        check_week((2008, 12, 29), 0, 2009, 1);
        check_week((2021, 1, 3), 6, 2020, 53);
        check_week((2026, 12, 31), 3, 2026, 53);
        assert_eq!(IsoWeek { year: 2011, week: 5 }.to_string(), "2011-W05");
    }
}
