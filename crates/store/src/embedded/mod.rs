//! The embedded store: one SQLite file, `aisle.db`, in the data directory.
//!
//! One write connection behind a mutex (SQLite has one writer at a time anyway) holds the id
//! caches; reads use a small pool of separate connections, which in write-ahead-log mode see the
//! last committed state without waiting for a write. Every commit is fsynced
//! (`synchronous=FULL`), so an acknowledged write survives a crash.
//!
//! New user events are staged out of the by-user index and merged into it in bulk once a
//! write finds enough of them (`staging.rs`), so that small transactions of many different
//! shoppers append to the table instead of dirtying an index page per event.
//!
//! The SQL lives in `write.rs`, `delete.rs`, `read.rs`, `summaries.rs` (dashboard aggregates),
//! `matrix.rs` and `staging.rs`; the schema in `migrations.rs`.

mod delete;
mod event_keys;
mod matrix;
mod migrations;
pub(crate) use migrations::now_millis;
mod read;
mod staging;
mod summaries;
mod write;

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Mutex, PoisonError};

use aisle_domain::{
    Batch, Event, ExternalId, InteractionMatrix, Item, Order, Review, Timestamp, User,
};
use rusqlite::{Connection, ErrorCode};

use crate::api::{
    Activity, Backend, Counts, DeletedUser, MatrixOptions, Store, UserSummary, WriteReport,
};
use crate::error::{Error, Result};
use crate::ids::Caches;

/// The database file's name inside the data directory.
pub const DB_FILE: &str = "aisle.db";

/// The write connection and the id caches that must change with it.
struct Writer {
    conn: Connection,
    caches: Caches,
    event_keys: event_keys::EventKeys,
    /// When a write merges staged events: the tail span ([`staging::MERGE_AT`]) and whether a
    /// larger store may let it grow further (tests fix it).
    merge_at: staging::MergeAt,
}

/// Aisle's default store: a SQLite database in the data directory.
pub struct EmbeddedStore {
    data_dir: PathBuf,
    db_path: PathBuf,
    writer: Mutex<Writer>,
    readers: ReadPool,
    fail_next_write: AtomicBool,
}

impl std::fmt::Debug for EmbeddedStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("EmbeddedStore").field("db_path", &self.db_path).finish_non_exhaustive()
    }
}

impl EmbeddedStore {
    /// Opens (creating if needed) the store in `data_dir`: creates the directory and
    /// `aisle.db`, and applies schema migrations.
    pub fn open(data_dir: &Path) -> Result<Self> {
        let data_dir = data_dir.to_path_buf();
        std::fs::create_dir_all(&data_dir).map_err(|e| io_error(&data_dir, e))?;
        check_writable(&data_dir)?;
        let db_path = data_dir.join(DB_FILE);
        let mut conn = open_connection(&db_path)?;
        configure_writer(&conn).map_err(|e| sqlite_error(&db_path, e))?;
        match migrations::migrate(&mut conn) {
            Ok(_) => {}
            Err(migrations::MigrateError::Newer(e)) => return Err(e),
            Err(migrations::MigrateError::Sqlite(e)) => return Err(sqlite_error(&db_path, e)),
        }
        Ok(Self {
            readers: ReadPool { path: db_path.clone(), idle: Mutex::new(Vec::new()) },
            data_dir,
            db_path,
            writer: Mutex::new(Writer {
                conn,
                caches: Caches::default(),
                event_keys: Default::default(),
                merge_at: staging::MergeAt::default(),
            }),
            fail_next_write: AtomicBool::new(false),
        })
    }

    /// The database file (`aisle.db` in the data directory).
    pub fn path(&self) -> &Path {
        &self.db_path
    }

    /// The data directory.
    pub fn data_dir(&self) -> &Path {
        &self.data_dir
    }

    /// Caps the database at `pages` pages (SQLite's `max_page_count`), so tests can fill the
    /// "disk". SQLite never sets the cap below the current size; returns the cap in force.
    #[doc(hidden)]
    pub fn set_max_pages_for_tests(&self, pages: u64) -> Result<u64> {
        let w = self.writer.lock().unwrap_or_else(PoisonError::into_inner);
        w.conn
            .pragma_update_and_check(None, "max_page_count", pages as i64, |r| r.get::<_, i64>(0))
            .map(|n| n as u64)
            .map_err(|e| self.err(e))
    }

