//! Reads from PostgreSQL: documents by id, listings, counts, and the matrix scan (a binary
//! `COPY ... TO STDOUT` of five integer columns, in a repeatable-read snapshot).
//!
//! Weighing the scanned events is shared with the embedded store in `crate::matrix`.

use std::collections::BTreeMap;

use aisle_domain::{
    Actor, Event, EventContext, ExternalId, InteractionMatrix, Item, Order, Review,
};
use postgres::binary_copy::BinaryCopyOutIter;
use postgres::fallible_iterator::FallibleIterator;
use postgres::types::Type;
use postgres::{Client, GenericClient, IsolationLevel, Transaction};
use serde::de::DeserializeOwned;

use super::write::ERASED_USERS;
use super::{pg_error, pg_idx};
use crate::api::{Counts, MatrixOptions};
use crate::error::{Error, Result};
use crate::matrix::{build, row_of, Columns};
use crate::stored;

pub(super) fn doc_by_ext_id<T: DeserializeOwned>(
    client: &mut Client,
    table: &str,
    id: &ExternalId,
) -> Result<Option<T>> {
    let sql = format!("SELECT doc FROM {table} WHERE ext_id = $1");
    let row = client.query_opt(&sql, &[&id.as_str()]).map_err(pg_error)?;
    Ok(row.map(|r| serde_json::from_str(r.get::<_, &str>(0))).transpose()?)
}

/// The catalog document of the item with this external id, unless it was withdrawn.
pub(super) fn live_item(client: &mut Client, id: &ExternalId) -> Result<Option<Item>> {
    let row = client
        .query_opt(
            "SELECT doc FROM items WHERE ext_id = $1 AND deleted_at IS NULL",
            &[&id.as_str()],
        )
        .map_err(pg_error)?;
    Ok(row.map(|r| serde_json::from_str(r.get::<_, &str>(0))).transpose()?)
}

pub(super) fn index_of(
    client: &mut impl GenericClient,
    table: &str,
    id: &ExternalId,
) -> Result<Option<u32>> {
    let sql = format!("SELECT idx FROM {table} WHERE ext_id = $1");
    let row = client.query_opt(&sql, &[&id.as_str()]).map_err(pg_error)?;
    Ok(row.map(|r| r.get::<_, i32>(0) as u32))
}

fn docs<T: DeserializeOwned>(client: &mut Client, sql: &str, key: u32) -> Result<Vec<T>> {
    let rows = client.query(sql, &[&pg_idx(key)?]).map_err(pg_error)?;
    rows.iter().map(|r| Ok(serde_json::from_str(r.get::<_, &str>(0))?)).collect()
}

// `COLLATE "C"` breaks ties in byte order, as SQLite does, so both stores list alike.
pub(super) fn orders_of_user(client: &mut Client, user: &ExternalId) -> Result<Vec<Order>> {
    let Some(idx) = index_of(client, "users", user)? else { return Ok(Vec::new()) };
    docs(
        client,
        "SELECT doc FROM orders WHERE user_idx = $1 ORDER BY created_at DESC, ext_id COLLATE \"C\"",
        idx,
    )
}

pub(super) fn reviews_of_item(client: &mut Client, item: &ExternalId) -> Result<Vec<Review>> {
    let Some(idx) = index_of(client, "items", item)? else { return Ok(Vec::new()) };
    docs(
        client,
        "SELECT doc FROM reviews WHERE item_idx = $1
         ORDER BY created_at DESC NULLS LAST, ext_id COLLATE \"C\"",
        idx,
    )
}

