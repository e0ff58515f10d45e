//! Aggregate reads for a dashboard, from PostgreSQL: the newest event's time, events by day and
//! kind with distinct shoppers by kind, user listings with event counts, and catalog search.
//!
//! Case is folded for ASCII letters only (`translate`), as SQLite's `lower()` does, so both
//! stores find the same records.

use std::collections::BTreeMap;

use aisle_domain::{Item, Timestamp};
use postgres::Client;

use super::pg_error;
use super::read::snapshot;
use crate::api::{Activity, DayCount, UserSummary, DAY_MILLIS};
use crate::error::Result;
use crate::stored;

/// A text expression with its ASCII letters lower-cased.
macro_rules! ascii_lower {
    ($column:literal) => {
        concat!(
            "translate(",
            $column,
            ", 'ABCDEFGHIJKLMNOPQRSTUVWXYZ', 'abcdefghijklmnopqrstuvwxyz')"
        )
    };
}

pub(super) fn newest_event_time(client: &mut Client) -> Result<Option<Timestamp>> {
    let row = client.query_one("SELECT max(ts) FROM events", &[]).map_err(pg_error)?;
    row.get::<_, Option<i64>>(0).map(stored::time).transpose()
}

pub(super) fn activity(
    client: &mut Client,
    since: Timestamp,
    until: Timestamp,
) -> Result<Activity> {
    // One snapshot, so both aggregates see the same events.
    let mut tx = snapshot(client)?;
    let (since, until) = (since.millis(), until.millis());
    let rows = tx
        .query(
            &format!(
                "SELECT ts / {DAY_MILLIS} AS day, kind, count(*) FROM events
                 WHERE ts >= $1 AND ts < $2
                 GROUP BY day, kind ORDER BY day, kind"
            ),
            &[&since, &until],
        )
        .map_err(pg_error)?;
    let mut per_day = Vec::with_capacity(rows.len());
    for r in &rows {
        per_day.push(DayCount {
            day: r.get(0),
            kind: stored::kind(i64::from(r.get::<_, i16>(1)))?,
            events: r.get::<_, i64>(2) as u64,
        });
    }
    // An event names a user or a session, never both; count(DISTINCT) skips the NULLs.
    let rows = tx
        .query(
            "SELECT kind, count(DISTINCT user_idx) + count(DISTINCT session_idx) FROM events
             WHERE ts >= $1 AND ts < $2
             GROUP BY kind",
            &[&since, &until],
        )
        .map_err(pg_error)?;
    let mut shoppers_by_kind = BTreeMap::new();
    for r in &rows {
        let kind = stored::kind(i64::from(r.get::<_, i16>(0)))?;
        shoppers_by_kind.insert(kind, r.get::<_, i64>(1) as u64);
    }
    tx.commit().map_err(pg_error)?;
    Ok(Activity { per_day, shoppers_by_kind })
}

pub(super) fn list_users(
    client: &mut Client,
    after: Option<u32>,
    limit: usize,
    matching: Option<&str>,
) -> Result<Vec<UserSummary>> {
    let after = after.map_or(-1, i64::from);
    let limit = i64::try_from(limit).unwrap_or(i64::MAX);
    let needle = matching.unwrap_or_default().to_ascii_lowercase();
    let rows = client
        .query(
            concat!(
                "SELECT u.idx, u.ext_id, (SELECT count(*) FROM events e WHERE e.user_idx = u.idx)
                 FROM users u
                 WHERE u.idx > $1::int8 AND u.erased_at IS NULL
                   AND ($3 = '' OR strpos(",
                ascii_lower!("u.ext_id"),
                ", $3) > 0)
                 ORDER BY u.idx LIMIT $2"
            ),
            &[&after, &limit, &needle],
        )
        .map_err(pg_error)?;
    rows.iter()
        .map(|r| {
            Ok(UserSummary {
                index: r.get::<_, i32>(0) as u32,
                id: stored::id(r.get(1))?,
                events: r.get::<_, i64>(2) as u64,
            })
        })
        .collect()
}

pub(super) fn search_items(client: &mut Client, text: &str, limit: usize) -> Result<Vec<Item>> {
    let limit = i64::try_from(limit).unwrap_or(i64::MAX);
    let needle = text.to_ascii_lowercase();
    let rows = client
        .query(
            concat!(
                "SELECT doc FROM items
                 WHERE deleted_at IS NULL
                   AND ($1 = '' OR strpos(",
                ascii_lower!("ext_id"),
                ", $1) > 0 OR strpos(",
                ascii_lower!("coalesce(doc::json ->> 'title', '')"),
                ", $1) > 0)
                 ORDER BY idx LIMIT $2"
            ),
            &[&needle, &limit],
        )
        .map_err(pg_error)?;
    rows.iter().map(|r| Ok(serde_json::from_str(r.get::<_, &str>(0))?)).collect()
}
