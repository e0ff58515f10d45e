//! A deterministic, realistic demo shop: a bilingual (Chinese and English) catalog, shoppers
//! with hidden tastes, and months of sessions (views, clicks, searches, carts, purchases,
//! orders, ratings, reviews and returns), streamed as [`Batch`]es.
//!
//! The demo, the dashboard and the recommender benchmarks run on this shop, so its structure
//! is meant to be learnable: item popularity is Zipf-like, each shopper prefers two or three
//! leaves of the category tree and a price level, sessions drift between related items, and
//! ratings follow a latent item quality.
//!
//! The same [`ShopConfig`] always produces byte-identical records, whatever the batch size:
//! every session draws from its own random stream, keyed by the seed and its place in the
//! schedule. Nothing is held beyond the catalog, the shoppers' profiles and the schedule, so
//! ten million events stream in constant memory per batch.
//!
//! This crate does no IO: what happens to each batch is the caller's business.
//!
//! ```
//! use aisle_shopgen::{generate, ShopConfig};
//! let config = ShopConfig::new(2_000, 42);
//! let mut events = 0;
//! let summary = generate(&config, 500, &mut |batch| {
//!     events += batch.events.len() as u64;
//!     Ok(())
//! })
//! .expect("generates");
//! assert_eq!(summary.events, events);
//! assert!(summary.items >= 50 && summary.users >= 20);
//! ```

mod catalog;
mod dist;
mod ids;
mod orders;
mod schedule;
mod sessions;
mod shoppers;
mod taxonomy;
mod text;
mod writer;
mod zipf;

#[cfg(test)]
mod tests;

use aisle_domain::{Batch, Timestamp};

use crate::catalog::Catalog;
use crate::sessions::{simulate, Pace, Scratch, World};
use crate::shoppers::Shoppers;
use crate::writer::Tally;

/// 2026-08-01T00:00:00Z, in seconds.
const DEFAULT_START_SECS: i64 = 1_785_542_400;
/// Default length of the period, in days.
const DEFAULT_DAYS: u32 = 90;
/// Largest shop this generator agrees to make: the schedule takes ~16 bytes a session.
const MAX_EVENTS: u64 = 100_000_000;
/// Events a session yields on average, to size the schedule; the actual count is steered.
const EVENTS_PER_SESSION: u64 = 12;
/// Events per view before any has been seen (views bring clicks, carts, purchases...).
const INITIAL_EVENTS_PER_VIEW: f64 = 1.5;
/// How many views the initial guess above is worth against the views actually seen.
const PRIOR_VIEWS: f64 = 50.0;
/// The last sessions take a set number of views, so a small shop lands on its target.
const EXACT_TAIL_SESSIONS: u64 = 8;
const DAY_MILLIS: i64 = 86_400_000;
/// Most signed-in users a shop may be asked for.
pub const MAX_USERS: u64 = 2_000_000;
/// Most catalog items a shop may be asked for.
pub const MAX_ITEMS: u64 = 200_000;

/// What shop to generate.
#[derive(Debug, Clone)]
pub struct ShopConfig {
    /// The seed: same seed, same shop.
    pub seed: u64,
    /// About this many events (the result is within a few percent).
    pub events: u64,
    /// Start of the period.
    pub start: Timestamp,
    /// Length of the period in days.
    pub days: u32,
    /// Signed-in users instead of the count scaled to `events` (20 to 2,000,000).
    pub users: Option<u64>,
    /// Catalog items instead of the count scaled to `events` (50 to 200,000).
    pub items: Option<u64>,
}

impl ShopConfig {
    /// A shop of about `events` events over 90 days from 2026-08-01, with users and items
    /// scaled to the event count.
    pub fn new(events: u64, seed: u64) -> Self {
        // The literal is in range, so the fallback is never taken.
        let start = Timestamp::from_secs(DEFAULT_START_SECS).unwrap_or(Timestamp::EPOCH);
        Self { seed, events, start, days: DEFAULT_DAYS, users: None, items: None }
    }

    /// Signed-in users: as set, or one per 40 events, from 20 to 500,000.
    pub fn users(&self) -> u64 {
        self.users.unwrap_or((self.events / 40).clamp(20, 500_000))
    }

    /// Catalog items: as set, or one per 200 events, from 50 to 50,000.
    pub fn items(&self) -> u64 {
        self.items.unwrap_or((self.events / 200).clamp(50, 50_000))
    }

    fn check(&self, batch_events: usize) -> Result<(), Error> {
        if batch_events == 0 {
            return Err(Error::Config(
                "batch_events is 0; ask for at least 1 event per batch".into(),
            ));
        }
        if self.events == 0 || self.events > MAX_EVENTS {
            return Err(Error::Config(format!(
                "events is {}; ask for 1 to {MAX_EVENTS} events",
                self.events
            )));
        }
        if !(20..=MAX_USERS).contains(&self.users()) {
            return Err(Error::Config(format!(
                "users is {}; ask for 20 to {MAX_USERS} users",
                self.users()
            )));
        }
        if !(50..=MAX_ITEMS).contains(&self.items()) {
            return Err(Error::Config(format!(
                "items is {}; ask for 50 to {MAX_ITEMS} items",
                self.items()
            )));
        }
        if self.days == 0 {
            return Err(Error::Config(
                "days is 0; the shop needs a period of at least 1 day".into(),
            ));
        }
        // Follow-ups stay inside the period, but sessions may run a little past its end.
        writer::stamp(self.end_millis() + 30 * DAY_MILLIS).map(|_| ())
    }

