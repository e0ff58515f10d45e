//! k-means clustering of shoppers: k-means++ seeding and Lloyd's iterations on standardised
//! features, deterministic for a seed.
//!
//! Why standardise: recency in days, order counts and spend in currency units differ by orders
//! of magnitude, and unscaled the largest would decide every cluster alone.

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use serde::Serialize;

/// Why clustering could not run.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ClusterError {
    /// `k` is outside 2..=[`MAX_K`].
    #[error("k is {0}; ask for 2 to {MAX_K} clusters")]
    BadK(usize),
    /// Fewer points than clusters.
    #[error("{points} shoppers cannot make {k} clusters; ask for at most {points}")]
    TooFewPoints {
        /// Points given.
        points: usize,
        /// Clusters asked for.
        k: usize,
    },
    /// A point of another length, or with a value that is not a number.
    #[error("point {index}: {reason}")]
    BadPoint {
        /// The point's position.
        index: usize,
        /// What is wrong.
        reason: String,
    },
}

/// Most clusters asked for.
pub const MAX_K: usize = 20;

/// One cluster: its size and its centre in the features' own units.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Cluster {
    /// Points in it.
    pub size: usize,
    /// The mean of its points, feature by feature, unstandardised.
    pub centre: Vec<f64>,
}

/// A clustering.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Clustering {
    /// Clusters, largest first.
    pub clusters: Vec<Cluster>,
    /// Each point's cluster (an index into `clusters`).
    pub assignment: Vec<usize>,
    /// Lloyd iterations run.
    pub iterations: usize,
    /// Sum of squared standardised distances to the centres.
    pub inertia: f64,
}

/// Clusters `points` (all of one length) into `k` groups.
pub fn kmeans(points: &[Vec<f64>], k: usize, seed: u64) -> Result<Clustering, ClusterError> {
    if !(2..=MAX_K).contains(&k) {
        return Err(ClusterError::BadK(k));
    }
    if points.len() < k {
        return Err(ClusterError::TooFewPoints { points: points.len(), k });
    }
    let dims = points[0].len();
    for (index, point) in points.iter().enumerate() {
        if point.len() != dims {
            let reason = format!("{} values, the first point has {dims}", point.len());
            return Err(ClusterError::BadPoint { index, reason });
        }
        if let Some(bad) = point.iter().find(|v| !v.is_finite()) {
            return Err(ClusterError::BadPoint { index, reason: format!("value {bad}") });
        }
    }
    let (means, scales) = standardisation(points, dims);
    let scaled: Vec<Vec<f64>> = points
        .iter()
        .map(|p| p.iter().zip(&means).zip(&scales).map(|((v, m), s)| (v - m) / s).collect())
        .collect();
    let mut centres = seed_centres(&scaled, k, seed);
    let mut assignment = vec![usize::MAX; scaled.len()];
    let mut iterations = 0;
    for _ in 0..100 {
        iterations += 1;
        let mut moved = false;
        for (point, slot) in scaled.iter().zip(assignment.iter_mut()) {
            let nearest = nearest(point, &centres).0;
            if *slot != nearest {
                *slot = nearest;
                moved = true;
            }
        }
        if !moved {
            break;
        }
        centres = recentre(&scaled, &assignment, &centres);
    }
    let inertia = scaled.iter().map(|p| nearest(p, &centres).1).sum();
    // Centres in the features' own units, and clusters renumbered largest first.
    let mut clusters: Vec<(usize, Cluster)> = (0..k)
        .map(|c| {
            let members: Vec<&Vec<f64>> =
                points.iter().zip(&assignment).filter(|(_, a)| **a == c).map(|(p, _)| p).collect();
            let size = members.len();
            let centre = (0..dims)
                .map(|d| members.iter().map(|p| p[d]).sum::<f64>() / size.max(1) as f64)
                .collect();
            (c, Cluster { size, centre })
        })
        .collect();
    clusters.sort_by(|a, b| b.1.size.cmp(&a.1.size).then(a.0.cmp(&b.0)));
    let mut renumber = vec![0; k];
    for (new, (old, _)) in clusters.iter().enumerate() {
        renumber[*old] = new;
    }
    Ok(Clustering {
        clusters: clusters.into_iter().map(|(_, c)| c).collect(),
        assignment: assignment.iter().map(|a| renumber[*a]).collect(),
        iterations,
        inertia,
    })
}

fn standardisation(points: &[Vec<f64>], dims: usize) -> (Vec<f64>, Vec<f64>) {
    let n = points.len() as f64;
    let means: Vec<f64> = (0..dims).map(|d| points.iter().map(|p| p[d]).sum::<f64>() / n).collect();
    let scales = (0..dims)
        .map(|d| {
            let variance = points.iter().map(|p| (p[d] - means[d]).powi(2)).sum::<f64>() / n;
            // A constant feature says nothing: leave it at 0 instead of dividing by 0.
            if variance > 0.0 {
                variance.sqrt()
            } else {
                1.0
            }
        })
        .collect();
    (means, scales)
}

