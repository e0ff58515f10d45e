//! The server's product search: the index opened on a background thread at start (a large
//! catalog takes seconds to check), kept in step with catalog writes, its embedding backlog
//! worked off in the background, and the queries shoppers type counted for suggestions.

use std::collections::HashMap;
use std::sync::{Arc, Condvar, Mutex, OnceLock};
use std::time::Duration;

use aisle_domain::Item;
use aisle_engine::search::SearchIndex;
use aisle_engine::SemanticState;

use crate::state::AppState;

/// Items embedded per round of the background embedder, so new items are searchable
/// semantically in order and a save happens every so often.
const EMBED_ROUND: usize = 2_048;
/// How often the background embedder looks for new work.
const EMBED_POLL: Duration = Duration::from_secs(2);
/// Distinct queries remembered for suggestions.
const MAX_QUERIES: usize = 50_000;

/// Search's part of the server state.
#[derive(Default)]
pub(crate) struct SearchState {
    index: OnceLock<Arc<SearchIndex>>,
    semantic: Mutex<Option<SemanticState>>,
    /// Why the index could not be opened, if it could not.
    failure: Mutex<Option<String>>,
    queries: Mutex<HashMap<String, u64>>,
    /// Raised when the index opens or fails, for [`SearchState::wait_opened`].
    opened: Signal,
    /// Raised when items were written, to wake the background embedder.
    written: Signal,
}

/// A flag one thread raises and others wait for, with a time limit.
#[derive(Default)]
struct Signal {
    raised: Mutex<bool>,
    changed: Condvar,
}

impl Signal {
    fn raise(&self) {
        if let Ok(mut raised) = self.raised.lock() {
            *raised = true;
            self.changed.notify_all();
        }
    }

    /// Waits until raised or `timeout` passes; lowers the flag when `reset`; whether it was raised.
    fn wait(&self, timeout: Duration, reset: bool) -> bool {
        let Ok(guard) = self.raised.lock() else { return false };
        let Ok((mut raised, _)) = self.changed.wait_timeout_while(guard, timeout, |r| !*r) else {
            return false;
        };
        let was = *raised;
        if reset {
            *raised = false;
        }
        was
    }
}

impl SearchState {
    /// The index, once opened.
    pub(crate) fn index(&self) -> Option<&Arc<SearchIndex>> {
        self.index.get()
    }

    /// Waits until the index opened or failed to, at most `timeout`; whether it is open.
    pub(crate) fn wait_opened(&self, timeout: Duration) -> bool {
        self.opened.wait(timeout, false);
        self.index().is_some()
    }

    /// Semantic search's state, once known.
    pub(crate) fn semantic(&self) -> Option<SemanticState> {
        self.semantic.lock().ok().and_then(|s| s.clone())
    }

    /// Why the index is missing: still opening, or the error that stopped it.
    pub(crate) fn unavailable_reason(&self) -> String {
        match self.failure.lock().ok().and_then(|f| f.clone()) {
            Some(error) => format!("the search index could not be opened: {error}"),
            None => "the search index is being built; try again in a few seconds".into(),
        }
    }

    /// Counts a query a shopper typed; the index suggests the most frequent ones.
    pub(crate) fn count_query(&self, query: &str) {
        let query = query.trim();
        if query.is_empty() || query.chars().count() > 100 {
            return;
        }
        let Ok(mut queries) = self.queries.lock() else { return };
        if queries.len() >= MAX_QUERIES && !queries.contains_key(query) {
            return;
        }
        *queries.entry(query.to_lowercase()).or_default() += 1;
    }

    fn publish_queries(&self, index: &SearchIndex) {
        let queries: Vec<(String, u64)> = match self.queries.lock() {
            Ok(q) => q.iter().map(|(k, v)| (k.clone(), *v)).collect(),
            Err(_) => return,
        };
        index.set_popular_queries(queries);
    }
}

/// Opens the index on a thread of its own, then works off the embedding backlog for as long as
/// the server runs.
pub(crate) fn start(state: &Arc<AppState>) {
    let weak = Arc::downgrade(state);
    let spawned = std::thread::Builder::new().name("aisle-search".into()).spawn(move || {
        let Some(state) = weak.upgrade() else { return };
        let opened = match state.engine().open_search(&mut |_| {}) {
            Ok(opened) => opened,
            Err(error) => {
                tracing::error!(%error, "search index not opened; /v1/search answers 503");
                if let Ok(mut failure) = state.search.failure.lock() {
                    *failure = Some(error.to_string());
                }
                state.search.opened.raise();
                return;
            }
        };
        if let Ok(mut semantic) = state.search.semantic.lock() {
            *semantic = Some(opened.semantic.clone());
        }
        let index = Arc::new(opened.index);
        refresh_popularity(&state, &index);
        let _ = state.search.index.set(index.clone());
        state.search.opened.raise();
        drop(state);
        loop {
            let Some(state) = weak.upgrade() else { return };
            state.search.publish_queries(&index);
            if index.semantic_backlog() > 0 {
                if let Err(error) = index.catch_up_semantic(EMBED_ROUND, &mut |_, _| {}) {
                    tracing::warn!(%error, "embedding new items failed; will retry");
                }
                continue;
            }
            let search = &state.search;
            // Wakes on the next item write; the time limit notices a server that has gone.
            search.written.wait(EMBED_POLL, true);
        }
    });
    if let Err(error) = spawned {
        tracing::error!(%error, "cannot start the search thread");
    }
}

/// Hands the index the feed model's popularity (for searches without words and the `popular`
/// sort), by the index's item numbering.
pub(crate) fn refresh_popularity(state: &AppState, index: &SearchIndex) {
    let Some(feed) = state.feed.load_full() else { return };
    index.set_popularity(feed.popularity().to_vec());
}

/// Brings the index up to date after items were written (blocking).
pub(crate) fn items_written(state: &AppState, items: &[Item]) {
    let Some(index) = state.search.index() else { return };
    let store = state.engine().store();
    let indexed: Vec<(u32, Item)> = items
        .iter()
        .filter_map(|item| match store.item_index(&item.id) {
            Ok(Some(i)) => Some((i, item.clone())),
            _ => None,
        })
        .collect();
    if let Err(error) = index.upsert(&indexed) {
        tracing::warn!(%error, "search index not updated after an item write");
    }
    state.search.written.raise();
}

/// Takes a withdrawn item out of the index (blocking).
pub(crate) fn item_removed(state: &AppState, index_of_item: u32) {
    if let Some(index) = state.search.index() {
        if let Err(error) = index.remove(index_of_item) {
            tracing::warn!(%error, "search index not updated after an item was withdrawn");
        }
    }
}
