//! Train/test splits: stratified k-fold, a stratified holdout and time-based splits.
//!
//! Splits are row indices into the caller's data, sorted ascending, so the caller keeps control
//! of the data itself. Randomised splits are deterministic for a seed.

use rand::seq::SliceRandom;
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;

use crate::{Error, Result};

/// Row indices of one train/test split, each list sorted ascending.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Split {
    /// Rows to train on.
    pub train: Vec<usize>,
    /// Rows to measure on.
    pub test: Vec<usize>,
}

/// The positive and negative rows, each shuffled with `seed`.
fn shuffled_classes(labels: &[bool], seed: u64) -> [Vec<usize>; 2] {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let mut classes = [Vec::new(), Vec::new()];
    for (i, &y) in labels.iter().enumerate() {
        classes[usize::from(y)].push(i);
    }
    for class in &mut classes {
        class.shuffle(&mut rng);
    }
    classes
}

/// `k` folds that each hold about `1/k` of each class; fold `i`'s test rows are its own, its
/// train rows everyone else's. Every row is in exactly one test fold.
pub fn stratified_k_fold(labels: &[bool], k: usize, seed: u64) -> Result<Vec<Split>> {
    if k < 2 {
        return Err(Error::InvalidConfig {
            field: "k",
            reason: format!("{k}; need at least 2 folds"),
        });
    }
    if labels.len() < k {
        return Err(Error::InvalidConfig {
            field: "k",
            reason: format!("{k} folds for {} rows; need at least one row per fold", labels.len()),
        });
    }
    let mut fold_of = vec![0usize; labels.len()];
    // Dealing the classes one after the other, continuing the rotation, keeps fold sizes within
    // one row of each other as well as stratified.
    let mut next = 0;
    for class in shuffled_classes(labels, seed) {
        for row in class {
            fold_of[row] = next;
            next = (next + 1) % k;
        }
    }
    Ok((0..k)
        .map(|fold| {
            let (test, train): (Vec<usize>, Vec<usize>) =
                (0..labels.len()).partition(|&row| fold_of[row] == fold);
            Split { train, test }
        })
        .collect())
}

/// One stratified holdout: about `test_fraction` of each class goes to `test`.
pub fn stratified_split(labels: &[bool], test_fraction: f64, seed: u64) -> Result<Split> {
    if !(test_fraction > 0.0 && test_fraction < 1.0) {
        return Err(Error::InvalidConfig {
            field: "test_fraction",
            reason: format!("{test_fraction}; must be strictly between 0 and 1"),
        });
    }
    let mut is_test = vec![false; labels.len()];
    for class in shuffled_classes(labels, seed) {
        let n_test = (class.len() as f64 * test_fraction).round() as usize;
        for &row in &class[..n_test] {
            is_test[row] = true;
        }
    }
    let (test, train) = (0..labels.len()).partition(|&row| is_test[row]);
    Ok(Split { train, test })
}

/// Rows before `cutoff` train, rows at or after it test.
pub fn time_split_at(times: &[i64], cutoff: i64) -> Split {
    let (train, test) = (0..times.len()).partition(|&row| times[row] < cutoff);
    Split { train, test }
}

/// The latest `test_fraction` of rows test, the rest train; rows sharing the cutoff time all
/// go to test, so no test row is earlier than any train row.
pub fn time_split(times: &[i64], test_fraction: f64) -> Result<Split> {
    if !(test_fraction > 0.0 && test_fraction < 1.0) {
        return Err(Error::InvalidConfig {
            field: "test_fraction",
            reason: format!("{test_fraction}; must be strictly between 0 and 1"),
        });
    }
    if times.is_empty() {
        return Err(Error::Empty { what: "times" });
    }
    let mut sorted = times.to_vec();
    sorted.sort_unstable();
    let n_train = ((times.len() as f64) * (1.0 - test_fraction)).round() as usize;
    let cutoff = sorted[n_train.min(times.len() - 1)];
    Ok(time_split_at(times, cutoff))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn k_fold_partitions_rows_and_stratifies() {
        let labels: Vec<bool> = (0..103).map(|i| i % 5 == 0).collect();
        let folds = stratified_k_fold(&labels, 10, 7).unwrap();
        let mut seen = vec![0; labels.len()];
        for fold in &folds {
            assert_eq!(fold.train.len() + fold.test.len(), labels.len());
            for &r in &fold.test {
                seen[r] += 1;
                assert!(fold.train.binary_search(&r).is_err());
            }
            let positives = fold.test.iter().filter(|&&r| labels[r]).count();
            assert!((2..=3).contains(&positives), "{positives}");
            assert!((10..=11).contains(&fold.test.len()));
        }
        assert!(seen.iter().all(|&s| s == 1));
        assert_eq!(folds, stratified_k_fold(&labels, 10, 7).unwrap());
        assert_ne!(folds, stratified_k_fold(&labels, 10, 8).unwrap());
    }

    #[test]
    fn holdout_is_stratified() {
        let labels: Vec<bool> = (0..1000).map(|i| i % 10 == 0).collect();
        let split = stratified_split(&labels, 0.2, 1).unwrap();
        assert_eq!(split.test.len(), 200);
        assert_eq!(split.test.iter().filter(|&&r| labels[r]).count(), 20);
    }

    #[test]
    fn time_split_never_tests_the_past() {
        let times = [5, 1, 3, 3, 9, 7, 3];
        let split = time_split(&times, 0.5).unwrap();
        let last_train = split.train.iter().map(|&r| times[r]).max().unwrap();
        let first_test = split.test.iter().map(|&r| times[r]).min().unwrap();
        assert!(last_train < first_test);
        assert_eq!(split.train.len() + split.test.len(), times.len());
    }
}