fn distance(a: &[f64], b: &[f64]) -> f64 {
    a.iter().zip(b).map(|(x, y)| (x - y).powi(2)).sum()
}

fn nearest(point: &[f64], centres: &[Vec<f64>]) -> (usize, f64) {
    let mut best = (0, f64::INFINITY);
    for (c, centre) in centres.iter().enumerate() {
        let d = distance(point, centre);
        if d < best.1 {
            best = (c, d);
        }
    }
    best
}

/// k-means++: each next centre drawn with probability proportional to its squared distance
/// from the nearest centre so far.
fn seed_centres(points: &[Vec<f64>], k: usize, seed: u64) -> Vec<Vec<f64>> {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let mut centres = vec![points[rng.random_range(0..points.len())].clone()];
    let mut nearest_d: Vec<f64> = points.iter().map(|p| distance(p, &centres[0])).collect();
    while centres.len() < k {
        let total: f64 = nearest_d.iter().sum();
        let next = if total > 0.0 {
            let mut target = rng.random::<f64>() * total;
            let mut chosen = points.len() - 1;
            for (i, d) in nearest_d.iter().enumerate() {
                if target < *d {
                    chosen = i;
                    break;
                }
                target -= d;
            }
            chosen
        } else {
            // Every point sits on a centre already: any point will do.
            rng.random_range(0..points.len())
        };
        centres.push(points[next].clone());
        for (d, p) in nearest_d.iter_mut().zip(points) {
            *d = d.min(distance(p, &centres[centres.len() - 1]));
        }
    }
    centres
}

fn recentre(points: &[Vec<f64>], assignment: &[usize], old: &[Vec<f64>]) -> Vec<Vec<f64>> {
    let dims = points[0].len();
    let mut sums = vec![vec![0.0; dims]; old.len()];
    let mut counts = vec![0usize; old.len()];
    for (point, &c) in points.iter().zip(assignment) {
        counts[c] += 1;
        for (s, v) in sums[c].iter_mut().zip(point) {
            *s += v;
        }
    }
    sums.into_iter()
        .zip(counts)
        .zip(old)
        // An emptied cluster keeps its centre rather than collapsing to the origin.
        .map(
            |((sum, n), old)| {
                if n == 0 {
                    old.clone()
                } else {
                    sum.into_iter().map(|s| s / n as f64).collect()
                }
            },
        )
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn blobs() -> Vec<Vec<f64>> {
        let mut points = Vec::new();
        for i in 0..60 {
            let jitter = (i % 5) as f64 * 0.1;
            points.push(vec![1.0 + jitter, 100.0 + jitter]);
            if i < 30 {
                points.push(vec![10.0 + jitter, 900.0 - jitter]);
            }
        }
        points
    }

    #[test]
    fn separated_groups_are_found_largest_first() {
        let clustering = kmeans(&blobs(), 2, 1).expect("clusters");
        assert_eq!(clustering.clusters[0].size, 60);
        assert_eq!(clustering.clusters[1].size, 30);
        assert!((clustering.clusters[0].centre[1] - 100.2).abs() < 0.01, "{clustering:?}");
        assert!((clustering.clusters[1].centre[0] - 10.2).abs() < 0.01, "{clustering:?}");
        assert_eq!(clustering.assignment[0], 0);
        assert_eq!(clustering.assignment[1], 1);
        assert_eq!(kmeans(&blobs(), 2, 1), Ok(clustering), "the same seed, the same answer");
    }

    #[test]
    fn bad_requests_are_errors() {
        assert_eq!(kmeans(&blobs(), 1, 0), Err(ClusterError::BadK(1)));
        assert_eq!(
            kmeans(&blobs()[..2], 3, 0),
            Err(ClusterError::TooFewPoints { points: 2, k: 3 })
        );
        let ragged = vec![vec![1.0, 2.0], vec![1.0], vec![3.0, 4.0]];
        assert!(matches!(kmeans(&ragged, 2, 0), Err(ClusterError::BadPoint { index: 1, .. })));
        let nan = vec![vec![1.0], vec![f64::NAN], vec![3.0]];
        assert!(matches!(kmeans(&nan, 2, 0), Err(ClusterError::BadPoint { index: 1, .. })));
    }

    #[test]
    fn identical_points_still_cluster() {
        let same = vec![vec![5.0, 5.0]; 10];
        let clustering = kmeans(&same, 3, 0).expect("clusters");
        assert_eq!(clustering.clusters.iter().map(|c| c.size).sum::<usize>(), 10);
        assert_eq!(clustering.inertia, 0.0);
    }
}