pub(super) fn events_of_user(
    client: &mut Client,
    user: &ExternalId,
    limit: usize,
) -> Result<Vec<Event>> {
    let Some(idx) = index_of(client, "users", user)? else { return Ok(Vec::new()) };
    let limit = i64::try_from(limit).unwrap_or(i64::MAX);
    let rows = client
        .query(
            "SELECT e.ext_id, i.ext_id, e.kind, e.ts, e.value, e.quantity, e.price, e.query,
                    e.context
             FROM events e LEFT JOIN items i ON i.idx = e.item_idx
             WHERE e.user_idx = $1
             ORDER BY e.ts DESC, e.seq DESC
             LIMIT $2",
            &[&pg_idx(idx)?, &limit],
        )
        .map_err(pg_error)?;
    rows.iter()
        .map(|r| {
            let context: Option<&str> = r.get(8);
            Ok(Event {
                id: stored::id(r.get(0))?,
                actor: Actor::User(user.clone()),
                item: r.get::<_, Option<String>>(1).map(stored::id).transpose()?,
                kind: stored::kind(i64::from(r.get::<_, i16>(2)))?,
                timestamp: stored::time(r.get(3))?,
                value: r.get(4),
                quantity: r.get(5),
                price: r.get(6),
                query: r.get(7),
                context: match context {
                    Some(c) => serde_json::from_str(c)?,
                    None => EventContext::default(),
                },
            })
        })
        .collect()
}

pub(super) fn list_items(
    client: &mut Client,
    after: Option<u32>,
    limit: usize,
) -> Result<Vec<(u32, Item)>> {
    let after = after.map_or(-1, i64::from);
    let limit = i64::try_from(limit).unwrap_or(i64::MAX);
    let rows = client
        .query(
            "SELECT idx, doc FROM items WHERE idx > $1::int8 AND deleted_at IS NULL
             ORDER BY idx LIMIT $2",
            &[&after, &limit],
        )
        .map_err(pg_error)?;
    rows.iter()
        .map(|r| Ok((r.get::<_, i32>(0) as u32, serde_json::from_str(r.get::<_, &str>(1))?)))
        .collect()
}

/// Next free index of a table: its row count, since indexes are dense.
fn next_index(client: &mut impl GenericClient, table: &str) -> Result<u64> {
    let sql = format!("SELECT coalesce(max(idx) + 1, 0)::int8 FROM {table}");
    let n: i64 = client.query_one(&sql, &[]).map_err(pg_error)?.get(0);
    Ok(n as u64)
}

/// A read-only transaction on one snapshot, so every read in it sees the same rows.
pub(super) fn snapshot(client: &mut Client) -> Result<Transaction<'_>> {
    client
        .build_transaction()
        .isolation_level(IsolationLevel::RepeatableRead)
        .read_only(true)
        .start()
        .map_err(pg_error)
}

pub(super) fn counts(client: &mut Client) -> Result<Counts> {
    let mut tx = snapshot(client)?;
    let mut by_kind = BTreeMap::new();
    for r in tx.query("SELECT kind, n FROM event_counts WHERE n > 0", &[]).map_err(pg_error)? {
        let kind = stored::kind(i64::from(r.get::<_, i16>(0)))?;
        by_kind.insert(kind.as_str().to_string(), r.get::<_, i64>(1) as u64);
    }
    let count = |tx: &mut Transaction<'_>, table: &str| -> Result<u64> {
        let n: i64 =
            tx.query_one(&format!("SELECT count(*) FROM {table}"), &[]).map_err(pg_error)?.get(0);
        Ok(n as u64)
    };
    // Erased users keep their index rows but are no longer counted.
    let erased: i64 =
        tx.query_one(&format!("SELECT {ERASED_USERS}"), &[]).map_err(pg_error)?.get(0);
    let counts = Counts {
        users: next_index(&mut tx, "users")?.saturating_sub(erased as u64),
        items: next_index(&mut tx, "items")?,
        sessions: next_index(&mut tx, "sessions")?,
        events: by_kind.values().sum(),
        orders: count(&mut tx, "orders")?,
        reviews: count(&mut tx, "reviews")?,
        events_by_kind: by_kind,
    };
    tx.commit().map_err(pg_error)?;
    Ok(counts)
}

