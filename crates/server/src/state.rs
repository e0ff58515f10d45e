//! What every request shares: the engine, the serving snapshots (swapped whole when a new model
//! version is loaded), live histories, keys, rate limits and the metrics handle.

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Instant;

use aisle_domain::ExternalId;
use aisle_engine::{Engine, Snapshot};
use arc_swap::ArcSwapOption;

use crate::ingest::Ingestor;
use crate::keys::KeyRing;
use crate::live::Live;
use crate::merchandising::MerchandisingState;

/// Shared server state.
pub struct AppState {
    pub(crate) engine: Arc<Engine>,
    /// The model behind feeds and re-ranking.
    pub(crate) feed: ArcSwapOption<Snapshot>,
    /// The model behind similar items.
    pub(crate) similar: ArcSwapOption<Snapshot>,
    /// The model behind "bought together".
    pub(crate) together: ArcSwapOption<Snapshot>,
    pub(crate) live: Live,
    pub(crate) keys: KeyRing,
    pub(crate) limiter: RateLimiter,
    /// The group-commit writer of events.
    pub(crate) ingest: Ingestor,
    /// Boosts, burials and promotions.
    pub(crate) merchandising: MerchandisingState,
    /// A/B experiments: the running one's variants, their models and counts.
    pub(crate) experiments: Arc<crate::experiments::ExperimentsState>,
    /// Dense user indexes, which never change once given.
    user_indexes: Mutex<HashMap<ExternalId, u32>>,
    /// A retraining is under way.
    pub(crate) training: AtomicBool,
    /// Recommended items shown since the server started (every item of every recommendation
    /// answer), the denominator of the dashboard's click-through rate.
    pub(crate) recommendations_shown: std::sync::atomic::AtomicU64,
    /// Clicks on recommended items (accepted events of kind `click` whose `referrer` is
    /// `recommendation`) since the server started: the click-through rate's numerator.
    pub(crate) recommendation_clicks: std::sync::atomic::AtomicU64,
    /// Purchases of recommended items (kind `purchase`, `referrer` `recommendation`) since the
    /// server started.
    pub(crate) recommendation_purchases: std::sync::atomic::AtomicU64,
    /// Product search.
    pub(crate) search: crate::search::SearchState,
    /// Sentiment models and the review keyword corpus.
    pub(crate) reviews: crate::reviews::ReviewState,
    /// The shop-wide context shopper profiles are read against.
    pub(crate) profiles: crate::profiles::ProfileState,
    /// The shopping assistant and its open conversations.
    pub(crate) assistant: crate::assistant::AssistantState,
}

impl AppState {
    /// State over an open engine; loads the serving models that are trained (a missing one is
    /// reported by /health/ready and by the routes that need it, not an error here).
    pub fn new(engine: Engine) -> Result<Arc<Self>, crate::ServeError> {
        // Installed before the first model loads, so its version gauge is recorded.
        crate::metrics::handle();
        let keys = KeyRing::open(engine.data_dir())?;
        let limiter = RateLimiter::new(engine.config().server.rate_limit_per_key);
        let merchandising = MerchandisingState::open(engine.data_dir())
            .map_err(crate::ServeError::Merchandising)?;
        let reviews =
            crate::reviews::ReviewState::open(&engine).map_err(crate::ServeError::Reviews)?;
        let experiments = crate::experiments::ExperimentsState::open(&engine)
            .map_err(crate::ServeError::Experiments)?;
        let engine = Arc::new(engine);
        let ingest = Ingestor::start(engine.clone());
        let state = Arc::new(Self {
            engine,
            ingest,
            feed: ArcSwapOption::empty(),
            similar: ArcSwapOption::empty(),
            together: ArcSwapOption::empty(),
            live: Live::default(),
            keys,
            limiter,
            merchandising,
            experiments: Arc::new(experiments),
            user_indexes: Mutex::new(HashMap::new()),
            training: AtomicBool::new(false),
            recommendations_shown: Default::default(),
            recommendation_clicks: Default::default(),
            recommendation_purchases: Default::default(),
            search: Default::default(),
            reviews,
            profiles: Default::default(),
            assistant: Default::default(),
        });
        state.reload();
        crate::search::start(&state);
        crate::reviews::start(&state);
        crate::profiles::start(&state);
        Ok(state)
    }

    /// Loads the active versions of the serving models and swaps them in; a model that cannot
    /// be loaded keeps serving its previous version. Blocking: call from a worker thread.
    pub fn reload(&self) -> Vec<String> {
        let mark = self.live.mark();
        let server = &self.engine.config().server;
        let mut names = vec![server.model.as_str()];
        for name in [&server.similar_model, &server.bought_together_model] {
            if !names.contains(&name.as_str()) {
                names.push(name.as_str());
            }
        }
        let experiment_models = self.experiments.models();
        for name in &experiment_models {
            if !names.contains(&name.as_str()) {
                names.push(name.as_str());
            }
        }
        let loaded = match self.engine.load_snapshots(&names) {
            Ok(loaded) => loaded,
            Err(error) => {
                tracing::warn!(%error, "cannot read the training snapshot; serving models unchanged");
                return vec![error.to_string()];
            }
        };
        let mut problems = Vec::new();
        for (name, result) in names.iter().zip(loaded) {
            match result {
                Ok(snapshot) => {
                    metrics::gauge!("aisle_model_version", "model" => name.to_string())
                        .set(f64::from(snapshot.version));
                    tracing::info!(
                        model = name,
                        version = snapshot.version,
                        "serving model loaded"
                    );
                    let snapshot = Some(Arc::new(snapshot));
                    if let Some(loaded) =
                        snapshot.as_ref().filter(|_| experiment_models.iter().any(|m| m == name))
                    {
                        self.experiments.offer(name, loaded.clone());
                    }
                    if *name == server.model {
                        self.feed.store(snapshot.clone());
                    }
                    if *name == server.similar_model {
                        self.similar.store(snapshot.clone());
                    }
                    if *name == server.bought_together_model {
                        self.together.store(snapshot);
                    }
                }
                Err(error) => {
                    tracing::warn!(model = name, %error, "serving model not loaded");
                    problems.push(format!("{name}: {error}"));
                }
            }
        }
        self.live.forget_before(mark);
        if let Some(index) = self.search.index() {
            crate::search::refresh_popularity(self, index);
        }
        problems
    }

