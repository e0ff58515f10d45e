//! The embedded store against the conformance suite (one test per check), plus what only a
//! file on disk can show: durability, migrations, a read-only directory, a full disk, a file
//! that is not a database, two handles on one file.

use std::path::Path;

use aisle_domain::{Actor, Batch, Event, EventKind, ExternalId, Item, Timestamp};
use aisle_store::{conformance, EmbeddedStore, Error, Store};

fn fresh() -> (tempfile::TempDir, EmbeddedStore) {
    let dir = tempfile::tempdir().expect("a temp dir");
    let store = EmbeddedStore::open(dir.path()).expect("open a fresh store");
    (dir, store)
}

/// A fresh store for a conformance test (the temporary directory lives as long as it).
fn fresh_for_test(_test: &str) -> Option<(tempfile::TempDir, EmbeddedStore)> {
    Some(fresh())
}

aisle_store::conformance_tests!(fresh_for_test);

#[test]
fn run_all_passes() {
    let dirs = std::cell::RefCell::new(Vec::new());
    conformance::run_all(&|| {
        let dir = tempfile::tempdir().expect("a temp dir");
        let store = EmbeddedStore::open(dir.path()).expect("open");
        dirs.borrow_mut().push(dir);
        Box::new(store)
    });
}

fn id(s: &str) -> ExternalId {
    ExternalId::parse(s).expect("valid id")
}

fn events(n: usize, prefix: &str) -> Batch {
    let events = (0..n)
        .map(|k| {
            Event::new(
                id(&format!("{prefix}-{k}")),
                Actor::User(id(&format!("u{}", k % 97))),
                EventKind::View,
                Timestamp::from_millis(1_700_000_000_000 + k as i64).expect("in range"),
            )
            .with_item(id(&format!("i{}", k % 31)))
        })
        .collect();
    Batch { events, ..Batch::default() }
}

#[test]
fn acknowledged_writes_survive_closing_and_reopening() {
    let dir = tempfile::tempdir().expect("a temp dir");
    let store = EmbeddedStore::open(dir.path()).expect("open");
    store.write(&events(1_000, "e")).expect("write");
    let before = store.counts().expect("counts");
    drop(store);
    let store = EmbeddedStore::open(dir.path()).expect("reopen");
    assert_eq!(store.counts().expect("counts"), before);
    assert_eq!(store.item_index(&id("i30")).expect("index"), Some(30));
    // The id caches start empty after reopening; new ids must continue after the stored ones.
    let report = store.write(&events(1_100, "e")).expect("write more");
    assert_eq!((report.events_inserted, report.events_duplicate), (100, 1_000));
    let more = Batch { items: vec![Item::new(id("new"))], ..Batch::default() };
    store.write(&more).expect("write an item");
    assert_eq!(store.item_index(&id("new")).expect("index"), Some(31));
    assert!(store.path().ends_with("aisle.db"));
}

#[test]
fn schema_is_at_the_latest_version_and_a_newer_one_is_refused() {
    let (dir, store) = fresh();
    let version = store.schema_version().expect("version");
    assert_eq!(version, 3);
    drop(store);
    let conn = rusqlite::Connection::open(dir.path().join("aisle.db")).expect("raw open");
    conn.execute("INSERT INTO schema_migrations (version, applied_at) VALUES (99, 0)", [])
        .expect("stamp a future version");
    drop(conn);
    match EmbeddedStore::open(dir.path()) {
        Err(Error::NewerSchema { found: 99, known }) => {
            assert_eq!(known, version);
            let message = Error::NewerSchema { found: 99, known }.to_string();
            assert!(message.contains("upgrade Aisle"), "{message}");
        }
        other => panic!("expected NewerSchema, got {other:?}"),
    }
    // Reopening an up-to-date store applies nothing and keeps the data.
    let (dir, store) = fresh();
    store.write(&events(10, "e")).expect("write");
    drop(store);
    let store = EmbeddedStore::open(dir.path()).expect("reopen");
    assert_eq!(store.counts().expect("counts").events, 10);
}

fn is_root() -> bool {
    // Root ignores directory permissions, so a chmod cannot provoke the error there.
    std::fs::read_to_string("/proc/self/status")
        .map(|s| {
            s.lines().any(|l| l.starts_with("Uid:") && l.split_whitespace().nth(1) == Some("0"))
        })
        .unwrap_or(false)
}

