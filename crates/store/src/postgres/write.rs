//! Writing a batch into PostgreSQL: one transaction, an advisory lock against concurrent
//! writers, the shared plan, then one array-parameter statement per table (`unnest`), so a
//! batch of 50,000 events costs a handful of round trips.
//!
//! Duplicate events are skipped by `ON CONFLICT (id_hash) DO NOTHING`; the same statement
//! tells which ones, by their position in the array.

use std::collections::{HashMap, HashSet};

use aisle_domain::Batch;
use postgres::{Client, Transaction};

use super::{pg_error, pg_idx};
use crate::api::WriteReport;
use crate::error::{Error, Result};
use crate::ids::{Caches, IdCache};
use crate::plan::{self, DocRow, EventKey, Lookup, OrderRow, Plan, ReviewRow};

/// Serializes writers (and deleters) of all processes sharing the database, so dense indexes
/// stay dense and no write resolves an id to an index being erased.
pub(super) const WRITE_LOCK: i64 = 0x4149_534c_0002;

pub(super) fn write(
    client: &mut Client,
    caches: &mut Caches,
    batch: &Batch,
    fail_before_commit: bool,
) -> Result<WriteReport> {
    let mut tx = client.transaction().map_err(pg_error)?;
    tx.execute("SELECT pg_advisory_xact_lock($1)", &[&WRITE_LOCK]).map_err(pg_error)?;
    refresh(&mut tx, "items", &mut caches.items)?;
    refresh(&mut tx, "users", &mut caches.users)?;
    refresh(&mut tx, "sessions", &mut caches.sessions)?;
    let plan = plan::plan(batch, caches, &mut PgLookup { tx: &mut tx })?;
    let stored = apply(&mut tx, &plan)?;
    let report = plan.report(stored);
    if fail_before_commit {
        return Err(Error::Database("write failed on purpose (test failpoint)".into()));
    }
    if let Err(e) = tx.commit() {
        caches.invalidate();
        return Err(pg_error(e));
    }
    plan.created.merge_into(caches);
    tracing::debug!(?report, "PostgreSQL write committed");
    Ok(report)
}

/// Reloads a cache when it is not exactly what the table holds (first write, or another
/// process wrote or erased meanwhile).
fn refresh(tx: &mut Transaction<'_>, table: &str, cache: &mut IdCache) -> Result<()> {
    // Only users are ever erased; the other tables' erased count is always zero.
    let erased = if table == "users" { ERASED_USERS } else { "0::int8" };
    let row = tx
        .query_one(&format!("SELECT coalesce(max(idx) + 1, 0)::int8, {erased} FROM {table}"), &[])
        .map_err(pg_error)?;
    let next = u32::try_from(row.get::<_, i64>(0))
        .map_err(|_| Error::Database(format!("{table} has more than 2^32 indexes")))?;
    let erased = row.get::<_, i64>(1) as u64;
    if cache.is_fresh(next, erased) {
        return Ok(());
    }
    let rows = tx.query(&format!("SELECT ext_id, idx FROM {table}"), &[]).map_err(pg_error)?;
    let pairs = rows.iter().map(|r| (r.get::<_, String>(0), r.get::<_, i32>(1) as u32));
    cache.reload(pairs, erased);
    Ok(())
}

/// How many users were erased, as a scalar subquery (it reads the partial index `users_erased`).
pub(super) const ERASED_USERS: &str = "(SELECT count(*) FROM users WHERE erased_at IS NOT NULL)";

fn idxs(rows: &[DocRow]) -> Result<Vec<i32>> {
    rows.iter().map(|r| pg_idx(r.idx)).collect()
}

fn opt_idx(idx: Option<u32>) -> Result<Option<i32>> {
    idx.map(pg_idx).transpose()
}

