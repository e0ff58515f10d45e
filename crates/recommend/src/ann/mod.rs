//! Approximate maximum-inner-product search over item vectors, for serving factor models (ALS,
//! BPR) without scoring the whole catalog on every request.
//!
//! An inverted-file index (IVF, as in Faiss's `IndexIVFFlat`): k-means splits the items into
//! lists; a query scores the list centroids, then scores exactly only the items of the
//! `probes` nearest lists. Inner products are not a distance, so the items are first lifted
//! one dimension up (Bachrach et al., "Speeding up the Xbox recommender system using a
//! Euclidean transformation for inner-product spaces", RecSys 2014): `x' = [x, √(M² − |x|²)]`
//! with `M` the largest item norm, and the query to `q' = [q, 0]`. Then
//! `|q' − x'|² = |q|² + M² − 2 q·x`, so the nearest lifted item is the one with the largest
//! inner product, and plain Euclidean k-means clusters the lifted items.
//!
//! This module only retrieves: filters, exclusions and business rules are the caller's, applied
//! through the `skip` predicate. The recall it reaches at a given `probes` is measured, not
//! assumed (see the tests and BENCHMARKS.md).

use pulp::Arch;
use rayon::prelude::*;

use crate::linalg::{padded, Dots, Rng};

/// A model whose score is an inner product `user · item` (plus nothing else), so that an index
/// over its item vectors finds its best items.
pub trait InnerProduct: Send + Sync {
    /// Length of the vectors.
    fn dim(&self) -> usize;
    /// The user vector for a query (`dim` long).
    fn query_vector(&self, query: &crate::Query<'_>) -> Vec<f32>;
    /// Every item's vector, `n_items × dim`, in item order.
    fn item_vectors(&self) -> Vec<f32>;
}

/// How the index is built and searched.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct IvfConfig {
    /// Lists (k-means clusters); 0 chooses `2√n`.
    pub lists: usize,
    /// Lists a query scores exactly, by default.
    pub probes: usize,
    /// k-means iterations.
    pub iterations: usize,
    /// Seed of the k-means start.
    pub seed: u64,
}

impl Default for IvfConfig {
    fn default() -> Self {
        Self { lists: 0, probes: 32, iterations: 12, seed: 7 }
    }
}

/// k-means trains on at most this many items per list (Faiss uses 256; the lift makes the
/// clusters less regular, so a little more).
const SAMPLE_PER_LIST: usize = 64;

/// An inverted-file index over item vectors.
#[derive(Debug, Clone)]
pub struct IvfIndex {
    dim: usize,
    /// Padded row length of lifted vectors (`dim + 1` rounded up).
    stride: usize,
    /// `lists × stride`, lifted.
    centroids: Vec<f32>,
    /// `|c|²` of each centroid.
    centroid_norms: Vec<f32>,
    /// List `l` holds `members[offsets[l]..offsets[l + 1]]`.
    offsets: Vec<usize>,
    /// Item indexes, grouped by list.
    members: Vec<u32>,
    /// The members' vectors in the same order, `members × stride`, not lifted (the lift
    /// coordinate is 0, so a dot with a padded query is the inner product).
    vectors: Vec<f32>,
    /// Where each item sits in `members`, by item index.
    position: Vec<u32>,
    probes: usize,
}

