//! The server's side of A/B experiments: the shop's experiments (read at start from
//! `<data-dir>/experiments.json`, changed through `/v1/experiments`), the variant a shopper's
//! feed is served from, the serving snapshots of the variants' models, and the counting of
//! exposures and conversions.
//!
//! Counting happens in memory under one lock (a hash-map update per feed answer) and is saved
//! [`SAVE_EVERY`] after the first count since the last save (on a blocking thread), after every
//! change through the API, and when the server shuts down; a crash loses at most the last
//! `SAVE_EVERY` of counts. What is saved: the counts in the experiments file, and each new or
//! changed shopper's mark appended to `<data-dir>/experiments/<id>.marks`, so a restarted server
//! still counts every shopper once.

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use aisle_domain::{Actor, Event, EventKind, ExternalId};
use aisle_engine::experiment::{shopper_key, Book, Conversion, Error, Experiment, Ledger};
use aisle_engine::{Engine, ExperimentFiles, Snapshot};
use arc_swap::{ArcSwap, ArcSwapOption};

use crate::problem::Problem;
use crate::state::RECOMMENDATION_REFERRER;

/// How long counts wait in memory before they are saved.
pub const SAVE_EVERY: Duration = Duration::from_secs(10);

/// A shopper's place in the running experiment, for one answer.
pub(crate) struct Assigned {
    /// The experiment's id.
    pub(crate) experiment: String,
    /// The variant's index.
    pub(crate) index: usize,
    /// The variant's name.
    pub(crate) variant: String,
    /// The snapshot of the variant's model.
    pub(crate) snapshot: Arc<Snapshot>,
}

/// The running experiment's counts, with its definition.
struct Counting {
    experiment: Experiment,
    ledger: Ledger,
}

struct Inner {
    /// Every experiment; the running one's tallies lag its ledger until [`Inner::sync`].
    book: Book,
    counting: Option<Counting>,
}

impl Inner {
    /// Copies the running experiment's counts into the book.
    fn sync(&mut self) {
        let Some(counting) = &self.counting else { return };
        if let Some(entry) =
            self.book.experiments.iter_mut().find(|e| e.experiment.id == counting.experiment.id)
        {
            entry.tallies = counting.ledger.tallies().to_vec();
        }
    }
}

/// The shop's experiments as the server runs them.
pub struct ExperimentsState {
    files: ExperimentFiles,
    inner: Mutex<Inner>,
    /// The running experiment, read without the lock by every feed request.
    running: ArcSwapOption<Experiment>,
    /// Serving snapshots of the running experiment's models, by model name.
    snapshots: ArcSwap<HashMap<String, Arc<Snapshot>>>,
    /// Serialises saves, so the files are written in the order the counts were taken.
    saving: Mutex<()>,
    /// A save is scheduled.
    save_queued: AtomicBool,
    /// A missing variant model was logged (reset when models load), so the log says it once.
    warned_missing: AtomicBool,
}

impl std::fmt::Debug for ExperimentsState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ExperimentsState").finish_non_exhaustive()
    }
}

impl ExperimentsState {
    /// Reads the experiments file and, for the running experiment, its marks.
    pub fn open(engine: &Engine) -> Result<Self, String> {
        let files = engine.experiment_files();
        let book = files.read().map_err(|e| e.to_string())?;
        let counting = match book.running() {
            Some(entry) => Some(Counting {
                experiment: entry.experiment.clone(),
                ledger: Ledger::restore(
                    entry.tallies.clone(),
                    files.read_marks(&entry.experiment.id).map_err(|e| e.to_string())?,
                ),
            }),
            None => None,
        };
        let running = counting.as_ref().map(|c| Arc::new(c.experiment.clone()));
        Ok(Self {
            files,
            inner: Mutex::new(Inner { book, counting }),
            running: ArcSwapOption::new(running),
            snapshots: ArcSwap::default(),
            saving: Mutex::new(()),
            save_queued: AtomicBool::new(false),
            warned_missing: AtomicBool::new(false),
        })
    }

    fn inner(&self) -> MutexGuard<'_, Inner> {
        self.inner.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// The models the running experiment serves, for the reload to load.
    pub(crate) fn models(&self) -> Vec<String> {
        let mut models: Vec<String> = Vec::new();
        if let Some(experiment) = self.running.load_full() {
            for variant in &experiment.variants {
                if !models.contains(&variant.model) {
                    models.push(variant.model.clone());
                }
            }
        }
        models
    }

    /// Takes a freshly loaded snapshot of a model the running experiment serves.
    pub(crate) fn offer(&self, model: &str, snapshot: Arc<Snapshot>) {
        let mut loaded = HashMap::clone(&self.snapshots.load());
        loaded.insert(model.to_string(), snapshot);
        self.snapshots.store(Arc::new(loaded));
        self.warned_missing.store(false, Ordering::Relaxed);
    }

