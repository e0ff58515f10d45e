//! The layered proximity graph behind [`super::Hnsw`]: beam search over one layer (algorithm 2
//! of Malkov & Yashunin), the neighbour-selection heuristic (algorithm 4) and the insertion of
//! one node (algorithm 1).
//!
//! Written once for both owners of links: the index itself, mutated through `&mut`, and the
//! parallel builder, whose links sit behind one lock per node. The [`Links`] trait is the seam.
//! Nothing here knows keys, tombstones or filters: callers pass an `admit` predicate.

use std::cmp::{Ordering, Reverse};
use std::collections::BinaryHeap;

use super::dot::dot;

/// Node vectors, stored back to back so a node's vector is one slice.
#[derive(Debug, Clone, Default)]
pub(super) struct Vectors {
    dims: usize,
    data: Vec<f32>,
}

impl Vectors {
    pub(super) fn new(dims: usize) -> Self {
        Self { dims, data: Vec::new() }
    }

    pub(super) fn dims(&self) -> usize {
        self.dims
    }

    /// The vector of `node`; nodes are numbered in the order they were pushed.
    pub(super) fn get(&self, node: u32) -> &[f32] {
        let start = node as usize * self.dims;
        &self.data[start..start + self.dims]
    }

    /// Appends a vector, which must be `dims` long (the index checks before calling).
    pub(super) fn push(&mut self, vector: &[f32]) {
        self.data.extend_from_slice(vector);
    }

    pub(super) fn as_slice(&self) -> &[f32] {
        &self.data
    }

    pub(super) fn reserve(&mut self, nodes: usize) {
        self.data.reserve(nodes.saturating_mul(self.dims));
    }
}

/// A node and its similarity to the current query. Ordered by similarity, then node, so heaps
/// and sorts are total even with equal scores.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) struct Scored {
    pub(super) sim: f32,
    pub(super) node: u32,
}

impl Eq for Scored {}

impl PartialOrd for Scored {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Scored {
    fn cmp(&self, other: &Self) -> Ordering {
        // Lower node first on equal similarity, so the best-first order is deterministic.
        self.sim.total_cmp(&other.sim).then_with(|| other.node.cmp(&self.node))
    }
}

/// Reads and writes the neighbour lists of nodes, one layer at a time.
pub(super) trait Links {
    /// Replaces `out` with the neighbours of `node` on `layer` (empty if it has none there).
    fn read(&self, node: u32, layer: usize, out: &mut Vec<u32>);
    /// Sets the neighbours of `node` on `layer`.
    fn write(&mut self, node: u32, layer: usize, list: &[u32]);
    /// Reads, changes and writes back one list as a single step: under a lock in the builder.
    fn modify(&mut self, node: u32, layer: usize, change: &mut dyn FnMut(&mut Vec<u32>));
}

/// The graph's shape: how many neighbours a node keeps per layer.
#[derive(Debug, Clone, Copy)]
pub(super) struct Shape {
    /// Neighbours per node on layers above 0.
    pub(super) m: usize,
    /// Neighbours per node on layer 0 (twice `m`, as the paper recommends).
    pub(super) m0: usize,
    /// Beam width while inserting.
    pub(super) ef_construction: usize,
}

impl Shape {
    pub(super) fn max_links(&self, layer: usize) -> usize {
        if layer == 0 {
            self.m0
        } else {
            self.m
        }
    }
}

/// Which nodes were already scored in one search: one bit per node.
#[derive(Debug, Default)]
struct Visited {
    bits: Vec<u64>,
}

impl Visited {
    fn reset(&mut self, nodes: usize) {
        self.bits.clear();
        self.bits.resize(nodes.div_ceil(64), 0);
    }