impl IvfIndex {
    /// Builds the index over `vectors` (`n × dim`, item order). Uses every core.
    pub fn build(vectors: &[f32], dim: usize, config: &IvfConfig) -> Self {
        let stride = padded(dim + 1);
        let n = vectors.len().checked_div(dim).unwrap_or(0);
        if n == 0 {
            return Self {
                dim,
                stride,
                centroids: Vec::new(),
                centroid_norms: Vec::new(),
                offsets: vec![0],
                members: Vec::new(),
                vectors: Vec::new(),
                position: Vec::new(),
                probes: config.probes.max(1),
            };
        }
        let max_norm = vectors.chunks_exact(dim.max(1)).map(norm2).fold(0.0f32, f32::max);
        let mut lifted = vec![0.0f32; n * stride];
        for (row, x) in lifted.chunks_exact_mut(stride).zip(vectors.chunks_exact(dim.max(1))) {
            row[..dim].copy_from_slice(x);
            row[dim] = (max_norm - norm2(x)).max(0.0).sqrt();
        }
        let lists = if config.lists == 0 {
            ((2.0 * (n as f64).sqrt()) as usize).max(1)
        } else {
            config.lists
        }
        .min(n.max(1));
        let centroids = kmeans(&lifted, stride, n, lists, config);
        let centroid_norms: Vec<f32> = centroids.chunks_exact(stride).map(norm2).collect();
        let assignment: Vec<u32> = lifted
            .par_chunks(stride)
            .map(|x| nearest(x, &centroids, &centroid_norms, stride))
            .collect();
        let mut counts = vec![0usize; lists];
        for &a in &assignment {
            counts[a as usize] += 1;
        }
        let mut offsets = Vec::with_capacity(lists + 1);
        offsets.push(0);
        for c in &counts {
            offsets.push(offsets.last().copied().unwrap_or(0) + c);
        }
        let mut next = offsets.clone();
        let mut members = vec![0u32; n];
        let mut position = vec![0u32; n];
        let mut ordered = vec![0.0f32; n * stride];
        for (item, &list) in assignment.iter().enumerate() {
            let at = next[list as usize];
            next[list as usize] += 1;
            members[at] = item as u32;
            position[item] = at as u32;
            ordered[at * stride..at * stride + dim]
                .copy_from_slice(&vectors[item * dim..(item + 1) * dim]);
        }
        Self {
            dim,
            stride,
            centroids,
            centroid_norms,
            offsets,
            members,
            vectors: ordered,
            position,
            probes: config.probes.max(1),
        }
    }

    /// Items indexed.
    pub fn len(&self) -> usize {
        self.members.len()
    }

    /// Whether no item is indexed.
    pub fn is_empty(&self) -> bool {
        self.members.is_empty()
    }

    /// Number of lists.
    pub fn lists(&self) -> usize {
        self.centroid_norms.len()
    }

    /// The lists a query scores by default.
    pub fn probes(&self) -> usize {
        self.probes
    }

    /// The inner product of `query` with one item's vector, `None` for items not indexed.
    pub fn inner_product(&self, query: &[f32], item: u32) -> Option<f32> {
        let at = *self.position.get(item as usize)? as usize;
        let x = &self.vectors[at * self.stride..at * self.stride + self.dim];
        (query.len() == self.dim).then(|| query.iter().zip(x).map(|(a, b)| a * b).sum())
    }

    /// The `k` items with the largest inner product with `query` (`dim` long) among the
    /// members of the `probes` nearest lists (the default when `None`), best first, skipping
    /// items for which `skip` is true. Ties go to the lower item index.
    pub fn search(
        &self,
        query: &[f32],
        k: usize,
        probes: Option<usize>,
        skip: &dyn Fn(u32) -> bool,
    ) -> Vec<(u32, f32)> {
        if k == 0 || self.is_empty() || query.len() != self.dim {
            return Vec::new();
        }
        let mut q = vec![0.0f32; self.stride];
        q[..self.dim].copy_from_slice(query);
        let probes = probes.unwrap_or(self.probes).clamp(1, self.lists());
        let mut list_scores = vec![0.0f32; self.lists()];
        Arch::new().dispatch(Dots {
            query: &q,
            rows: &self.centroids,
            stride: self.stride,
            out: &mut list_scores,
        });
        // Nearest lifted centroid: smallest |c|² − 2 q·c (|q|² is the same for all).
        let mut order: Vec<(f32, u32)> = list_scores
            .iter()
            .zip(&self.centroid_norms)
            .enumerate()
            .map(|(l, (&dot, &norm))| (norm - 2.0 * dot, l as u32))
            .collect();
        if probes < order.len() {
            order.select_nth_unstable_by(probes - 1, |a, b| a.0.total_cmp(&b.0));
            order.truncate(probes);
        }
        let mut best = crate::topk::Bounded::new(k);
        let mut scores = Vec::new();
        for &(_, list) in &order {
            let (start, end) = (self.offsets[list as usize], self.offsets[list as usize + 1]);
            scores.clear();
            scores.resize(end - start, 0.0);
            let rows = &self.vectors[start * self.stride..end * self.stride];
            Arch::new().dispatch(Dots { query: &q, rows, stride: self.stride, out: &mut scores });
            for (&item, &score) in self.members[start..end].iter().zip(&scores) {
                if best.admits(score, item) && !skip(item) {
                    best.push(score, item);
                }
            }
        }
        best.into_sorted()
    }
}

