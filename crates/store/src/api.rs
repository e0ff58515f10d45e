//! The [`Store`] trait every backend implements, and the small value types it speaks:
//! [`WriteReport`], [`DeletedUser`], [`Counts`], [`MatrixOptions`], [`Activity`],
//! [`UserSummary`].
//!
//! It holds no storage code; see `embedded` and `postgres` for the two implementations.

use std::collections::BTreeMap;

use aisle_domain::{
    Batch, Event, EventKind, EventWeights, ExternalId, InteractionMatrix, Item, Order, Review,
    Timestamp, User,
};

use crate::error::Result;

/// Which implementation a store is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    /// One SQLite file in the data directory.
    Embedded,
    /// A PostgreSQL database.
    Postgres,
}

/// What one write did. Records created implicitly (a bare item or user first seen in an event,
/// order or review) count as inserted, so that the inserted counts of all reports, less what
/// [`Store::delete_user`] removed, add up to [`Store::counts`]. A catalog write of an item
/// withdrawn by [`Store::delete_item`] counts as updated: the item kept its record.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct WriteReport {
    /// Items created (full, or bare from behaviour data).
    pub items_inserted: u64,
    /// Items whose stored document changed.
    pub items_updated: u64,
    /// Items already stored exactly so.
    pub items_unchanged: u64,
    /// Users created (full, or bare from behaviour data).
    pub users_inserted: u64,
    /// Users whose stored document changed.
    pub users_updated: u64,
    /// Users already stored exactly so.
    pub users_unchanged: u64,
    /// Events stored.
    pub events_inserted: u64,
    /// Events whose id was already stored (or repeated in the batch): skipped.
    pub events_duplicate: u64,
    /// Positions in `batch.events` of the events skipped as duplicates, ascending: as many as
    /// `events_duplicate`. A repeat within the batch is the later occurrence; the first is
    /// stored (or skipped itself if its id was already stored). Lets a caller that merged
    /// several requests into one batch tell each which of its events were skipped. Empty in a
    /// sum of reports (see the `AddAssign` impl), and then left out of the JSON.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub duplicate_events: Vec<usize>,
    /// Orders created.
    pub orders_inserted: u64,
    /// Orders whose stored document changed.
    pub orders_updated: u64,
    /// Orders already stored exactly so.
    pub orders_unchanged: u64,
    /// Reviews created.
    pub reviews_inserted: u64,
    /// Reviews whose stored document changed.
    pub reviews_updated: u64,
    /// Reviews already stored exactly so.
    pub reviews_unchanged: u64,
}

/// Adds the counts of another write. The sum describes no single batch, so positions mean
/// nothing in it: `duplicate_events` is cleared (hence also left out of the summed report's
/// JSON), while `events_duplicate` keeps counting.
impl std::ops::AddAssign for WriteReport {
    fn add_assign(&mut self, o: Self) {
        self.items_inserted += o.items_inserted;
        self.items_updated += o.items_updated;
        self.items_unchanged += o.items_unchanged;
        self.users_inserted += o.users_inserted;
        self.users_updated += o.users_updated;
        self.users_unchanged += o.users_unchanged;
        self.events_inserted += o.events_inserted;
        self.events_duplicate += o.events_duplicate;
        self.duplicate_events.clear();
        self.orders_inserted += o.orders_inserted;
        self.orders_updated += o.orders_updated;
        self.orders_unchanged += o.orders_unchanged;
        self.reviews_inserted += o.reviews_inserted;
        self.reviews_updated += o.reviews_updated;
        self.reviews_unchanged += o.reviews_unchanged;
    }
}

/// What [`Store::delete_user`] removed.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct DeletedUser {
    /// The user's events.
    pub events: u64,
    /// The user's orders, with their lines.
    pub orders: u64,
    /// The user's reviews.
    pub reviews: u64,
}

/// How many records the store holds. Users and items count the ids the store has an index for
/// (those [`Store::user_index`] and [`Store::item_index`] answer), so an erased user no longer
/// counts and a withdrawn item still does.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Counts {
    /// Users, full and bare; not erased ones.
    pub users: u64,
    /// Items, full, bare and withdrawn from the catalog.
    pub items: u64,
    /// Anonymous sessions.
    pub sessions: u64,
    /// Events.
    pub events: u64,
    /// Orders.
    pub orders: u64,
    /// Reviews.
    pub reviews: u64,
    /// Events by kind name ([`aisle_domain::EventKind::as_str`]); kinds with no events are absent.
    pub events_by_kind: BTreeMap<String, u64>,
}

/// Milliseconds in a day: [`Activity`] counts events by UTC day, `millis / DAY_MILLIS`.
pub const DAY_MILLIS: i64 = 86_400_000;

