//! Hybrid fusion and personal re-ranking: two ranked lists into one, then the shopper's own
//! scores on top.
//!
//! Each list is scaled so its best match scores 1 (lexical scores come already scaled), then
//! blended: `(1 - ratio) * lexical + ratio * semantic`, an item missing from a list scoring 0
//! there. Scaling by the best match, rather than by min and max, keeps a list of uniformly poor
//! matches poor relative to the other list's good ones only through the blend weight, which is
//! the knob a shop tunes.

use std::collections::HashMap;

/// An item with its lexical and semantic evidence and the blended score.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Fused {
    /// Item index.
    pub item: u32,
    /// Lexical score in 0..=1, if the item matched lexically.
    pub lexical: Option<f32>,
    /// Cosine similarity, if the item matched semantically.
    pub semantic: Option<f32>,
    /// The blend.
    pub score: f32,
}

/// Blends lexical (already in 0..=1) and semantic (cosine similarity) candidates, unordered
/// (see [`best_first`]).
pub fn fuse(lexical: &[(u32, f32)], semantic: &[(u32, f32)], ratio: f32) -> Vec<Fused> {
    let ratio = ratio.clamp(0.0, 1.0);
    if semantic.is_empty() {
        // Lexical only, the common case: a broad query's tens of thousands of matches need no
        // table.
        let weight = 1.0 - ratio;
        return lexical
            .iter()
            .map(|&(item, s)| Fused { item, lexical: Some(s), semantic: None, score: weight * s })
            .collect();
    }
    let best_semantic = semantic.iter().map(|&(_, s)| s).fold(f32::MIN, f32::max).max(1e-6);
    let mut by_item: HashMap<u32, Fused> = HashMap::with_capacity(lexical.len() + semantic.len());
    for &(item, score) in lexical {
        by_item.insert(item, Fused { item, lexical: Some(score), semantic: None, score: 0.0 });
    }
    for &(item, similarity) in semantic {
        by_item
            .entry(item)
            .or_insert(Fused { item, lexical: None, semantic: None, score: 0.0 })
            .semantic = Some(similarity);
    }
    let mut fused: Vec<Fused> = by_item
        .into_values()
        .map(|mut f| {
            let lexical = f.lexical.unwrap_or(0.0);
            let semantic = f.semantic.map_or(0.0, |s| (s / best_semantic).max(0.0));
            f.score = (1.0 - ratio) * lexical + ratio * semantic;
            f
        })
        .collect();
    best_first(&mut fused, usize::MAX);
    fused
}

/// Re-ranks the first `depth` candidates by adding `weight` times the shopper's score, scaled
/// to 0..=1 over those candidates. `personal` holds one score per candidate of that prefix.
/// Candidates past `depth` keep their order below the re-ranked ones.
pub fn personalize(candidates: &mut [Fused], personal: &[f32], weight: f32) {
    let depth = personal.len().min(candidates.len());
    if depth < 2 || weight <= 0.0 {
        return;
    }
    let (low, high) = personal[..depth]
        .iter()
        .filter(|s| s.is_finite())
        .fold((f32::MAX, f32::MIN), |(lo, hi), &s| (lo.min(s), hi.max(s)));
    if high <= low {
        return;
    }
    for (candidate, &score) in candidates[..depth].iter_mut().zip(personal) {
        let scaled = if score.is_finite() { (score - low) / (high - low) } else { 0.0 };
        candidate.score += weight * scaled;
    }
    best_first(&mut candidates[..depth], depth);
}

/// Puts the best `depth` items first, in order (by score, ties by item index so results are
/// deterministic); the rest follow in no particular order. A page needs its first few dozen
/// items sorted, not a broad query's hundred thousand.
pub fn best_first(items: &mut [Fused], depth: usize) {
    partial_sort(items, depth, |a, b| b.score.total_cmp(&a.score).then(a.item.cmp(&b.item)));
}

/// Sorts the first `depth` items of `items` by `order` (selecting them first when there are more).
pub fn partial_sort<T>(
    items: &mut [T],
    depth: usize,
    order: impl Fn(&T, &T) -> std::cmp::Ordering,
) {
    if depth < items.len() {
        items.select_nth_unstable_by(depth, &order);
        items[..depth].sort_by(&order);
    } else {
        items.sort_by(&order);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn order(fused: &[Fused]) -> Vec<u32> {
        fused.iter().map(|f| f.item).collect()
    }

    #[test]
    fn the_ratio_moves_the_ranking_from_one_list_to_the_other() {
        let lexical = [(1, 1.0), (2, 0.6)];
        let semantic = [(3, 0.8), (2, 0.7)];
        let mut lexical_only = fuse(&lexical, &[], 0.0);
        best_first(&mut lexical_only, 2);
        assert_eq!(order(&lexical_only), [1, 2]);
        assert_eq!(order(&fuse(&lexical, &semantic, 1.0))[..2], [3, 2]);
        // Item 2 is good in both lists: the blend puts it first.
        assert_eq!(order(&fuse(&lexical, &semantic, 0.5))[0], 2);
    }

    #[test]
    fn personal_scores_reorder_close_candidates_only_within_the_depth() {
        let mut fused = fuse(&[(1, 1.0), (2, 0.95), (3, 0.9)], &[], 0.0);
        best_first(&mut fused, 3);
        personalize(&mut fused, &[0.0, 5.0], 0.3);
        assert_eq!(order(&fused), [2, 1, 3]);
        let mut unchanged = fuse(&[(1, 1.0), (2, 0.95)], &[], 0.0);
        best_first(&mut unchanged, 2);
        personalize(&mut unchanged, &[1.0, 1.0], 0.3);
        assert_eq!(order(&unchanged), [1, 2]);
    }
}
