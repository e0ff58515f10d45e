//! The PostgreSQL schema, as an ordered list of migrations, and the code that applies them on
//! connect. Same versioning table and rules as the embedded store: append, never edit; a newer
//! database is refused.

use postgres::Client;

use crate::error::Error;

/// Migration `k` is version `k + 1`.
pub(crate) const MIGRATIONS: &[&str] = &[
    // 1: the first schema.
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
        seq         BIGSERIAL PRIMARY KEY,
        user_idx    INTEGER,
        session_idx INTEGER,
        item_idx    INTEGER,
        kind        SMALLINT NOT NULL,
        ts          BIGINT NOT NULL,
        value       DOUBLE PRECISION,
        quantity    BIGINT,
        price       DOUBLE PRECISION,
        query       TEXT,
        context     TEXT,
        id_hash     BYTEA NOT NULL UNIQUE,
        ext_id      TEXT NOT NULL
    );
    CREATE INDEX events_by_user ON events (user_idx, ts) WHERE user_idx IS NOT NULL;
    CREATE TABLE event_counts (
        kind SMALLINT PRIMARY KEY,
        n    BIGINT NOT NULL
    );
    CREATE TABLE orders (
        ext_id     TEXT PRIMARY KEY,
        user_idx   INTEGER,
        created_at BIGINT NOT NULL,
        doc        TEXT NOT NULL
    );
    CREATE INDEX orders_by_user ON orders (user_idx, created_at) WHERE user_idx IS NOT NULL;
    CREATE TABLE reviews (
        ext_id     TEXT PRIMARY KEY,
        user_idx   INTEGER,
        item_idx   INTEGER NOT NULL,
        created_at BIGINT,
        doc        TEXT NOT NULL
    );
    CREATE INDEX reviews_by_item ON reviews (item_idx, created_at);",
    // 2: deletion, as in the embedded schema's version 2: erased users keep their index row
    // (`erased_at`, counted through a partial index on every write's cache check), withdrawn
    // items keep theirs (`deleted_at`), and reviews are found by user for erasure.
    "ALTER TABLE users ADD COLUMN erased_at BIGINT;
    CREATE INDEX users_erased ON users (idx) WHERE erased_at IS NOT NULL;
    ALTER TABLE items ADD COLUMN deleted_at BIGINT;
    CREATE INDEX reviews_by_user ON reviews (user_idx) WHERE user_idx IS NOT NULL;",
];

/// Serializes migrations of concurrent processes (any constant shared by all Aisles).
const MIGRATION_LOCK: i64 = 0x4149_534c_0001;

/// The newest schema version this build knows.
pub(crate) fn latest() -> u32 {
    MIGRATIONS.len() as u32
}

/// Brings the schema up to date in one transaction, or refuses a newer one.
pub(crate) fn migrate(client: &mut Client) -> Result<u32, MigrateError> {
    let mut tx = client.transaction()?;
    tx.execute("SELECT pg_advisory_xact_lock($1)", &[&MIGRATION_LOCK])?;
    tx.batch_execute(
        "CREATE TABLE IF NOT EXISTS schema_migrations (
            version    INTEGER PRIMARY KEY,
            applied_at BIGINT NOT NULL
        )",
    )?;
    let found = current_version(&mut tx)?;
    if found > latest() {
        return Err(MigrateError::Newer(Error::NewerSchema { found, known: latest() }));
    }
    for (k, sql) in MIGRATIONS.iter().enumerate().skip(found as usize) {
        tx.batch_execute(sql)?;
        let version = k as i32 + 1;
        tx.execute(
            "INSERT INTO schema_migrations (version, applied_at) VALUES ($1, $2)",
            &[&version, &crate::embedded::now_millis()],
        )?;
        tracing::info!(version, "applied PostgreSQL schema migration");
    }
    tx.commit()?;
    Ok(latest())
}

/// The highest applied version (0 for an empty schema).
pub(crate) fn current_version(
    client: &mut impl postgres::GenericClient,
) -> Result<u32, postgres::Error> {
    let row = client.query_one("SELECT coalesce(max(version), 0) FROM schema_migrations", &[])?;
    Ok(u32::try_from(row.get::<_, i32>(0)).unwrap_or(0))
}

/// Why a migration did not run.
#[derive(Debug)]
pub(crate) enum MigrateError {
    Newer(Error),
    Pg(postgres::Error),
}

impl From<postgres::Error> for MigrateError {
    fn from(e: postgres::Error) -> Self {
        MigrateError::Pg(e)
    }
}