    /// The engine.
    pub fn engine(&self) -> &Engine {
        &self.engine
    }

    /// The dense index of a user (cached; a store lookup the first time).
    pub(crate) fn user_index(&self, user: &ExternalId) -> Result<Option<u32>, aisle_engine::Error> {
        if let Some(&index) =
            self.user_indexes.lock().ok().and_then(|m| m.get(user).copied()).as_ref()
        {
            metrics::counter!("aisle_cache_lookups_total", "cache" => "user_index", "result" => "hit")
                .increment(1);
            return Ok(Some(index));
        }
        metrics::counter!("aisle_cache_lookups_total", "cache" => "user_index", "result" => "miss")
            .increment(1);
        let found = self.engine.store().user_index(user)?;
        if let (Some(index), Ok(mut map)) = (found, self.user_indexes.lock()) {
            map.insert(user.clone(), index);
        }
        Ok(found)
    }

    /// Drops what the server remembers of an erased shopper: their live history and index.
    pub(crate) fn forget_user(&self, user: &ExternalId) {
        self.live.forget_user(user);
        if let Ok(mut map) = self.user_indexes.lock() {
            map.remove(user);
        }
    }

    /// Counts what recommendations brought among the events just ingested: `stored[k]` tells
    /// whether `events[k]` was stored now (a duplicate, already counted, is not). Every route
    /// that ingests events calls it with the ingestor's answer.
    pub(crate) fn count_accepted(&self, events: &[aisle_domain::Event], stored: &[bool]) {
        use aisle_domain::EventKind;
        let (mut clicks, mut purchases) = (0, 0);
        for (event, _) in events.iter().zip(stored).filter(|(_, &s)| s) {
            if event.context.referrer.as_deref() != Some(RECOMMENDATION_REFERRER) {
                continue;
            }
            match event.kind {
                EventKind::Click => clicks += 1,
                EventKind::Purchase => purchases += 1,
                _ => {}
            }
        }
        if clicks > 0 {
            self.recommendation_clicks.fetch_add(clicks, Ordering::Relaxed);
        }
        if purchases > 0 {
            self.recommendation_purchases.fetch_add(purchases, Ordering::Relaxed);
        }
        self.experiments.count(events, stored);
    }

    /// Whether no API key exists yet.
    pub fn keys_is_empty(&self) -> bool {
        self.keys.list().is_empty()
    }

    /// Waits until the search index has opened (or failed to), at most `timeout`; whether it is
    /// open. For tests and tools that search right after starting a server.
    pub fn wait_for_search(&self, timeout: std::time::Duration) -> bool {
        self.search.wait_opened(timeout)
    }

    /// Whether retraining is running.
    pub fn is_training(&self) -> bool {
        self.training.load(Ordering::SeqCst)
    }
}

/// The `referrer` of an event that followed a recommendation.
pub(crate) const RECOMMENDATION_REFERRER: &str = "recommendation";

/// A token bucket per key: `rate` requests a second, bursts of up to `rate`.
#[derive(Debug)]
pub(crate) struct RateLimiter {
    rate: u32,
    buckets: Mutex<HashMap<String, (f64, Instant)>>,
}

impl RateLimiter {
    pub(crate) fn new(rate: u32) -> Self {
        Self { rate, buckets: Mutex::new(HashMap::new()) }
    }

    /// Takes a token for `key`; `Err(seconds)` to wait when it has none.
    pub(crate) fn take(&self, key: &str) -> Result<(), f64> {
        if self.rate == 0 {
            return Ok(());
        }
        let rate = f64::from(self.rate);
        let now = Instant::now();
        let Ok(mut buckets) = self.buckets.lock() else { return Ok(()) };
        let (tokens, last) = buckets.entry(key.to_string()).or_insert((rate, now));
        *tokens = (*tokens + now.duration_since(*last).as_secs_f64() * rate).min(rate);
        *last = now;
        if *tokens >= 1.0 {
            *tokens -= 1.0;
            Ok(())
        } else {
            Err((1.0 - *tokens) / rate)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_bucket_allows_a_burst_then_refuses_until_it_refills() {
        let limiter = RateLimiter::new(3);
        assert!((0..3).all(|_| limiter.take("k").is_ok()));
        let wait = limiter.take("k").unwrap_err();
        assert!(wait > 0.0 && wait <= 1.0 / 3.0 + 1e-9, "{wait}");
        assert!(limiter.take("other").is_ok(), "buckets are per key");
        assert!(RateLimiter::new(0).take("k").is_ok());
    }
}
