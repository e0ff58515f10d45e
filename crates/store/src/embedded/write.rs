//! Writing a batch into SQLite: refresh the id caches, plan (shared with PostgreSQL), apply the
//! plan with cached prepared statements, commit, and only then merge new ids into the caches.
//! New user events go to the staged tail that the by-user index does not cover yet
//! (`staging.rs`); merging the tail into the index is the caller's next step.
//!
//! It does not decide what is new or changed; `crate::plan` does.

use std::collections::{HashMap, HashSet};
use std::path::Path;

use aisle_domain::{Batch, EventKind};
use rusqlite::{params, Connection, OptionalExtension, TransactionBehavior};

use super::{sqlite_error, Failure};
use crate::api::WriteReport;
use crate::error::{Error, Result};
use crate::ids::{Caches, IdCache};
use crate::plan::{self, EventKey, EventRow, Lookup, Plan};

use super::event_keys::{key_halves, EventKeys};
use super::staging;

/// Writes `batch` in one transaction. With `fail_before_commit`, does everything but commit and
/// returns an error (for tests of atomicity).
pub(super) fn write(
    conn: &mut Connection,
    caches: &mut Caches,
    event_keys: &mut EventKeys,
    batch: &Batch,
    fail_before_commit: bool,
    db_path: &Path,
) -> std::result::Result<WriteReport, Failure> {
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    refresh(&tx, "items", &mut caches.items)?;
    refresh(&tx, "users", &mut caches.users)?;
    refresh(&tx, "sessions", &mut caches.sessions)?;
    if let Err(e) = event_keys.refresh(&tx) {
        event_keys.invalidate();
        return Err(e.into());
    }
    let plan = plan::plan(batch, caches, &mut SqliteLookup { conn: &tx, db_path, event_keys })?;
    let Applied { new_keys, stored, last_event_rowid } = apply(&tx, &plan, event_keys)?;
    let report = plan.report(stored);
    if fail_before_commit {
        return Err(Error::Database("write failed on purpose (test failpoint)".into()).into());
    }
    if let Err(e) = tx.commit() {
        // Whether anything reached the disk is unclear: reload the caches on the next write.
        caches.invalidate();
        event_keys.invalidate();
        return Err(e.into());
    }
    plan.created.merge_into(caches);
    event_keys.committed(new_keys, last_event_rowid);
    tracing::debug!(?report, "embedded write committed");
    Ok(report)
}

/// Reloads a cache when it is not exactly what the table holds (first write, or another
/// process wrote or erased meanwhile).
fn refresh(conn: &Connection, table: &str, cache: &mut IdCache) -> rusqlite::Result<()> {
    // Only users are ever erased; the other tables' erased count is always zero.
    let erased = if table == "users" { ERASED_USERS } else { "0" };
    let (next, erased): (u32, u64) = conn.query_row(
        &format!("SELECT coalesce(max(idx) + 1, 0), {erased} FROM {table}"),
        [],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )?;
    if cache.is_fresh(next, erased) {
        return Ok(());
    }
    let mut stmt = conn.prepare(&format!("SELECT ext_id, idx FROM {table}"))?;
    let pairs = stmt
        .query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, u32>(1)?)))?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    cache.reload(pairs, erased);
    Ok(())
}

/// How many users were erased, as a scalar subquery (it walks the partial index `users_erased`).
pub(super) const ERASED_USERS: &str = "(SELECT count(*) FROM users WHERE erased_at IS NOT NULL)";

/// What applying a plan stored.
struct Applied {
    /// The keys of the new events.
    new_keys: Vec<EventKey>,
    /// The batch positions of the planned events that were already stored, in no order.
    stored: Vec<usize>,
    /// The rowid of the last new event (0 when there were none).
    last_event_rowid: i64,
}

