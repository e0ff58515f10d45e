//! Feature hashing for the text classifiers: features (a kind and some bytes) hashed into a
//! fixed number of buckets, counts merged, damped and scaled to unit length.

use xxhash_rust::xxh3::xxh3_64_with_seed;

/// Collects hashed features of one text; [`FeatureSink::finish`] gives the sparse vector.
#[derive(Debug, Clone)]
pub struct FeatureSink {
    mask: u64,
    entries: Vec<(u32, f32)>,
}

impl FeatureSink {
    /// A sink over `2^bits` buckets (`bits` at most 32).
    pub fn new(bits: u8, capacity: usize) -> Self {
        Self { mask: (1u64 << bits.min(32)) - 1, entries: Vec::with_capacity(capacity) }
    }

    /// Counts one feature: `kind` seeds the hash, so the same bytes as a word and as a
    /// character gram land in different buckets.
    pub fn add(&mut self, kind: u64, bytes: &[u8]) {
        let bucket = xxh3_64_with_seed(bytes, kind) & self.mask;
        self.entries.push((bucket as u32, 1.0));
    }

    /// (bucket, weight) by bucket, each count damped to `1 + ln(count)` and the whole scaled to
    /// unit length, so a repeated word or a long text does not shout; empty when nothing was
    /// added.
    pub fn finish(mut self) -> Vec<(u32, f32)> {
        self.entries.sort_unstable_by_key(|(bucket, _)| *bucket);
        let mut merged: Vec<(u32, f32)> = Vec::with_capacity(self.entries.len());
        for (bucket, value) in self.entries {
            match merged.last_mut() {
                Some((last, total)) if *last == bucket => *total += value,
                _ => merged.push((bucket, value)),
            }
        }
        let mut norm = 0.0f32;
        for (_, value) in &mut merged {
            *value = 1.0 + value.ln();
            norm += *value * *value;
        }
        if norm > 0.0 {
            let scale = 1.0 / norm.sqrt();
            merged.iter_mut().for_each(|(_, value)| *value *= scale);
        }
        merged
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn repeats_merge_and_the_vector_has_unit_length() {
        let mut sink = FeatureSink::new(20, 4);
        for word in ["a", "b", "a"] {
            sink.add(1, word.as_bytes());
        }
        let vector = sink.finish();
        assert_eq!(vector.len(), 2);
        let norm: f32 = vector.iter().map(|(_, v)| v * v).sum();
        assert!((norm - 1.0).abs() < 1e-6);
        assert!(vector.windows(2).all(|w| w[0].0 < w[1].0));
        assert!(FeatureSink::new(8, 0).finish().is_empty());
    }
}