/// What shoppers did in a time window ([`Store::activity`]).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Activity {
    /// Events by UTC day and kind, ascending by day then kind code; only pairs with events.
    pub per_day: Vec<DayCount>,
    /// Distinct shoppers (signed-in users and anonymous sessions, each counted apart) with at
    /// least one event of the kind; kinds without events are absent.
    pub shoppers_by_kind: BTreeMap<EventKind, u64>,
}

/// Events of one kind on one UTC day.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DayCount {
    /// Days since 1970-01-01 (UTC): an event's `millis / DAY_MILLIS`.
    pub day: i64,
    /// The kind.
    pub kind: EventKind,
    /// Events.
    pub events: u64,
}

/// A user as a listing shows one ([`Store::list_users`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UserSummary {
    /// The dense index (the listing's cursor).
    pub index: u32,
    /// The shop's id.
    pub id: ExternalId,
    /// The user's stored events.
    pub events: u64,
}

/// What goes into the interaction matrix.
#[derive(Debug, Clone, Default)]
pub struct MatrixOptions {
    /// Weight of each event kind, and the optional half-life of the time decay.
    pub weights: EventWeights,
    /// Add one row per anonymous session after the user rows (row `n_users + session index`).
    pub include_sessions: bool,
    /// Keep events at or after this time.
    pub since: Option<Timestamp>,
    /// Keep events strictly before this time.
    pub until: Option<Timestamp>,
}

/// Aisle's storage. Every method is synchronous and may block on IO; call it from a worker
/// thread in async code. Implementations are safe to share between threads.
pub trait Store: Send + Sync {
    /// Which implementation this is.
    fn backend(&self) -> Backend;

    /// The schema version of the open database.
    fn schema_version(&self) -> Result<u32>;

    /// Writes the whole batch in one transaction: all or nothing. Items and users are written
    /// first, then events, orders and reviews, in batch order; that is the order in which new
    /// ids receive their dense indexes.
    fn write(&self, batch: &Batch) -> Result<WriteReport>;

    /// The item with this id (a bare one if it is known only from behaviour data); `None` once
    /// it was withdrawn by [`Store::delete_item`].
    fn item(&self, id: &ExternalId) -> Result<Option<Item>>;

    /// The user with this id.
    fn user(&self, id: &ExternalId) -> Result<Option<User>>;

    /// The order with this id.
    fn order(&self, id: &ExternalId) -> Result<Option<Order>>;

    /// The review with this id.
    fn review(&self, id: &ExternalId) -> Result<Option<Review>>;

    /// The orders of one user, newest first.
    fn orders_of_user(&self, user: &ExternalId) -> Result<Vec<Order>>;

    /// Hands `visit` every guest order (one without a user: a checkout without signing in), in
    /// every status, oldest first (by creation time, then id), and stops at its first error.
    /// Shop-wide sums read shoppers' orders through [`Store::orders_of_user`]; this is the rest.
    fn each_guest_order(&self, visit: &mut dyn FnMut(Order) -> Result<()>) -> Result<()>;

    /// The reviews of one item, newest first (undated reviews last).
    fn reviews_of_item(&self, item: &ExternalId) -> Result<Vec<Review>>;

    /// The latest `limit` events of one user, newest first.
    fn events_of_user(&self, user: &ExternalId, limit: usize) -> Result<Vec<Event>>;

    /// Items in index order, after the cursor (an item index), at most `limit`. Items withdrawn
    /// by [`Store::delete_item`] are skipped, so a page may jump over indexes.
    fn list_items(&self, after: Option<u32>, limit: usize) -> Result<Vec<(u32, Item)>>;

    /// Every order that was not cancelled or returned, as the distinct item indexes of its
    /// lines, oldest first: the baskets "bought together" models learn from.
    fn baskets(&self) -> Result<Vec<Vec<u32>>>;

    /// The dense index of an item (withdrawn items keep theirs).
    fn item_index(&self, id: &ExternalId) -> Result<Option<u32>>;

    /// The dense index of a user (`None` once the user was erased).
    fn user_index(&self, id: &ExternalId) -> Result<Option<u32>>;

