//! The PostgreSQL store: the same tables and semantics as the embedded store, for shops that
//! want a database server.
//!
//! One connection behind a mutex carries reads and writes; writes take an advisory lock so that
//! several Aisle processes sharing a database still hand out dense indexes one at a time. URLs
//! are shown only with their password redacted ([`redact_url`]).
//!
//! The SQL lives in `write.rs`, `delete.rs`, `read.rs` and `summaries.rs` (dashboard
//! aggregates); the schema in `migrations.rs`.

mod delete;
mod migrations;
mod read;
mod summaries;
mod write;

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Mutex, PoisonError};

use aisle_domain::{
    Batch, Event, ExternalId, InteractionMatrix, Item, Order, Review, Timestamp, User,
};
use postgres::error::SqlState;
use postgres::{Client, NoTls};

use crate::api::{
    Activity, Backend, Counts, DeletedUser, MatrixOptions, Store, UserSummary, WriteReport,
};
use crate::error::{Error, Result};
use crate::ids::Caches;

struct Inner {
    client: Client,
    caches: Caches,
}

/// A store in a PostgreSQL database (optionally in its own schema).
pub struct PostgresStore {
    inner: Mutex<Inner>,
    url_redacted: String,
    fail_next_write: AtomicBool,
}

impl std::fmt::Debug for PostgresStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PostgresStore").field("url", &self.url_redacted).finish_non_exhaustive()
    }
}

impl PostgresStore {
    /// Connects (without TLS) and applies schema migrations in the default schema.
    pub fn connect(url: &str) -> Result<Self> {
        Self::open(url, None)
    }

    /// Connects and works inside `schema`, creating it if missing: lets tests (or several shops)
    /// share one database. The name must be a plain identifier (letters, digits, `_`).
    pub fn connect_with_schema(url: &str, schema: &str) -> Result<Self> {
        let plain = !schema.is_empty()
            && schema.len() <= 63
            && schema.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_')
            && !schema.as_bytes()[0].is_ascii_digit();
        if !plain {
            return Err(Error::InvalidArgument(format!(
                "schema name {schema:?} is not a plain identifier; use letters, digits and _ \
                 (at most 63, not starting with a digit)"
            )));
        }
        Self::open(url, Some(schema))
    }

    fn open(url: &str, schema: Option<&str>) -> Result<Self> {
        let url_redacted = redact_url(url);
        let connect_error = |e: postgres::Error| Error::Connect {
            url_redacted: url_redacted.clone(),
            detail: e.to_string(),
        };
        let mut client = Client::connect(url, NoTls).map_err(connect_error)?;
        if let Some(schema) = schema {
            client
                .batch_execute(&format!(
                    "CREATE SCHEMA IF NOT EXISTS \"{schema}\"; SET search_path TO \"{schema}\""
                ))
                .map_err(pg_error)?;
        }
        match migrations::migrate(&mut client) {
            Ok(_) => {}
            Err(migrations::MigrateError::Newer(e)) => return Err(e),
            Err(migrations::MigrateError::Pg(e)) => return Err(pg_error(e)),
        }
        Ok(Self {
            inner: Mutex::new(Inner { client, caches: Caches::default() }),
            url_redacted,
            fail_next_write: AtomicBool::new(false),
        })
    }

    /// The URL this store connected to, password redacted.
    pub fn url_redacted(&self) -> &str {
        &self.url_redacted
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Inner> {
        self.inner.lock().unwrap_or_else(PoisonError::into_inner)
    }

    fn client<T>(&self, f: impl FnOnce(&mut Client) -> Result<T>) -> Result<T> {
        f(&mut self.lock().client)
    }
}

/// The URL with any password replaced by `***`, for messages and logs. Handles both URL
/// (`postgres://user:secret@host/db`) and key-value (`host=h password=secret`) forms.
pub fn redact_url(url: &str) -> String {
    if let Some((scheme, rest)) = url.split_once("://") {
        let (authority, tail) = match rest.find(['/', '?']) {
            Some(k) => rest.split_at(k),
            None => (rest, ""),
        };
        let authority = match authority.rsplit_once('@') {
            Some((userinfo, host)) => match userinfo.split_once(':') {
                Some((user, _)) => format!("{user}:***@{host}"),
                None => authority.to_string(),
            },
            None => authority.to_string(),
        };
        let tail = redact_query_password(tail);
        return format!("{scheme}://{authority}{tail}");
    }
    url.split_whitespace()
        .map(|pair| match pair.split_once('=') {
            Some((key, _)) if key.eq_ignore_ascii_case("password") => format!("{key}=***"),
            _ => pair.to_string(),
        })
        .collect::<Vec<_>>()
        .join(" ")
}

fn redact_query_password(tail: &str) -> String {
    let Some((path, query)) = tail.split_once('?') else { return tail.to_string() };
    let query = query
        .split('&')
        .map(|pair| match pair.split_once('=') {
            Some((key, _)) if key.eq_ignore_ascii_case("password") => format!("{key}=***"),
            _ => pair.to_string(),
        })
        .collect::<Vec<_>>()
        .join("&");
    format!("{path}?{query}")
}

/// Maps a PostgreSQL failure to a store error.
pub(crate) fn pg_error(e: postgres::Error) -> Error {
    let Some(db) = e.as_db_error() else {
        return Error::Database(format!("PostgreSQL: {e}"));
    };
    let code = db.code();
    if *code == SqlState::DISK_FULL || *code == SqlState::OUT_OF_MEMORY {
        return Error::Database(format!(
            "the PostgreSQL server is out of space ({}); free space on the server. Nothing of \
             the failed write was kept",
            db.message()
        ));
    }
    if *code == SqlState::READ_ONLY_SQL_TRANSACTION {
        return Error::Database(format!(
            "the PostgreSQL server accepts no writes ({}); point Aisle at the primary server",
            db.message()
        ));
    }
    Error::Database(format!("PostgreSQL {}: {}", code.code(), db.message()))
}

/// A dense index as PostgreSQL's INTEGER.
pub(crate) fn pg_idx(idx: u32) -> Result<i32> {
    i32::try_from(idx).map_err(|_| Error::InvalidArgument(format!("index {idx} exceeds 2^31")))
}

impl Store for PostgresStore {
    fn backend(&self) -> Backend {
        Backend::Postgres
    }

