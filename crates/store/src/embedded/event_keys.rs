//! The set of stored event keys, held in memory by the embedded store's writer, so that keeping
//! one event per id costs a hash lookup instead of a unique index.
//!
//! A unique index on random 128-bit keys made every event insert touch a random index page; it
//! cost a third of an import's time. The keys still live in the events table (`id_hi`, `id_lo`),
//! so the set can always be rebuilt: it is loaded on the first write and caught up at the start
//! of every write transaction with the rows another process may have added (rowids only grow).
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
}

impl EventKeys {
    /// Catches up with the events table, inside the caller's write transaction.
    pub(super) fn refresh(&mut self, conn: &Connection) -> rusqlite::Result<()> {
        let (max_rowid, total): (i64, i64) = conn.query_row(
            "SELECT (SELECT coalesce(max(rowid), 0) FROM events),
                    (SELECT coalesce(sum(n), 0) FROM event_counts)",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )?;
        if max_rowid == self.max_rowid && total == self.total {
            return Ok(());
        }
        if max_rowid < self.max_rowid || total < self.total {
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
        Ok(())
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

fn join_halves(hi: i64, lo: i64) -> EventKey {
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
