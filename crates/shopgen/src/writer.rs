//! Writing a session's records: numbering events, orders and reviews, and filling each event's
//! actor, time and context.
//!
//! Holds no behaviour of its own; `sessions` and `orders` decide what happens, this only turns
//! it into domain records, as cheaply as possible (ids are cloned, never formatted, except the
//! event's own number).

use aisle_domain::{Actor, Batch, Event, EventContext, EventKind, ExternalId, Timestamp};

use crate::ids::numbered_id;
use crate::Error;

/// A minute, in milliseconds.
pub(crate) const MINUTE: i64 = 60_000;
/// An hour, in milliseconds.
pub(crate) const HOUR: i64 = 60 * MINUTE;
/// A day, in milliseconds.
pub(crate) const DAY: i64 = 24 * HOUR;

/// Running counts, which also number the records.
#[derive(Debug, Default)]
pub(crate) struct Tally {
    /// Events so far (the next event is `e-{events}`).
    pub events: u64,
    /// Views so far.
    pub views: u64,
    /// Orders so far.
    pub orders: u64,
    /// Reviews so far.
    pub reviews: u64,
}

/// The optional fields of an event.
#[derive(Debug, Default)]
pub(crate) struct Extra {
    /// Stars of a rating or review.
    pub value: Option<f64>,
    /// Units carted, bought or returned.
    pub quantity: Option<i64>,
    /// Unit price.
    pub price: Option<f64>,
    /// Search text.
    pub query: Option<String>,
}

/// Appends one actor's records to the batch.
#[derive(Debug)]
pub(crate) struct Writer<'a> {
    /// Where records go.
    pub out: &'a mut Batch,
    /// Counts so far, which number the records.
    pub tally: &'a mut Tally,
    /// Item ids by index.
    pub item_ids: &'a [ExternalId],
    /// Who acts.
    pub actor: Actor,
    /// Device class of the session.
    pub device: &'static str,
    /// Where the session came from.
    pub referrer: &'static str,
}

impl Writer<'_> {
    /// Appends one event.
    pub(crate) fn event(
        &mut self,
        kind: EventKind,
        item: Option<u32>,
        at: i64,
        page: &'static str,
        extra: Extra,
    ) -> Result<(), Error> {
        let id = numbered_id("e-", self.tally.events, 0);
        self.tally.events += 1;
        let mut event = Event::new(id, self.actor.clone(), kind, stamp(at)?);
        event.item = item.map(|i| self.item_ids[i as usize].clone());
        event.value = extra.value;
        event.quantity = extra.quantity;
        event.price = extra.price;
        event.query = extra.query;
        event.context = EventContext {
            device: Some(self.device.to_string()),
            page: Some(page.to_string()),
            referrer: Some(self.referrer.to_string()),
        };
        self.out.events.push(event);
        Ok(())
    }
}

/// Checks a generated time; out of range only if the configured period runs past 2100.
pub(crate) fn stamp(millis: i64) -> Result<Timestamp, Error> {
    Timestamp::from_millis(millis).map_err(|e| {
        Error::Config(format!("the shop's period reaches {millis} ms, which is invalid ({e}); choose an earlier start or fewer days"))
    })
}
