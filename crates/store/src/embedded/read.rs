//! Point reads and small listings from SQLite: documents by id, a user's orders and events, an
//! item's reviews, item pages, counts.
//!
//! Each function runs on a pooled read connection and sees the last committed write. The matrix
//! scan lives in `matrix.rs`. A user's events are read from both places they live: the by-user
//! index and the staged tail (`staging.rs`).

use std::collections::BTreeMap;

use aisle_domain::{Actor, Event, EventContext, ExternalId, Item, Order, Review};
use rusqlite::{Connection, OptionalExtension};
use serde::de::DeserializeOwned;

use super::staging::tail;
use super::write::ERASED_USERS;
use super::Failure;
use crate::api::Counts;
use crate::stored;

type Result<T> = std::result::Result<T, Failure>;

/// The document of the record with this external id in `table`.
pub(super) fn doc_by_ext_id<T: DeserializeOwned>(
    conn: &Connection,
    table: &str,
    id: &ExternalId,
) -> Result<Option<T>> {
    let sql = format!("SELECT doc FROM {table} WHERE ext_id = ?1");
    let doc: Option<String> =
        conn.prepare_cached(&sql)?.query_row([id.as_str()], |r| r.get(0)).optional()?;
    Ok(doc.map(|d| serde_json::from_str(&d)).transpose()?)
}

/// The catalog document of the item with this external id, unless it was withdrawn.
pub(super) fn live_item(conn: &Connection, id: &ExternalId) -> Result<Option<Item>> {
    let doc: Option<String> = conn
        .prepare_cached("SELECT doc FROM items WHERE ext_id = ?1 AND deleted_at IS NULL")?
        .query_row([id.as_str()], |r| r.get(0))
        .optional()?;
    Ok(doc.map(|d| serde_json::from_str(&d)).transpose()?)
}

/// The dense index of the record with this external id in `table`.
pub(super) fn index_of(conn: &Connection, table: &str, id: &ExternalId) -> Result<Option<u32>> {
    let sql = format!("SELECT idx FROM {table} WHERE ext_id = ?1");
    Ok(conn.prepare_cached(&sql)?.query_row([id.as_str()], |r| r.get(0)).optional()?)
}

fn docs<T: DeserializeOwned>(conn: &Connection, sql: &str, key: u32) -> Result<Vec<T>> {
    let mut stmt = conn.prepare_cached(sql)?;
    let docs = stmt.query_map([key], |r| r.get::<_, String>(0))?;
    let mut out = Vec::new();
    for doc in docs {
        out.push(serde_json::from_str(&doc?)?);
    }
    Ok(out)
}

pub(super) fn orders_of_user(conn: &Connection, user: &ExternalId) -> Result<Vec<Order>> {
    let Some(idx) = index_of(conn, "users", user)? else { return Ok(Vec::new()) };
    docs(conn, "SELECT doc FROM orders WHERE user_idx = ?1 ORDER BY created_at DESC, ext_id", idx)
}

pub(super) fn each_guest_order(
    conn: &Connection,
    visit: &mut dyn FnMut(Order) -> crate::Result<()>,
) -> Result<()> {
    // Streamed row by row: a shop's guest orders need not fit in memory at once.
    let mut stmt =
        conn.prepare("SELECT doc FROM orders WHERE user_idx IS NULL ORDER BY created_at, ext_id")?;
    let mut rows = stmt.query([])?;
    while let Some(row) = rows.next()? {
        visit(serde_json::from_str::<Order>(&row.get::<_, String>(0)?)?)?;
    }
    Ok(())
}

pub(super) fn reviews_of_item(conn: &Connection, item: &ExternalId) -> Result<Vec<Review>> {
    let Some(idx) = index_of(conn, "items", item)? else { return Ok(Vec::new()) };
    docs(
        conn,
        "SELECT doc FROM reviews WHERE item_idx = ?1 ORDER BY created_at DESC NULLS LAST, ext_id",
        idx,
    )
}

