//! The embedded (SQLite) schema, as an ordered list of migrations, and the code that applies
//! them on open.
//!
//! Append a migration to change the schema; never edit one that has shipped. A database stamped
//! with a version past the end of this list was written by a newer Aisle and is refused.

use rusqlite::{Connection, TransactionBehavior};

use crate::error::Error;

/// Migration `k` (1-based version `k + 1`) in order.
pub(crate) const MIGRATIONS: &[&str] = &[
    // 1: the first schema. Events keep the columns the matrix scan reads first in each row, so
    // the scan decodes as little of the record as it can. (Migration 3 narrows `events_by_user`
    // to merged events.)
    "CREATE TABLE items (
        idx    INTEGER PRIMARY KEY,
        ext_id TEXT NOT NULL UNIQUE,
        doc    TEXT NOT NULL
    );
    CREATE TABLE users (
        idx    INTEGER PRIMARY KEY,
        ext_id TEXT NOT NULL UNIQUE,
        doc    TEXT NOT NULL
    );
    CREATE TABLE sessions (
        idx    INTEGER PRIMARY KEY,
        ext_id TEXT NOT NULL UNIQUE
    );
    CREATE TABLE events (
        user_idx    INTEGER,
        session_idx INTEGER,
        item_idx    INTEGER,
        kind        INTEGER NOT NULL,
        ts          INTEGER NOT NULL,
        value       REAL,
        quantity    INTEGER,
        price       REAL,
        query       TEXT,
        context     TEXT,
        id_hi       INTEGER NOT NULL,
        id_lo       INTEGER NOT NULL,
        ext_id      TEXT NOT NULL
    );
    -- id_hi, id_lo: the 128-bit hash of the event id. Deliberately not indexed: the writer
    -- keeps the stored keys in memory (embedded/event_keys.rs), which made imports half again
    -- as fast as a unique index on random keys.
    CREATE INDEX events_by_user ON events (user_idx, ts) WHERE user_idx IS NOT NULL;
    CREATE TABLE event_counts (
        kind INTEGER PRIMARY KEY,
        n    INTEGER NOT NULL
    );
    CREATE TABLE orders (
        ext_id     TEXT NOT NULL UNIQUE,
        user_idx   INTEGER,
        created_at INTEGER NOT NULL,
        doc        TEXT NOT NULL
    );
    CREATE INDEX orders_by_user ON orders (user_idx, created_at) WHERE user_idx IS NOT NULL;
    CREATE TABLE reviews (
        ext_id     TEXT NOT NULL UNIQUE,
        user_idx   INTEGER,
        item_idx   INTEGER NOT NULL,
        created_at INTEGER,
        doc        TEXT NOT NULL
    );
    CREATE INDEX reviews_by_item ON reviews (item_idx, created_at);",
    // 2: deletion. An erased user's row keeps its index (never reused) with `erased_at` set;
    // the partial index makes counting erasures, which every write does to check its id cache,
    // a walk over the erased rows only. A withdrawn item keeps its row with `deleted_at` set.
    // Reviews get a user index so that erasing a user does not scan every review.
    "ALTER TABLE users ADD COLUMN erased_at INTEGER;
    CREATE INDEX users_erased ON users (idx) WHERE erased_at IS NOT NULL;
    ALTER TABLE items ADD COLUMN deleted_at INTEGER;
    CREATE INDEX reviews_by_user ON reviews (user_idx) WHERE user_idx IS NOT NULL;",
    // 3: a staged tail of events (embedded/staging.rs). New user events are written with
    // `fresh = 1` and stay out of the by-user index until a merge sets `fresh = 0`, so an
    // insert appends to the table instead of dirtying a random index page per event. Rows
    // already stored are merged (the column's default), and the watermark starts past them:
    // no row at or below `event_tail.after_rowid` is fresh. Rebuilding the index costs one
    // sort of the stored events, once.
    "ALTER TABLE events ADD COLUMN fresh INTEGER NOT NULL DEFAULT 0;
    DROP INDEX events_by_user;
    CREATE INDEX events_by_user ON events (user_idx, ts) WHERE user_idx IS NOT NULL AND fresh = 0;
    CREATE TABLE event_tail (
        one         INTEGER PRIMARY KEY CHECK (one = 1),
        after_rowid INTEGER NOT NULL
    );
    INSERT INTO event_tail (one, after_rowid) SELECT 1, coalesce(max(rowid), 0) FROM events;",
];

/// The newest schema version this build knows.
pub(crate) fn latest() -> u32 {
    MIGRATIONS.len() as u32
}

