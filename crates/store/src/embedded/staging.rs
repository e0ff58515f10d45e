//! The staged tail of the events table: user events that the by-user index (`events_by_user`)
//! does not cover yet, and the merge that brings them into it.
//!
//! Why: events of shoppers drawn at random from a large population each land on their own page
//! of the by-user index, so a 1,000-event write dirtied about 1,000 pages of 16 KiB, and writing
//! them to the log capped ingest at 15,000-20,000 events/s. A new user event is therefore stored
//! with `fresh = 1`, which the partial index leaves out: the insert only appends to the table.
//! Once the tail is large, one transaction sets `fresh = 0` on all of it, dirtying each index
//! page once for many events. Session events never enter the by-user index; they are stored with
//! `fresh = 0` and a merge passes over them.
//!
//! Finding the tail without a scan: `event_tail.after_rowid` is a watermark, and no row at or
//! below it is fresh, so the tail is the rowid range past it ([`tail!`]). Inserts keep that
//! true by lowering the watermark below any fresh row stored beneath it ([`cover`]; after an
//! erasure deleted the newest rows SQLite hands their rowids out again), and a merge raises it
//! only over rows it has just merged. A user's events are then split in two, with no overlap
//! and no gap: merged ones (`fresh = 0`) through the index, fresh ones through the tail. Every
//! read by user (`read.rs`, `delete.rs`) asks both; each of these conditions must be spelled out
//! as written here, or SQLite cannot use the partial index, or the rowid range.
//!
//! The matrix scan and the event-key catch-up read by rowid and do not care.

use rusqlite::{Connection, TransactionBehavior};

/// The tail's rowid span at which a write merges it, just after committing. A merge dirties
/// nearly every page of the by-user index whatever the tail's size (its events are of random
/// shoppers), so merging less often makes it cheaper per event; but a read by user scans the
/// tail's whole span, so a longer tail makes those reads slower. Measured on two cores: a merge
/// into a store of two million events takes under a second (two to four at ten million), once
/// per 250,000 events, and a read by user scans a full tail in about 9 ms (30 µs with none).
pub(super) const MERGE_AT: i64 = 250_000;

/// Writes of at least this many events skip the tail and go straight into the by-user index.
/// Their events are sorted by user first, so at import sizes (chunks of 50,000) the index
/// entries fall in runs on the same pages and inserting them directly is cheaper than merging
/// them later (staging every chunk made imports 15% slower); the server's writes of single
/// events and batches of up to a few thousand are where staging pays.
pub(super) const BULK_EVENTS: usize = 10_000;

/// The condition (without a leading `AND`) that selects the tail's rows: a rowid range, then
/// the flag that leaves out the merged rows in that range.
macro_rules! tail {
    () => {
        "rowid > (SELECT after_rowid FROM event_tail) AND fresh = 1"
    };
}
pub(super) use tail;

/// Takes the whole tail into the by-user index, in rowid order.
pub(super) const MERGE: &str = concat!("UPDATE events SET fresh = 0 WHERE ", tail!());

/// How far the tail spans, in rowids: an upper bound on its rows, and what a read of the tail
/// scans.
pub(super) fn span(conn: &Connection) -> rusqlite::Result<i64> {
    conn.query_row(
        "SELECT coalesce(max(rowid), 0) - (SELECT after_rowid FROM event_tail) FROM events",
        [],
        |r| r.get(0),
    )
}

/// Keeps the watermark below the fresh rows a write just stored, the lowest at rowid `lowest`,
/// inside the writing transaction. Rowids normally grow, so this changes nothing; it matters
/// when SQLite reuses the rowids of deleted rows.
pub(super) fn cover(conn: &Connection, lowest: i64) -> rusqlite::Result<()> {
    conn.prepare_cached("UPDATE event_tail SET after_rowid = ?1 - 1 WHERE after_rowid >= ?1")?
        .execute([lowest])?;
    Ok(())
}

/// Merges the tail into the by-user index in one transaction; returns how many events it
/// merged. Changes no rowid, count or key, so the writer's caches hold true whether or not
/// this commits.
pub(super) fn merge(conn: &mut Connection) -> rusqlite::Result<u64> {
    let started = std::time::Instant::now();
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let merged = tx.execute(MERGE, [])?;
    // Every row is merged now, up to the last one.
    tx.execute(
        "UPDATE event_tail SET after_rowid = (SELECT coalesce(max(rowid), 0) FROM events)",
        [],
    )?;
    tx.commit()?;
    tracing::info!(
        events = merged,
        seconds = started.elapsed().as_secs_f64(),
        "merged staged events into the by-user index"
    );
    Ok(merged as u64)
}

