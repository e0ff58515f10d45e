//! The shared engine of the neighbourhood models: for every row vector of a sparse matrix, the
//! dot products with every other row (through the transposed matrix, so only co-occurring pairs
//! are touched), turned into a similarity and cut to the K best, in parallel with rayon.
//!
//! It knows no model: the caller supplies the similarity as a closure over the dot product.

use rayon::prelude::*;

use super::sparse::Csr;
use super::Similarity;

/// A similarity measure over dot products and squared norms, with shrinkage.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Measure {
    pub similarity: Similarity,
    /// Asymmetric cosine exponent on the first vector's norm (0.5 = cosine).
    pub alpha: f32,
    /// Added to the denominator: pairs with little support are pulled towards zero.
    pub shrink: f32,
}

impl Measure {
    /// The similarity of vectors `a` and `b` from their dot product and squared norms.
    pub fn of(&self, dot: f32, a: f32, b: f32) -> f32 {
        let denominator = match self.similarity {
            Similarity::Cosine => (a * b).sqrt(),
            Similarity::AsymmetricCosine => a.powf(self.alpha) * b.powf(1.0 - self.alpha),
            Similarity::Jaccard => a + b - dot,
        } + self.shrink;
        if denominator > 0.0 {
            dot / denominator
        } else {
            0.0
        }
    }
}

/// Runs `f` on a pool of `threads` threads (0 = rayon's default, all cores).
pub(crate) fn with_threads<T: Send>(threads: usize, f: impl FnOnce() -> T + Send) -> T {
    match rayon::ThreadPoolBuilder::new().num_threads(threads).build() {
        Ok(pool) => pool.install(f),
        // Building a pool only fails when the OS refuses threads: run on the global pool.
        Err(_) => f(),
    }
}

/// For every row `i` of `rows`, the `k` rows `j != i` with the highest
/// `similarity(i, j, dot(i, j))`, best first (ties by lower index). Pairs without a shared column,
/// and similarities that are not finite and positive, are never kept. `cols` must be
/// `rows.transpose()`; `k == 0` keeps nothing.
pub(crate) fn top_neighbours<F>(rows: &Csr, cols: &Csr, k: usize, similarity: F) -> Csr
where
    F: Fn(u32, u32, f32) -> f32 + Sync,
{
    let n = rows.n_rows();
    let lists: Vec<Vec<(u32, f32)>> = (0..n)
        .into_par_iter()
        .with_min_len(32)
        .map_init(
            || Scratch { dots: vec![0.0; n], touched: Vec::new() },
            |scratch, i| scratch.neighbours(rows, cols, i, k, &similarity),
        )
        .collect();
    Csr::from_rows(n, lists)
}

/// One worker's dense accumulator, reused across rows; `touched` lists the non-zero slots so
/// resetting costs the row's work, not `n`.
struct Scratch {
    dots: Vec<f32>,
    touched: Vec<u32>,
}

impl Scratch {
    fn neighbours<F>(
        &mut self,
        rows: &Csr,
        cols: &Csr,
        i: usize,
        k: usize,
        sim: &F,
    ) -> Vec<(u32, f32)>
    where
        F: Fn(u32, u32, f32) -> f32,
    {
        if k == 0 {
            return Vec::new();
        }
        let (features, values) = rows.row(i);
        for (&f, &x) in features.iter().zip(values) {
            let (others, ys) = cols.row(f as usize);
            for (&j, &y) in others.iter().zip(ys) {
                let slot = &mut self.dots[j as usize];
                if *slot == 0.0 {
                    self.touched.push(j);
                }
                *slot += x * y;
            }
        }
        let mut kept: Vec<(u32, f32)> = Vec::with_capacity(self.touched.len());
        for &j in &self.touched {
            let dot = std::mem::take(&mut self.dots[j as usize]);
            if j as usize != i {
                let s = sim(i as u32, j, dot);
                if s.is_finite() && s > 0.0 {
                    kept.push((j, s));
                }
            }
        }
        self.touched.clear();
        let order = |a: &(u32, f32), b: &(u32, f32)| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0));
        if kept.len() > k {
            kept.select_nth_unstable_by(k - 1, order);
            kept.truncate(k);
        }
        kept.sort_unstable_by(order);
        kept
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_the_k_most_similar_other_rows() {
        // Row 0 shares two columns with row 1, one with row 2, none with row 3.
        let rows = Csr::from_rows(
            4,
            vec![
                vec![(0, 1.0), (1, 1.0), (2, 1.0)],
                vec![(0, 1.0), (1, 1.0)],
                vec![(2, 1.0), (3, 1.0)],
                vec![(3, 1.0)],
            ],
        );
        let cols = rows.transpose();
        let dot_only = |_: u32, _: u32, dot: f32| dot;
        let all = top_neighbours(&rows, &cols, 10, dot_only);
        assert_eq!(all.row(0), (&[1u32, 2][..], &[2.0f32, 1.0][..]));
        assert_eq!(all.row(3), (&[2u32][..], &[1.0f32][..]));
        let one = with_threads(2, || top_neighbours(&rows, &cols, 1, dot_only));
        assert_eq!(one.row(0), (&[1u32][..], &[2.0f32][..]));
        // Ties go to the lower index.
        assert_eq!(one.row(2), (&[0u32][..], &[1.0f32][..]));
        assert_eq!(top_neighbours(&rows, &cols, 0, dot_only).nnz(), 0);
    }

    #[test]
    fn measures_match_their_formulas() {
        let m = |similarity, alpha, shrink| Measure { similarity, alpha, shrink };
        assert_eq!(m(Similarity::Cosine, 0.5, 0.0).of(2.0, 4.0, 1.0), 1.0);
        assert_eq!(m(Similarity::Cosine, 0.5, 2.0).of(2.0, 4.0, 1.0), 0.5);
        assert_eq!(m(Similarity::Jaccard, 0.5, 0.0).of(1.0, 2.0, 3.0), 0.25);
        assert_eq!(m(Similarity::AsymmetricCosine, 1.0, 0.0).of(2.0, 4.0, 1.0), 0.5);
        assert_eq!(m(Similarity::Cosine, 0.5, 0.0).of(0.0, 0.0, 0.0), 0.0);
    }
}
