//! A small thread-safe cache of query embeddings keyed by the query's text, so a shopper's
//! repeated or popular searches skip the network. Least recently used entries go first. Knows
//! nothing of what a query means: "Shoes" and "shoes" are two entries.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError};

use crate::{Encoder, Result};

/// Query embeddings by text, with hit and miss counters. Entries belong to one model: asked
/// with an encoder of another [fingerprint](Encoder::fingerprint), the cache empties itself.
#[derive(Debug)]
pub struct QueryCache {
    capacity: usize,
    inner: Mutex<Inner>,
    hits: AtomicU64,
    misses: AtomicU64,
}

#[derive(Debug, Default)]
struct Inner {
    fingerprint: Option<u64>,
    /// Each text's vector and the tick of its last use.
    entries: HashMap<String, (Arc<[f32]>, u64)>,
    tick: u64,
}

impl QueryCache {
    /// A cache of at most `capacity` queries (0 caches nothing).
    pub fn new(capacity: usize) -> Self {
        QueryCache {
            capacity,
            inner: Mutex::new(Inner::default()),
            hits: AtomicU64::new(0),
            misses: AtomicU64::new(0),
        }
    }

    /// The embedding of `text`, and whether it came from the cache. The model runs outside the
    /// lock, so a slow miss does not hold up other threads' hits.
    pub fn get_or_encode(&self, encoder: &Encoder, text: &str) -> Result<(Arc<[f32]>, bool)> {
        if let Some(vector) = self.lookup(encoder.fingerprint(), text) {
            self.hits.fetch_add(1, Ordering::Relaxed);
            return Ok((vector, true));
        }
        self.misses.fetch_add(1, Ordering::Relaxed);
        let vector: Arc<[f32]> = encoder.encode(&[text])?.into_iter().flatten().collect();
        self.insert(encoder.fingerprint(), text, &vector);
        Ok((vector, false))
    }

    /// Lookups answered from the cache.
    pub fn hits(&self) -> u64 {
        self.hits.load(Ordering::Relaxed)
    }

    /// Lookups that ran the model.
    pub fn misses(&self) -> u64 {
        self.misses.load(Ordering::Relaxed)
    }

    /// Forgets every query (the hit and miss counts stay).
    pub fn clear(&self) {
        self.lock().entries.clear();
    }

    /// Queries held now.
    pub fn len(&self) -> usize {
        self.lock().entries.len()
    }

    /// Whether the cache holds nothing.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The lock, even if a thread panicked while holding it: the map is never left half
    /// updated, so its contents stay valid.
    fn lock(&self) -> std::sync::MutexGuard<'_, Inner> {
        self.inner.lock().unwrap_or_else(PoisonError::into_inner)
    }

    fn lookup(&self, fingerprint: u64, text: &str) -> Option<Arc<[f32]>> {
        let mut inner = self.lock();
        if inner.fingerprint != Some(fingerprint) {
            inner.entries.clear();
            inner.fingerprint = Some(fingerprint);
            return None;
        }
        inner.tick += 1;
        let tick = inner.tick;
        let (vector, used) = inner.entries.get_mut(text)?;
        *used = tick;
        Some(Arc::clone(vector))
    }

    fn insert(&self, fingerprint: u64, text: &str, vector: &Arc<[f32]>) {
        if self.capacity == 0 {
            return;
        }
        let mut inner = self.lock();
        if inner.fingerprint != Some(fingerprint) {
            return;
        }
        if !inner.entries.contains_key(text) && inner.entries.len() >= self.capacity {
            // A scan for the oldest entry: linear, but microseconds against the milliseconds
            // of the model run that every insertion follows.
            let oldest = inner.entries.iter().min_by_key(|(_, (_, used))| *used);
            if let Some(oldest) = oldest.map(|(key, _)| key.clone()) {
                inner.entries.remove(&oldest);
            }
        }
        inner.tick += 1;
        let tick = inner.tick;
        inner.entries.insert(text.to_string(), (Arc::clone(vector), tick));
    }
}
