//! Turning a [`Batch`] into the rows a backend writes: the write logic both backends share.
//!
//! Planning resolves external ids to dense indexes (creating bare items and users for ids first
//! seen in behaviour data), decides for every document whether it is new, changed or unchanged,
//! and drops events repeated within the batch. The backend then applies the [`Plan`] in one
//! transaction and tells which events were already stored.
//!
//! Planning reads the database only through [`Lookup`]; it writes nothing.

use std::collections::{HashMap, HashSet};

use aisle_domain::{Actor, Batch, Event, Item, Order, Review, User};
use serde::{de::DeserializeOwned, Serialize};

use crate::api::WriteReport;
use crate::error::Result;
use crate::ids::{Caches, Resolver};

/// The 16-byte key events are deduplicated by: xxh3-128 of the event id.
pub(crate) type EventKey = [u8; 16];

/// The dedupe key of an event id.
pub(crate) fn event_key(id: &str) -> EventKey {
    xxhash_rust::xxh3::xxh3_128(id.as_bytes()).to_be_bytes()
}

/// Hashes event keys, which are already uniformly random, by taking their first eight bytes:
/// SipHash would spend more time than the rest of the dedupe check.
#[derive(Debug, Default, Clone, Copy)]
pub(crate) struct KeyHasher;

impl std::hash::BuildHasher for KeyHasher {
    type Hasher = FirstWord;
    fn build_hasher(&self) -> FirstWord {
        FirstWord(0)
    }
}

/// See [`KeyHasher`].
#[derive(Debug)]
pub(crate) struct FirstWord(u64);

impl std::hash::Hasher for FirstWord {
    fn write(&mut self, bytes: &[u8]) {
        // Array hashing writes a length first (through write_usize), then the bytes.
        if let Some(word) = bytes.get(..8).and_then(|b| <[u8; 8]>::try_from(b).ok()) {
            self.0 ^= u64::from_le_bytes(word);
        }
    }
    fn write_usize(&mut self, _: usize) {}
    fn finish(&self) -> u64 {
        self.0
    }
}

/// What planning needs to read from the database, inside the write transaction.
pub(crate) trait Lookup {
    /// Stored documents of items, by index (only indexes that exist are asked for).
    fn item_docs(&mut self, idxs: &[u32]) -> Result<HashMap<u32, String>>;
    /// Stored documents of users, by index.
    fn user_docs(&mut self, idxs: &[u32]) -> Result<HashMap<u32, String>>;
    /// Stored documents of orders, by external id (absent ones are left out).
    fn order_docs(&mut self, ids: &[&str]) -> Result<HashMap<String, String>>;
    /// Stored documents of reviews, by external id.
    fn review_docs(&mut self, ids: &[&str]) -> Result<HashMap<String, String>>;
    /// Which of these event keys are already stored.
    fn stored_events(&mut self, keys: &[EventKey]) -> Result<HashSet<EventKey>>;
}

/// An item or user row.
#[derive(Debug)]
pub(crate) struct DocRow {
    pub(crate) idx: u32,
    pub(crate) ext_id: String,
    pub(crate) doc: String,
}

/// An event row, borrowing its text from the batch (imports write millions of these).
#[derive(Debug)]
pub(crate) struct EventRow<'a> {
    /// The event's position in `batch.events`.
    pub(crate) pos: usize,
    pub(crate) key: EventKey,
    pub(crate) ext_id: &'a str,
    pub(crate) user: Option<u32>,
    pub(crate) session: Option<u32>,
    pub(crate) item: Option<u32>,
    pub(crate) kind: u8,
    pub(crate) millis: i64,
    pub(crate) value: Option<f64>,
    pub(crate) quantity: Option<i64>,
    pub(crate) price: Option<f64>,
    pub(crate) query: Option<&'a str>,
    /// JSON, or `None` when the context is empty.
    pub(crate) context: Option<String>,
}

/// An order row.
#[derive(Debug)]
pub(crate) struct OrderRow {
    pub(crate) ext_id: String,
    pub(crate) user: Option<u32>,
    pub(crate) created_at: i64,
    pub(crate) doc: String,
}

/// A review row.
#[derive(Debug)]
pub(crate) struct ReviewRow {
    pub(crate) ext_id: String,
    pub(crate) user: Option<u32>,
    pub(crate) item: u32,
    pub(crate) created_at: Option<i64>,
    pub(crate) doc: String,
}