    /// Makes writes merge the staged events once the tail spans `rows` rowids.
    #[cfg(test)]
    pub(crate) fn set_merge_threshold_for_tests(&self, rows: i64) {
        self.writer.lock().unwrap_or_else(PoisonError::into_inner).merge_at =
            staging::MergeAt { span: rows, grow_with_store: false };
    }

    fn err(&self, e: rusqlite::Error) -> Error {
        sqlite_error(&self.db_path, e)
    }
}

/// Idle read connections; a read takes one (or opens one) and puts it back.
struct ReadPool {
    path: PathBuf,
    idle: Mutex<Vec<Connection>>,
}

/// Keeps memory bounded when a burst of concurrent reads opened many connections.
const MAX_IDLE_READERS: usize = 4;

impl ReadPool {
    fn get(&self) -> Result<Reader<'_>> {
        let idle = self.idle.lock().unwrap_or_else(PoisonError::into_inner).pop();
        let conn = match idle {
            Some(conn) => conn,
            None => {
                let conn = open_connection(&self.path)?;
                configure_reader(&conn).map_err(|e| sqlite_error(&self.path, e))?;
                conn
            }
        };
        Ok(Reader { pool: self, conn: Some(conn) })
    }
}

/// A pooled read connection.
struct Reader<'a> {
    pool: &'a ReadPool,
    conn: Option<Connection>,
}

impl std::ops::Deref for Reader<'_> {
    type Target = Connection;
    fn deref(&self) -> &Connection {
        // Present from construction until drop.
        self.conn.as_ref().expect("a pooled connection is present until drop")
    }
}

impl Drop for Reader<'_> {
    fn drop(&mut self) {
        if let Some(conn) = self.conn.take() {
            let mut idle = self.pool.idle.lock().unwrap_or_else(PoisonError::into_inner);
            if idle.len() < MAX_IDLE_READERS {
                idle.push(conn);
            }
        }
    }
}

fn open_connection(path: &Path) -> Result<Connection> {
    let conn = Connection::open(path).map_err(|e| sqlite_error(path, e))?;
    conn.busy_timeout(std::time::Duration::from_secs(10)).map_err(|e| sqlite_error(path, e))?;
    Ok(conn)
}

fn configure_writer(conn: &Connection) -> rusqlite::Result<()> {
    // 16 KiB pages (a no-op on an existing database): shallower b-trees make imports about a
    // fifth faster than the default 4 KiB, and the matrix scan reads fewer pages.
    conn.pragma_update(None, "page_size", 16_384)?;
    // The first statement to touch the file: a non-database file fails here (NOTADB).
    let mode: String = conn.pragma_update_and_check(None, "journal_mode", "WAL", |r| r.get(0))?;
    if !mode.eq_ignore_ascii_case("wal") {
        tracing::warn!(mode, "SQLite refused write-ahead logging; writes will block reads");
    }
    conn.pragma_update(None, "synchronous", "FULL")?;
    // A large page cache keeps the event-id index in memory during big imports.
    conn.pragma_update(None, "cache_size", -65_536)?;
    conn.pragma_update(None, "temp_store", "MEMORY")?;
    // Checkpoint every 64 MB of log (4,096 pages of 16 KiB) rather than every 1,000 pages: an
    // import rewrites the same index pages batch after batch, and each checkpoint copies and
    // fsyncs them again.
    conn.pragma_update(None, "wal_autocheckpoint", 4_096)?;
    // A big batch can grow the log far past that; give the space back after checkpoints.
    conn.pragma_update(None, "journal_size_limit", 64_i64 << 20)?;
    Ok(())
}

