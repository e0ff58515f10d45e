//! A minimal compressed-sparse-row matrix for the neighbourhood models (item-kNN, user-kNN,
//! content, rules), with transposition, BM25 / TF-IDF feature weighting and artifact IO.
//!
//! It is not a linear-algebra library: only what building and scanning neighbour lists needs.

use aisle_domain::InteractionMatrix;

use super::Weighting;
use crate::artifact::{Reader, Writer};
use crate::{Error, Result};

/// Rows of sparse vectors over `n_cols` columns. Invariants (checked on load): `indptr` starts
/// at 0, never decreases and ends at `indices.len() == values.len()`; every index `< n_cols`.
#[derive(Debug, Clone, PartialEq, Default)]
pub(crate) struct Csr {
    pub n_cols: usize,
    pub indptr: Vec<u64>,
    pub indices: Vec<u32>,
    pub values: Vec<f32>,
}

impl Csr {
    /// Builds from rows of `(column, value)`, in order.
    pub fn from_rows(n_cols: usize, rows: Vec<Vec<(u32, f32)>>) -> Self {
        let nnz = rows.iter().map(Vec::len).sum();
        let mut m = Self {
            n_cols,
            indptr: Vec::with_capacity(rows.len() + 1),
            indices: Vec::with_capacity(nnz),
            values: Vec::with_capacity(nnz),
        };
        m.indptr.push(0);
        for row in rows {
            for (c, v) in row {
                m.indices.push(c);
                m.values.push(v);
            }
            m.indptr.push(m.indices.len() as u64);
        }
        m
    }

    /// The interaction matrix's users-by-items values, each 1 when `binary`.
    pub fn from_matrix(matrix: &InteractionMatrix, binary: bool) -> Self {
        let values = if binary { vec![1.0; matrix.nnz()] } else { matrix.weights.clone() };
        Self {
            n_cols: matrix.n_items,
            indptr: matrix.indptr.clone(),
            indices: matrix.indices.clone(),
            values,
        }
    }

    pub fn n_rows(&self) -> usize {
        self.indptr.len().saturating_sub(1)
    }

    pub fn nnz(&self) -> usize {
        self.indices.len()
    }

    /// Columns and values of row `r`; empty past the end.
    pub fn row(&self, r: usize) -> (&[u32], &[f32]) {
        match (self.indptr.get(r), self.indptr.get(r + 1)) {
            (Some(&a), Some(&b)) => {
                (&self.indices[a as usize..b as usize], &self.values[a as usize..b as usize])
            }
            _ => (&[], &[]),
        }
    }

    /// Columns become rows; each new row is sorted by the old row index.
    pub fn transpose(&self) -> Self {
        let mut counts = vec![0u64; self.n_cols + 1];
        for &c in &self.indices {
            counts[c as usize + 1] += 1;
        }
        for c in 0..self.n_cols {
            counts[c + 1] += counts[c];
        }
        let mut next = counts.clone();
        let mut indices = vec![0u32; self.nnz()];
        let mut values = vec![0f32; self.nnz()];
        for r in 0..self.n_rows() {
            let (cols, vals) = self.row(r);
            for (&c, &v) in cols.iter().zip(vals) {
                let slot = &mut next[c as usize];
                indices[*slot as usize] = r as u32;
                values[*slot as usize] = v;
                *slot += 1;
            }
        }
        Self { n_cols: self.n_rows(), indptr: counts, indices, values }
    }

    /// The sum of squared values of every row.
    pub fn squared_norms(&self) -> Vec<f32> {
        (0..self.n_rows()).map(|r| self.row(r).1.iter().map(|v| v * v).sum()).collect()
    }

    pub fn save(&self, out: &mut Writer<'_>) -> Result<()> {
        out.u64s(&[self.n_cols as u64])?;
        out.u64s(&self.indptr)?;
        out.u32s(&self.indices)?;
        out.f32s(&self.values)
    }

    /// Reads what [`Csr::save`] wrote and checks the invariants, so a damaged file cannot make
    /// scoring index out of bounds.
    pub fn load(input: &mut Reader<'_>) -> Result<Self> {
        let corrupt =
            |what: &str| Error::Artifact(format!("sparse matrix: {what}; the file is corrupt"));
        let n_cols = match input.u64s()?.as_slice() {
            [n] => usize::try_from(*n).map_err(|_| corrupt("column count too large"))?,
            _ => return Err(corrupt("missing column count")),
        };
        let m =
            Self { n_cols, indptr: input.u64s()?, indices: input.u32s()?, values: input.f32s()? };
        if m.indptr.first() != Some(&0)
            || m.indptr.windows(2).any(|w| w[0] > w[1])
            || m.indptr.last().copied() != Some(m.indices.len() as u64)
            || m.values.len() != m.indices.len()
        {
            return Err(corrupt("row offsets do not match the entries"));
        }
        if m.indices.iter().any(|&c| c as usize >= n_cols) {
            return Err(corrupt("a column index is out of range"));
        }
        if m.values.iter().any(|v| !v.is_finite()) {
            return Err(corrupt("a value is not finite"));
        }
        Ok(m)
    }
}

