//! From demand records `(day, key, quantity)` to one daily or weekly series per key, on a
//! shared calendar so that every key's series starts on the same day and has the same length.
//! Days without a record count as zero demand.
//!
//! This module sums and reshapes; it does not parse files, and it refuses (rather than drops)
//! a record whose quantity is NaN or negative, because returns and cancellations are the
//! caller's policy to decide.

use std::collections::BTreeMap;

use crate::calendar::{week_start, weekday, Day, IsoWeek};
use crate::error::{Error, Result};

/// One line of demand: `quantity` units of `key` (an item, a category...) on `day`.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct DemandRecord<K> {
    /// Day number (days since 1970-01-01).
    pub day: Day,
    /// What was demanded.
    pub key: K,
    /// How much.
    pub quantity: f64,
}

/// An inclusive range of days.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct DayRange {
    /// The first day.
    pub first: Day,
    /// The last day, included.
    pub last: Day,
}

impl DayRange {
    /// The days from `first` to `last`, both included.
    pub fn new(first: Day, last: Day) -> Result<DayRange> {
        if last < first {
            return Err(Error::InvalidConfig {
                model: "day range".into(),
                reason: format!("last day {last} is before first day {first}"),
            });
        }
        Ok(DayRange { first, last })
    }

    /// The smallest range holding every given day, or `None` for no days.
    pub fn covering(days: impl IntoIterator<Item = Day>) -> Option<DayRange> {
        days.into_iter().fold(None, |range, day| {
            Some(match range {
                None => DayRange { first: day, last: day },
                Some(r) => DayRange { first: r.first.min(day), last: r.last.max(day) },
            })
        })
    }

    /// Number of days in the range.
    pub fn len(&self) -> usize {
        (self.last - self.first + 1) as usize
    }

    /// Always false: a range holds at least one day.
    pub fn is_empty(&self) -> bool {
        false
    }

    /// The range shrunk to whole Monday-to-Sunday weeks, or `None` if it holds no whole week.
    pub fn whole_weeks(&self) -> Option<DayRange> {
        let first = if week_start(self.first) == self.first {
            self.first
        } else {
            week_start(self.first) + 7
        };
        let last = week_start(self.last + 1) - 1;
        (last >= first).then_some(DayRange { first, last })
    }
}

/// Demand per day from `first_day`, one value per day.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct DailySeries {
    /// Day number of `values[0]`.
    pub first_day: Day,
    /// Demand per day; days without records are zero.
    pub values: Vec<f64>,
}

impl DailySeries {
    /// The day number of `values[index]`.
    pub fn day(&self, index: usize) -> Day {
        self.first_day + index as Day
    }

    /// Sums the days into Monday-to-Sunday weeks. With [`PartialWeeks::Drop`], days before
    /// the first Monday and after the last Sunday are left out, so every value is a whole week.
    pub fn weekly(&self, partial: PartialWeeks) -> WeeklySeries {
        let mut values: Vec<f64> = Vec::new();
        let mut first_monday = None;
        let whole = match self.values.len() {
            0 => None,
            len => DayRange { first: self.first_day, last: self.day(len - 1) }.whole_weeks(),
        };
        for (index, &value) in self.values.iter().enumerate() {
            let day = self.day(index);
            if partial == PartialWeeks::Drop
                && !whole.is_some_and(|w| w.first <= day && day <= w.last)
            {
                continue;
            }
            let monday = week_start(day);
            let first = *first_monday.get_or_insert(monday);
            let slot = ((monday - first) / 7) as usize;
            if slot == values.len() {
                values.push(0.0);
            }
            values[slot] += value;
        }
        let first_monday = first_monday.unwrap_or_else(|| week_start(self.first_day));
        WeeklySeries { first_monday, values }
    }
}

/// What to do with weeks the daily range covers only in part.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum PartialWeeks {
    /// Leave them out: every weekly value sums seven days.
    Drop,
    /// Keep them: the first and last weekly values may sum fewer days.
    Keep,
}

/// Demand per Monday-to-Sunday week.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct WeeklySeries {
    /// Day number of the Monday starting `values[0]`.
    pub first_monday: Day,
    /// Demand per week.
    pub values: Vec<f64>,
}

impl WeeklySeries {
    /// The ISO week of `values[index]`.
    pub fn week(&self, index: usize) -> IsoWeek {
        IsoWeek::of(self.first_monday + 7 * index as Day)
    }
}

/// Demand on the days a shop is open, in day order: the days it is closed on every week (a
/// weekday it never trades) are left out, so a weekly pattern has period 7 minus their number.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct OpenDaySeries {
    /// The day number of each value.
    pub days: Vec<Day>,
    /// Demand per open day.
    pub values: Vec<f64>,
}

impl DailySeries {
    /// The series without the given weekdays (0 = Monday ... 6 = Sunday). A shop closed on
    /// Saturdays has a zero every Saturday that no model should have to learn or be scored on.
    pub fn open_days(&self, closed_weekdays: &[u32]) -> OpenDaySeries {
        let (days, values) = self
            .values
            .iter()
            .enumerate()
            .map(|(index, &value)| (self.day(index), value))
            .filter(|&(day, _)| !closed_weekdays.contains(&weekday(day)))
            .unzip();
        OpenDaySeries { days, values }
    }
}