/// The latest `?2` events of user `?1`, newest first: the merged ones through the by-user index,
/// limited there already (the index is in that order, so no sort), and the staged ones from the
/// tail; the one statement reads both from the same commit. `fresh = 0` must be written out
/// for SQLite to use the partial index.
pub(super) const EVENTS_OF_USER: &str = concat!(
    "SELECT e.ext_id, i.ext_id, e.kind, e.ts, e.value, e.quantity, e.price, e.query, e.context
     FROM (SELECT * FROM (SELECT rowid AS rid, ext_id, item_idx, kind, ts, value, quantity,
                                 price, query, context
                          FROM events WHERE user_idx = ?1 AND fresh = 0
                          ORDER BY ts DESC, rowid DESC LIMIT ?2)
           UNION ALL
           SELECT rowid, ext_id, item_idx, kind, ts, value, quantity, price, query, context
           FROM events WHERE ",
    tail!(),
    " AND user_idx = ?1) e
     LEFT JOIN items i ON i.idx = e.item_idx
     ORDER BY e.ts DESC, e.rid DESC
     LIMIT ?2"
);

pub(super) fn events_of_user(
    conn: &Connection,
    user: &ExternalId,
    limit: usize,
) -> Result<Vec<Event>> {
    let Some(idx) = index_of(conn, "users", user)? else { return Ok(Vec::new()) };
    let mut stmt = conn.prepare_cached(EVENTS_OF_USER)?;
    let limit = i64::try_from(limit).unwrap_or(i64::MAX);
    let mut rows = stmt.query(rusqlite::params![idx, limit])?;
    let mut events = Vec::new();
    while let Some(r) = rows.next()? {
        let context: Option<String> = r.get(8)?;
        events.push(Event {
            id: stored::id(r.get(0)?)?,
            actor: Actor::User(user.clone()),
            item: r.get::<_, Option<String>>(1)?.map(stored::id).transpose()?,
            kind: stored::kind(r.get(2)?)?,
            timestamp: stored::time(r.get(3)?)?,
            value: r.get(4)?,
            quantity: r.get(5)?,
            price: r.get(6)?,
            query: r.get(7)?,
            context: match context {
                Some(c) => serde_json::from_str(&c)?,
                None => EventContext::default(),
            },
        });
    }
    Ok(events)
}

pub(super) fn list_items(
    conn: &Connection,
    after: Option<u32>,
    limit: usize,
) -> Result<Vec<(u32, Item)>> {
    let mut stmt = conn.prepare_cached(
        "SELECT idx, doc FROM items WHERE idx > ?1 AND deleted_at IS NULL ORDER BY idx LIMIT ?2",
    )?;
    let after = after.map_or(-1, i64::from);
    let limit = i64::try_from(limit).unwrap_or(i64::MAX);
    let mut rows = stmt.query(rusqlite::params![after, limit])?;
    let mut items = Vec::new();
    while let Some(r) = rows.next()? {
        let doc: String = r.get(1)?;
        items.push((r.get(0)?, serde_json::from_str(&doc)?));
    }
    Ok(items)
}

pub(super) fn counts(conn: &Connection) -> Result<Counts> {
    // One read transaction, so the numbers agree with each other.
    let tx = conn.unchecked_transaction()?;
    // Indexes are dense, so the next free index is the count, found without a scan.
    let next = |table: &str| -> rusqlite::Result<u64> {
        tx.query_row(&format!("SELECT coalesce(max(idx) + 1, 0) FROM {table}"), [], |r| r.get(0))
    };
    let count = |table: &str| -> rusqlite::Result<u64> {
        tx.query_row(&format!("SELECT count(*) FROM {table}"), [], |r| r.get(0))
    };
    let mut by_kind = BTreeMap::new();
    let mut stmt = tx.prepare_cached("SELECT kind, n FROM event_counts WHERE n > 0")?;
    let mut rows = stmt.query([])?;
    while let Some(r) = rows.next()? {
        let kind = stored::kind(r.get(0)?)?;
        by_kind.insert(kind.as_str().to_string(), r.get::<_, u64>(1)?);
    }
    drop(rows);
    drop(stmt);
    // Erased users keep their index rows but are no longer counted.
    let erased: u64 = tx.query_row(&format!("SELECT {ERASED_USERS}"), [], |r| r.get(0))?;
    let counts = Counts {
        users: next("users")?.saturating_sub(erased),
        items: next("items")?,
        sessions: next("sessions")?,
        events: by_kind.values().sum(),
        orders: count("orders")?,
        reviews: count("reviews")?,
        events_by_kind: by_kind,
    };
    tx.finish()?;
    Ok(counts)
}

/// Every order document, oldest first, as baskets of item indexes.
pub(super) fn baskets(conn: &Connection) -> Result<Vec<Vec<u32>>> {
    let mut stmt = conn.prepare("SELECT ext_id, idx FROM items")?;
    let item_index: std::collections::HashMap<String, u32> =
        stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?.collect::<rusqlite::Result<_>>()?;
    let mut stmt = conn.prepare("SELECT doc FROM orders ORDER BY created_at, ext_id")?;
    let mut orders = Vec::new();
    for doc in stmt.query_map([], |r| r.get::<_, String>(0))? {
        orders.push(serde_json::from_str::<Order>(&doc?)?);
    }
    Ok(crate::baskets::baskets_of(orders, &item_index))
}
