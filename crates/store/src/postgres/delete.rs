//! Deleting from PostgreSQL: erasing a user (their events, orders and reviews, and every
//! personal field of their index row) and withdrawing an item from the catalog.
//!
//! Each runs in one transaction under the writers' advisory lock, so no concurrent write (of
//! any process) resolves an id to an index while it is being erased. What the deletion leaves
//! behind is decided in `crate::deletion`.

use aisle_domain::ExternalId;
use postgres::Client;

use super::write::WRITE_LOCK;
use super::{pg_error, pg_idx};
use crate::api::DeletedUser;
use crate::deletion::{erased_user_marker, withdrawn_item_doc, ERASED_USER_DOC};
use crate::embedded::now_millis;
use crate::error::{Error, Result};
use crate::ids::Caches;

/// Erases the user with this id in one transaction; `None` when there is none. With
/// `fail_before_commit`, does everything but commit and returns an error (for tests).
pub(super) fn delete_user(
    client: &mut Client,
    caches: &mut Caches,
    id: &ExternalId,
    fail_before_commit: bool,
) -> Result<Option<DeletedUser>> {
    let mut tx = client.transaction().map_err(pg_error)?;
    tx.execute("SELECT pg_advisory_xact_lock($1)", &[&WRITE_LOCK]).map_err(pg_error)?;
    let row = tx
        .query_opt("SELECT idx FROM users WHERE ext_id = $1", &[&id.as_str()])
        .map_err(pg_error)?;
    let Some(row) = row else { return Ok(None) };
    let idx: i32 = row.get(0);

    // `event_counts` is what `counts` reads; it must lose what goes.
    let by_kind = tx
        .query(
            "WITH gone AS (DELETE FROM events WHERE user_idx = $1 RETURNING kind)
             SELECT kind, count(*) FROM gone GROUP BY kind",
            &[&idx],
        )
        .map_err(pg_error)?;
    let kinds: Vec<i16> = by_kind.iter().map(|r| r.get(0)).collect();
    let counts: Vec<i64> = by_kind.iter().map(|r| r.get(1)).collect();
    if !kinds.is_empty() {
        tx.execute(
            "UPDATE event_counts SET n = event_counts.n - gone.n
             FROM unnest($1::int2[], $2::int8[]) AS gone(kind, n)
             WHERE event_counts.kind = gone.kind",
            &[&kinds, &counts],
        )
        .map_err(pg_error)?;
    }
    let events: i64 = counts.iter().sum();
    let orders = tx.execute("DELETE FROM orders WHERE user_idx = $1", &[&idx]).map_err(pg_error)?;
    let reviews =
        tx.execute("DELETE FROM reviews WHERE user_idx = $1", &[&idx]).map_err(pg_error)?;
    let idx = u32::try_from(idx)
        .map_err(|_| Error::Database(format!("a stored user index is negative: {idx}")))?;
    let marker = erased_user_marker(idx);
    tx.execute(
        "UPDATE users SET ext_id = $2, doc = $3, erased_at = $4 WHERE idx = $1",
        &[&pg_idx(idx)?, &marker, &ERASED_USER_DOC, &now_millis()],
    )
    .map_err(pg_error)?;

    if fail_before_commit {
        return Err(Error::Database("deletion failed on purpose (test failpoint)".into()));
    }
    if let Err(e) = tx.commit() {
        // Whether the erasure committed is unclear: reload the caches on the next write.
        caches.invalidate();
        return Err(pg_error(e));
    }
    caches.users.erase(id.as_str(), idx, marker);
    let deleted = DeletedUser { events: events as u64, orders, reviews };
    tracing::info!(user_index = idx, ?deleted, "PostgreSQL store erased a user");
    Ok(Some(deleted))
}

/// Withdraws the item with this id from the catalog; false when there is none, or it was
/// withdrawn already. With `fail_before_commit`, rolls back and returns an error.
pub(super) fn delete_item(
    client: &mut Client,
    id: &ExternalId,
    fail_before_commit: bool,
) -> Result<bool> {
    let mut tx = client.transaction().map_err(pg_error)?;
    // A concurrent write may be planning an update of this item's document.
    tx.execute("SELECT pg_advisory_xact_lock($1)", &[&WRITE_LOCK]).map_err(pg_error)?;
    let withdrawn = tx
        .execute(
            "UPDATE items SET doc = $2, deleted_at = $3 WHERE ext_id = $1 AND deleted_at IS NULL",
            &[&id.as_str(), &withdrawn_item_doc(id)?, &now_millis()],
        )
        .map_err(pg_error)?;
    if fail_before_commit {
        return Err(Error::Database("deletion failed on purpose (test failpoint)".into()));
    }
    tx.commit().map_err(pg_error)?;
    tracing::info!(item = %id, withdrawn = withdrawn > 0, "PostgreSQL store withdrew an item");
    Ok(withdrawn > 0)
}