/// Per-feature weights (BM25 or TF-IDF) learnt on the rows of a matrix and applied to those rows
/// or to a new vector (a query), so training and fold-in see the same representation.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct FeatureWeights {
    pub scheme: Weighting,
    pub k1: f32,
    pub b: f32,
    /// Inverse document frequency of each feature (column); empty for [`Weighting::None`].
    pub idf: Vec<f32>,
    /// Mean row length (sum of values), for BM25's length normalisation.
    pub avg_len: f32,
}

impl FeatureWeights {
    /// Learns the weights of `scheme` from the rows of `m` (documents) over its columns (terms).
    pub fn learn(m: &Csr, scheme: Weighting, k1: f32, b: f32) -> Self {
        let n = m.n_rows() as f32;
        let mut df = vec![0u32; m.n_cols];
        for &c in &m.indices {
            df[c as usize] += 1;
        }
        let idf = match scheme {
            Weighting::None => Vec::new(),
            // Smoothed so a feature in every row still counts a little (scikit-learn's form).
            Weighting::TfIdf => {
                df.iter().map(|&d| ((1.0 + n) / (1.0 + d as f32)).ln() + 1.0).collect()
            }
            // Lucene's non-negative BM25 idf.
            Weighting::Bm25 => {
                df.iter().map(|&d| (1.0 + (n - d as f32 + 0.5) / (d as f32 + 0.5)).ln()).collect()
            }
        };
        let total: f32 = m.values.iter().sum();
        let avg_len = if m.n_rows() == 0 { 0.0 } else { total / n };
        Self { scheme, k1, b, idf, avg_len }
    }

    /// Weighs one vector in place.
    pub fn apply(&self, cols: &[u32], values: &mut [f32]) {
        let idf = |c: u32| self.idf.get(c as usize).copied().unwrap_or(0.0);
        match self.scheme {
            Weighting::None => {}
            Weighting::TfIdf => {
                for (v, &c) in values.iter_mut().zip(cols) {
                    *v *= idf(c);
                }
            }
            Weighting::Bm25 => {
                let len: f32 = values.iter().sum();
                let norm = if self.avg_len > 0.0 { len / self.avg_len } else { 1.0 };
                let denominator = self.k1 * (1.0 - self.b + self.b * norm);
                for (v, &c) in values.iter_mut().zip(cols) {
                    *v = idf(c) * *v * (self.k1 + 1.0) / (*v + denominator);
                }
            }
        }
    }

    /// Weighs every row of `m` in place.
    pub fn apply_rows(&self, m: &mut Csr) {
        for r in 0..m.n_rows() {
            let (a, b) = (m.indptr[r] as usize, m.indptr[r + 1] as usize);
            self.apply(&m.indices[a..b], &mut m.values[a..b]);
        }
    }

    pub fn save(&self, out: &mut Writer<'_>) -> Result<()> {
        out.json(&(self.scheme, self.k1, self.b, self.avg_len))?;
        out.f32s(&self.idf)
    }

    pub fn load(input: &mut Reader<'_>) -> Result<Self> {
        let (scheme, k1, b, avg_len): (Weighting, f32, f32, f32) = input.json()?;
        Ok(Self { scheme, k1, b, idf: input.f32s()?, avg_len })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> Csr {
        Csr::from_rows(3, vec![vec![(0, 1.0), (2, 2.0)], vec![], vec![(1, 3.0), (2, 4.0)]])
    }

    #[test]
    fn transpose_twice_is_identity() {
        let m = sample();
        let t = m.transpose();
        assert_eq!(t.row(2), (&[0u32, 2][..], &[2.0f32, 4.0][..]));
        assert_eq!(t.transpose(), m);
        assert_eq!(m.row(7), (&[][..], &[][..]));
    }

    #[test]
    fn weighting_down_weights_common_features() {
        let m = sample();
        for scheme in [Weighting::TfIdf, Weighting::Bm25] {
            let w = FeatureWeights::learn(&m, scheme, 1.2, 0.75);
            // Column 2 is in two rows, column 0 in one.
            assert!(w.idf[2] < w.idf[0], "{scheme:?}: {:?}", w.idf);
            let mut weighted = m.clone();
            w.apply_rows(&mut weighted);
            assert!(weighted.values.iter().all(|v| v.is_finite() && *v > 0.0));
        }
    }
}