/// The tail may also grow to this share of the stored events before a merge: the merge's cost
/// grows with the index (2 to 4 s at ten million events), so a large store merges less often
/// and each merge pauses writes once per quarter of growth, not once per 250,000 events.
const MERGE_SHARE: i64 = 4;

/// When a write merges the tail.
#[derive(Debug, Clone, Copy)]
pub(super) struct MergeAt {
    /// The tail span that makes a merge due.
    pub(super) span: i64,
    /// Let the tail grow to a quarter of the stored events when that is more ([`MERGE_SHARE`]).
    pub(super) grow_with_store: bool,
}

impl Default for MergeAt {
    fn default() -> Self {
        Self { span: MERGE_AT, grow_with_store: true }
    }
}

/// Merges the tail if it is due (see [`MergeAt`]), after a write committed. A failure is logged,
/// not returned: the write it follows did commit, and the next write tries again.
pub(super) fn merge_if_due(conn: &mut Connection, at: MergeAt) {
    let stored: rusqlite::Result<i64> = if at.grow_with_store {
        conn.query_row("SELECT coalesce(sum(n), 0) FROM event_counts", [], |r| r.get(0))
    } else {
        Ok(0)
    };
    let due = match (span(conn), stored) {
        (Ok(span), Ok(stored)) => span >= at.span.max(stored / MERGE_SHARE),
        (Err(e), _) | (_, Err(e)) => {
            tracing::warn!(error = %e, "could not measure the staged events");
            return;
        }
    };
    if due {
        if let Err(e) = merge(conn) {
            tracing::warn!(error = %e, "could not merge staged events; the next write retries");
        }
    }
}

#[cfg(test)]
mod tests {
    use aisle_domain::{Actor, Batch, Event, EventKind, ExternalId, Timestamp};
    use rusqlite::Connection;

    use super::super::{delete, read, EmbeddedStore};
    use super::MERGE;
    use crate::api::Store;

    fn id(s: &str) -> ExternalId {
        ExternalId::parse(s).expect("a valid id")
    }

    /// Views of `user`, ids `{prefix}-{k}`, at `offsets` (milliseconds after a fixed time).
    fn views(prefix: &str, user: &str, offsets: &[i64]) -> Vec<Event> {
        offsets
            .iter()
            .enumerate()
            .map(|(k, &offset)| {
                Event::new(
                    id(&format!("{prefix}-{k}")),
                    Actor::User(id(user)),
                    EventKind::View,
                    Timestamp::from_millis(1_700_000_000_000 + offset).expect("in range"),
                )
                .with_item(id(&format!("i{}", k % 3)))
            })
            .collect()
    }

    fn batch(events: Vec<Event>) -> Batch {
        Batch { events, ..Batch::default() }
    }

    /// Writes that give each of three users merged and staged events with interleaved times,
    /// ties in time, and a session's events in between.
    fn writes() -> Vec<Batch> {
        let session = |ext: &str, offset: i64| {
            Event::new(
                id(ext),
                Actor::Session(id("s1")),
                EventKind::View,
                Timestamp::from_millis(1_700_000_000_000 + offset).expect("in range"),
            )
        };
        let mut first = views("a", "u1", &[10, 30, 50, 50]);
        first.extend(views("b", "u2", &[5, 5, 5]));
        first.push(session("s-a", 20));
        let mut second = views("c", "u1", &[20, 50, 60, 5]);
        second.extend(views("d", "u3", &[1]));
        let mut third = views("e", "u2", &[5, 70]);
        third.extend(views("f", "u1", &[50, 40]));
        third.push(session("s-b", 45));
        vec![batch(first), batch(second), batch(third)]
    }

    fn open(dir: &std::path::Path) -> EmbeddedStore {
        EmbeddedStore::open(dir).expect("open a store")
    }

    fn raw(store: &EmbeddedStore) -> Connection {
        Connection::open(store.path()).expect("open the file")
    }

    fn staged_rows(store: &EmbeddedStore) -> i64 {
        raw(store)
            .query_row("SELECT count(*) FROM events WHERE fresh = 1", [], |r| r.get(0))
            .expect("count staged rows")
    }

    /// Every user's events at several limits, as the ids in read order.
    fn reads(store: &EmbeddedStore) -> Vec<Vec<String>> {
        let mut out = Vec::new();
        for user in ["u1", "u2", "u3", "nobody"] {
            for limit in [1, 3, 5, 100] {
                let events = store.events_of_user(&id(user), limit).expect("read events");
                out.push(events.iter().map(|e| e.id.as_str().to_string()).collect());
            }
        }
        out
    }