    fn schema_version(&self) -> Result<u32> {
        self.client(|c| migrations::current_version(c).map_err(pg_error))
    }

    fn write(&self, batch: &Batch) -> Result<WriteReport> {
        let mut inner = self.lock();
        let Inner { client, caches } = &mut *inner;
        let fail = self.fail_next_write.swap(false, Ordering::SeqCst);
        write::write(client, caches, batch, fail)
    }

    fn item(&self, id: &ExternalId) -> Result<Option<Item>> {
        self.client(|c| read::live_item(c, id))
    }

    fn user(&self, id: &ExternalId) -> Result<Option<User>> {
        self.client(|c| read::doc_by_ext_id(c, "users", id))
    }

    fn order(&self, id: &ExternalId) -> Result<Option<Order>> {
        self.client(|c| read::doc_by_ext_id(c, "orders", id))
    }

    fn review(&self, id: &ExternalId) -> Result<Option<Review>> {
        self.client(|c| read::doc_by_ext_id(c, "reviews", id))
    }

    fn baskets(&self) -> Result<Vec<Vec<u32>>> {
        self.client(read::baskets)
    }

    fn orders_of_user(&self, user: &ExternalId) -> Result<Vec<Order>> {
        self.client(|c| read::orders_of_user(c, user))
    }

    fn each_guest_order(&self, visit: &mut dyn FnMut(Order) -> Result<()>) -> Result<()> {
        self.client(|c| read::each_guest_order(c, visit))
    }

    fn reviews_of_item(&self, item: &ExternalId) -> Result<Vec<Review>> {
        self.client(|c| read::reviews_of_item(c, item))
    }

    fn events_of_user(&self, user: &ExternalId, limit: usize) -> Result<Vec<Event>> {
        self.client(|c| read::events_of_user(c, user, limit))
    }

    fn list_items(&self, after: Option<u32>, limit: usize) -> Result<Vec<(u32, Item)>> {
        self.client(|c| read::list_items(c, after, limit))
    }

    fn item_index(&self, id: &ExternalId) -> Result<Option<u32>> {
        self.client(|c| read::index_of(c, "items", id))
    }

    fn user_index(&self, id: &ExternalId) -> Result<Option<u32>> {
        self.client(|c| read::index_of(c, "users", id))
    }

    fn delete_user(&self, id: &ExternalId) -> Result<Option<DeletedUser>> {
        let mut inner = self.lock();
        let Inner { client, caches } = &mut *inner;
        let fail = self.fail_next_write.swap(false, Ordering::SeqCst);
        delete::delete_user(client, caches, id, fail)
    }

    fn delete_item(&self, id: &ExternalId) -> Result<bool> {
        let fail = self.fail_next_write.swap(false, Ordering::SeqCst);
        self.client(|c| delete::delete_item(c, id, fail))
    }

    fn counts(&self) -> Result<Counts> {
        self.client(read::counts)
    }

    fn newest_event_time(&self) -> Result<Option<Timestamp>> {
        self.client(summaries::newest_event_time)
    }

    fn activity(&self, since: Timestamp, until: Timestamp) -> Result<Activity> {
        self.client(|c| summaries::activity(c, since, until))
    }

    fn list_users(
        &self,
        after: Option<u32>,
        limit: usize,
        matching: Option<&str>,
    ) -> Result<Vec<UserSummary>> {
        self.client(|c| summaries::list_users(c, after, limit, matching))
    }

    fn search_items(&self, text: &str, limit: usize) -> Result<Vec<Item>> {
        self.client(|c| summaries::search_items(c, text, limit))
    }

    fn interaction_matrix(&self, options: &MatrixOptions) -> Result<InteractionMatrix> {
        self.client(|c| read::interaction_matrix(c, options))
    }

    fn merge_staged_events(&self) -> Result<u64> {
        // Every event enters the indexes as it is written; nothing is staged.
        Ok(0)
    }

    fn fail_next_write_for_tests(&self) -> bool {
        self.fail_next_write.store(true, Ordering::SeqCst);
        true
    }
}

#[cfg(test)]
mod tests {
    use super::redact_url;

    fn check(url: &str, expected: &str) {
        assert_eq!(redact_url(url), expected, "redacting {url:?}");
    }

    #[test]
    fn passwords_never_show() {
        check("postgres://aisle:s3cret@db:5432/shop", "postgres://aisle:***@db:5432/shop");
        check("postgres://postgres@127.0.0.1/aisle", "postgres://postgres@127.0.0.1/aisle");
        check("postgresql://u:p@a@h/db?sslmode=disable", "postgresql://u:***@h/db?sslmode=disable");
        check("postgres://h/db?user=u&password=p", "postgres://h/db?user=u&password=***");
        check("host=db user=u password=secret", "host=db user=u password=***");
    }
}
