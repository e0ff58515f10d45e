//! The sparse user-item interaction matrix models train on, in compressed sparse row form.

use serde::{Deserialize, Serialize};

/// One stored event reduced to what training needs.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Interaction {
    /// Row: a user index, or `n_users + session index` when sessions are included.
    pub row: u32,
    /// Column: the item index.
    pub item: u32,
    /// The event's weight (after time decay).
    pub weight: f32,
    /// When it happened, milliseconds since the epoch.
    pub millis: i64,
}

/// Users (and optionally sessions) by items, compressed sparse rows. Row `r` holds the items
/// `indices[indptr[r]..indptr[r + 1]]`, sorted by item index, each once, with the summed weight
/// of every event on that pair and the time of the latest one. Pairs whose summed weight is not
/// positive (a purchase cancelled by a return) are dropped.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct InteractionMatrix {
    /// Number of rows.
    pub n_rows: usize,
    /// Number of item columns.
    pub n_items: usize,
    /// Row offsets, `n_rows + 1` long.
    pub indptr: Vec<u64>,
    /// Item index of each stored pair.
    pub indices: Vec<u32>,
    /// Summed weight of each stored pair.
    pub weights: Vec<f32>,
    /// Latest event time of each stored pair, milliseconds since the epoch.
    pub last_millis: Vec<i64>,
}

impl InteractionMatrix {
    /// Builds the matrix from parallel columns of interactions in any order. Runs in linear time
    /// (a counting sort by row, then a sort of each short row), so 10 million events take well
    /// under a second. Interactions with a row or item past the bounds are ignored.
    pub fn from_columns(
        n_rows: usize,
        n_items: usize,
        rows: &[u32],
        items: &[u32],
        weights: &[f32],
        millis: &[i64],
    ) -> Self {
        let n = rows.len().min(items.len()).min(weights.len()).min(millis.len());
        let in_bounds = |k: usize| (rows[k] as usize) < n_rows && (items[k] as usize) < n_items;
        let mut counts = vec![0u64; n_rows + 1];
        for k in (0..n).filter(|&k| in_bounds(k)) {
            counts[rows[k] as usize + 1] += 1;
        }
        for r in 0..n_rows {
            counts[r + 1] += counts[r];
        }
        let total = counts[n_rows] as usize;
        let mut next = counts.clone();
        let mut pairs: Vec<(u32, f32, i64)> = vec![(0, 0.0, 0); total];
        for k in (0..n).filter(|&k| in_bounds(k)) {
            let slot = &mut next[rows[k] as usize];
            pairs[*slot as usize] = (items[k], weights[k], millis[k]);
            *slot += 1;
        }
        let mut matrix = Self {
            n_rows,
            n_items,
            indptr: Vec::with_capacity(n_rows + 1),
            indices: Vec::with_capacity(total),
            weights: Vec::with_capacity(total),
            last_millis: Vec::with_capacity(total),
        };
        matrix.indptr.push(0);
        for r in 0..n_rows {
            let row = &mut pairs[counts[r] as usize..counts[r + 1] as usize];
            row.sort_unstable_by_key(|p| p.0);
            let mut k = 0;
            while k < row.len() {
                let (item, mut weight, mut latest) = row[k];
                k += 1;
                while k < row.len() && row[k].0 == item {
                    weight += row[k].1;
                    latest = latest.max(row[k].2);
                    k += 1;
                }
                if weight > 0.0 {
                    matrix.indices.push(item);
                    matrix.weights.push(weight);
                    matrix.last_millis.push(latest);
                }
            }
            matrix.indptr.push(matrix.indices.len() as u64);
        }
        matrix
    }

    /// Builds the matrix from interaction records.
    pub fn from_interactions(n_rows: usize, n_items: usize, interactions: &[Interaction]) -> Self {
        let rows: Vec<u32> = interactions.iter().map(|i| i.row).collect();
        let items: Vec<u32> = interactions.iter().map(|i| i.item).collect();
        let weights: Vec<f32> = interactions.iter().map(|i| i.weight).collect();
        let millis: Vec<i64> = interactions.iter().map(|i| i.millis).collect();
        Self::from_columns(n_rows, n_items, &rows, &items, &weights, &millis)
    }

    /// Number of stored (row, item) pairs.
    pub fn nnz(&self) -> usize {
        self.indices.len()
    }

    /// The items and weights of one row.
    pub fn row(&self, r: usize) -> (&[u32], &[f32]) {
        let (a, b) = (self.indptr[r] as usize, self.indptr[r + 1] as usize);
        (&self.indices[a..b], &self.weights[a..b])
    }

    /// The latest-event times of row `r`'s items, in the order of [`InteractionMatrix::row`].
    pub fn row_millis(&self, r: usize) -> &[i64] {
        let (a, b) = (self.indptr[r] as usize, self.indptr[r + 1] as usize);
        &self.last_millis[a..b]
    }

    /// Bytes held by the arrays, for memory reports.
    pub fn heap_bytes(&self) -> usize {
        self.indptr.len() * 8
            + self.indices.len() * 4
            + self.weights.len() * 4
            + self.last_millis.len() * 8
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn i(row: u32, item: u32, weight: f32, millis: i64) -> Interaction {
        Interaction { row, item, weight, millis }
    }

    #[test]
    fn duplicates_sum_and_keep_the_latest_time() {
        let m = InteractionMatrix::from_interactions(
            3,
            4,
            &[
                i(2, 3, 1.0, 10),
                i(0, 1, 5.0, 7),
                i(2, 3, 2.0, 30),
                i(2, 0, 1.0, 5),
                i(0, 1, 1.0, 3),
            ],
        );
        assert_eq!(m.indptr, vec![0, 1, 1, 3]);
        assert_eq!(m.indices, vec![1, 0, 3]);
        assert_eq!(m.weights, vec![6.0, 1.0, 3.0]);
        assert_eq!(m.last_millis, vec![7, 5, 30]);
        assert_eq!(m.row(2), (&[0u32, 3][..], &[1.0f32, 3.0][..]));
    }

    #[test]
    fn a_purchase_cancelled_by_a_return_is_dropped_and_out_of_bounds_ignored() {
        let m = InteractionMatrix::from_interactions(
            2,
            2,
            &[i(0, 0, 5.0, 1), i(0, 0, -5.0, 2), i(1, 1, 1.0, 1), i(5, 0, 1.0, 1), i(0, 9, 1.0, 1)],
        );
        assert_eq!(m.indptr, vec![0, 0, 1]);
        assert_eq!(m.nnz(), 1);
    }
}
