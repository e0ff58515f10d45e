//! Aggregate reads for a dashboard, from SQLite: the newest event's time, events by day and
//! kind with distinct shoppers by kind, user listings with event counts, and catalog search.
//!
//! The events table has no index by time, so the time-window aggregates read every event;
//! callers cache them. A user's events are counted in both places they live (the by-user index
//! and the staged tail, `staging.rs`), like every other read by user.

use std::collections::BTreeMap;

use aisle_domain::{Item, Timestamp};
use rusqlite::Connection;

use super::staging::tail;
use super::Failure;
use crate::api::{Activity, DayCount, UserSummary, DAY_MILLIS};
use crate::stored;

type Result<T> = std::result::Result<T, Failure>;

pub(super) fn newest_event_time(conn: &Connection) -> Result<Option<Timestamp>> {
    let newest: Option<i64> = conn.query_row("SELECT max(ts) FROM events", [], |r| r.get(0))?;
    Ok(newest.map(stored::time).transpose()?)
}

pub(super) fn activity(conn: &Connection, since: Timestamp, until: Timestamp) -> Result<Activity> {
    // One read transaction, so both aggregates see the same events.
    let tx = conn.unchecked_transaction()?;
    let window = rusqlite::params![since.millis(), until.millis()];
    let mut per_day = Vec::new();
    let mut stmt = tx.prepare_cached(&format!(
        "SELECT ts / {DAY_MILLIS} AS day, kind, count(*) FROM events
         WHERE ts >= ?1 AND ts < ?2
         GROUP BY day, kind ORDER BY day, kind"
    ))?;
    let mut rows = stmt.query(window)?;
    while let Some(r) = rows.next()? {
        per_day.push(DayCount {
            day: r.get(0)?,
            kind: stored::kind(r.get(1)?)?,
            events: r.get::<_, u64>(2)?,
        });
    }
    drop(rows);
    drop(stmt);
    // An event names a user or a session, never both; count(DISTINCT) skips the NULLs.
    let mut shoppers_by_kind = BTreeMap::new();
    let mut stmt = tx.prepare_cached(
        "SELECT kind, count(DISTINCT user_idx) + count(DISTINCT session_idx) FROM events
         WHERE ts >= ?1 AND ts < ?2
         GROUP BY kind",
    )?;
    let mut rows = stmt.query(window)?;
    while let Some(r) = rows.next()? {
        shoppers_by_kind.insert(stored::kind(r.get(0)?)?, r.get::<_, u64>(1)?);
    }
    drop(rows);
    drop(stmt);
    tx.finish()?;
    Ok(Activity { per_day, shoppers_by_kind })
}

/// Merged events of user `?1`, through the partial by-user index alone.
const MERGED_EVENTS_OF_USER: &str = "SELECT count(*) FROM events WHERE user_idx = ?1 AND fresh = 0";

/// Staged events of the users with indexes `?1..=?2`, from the tail.
const STAGED_EVENTS_BY_USER: &str = concat!(
    "SELECT user_idx, count(*) FROM events WHERE ",
    tail!(),
    " AND user_idx >= ?1 AND user_idx <= ?2 GROUP BY user_idx"
);

pub(super) fn list_users(
    conn: &Connection,
    after: Option<u32>,
    limit: usize,
    matching: Option<&str>,
) -> Result<Vec<UserSummary>> {
    let tx = conn.unchecked_transaction()?;
    let after = after.map_or(-1, i64::from);
    let limit = i64::try_from(limit).unwrap_or(i64::MAX);
    let mut page: Vec<(u32, String)> = Vec::new();
    match matching.filter(|m| !m.is_empty()) {
        // SQLite's lower() folds ASCII letters only, as the needle is folded here.
        Some(needle) => {
            let mut stmt = tx.prepare_cached(
                "SELECT idx, ext_id FROM users
                 WHERE idx > ?1 AND erased_at IS NULL AND instr(lower(ext_id), ?3) > 0
                 ORDER BY idx LIMIT ?2",
            )?;
            let rows = stmt
                .query_map(rusqlite::params![after, limit, needle.to_ascii_lowercase()], |r| {
                    Ok((r.get(0)?, r.get(1)?))
                })?;
            for row in rows {
                page.push(row?);
            }
        }
        None => {
            let mut stmt = tx.prepare_cached(
                "SELECT idx, ext_id FROM users WHERE idx > ?1 AND erased_at IS NULL
                 ORDER BY idx LIMIT ?2",
            )?;
            let rows =
                stmt.query_map(rusqlite::params![after, limit], |r| Ok((r.get(0)?, r.get(1)?)))?;
            for row in rows {
                page.push(row?);
            }
        }
    }
    let (Some(first), Some(last)) = (page.first(), page.last()) else { return Ok(Vec::new()) };
    let mut staged: BTreeMap<u32, u64> = BTreeMap::new();
    {
        let mut stmt = tx.prepare_cached(STAGED_EVENTS_BY_USER)?;
        let rows = stmt.query_map([first.0, last.0], |r| Ok((r.get(0)?, r.get(1)?)))?;
        for row in rows {
            let (user, n) = row?;
            staged.insert(user, n);
        }
    }
    let mut users = Vec::with_capacity(page.len());
    {
        let mut merged = tx.prepare_cached(MERGED_EVENTS_OF_USER)?;
        for (index, id) in page {
            let indexed: u64 = merged.query_row([index], |r| r.get(0))?;
            let events = indexed + staged.get(&index).copied().unwrap_or(0);
            users.push(UserSummary { index, id: stored::id(id)?, events });
        }
    }
    tx.finish()?;
    Ok(users)
}

pub(super) fn search_items(conn: &Connection, text: &str, limit: usize) -> Result<Vec<Item>> {
    let limit = i64::try_from(limit).unwrap_or(i64::MAX);
    let mut stmt = conn.prepare_cached(
        "SELECT doc FROM items
         WHERE deleted_at IS NULL
           AND (?1 = '' OR instr(lower(ext_id), ?1) > 0
                OR instr(lower(coalesce(json_extract(doc, '$.title'), '')), ?1) > 0)
         ORDER BY idx LIMIT ?2",
    )?;
    let mut rows = stmt.query(rusqlite::params![text.to_ascii_lowercase(), limit])?;
    let mut items = Vec::new();
    while let Some(r) = rows.next()? {
        let doc: String = r.get(0)?;
        items.push(serde_json::from_str(&doc)?);
    }
    Ok(items)
}