    /// Marks `node`; true if it was not marked before.
    fn insert(&mut self, node: u32) -> bool {
        let word = node as usize / 64;
        if word >= self.bits.len() {
            self.bits.resize(word + 1, 0);
        }
        let mask = 1u64 << (node % 64);
        let fresh = self.bits[word] & mask == 0;
        self.bits[word] |= mask;
        fresh
    }
}

/// Buffers reused across the searches of one query or one builder thread.
#[derive(Debug, Default)]
pub(super) struct Scratch {
    visited: Visited,
    candidates: BinaryHeap<Scored>,
    results: BinaryHeap<Reverse<Scored>>,
    neighbours: Vec<u32>,
    found: Vec<Scored>,
    entries: Vec<Scored>,
    chosen: Vec<u32>,
    pruning: Vec<Scored>,
    pruned: Vec<u32>,
}

/// One layer search's inputs beyond the graph.
pub(super) struct LayerSearch<'q, A: Fn(u32) -> bool> {
    pub(super) query: &'q [f32],
    pub(super) layer: usize,
    /// Beam width: how many admitted nodes are kept.
    pub(super) ef: usize,
    /// Which nodes may be results; every node still routes.
    pub(super) admit: A,
    /// Give up after scoring this many nodes while fewer than `ef` are admitted: the caller
    /// has a cheaper way to find the few admitted nodes than exploring the whole graph.
    pub(super) max_visits: usize,
}

/// Beam search on one layer from `entries` (algorithm 2), writing up to `ef` admitted nodes to
/// `out`, best first. Nodes that are not admitted are still expanded, so a strict `admit`
/// widens the search instead of ending it early (until `max_visits`).
pub(super) fn search_layer<L: Links + ?Sized, A: Fn(u32) -> bool>(
    vectors: &Vectors,
    links: &L,
    search: &LayerSearch<'_, A>,
    entries: &[Scored],
    scratch: &mut Scratch,
    out: &mut Vec<Scored>,
) {
    let Scratch { visited, candidates, results, neighbours, .. } = scratch;
    let node_count = vectors.as_slice().len() / vectors.dims().max(1);
    visited.reset(node_count);
    candidates.clear();
    results.clear();
    let ef = search.ef.max(1);
    let mut visits = 0usize;
    for &entry in entries {
        if visited.insert(entry.node) {
            candidates.push(entry);
            if (search.admit)(entry.node) {
                push_bounded(results, entry, ef);
            }
        }
    }
    while let Some(candidate) = candidates.pop() {
        let worst = results.peek().map(|r| r.0.sim);
        if let Some(worst) = worst.filter(|_| results.len() >= ef) {
            if candidate.sim < worst {
                break;
            }
        }
        links.read(candidate.node, search.layer, neighbours);
        neighbours.retain(|&neighbour| visited.insert(neighbour));
        touch(vectors, neighbours);
        for &neighbour in neighbours.iter() {
            visits += 1;
            let sim = dot(search.query, vectors.get(neighbour));
            let full = results.len() >= ef;
            if full && results.peek().is_some_and(|r| sim <= r.0.sim) {
                continue;
            }
            let scored = Scored { sim, node: neighbour };
            candidates.push(scored);
            if (search.admit)(neighbour) {
                push_bounded(results, scored, ef);
            }
        }
        if visits >= search.max_visits && results.len() < ef {
            break;
        }
    }
    out.clear();
    out.extend(results.drain().map(|r| r.0));
    out.sort_unstable_by(|a, b| b.cmp(a));
}

/// Reads one float from every cache line of the vectors of `nodes` before any is scored.
/// The loads are independent, so their cache misses overlap; scored one by one, the branches
/// between scores keep the processor from running ahead, and each miss is waited for in turn.
/// (A prefetch instruction would do this with less work, but needs `unsafe`.)
fn touch(vectors: &Vectors, nodes: &[u32]) {
    let mut sink = 0.0f32;
    for &node in nodes {
        for line in vectors.get(node).iter().step_by(TOUCH_STRIDE) {
            sink += line;
        }
    }
    std::hint::black_box(sink);
}

/// Floats per 64-byte cache line.
const TOUCH_STRIDE: usize = 16;

fn push_bounded(results: &mut BinaryHeap<Reverse<Scored>>, scored: Scored, ef: usize) {
    results.push(Reverse(scored));
    if results.len() > ef {
        results.pop();
    }
}