/// One daily series per key over `range`: records outside the range are ignored and days
/// without records are zero, so every series has `range.len()` values. Fails on the first
/// record whose quantity is NaN, infinite or negative, naming its position.
pub fn daily_by_key<K: Ord>(
    records: impl IntoIterator<Item = DemandRecord<K>>,
    range: DayRange,
) -> Result<BTreeMap<K, DailySeries>> {
    let mut series: BTreeMap<K, DailySeries> = BTreeMap::new();
    for (index, record) in records.into_iter().enumerate() {
        if !record.quantity.is_finite() || record.quantity < 0.0 {
            return Err(Error::BadQuantity { index, value: record.quantity });
        }
        if record.day < range.first || record.day > range.last {
            continue;
        }
        let entry = series.entry(record.key).or_insert_with(|| DailySeries {
            first_day: range.first,
            values: vec![0.0; range.len()],
        });
        entry.values[(record.day - range.first) as usize] += record.quantity;
    }
    Ok(series)
}

/// One weekly series per key: [`daily_by_key`] then [`DailySeries::weekly`].
pub fn weekly_by_key<K: Ord>(
    records: impl IntoIterator<Item = DemandRecord<K>>,
    range: DayRange,
    partial: PartialWeeks,
) -> Result<BTreeMap<K, WeeklySeries>> {
    Ok(daily_by_key(records, range)?
        .into_iter()
        .map(|(key, daily)| (key, daily.weekly(partial)))
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::calendar::day_number;

    fn day(y: i32, m: u32, d: u32) -> Day {
        day_number(y, m, d).unwrap()
    }

    fn record(day: Day, key: &'static str, quantity: f64) -> DemandRecord<&'static str> {
        DemandRecord { day, key, quantity }
    }

    #[test]
    fn missing_days_are_zero_and_out_of_range_records_ignored() {
        let wed = day(2010, 12, 1);
        let range = DayRange::new(wed, wed + 4).unwrap();
        let records = vec![
            record(wed, "bag", 2.0),
            record(wed, "bag", 3.0),
            record(wed + 3, "bag", 1.0),
            record(wed + 1, "mug", 4.0),
            record(wed + 9, "mug", 100.0),
            record(wed - 1, "bag", 100.0),
        ];
        let daily = daily_by_key(records, range).unwrap();
        assert_eq!(daily["bag"].values, vec![5.0, 0.0, 0.0, 1.0, 0.0]);
        assert_eq!(daily["mug"].values, vec![0.0, 4.0, 0.0, 0.0, 0.0]);
        assert_eq!(daily["mug"].day(1), wed + 1);
    }

    #[test]
    fn weeks_run_monday_to_sunday() {
        // Wednesday 2010-12-01 to Tuesday 2010-12-14: a partial week, a whole one, a partial one.
        let wed = day(2010, 12, 1);
        let range = DayRange::new(wed, wed + 13).unwrap();
        let records = (0..14).map(|i| record(wed + i, "card", (i + 1) as f64));
        let daily = daily_by_key(records, range).unwrap().remove("card").unwrap();

        let kept = daily.weekly(PartialWeeks::Keep);
        assert_eq!(kept.first_monday, day(2010, 11, 29));
        // Wed..Sun = 1..5, Mon..Sun = 6..12, Mon..Tue = 13..14.
        assert_eq!(kept.values, vec![15.0, 63.0, 27.0]);
        assert_eq!(kept.week(0), IsoWeek { year: 2010, week: 48 });
        assert_eq!(kept.week(1).monday(), day(2010, 12, 6));

        let dropped = daily.weekly(PartialWeeks::Drop);
        assert_eq!(dropped.first_monday, day(2010, 12, 6));
        assert_eq!(dropped.values, vec![63.0]);
    }

    #[test]
    fn whole_weeks_of_a_range() {
        let sunday = day(2011, 12, 4);
        let range = DayRange::new(day(2010, 12, 1), day(2011, 12, 9)).unwrap();
        let whole = range.whole_weeks().unwrap();
        assert_eq!(whole, DayRange { first: day(2010, 12, 6), last: sunday });
        assert_eq!(whole.len(), 52 * 7);
        assert_eq!(DayRange::new(sunday - 2, sunday + 2).unwrap().whole_weeks(), None);
        assert!(DayRange::new(5, 4).is_err());
        assert_eq!(DayRange::covering([7, 3, 5]), Some(DayRange { first: 3, last: 7 }));
    }

    #[test]
    fn nan_and_negative_quantities_are_refused_with_their_position() {
        let range = DayRange::new(0, 6).unwrap();
        for bad in [f64::NAN, -1.0, f64::INFINITY] {
            let records = vec![record(1, "bag", 1.0), record(2, "bag", bad)];
            let err = daily_by_key(records, range).unwrap_err();
            assert!(matches!(err, Error::BadQuantity { index: 1, .. }), "{err}");
        }
        // A refused record outside the range is still refused: the input is wrong either way.
        let err = weekly_by_key(vec![record(99, "bag", -3.0)], range, PartialWeeks::Keep);
        assert!(err.is_err());
        assert!(daily_by_key(Vec::<DemandRecord<&str>>::new(), range).unwrap().is_empty());
    }

    #[test]
    fn open_days_leave_out_closed_weekdays() {
        // Monday 2011-12-05 to Sunday 2011-12-11, closed on Saturdays (weekday 5).
        let monday = day(2011, 12, 5);
        let range = DayRange::new(monday, monday + 6).unwrap();
        let records = (0..7).map(|i| record(monday + i, "mug", (i + 1) as f64));
        let daily = daily_by_key(records, range).unwrap().remove("mug").unwrap();
        let open = daily.open_days(&[5]);
        assert_eq!(open.values, vec![1.0, 2.0, 3.0, 4.0, 5.0, 7.0]);
        assert_eq!(open.days.last(), Some(&(monday + 6)));
        assert_eq!(daily.open_days(&[]).values.len(), 7);
    }
}