/// Ids a write created, merged into the caches once it commits.
#[derive(Debug, Default)]
pub(crate) struct CreatedIds {
    pub(crate) items: Vec<(String, u32)>,
    pub(crate) users: Vec<(String, u32)>,
    pub(crate) sessions: Vec<(String, u32)>,
}

impl CreatedIds {
    /// Merges the ids into the caches (call only after commit).
    pub(crate) fn merge_into(self, caches: &mut Caches) {
        caches.items.merge(self.items);
        caches.users.merge(self.users);
        caches.sessions.merge(self.sessions);
    }
}

/// Everything one write does, ready to apply.
#[derive(Debug, Default)]
pub(crate) struct Plan<'a> {
    pub(crate) item_inserts: Vec<DocRow>,
    pub(crate) item_updates: Vec<DocRow>,
    pub(crate) user_inserts: Vec<DocRow>,
    pub(crate) user_updates: Vec<DocRow>,
    pub(crate) session_inserts: Vec<(u32, String)>,
    /// Events not repeated within the batch; some may already be stored.
    pub(crate) events: Vec<EventRow<'a>>,
    pub(crate) order_inserts: Vec<OrderRow>,
    pub(crate) order_updates: Vec<OrderRow>,
    pub(crate) review_inserts: Vec<ReviewRow>,
    pub(crate) review_updates: Vec<ReviewRow>,
    /// Counts of everything but the events the backend finds already stored; the positions of
    /// the duplicates planning found, ascending.
    pub(crate) report: WriteReport,
    pub(crate) created: CreatedIds,
}

impl Plan<'_> {
    /// The report of a write that applied this plan and skipped `stored`, the positions in the
    /// batch of the planned events found already stored (in any order); the others were
    /// inserted.
    pub(crate) fn report(&self, stored: Vec<usize>) -> WriteReport {
        let mut report = self.report.clone();
        report.events_inserted = (self.events.len() - stored.len()) as u64;
        report.events_duplicate += stored.len() as u64;
        let positions = &mut report.duplicate_events;
        if positions.is_empty() {
            *positions = stored;
        } else {
            positions.extend(stored);
        }
        if !positions.is_sorted() {
            // Positions are distinct and below the batch length, so marking them sorts in one
            // pass: a re-import of a 50,000-event batch skips every event.
            let mut skipped = vec![false; positions.iter().max().map_or(0, |&p| p + 1)];
            for &p in positions.iter() {
                if let Some(s) = skipped.get_mut(p) {
                    *s = true;
                }
            }
            positions.clear();
            positions.extend(skipped.iter().enumerate().filter(|(_, &s)| s).map(|(p, _)| p));
        }
        report
    }
}

/// Counts a document write: (inserted, updated, unchanged).
#[derive(Debug, Default, Clone, Copy)]
struct Tally(u64, u64, u64);

/// Documents to insert, documents to update (each with its key and serialized form), counts.
type Finished<K, T> = (Vec<(K, T, String)>, Vec<(K, T, String)>, Tally);

/// The documents of one kind touched by a write, keyed by index or id, with what was stored
/// before the write.
struct Touched<K, T> {
    order: Vec<K>,
    latest: HashMap<K, (T, bool)>,
    stored: HashMap<K, String>,
    tally: Tally,
}

impl<K: std::hash::Hash + Eq + Clone, T: PartialEq + DeserializeOwned + Serialize> Touched<K, T> {
    fn new(stored: HashMap<K, String>) -> Self {
        Self { order: Vec::new(), latest: HashMap::new(), stored, tally: Tally::default() }
    }

    /// Records a new version of a document; `new` says whether the record is new to the store.
    fn put(&mut self, key: K, value: T, new: bool) -> Result<()> {
        if let Some((previous, _)) = self.latest.get_mut(&key) {
            if *previous == value {
                self.tally.2 += 1;
            } else {
                self.tally.1 += 1;
                *previous = value;
            }
            return Ok(());
        }
        let before: Option<T> = match self.stored.get(&key) {
            Some(doc) if !new => Some(serde_json::from_str(doc)?),
            _ => None,
        };
        match before {
            None if new => self.tally.0 += 1,
            None => self.tally.1 += 1,
            Some(b) if b == value => self.tally.2 += 1,
            Some(_) => self.tally.1 += 1,
        }
        self.order.push(key.clone());
        self.latest.insert(key, (value, new));
        Ok(())
    }

