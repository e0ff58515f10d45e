//! The two owners of neighbour lists: [`FlatLinks`], the index's compact fixed-stride layout,
//! and [`LockedLinks`], one lock per node so builder threads can link nodes at the same time.
//!
//! Neither knows how lists are chosen; that is [`super::graph`].

use std::sync::{Mutex, PoisonError};

use super::graph::Links;

/// Neighbour lists in fixed-size slots: `[count, id, id, …]`, `m0 + 1` words per node on
/// layer 0 (one array for all nodes, so a search touches one contiguous block per node), and
/// `m + 1` words per upper layer in a small per-node array (most nodes have no upper layers).
#[derive(Debug, Clone)]
pub(super) struct FlatLinks {
    m: usize,
    m0: usize,
    layer0: Vec<u32>,
    upper: Vec<Vec<u32>>,
}

impl FlatLinks {
    pub(super) fn new(m: usize, m0: usize) -> Self {
        Self { m, m0, layer0: Vec::new(), upper: Vec::new() }
    }

    /// Adds empty lists for the next node, which lives on layers `0..=level`.
    pub(super) fn push_node(&mut self, level: usize) {
        self.layer0.resize(self.layer0.len() + self.m0 + 1, 0);
        self.upper.push(vec![0; level * (self.m + 1)]);
    }

    pub(super) fn reserve(&mut self, nodes: usize) {
        self.layer0.reserve(nodes.saturating_mul(self.m0 + 1));
        self.upper.reserve(nodes);
    }

    fn slot(&self, node: u32, layer: usize) -> Option<&[u32]> {
        let node = node as usize;
        if layer == 0 {
            let start = node * (self.m0 + 1);
            self.layer0.get(start..start + self.m0 + 1)
        } else {
            let start = (layer - 1) * (self.m + 1);
            self.upper.get(node)?.get(start..start + self.m + 1)
        }
    }

    fn slot_mut(&mut self, node: u32, layer: usize) -> Option<&mut [u32]> {
        let node = node as usize;
        if layer == 0 {
            let start = node * (self.m0 + 1);
            self.layer0.get_mut(start..start + self.m0 + 1)
        } else {
            let start = (layer - 1) * (self.m + 1);
            self.upper.get_mut(node)?.get_mut(start..start + self.m + 1)
        }
    }
}

impl Links for FlatLinks {
    fn read(&self, node: u32, layer: usize, out: &mut Vec<u32>) {
        out.clear();
        if let Some((count, ids)) = self.slot(node, layer).and_then(|s| s.split_first()) {
            out.extend_from_slice(&ids[..(*count as usize).min(ids.len())]);
        }
    }

    fn write(&mut self, node: u32, layer: usize, list: &[u32]) {
        if let Some((count, ids)) = self.slot_mut(node, layer).and_then(|s| s.split_first_mut()) {
            let kept = list.len().min(ids.len());
            ids[..kept].copy_from_slice(&list[..kept]);
            // Lists never exceed their slot (the graph prunes to `m`/`m0`), so this cannot wrap.
            *count = kept as u32;
        }
    }

    fn modify(&mut self, node: u32, layer: usize, change: &mut dyn FnMut(&mut Vec<u32>)) {
        let mut list = Vec::new();
        self.read(node, layer, &mut list);
        change(&mut list);
        self.write(node, layer, &list);
    }
}

/// Per-node lists behind a lock each, for the parallel build. Only one lock is ever held at a
/// time (a list is changed, never two at once), so threads cannot deadlock.
#[derive(Debug)]
pub(super) struct LockedLinks {
    nodes: Vec<Mutex<Vec<Vec<u32>>>>,
}

impl LockedLinks {
    /// Empty lists for nodes at the given levels.
    pub(super) fn new(levels: &[u8]) -> Self {
        let nodes =
            levels.iter().map(|&level| Mutex::new(vec![Vec::new(); level as usize + 1])).collect();
        Self { nodes }
    }

    /// The finished lists, moved into the compact layout, for nodes at the given levels.
    pub(super) fn into_flat(self, levels: &[u8], m: usize, m0: usize) -> FlatLinks {
        let mut flat = FlatLinks::new(m, m0);
        flat.reserve(self.nodes.len());
        for (node, (lists, &level)) in self.nodes.into_iter().zip(levels).enumerate() {
            flat.push_node(level as usize);
            let lists = lists.into_inner().unwrap_or_else(PoisonError::into_inner);
            for (layer, list) in lists.iter().enumerate() {
                flat.write(node as u32, layer, list);
            }
        }
        flat
    }
}

impl Links for &LockedLinks {
    fn read(&self, node: u32, layer: usize, out: &mut Vec<u32>) {
        out.clear();
        if let Some(lists) = self.nodes.get(node as usize) {
            // A panicking builder thread poisons its lock; the lists are still whole, since
            // each change is a plain Vec update.
            let lists = lists.lock().unwrap_or_else(PoisonError::into_inner);
            if let Some(list) = lists.get(layer) {
                out.extend_from_slice(list);
            }
        }
    }

    fn write(&mut self, node: u32, layer: usize, list: &[u32]) {
        self.modify(node, layer, &mut |old| {
            old.clear();
            old.extend_from_slice(list);
        });
    }

    fn modify(&mut self, node: u32, layer: usize, change: &mut dyn FnMut(&mut Vec<u32>)) {
        if let Some(lists) = self.nodes.get(node as usize) {
            let mut lists = lists.lock().unwrap_or_else(PoisonError::into_inner);
            if let Some(list) = lists.get_mut(layer) {
                change(list);
            }
        }
    }
}