    fn end_millis(&self) -> i64 {
        self.start.millis() + i64::from(self.days) * DAY_MILLIS
    }
}

/// What [`generate`] produced.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct GenerateSummary {
    /// Catalog items.
    pub items: u64,
    /// Signed-in users.
    pub users: u64,
    /// Events of every kind.
    pub events: u64,
    /// Orders.
    pub orders: u64,
    /// Reviews.
    pub reviews: u64,
}

/// Why a shop could not be generated.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The configuration cannot make a shop; the message says which field and how to fix it.
    #[error("invalid shop configuration: {0}")]
    Config(String),
    /// The batch consumer failed; generation stopped there.
    #[error("the batch consumer failed: {0}")]
    Sink(#[source] Box<dyn std::error::Error + Send + Sync>),
}

/// Streams the shop as batches of about `batch_events` records: catalog items and users first,
/// then events, each session's orders and reviews in the same batch as its events. A batch ends
/// at a session boundary, so it may hold a few more records than asked.
///
/// Sessions come in order of their start time. A checkout's follow-ups (ratings, reviews,
/// returns, days later) travel with its session but carry their own, later, timestamps, so the
/// event stream is ordered by session, not strictly by time.
pub fn generate(
    config: &ShopConfig,
    batch_events: usize,
    on_batch: &mut dyn FnMut(Batch) -> Result<(), Box<dyn std::error::Error + Send + Sync>>,
) -> Result<GenerateSummary, Error> {
    config.check(batch_events)?;
    let start = config.start.millis();
    let catalog = Catalog::build(config.seed, config.items() as usize, start);
    let shoppers = Shoppers::build(config.seed, config.users() as usize, &catalog, start);
    let sessions = config.events.div_ceil(EVENTS_PER_SESSION) as usize;
    let slots = schedule::schedule(config.seed, sessions, &shoppers, start, config.days);

    let mut sink = Sink { batch: Batch::default(), batch_events, on_batch };
    for i in 0..catalog.len() {
        sink.batch.items.push(catalog.item_record(i));
        sink.flush_if_full()?;
    }
    for u in 0..shoppers.ids.len() {
        sink.batch.users.push(shoppers.user_record(u));
        sink.flush_if_full()?;
    }
    // Events start a fresh batch, so a consumer sees the whole catalog before any event.
    sink.flush()?;

    let world = World {
        catalog: &catalog,
        shoppers: &shoppers,
        seed: config.seed,
        end: config.end_millis(),
    };
    let mut tally = Tally::default();
    let mut scratch = Scratch::default();
    let target = config.events;
    for (index, slot) in slots.iter().enumerate() {
        if tally.events >= target {
            break;
        }
        let pace = steer(&tally, target, (slots.len() - index) as u64);
        simulate(&world, index as u64, *slot, pace, &mut tally, &mut scratch, &mut sink.batch)?;
        sink.flush_if_full()?;
    }
    sink.flush()?;
    Ok(GenerateSummary {
        items: catalog.len() as u64,
        users: shoppers.ids.len() as u64,
        events: tally.events,
        orders: tally.orders,
        reviews: tally.reviews,
    })
}

/// The pace of the next session, so the events still to come match the target: its mean views
/// are the events left, spread over the sessions left, divided by the events each view has
/// brought so far. Session lengths stay random (but never overshoot what is left); only the
/// last few are set exactly, which is what keeps a thousand-event shop within a few percent.
fn steer(tally: &Tally, target: u64, sessions_left: u64) -> Pace {
    let per_view = (tally.events as f64 + INITIAL_EVENTS_PER_VIEW * PRIOR_VIEWS)
        / (tally.views as f64 + PRIOR_VIEWS);
    let left = target.saturating_sub(tally.events) as f64;
    let views_left = (left / per_view).ceil().max(1.0);
    Pace {
        mean_views: (views_left / sessions_left.max(1) as f64).clamp(1.0, 40.0),
        max_views: views_left.min(f64::from(u32::MAX)) as u32,
        exact: sessions_left <= EXACT_TAIL_SESSIONS,
    }
}

/// Collects records and hands them on when a batch is full.
struct Sink<'a> {
    batch: Batch,
    batch_events: usize,
    on_batch: &'a mut dyn FnMut(Batch) -> Result<(), Box<dyn std::error::Error + Send + Sync>>,
}

impl Sink<'_> {
    fn flush_if_full(&mut self) -> Result<(), Error> {
        if self.batch.len() >= self.batch_events {
            self.flush()?;
        }
        Ok(())
    }

    fn flush(&mut self) -> Result<(), Error> {
        if self.batch.is_empty() {
            return Ok(());
        }
        let batch = std::mem::take(&mut self.batch);
        // Sized for the next batch, within reason: a caller asking for one huge batch should
        // not get a gigabyte reserved up front.
        self.batch.events.reserve(self.batch_events.min(65_536));
        (self.on_batch)(batch).map_err(Error::Sink)
    }
}