/// Applies a plan.
fn apply(conn: &Connection, plan: &Plan, event_keys: &EventKeys) -> rusqlite::Result<Applied> {
    for (table, inserts, updates) in [
        ("items", &plan.item_inserts, &plan.item_updates),
        ("users", &plan.user_inserts, &plan.user_updates),
    ] {
        let mut insert = conn.prepare_cached(&format!(
            "INSERT INTO {table} (idx, ext_id, doc) VALUES (?1, ?2, ?3)"
        ))?;
        for row in inserts {
            insert.execute(params![row.idx, row.ext_id, row.doc])?;
        }
        // Writing an item withdrawn by `delete_item` puts it back in the catalog.
        let restore = if table == "items" { ", deleted_at = NULL" } else { "" };
        let mut update =
            conn.prepare_cached(&format!("UPDATE {table} SET doc = ?2{restore} WHERE idx = ?1"))?;
        for row in updates {
            update.execute(params![row.idx, row.doc])?;
        }
    }
    let mut insert = conn.prepare_cached("INSERT INTO sessions (idx, ext_id) VALUES (?1, ?2)")?;
    for (idx, ext_id) in &plan.session_inserts {
        insert.execute(params![idx, ext_id])?;
    }

    let mut by_kind = [0u64; 10];
    // A user event of a small write is stored fresh: out of the by-user index until the tail
    // is merged. A bulk write (an import chunk) goes straight into the index: sorted by user
    // below, its entries land in runs on the same pages, which costs less than a later merge.
    let staged = plan.events.len() < staging::BULK_EVENTS;
    let mut insert = conn.prepare_cached(
        "INSERT INTO events (user_idx, session_idx, item_idx, kind, ts, value, quantity, price,
                             query, context, id_hi, id_lo, ext_id, fresh)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?1 IS NOT NULL AND ?14)",
    )?;
    let mut new_keys = Vec::with_capacity(plan.events.len());
    let mut stored = Vec::new();
    // Inserting each user's events together (a stable sort keeps their order, and so the order
    // of ties in `events_of_user`) hands the merge, which walks the tail by rowid, runs of
    // entries for the same page of the by-user index.
    let mut order: Vec<&EventRow> = plan.events.iter().collect();
    order.sort_by_key(|e| e.user.unwrap_or(u32::MAX));
    let mut lowest_fresh = i64::MAX;
    for e in order {
        // The plan dropped repeats within the batch; this drops events stored before.
        if event_keys.contains(&e.key) {
            stored.push(e.pos);
            continue;
        }
        let (hi, lo) = key_halves(&e.key);
        insert.execute(params![
            e.user, e.session, e.item, e.kind, e.millis, e.value, e.quantity, e.price, e.query,
            e.context, hi, lo, e.ext_id, staged
        ])?;
        if staged && e.user.is_some() {
            lowest_fresh = lowest_fresh.min(conn.last_insert_rowid());
        }
        new_keys.push(e.key);
        if let Some(n) = by_kind.get_mut(usize::from(e.kind)) {
            *n += 1;
        }
    }
    // Read now: the statements below insert into other tables and move `last_insert_rowid`.
    let last_event_rowid = if new_keys.is_empty() { 0 } else { conn.last_insert_rowid() };
    if lowest_fresh != i64::MAX {
        staging::cover(conn, lowest_fresh)?;
    }
    let mut count = conn.prepare_cached(
        "INSERT INTO event_counts (kind, n) VALUES (?1, ?2)
         ON CONFLICT (kind) DO UPDATE SET n = n + excluded.n",
    )?;
    for kind in EventKind::ALL {
        let n = by_kind[usize::from(kind.code())];
        if n > 0 {
            count.execute(params![kind.code(), n as i64])?;
        }
    }

    let mut insert = conn.prepare_cached(
        "INSERT INTO orders (ext_id, user_idx, created_at, doc) VALUES (?1, ?2, ?3, ?4)",
    )?;
    for o in &plan.order_inserts {
        insert.execute(params![o.ext_id, o.user, o.created_at, o.doc])?;
    }
    let mut update = conn.prepare_cached(
        "UPDATE orders SET user_idx = ?2, created_at = ?3, doc = ?4 WHERE ext_id = ?1",
    )?;
    for o in &plan.order_updates {
        update.execute(params![o.ext_id, o.user, o.created_at, o.doc])?;
    }
    let mut insert = conn.prepare_cached(
        "INSERT INTO reviews (ext_id, user_idx, item_idx, created_at, doc)
         VALUES (?1, ?2, ?3, ?4, ?5)",
    )?;
    for r in &plan.review_inserts {
        insert.execute(params![r.ext_id, r.user, r.item, r.created_at, r.doc])?;
    }
    let mut update = conn.prepare_cached(
        "UPDATE reviews SET user_idx = ?2, item_idx = ?3, created_at = ?4, doc = ?5
         WHERE ext_id = ?1",
    )?;
    for r in &plan.review_updates {
        update.execute(params![r.ext_id, r.user, r.item, r.created_at, r.doc])?;
    }
    Ok(Applied { new_keys, stored, last_event_rowid })
}

/// Reads for planning, inside the write transaction.
struct SqliteLookup<'a> {
    conn: &'a Connection,
    db_path: &'a Path,
    event_keys: &'a EventKeys,
}

impl SqliteLookup<'_> {
    fn docs<K: rusqlite::ToSql + Clone + std::hash::Hash + Eq>(
        &self,
        sql: &str,
        keys: &[K],
    ) -> Result<HashMap<K, String>> {
        let err = |e| sqlite_error(self.db_path, e);
        let mut stmt = self.conn.prepare_cached(sql).map_err(err)?;
        let mut docs = HashMap::with_capacity(keys.len());
        for key in keys {
            let doc: Option<String> =
                stmt.query_row([key], |r| r.get(0)).optional().map_err(err)?;
            if let Some(doc) = doc {
                docs.insert(key.clone(), doc);
            }
        }
        Ok(docs)
    }
}

impl Lookup for SqliteLookup<'_> {
    fn item_docs(&mut self, idxs: &[u32]) -> Result<HashMap<u32, String>> {
        // A withdrawn item has no catalog document: writing it again is an update.
        self.docs("SELECT doc FROM items WHERE idx = ?1 AND deleted_at IS NULL", idxs)
    }

    fn user_docs(&mut self, idxs: &[u32]) -> Result<HashMap<u32, String>> {
        self.docs("SELECT doc FROM users WHERE idx = ?1", idxs)
    }

    fn order_docs(&mut self, ids: &[&str]) -> Result<HashMap<String, String>> {
        let docs = self.docs("SELECT doc FROM orders WHERE ext_id = ?1", ids)?;
        Ok(docs.into_iter().map(|(k, v)| (k.to_string(), v)).collect())
    }

    fn review_docs(&mut self, ids: &[&str]) -> Result<HashMap<String, String>> {
        let docs = self.docs("SELECT doc FROM reviews WHERE ext_id = ?1", ids)?;
        Ok(docs.into_iter().map(|(k, v)| (k.to_string(), v)).collect())
    }

    fn stored_events(&mut self, keys: &[EventKey]) -> Result<HashSet<EventKey>> {
        Ok(keys.iter().filter(|k| self.event_keys.contains(k)).copied().collect())
    }
}
