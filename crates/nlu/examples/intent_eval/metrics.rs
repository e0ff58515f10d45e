//! Accuracy, per-intent precision/recall/F1 and macro-F1 over (truth, prediction) pairs, and
//! the held-out splits the evaluation uses.

use std::collections::{BTreeMap, BTreeSet};

use rand::seq::SliceRandom;
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;

/// One intent's figures.
pub struct IntentScore {
    pub intent: String,
    pub support: usize,
    pub precision: f64,
    pub recall: f64,
    pub f1: f64,
}

/// Accuracy and the per-intent table over the intents present in the truth.
pub fn score(pairs: &[(String, String)]) -> (f64, Vec<IntentScore>) {
    let correct = pairs.iter().filter(|(t, p)| t == p).count();
    let intents: BTreeSet<&str> = pairs.iter().map(|(t, _)| t.as_str()).collect();
    let mut table = Vec::new();
    for intent in intents {
        let tp = pairs.iter().filter(|(t, p)| t == intent && p == intent).count() as f64;
        let predicted = pairs.iter().filter(|(_, p)| p == intent).count() as f64;
        let support = pairs.iter().filter(|(t, _)| t == intent).count();
        let precision = if predicted > 0.0 { tp / predicted } else { 0.0 };
        let recall = tp / support.max(1) as f64;
        let f1 = if precision + recall > 0.0 {
            2.0 * precision * recall / (precision + recall)
        } else {
            0.0
        };
        table.push(IntentScore { intent: intent.to_string(), support, precision, recall, f1 });
    }
    (correct as f64 / pairs.len().max(1) as f64, table)
}

/// The mean F1 over the table's intents.
pub fn macro_f1(table: &[IntentScore]) -> f64 {
    table.iter().map(|s| s.f1).sum::<f64>() / table.len().max(1) as f64
}

/// Indexes split into (train, test) with `test_share` of every label in test, seeded.
pub fn stratified<T>(
    items: &[T],
    label: impl Fn(&T) -> &str,
    test_share: f64,
    seed: u64,
) -> (Vec<usize>, Vec<usize>) {
    let mut by_label: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
    for (k, item) in items.iter().enumerate() {
        by_label.entry(label(item)).or_default().push(k);
    }
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let (mut train, mut test) = (Vec::new(), Vec::new());
    for (_, mut rows) in by_label {
        rows.shuffle(&mut rng);
        let held = (rows.len() as f64 * test_share).round() as usize;
        test.extend_from_slice(&rows[..held]);
        train.extend_from_slice(&rows[held..]);
    }
    (train, test)
}

/// The `q` quantile (0 to 1) of sorted values.
pub fn quantile(sorted: &[f64], q: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    sorted[((sorted.len() - 1) as f64 * q).round() as usize]
}