fn configure_reader(conn: &Connection) -> rusqlite::Result<()> {
    conn.pragma_update(None, "query_only", true)?;
    // Memory-mapped reads spare a copy per page, but every mapped page a scan touched counts in
    // the process's resident memory until the kernel reclaims it: a server that scanned a 2 GB
    // store for its snapshot showed 3.2 GB resident, two thirds of it the mapped file. So only
    // the first 256 MiB is mapped; the rest is read through SQLite's page cache.
    conn.pragma_update(None, "mmap_size", 256_i64 << 20)?;
    conn.pragma_update(None, "cache_size", -16_384)?;
    Ok(())
}

/// Fails early, with a clear message, when the data directory cannot be written (SQLite would
/// fail later with a vaguer one).
fn check_writable(dir: &Path) -> Result<()> {
    let probe = dir.join(".aisle-write-check");
    std::fs::write(&probe, b"").map_err(|e| io_error(dir, e))?;
    // Leaving the probe behind is harmless; failing to remove it is not worth an error.
    let _ = std::fs::remove_file(&probe);
    Ok(())
}

fn io_error(path: &Path, e: std::io::Error) -> Error {
    use std::io::ErrorKind;
    match e.kind() {
        ErrorKind::PermissionDenied | ErrorKind::ReadOnlyFilesystem => {
            Error::ReadOnly { path: path.to_path_buf() }
        }
        ErrorKind::StorageFull => Error::DiskFull { path: path.to_path_buf() },
        _ => Error::Io { path: path.to_path_buf(), source: e },
    }
}

/// Maps a SQLite failure on the database at `db_path` to a store error.
pub(crate) fn sqlite_error(db_path: &Path, e: rusqlite::Error) -> Error {
    let dir = || db_path.parent().unwrap_or(db_path).to_path_buf();
    match e.sqlite_error_code() {
        Some(ErrorCode::DiskFull) => Error::DiskFull { path: db_path.to_path_buf() },
        Some(ErrorCode::ReadOnly | ErrorCode::PermissionDenied) => Error::ReadOnly { path: dir() },
        Some(ErrorCode::NotADatabase | ErrorCode::DatabaseCorrupt) => {
            Error::Corrupt { path: db_path.to_path_buf(), detail: e.to_string() }
        }
        Some(ErrorCode::CannotOpen) => {
            Error::Io { path: db_path.to_path_buf(), source: std::io::Error::other(e.to_string()) }
        }
        _ => Error::Database(format!("{} (database {})", e, db_path.display())),
    }
}

impl Store for EmbeddedStore {
    fn backend(&self) -> Backend {
        Backend::Embedded
    }

    fn schema_version(&self) -> Result<u32> {
        let conn = self.readers.get()?;
        migrations::current_version(&conn).map_err(|e| self.err(e))
    }

    fn write(&self, batch: &Batch) -> Result<WriteReport> {
        let mut w = self.writer.lock().unwrap_or_else(PoisonError::into_inner);
        let Writer { conn, caches, event_keys, merge_at } = &mut *w;
        let fail = self.fail_next_write.swap(false, Ordering::SeqCst);
        let report = write::write(conn, caches, event_keys, batch, fail, &self.db_path)
            .map_err(|e| self.wrap(e))?;
        if report.events_inserted > 0 {
            staging::merge_if_due(conn, *merge_at);
        }
        Ok(report)
    }

    fn item(&self, id: &ExternalId) -> Result<Option<Item>> {
        self.read(|c| read::live_item(c, id))
    }

    fn user(&self, id: &ExternalId) -> Result<Option<User>> {
        self.read(|c| read::doc_by_ext_id(c, "users", id))
    }

    fn order(&self, id: &ExternalId) -> Result<Option<Order>> {
        self.read(|c| read::doc_by_ext_id(c, "orders", id))
    }

    fn review(&self, id: &ExternalId) -> Result<Option<Review>> {
        self.read(|c| read::doc_by_ext_id(c, "reviews", id))
    }

    fn baskets(&self) -> Result<Vec<Vec<u32>>> {
        self.read(read::baskets)
    }

    fn orders_of_user(&self, user: &ExternalId) -> Result<Vec<Order>> {
        self.read(|c| read::orders_of_user(c, user))
    }

