//! Conformance checks on the dashboard's aggregate reads: the newest event's time, events by
//! day and kind with distinct shoppers, user listings with event counts, catalog search.

use aisle_domain::{Batch, EventKind, Item};

use super::fixtures::*;
use crate::api::{Activity, DayCount, Store, WriteReport, DAY_MILLIS};

fn write(store: &dyn Store, batch: &Batch) -> WriteReport {
    store.write(batch).unwrap_or_else(|e| panic!("write failed: {e}"))
}

fn ok<T>(what: &str, r: crate::Result<T>) -> T {
    r.unwrap_or_else(|e| panic!("{what} failed: {e}"))
}

/// The day of fixture time `t(0)` (2024-01-01), in days since the epoch.
fn day0() -> i64 {
    t(0).millis() / DAY_MILLIS
}

/// Events count by UTC day and kind inside the window only; shoppers count once per kind
/// however many events they have, users and sessions alike; the newest event's time is the
/// latest written, whatever the order of writing.
pub fn activity_counts_days_kinds_and_distinct_shoppers(store: &dyn Store) {
    assert_eq!(ok("newest_event_time", store.newest_event_time()), None, "an empty store");
    assert_eq!(ok("activity", store.activity(t(0), t(DAY_MILLIS))), Activity::default());
    let batch = Batch {
        events: vec![
            // Written first, newest of all: outside the window.
            view("late", "bob", "a", 5 * DAY_MILLIS),
            view("e1", "alice", "a", 0),
            view("e2", "alice", "b", DAY_MILLIS - 1),
            event("e3", "alice", "a", EventKind::AddToCart, DAY_MILLIS),
            view("e4", "bob", "b", DAY_MILLIS + 5),
            event("e5", "bob", "b", EventKind::Purchase, 2 * DAY_MILLIS),
            session_view("e6", "s1", "a", 2 * DAY_MILLIS + 1),
            search("e7", "alice", "socks", 2 * DAY_MILLIS + 2),
            // Before the window.
            view("early", "carol", "a", -1),
        ],
        ..Batch::default()
    };
    write(store, &batch);
    assert_eq!(
        ok("newest_event_time", store.newest_event_time()),
        Some(t(5 * DAY_MILLIS)),
        "the newest event, though written first"
    );
    let activity = ok("activity", store.activity(t(0), t(3 * DAY_MILLIS)));
    let d = day0();
    let count = |day, kind, events| DayCount { day, kind, events };
    assert_eq!(
        activity.per_day,
        vec![
            count(d, EventKind::View, 2),
            count(d + 1, EventKind::View, 1),
            count(d + 1, EventKind::AddToCart, 1),
            count(d + 2, EventKind::View, 1),
            count(d + 2, EventKind::Purchase, 1),
            count(d + 2, EventKind::Search, 1),
        ],
        "events by day, then kind code, inside [since, until)"
    );
    let shoppers: Vec<(EventKind, u64)> =
        activity.shoppers_by_kind.iter().map(|(k, n)| (*k, *n)).collect();
    assert_eq!(
        shoppers,
        vec![
            (EventKind::View, 3),
            (EventKind::AddToCart, 1),
            (EventKind::Purchase, 1),
            (EventKind::Search, 1),
        ],
        "views by alice (twice), bob and session s1; one shopper each for the rest"
    );
    let one_day = ok("activity", store.activity(t(DAY_MILLIS), t(2 * DAY_MILLIS)));
    assert_eq!(one_day.per_day.len(), 2, "a one-day window: {:?}", one_day.per_day);
    assert_eq!(one_day.shoppers_by_kind.get(&EventKind::View), Some(&1));
}

