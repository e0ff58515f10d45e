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
/// are broken by the lower item index so results are deterministic. Runs in O(n log k).
pub fn top_k(scores: &[f32], k: usize, exclusions: &Exclusions<'_>) -> Vec<(u32, f32)> {
    use std::cmp::Ordering;
    use std::collections::BinaryHeap;

    #[derive(PartialEq)]
    struct Entry(f32, u32);
    impl Eq for Entry {}
    impl Ord for Entry {
        // A min-heap on (score, then reversed index): the root is the worst kept entry.
        fn cmp(&self, other: &Self) -> Ordering {
            other.0.total_cmp(&self.0).then(self.1.cmp(&other.1))
        }
    }
    impl PartialOrd for Entry {
        fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
            Some(self.cmp(other))
        }
    }

    if k == 0 {
        return Vec::new();
    }
    let mut skip = vec![false; scores.len()];
    for &i in exclusions.items {
        if let Some(s) = skip.get_mut(i as usize) {
            *s = true;
        }
    }
    for (s, &m) in skip.iter_mut().zip(exclusions.mask) {
        *s |= m;
    }
    let mut heap: BinaryHeap<Entry> = BinaryHeap::with_capacity(k + 1);
    for (i, &score) in scores.iter().enumerate() {
        if skip[i] || !score.is_finite() {
            continue;
        }
        if heap.len() < k {
            heap.push(Entry(score, i as u32));
        } else if let Some(worst) = heap.peek() {
            if score > worst.0 {
                heap.pop();
                heap.push(Entry(score, i as u32));
            }
        }
    }
    let mut out: Vec<(u32, f32)> = heap.into_iter().map(|e| (e.1, e.0)).collect();
    out.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
    out
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