    fn each_guest_order(&self, visit: &mut dyn FnMut(Order) -> Result<()>) -> Result<()> {
        self.read(|c| read::each_guest_order(c, visit))
    }

    fn reviews_of_item(&self, item: &ExternalId) -> Result<Vec<Review>> {
        self.read(|c| read::reviews_of_item(c, item))
    }

    fn events_of_user(&self, user: &ExternalId, limit: usize) -> Result<Vec<Event>> {
        self.read(|c| read::events_of_user(c, user, limit))
    }

    fn list_items(&self, after: Option<u32>, limit: usize) -> Result<Vec<(u32, Item)>> {
        self.read(|c| read::list_items(c, after, limit))
    }

    fn item_index(&self, id: &ExternalId) -> Result<Option<u32>> {
        self.read(|c| read::index_of(c, "items", id))
    }

    fn user_index(&self, id: &ExternalId) -> Result<Option<u32>> {
        self.read(|c| read::index_of(c, "users", id))
    }

    fn delete_user(&self, id: &ExternalId) -> Result<Option<DeletedUser>> {
        let mut w = self.writer.lock().unwrap_or_else(PoisonError::into_inner);
        let Writer { conn, caches, event_keys, .. } = &mut *w;
        let fail = self.fail_next_write.swap(false, Ordering::SeqCst);
        delete::delete_user(conn, caches, event_keys, id, fail).map_err(|e| self.wrap(e))
    }

    fn delete_item(&self, id: &ExternalId) -> Result<bool> {
        let mut w = self.writer.lock().unwrap_or_else(PoisonError::into_inner);
        let fail = self.fail_next_write.swap(false, Ordering::SeqCst);
        delete::delete_item(&mut w.conn, id, fail).map_err(|e| self.wrap(e))
    }

    fn counts(&self) -> Result<Counts> {
        self.read(read::counts)
    }

    fn newest_event_time(&self) -> Result<Option<Timestamp>> {
        self.read(summaries::newest_event_time)
    }

    fn activity(&self, since: Timestamp, until: Timestamp) -> Result<Activity> {
        self.read(|c| summaries::activity(c, since, until))
    }

    fn list_users(
        &self,
        after: Option<u32>,
        limit: usize,
        matching: Option<&str>,
    ) -> Result<Vec<UserSummary>> {
        self.read(|c| summaries::list_users(c, after, limit, matching))
    }

    fn search_items(&self, text: &str, limit: usize) -> Result<Vec<Item>> {
        self.read(|c| summaries::search_items(c, text, limit))
    }

    fn interaction_matrix(&self, options: &MatrixOptions) -> Result<InteractionMatrix> {
        matrix::interaction_matrix(&self.readers, options).map_err(|e| self.wrap(e))
    }

    fn merge_staged_events(&self) -> Result<u64> {
        let mut w = self.writer.lock().unwrap_or_else(PoisonError::into_inner);
        staging::merge(&mut w.conn).map_err(|e| self.err(e))
    }

    fn fail_next_write_for_tests(&self) -> bool {
        self.fail_next_write.store(true, Ordering::SeqCst);
        true
    }
}

impl EmbeddedStore {
    fn read<T>(&self, f: impl FnOnce(&Connection) -> std::result::Result<T, Failure>) -> Result<T> {
        let conn = self.readers.get()?;
        f(&conn).map_err(|e| self.wrap(e))
    }

    fn wrap(&self, e: Failure) -> Error {
        match e {
            Failure::Sqlite(e) => self.err(e),
            Failure::Store(e) => e,
        }
    }
}

/// A failure inside the embedded backend, before it is tied to the database path.
#[derive(Debug)]
pub(crate) enum Failure {
    Sqlite(rusqlite::Error),
    Store(Error),
}

impl From<rusqlite::Error> for Failure {
    fn from(e: rusqlite::Error) -> Self {
        Failure::Sqlite(e)
    }
}

impl From<Error> for Failure {
    fn from(e: Error) -> Self {
        Failure::Store(e)
    }
}

impl From<serde_json::Error> for Failure {
    fn from(e: serde_json::Error) -> Self {
        Failure::Store(e.into())
    }
}
