//! Top-K selection over a score vector, with exclusions (seen items, hidden items, filters).

/// Items that must not be recommended.
#[derive(Debug, Clone, Copy, Default)]
pub struct Exclusions<'a> {
    /// Item indexes to skip (need not be sorted), e.g. the user's history.
    pub items: &'a [u32],
    /// A per-item mask, `true` = skip (hidden or unavailable items); may be empty.
    pub mask: &'a [bool],
}

/// The `k` best items by score, best first, skipping exclusions and non-finite scores. Ties
/// are broken by the lower item index so results are deterministic. Runs in O(n log k);
/// exclusions are only looked up for items good enough to enter the top `k`.
pub fn top_k(scores: &[f32], k: usize, exclusions: &Exclusions<'_>) -> Vec<(u32, f32)> {
    if k == 0 {
        return Vec::new();
    }
    let mut excluded: Vec<u32> = exclusions.items.to_vec();
    excluded.sort_unstable();
    let skip = |i: u32| {
        exclusions.mask.get(i as usize).copied().unwrap_or(false)
            || excluded.binary_search(&i).is_ok()
    };
    let mut best = Bounded::new(k);
    for (i, &score) in scores.iter().enumerate() {
        let i = i as u32;
        if score.is_finite() && best.admits(score, i) && !skip(i) {
            best.push(score, i);
        }
    }
    best.into_sorted()
}

/// The best `k` of a stream of scored items: a min-heap whose root is the worst kept entry.
#[derive(Debug)]
pub(crate) struct Bounded {
    k: usize,
    heap: std::collections::BinaryHeap<Entry>,
}

#[derive(Debug, PartialEq)]
struct Entry(f32, u32);

impl Eq for Entry {}

impl Ord for Entry {
    // Reversed on the score, then the higher index is "smaller" (worse), so the root is the
    // entry to evict: the lowest score, and among equal scores the highest index.
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        other.0.total_cmp(&self.0).then(self.1.cmp(&other.1))
    }
}

impl PartialOrd for Entry {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Bounded {
    pub(crate) fn new(k: usize) -> Self {
        Self { k, heap: std::collections::BinaryHeap::with_capacity(k + 1) }
    }

    /// Whether an item with this score would be kept (cheap; check before costlier tests).
    #[inline]
    pub(crate) fn admits(&self, score: f32, item: u32) -> bool {
        if self.heap.len() < self.k {
            return true;
        }
        self.heap
            .peek()
            .is_some_and(|worst| score > worst.0 || (score == worst.0 && item < worst.1))
    }

    /// Keeps the item if it is among the best `k` so far.
    #[inline]
    pub(crate) fn push(&mut self, score: f32, item: u32) {
        if !self.admits(score, item) {
            return;
        }
        self.heap.push(Entry(score, item));
        if self.heap.len() > self.k {
            self.heap.pop();
        }
    }

    /// The kept items, best first, ties by the lower index.
    pub(crate) fn into_sorted(self) -> Vec<(u32, f32)> {
        let mut out: Vec<(u32, f32)> = self.heap.into_iter().map(|e| (e.1, e.0)).collect();
        out.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn best_first_with_exclusions_and_ties_by_index() {
        let scores = [0.5, 0.9, f32::NAN, 0.9, 0.1, 0.7];
        let ex = Exclusions { items: &[5], mask: &[false, false, false, false, true, false] };
        assert_eq!(top_k(&scores, 3, &ex), vec![(1, 0.9), (3, 0.9), (0, 0.5)]);
        assert_eq!(top_k(&scores, 10, &Exclusions::default()).len(), 5);
        assert!(top_k(&scores, 0, &Exclusions::default()).is_empty());
    }
}