    #[test]
    fn reads_by_user_are_the_same_whether_events_are_staged_merged_or_both() {
        let dirs: Vec<_> = (0..3).map(|_| tempfile::tempdir().expect("a temp dir")).collect();
        let (staged, merged, mixed) =
            (open(dirs[0].path()), open(dirs[1].path()), open(dirs[2].path()));
        merged.set_merge_threshold_for_tests(0);
        for (k, write) in writes().iter().enumerate() {
            for store in [&staged, &merged, &mixed] {
                store.write(write).expect("write");
            }
            if k == 0 {
                assert_eq!(mixed.merge_staged_events().expect("merge"), 7, "u1's 4, u2's 3");
            }
        }
        assert_eq!(staged_rows(&staged), 16, "every user event is staged");
        assert_eq!(staged_rows(&merged), 0, "every write merged");
        assert_eq!(staged_rows(&mixed), 9, "the first write was merged, the rest is staged");

        let expected = reads(&staged);
        let u1: Vec<&str> = expected[3].iter().map(String::as_str).collect();
        assert_eq!(
            u1,
            ["c-2", "f-0", "c-1", "a-3", "a-2", "f-1", "a-1", "c-0", "a-0", "c-3"],
            "newest first; among equal times, the later write (and batch position) first"
        );
        assert_eq!(reads(&merged), expected);
        assert_eq!(reads(&mixed), expected);
        assert_eq!(mixed.merge_staged_events().expect("merge the rest"), 9);
        assert_eq!(staged_rows(&mixed), 0);
        assert_eq!(reads(&mixed), expected, "a merge changes no answer");
        assert_eq!(mixed.merge_staged_events().expect("merge nothing"), 0);
    }

    #[test]
    fn a_bulk_write_goes_straight_into_the_index_and_is_read_the_same() {
        let dir = tempfile::tempdir().expect("a temp dir");
        let store = open(dir.path());
        let offsets: Vec<i64> = (0..super::BULK_EVENTS as i64).collect();
        store.write(&batch(views("bulk", "u1", &offsets))).expect("a bulk write");
        assert_eq!(staged_rows(&store), 0, "an import-sized write is indexed at once");
        store.write(&batch(views("small", "u1", &[1_000_000]))).expect("a small write");
        assert_eq!(staged_rows(&store), 1, "a small write is staged");
        let latest = store.events_of_user(&id("u1"), 3).expect("read");
        let ids: Vec<String> = latest.iter().map(|e| e.id.to_string()).collect();
        assert_eq!(ids, ["small-0", "bulk-9999", "bulk-9998"]);
    }