/// Applies a plan; returns the batch positions of the planned events that were already stored.
fn apply(tx: &mut Transaction<'_>, plan: &Plan) -> Result<Vec<usize>> {
    for (table, inserts, updates) in [
        ("items", &plan.item_inserts, &plan.item_updates),
        ("users", &plan.user_inserts, &plan.user_updates),
    ] {
        if !inserts.is_empty() {
            let ids: Vec<&str> = inserts.iter().map(|r| r.ext_id.as_str()).collect();
            let docs: Vec<&str> = inserts.iter().map(|r| r.doc.as_str()).collect();
            tx.execute(
                &format!(
                    "INSERT INTO {table} (idx, ext_id, doc)
                     SELECT * FROM unnest($1::int4[], $2::text[], $3::text[])"
                ),
                &[&idxs(inserts)?, &ids, &docs],
            )
            .map_err(pg_error)?;
        }
        if !updates.is_empty() {
            let docs: Vec<&str> = updates.iter().map(|r| r.doc.as_str()).collect();
            // Writing an item withdrawn by `delete_item` puts it back in the catalog.
            let restore = if table == "items" { ", deleted_at = NULL" } else { "" };
            tx.execute(
                &format!(
                    "UPDATE {table} SET doc = u.doc{restore}
                     FROM unnest($1::int4[], $2::text[]) AS u(idx, doc) WHERE {table}.idx = u.idx"
                ),
                &[&idxs(updates)?, &docs],
            )
            .map_err(pg_error)?;
        }
    }
    if !plan.session_inserts.is_empty() {
        let idx: Vec<i32> =
            plan.session_inserts.iter().map(|(i, _)| pg_idx(*i)).collect::<Result<_>>()?;
        let ids: Vec<&str> = plan.session_inserts.iter().map(|(_, s)| s.as_str()).collect();
        tx.execute(
            "INSERT INTO sessions (idx, ext_id) SELECT * FROM unnest($1::int4[], $2::text[])",
            &[&idx, &ids],
        )
        .map_err(pg_error)?;
    }
    let stored = insert_events(tx, plan)?;
    write_orders(tx, &plan.order_inserts, &plan.order_updates)?;
    write_reviews(tx, &plan.review_inserts, &plan.review_updates)?;
    Ok(stored)
}

