//! The server's shopper-profile context: item facts, the shop's RFM cut points and the
//! propensity model, built on a background thread at start (a request arriving first waits for
//! it) and rebuilt in the background once it is older than [`MAX_AGE`], the stale one serving
//! meanwhile. Profiles themselves are read from the store on each request, so they are always
//! current; only the shop-wide cut points and the model lag by at most `MAX_AGE`.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use aisle_engine::{Engine, ProfileContext};

use crate::state::AppState;

/// How long a context serves before a rebuild starts.
pub const MAX_AGE: Duration = Duration::from_secs(600);

/// Builds the context on a background thread, so the first profile does not pay for it.
pub fn start(state: &Arc<AppState>) {
    spawn_rebuild(state);
}

fn spawn_rebuild(state: &Arc<AppState>) {
    if state.profiles.rebuilding.swap(true, Ordering::AcqRel) {
        return;
    }
    let worker = state.clone();
    let spawned = std::thread::Builder::new().name("profile-context".into()).spawn(move || {
        if let Err(error) = worker.profiles.rebuild(worker.engine()) {
            tracing::warn!(%error, "the profile context could not be built; profiles will retry");
        }
        worker.profiles.rebuilding.store(false, Ordering::Release);
    });
    if let Err(error) = spawned {
        state.profiles.rebuilding.store(false, Ordering::Release);
        tracing::warn!(%error, "no thread for the profile context; it is built on first use");
    }
}

/// The current context and when it was built.
#[derive(Default)]
pub struct ProfileState {
    context: Mutex<Option<(Instant, Arc<ProfileContext>)>>,
    /// Serialises builds, so a request waiting for the first context waits for the one being
    /// built instead of starting another.
    building: Mutex<()>,
    rebuilding: AtomicBool,
}

impl std::fmt::Debug for ProfileState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ProfileState").finish_non_exhaustive()
    }
}

impl ProfileState {
    fn current(&self) -> Option<(Instant, Arc<ProfileContext>)> {
        self.context.lock().unwrap_or_else(|poisoned| poisoned.into_inner()).clone()
    }

    fn rebuild(&self, engine: &Engine) -> Result<Arc<ProfileContext>, aisle_engine::Error> {
        let _building = self.building.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        let context = Arc::new(engine.profile_context()?);
        *self.context.lock().unwrap_or_else(|poisoned| poisoned.into_inner()) =
            Some((Instant::now(), context.clone()));
        Ok(context)
    }

    /// The context: built now if there is none (blocks: call from a worker thread), with a
    /// background rebuild started when it is stale.
    pub fn context(state: &Arc<AppState>) -> Result<Arc<ProfileContext>, aisle_engine::Error> {
        let profiles = &state.profiles;
        if let Some((built, context)) = profiles.current() {
            if built.elapsed() > MAX_AGE {
                spawn_rebuild(state);
            }
            return Ok(context);
        }
        // Wait for a build under way, then use what it made.
        drop(profiles.building.lock().unwrap_or_else(|poisoned| poisoned.into_inner()));
        if let Some((_, context)) = profiles.current() {
            return Ok(context);
        }
        profiles.rebuild(state.engine())
    }
}