#[test]
fn a_read_only_data_dir_is_reported_with_the_fix() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().expect("a temp dir");
    let locked = dir.path().join("locked");
    std::fs::create_dir(&locked).expect("mkdir");
    std::fs::set_permissions(&locked, std::fs::Permissions::from_mode(0o555)).expect("chmod");
    // As root, sysfs refuses new entries the way a read-only mount would.
    let target = if is_root() {
        Path::new("/sys").join(format!("aisle-test-{}", std::process::id()))
    } else {
        locked.join("data")
    };
    let err = EmbeddedStore::open(&target).expect_err("a read-only directory must fail");
    let message = err.to_string();
    assert!(matches!(err, Error::ReadOnly { .. }), "expected ReadOnly, got {err:?}");
    assert!(message.contains("read-only") && message.contains("--data-dir"), "{message}");
    std::fs::set_permissions(&locked, std::fs::Permissions::from_mode(0o755)).expect("chmod back");
}

#[test]
fn a_file_in_place_of_the_data_dir_is_a_clear_io_error() {
    let dir = tempfile::tempdir().expect("a temp dir");
    let file = dir.path().join("not-a-dir");
    std::fs::write(&file, b"x").expect("write");
    let err = EmbeddedStore::open(&file.join("data")).expect_err("must fail");
    assert!(matches!(err, Error::Io { .. }), "expected Io, got {err:?}");
    assert!(err.to_string().contains("not-a-dir"), "{err}");
}

#[test]
fn a_file_that_is_not_a_database_is_reported_as_corrupt() {
    let dir = tempfile::tempdir().expect("a temp dir");
    std::fs::write(dir.path().join("aisle.db"), vec![b'x'; 8192]).expect("write junk");
    let err = EmbeddedStore::open(dir.path()).expect_err("junk must fail");
    assert!(matches!(err, Error::Corrupt { .. }), "expected Corrupt, got {err:?}");
    assert!(err.to_string().contains("aisle.db"), "{err}");
}

#[test]
fn a_full_disk_fails_the_write_cleanly_and_keeps_nothing() {
    let (_dir, store) = fresh();
    store.write(&events(100, "small")).expect("a small write fits");
    let before = store.counts().expect("counts");
    let raw = rusqlite::Connection::open(store.path()).expect("raw open");
    let pages: u64 = raw.query_row("PRAGMA page_count", [], |r| r.get(0)).expect("page count");
    let cap = store.set_max_pages_for_tests(pages + 20).expect("leave 20 pages");
    assert_eq!(cap, pages + 20);
    let err = store.write(&events(50_000, "big")).expect_err("a big write must not fit");
    assert!(matches!(err, Error::DiskFull { .. }), "expected DiskFull, got {err:?}");
    assert!(err.to_string().contains("disk is full"), "{err}");
    assert_eq!(store.counts().expect("counts"), before, "nothing of the failed write is kept");
    // Once there is room again, the same write succeeds with the same indexes.
    store.set_max_pages_for_tests(1 << 30).expect("lift the cap");
    let report = store.write(&events(50_000, "big")).expect("write after freeing space");
    assert_eq!(report.events_inserted, 50_000);
    assert_eq!(store.counts().expect("counts").users, 97);
}

#[test]
fn two_handles_on_one_file_keep_one_event_per_id() {
    // The writer keeps stored event keys in memory; a second handle (another process, in real
    // life) writing meanwhile must not let the first store an event twice.
    let dir = tempfile::tempdir().expect("a temp dir");
    let first = EmbeddedStore::open(dir.path()).expect("open");
    let second = EmbeddedStore::open(dir.path()).expect("open again");
    first.write(&events(100, "e")).expect("first writes");
    let report = second.write(&events(150, "e")).expect("second writes");
    assert_eq!((report.events_inserted, report.events_duplicate), (50, 100));
    let report = first.write(&events(200, "e")).expect("first catches up");
    assert_eq!((report.events_inserted, report.events_duplicate), (50, 150));
    assert_eq!(first.counts().expect("counts").events, 200);
}