/// Inserts the planned events; returns the batch positions of those already stored.
fn insert_events(tx: &mut Transaction<'_>, plan: &Plan) -> Result<Vec<usize>> {
    let ev = &plan.events;
    if ev.is_empty() {
        return Ok(Vec::new());
    }
    let users: Vec<Option<i32>> = ev.iter().map(|e| opt_idx(e.user)).collect::<Result<_>>()?;
    let sessions: Vec<Option<i32>> =
        ev.iter().map(|e| opt_idx(e.session)).collect::<Result<_>>()?;
    let items: Vec<Option<i32>> = ev.iter().map(|e| opt_idx(e.item)).collect::<Result<_>>()?;
    let kinds: Vec<i16> = ev.iter().map(|e| i16::from(e.kind)).collect();
    let ts: Vec<i64> = ev.iter().map(|e| e.millis).collect();
    let values: Vec<Option<f64>> = ev.iter().map(|e| e.value).collect();
    let quantities: Vec<Option<i64>> = ev.iter().map(|e| e.quantity).collect();
    let prices: Vec<Option<f64>> = ev.iter().map(|e| e.price).collect();
    let queries: Vec<Option<&str>> = ev.iter().map(|e| e.query).collect();
    let contexts: Vec<Option<&str>> = ev.iter().map(|e| e.context.as_deref()).collect();
    let keys: Vec<&[u8]> = ev.iter().map(|e| &e.key[..]).collect();
    let ids: Vec<&str> = ev.iter().map(|e| e.ext_id).collect();
    // The plan already dropped repeats within the batch, so ON CONFLICT only meets events
    // stored by earlier writes; the ordinality keeps insertion (and so tie) order.
    // RETURNING names only the table's columns, not the ordinality, so the skipped events are
    // found in the server: the array elements whose key the insert did not return. The answer
    // is a row per event kind inserted (kind, count), then a row per skipped event (its 1-based
    // ordinality), but only when some events were inserted and some skipped: the anti-join
    // costs nothing in the usual import of new events, and when all were skipped (a
    // re-import) the counts alone say which.
    let rows = tx
        .query(
            "WITH ins AS (
                INSERT INTO events (user_idx, session_idx, item_idx, kind, ts, value, quantity,
                                    price, query, context, id_hash, ext_id)
                SELECT u, s, i, k, t, v, q, p, qu, c, h, x
                FROM unnest($1::int4[], $2::int4[], $3::int4[], $4::int2[], $5::int8[],
                            $6::float8[], $7::int8[], $8::float8[], $9::text[], $10::text[],
                            $11::bytea[], $12::text[])
                     WITH ORDINALITY AS e(u, s, i, k, t, v, q, p, qu, c, h, x, ord)
                ORDER BY ord
                ON CONFLICT (id_hash) DO NOTHING
                RETURNING kind, id_hash
             ),
             by_kind AS (SELECT kind, count(*) AS n FROM ins GROUP BY kind)
             SELECT kind, n, NULL::int8 FROM by_kind
             UNION ALL
             SELECT NULL, NULL, e.ord
             FROM unnest($11::bytea[]) WITH ORDINALITY AS e(h, ord)
             WHERE (SELECT sum(n) FROM by_kind) BETWEEN 1 AND cardinality($11::bytea[]) - 1
               AND NOT EXISTS (SELECT FROM ins WHERE ins.id_hash = e.h)",
            &[
                &users,
                &sessions,
                &items,
                &kinds,
                &ts,
                &values,
                &quantities,
                &prices,
                &queries,
                &contexts,
                &keys,
                &ids,
            ],
        )
        .map_err(pg_error)?;
    let mut kinds = Vec::new();
    let mut counts = Vec::new();
    let mut stored = Vec::new();
    for r in &rows {
        match r.get::<_, Option<i64>>(2) {
            Some(ord) => {
                let row = usize::try_from(ord - 1).ok().and_then(|k| ev.get(k));
                let row = row.ok_or_else(|| {
                    Error::Database(format!("the event insert named row {ord} of {}", ev.len()))
                })?;
                stored.push(row.pos);
            }
            None => {
                kinds.push(r.get::<_, i16>(0));
                counts.push(r.get::<_, i64>(1));
            }
        }
    }
    let inserted: i64 = counts.iter().sum();
    if inserted == 0 {
        stored = ev.iter().map(|e| e.pos).collect();
    }
    if inserted as usize + stored.len() != ev.len() {
        return Err(Error::Database(format!(
            "the event insert stored {inserted} and skipped {} of {} events",
            stored.len(),
            ev.len()
        )));
    }
    if !kinds.is_empty() {
        tx.execute(
            "INSERT INTO event_counts (kind, n) SELECT * FROM unnest($1::int2[], $2::int8[])
             ON CONFLICT (kind) DO UPDATE SET n = event_counts.n + excluded.n",
            &[&kinds, &counts],
        )
        .map_err(pg_error)?;
    }
    Ok(stored)
}

fn write_orders(
    tx: &mut Transaction<'_>,
    inserts: &[OrderRow],
    updates: &[OrderRow],
) -> Result<()> {
    for (rows, sql) in [
        (
            inserts,
            "INSERT INTO orders (ext_id, user_idx, created_at, doc)
             SELECT * FROM unnest($1::text[], $2::int4[], $3::int8[], $4::text[])",
        ),
        (
            updates,
            "UPDATE orders SET user_idx = u.user_idx, created_at = u.created_at, doc = u.doc
             FROM unnest($1::text[], $2::int4[], $3::int8[], $4::text[])
                  AS u(ext_id, user_idx, created_at, doc)
             WHERE orders.ext_id = u.ext_id",
        ),
    ] {
        if rows.is_empty() {
            continue;
        }
        let ids: Vec<&str> = rows.iter().map(|r| r.ext_id.as_str()).collect();
        let users: Vec<Option<i32>> =
            rows.iter().map(|r| opt_idx(r.user)).collect::<Result<_>>()?;
        let created: Vec<i64> = rows.iter().map(|r| r.created_at).collect();
        let docs: Vec<&str> = rows.iter().map(|r| r.doc.as_str()).collect();
        tx.execute(sql, &[&ids, &users, &created, &docs]).map_err(pg_error)?;
    }
    Ok(())
}

