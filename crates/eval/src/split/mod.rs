//! Splitting an interaction matrix into train, validation and test pairs, and the two views an
//! evaluation uses: tuning (train → validation) and final (train + validation → test).
//!
//! Every part is an [`InteractionMatrix`] with the source's shape, so a part is at the same time
//! a set of (user, item) pairs and something a model can train on. Random splits draw from one
//! ChaCha stream per user, so they depend only on the seed, never on thread count. This module
//! does not rank or score anything.

mod spec;

use std::borrow::Cow;

use aisle_domain::InteractionMatrix;
use rand::seq::SliceRandom;
use rand::Rng;

use crate::{user_rng, Error, Result};
use spec::date;
pub use spec::SplitSpec;

/// Which pairs are scored against which training data.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stage {
    /// Train on train, measure on validation: hyper-parameter search lives here.
    Tuning,
    /// Train on train + validation, measure on test: the numbers a report shows.
    Final,
}

/// A split of one matrix. Parts are disjoint and together hold every pair of the source.
#[derive(Debug, Clone)]
pub struct Split<'a> {
    /// The matrix that was split (sampled negatives avoid everything a user touched in it).
    pub source: &'a InteractionMatrix,
    /// Training pairs.
    pub train: InteractionMatrix,
    /// Validation pairs.
    pub validation: InteractionMatrix,
    /// Test pairs.
    pub test: InteractionMatrix,
    /// How it was split.
    pub spec: SplitSpec,
    /// The seed of random splits.
    pub seed: u64,
}

/// Training data and held-out targets of one [`Stage`].
#[derive(Debug, Clone)]
pub struct View<'a> {
    /// Which stage this is.
    pub stage: Stage,
    /// What the model trains on; a user's row here is also the history it is scored from.
    pub train: Cow<'a, InteractionMatrix>,
    /// Held-out pairs: each user's relevant items.
    pub targets: &'a InteractionMatrix,
    /// Everything each user touched, for sampling negatives.
    pub source: &'a InteractionMatrix,
}

/// Which part a pair goes to.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Part {
    Train,
    Validation,
    Test,
}

/// Purpose tags that keep the random streams of different uses apart.
const RATIO_STREAM: u64 = 0x5241_5449_4f00;
const KFOLD_STREAM: u64 = 0x4b46_4f4c_4400;

impl<'a> Split<'a> {
    /// Splits `matrix`; `seed` drives the random splits.
    pub fn new(matrix: &'a InteractionMatrix, spec: &SplitSpec, seed: u64) -> Result<Self> {
        check_matrix(matrix)?;
        spec.check().map_err(|reason| Error::spec("split", &spec.to_string(), reason))?;
        let parts = match spec {
            SplitSpec::LeaveOneOut => per_row(matrix, loo),
            SplitSpec::Ratio { train, validation, test } => {
                let ratios = [*train, *validation, *test];
                per_row(matrix, |r, _, items| ratio(r, items.len(), &ratios, seed))
            }
            SplitSpec::KFold { k, fold } => {
                per_row(matrix, |r, _, items| kfold(r, items.len(), *k, *fold, seed))
            }
            SplitSpec::Temporal { test_from, validation_from } => {
                temporal(matrix, *test_from, *validation_from)?
            }
        };
        let split = Split {
            source: matrix,
            train: filter(matrix, &parts, Part::Train),
            validation: filter(matrix, &parts, Part::Validation),
            test: filter(matrix, &parts, Part::Test),
            spec: spec.clone(),
            seed,
        };
        if split.test.nnz() == 0 || split.validation.nnz() == 0 {
            return Err(Error::Data(format!(
                "split `{spec}` leaves {} validation and {} test pairs out of {}; every evaluation \
                 needs both (too few interactions per user, or a date outside the data?)",
                split.validation.nnz(),
                split.test.nnz(),
                matrix.nnz()
            )));
        }
        Ok(split)
    }