pub(super) fn interaction_matrix(
    client: &mut Client,
    options: &MatrixOptions,
) -> Result<InteractionMatrix> {
    let mut tx = snapshot(client)?;
    let n_users = u32::try_from(next_index(&mut tx, "users")?)
        .map_err(|_| Error::Database("more than 2^32 users".into()))?;
    let n_items = next_index(&mut tx, "items")? as usize;
    let n_sessions = next_index(&mut tx, "sessions")? as usize;
    let n_rows = n_users as usize + if options.include_sessions { n_sessions } else { 0 };
    // COPY takes no parameters; these are integers we format ourselves.
    let since = options.since.map_or(i64::MIN, |t| t.millis());
    let until = options.until.map_or(i64::MAX, |t| t.millis());
    let users_only = if options.include_sessions { "" } else { "AND user_idx IS NOT NULL" };
    let sql = format!(
        "COPY (SELECT coalesce(user_idx, -1), coalesce(session_idx, -1), item_idx, kind, ts
               FROM events
               WHERE item_idx IS NOT NULL AND ts >= {since} AND ts < {until} {users_only})
         TO STDOUT (FORMAT binary)"
    );
    let reader = tx.copy_out(&sql).map_err(pg_error)?;
    let types = [Type::INT4, Type::INT4, Type::INT4, Type::INT2, Type::INT8];
    let mut rows = BinaryCopyOutIter::new(reader, &types);
    let mut columns = Columns::default();
    while let Some(r) = rows.next().map_err(pg_error)? {
        let (user, session, item): (i32, i32, i32) = (
            r.try_get(0).map_err(pg_error)?,
            r.try_get(1).map_err(pg_error)?,
            r.try_get(2).map_err(pg_error)?,
        );
        let user = (user >= 0).then_some(i64::from(user));
        let session = (session >= 0).then_some(i64::from(session));
        let Some(row) = row_of(user, session, n_users, options.include_sessions) else { continue };
        let kind: i16 = r.try_get(3).map_err(pg_error)?;
        let millis: i64 = r.try_get(4).map_err(pg_error)?;
        columns.push(row, item as u32, u8::try_from(kind).unwrap_or(u8::MAX), millis);
    }
    drop(rows);
    tx.commit().map_err(pg_error)?;
    Ok(build(n_rows, n_items, &columns, options))
}

/// Every order document, oldest first, as baskets of item indexes.
pub(super) fn each_guest_order(
    client: &mut Client,
    visit: &mut dyn FnMut(Order) -> Result<()>,
) -> Result<()> {
    // Streamed row by row (a portal, not one result set), so guest orders need not fit in
    // memory; ids compare bytewise, as SQLite's do.
    let sql =
        "SELECT doc FROM orders WHERE user_idx IS NULL ORDER BY created_at, ext_id COLLATE \"C\"";
    let params: [&(dyn postgres::types::ToSql + Sync); 0] = [];
    let mut rows = client.query_raw(sql, params).map_err(pg_error)?;
    while let Some(row) = rows.next().map_err(pg_error)? {
        visit(serde_json::from_str::<Order>(row.get::<_, &str>(0))?)?;
    }
    Ok(())
}

pub(super) fn baskets(client: &mut Client) -> Result<Vec<Vec<u32>>> {
    let rows = client.query("SELECT ext_id, idx FROM items", &[]).map_err(pg_error)?;
    let mut item_index = std::collections::HashMap::with_capacity(rows.len());
    for row in &rows {
        let idx: i32 = row.get(1);
        item_index.insert(row.get::<_, String>(0), u32::try_from(idx).unwrap_or(u32::MAX));
    }
    let rows = client
        .query("SELECT doc FROM orders ORDER BY created_at, ext_id COLLATE \"C\"", &[])
        .map_err(pg_error)?;
    let mut orders = Vec::with_capacity(rows.len());
    for row in &rows {
        orders.push(serde_json::from_str::<Order>(row.get::<_, &str>(0))?);
    }
    Ok(crate::baskets::baskets_of(orders, &item_index))
}