    /// Records a bare document for a record first seen in this write, unless one is there.
    fn put_bare(&mut self, key: K, bare: impl FnOnce() -> T) -> Result<()> {
        if self.latest.contains_key(&key) {
            return Ok(());
        }
        self.put(key, bare(), true)
    }

    /// The documents to insert and to update, in first-touch order, each serialized.
    fn finish(mut self) -> Result<Finished<K, T>> {
        let (mut inserts, mut updates) = (Vec::new(), Vec::new());
        for key in self.order {
            let Some((value, new)) = self.latest.remove(&key) else { continue };
            let doc = serde_json::to_string(&value)?;
            if new {
                inserts.push((key, value, doc));
            } else if self.stored.get(&key) != Some(&doc) {
                updates.push((key, value, doc));
            }
        }
        Ok((inserts, updates, self.tally))
    }
}

/// Plans a write. `caches` must be fresh (checked against the database in this transaction).
pub(crate) fn plan<'a>(
    batch: &'a Batch,
    caches: &Caches,
    lookup: &mut dyn Lookup,
) -> Result<Plan<'a>> {
    let mut items = Resolver::new(&caches.items);
    let mut users = Resolver::new(&caches.users);
    let mut sessions = Resolver::new(&caches.sessions);

    let known: Vec<u32> = batch.items.iter().filter_map(|i| items.get(i.id.as_str())).collect();
    let mut item_docs: Touched<u32, Item> = Touched::new(lookup.item_docs(&known)?);
    let known: Vec<u32> = batch.users.iter().filter_map(|u| users.get(u.id.as_str())).collect();
    let mut user_docs: Touched<u32, User> = Touched::new(lookup.user_docs(&known)?);

    for item in &batch.items {
        let (idx, new) = items.resolve(item.id.as_str());
        item_docs.put(idx, item.clone(), new)?;
    }
    for user in &batch.users {
        let (idx, new) = users.resolve(user.id.as_str());
        user_docs.put(idx, user.clone(), new)?;
    }

    // Resolves an id, creating a bare record for one never seen.
    macro_rules! bare_item {
        ($id:expr) => {{
            let id: &aisle_domain::ExternalId = $id;
            let (idx, new) = items.resolve(id.as_str());
            if new {
                item_docs.put_bare(idx, || Item::new(id.clone()))?;
            }
            idx
        }};
    }
    macro_rules! bare_user {
        ($id:expr) => {{
            let id: &aisle_domain::ExternalId = $id;
            let (idx, new) = users.resolve(id.as_str());
            if new {
                user_docs.put_bare(idx, || User::new(id.clone()))?;
            }
            idx
        }};
    }

    let mut plan = Plan::default();
    let mut seen: HashSet<EventKey, KeyHasher> =
        HashSet::with_capacity_and_hasher(batch.events.len(), KeyHasher);
    plan.events.reserve(batch.events.len());
    for (pos, event) in batch.events.iter().enumerate() {
        let key = event_key(event.id.as_str());
        if !seen.insert(key) {
            plan.report.events_duplicate += 1;
            plan.report.duplicate_events.push(pos);
            continue;
        }
        let known_actor = match &event.actor {
            Actor::User(id) => users.get(id.as_str()),
            Actor::Session(id) => sessions.get(id.as_str()),
        };
        let known_item = event.item.as_ref().map(|id| items.get(id.as_str()));
        // An event naming an id never seen would create a bare record; if the event itself is
        // a stored duplicate that record must not appear, so look it up first. This happens
        // once per new id; every other stored duplicate is caught by the backend's unique key.
        let all_known = known_actor.is_some() && known_item.is_none_or(|i| i.is_some());
        if !all_known && lookup.stored_events(&[key])?.contains(&key) {
            plan.report.events_duplicate += 1;
            plan.report.duplicate_events.push(pos);
            continue;
        }
        let (user, session) = match &event.actor {
            Actor::User(id) => match known_actor {
                Some(idx) => (Some(idx), None),
                None => (Some(bare_user!(id)), None),
            },
            Actor::Session(id) => match known_actor {
                Some(idx) => (None, Some(idx)),
                None => (None, Some(session_index(&mut sessions, id.as_str(), &mut plan))),
            },
        };
        let item = match (&event.item, known_item.flatten()) {
            (Some(_), Some(idx)) => Some(idx),
            (Some(id), None) => Some(bare_item!(id)),
            (None, _) => None,
        };
        plan.events.push(event_row(event, pos, key, user, session, item)?);
    }

    let ids: Vec<&str> = batch.orders.iter().map(|o| o.id.as_str()).collect();
    let mut order_docs: Touched<String, Order> = Touched::new(lookup.order_docs(&ids)?);
    let mut order_users: HashMap<String, Option<u32>> = HashMap::new();
    for order in &batch.orders {
        let user = match &order.user {
            Some(id) => Some(bare_user!(id)),
            None => None,
        };
        for line in &order.lines {
            bare_item!(&line.item);
        }
        let key = order.id.as_str().to_string();
        let new = !order_docs.stored.contains_key(&key);
        order_users.insert(key.clone(), user);
        order_docs.put(key, order.clone(), new)?;
    }

    let ids: Vec<&str> = batch.reviews.iter().map(|r| r.id.as_str()).collect();
    let mut review_docs: Touched<String, Review> = Touched::new(lookup.review_docs(&ids)?);
    let mut review_refs: HashMap<String, (Option<u32>, u32)> = HashMap::new();
    for review in &batch.reviews {
        let user = match &review.user {
            Some(id) => Some(bare_user!(id)),
            None => None,
        };
        let item = bare_item!(&review.item);
        let key = review.id.as_str().to_string();
        let new = !review_docs.stored.contains_key(&key);
        review_refs.insert(key.clone(), (user, item));
        review_docs.put(key, review.clone(), new)?;
    }

    let r = &mut plan.report;
    let (ins, upd, t) = item_docs.finish()?;
    (r.items_inserted, r.items_updated, r.items_unchanged) = (t.0, t.1, t.2);
    plan.item_inserts = doc_rows(ins, |i| i.id.as_str());
    plan.item_updates = doc_rows(upd, |i| i.id.as_str());
    let (ins, upd, t) = user_docs.finish()?;
    (r.users_inserted, r.users_updated, r.users_unchanged) = (t.0, t.1, t.2);
    plan.user_inserts = doc_rows(ins, |u| u.id.as_str());
    plan.user_updates = doc_rows(upd, |u| u.id.as_str());

    let (ins, upd, t) = order_docs.finish()?;
    (r.orders_inserted, r.orders_updated, r.orders_unchanged) = (t.0, t.1, t.2);
    let order_row = |(key, order, doc): (String, Order, String)| OrderRow {
        user: order_users.get(&key).copied().flatten(),
        created_at: order.created_at.millis(),
        ext_id: key,
        doc,
    };
    plan.order_inserts = ins.into_iter().map(order_row).collect();
    plan.order_updates = upd.into_iter().map(order_row).collect();

    let (ins, upd, t) = review_docs.finish()?;
    (r.reviews_inserted, r.reviews_updated, r.reviews_unchanged) = (t.0, t.1, t.2);
    let review_row = |(key, review, doc): (String, Review, String)| {
        let (user, item) = review_refs.get(&key).copied().unwrap_or((None, 0));
        ReviewRow {
            user,
            item,
            created_at: review.created_at.map(|t| t.millis()),
            ext_id: key,
            doc,
        }
    };
    plan.review_inserts = ins.into_iter().map(review_row).collect();
    plan.review_updates = upd.into_iter().map(review_row).collect();

    plan.created = CreatedIds {
        items: items.into_created(),
        users: users.into_created(),
        sessions: sessions.into_created(),
    };
    Ok(plan)
}

fn session_index(sessions: &mut Resolver<'_>, id: &str, plan: &mut Plan) -> u32 {
    let (idx, new) = sessions.resolve(id);
    if new {
        plan.session_inserts.push((idx, id.to_string()));
    }
    idx
}

fn event_row(
    e: &Event,
    pos: usize,
    key: EventKey,
    user: Option<u32>,
    session: Option<u32>,
    item: Option<u32>,
) -> Result<EventRow<'_>> {
    let context =
        if e.context.is_empty() { None } else { Some(serde_json::to_string(&e.context)?) };
    Ok(EventRow {
        pos,
        key,
        ext_id: e.id.as_str(),
        user,
        session,
        item,
        kind: e.kind.code(),
        millis: e.timestamp.millis(),
        value: e.value,
        quantity: e.quantity,
        price: e.price,
        query: e.query.as_deref(),
        context,
    })
}

fn doc_rows<T>(rows: Vec<(u32, T, String)>, id: impl Fn(&T) -> &str) -> Vec<DocRow> {
    rows.into_iter()
        .map(|(idx, value, doc)| DocRow { idx, ext_id: id(&value).to_string(), doc })
        .collect()
}
