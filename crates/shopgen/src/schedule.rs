//! The session schedule: when each session starts and whose it is, sorted by time.
//!
//! Drawing the schedule up front (about 12 bytes a session) lets the generator stream sessions
//! in time order while each session's content comes from its own random stream. It decides
//! nothing about what happens inside a session.

use rand::Rng;

use crate::dist::{rng_for, stream};
use crate::shoppers::Shoppers;
use crate::zipf::AliasTable;

/// Who a session belongs to: a user index, or [`ANONYMOUS`].
pub(crate) const ANONYMOUS: u32 = u32::MAX;
/// Share of sessions by visitors who never sign in.
const ANONYMOUS_SHARE: f64 = 0.2;
const HOUR_MILLIS: i64 = 3_600_000;
const DAY_MILLIS: i64 = 24 * HOUR_MILLIS;

/// Relative traffic by local hour (China, UTC+8): quiet nights, a lunch bump, an evening peak.
const LOCAL_HOUR_WEIGHTS: [f64; 24] = [
    3.0, 2.0, 1.0, 0.7, 0.6, 0.8, 1.5, 3.0, 5.0, 6.5, 7.0, 7.5, 9.0, 8.0, 7.0, 7.0, 7.0, 7.5, 8.5,
    10.5, 12.5, 13.0, 11.0, 6.5,
];

/// One scheduled session.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) struct Slot {
    /// Start, in milliseconds since the epoch.
    pub start: i64,
    /// User index, or [`ANONYMOUS`].
    pub who: u32,
}

/// Draws `n` sessions over `days` days from `start_millis`, sorted by start time. Traffic grows
/// slowly over the period and is higher on weekends.
pub(crate) fn schedule(
    seed: u64,
    n: usize,
    shoppers: &Shoppers,
    start_millis: i64,
    days: u32,
) -> Vec<Slot> {
    let mut rng = rng_for(seed, stream::SCHEDULE);
    let day_weights: Vec<f64> = (0..days)
        .map(|d| {
            let weekday = (start_millis / DAY_MILLIS + i64::from(d) + 4).rem_euclid(7); // 0 = Sunday
            let weekend = if weekday == 0 || weekday == 6 { 1.15 } else { 1.0 };
            weekend * (1.0 + 0.3 * f64::from(d) / f64::from(days))
        })
        .collect();
    let day_table = AliasTable::new(&day_weights).unwrap_or_else(AliasTable::single);
    let hour_table = AliasTable::new(&LOCAL_HOUR_WEIGHTS).unwrap_or_else(AliasTable::single);
    // Leave the last two hours free so sessions end inside the period.
    let last_start = start_millis + i64::from(days) * DAY_MILLIS - 2 * HOUR_MILLIS;
    let no_users = shoppers.ids.is_empty();
    let mut slots: Vec<Slot> = (0..n)
        .map(|_| {
            let day = day_table.sample(&mut rng) as i64;
            let utc_hour = (hour_table.sample(&mut rng) as i64 + 16) % 24;
            let start = start_millis
                + day * DAY_MILLIS
                + utc_hour * HOUR_MILLIS
                + rng.random_range(0..HOUR_MILLIS);
            let who = if no_users || rng.random_bool(ANONYMOUS_SHARE) {
                ANONYMOUS
            } else {
                shoppers.activity.sample(&mut rng) as u32
            };
            Slot { start: start.min(last_start).max(start_millis), who }
        })
        .collect();
    slots.sort_unstable();
    slots
}