/// Brings the database up to the latest version in one transaction, or refuses a newer one.
pub(crate) fn migrate(conn: &mut Connection) -> std::result::Result<u32, MigrateError> {
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    tx.execute_batch(
        "CREATE TABLE IF NOT EXISTS schema_migrations (
            version    INTEGER PRIMARY KEY,
            applied_at INTEGER NOT NULL
        );",
    )?;
    let found = current_version(&tx)?;
    if found > latest() {
        return Err(MigrateError::Newer(Error::NewerSchema { found, known: latest() }));
    }
    for (k, sql) in MIGRATIONS.iter().enumerate().skip(found as usize) {
        tx.execute_batch(sql)?;
        tx.execute(
            "INSERT INTO schema_migrations (version, applied_at) VALUES (?1, ?2)",
            (k as i64 + 1, now_millis()),
        )?;
        tracing::info!(version = k + 1, "applied embedded schema migration");
    }
    tx.commit()?;
    Ok(latest())
}

/// The highest applied version (0 for an empty database).
pub(crate) fn current_version(conn: &Connection) -> rusqlite::Result<u32> {
    conn.query_row("SELECT coalesce(max(version), 0) FROM schema_migrations", [], |r| r.get(0))
}

pub(crate) fn now_millis() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
}

/// Why a migration did not run: the database is newer, or SQLite failed.
#[derive(Debug)]
pub(crate) enum MigrateError {
    Newer(Error),
    Sqlite(rusqlite::Error),
}

impl From<rusqlite::Error> for MigrateError {
    fn from(e: rusqlite::Error) -> Self {
        MigrateError::Sqlite(e)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_version_1_database_is_upgraded_and_keeps_its_rows() {
        let mut conn = Connection::open_in_memory().expect("an in-memory database");
        conn.execute_batch(
            "CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, applied_at INTEGER);
             INSERT INTO schema_migrations VALUES (1, 0);",
        )
        .expect("stamp version 1");
        conn.execute_batch(MIGRATIONS[0]).expect("the version 1 schema");
        conn.execute_batch(
            "INSERT INTO users (idx, ext_id, doc) VALUES (0, 'u', '{}');
             INSERT INTO items (idx, ext_id, doc) VALUES (0, 'i', '{}');",
        )
        .expect("rows written by version 1");
        assert_eq!(migrate(&mut conn).expect("migrate"), latest());
        assert_eq!(current_version(&conn).expect("version"), latest());
        let (erased, deleted): (Option<i64>, Option<i64>) = conn
            .query_row("SELECT u.erased_at, i.deleted_at FROM users u, items i", [], |r| {
                Ok((r.get(0)?, r.get(1)?))
            })
            .expect("the old rows, with the new columns");
        assert_eq!((erased, deleted), (None, None), "old rows are neither erased nor withdrawn");
    }

    #[test]
    fn a_version_2_database_is_upgraded_and_its_events_are_still_found_by_user() {
        let mut conn = Connection::open_in_memory().expect("an in-memory database");
        conn.execute_batch(
            "CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, applied_at INTEGER);
             INSERT INTO schema_migrations VALUES (1, 0), (2, 0);",
        )
        .expect("stamp version 2");
        conn.execute_batch(MIGRATIONS[0]).expect("the version 1 schema");
        conn.execute_batch(MIGRATIONS[1]).expect("the version 2 schema");
        conn.execute_batch(
            "INSERT INTO users (idx, ext_id, doc) VALUES (0, 'u', '{}');
             INSERT INTO items (idx, ext_id, doc) VALUES (0, 'i', '{}');
             INSERT INTO sessions (idx, ext_id) VALUES (0, 's');
             INSERT INTO events (user_idx, session_idx, item_idx, kind, ts, id_hi, id_lo, ext_id)
             VALUES (0, NULL, 0, 0, 1700000000002, 1, 1, 'e1'),
                    (NULL, 0, 0, 0, 1700000000003, 2, 2, 'e2'),
                    (0, NULL, 0, 0, 1700000000001, 3, 3, 'e3'),
                    (0, NULL, 0, 0, 1700000000005, 4, 4, 'e4');",
        )
        .expect("rows written by version 2");
        assert_eq!(migrate(&mut conn).expect("migrate"), latest());
        assert_eq!(current_version(&conn).expect("version"), latest());

        let (staged, watermark): (i64, i64) = conn
            .query_row(
                "SELECT (SELECT count(*) FROM events WHERE fresh <> 0),
                        (SELECT after_rowid FROM event_tail)",
                [],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .expect("the staging state");
        assert_eq!((staged, watermark), (0, 4), "old events are merged; the tail starts after");
        let user = aisle_domain::ExternalId::parse("u").expect("a valid id");
        let events = super::super::read::events_of_user(&conn, &user, 10).expect("read");
        let ids: Vec<&str> = events.iter().map(|e| e.id.as_str()).collect();
        assert_eq!(ids, ["e4", "e1", "e3"], "the user's events, newest first, through the index");
        // INDEXED BY fails the statement unless the rebuilt partial index can serve it.
        let indexed: i64 = conn
            .query_row(
                "SELECT count(*) FROM events INDEXED BY events_by_user
                 WHERE user_idx = 0 AND fresh = 0",
                [],
                |r| r.get(0),
            )
            .expect("count through the rebuilt index");
        assert_eq!(indexed, 3, "the rebuilt index holds the old events");
    }
}
