//! Bulk construction of an [`Hnsw`] on every core.
//!
//! All vectors and levels are stored first, then worker threads claim batches of nodes and
//! link them concurrently through [`LockedLinks`] (one lock per node, as hnswlib does), and
//! the lists are finally moved into the compact layout. With one thread the result equals
//! inserting in input order; with more, the order of links varies from run to run, so the
//! graph (not its quality) differs between builds.

use std::collections::HashMap;
use std::num::NonZeroUsize;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{mpsc, Mutex, PoisonError};
use std::thread;

use super::graph::{insert_node, Entry, Scratch, Shape, Vectors};
use super::links::LockedLinks;
use super::{Hnsw, HnswError, HnswParams};

/// Nodes a worker claims at a time: large enough that the shared counter and the progress
/// channel are not contended, small enough that threads finish together.
const BATCH: usize = 64;

impl Hnsw {
    /// Builds an index from many vectors at once, linking them on all available cores.
    /// `on_progress(done, total)` is called from the calling thread as batches finish.
    ///
    /// If a key appears more than once, its last vector wins (as with repeated inserts, but
    /// without leaving tombstones).
    ///
    /// # Errors
    /// [`HnswError::DimsMismatch`] or [`HnswError::NonFiniteVector`] for the first malformed
    /// vector, before any work is done; [`HnswError::Full`] past `u32::MAX - 1` vectors.
    pub fn build(
        dims: usize,
        params: HnswParams,
        vectors: &[(u32, &[f32])],
        on_progress: &mut dyn FnMut(usize, usize),
    ) -> Result<Self, HnswError> {
        let mut index = Hnsw::new(dims, params);
        let mut last_position = HashMap::with_capacity(vectors.len());
        for (position, (key, vector)) in vectors.iter().enumerate() {
            index.check_vector(*key, vector)?;
            last_position.insert(*key, position);
        }
        let mut positions: Vec<usize> = last_position.into_values().collect();
        positions.sort_unstable();
        index.vectors.reserve(positions.len());
        for &position in &positions {
            let (key, vector) = vectors[position];
            index.push_node(key, vector)?;
        }
        let total = positions.len();
        on_progress(0, total);
        let links = LockedLinks::new(&index.levels);
        let threads = thread::available_parallelism().map_or(1, NonZeroUsize::get);
        index.entry =
            link_all(&index.vectors, &links, index.shape, &index.levels, threads, on_progress);
        index.links = links.into_flat(&index.levels, index.shape.m, index.shape.m0);
        Ok(index)
    }
}

/// Links every node into the graph with `threads` workers and returns the entry point.
fn link_all(
    vectors: &Vectors,
    links: &LockedLinks,
    shape: Shape,
    levels: &[u8],
    threads: usize,
    on_progress: &mut dyn FnMut(usize, usize),
) -> Option<Entry> {
    let total = levels.len();
    // The first node is the whole graph until others link to it.
    let first = Entry { node: 0, level: *levels.first()? as usize };
    let entry = Mutex::new(first);
    let next = AtomicUsize::new(1);
    let threads = threads.clamp(1, total.div_ceil(BATCH).max(1));
    let (done_sender, done_receiver) = mpsc::channel::<usize>();
    thread::scope(|scope| {
        for _ in 0..threads {
            let done_sender = done_sender.clone();
            let (entry, next) = (&entry, &next);
            scope.spawn(move || {
                let mut links = links;
                let mut scratch = Scratch::default();
                loop {
                    let start = next.fetch_add(BATCH, Ordering::Relaxed);
                    if start >= total {
                        break;
                    }
                    let end = (start + BATCH).min(total);
                    for node in start..end {
                        link_one(vectors, &mut links, shape, levels, node, entry, &mut scratch);
                    }
                    if done_sender.send(end - start).is_err() {
                        break;
                    }
                }
            });
        }
        // Only the workers hold senders now, so the loop ends when the last one finishes.
        drop(done_sender);
        let mut done = 1;
        on_progress(done, total);
        for batch in done_receiver {
            done += batch;
            on_progress(done, total);
        }
    });
    Some(entry.into_inner().unwrap_or_else(PoisonError::into_inner))
}

/// Links one node from the current entry point, and makes it the entry point if it reaches
/// higher. Two nodes racing to the top both link below the old top; the higher one wins.
fn link_one(
    vectors: &Vectors,
    links: &mut &LockedLinks,
    shape: Shape,
    levels: &[u8],
    node: usize,
    entry: &Mutex<Entry>,
    scratch: &mut Scratch,
) {
    let level = levels[node] as usize;
    let node = node as u32;
    let current = *entry.lock().unwrap_or_else(PoisonError::into_inner);
    insert_node(vectors, links, shape, node, level, Some(current), scratch);
    if level > current.level {
        let mut entry = entry.lock().unwrap_or_else(PoisonError::into_inner);
        if level > entry.level {
            *entry = Entry { node, level };
        }
    }
}
