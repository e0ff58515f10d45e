//! The in-memory map from external ids to dense indexes that both backends keep, and the
//! per-transaction overlay that assigns new indexes.
//!
//! New indexes live in a [`Resolver`] until the transaction commits; only then are they merged
//! into the [`IdCache`] ([`IdCache::merge`]). A rolled-back write therefore leaves the cache as it
//! was, and the next write hands out the same indexes again. The cache is checked against the
//! database's next free index and number of erased ids at the start of every write, and reloaded
//! when another process has written or erased meanwhile. An erased id keeps its index under a
//! marker that no lookup can match ([`IdCache::erase`]), so the index is never handed out again.
//!
//! It does no IO itself.

use std::collections::HashMap;

/// External id to dense index, for one kind of record (items, users or sessions).
#[derive(Debug, Default)]
pub(crate) struct IdCache {
    map: HashMap<String, u32>,
    /// How many of the ids were erased (replaced by markers) when the cache was last in step
    /// with the database. An erasure changes no index, so without this count a cache loaded
    /// before another process erased an id would still look fresh and resolve that id to its
    /// old index.
    erased: u64,
    loaded: bool,
}

impl IdCache {
    /// True when the cache was loaded and holds exactly the `next_index` ids the database has
    /// (indexes are dense, so the count and the next free index agree), `erased` of them erased.
    pub(crate) fn is_fresh(&self, next_index: u32, erased: u64) -> bool {
        self.loaded && self.map.len() == next_index as usize && self.erased == erased
    }

    /// Replaces the whole cache with what the database holds (erased ids under their markers).
    pub(crate) fn reload(&mut self, pairs: impl IntoIterator<Item = (String, u32)>, erased: u64) {
        self.map = pairs.into_iter().collect();
        self.erased = erased;
        self.loaded = true;
    }

    /// Forgets everything, so the next write reloads from the database.
    pub(crate) fn invalidate(&mut self) {
        self.map.clear();
        self.erased = 0;
        self.loaded = false;
    }

    /// Records a committed erasure: `id` no longer resolves, and its index `idx` stays taken
    /// under `marker`. A cache that was not loaded is left for the next write to load.
    pub(crate) fn erase(&mut self, id: &str, idx: u32, marker: String) {
        if !self.loaded {
            return;
        }
        if self.map.get(id) == Some(&idx) {
            self.map.remove(id);
            self.map.insert(marker, idx);
            self.erased += 1;
        } else {
            // The cache is behind another process's writes: reload rather than guess.
            self.invalidate();
        }
    }

    /// The index of a known id.
    pub(crate) fn get(&self, id: &str) -> Option<u32> {
        self.map.get(id).copied()
    }

    /// Number of known ids, which is also the next free index.
    pub(crate) fn len(&self) -> u32 {
        // Dense u32 indexes: a store never holds more than u32::MAX ids of one kind.
        self.map.len() as u32
    }

    /// Adds the ids a committed transaction created.
    pub(crate) fn merge(&mut self, new: Vec<(String, u32)>) {
        self.map.extend(new);
    }
}

/// Resolves ids during one write: known ones from the cache, unknown ones get the next free
/// index. Holds the new assignments until commit.
#[derive(Debug)]
pub(crate) struct Resolver<'a> {
    cache: &'a IdCache,
    pending: HashMap<String, u32>,
    created: Vec<(String, u32)>,
}

impl<'a> Resolver<'a> {
    pub(crate) fn new(cache: &'a IdCache) -> Self {
        Self { cache, pending: HashMap::new(), created: Vec::new() }
    }

    /// The index of an id known to the cache or created earlier in this write.
    pub(crate) fn get(&self, id: &str) -> Option<u32> {
        self.cache.get(id).or_else(|| self.pending.get(id).copied())
    }

    /// The index of an id, and whether this call created it.
    pub(crate) fn resolve(&mut self, id: &str) -> (u32, bool) {
        if let Some(idx) = self.get(id) {
            return (idx, false);
        }
        let idx = self.cache.len() + self.created.len() as u32;
        self.pending.insert(id.to_string(), idx);
        self.created.push((id.to_string(), idx));
        (idx, true)
    }

    /// The ids this write created, in index order, to merge into the cache after commit.
    pub(crate) fn into_created(self) -> Vec<(String, u32)> {
        self.created
    }
}

/// The three caches a store keeps.
#[derive(Debug, Default)]
pub(crate) struct Caches {
    pub(crate) items: IdCache,
    pub(crate) users: IdCache,
    pub(crate) sessions: IdCache,
}

impl Caches {
    /// Forgets everything (after a failed commit whose outcome is unclear).
    pub(crate) fn invalidate(&mut self) {
        self.items.invalidate();
        self.users.invalidate();
        self.sessions.invalidate();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn new_ids_continue_after_the_cache_and_stay_pending_until_merged() {
        let mut cache = IdCache::default();
        cache.reload([("a".to_string(), 0), ("b".to_string(), 1)], 0);
        assert!(cache.is_fresh(2, 0));
        let mut r = Resolver::new(&cache);
        assert_eq!(r.resolve("b"), (1, false));
        assert_eq!(r.resolve("c"), (2, true));
        assert_eq!(r.resolve("c"), (2, false));
        assert_eq!(r.resolve("d"), (3, true));
        let created = r.into_created();
        // Dropping the resolver (a rollback) would leave the cache untouched.
        assert_eq!(cache.get("c"), None);
        cache.merge(created);
        assert_eq!(cache.get("d"), Some(3));
        assert!(cache.is_fresh(4, 0));
    }

    #[test]
    fn an_erased_id_stops_resolving_and_its_index_is_never_reused() {
        let mut cache = IdCache::default();
        cache.reload([("a".to_string(), 0), ("b".to_string(), 1)], 0);
        cache.erase("a", 0, "\u{1}erased-0".to_string());
        assert_eq!(cache.get("a"), None);
        assert!(cache.is_fresh(2, 1), "same indexes, one erased");
        assert!(!cache.is_fresh(2, 0), "a count that disagrees means reload");
        let mut r = Resolver::new(&cache);
        assert_eq!(r.resolve("a"), (2, true), "a comes back with a new index");
    }

    #[test]
    fn erasing_an_id_the_cache_does_not_know_so_forces_a_reload() {
        let mut cache = IdCache::default();
        cache.reload([("a".to_string(), 0)], 0);
        cache.erase("z", 1, "\u{1}erased-1".to_string());
        assert!(!cache.is_fresh(1, 0) && !cache.is_fresh(2, 1), "never seen");
        cache.reload([("a".to_string(), 0)], 0);
        cache.erase("a", 5, "\u{1}erased-5".to_string());
        assert!(!cache.is_fresh(1, 0) && !cache.is_fresh(1, 1), "seen at another index");
    }
}