    /// The training data and targets of a stage. The final view merges train and validation.
    pub fn view(&self, stage: Stage) -> View<'_> {
        let (train, targets) = match stage {
            Stage::Tuning => (Cow::Borrowed(&self.train), &self.validation),
            Stage::Final => (Cow::Owned(merge(&self.train, &self.validation)), &self.test),
        };
        View { stage, train, targets, source: self.source }
    }
}

/// Refuses a matrix whose arrays disagree (its fields are public), so that indexing below
/// cannot go out of bounds.
pub(crate) fn check_matrix(m: &InteractionMatrix) -> Result<()> {
    let nnz = m.indices.len();
    let consistent = m.indptr.len() == m.n_rows + 1
        && m.indptr.first() == Some(&0)
        && m.indptr.last() == Some(&(nnz as u64))
        && m.indptr.windows(2).all(|w| w[0] <= w[1])
        && m.weights.len() == nnz
        && m.last_millis.len() == nnz
        && m.indices.iter().all(|&i| (i as usize) < m.n_items);
    // Targets and histories are searched by binary search: each row must be strictly sorted.
    let sorted = consistent
        && (0..m.n_rows).all(|r| {
            m.indices[m.indptr[r] as usize..m.indptr[r + 1] as usize]
                .windows(2)
                .all(|w| w[0] < w[1])
        });
    if sorted {
        Ok(())
    } else {
        Err(Error::Data(
            "the interaction matrix is inconsistent (row offsets, lengths or item indexes); \
             build it with InteractionMatrix::from_columns"
                .to_string(),
        ))
    }
}

/// Labels every stored pair, one row at a time; `decide` gets the row's times and items and
/// returns one part per pair.
fn per_row(
    matrix: &InteractionMatrix,
    mut decide: impl FnMut(usize, &[i64], &[u32]) -> Vec<Part>,
) -> Vec<Part> {
    let mut parts = Vec::with_capacity(matrix.nnz());
    for r in 0..matrix.n_rows {
        let (a, b) = (matrix.indptr[r] as usize, matrix.indptr[r + 1] as usize);
        parts.extend(decide(r, &matrix.last_millis[a..b], &matrix.indices[a..b]));
    }
    parts
}

fn loo(_row: usize, millis: &[i64], items: &[u32]) -> Vec<Part> {
    let mut parts = vec![Part::Train; items.len()];
    if items.len() >= 3 {
        // Ties in time are broken by item index, so equal timestamps still split one way.
        let mut order: Vec<usize> = (0..items.len()).collect();
        order.sort_by_key(|&k| (millis[k], items[k]));
        parts[order[items.len() - 1]] = Part::Test;
        parts[order[items.len() - 2]] = Part::Validation;
    }
    parts
}

/// RecBole's `_calc_split_ratios`: every part but the first rounded down, the first takes the
/// rest; then a part whose exact share is below one pair gets one, while train keeps two.
pub(crate) fn recbole_counts(total: usize, ratios: &[f64; 3]) -> [usize; 3] {
    let sum: f64 = ratios.iter().sum();
    let norm = ratios.map(|r| r / sum);
    let mut cnt = norm.map(|r| (r * total as f64) as usize);
    cnt[0] = total.saturating_sub(cnt[1] + cnt[2]);
    for i in 1..3 {
        if cnt[0] <= 1 {
            break;
        }
        let exact = norm[3 - i] * total as f64;
        if exact > 0.0 && exact < 1.0 {
            cnt[3 - i] += 1;
            cnt[0] -= 1;
        }
    }
    cnt
}

fn ratio(row: usize, n: usize, ratios: &[f64; 3], seed: u64) -> Vec<Part> {
    let [train, validation, _] = recbole_counts(n, ratios);
    let mut order: Vec<usize> = (0..n).collect();
    order.shuffle(&mut user_rng(seed, RATIO_STREAM, row));
    let mut parts = vec![Part::Test; n];
    for (rank, &k) in order.iter().enumerate() {
        if rank < train {
            parts[k] = Part::Train;
        } else if rank < train + validation {
            parts[k] = Part::Validation;
        }
    }
    parts
}

