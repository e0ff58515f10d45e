//! Popularity: Zipf weights and the alias table that samples from them in constant time.
//!
//! Not a model of why items are popular; just the heavy-tailed shape real shops show, where a
//! few items take most of the views.

use rand::Rng;

/// Zipf weight of the item at popularity `rank` (0 is the most popular).
pub(crate) fn zipf_weight(rank: usize, exponent: f64) -> f64 {
    (rank as f64 + 1.0).powf(-exponent)
}

/// Walker's alias table: O(n) to build, O(1) per draw, which keeps the per-event cost flat
/// however big the catalog is.
#[derive(Debug, Clone)]
pub(crate) struct AliasTable {
    /// Chance, scaled to `u32::MAX`, of keeping slot `i` rather than taking its alias.
    keep: Vec<u32>,
    alias: Vec<u32>,
}

impl AliasTable {
    /// A table over `weights`; `None` when there is nothing to draw (no weights, or all zero).
    pub(crate) fn new(weights: &[f64]) -> Option<Self> {
        let n = weights.len();
        let total: f64 = weights.iter().filter(|w| w.is_finite() && **w > 0.0).sum();
        if n == 0 || total <= 0.0 {
            return None;
        }
        let mut scaled: Vec<f64> = weights
            .iter()
            .map(|w| if w.is_finite() && *w > 0.0 { w * n as f64 / total } else { 0.0 })
            .collect();
        let mut keep = vec![u32::MAX; n];
        let mut alias: Vec<u32> = (0..n as u32).collect();
        let (mut small, mut large): (Vec<usize>, Vec<usize>) =
            (0..n).partition(|&i| scaled[i] < 1.0);
        while let (Some(s), Some(&l)) = (small.pop(), large.last()) {
            keep[s] = (scaled[s] * f64::from(u32::MAX)) as u32;
            alias[s] = l as u32;
            scaled[l] -= 1.0 - scaled[s];
            if scaled[l] < 1.0 {
                large.pop();
                small.push(l);
            }
        }
        // Whatever is left is 1 up to rounding: always kept (the defaults above).
        Some(Self { keep, alias })
    }

    /// A table that always draws slot 0.
    pub(crate) fn single() -> Self {
        Self { keep: vec![u32::MAX], alias: vec![0] }
    }

    /// Draws a slot index.
    pub(crate) fn sample(&self, rng: &mut impl Rng) -> usize {
        let x: u64 = rng.random();
        // High bits pick the slot (multiply-shift, no modulo bias worth caring about here),
        // low bits decide between the slot and its alias.
        let slot = (((x >> 32) * self.keep.len() as u64) >> 32) as usize;
        if (x as u32) < self.keep[slot] || self.keep[slot] == u32::MAX {
            slot
        } else {
            self.alias[slot] as usize
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dist::rng_for;

    #[test]
    fn alias_table_follows_its_weights() {
        let table = AliasTable::new(&[1.0, 0.0, 3.0, 6.0]).expect("has weight");
        let mut rng = rng_for(5, 5);
        let mut counts = [0u32; 4];
        for _ in 0..100_000 {
            counts[table.sample(&mut rng)] += 1;
        }
        assert_eq!(counts[1], 0);
        let share = |i: usize| f64::from(counts[i]) / 100_000.0;
        assert!((share(0) - 0.1).abs() < 0.01, "{counts:?}");
        assert!((share(2) - 0.3).abs() < 0.01, "{counts:?}");
        assert!((share(3) - 0.6).abs() < 0.01, "{counts:?}");
    }

    #[test]
    fn empty_or_weightless_tables_are_refused() {
        assert!(AliasTable::new(&[]).is_none());
        assert!(AliasTable::new(&[0.0, 0.0]).is_none());
    }
}