    /// Whether a model's snapshot is loaded for the experiments.
    pub(crate) fn is_loaded(&self, model: &str) -> bool {
        self.snapshots.load().contains_key(model)
    }

    /// The running experiment's variant for a shopper, with the snapshot to serve them from;
    /// `None` when nothing runs, the shopper is outside the traffic share, or the variant's model
    /// is not loaded (then the shopper gets the default feed and is not counted).
    pub(crate) fn assign(&self, shopper: &ExternalId) -> Option<Assigned> {
        let experiment = self.running.load_full()?;
        let index = experiment.assign(shopper.as_str())?;
        let variant = &experiment.variants[index];
        let Some(snapshot) = self.snapshots.load().get(&variant.model).cloned() else {
            if !self.warned_missing.swap(true, Ordering::Relaxed) {
                tracing::warn!(
                    experiment = experiment.id,
                    model = variant.model,
                    "the variant's model is not loaded; its shoppers get the default feed, \
                     uncounted, until it is trained and loaded (POST /v1/admin/reload)"
                );
            }
            return None;
        };
        Some(Assigned {
            experiment: experiment.id.clone(),
            index,
            variant: variant.name.clone(),
            snapshot,
        })
    }

    /// Counts one answer shown to a shopper.
    pub(crate) fn expose(self: &Arc<Self>, shopper: &ExternalId, assigned: &Assigned) {
        {
            let mut inner = self.inner();
            let Some(counting) = inner.counting.as_mut() else { return };
            if counting.experiment.id != assigned.experiment {
                return;
            }
            counting.ledger.expose(shopper_key(shopper.as_str()), assigned.index);
        }
        self.save_soon();
    }

    /// Counts the clicks and purchases that followed a recommendation among events just
    /// stored (`stored[k]`: whether `events[k]` was new), for the shoppers the running
    /// experiment has shown recommendations to.
    pub(crate) fn count(self: &Arc<Self>, events: &[Event], stored: &[bool]) {
        if self.running.load().is_none() {
            return;
        }
        let conversions: Vec<(u64, Conversion)> = events
            .iter()
            .zip(stored)
            .filter(|(event, &new)| {
                new && event.context.referrer.as_deref() == Some(RECOMMENDATION_REFERRER)
            })
            .filter_map(|(event, _)| {
                let Actor::User(user) = &event.actor else { return None };
                let conversion = match event.kind {
                    EventKind::Click => Conversion::Click,
                    EventKind::Purchase => Conversion::Purchase,
                    _ => return None,
                };
                Some((shopper_key(user.as_str()), conversion))
            })
            .collect();
        if conversions.is_empty() {
            return;
        }
        {
            let mut inner = self.inner();
            let Some(counting) = inner.counting.as_mut() else { return };
            for (shopper, conversion) in conversions {
                counting.ledger.convert(shopper, conversion);
            }
        }
        self.save_soon();
    }

    /// Every experiment with its current counts.
    pub fn book(&self) -> Book {
        let mut inner = self.inner();
        inner.sync();
        inner.book.clone()
    }

    /// Applies a change to the experiments (validated by `change`), saves the file, and starts
    /// or stops counting as the running experiment changes. What `change` returns comes back.
    pub(crate) fn change<T>(
        &self,
        change: impl FnOnce(&mut Book) -> Result<T, Error>,
    ) -> Result<T, Problem> {
        let _saving = self.saving.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        let mut inner = self.inner();
        inner.sync();
        let mut book = inner.book.clone();
        let answer = change(&mut book).map_err(problem)?;
        self.files.write(&book).map_err(Problem::internal)?;
        let running = book.running().map(|e| e.experiment.clone());
        let keep = match (&inner.counting, &running) {
            (Some(counting), Some(next)) => {
                counting.experiment.id == next.id && counting.experiment.same_split(next)
            }
            _ => false,
        };
        if keep {
            if let (Some(counting), Some(next)) = (inner.counting.as_mut(), &running) {
                counting.experiment = next.clone();
            }
        } else {
            if let Some(mut ended) = inner.counting.take() {
                let unsaved = ended.ledger.take_unsaved();
                if book.get(&ended.experiment.id).is_ok() {
                    self.files
                        .append_marks(&ended.experiment.id, &unsaved)
                        .map_err(Problem::internal)?;
                } else {
                    self.files.remove_marks(&ended.experiment.id).map_err(Problem::internal)?;
                }
            }
            if let Some(next) = &running {
                let tallies = book.get(&next.id).map(|e| e.tallies.clone()).unwrap_or_default();
                let marks = self.files.read_marks(&next.id).map_err(Problem::internal)?;
                inner.counting = Some(Counting {
                    experiment: next.clone(),
                    ledger: Ledger::restore(tallies, marks),
                });
            }
        }
        // Models no running experiment serves are let go.
        let wanted: Vec<&str> =
            running.iter().flat_map(|e| e.variants.iter().map(|v| v.model.as_str())).collect();
        let mut loaded = HashMap::clone(&self.snapshots.load());
        loaded.retain(|model, _| wanted.contains(&model.as_str()));
        self.snapshots.store(Arc::new(loaded));
        inner.book = book;
        self.running.store(running.map(Arc::new));
        Ok(answer)
    }