#[test]
fn an_erasure_by_another_handle_is_never_written_to_the_erased_index() {
    // Each handle caches ids in memory. An erasure changes no index, so a handle that loaded
    // its cache before another erased a user must still notice, or it would file the user's
    // next events under the erased index, where no lookup finds them.
    let dir = tempfile::tempdir().expect("a temp dir");
    let first = EmbeddedStore::open(dir.path()).expect("open");
    let second = EmbeddedStore::open(dir.path()).expect("open again");
    first.write(&events(300, "e")).expect("first writes");
    let deleted = second.delete_user(&id("u5")).expect("second erases").expect("u5 existed");
    assert_eq!(deleted.events, 4, "events 5, 102, 199 and 296");
    let report = first.write(&events(300, "e")).expect("first writes again");
    assert_eq!(report.users_inserted, 1, "u5 is a new user");
    assert_eq!(
        (report.events_inserted, report.events_duplicate),
        (4, 296),
        "u5's erased events are new again; the rest are stored"
    );
    assert_eq!(first.user_index(&id("u5")).expect("index"), Some(97), "a new index");
    assert_eq!(first.events_of_user(&id("u5"), 10).expect("events").len(), 4);
    assert_eq!(first.counts().expect("counts").users, 97);
}

#[test]
fn an_erasure_by_another_handle_cannot_make_a_stored_event_look_new() {
    // The writer keeps stored event keys in memory and catches up by rowid and count. Erasing
    // the user who owns the newest rows lets SQLite hand those rowids out again, and one new
    // event then brings the rowid and the count back to what the first handle last saw.
    let dir = tempfile::tempdir().expect("a temp dir");
    let first = EmbeddedStore::open(dir.path()).expect("open");
    let second = EmbeddedStore::open(dir.path()).expect("open again");
    // Events are inserted grouped by user index, so u96 (the last user, one event) owns the
    // newest row.
    first.write(&events(100, "e")).expect("first writes");
    let deleted = second.delete_user(&id("u96")).expect("second erases").expect("u96 existed");
    assert_eq!(deleted.events, 1);
    let late = Event::new(
        id("late"),
        Actor::User(id("u0")),
        EventKind::View,
        Timestamp::from_millis(1_800_000_000_000).expect("in range"),
    );
    let batch = Batch { events: vec![late], ..Batch::default() };
    assert_eq!(second.write(&batch).expect("second writes").events_inserted, 1);
    let report = first.write(&batch).expect("first writes the same event");
    assert_eq!((report.events_inserted, report.events_duplicate), (0, 1), "stored once");
    assert_eq!(first.counts().expect("counts").events, 100);
}

#[test]
fn an_erased_shopper_leaves_no_trace_in_the_database_file() {
    // SQLite keeps deleted rows' bytes in free pages unless told to zero them; a copy of the
    // file (a backup) would then still hold the shopper.
    let dir = tempfile::tempdir().expect("a temp dir");
    let store = EmbeddedStore::open(dir.path()).expect("open");
    let secret = "shopper-7f3a9c@example.org";
    let mut user = aisle_domain::User::new(id(secret));
    user.attributes.insert(
        "address".into(),
        aisle_domain::AttributeValue::Text("12 Acacia Avenue, Shelbyville".into()),
    );
    let review = aisle_domain::Review {
        id: id("r-1"),
        user: Some(id(secret)),
        item: id("sku"),
        rating: Some(1.0),
        text: "My neighbour Ms Privatename hated it".into(),
        created_at: None,
    };
    let event = Event::new(
        id("e-1"),
        Actor::User(id(secret)),
        EventKind::Search,
        Timestamp::from_millis(1_700_000_000_000).expect("in range"),
    );
    let mut search = event;
    search.query = Some("gift for Privatename".into());
    let batch = Batch {
        users: vec![user],
        events: vec![search],
        reviews: vec![review],
        ..Batch::default()
    };
    store.write(&batch).expect("write");
    store.delete_user(&id(secret)).expect("erase").expect("the shopper existed");
    // Closing the last connection checkpoints the log into the file and removes it.
    drop(store);
    let bytes = std::fs::read(dir.path().join("aisle.db")).expect("read the file");
    for trace in [secret, "Acacia Avenue", "Privatename"] {
        let found = bytes.windows(trace.len()).any(|w| w == trace.as_bytes());
        assert!(!found, "{trace:?} is still in the database file");
    }
    assert!(!dir.path().join("aisle.db-wal").exists(), "the log was checkpointed away");
}