/// `|x|²`.
fn norm2(x: &[f32]) -> f32 {
    x.iter().map(|v| v * v).sum()
}

/// Index of the centroid nearest to `x` (both lifted and padded).
fn nearest(x: &[f32], centroids: &[f32], norms: &[f32], stride: usize) -> u32 {
    let mut dots = vec![0.0f32; norms.len()];
    Arch::new().dispatch(Dots { query: x, rows: centroids, stride, out: &mut dots });
    let mut best = (f32::INFINITY, 0u32);
    for (l, (&dot, &norm)) in dots.iter().zip(norms).enumerate() {
        let d = norm - 2.0 * dot;
        if d < best.0 {
            best = (d, l as u32);
        }
    }
    best.1
}

/// Lloyd's k-means on a seeded sample of the rows; empty clusters restart at a random row.
fn kmeans(rows: &[f32], stride: usize, n: usize, lists: usize, config: &IvfConfig) -> Vec<f32> {
    let mut rng = Rng::new(config.seed);
    let sample: Vec<usize> = if n <= lists * SAMPLE_PER_LIST {
        (0..n).collect()
    } else {
        let mut picked: Vec<usize> = (0..n).collect();
        for i in 0..lists * SAMPLE_PER_LIST {
            let j = i + rng.below(n - i);
            picked.swap(i, j);
        }
        picked.truncate(lists * SAMPLE_PER_LIST);
        picked
    };
    let row = |i: usize| &rows[i * stride..(i + 1) * stride];
    let mut centroids = vec![0.0f32; lists * stride];
    for (l, c) in centroids.chunks_exact_mut(stride).enumerate() {
        c.copy_from_slice(row(sample[l % sample.len().max(1)]));
    }
    if sample.is_empty() {
        return centroids;
    }
    for _ in 0..config.iterations {
        let norms: Vec<f32> = centroids.chunks_exact(stride).map(norm2).collect();
        let assignment: Vec<u32> =
            sample.par_iter().map(|&i| nearest(row(i), &centroids, &norms, stride)).collect();
        let mut sums = vec![0.0f64; lists * stride];
        let mut counts = vec![0usize; lists];
        for (&i, &a) in sample.iter().zip(&assignment) {
            counts[a as usize] += 1;
            for (s, &v) in
                sums[a as usize * stride..(a as usize + 1) * stride].iter_mut().zip(row(i))
            {
                *s += f64::from(v);
            }
        }
        for (l, c) in centroids.chunks_exact_mut(stride).enumerate() {
            if counts[l] == 0 {
                c.copy_from_slice(row(sample[rng.below(sample.len())]));
                continue;
            }
            for (c, s) in c.iter_mut().zip(&sums[l * stride..(l + 1) * stride]) {
                *c = (*s / counts[l] as f64) as f32;
            }
        }
    }
    centroids
}

#[cfg(test)]
mod tests;
