//! Group commit for events: every event request hands its events to one writer thread, which
//! writes whatever has queued up in one transaction and tells each request which of its events
//! were stored and which were duplicates. While a transaction commits (and syncs to disk), the
//! next requests queue, so a burst of small requests costs a few transactions, not one each; a
//! lone request is written at once, with no waiting for company. A request is answered only
//! after its transaction committed, so an acknowledged event is never lost, and the writer
//! drains the queue before it stops.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use aisle_domain::{Batch, Event};
use aisle_engine::Engine;
use tokio::sync::{mpsc, oneshot};

/// Most events written in one transaction.
const MOST_EVENTS_PER_COMMIT: usize = 20_000;
/// Requests that may wait for the writer before new ones wait to get in (back-pressure).
const QUEUE: usize = 4_096;

/// What happened to each event of a request, in request order: `true` stored, `false` skipped
/// as a duplicate.
pub(crate) type Stored = Vec<bool>;

struct Job {
    events: Vec<Event>,
    reply: oneshot::Sender<Result<Stored, String>>,
}

/// The handle requests submit through.
pub(crate) struct Ingestor {
    queue: mpsc::Sender<Job>,
    /// Set once the writer has loaded what every write checks against (see [`warm_up`]).
    warm: Arc<AtomicBool>,
}

impl Ingestor {
    /// Starts the writer thread.
    pub(crate) fn start(engine: Arc<Engine>) -> Self {
        let (queue, jobs) = mpsc::channel(QUEUE);
        let warm = Arc::new(AtomicBool::new(false));
        let flag = warm.clone();
        let spawned =
            std::thread::Builder::new().name("aisle-event-writer".into()).spawn(move || {
                warm_up(&engine);
                flag.store(true, Ordering::Release);
                write_loop(&engine, jobs)
            });
        if let Err(error) = spawned {
            tracing::error!(%error, "cannot start the event writer; event requests will fail");
        }
        Self { queue, warm }
    }

    /// Whether the writer is ready to write at full speed (`/health/ready` waits for it).
    pub(crate) fn is_warm(&self) -> bool {
        self.warm.load(Ordering::Acquire)
    }

    /// Writes the events (in a transaction shared with other requests) and reports each one.
    pub(crate) async fn submit(&self, events: Vec<Event>) -> Result<Stored, String> {
        let (reply, answer) = oneshot::channel();
        self.queue
            .send(Job { events, reply })
            .await
            .map_err(|_| "the event writer has stopped".to_string())?;
        answer.await.map_err(|_| "the event writer has stopped".to_string())?
    }
}

/// Makes the store load what its first write would: the embedded store keeps every stored
/// event id in memory to drop duplicates, and reading ten million of them takes seconds. Done
/// before the server reports ready, so that no event request waits for it.
fn warm_up(engine: &Engine) {
    let started = std::time::Instant::now();
    match engine.write(&Batch::default()) {
        Ok(_) => tracing::info!(seconds = started.elapsed().as_secs_f32(), "event writer ready"),
        // The next write tries again and reports its own error.
        Err(error) => tracing::warn!(%error, "could not prepare the event writer"),
    }
}

fn write_loop(engine: &Engine, mut jobs: mpsc::Receiver<Job>) {
    while let Some(first) = jobs.blocking_recv() {
        let mut group = vec![first];
        let mut events = group[0].events.len();
        while events < MOST_EVENTS_PER_COMMIT {
            match jobs.try_recv() {
                Ok(job) => {
                    events += job.events.len();
                    group.push(job);
                }
                Err(_) => break,
            }
        }
        match write_group(engine, &group) {
            Ok(outcomes) => {
                for (job, outcome) in group.into_iter().zip(outcomes) {
                    let _ = job.reply.send(Ok(outcome));
                }
            }
            // One transaction for all failed: write each request alone, so that one request's
            // problem is not every request's.
            Err(error) if group.len() > 1 => {
                tracing::warn!(%error, requests = group.len(), "group write failed; writing each alone");
                for job in group {
                    let outcome = write_group(engine, std::slice::from_ref(&job))
                        .map(|mut o| o.pop().unwrap_or_default());
                    let _ = job.reply.send(outcome);
                }
            }
            Err(error) => {
                for job in group {
                    let _ = job.reply.send(Err(error.clone()));
                }
            }
        }
    }
}

/// Writes the jobs' events in one transaction; per job, which events were stored.
fn write_group(engine: &Engine, group: &[Job]) -> Result<Vec<Stored>, String> {
    let batch = Batch {
        events: group.iter().flat_map(|job| job.events.iter().cloned()).collect(),
        ..Batch::default()
    };
    let report = engine.write(&batch).map_err(|e| e.to_string())?;
    let mut stored = vec![true; batch.events.len()];
    for &position in &report.duplicate_events {
        if let Some(slot) = stored.get_mut(position) {
            *slot = false;
        }
    }
    let mut outcomes = Vec::with_capacity(group.len());
    let mut start = 0;
    for job in group {
        outcomes.push(stored[start..start + job.events.len()].to_vec());
        start += job.events.len();
    }
    Ok(outcomes)
}