    /// Erases a shopper (the right to erasure), in one transaction: their user document, all
    /// their events, their orders (lines included) and their reviews. Returns what was removed,
    /// or `None` when no user has this id (so a second call returns `None`).
    ///
    /// The user's dense index is never handed to anyone again, since models store indexes: the
    /// index row stays, with the external id replaced by a marker no valid id can equal and
    /// every other field dropped. Nothing left in the store names the shopper: afterwards
    /// [`Store::user`] and [`Store::user_index`] return `None`, [`Store::counts`] counts one user
    /// fewer (and none of the removed records), and the user's row of the interaction matrix
    /// stays, empty, so the other rows keep their numbers. A later write naming the same id
    /// creates a new user with a new index: the shopper comes back as a stranger, and a model
    /// trained before the erasure cannot tie them to what was erased.
    ///
    /// Not erased: events of anonymous sessions (the store cannot tell whose they were), orders
    /// and reviews without a user, and the items the shopper touched. Re-importing the source
    /// files that held the shopper brings them back, as that new user.
    ///
    /// The embedded store zeroes the freed bytes in its file. PostgreSQL leaves old row
    /// versions on disk until vacuum frees their space and later writes reuse it; run
    /// `VACUUM FULL` on the affected tables when the erased data must leave the disk at once.
    fn delete_user(&self, id: &ExternalId) -> Result<Option<DeletedUser>>;

    /// Withdraws an item from the catalog: its document is dropped, so [`Store::item`] returns
    /// `None` and [`Store::list_items`] (which the engine builds its recommendable items from)
    /// skips it. Returns false when there is no such item or it was already withdrawn.
    ///
    /// The item keeps its record: its id and dense index (so [`Store::item_index`] still
    /// answers, matrix columns stay where they are, and the item still counts in
    /// [`Store::counts`]), and the behaviour data naming it (events, order lines, reviews),
    /// which is history. Behaviour data written later does not bring the item back; a catalog
    /// write of the item does, at the same index.
    fn delete_item(&self, id: &ExternalId) -> Result<bool>;

    /// How many records of each kind the store holds.
    fn counts(&self) -> Result<Counts>;

    /// The time of the newest stored event; `None` when there is none.
    fn newest_event_time(&self) -> Result<Option<Timestamp>>;

    /// The events at or after `since` and before `until`, by UTC day and kind, and the distinct
    /// shoppers of each kind among them. Reads every event in the window (there is no index by
    /// time): callers that poll should cache the answer.
    fn activity(&self, since: Timestamp, until: Timestamp) -> Result<Activity>;

    /// Users in index order, after the cursor (a user index), at most `limit`, each with the
    /// number of events stored for them. Erased users are skipped. With `matching`, only users
    /// whose id contains it, ignoring the case of ASCII letters.
    fn list_users(
        &self,
        after: Option<u32>,
        limit: usize,
        matching: Option<&str>,
    ) -> Result<Vec<UserSummary>>;

    /// Catalog items whose id or title contains `text`, ignoring the case of ASCII letters, in
    /// index order, at most `limit` (every item when `text` is empty). Withdrawn items are
    /// skipped.
    fn search_items(&self, text: &str, limit: usize) -> Result<Vec<Item>>;

    /// The user (and optionally session) by item matrix of every event that names an item.
    fn interaction_matrix(&self, options: &MatrixOptions) -> Result<InteractionMatrix>;

    /// Does the index upkeep that writes deferred, now; returns how many events it indexed.
    /// Reads never wait for it; this only moves work to a time the caller chooses, such as the
    /// end of an import.
    ///
    /// The embedded store writes new events of users to a staged tail that its by-user index
    /// does not cover yet (reads by user look there too), and a write merges the tail into the
    /// index once it holds 250,000 events or a quarter of the stored events, whichever is more;
    /// this merges it at once. PostgreSQL indexes
    /// every event as it is written: it returns 0.
    fn merge_staged_events(&self) -> Result<u64>;

    /// Makes the next write or deletion fail just before it commits, to test that failed
    /// writes leave nothing behind. Returns false if the backend does not support it.
    #[doc(hidden)]
    fn fail_next_write_for_tests(&self) -> bool {
        false
    }
}

#[cfg(test)]
mod tests {
    use super::WriteReport;

    #[test]
    fn duplicate_positions_stay_out_of_json_when_empty() {
        let json = |r: &WriteReport| serde_json::to_value(r).expect("serializes");
        let mut report = WriteReport { events_duplicate: 2, ..WriteReport::default() };
        assert!(json(&report).get("duplicate_events").is_none());
        report.duplicate_events = vec![1, 3];
        assert_eq!(json(&report)["duplicate_events"], serde_json::json!([1, 3]));
    }

    #[test]
    fn a_sum_of_reports_counts_duplicates_but_names_no_positions() {
        let one = WriteReport {
            events_inserted: 2,
            events_duplicate: 2,
            duplicate_events: vec![1, 3],
            ..WriteReport::default()
        };
        let mut sum = one.clone();
        sum += one;
        let expected =
            WriteReport { events_inserted: 4, events_duplicate: 4, ..WriteReport::default() };
        assert_eq!(sum, expected);
    }
}
