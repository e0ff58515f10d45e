//! The set of stored event keys, held in memory by the embedded store's writer, so that keeping
//! one event per id costs a hash lookup instead of a unique index.
//!
//! A unique index on random 128-bit keys made every event insert touch a random index page; it
//! cost a third of an import's time. The keys still live in the events table (`id_hi`, `id_lo`),
//! so the set can always be rebuilt: it is loaded on the first write and caught up at the start
//! of every write transaction with the rows another process may have added. Events are deleted
//! only by user erasures; the writer that erases removes the keys itself ([`EventKeys::deleted`]),
//! and an erasure by another process (seen as a changed count of erased users) makes the set
//! rebuild, since SQLite may then hand the deleted rowids out again.
//! Memory: about 30 bytes per stored event (300 MB at 10 million events), held by the process
//! that writes; shops past that size belong on PostgreSQL, which keeps a unique index.

use std::collections::HashSet;

use rusqlite::Connection;

use crate::plan::{EventKey, KeyHasher};

/// Stored event keys and how far into the events table they reach.
#[derive(Default)]
pub(super) struct EventKeys {
    keys: HashSet<EventKey, KeyHasher>,
    /// The largest rowid whose key is in `keys`.
    max_rowid: i64,
    /// The number of events when `keys` was last synchronised; a drop means rows were deleted.
    total: i64,
    /// The number of erased users when `keys` was last synchronised; a change means another
    /// process deleted events, which counts and rowids alone may not show.
    erased_users: i64,
}

impl EventKeys {
    /// Catches up with the events table, inside the caller's write transaction.
    pub(super) fn refresh(&mut self, conn: &Connection) -> rusqlite::Result<()> {
        let (max_rowid, total, erased_users): (i64, i64, i64) = conn.query_row(
            &format!(
                "SELECT (SELECT coalesce(max(rowid), 0) FROM events),
                        (SELECT coalesce(sum(n), 0) FROM event_counts),
                        {}",
                super::write::ERASED_USERS
            ),
            [],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )?;
        if max_rowid == self.max_rowid && total == self.total && erased_users == self.erased_users {
            return Ok(());
        }
        if max_rowid < self.max_rowid || total < self.total || erased_users != self.erased_users {
            // Rows were deleted: rebuild from scratch rather than guess which.
            *self = Self::default();
        }
        let mut stmt = conn.prepare("SELECT id_hi, id_lo FROM events WHERE rowid > ?1")?;
        let mut rows = stmt.query([self.max_rowid])?;
        while let Some(row) = rows.next()? {
            self.keys.insert(join_halves(row.get(0)?, row.get(1)?));
        }
        self.max_rowid = max_rowid;
        self.total = total;
        self.erased_users = erased_users;
        Ok(())
    }

    /// True when the set holds keys worth keeping in step with an erasure. Skipping the upkeep
    /// is always safe (the changed count of erased users makes the next write rebuild the set),
    /// so a set never loaded is left for that write instead of being loaded only to be trimmed.
    pub(super) fn has_keys(&self) -> bool {
        !self.keys.is_empty()
    }

    /// True when an event with this key is stored.
    pub(super) fn contains(&self, key: &EventKey) -> bool {
        self.keys.contains(key)
    }

    /// Records keys written by a transaction that has committed.
    pub(super) fn committed(&mut self, keys: Vec<EventKey>, max_rowid: i64) {
        self.total += keys.len() as i64;
        self.keys.extend(keys);
        self.max_rowid = self.max_rowid.max(max_rowid);
    }

    /// Records a committed erasure that deleted the events with these keys, after which the
    /// largest rowid in the table is `max_rowid`. The set must have been refreshed inside the
    /// erasing transaction, so that it was exact before the deletion.
    pub(super) fn deleted(&mut self, keys: &[EventKey], max_rowid: i64) {
        for key in keys {
            self.keys.remove(key);
        }
        self.total -= keys.len() as i64;
        self.max_rowid = max_rowid;
        self.erased_users += 1;
    }

    /// Forgets everything, so the next write reloads (after a commit whose outcome is unknown).
    pub(super) fn invalidate(&mut self) {
        *self = Self::default();
    }
}

/// The event key as the two integer columns SQLite stores it in.
pub(super) fn key_halves(key: &EventKey) -> (i64, i64) {
    let (hi, lo) = key.split_at(8);
    let half = |b: &[u8]| i64::from_be_bytes(b.try_into().unwrap_or([0; 8]));
    (half(hi), half(lo))
}

pub(super) fn join_halves(hi: i64, lo: i64) -> EventKey {
    let mut key = [0u8; 16];
    key[..8].copy_from_slice(&hi.to_be_bytes());
    key[8..].copy_from_slice(&lo.to_be_bytes());
    key
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn halves_round_trip() {
        let key = crate::plan::event_key("olr:536365:1");
        let (hi, lo) = key_halves(&key);
        assert_eq!(join_halves(hi, lo), key);
    }
}