/// The heuristic of algorithm 4: walk `candidates` (best first) and keep one only if it is
/// closer to the base node than to every neighbour kept so far. Favouring diverse directions
/// keeps clusters connected to each other, which plain "closest M" does not.
pub(super) fn select_neighbours(
    vectors: &Vectors,
    candidates: &[Scored],
    max: usize,
    out: &mut Vec<u32>,
) {
    out.clear();
    for candidate in candidates {
        if out.len() >= max {
            break;
        }
        let vector = vectors.get(candidate.node);
        let diverse = out.iter().all(|&kept| dot(vector, vectors.get(kept)) <= candidate.sim);
        if diverse {
            out.push(candidate.node);
        }
    }
}

/// Where a search or an insertion starts: the top node and its level.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Entry {
    pub(super) node: u32,
    pub(super) level: usize,
}

/// Greedy descent (beam of one) from `entry` down to just above `stop_level`.
pub(super) fn descend<L: Links + ?Sized>(
    vectors: &Vectors,
    links: &L,
    query: &[f32],
    entry: Entry,
    stop_level: usize,
    scratch: &mut Scratch,
) -> Scored {
    let mut best = Scored { sim: dot(query, vectors.get(entry.node)), node: entry.node };
    let mut found = std::mem::take(&mut scratch.found);
    for layer in (stop_level + 1..=entry.level).rev() {
        let search = LayerSearch { query, layer, ef: 1, admit: |_| true, max_visits: usize::MAX };
        search_layer(vectors, links, &search, &[best], scratch, &mut found);
        if let Some(&first) = found.first() {
            best = first;
        }
    }
    scratch.found = found;
    best
}

/// Links `node` (whose vector is already in `vectors`, at `level`) into the graph that `entry`
/// enters (algorithm 1). Without an entry the graph is empty and the node becomes it alone.
pub(super) fn insert_node<L: Links + ?Sized>(
    vectors: &Vectors,
    links: &mut L,
    shape: Shape,
    node: u32,
    level: usize,
    entry: Option<Entry>,
    scratch: &mut Scratch,
) {
    let Some(entry) = entry else { return };
    let query = vectors.get(node);
    let start = descend(vectors, &*links, query, entry, level, scratch);
    let mut entries = std::mem::take(&mut scratch.entries);
    let mut found = std::mem::take(&mut scratch.found);
    let mut chosen = std::mem::take(&mut scratch.chosen);
    entries.clear();
    entries.push(start);
    for layer in (0..=level.min(entry.level)).rev() {
        let search = LayerSearch {
            query,
            layer,
            ef: shape.ef_construction,
            // A node never links to itself (in the builder it may already be reachable).
            admit: |other| other != node,
            max_visits: usize::MAX,
        };
        search_layer(vectors, &*links, &search, &entries, scratch, &mut found);
        select_neighbours(vectors, &found, shape.m, &mut chosen);
        links.write(node, layer, &chosen);
        let max = shape.max_links(layer);
        for &neighbour in &chosen {
            let Scratch { pruning, pruned, .. } = &mut *scratch;
            links.modify(neighbour, layer, &mut |list| {
                link_back(vectors, neighbour, node, max, list, pruning, pruned)
            });
        }
        // The whole beam seeds the next layer down, as in the paper.
        if !found.is_empty() {
            std::mem::swap(&mut entries, &mut found);
        }
    }
    scratch.entries = entries;
    scratch.found = found;
    scratch.chosen = chosen;
}

/// Adds `new` to the neighbour list of `owner`; when the list is full, the heuristic chooses
/// which `max` of the old neighbours and the new one stay.
fn link_back(
    vectors: &Vectors,
    owner: u32,
    new: u32,
    max: usize,
    list: &mut Vec<u32>,
    pruning: &mut Vec<Scored>,
    pruned: &mut Vec<u32>,
) {
    if list.contains(&new) {
        return;
    }
    if list.len() < max {
        list.push(new);
        return;
    }
    let base = vectors.get(owner);
    pruning.clear();
    pruning.extend(
        list.iter()
            .chain(std::iter::once(&new))
            .map(|&other| Scored { sim: dot(base, vectors.get(other)), node: other }),
    );
    pruning.sort_unstable_by(|a, b| b.cmp(a));
    select_neighbours(vectors, pruning, max, pruned);
    list.clear();
    list.extend_from_slice(pruned);
}
