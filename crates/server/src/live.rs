//! Behaviour newer than the serving snapshot, per shopper and per anonymous session, so that an
//! event changes the next recommendations at once, without retraining. Each entry carries the
//! sequence number of its event; when a new snapshot (which read the store at a known sequence
//! number) swaps in, entries it already contains are dropped.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Mutex;

use aisle_domain::ExternalId;
use aisle_engine::History;

/// One live interaction.
#[derive(Debug, Clone, Copy)]
struct Entry {
    sequence: u64,
    item: u32,
    weight: f32,
    millis: i64,
}

/// Live histories. Bounded per actor (the newest [`Live::PER_ACTOR`] interactions).
#[derive(Debug, Default)]
pub struct Live {
    next: AtomicU64,
    users: Mutex<HashMap<ExternalId, Vec<Entry>>>,
    sessions: Mutex<HashMap<ExternalId, Vec<Entry>>>,
    /// Items hidden since the snapshots were loaded.
    hidden: Mutex<std::collections::HashSet<ExternalId>>,
}

/// Whose history.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Who {
    /// A signed-in shopper.
    User,
    /// An anonymous session.
    Session,
}

impl Live {
    /// Most live interactions kept per shopper or session.
    pub const PER_ACTOR: usize = 200;

    /// The sequence number the next event will get: a snapshot loaded from now on contains
    /// every event numbered below it.
    pub fn mark(&self) -> u64 {
        self.next.load(Ordering::SeqCst)
    }

    /// Records an interaction.
    pub fn record(&self, who: Who, actor: &ExternalId, item: u32, weight: f32, millis: i64) {
        let sequence = self.next.fetch_add(1, Ordering::SeqCst);
        let map = self.map(who);
        let Ok(mut map) = map.lock() else { return };
        let entries = map.entry(actor.clone()).or_default();
        entries.push(Entry { sequence, item, weight, millis });
        if entries.len() > Self::PER_ACTOR {
            let excess = entries.len() - Self::PER_ACTOR;
            entries.drain(..excess);
        }
    }

    /// The live history of an actor.
    pub fn history(&self, who: Who, actor: &ExternalId) -> History {
        let mut history = History::default();
        if let Ok(map) = self.map(who).lock() {
            for e in map.get(actor).into_iter().flatten() {
                history.add(e.item, e.weight, e.millis);
            }
        }
        history
    }

    /// Drops what a snapshot loaded at `mark` already holds. Sessions are not in the training
    /// matrix unless configured, so their histories are kept.
    pub fn forget_before(&self, mark: u64) {
        if let Ok(mut map) = self.users.lock() {
            map.retain(|_, entries| {
                entries.retain(|e| e.sequence >= mark);
                !entries.is_empty()
            });
        }
    }

    /// Forgets a shopper's live history (erasure).
    pub fn forget_user(&self, user: &ExternalId) {
        if let Ok(mut map) = self.users.lock() {
            map.remove(user);
        }
    }

    /// Marks an item hidden until the next snapshot (which reads the flag from the store).
    pub fn hide(&self, item: ExternalId) {
        if let Ok(mut hidden) = self.hidden.lock() {
            hidden.insert(item);
        }
    }

    /// Whether an item was hidden since the snapshots were loaded.
    pub fn is_hidden(&self, item: &ExternalId) -> bool {
        self.hidden.lock().is_ok_and(|h| h.contains(item))
    }

    fn map(&self, who: Who) -> &Mutex<HashMap<ExternalId, Vec<Entry>>> {
        match who {
            Who::User => &self.users,
            Who::Session => &self.sessions,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn histories_are_per_actor_and_forgotten_once_a_snapshot_holds_them() {
        let live = Live::default();
        let a = ExternalId::parse("a").unwrap();
        let b = ExternalId::parse("b").unwrap();
        live.record(Who::User, &a, 1, 1.0, 10);
        let mark = live.mark();
        live.record(Who::User, &a, 2, 1.0, 20);
        live.record(Who::Session, &b, 3, 1.0, 30);
        assert_eq!(live.history(Who::User, &a).items, vec![1, 2]);
        assert!(live.history(Who::User, &b).is_empty());
        live.forget_before(mark);
        assert_eq!(live.history(Who::User, &a).items, vec![2]);
        assert_eq!(live.history(Who::Session, &b).items, vec![3]);
    }
}