    #[test]
    fn a_write_that_fills_the_tail_merges_it() {
        let dir = tempfile::tempdir().expect("a temp dir");
        let store = open(dir.path());
        store.set_merge_threshold_for_tests(10);
        store.write(&batch(views("a", "u1", &[1; 9]))).expect("write 9");
        assert_eq!(staged_rows(&store), 9, "below the threshold, events stay staged");
        store.write(&batch(views("b", "u2", &[2]))).expect("write the 10th");
        assert_eq!(staged_rows(&store), 0, "the write that filled the tail merged it");
        let (watermark, last): (i64, i64) = raw(&store)
            .query_row(
                "SELECT (SELECT after_rowid FROM event_tail), (SELECT max(rowid) FROM events)",
                [],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .expect("the watermark");
        assert_eq!(watermark, last, "the tail starts past the merged events");
        assert_eq!(store.events_of_user(&id("u1"), 100).expect("read").len(), 9);
    }

    #[test]
    fn erasure_removes_staged_and_merged_events() {
        let dir = tempfile::tempdir().expect("a temp dir");
        let store = open(dir.path());
        let first = batch([views("a", "u1", &[1, 2, 3]), views("b", "u2", &[1, 2])].concat());
        let second = batch([views("c", "u1", &[4, 5]), views("d", "u2", &[3])].concat());
        store.write(&first).expect("write");
        store.merge_staged_events().expect("merge");
        store.write(&second).expect("write more");
        assert_eq!(staged_rows(&store), 3, "u1's and u2's second events are staged");
        let u2_before = store.events_of_user(&id("u2"), 100).expect("read u2");

        let deleted = store.delete_user(&id("u1")).expect("erase").expect("u1 existed");
        assert_eq!(deleted.events, 5, "three merged events and two staged ones");
        let counts = store.counts().expect("counts");
        assert_eq!(counts.events, 3);
        assert_eq!(counts.events_by_kind.get("view"), Some(&3));
        let left: i64 = raw(&store)
            .query_row("SELECT count(*) FROM events WHERE user_idx = 0", [], |r| r.get(0))
            .expect("count u1's rows");
        assert_eq!(left, 0, "no event of u1 is left, staged or merged");
        assert_eq!(store.events_of_user(&id("u2"), 100).expect("read u2"), u2_before);

        // The erased keys are gone from the writer's set: the same events are new again, for
        // the shopper who comes back as a stranger.
        let report = store.write(&batch([first.events, second.events].concat())).expect("again");
        assert_eq!((report.events_inserted, report.events_duplicate), (5, 3));
        assert_eq!(store.events_of_user(&id("u1"), 100).expect("read u1").len(), 5);
    }

    #[test]
    fn duplicates_are_rejected_across_staged_and_merged_events() {
        let dir = tempfile::tempdir().expect("a temp dir");
        let store = open(dir.path());
        let merged = views("a", "u1", &[1, 2, 3]);
        let staged = views("b", "u1", &[4, 5]);
        store.write(&batch(merged.clone())).expect("write");
        store.merge_staged_events().expect("merge");
        store.write(&batch(staged.clone())).expect("write more");
        let both = batch([merged, staged].concat());
        let report = store.write(&both).expect("write both again");
        assert_eq!((report.events_inserted, report.events_duplicate), (0, 5));
        // A new handle rebuilds its key set from the table, staged rows included.
        drop(store);
        let store = open(dir.path());
        let report = store.write(&both).expect("write both after reopening");
        assert_eq!((report.events_inserted, report.events_duplicate), (0, 5));
        assert_eq!(store.counts().expect("counts").events, 5);
    }

    #[test]
    fn a_staged_event_at_a_reused_rowid_is_still_found() {
        // After an erasure deletes the newest rows, SQLite hands their rowids out again, below
        // the watermark a merge set. A staged event there must still count as the tail.
        let dir = tempfile::tempdir().expect("a temp dir");
        let store = open(dir.path());
        // Inserted grouped by user index: u1 owns rowids 1 to 3, u2 rowid 4.
        store
            .write(&batch([views("a", "u1", &[1, 2, 3]), views("b", "u2", &[1])].concat()))
            .expect("write");
        store.merge_staged_events().expect("merge");
        store.delete_user(&id("u2")).expect("erase").expect("u2 existed");
        store.write(&batch(views("c", "u1", &[9]))).expect("write a newer event");
        let rowid: i64 = raw(&store)
            .query_row("SELECT rowid FROM events WHERE ext_id = 'c-0'", [], |r| r.get(0))
            .expect("the new row");
        assert_eq!(rowid, 4, "SQLite reused the erased rowid (else this test tests nothing)");
        let read = |store: &EmbeddedStore| -> Vec<String> {
            let events = store.events_of_user(&id("u1"), 10).expect("read");
            events.iter().map(|e| e.id.as_str().to_string()).collect()
        };
        assert_eq!(read(&store), ["c-0", "a-2", "a-1", "a-0"]);
        assert_eq!(store.merge_staged_events().expect("merge"), 1, "the merge finds it too");
        assert_eq!(read(&store), ["c-0", "a-2", "a-1", "a-0"]);
    }

    #[test]
    fn reads_by_user_use_the_partial_index_and_the_tail_range() {
        let dir = tempfile::tempdir().expect("a temp dir");
        let store = open(dir.path());
        let conn = raw(&store);
        let plan = |sql: &str| -> String {
            let mut stmt = conn.prepare(&format!("EXPLAIN QUERY PLAN {sql}")).expect("explain");
            // The plan does not depend on the values bound.
            let nulls = vec![rusqlite::types::Null; stmt.parameter_count()];
            let rows = stmt
                .query_map(rusqlite::params_from_iter(nulls), |r| r.get::<_, String>(3))
                .expect("plan rows");
            rows.collect::<rusqlite::Result<Vec<_>>>().expect("plan").join("\n")
        };
        let by_index = "SEARCH events USING INDEX events_by_user (user_idx=?)";
        let by_tail = "SEARCH events USING INTEGER PRIMARY KEY (rowid>?)";
        for (sql, uses) in [
            (read::EVENTS_OF_USER, &[by_index, by_tail][..]),
            (delete::KEYS_OF_USER, &[by_index, by_tail]),
            (delete::DELETE_MERGED_OF_USER, &[by_index]),
            (delete::DELETE_STAGED_OF_USER, &[by_tail]),
            (MERGE, &[by_tail]),
        ] {
            let plan = plan(sql);
            for step in uses {
                assert!(plan.contains(step), "{sql}\nshould {step}, but plans:\n{plan}");
            }
            assert!(!plan.contains("SCAN events"), "{sql}\nscans the table:\n{plan}");
        }
    }

    #[test]
    fn the_conformance_suite_passes_when_every_write_merges() {
        let dirs = std::cell::RefCell::new(Vec::new());
        crate::conformance::run_all(&|| {
            let dir = tempfile::tempdir().expect("a temp dir");
            let store = open(dir.path());
            store.set_merge_threshold_for_tests(0);
            dirs.borrow_mut().push(dir);
            Box::new(store)
        });
    }
}
