//! The PostgreSQL store against the conformance suite, each test in its own fresh schema.
//!
//! Set `AISLE_TEST_POSTGRES_URL` (e.g. `postgres://postgres@127.0.0.1:5432/aisle_test`) to run
//! them. Without it they pass with a loud note on stderr, unless `AISLE_REQUIRE_POSTGRES=1`, in
//! which case they fail (CI sets it so PostgreSQL is never skipped silently).

use std::io::Write;

use aisle_domain::{Actor, Batch, Event, EventKind, ExternalId, Timestamp};
use aisle_store::{Error, PostgresStore, Store};

/// A store in a fresh schema named after the test, or `None` when PostgreSQL is not configured.
fn fresh(test: &str) -> Option<PostgresStore> {
    let Ok(url) = std::env::var("AISLE_TEST_POSTGRES_URL") else {
        if std::env::var("AISLE_REQUIRE_POSTGRES").as_deref() == Ok("1") {
            panic!("AISLE_REQUIRE_POSTGRES=1 but AISLE_TEST_POSTGRES_URL is not set");
        }
        // Straight to stderr, past the test harness's capture, so the skip is never silent.
        let _ = writeln!(
            std::io::stderr(),
            "!!! PostgreSQL NOT TESTED ({test}): set AISLE_TEST_POSTGRES_URL to run it !!!"
        );
        return None;
    };
    let schema = format!("conf_{test}_{}", std::process::id());
    // Schema names stop at 63 bytes; keep the distinguishing tail.
    let schema = if schema.len() > 63 { schema[schema.len() - 63..].to_string() } else { schema };
    let schema = schema.trim_start_matches(|c: char| c.is_ascii_digit() || c == '_').to_string();
    let mut client =
        postgres::Client::connect(&url, postgres::NoTls).expect("connect to the test server");
    client
        .batch_execute(&format!("DROP SCHEMA IF EXISTS \"{schema}\" CASCADE"))
        .expect("drop the old schema");
    Some(PostgresStore::connect_with_schema(&url, &schema).expect("open a fresh store"))
}

/// A fresh store for a conformance test; `None` when PostgreSQL is not configured.
fn fresh_for_test(test: &str) -> Option<((), PostgresStore)> {
    fresh(test).map(|store| ((), store))
}

aisle_store::conformance_tests!(fresh_for_test);

#[test]
fn a_newer_schema_is_refused() {
    let Some(store) = fresh("newer_schema") else { return };
    assert_eq!(store.schema_version().expect("version"), 2);
    drop(store);
    let url = std::env::var("AISLE_TEST_POSTGRES_URL").expect("set when fresh() returned a store");
    let schema = format!("conf_newer_schema_{}", std::process::id());
    let mut client = postgres::Client::connect(&url, postgres::NoTls).expect("connect");
    client
        .batch_execute(&format!(
            "INSERT INTO \"{schema}\".schema_migrations (version, applied_at) VALUES (99, 0)"
        ))
        .expect("stamp a future version");
    match PostgresStore::connect_with_schema(&url, &schema) {
        Err(Error::NewerSchema { found: 99, known: 2 }) => {}
        other => panic!("expected NewerSchema, got {other:?}"),
    }
}

#[test]
fn a_bad_url_names_the_server_but_never_the_password() {
    let err = PostgresStore::connect("postgres://aisle:hunter2@127.0.0.1:1/nowhere")
        .expect_err("nothing listens on port 1");
    let message = err.to_string();
    assert!(matches!(err, Error::Connect { .. }), "expected Connect, got {err:?}");
    assert!(message.contains("127.0.0.1:1") && !message.contains("hunter2"), "{message}");
}

fn view(event: &str, user: &str) -> Event {
    let id = |s: &str| ExternalId::parse(s).expect("valid id");
    let at = Timestamp::from_millis(1_700_000_000_000).expect("in range");
    Event::new(id(event), Actor::User(id(user)), EventKind::View, at).with_item(id("sku"))
}

#[test]
fn an_erasure_by_another_connection_is_never_written_to_the_erased_index() {
    // Each store caches ids in memory. An erasure changes no index, so a store that loaded its
    // cache before another process erased a user must still notice, or it would file the
    // user's next events under the erased index, where no lookup finds them.
    let Some(first) = fresh("erasure_elsewhere") else { return };
    let url = std::env::var("AISLE_TEST_POSTGRES_URL").expect("set when fresh() returned a store");
    let schema = format!("conf_erasure_elsewhere_{}", std::process::id());
    let second = PostgresStore::connect_with_schema(&url, &schema).expect("a second connection");
    let batch = Batch { events: vec![view("e1", "alice"), view("e2", "bob")], ..Batch::default() };
    first.write(&batch).expect("first writes");
    let alice = ExternalId::parse("alice").expect("valid id");
    let deleted = second.delete_user(&alice).expect("second erases").expect("alice existed");
    assert_eq!(deleted.events, 1);
    let report = first.write(&batch).expect("first writes again");
    assert_eq!((report.users_inserted, report.events_inserted), (1, 1), "alice is new again");
    assert_eq!(first.user_index(&alice).expect("index"), Some(2), "a new index");
    assert_eq!(first.events_of_user(&alice, 10).expect("events").len(), 1);
    assert_eq!(first.counts().expect("counts").users, 2);
}