fn kfold(row: usize, n: usize, k: usize, fold: usize, seed: u64) -> Vec<Part> {
    let mut rng = user_rng(seed, KFOLD_STREAM, row);
    let mut order: Vec<usize> = (0..n).collect();
    order.shuffle(&mut rng);
    // A random offset per user, so users with fewer pairs than folds do not all land in fold 0.
    let offset = rng.random_range(0..k);
    let mut parts = vec![Part::Train; n];
    for (rank, &pair) in order.iter().enumerate() {
        let f = (rank + offset) % k;
        if f == fold {
            parts[pair] = Part::Test;
        } else if f == (fold + 1) % k {
            parts[pair] = Part::Validation;
        }
    }
    parts
}

fn temporal(
    m: &InteractionMatrix,
    test_from: i64,
    validation_from: Option<i64>,
) -> Result<Vec<Part>> {
    let earliest =
        m.last_millis.iter().copied().filter(|&t| t < test_from).min().ok_or_else(|| {
            Error::Data(format!(
                "temporal split: no interaction before {}; choose a later test date",
                date(test_from)
            ))
        })?;
    let validation_from = validation_from.unwrap_or(test_from - (test_from - earliest) / 10);
    Ok(m.last_millis
        .iter()
        .map(|&t| match t {
            t if t < validation_from => Part::Train,
            t if t < test_from => Part::Validation,
            _ => Part::Test,
        })
        .collect())
}

/// The pairs of one part, same shape as the source.
fn filter(m: &InteractionMatrix, parts: &[Part], keep: Part) -> InteractionMatrix {
    let mut out = InteractionMatrix { n_rows: m.n_rows, n_items: m.n_items, ..Default::default() };
    out.indptr.push(0);
    for r in 0..m.n_rows {
        let (a, b) = (m.indptr[r] as usize, m.indptr[r + 1] as usize);
        let pairs = m.indices[a..b].iter().zip(&m.weights[a..b]).zip(&m.last_millis[a..b]);
        for (((&item, &weight), &millis), &part) in pairs.zip(&parts[a..b]) {
            if part == keep {
                out.indices.push(item);
                out.weights.push(weight);
                out.last_millis.push(millis);
            }
        }
        out.indptr.push(out.indices.len() as u64);
    }
    out
}

/// The union of two parts of one split (same shape, checked source); a pair in both keeps the
/// summed weight and the later time, as the matrix builder does.
pub(crate) fn merge(a: &InteractionMatrix, b: &InteractionMatrix) -> InteractionMatrix {
    let mut out = InteractionMatrix { n_rows: a.n_rows, n_items: a.n_items, ..Default::default() };
    out.indptr.push(0);
    for r in 0..a.n_rows {
        let (mut i, ia) = (a.indptr[r] as usize, a.indptr[r + 1] as usize);
        let (mut j, jb) = (b.indptr[r] as usize, b.indptr[r + 1] as usize);
        while i < ia || j < jb {
            let take_a = j >= jb || (i < ia && a.indices[i] <= b.indices[j]);
            let (m, k) = if take_a { (a, i) } else { (b, j) };
            let same = i < ia && j < jb && a.indices[i] == b.indices[j];
            out.indices.push(m.indices[k]);
            out.weights.push(m.weights[k] + if same { b.weights[j] } else { 0.0 });
            out.last_millis.push(if same {
                m.last_millis[k].max(b.last_millis[j])
            } else {
                m.last_millis[k]
            });
            if take_a {
                i += 1;
            }
            if !take_a || same {
                j += 1;
            }
        }
        out.indptr.push(out.indices.len() as u64);
    }
    out
}