/// Users list in index order after the cursor, erased ones skipped, each with all their stored
/// events (those written in small and in large writes); a filter matches part of the id
/// whatever the case of its ASCII letters.
pub fn list_users_pages_by_index_with_event_counts(store: &dyn Store) {
    assert!(ok("list_users", store.list_users(None, 10, None)).is_empty(), "an empty store");
    write(
        store,
        &Batch {
            users: vec![user("alice", "gold"), user("Bob-Smith", "silver"), user("dave", "x")],
            events: vec![view("e1", "alice", "a", 0), view("e2", "dave", "a", 1)],
            ..Batch::default()
        },
    );
    // Small writes, one event each, as the server sends them.
    for k in 0..3 {
        write(
            store,
            &Batch {
                events: vec![view(&format!("a{k}"), "alice", "b", 10 + k)],
                ..Batch::default()
            },
        );
    }
    write(store, &Batch { events: vec![view("c1", "carol", "a", 20)], ..Batch::default() });
    ok("delete_user", store.delete_user(&id("dave")));
    let summary = |users: Vec<crate::api::UserSummary>| -> Vec<(u32, String, u64)> {
        users.into_iter().map(|u| (u.index, u.id.as_str().to_string(), u.events)).collect()
    };
    let all = summary(ok("list_users", store.list_users(None, 10, None)));
    assert_eq!(
        all,
        vec![(0, "alice".into(), 4), (1, "Bob-Smith".into(), 0), (3, "carol".into(), 1)],
        "index order, erased dave skipped, every event of each counted"
    );
    let first = summary(ok("list_users", store.list_users(None, 2, None)));
    assert_eq!(first.len(), 2);
    let rest = summary(ok("list_users", store.list_users(Some(first[1].0), 2, None)));
    assert_eq!(rest, vec![(3, "carol".into(), 1)], "the page after the cursor");
    let bob = summary(ok("list_users", store.list_users(None, 10, Some("bOB-s"))));
    assert_eq!(bob, vec![(1, "Bob-Smith".into(), 0)], "ASCII case is ignored");
    let none = ok("list_users", store.list_users(None, 10, Some("dave")));
    assert!(none.is_empty(), "an erased user is never found: {none:?}");
    assert_eq!(ok("list_users", store.list_users(None, 10, Some(""))).len(), 3, "empty filter");
    ok("merge_staged_events", store.merge_staged_events());
    let merged = summary(ok("list_users", store.list_users(None, 10, Some("ALICE"))));
    assert_eq!(merged, vec![(0, "alice".into(), 4)], "the same count once staged events merge");
}

/// Search finds items by part of the id or of the title, ignoring the case of ASCII letters,
/// in index order, at most `limit`; withdrawn items are never found; an empty text lists all.
pub fn search_items_matches_id_or_title(store: &dyn Store) {
    assert!(ok("search_items", store.search_items("shoe", 10)).is_empty(), "an empty store");
    let items = vec![
        item("sku-1", "Trail Running Shoe"),
        item("sku-2", "Rain jacket"),
        item("SHOE-3", "Sandals"),
        item("sku-4", "Old shoe"),
        item("sku-5", "红色鞋子 100%_off"),
    ];
    write(store, &Batch { items, ..Batch::default() });
    // An item known only from an event has no title but can be found by its id.
    write(store, &Batch { events: vec![view("e1", "alice", "bare-shoe", 0)], ..Batch::default() });
    ok("delete_item", store.delete_item(&id("sku-4")));
    let ids = |found: Vec<Item>| -> Vec<String> {
        found.into_iter().map(|i| i.id.as_str().to_string()).collect()
    };
    assert_eq!(
        ids(ok("search_items", store.search_items("SHOE", 10))),
        vec!["sku-1", "SHOE-3", "bare-shoe"],
        "by title or id, any ASCII case, index order, the withdrawn item left out"
    );
    assert_eq!(ids(ok("search_items", store.search_items("shoe", 1))), vec!["sku-1"], "limit");
    assert_eq!(ids(ok("search_items", store.search_items("鞋", 10))), vec!["sku-5"], "non-ASCII");
    assert_eq!(
        ids(ok("search_items", store.search_items("%_", 10))),
        vec!["sku-5"],
        "wildcard characters are plain text"
    );
    assert_eq!(ok("search_items", store.search_items("", 10)).len(), 5, "an empty text: all");
    let full = ok("search_items", store.search_items("rain", 10));
    assert_eq!(full, vec![item("sku-2", "Rain jacket")], "whole documents come back");
}