    /// Saves the counts and new marks now, when anything changed.
    pub fn save(&self) {
        let _saving = self.saving.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        let (id, marks, book) = {
            let mut inner = self.inner();
            let Some(counting) = inner.counting.as_mut() else { return };
            if !counting.ledger.has_changes() {
                return;
            }
            let marks = counting.ledger.take_unsaved();
            let id = counting.experiment.id.clone();
            inner.sync();
            (id, marks, inner.book.clone())
        };
        let written = self.files.append_marks(&id, &marks).and_then(|()| self.files.write(&book));
        if let Err(error) = written {
            tracing::warn!(%error, experiment = id, "experiment counts not saved; retrying later");
            let mut inner = self.inner();
            if let Some(counting) = inner.counting.as_mut().filter(|c| c.experiment.id == id) {
                counting.ledger.return_unsaved(marks);
            }
        }
    }

    /// Schedules a save [`SAVE_EVERY`] from now unless one is scheduled; outside an async
    /// runtime (tools, tests) saves at once.
    fn save_soon(self: &Arc<Self>) {
        if self.save_queued.swap(true, Ordering::AcqRel) {
            return;
        }
        let Ok(runtime) = tokio::runtime::Handle::try_current() else {
            self.save_queued.store(false, Ordering::Release);
            self.save();
            return;
        };
        let state = self.clone();
        runtime.spawn(async move {
            tokio::time::sleep(SAVE_EVERY).await;
            let _ = tokio::task::spawn_blocking(move || {
                // Cleared first: a count arriving during the save schedules the next one.
                state.save_queued.store(false, Ordering::Release);
                state.save();
            })
            .await;
        });
    }
}

/// The HTTP answer to an experiments error.
fn problem(error: Error) -> Problem {
    match error {
        Error::Invalid(detail) => Problem::bad_request(detail),
        Error::NotFound(_) => Problem::not_found(error.to_string()),
        Error::Conflict(detail) => Problem::new(axum::http::StatusCode::CONFLICT, detail),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use aisle_engine::experiment::{Status, Variant};
    use aisle_engine::Config;

    fn experiment(id: &str) -> Experiment {
        let variant = |name: &str| Variant { name: name.into(), model: "ease".into(), weight: 1.0 };
        Experiment {
            id: id.into(),
            name: "a test".into(),
            variants: vec![variant("a"), variant("b")],
            traffic: 1.0,
            status: Status::Running,
            started_at: None,
            stopped_at: None,
        }
    }

    #[test]
    fn counts_survive_a_restart_and_each_shopper_still_counts_once() {
        let dir = tempfile::tempdir().unwrap();
        let config = Config { data_dir: dir.path().to_path_buf(), ..Config::default() };
        let engine = Engine::open(&config).unwrap();
        let state = Arc::new(ExperimentsState::open(&engine).unwrap());
        state.change(|book| book.create(experiment("x"), 0).map(|_| ())).unwrap();
        let shopper = ExternalId::parse("shopper-1").unwrap();
        let index = state.running.load_full().unwrap().assign("shopper-1").unwrap();
        {
            let mut inner = state.inner();
            let counting = inner.counting.as_mut().unwrap();
            counting.ledger.expose(shopper_key(shopper.as_str()), index);
            counting.ledger.expose(shopper_key(shopper.as_str()), index);
        }
        state.save();
        let reopened = Arc::new(ExperimentsState::open(&engine).unwrap());
        {
            let mut inner = reopened.inner();
            let counting = inner.counting.as_mut().expect("still running");
            counting.ledger.expose(shopper_key(shopper.as_str()), index);
        }
        let tally = reopened.book().get("x").unwrap().tallies[index];
        assert_eq!((tally.shoppers, tally.impressions), (1, 3), "one shopper, three answers");
        reopened.change(|book| book.remove("x").map(|_| ())).unwrap();
        assert!(!dir.path().join("experiments/x.marks").exists(), "marks go with it");
    }
}
