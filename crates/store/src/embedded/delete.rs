//! Deleting from SQLite: erasing a user (their events, orders and reviews, and every personal
//! field of their index row) and withdrawing an item from the catalog.
//!
//! Both run on the write connection in an immediate transaction, like writes, so they are
//! serialised with every writer, in this process and in others. What the deletion leaves
//! behind is decided in `crate::deletion`. A user's events are found in both places they live:
//! the by-user index and the staged tail (`staging.rs`).

use std::collections::BTreeMap;

use aisle_domain::ExternalId;
use rusqlite::{params, Connection, OptionalExtension, TransactionBehavior};

use super::event_keys::{join_halves, EventKeys};
use super::migrations::now_millis;
use super::staging::tail;
use super::Failure;
use crate::api::DeletedUser;
use crate::deletion::{erased_user_marker, withdrawn_item_doc, ERASED_USER_DOC};
use crate::error::Error;
use crate::ids::Caches;
use crate::plan::EventKey;

type Result<T> = std::result::Result<T, Failure>;

/// The kind and key of every event of user `?1`: merged ones through the by-user index (which
/// SQLite uses only when `fresh = 0` is written out), staged ones from the tail.
pub(super) const KEYS_OF_USER: &str = concat!(
    "SELECT kind, id_hi, id_lo FROM events WHERE user_idx = ?1 AND fresh = 0
     UNION ALL
     SELECT kind, id_hi, id_lo FROM events WHERE ",
    tail!(),
    " AND user_idx = ?1"
);

/// Deletes the merged events of user `?1`, through the by-user index.
pub(super) const DELETE_MERGED_OF_USER: &str =
    "DELETE FROM events WHERE user_idx = ?1 AND fresh = 0";

/// Deletes the staged events of user `?1`, from the tail.
pub(super) const DELETE_STAGED_OF_USER: &str =
    concat!("DELETE FROM events WHERE ", tail!(), " AND user_idx = ?1");

/// Erases the user with this id in one transaction; `None` when there is none. With
/// `fail_before_commit`, does everything but commit and returns an error (for tests).
pub(super) fn delete_user(
    conn: &mut Connection,
    caches: &mut Caches,
    event_keys: &mut EventKeys,
    id: &ExternalId,
    fail_before_commit: bool,
) -> Result<Option<DeletedUser>> {
    // A plain DELETE leaves the bytes in the file's free space, where any copy of the file
    // would still hold the shopper. `secure_delete` zeroes them; it costs extra writes, so it
    // is on only while erasing.
    conn.pragma_update(None, "secure_delete", true)?;
    let erased = erase_user(conn, caches, event_keys, id, fail_before_commit);
    let restored = conn.pragma_update(None, "secure_delete", false);
    let erased = erased?;
    restored?;
    Ok(erased)
}

fn erase_user(
    conn: &mut Connection,
    caches: &mut Caches,
    event_keys: &mut EventKeys,
    id: &ExternalId,
    fail_before_commit: bool,
) -> Result<Option<DeletedUser>> {
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let idx: Option<u32> = tx
        .query_row("SELECT idx FROM users WHERE ext_id = ?1", [id.as_str()], |r| r.get(0))
        .optional()?;
    let Some(idx) = idx else { return Ok(None) };

    // Bring the in-memory event keys up to date before deleting, so that taking the deleted
    // keys out afterwards leaves them exact.
    let track_keys = event_keys.has_keys();
    if track_keys {
        if let Err(e) = event_keys.refresh(&tx) {
            event_keys.invalidate();
            return Err(e.into());
        }
    }
    let mut keys: Vec<EventKey> = Vec::new();
    let mut by_kind: BTreeMap<i64, i64> = BTreeMap::new();
    {
        let mut stmt = tx.prepare(KEYS_OF_USER)?;
        let mut rows = stmt.query([idx])?;
        while let Some(r) = rows.next()? {
            *by_kind.entry(r.get(0)?).or_default() += 1;
            if track_keys {
                keys.push(join_halves(r.get(1)?, r.get(2)?));
            }
        }
    }
    // `event_counts` is what `counts` and the event-key check read; it must lose what goes.
    for (kind, n) in &by_kind {
        tx.execute("UPDATE event_counts SET n = n - ?2 WHERE kind = ?1", params![kind, n])?;
    }
    let events =
        tx.execute(DELETE_MERGED_OF_USER, [idx])? + tx.execute(DELETE_STAGED_OF_USER, [idx])?;
    let orders = tx.execute("DELETE FROM orders WHERE user_idx = ?1", [idx])?;
    let reviews = tx.execute("DELETE FROM reviews WHERE user_idx = ?1", [idx])?;
    let marker = erased_user_marker(idx);
    tx.execute(
        "UPDATE users SET ext_id = ?2, doc = ?3, erased_at = ?4 WHERE idx = ?1",
        params![idx, marker, ERASED_USER_DOC, now_millis()],
    )?;
    let max_rowid: i64 =
        tx.query_row("SELECT coalesce(max(rowid), 0) FROM events", [], |r| r.get(0))?;

    if fail_before_commit {
        return Err(Error::Database("deletion failed on purpose (test failpoint)".into()).into());
    }
    if let Err(e) = tx.commit() {
        // Whether anything reached the disk is unclear: reload on the next write.
        caches.invalidate();
        event_keys.invalidate();
        return Err(e.into());
    }
    caches.users.erase(id.as_str(), idx, marker);
    if track_keys {
        event_keys.deleted(&keys, max_rowid);
    }
    let deleted =
        DeletedUser { events: events as u64, orders: orders as u64, reviews: reviews as u64 };
    tracing::info!(user_index = idx, ?deleted, "embedded store erased a user");
    Ok(Some(deleted))
}

/// Withdraws the item with this id from the catalog; false when there is none, or it was
/// withdrawn already. With `fail_before_commit`, rolls back and returns an error.
pub(super) fn delete_item(
    conn: &mut Connection,
    id: &ExternalId,
    fail_before_commit: bool,
) -> Result<bool> {
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let withdrawn = tx.execute(
        "UPDATE items SET doc = ?2, deleted_at = ?3 WHERE ext_id = ?1 AND deleted_at IS NULL",
        params![id.as_str(), withdrawn_item_doc(id)?, now_millis()],
    )?;
    if fail_before_commit {
        return Err(Error::Database("deletion failed on purpose (test failpoint)".into()).into());
    }
    // The item keeps its index, so the id caches hold true whether or not this commits.
    tx.commit()?;
    tracing::info!(item = %id, withdrawn = withdrawn > 0, "embedded store withdrew an item");
    Ok(withdrawn > 0)
}