fn write_reviews(
    tx: &mut Transaction<'_>,
    inserts: &[ReviewRow],
    updates: &[ReviewRow],
) -> Result<()> {
    for (rows, sql) in [
        (
            inserts,
            "INSERT INTO reviews (ext_id, user_idx, item_idx, created_at, doc)
             SELECT * FROM unnest($1::text[], $2::int4[], $3::int4[], $4::int8[], $5::text[])",
        ),
        (
            updates,
            "UPDATE reviews SET user_idx = u.user_idx, item_idx = u.item_idx,
                                created_at = u.created_at, doc = u.doc
             FROM unnest($1::text[], $2::int4[], $3::int4[], $4::int8[], $5::text[])
                  AS u(ext_id, user_idx, item_idx, created_at, doc)
             WHERE reviews.ext_id = u.ext_id",
        ),
    ] {
        if rows.is_empty() {
            continue;
        }
        let ids: Vec<&str> = rows.iter().map(|r| r.ext_id.as_str()).collect();
        let users: Vec<Option<i32>> =
            rows.iter().map(|r| opt_idx(r.user)).collect::<Result<_>>()?;
        let items: Vec<i32> = rows.iter().map(|r| pg_idx(r.item)).collect::<Result<_>>()?;
        let created: Vec<Option<i64>> = rows.iter().map(|r| r.created_at).collect();
        let docs: Vec<&str> = rows.iter().map(|r| r.doc.as_str()).collect();
        tx.execute(sql, &[&ids, &users, &items, &created, &docs]).map_err(pg_error)?;
    }
    Ok(())
}

/// Reads for planning, inside the write transaction.
struct PgLookup<'a, 'b> {
    tx: &'a mut Transaction<'b>,
}

impl PgLookup<'_, '_> {
    fn by_idx(&mut self, table: &str, idxs: &[u32]) -> Result<HashMap<u32, String>> {
        if idxs.is_empty() {
            return Ok(HashMap::new());
        }
        let keys: Vec<i32> = idxs.iter().map(|&i| pg_idx(i)).collect::<Result<_>>()?;
        // A withdrawn item has no catalog document: writing it again is an update.
        let live = if table == "items" { " AND deleted_at IS NULL" } else { "" };
        let sql = format!("SELECT idx, doc FROM {table} WHERE idx = ANY($1){live}");
        let rows = self.tx.query(&sql, &[&keys]).map_err(pg_error)?;
        Ok(rows.iter().map(|r| (r.get::<_, i32>(0) as u32, r.get(1))).collect())
    }

    fn by_ext_id(&mut self, table: &str, ids: &[&str]) -> Result<HashMap<String, String>> {
        if ids.is_empty() {
            return Ok(HashMap::new());
        }
        let sql = format!("SELECT ext_id, doc FROM {table} WHERE ext_id = ANY($1)");
        let rows = self.tx.query(&sql, &[&ids]).map_err(pg_error)?;
        Ok(rows.iter().map(|r| (r.get(0), r.get(1))).collect())
    }
}

impl Lookup for PgLookup<'_, '_> {
    fn item_docs(&mut self, idxs: &[u32]) -> Result<HashMap<u32, String>> {
        self.by_idx("items", idxs)
    }

    fn user_docs(&mut self, idxs: &[u32]) -> Result<HashMap<u32, String>> {
        self.by_idx("users", idxs)
    }

    fn order_docs(&mut self, ids: &[&str]) -> Result<HashMap<String, String>> {
        self.by_ext_id("orders", ids)
    }

    fn review_docs(&mut self, ids: &[&str]) -> Result<HashMap<String, String>> {
        self.by_ext_id("reviews", ids)
    }

    fn stored_events(&mut self, keys: &[EventKey]) -> Result<HashSet<EventKey>> {
        let keys: Vec<&[u8]> = keys.iter().map(|k| &k[..]).collect();
        let rows = self
            .tx
            .query("SELECT id_hash FROM events WHERE id_hash = ANY($1)", &[&keys])
            .map_err(pg_error)?;
        Ok(rows.iter().filter_map(|r| <EventKey>::try_from(r.get::<_, &[u8]>(0)).ok()).collect())
    }
}
