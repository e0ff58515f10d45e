//! Quantile binning: each feature's values mapped to at most 255 ordered bins, bin 0 kept for
//! missing values.
//!
//! A feature's bins are cut at some of its observed values (`edges`); a value `x` falls in bin
//! `1 + #{edge < x}`. So "bin ≤ t" is exactly "x ≤ edges[t - 1]", and a split learnt on bins
//! routes raw values the same way at prediction time.

use crate::dataset::Matrix;

/// At most this many rows are sorted to find a feature's quantiles.
const QUANTILE_SAMPLE: usize = 200_000;

/// One feature's bin edges.
#[derive(Debug, Clone)]
pub(crate) struct FeatureBins {
    edges: Vec<f32>,
}

impl FeatureBins {
    /// Edges putting about the same number of the given values in each of at most `max_bins`
    /// bins. A value repeated more often than a bin's share gets a bin to itself.
    pub(crate) fn fit(mut values: Vec<f32>, max_bins: usize) -> Self {
        values.retain(|v| !v.is_nan());
        values.sort_by(f32::total_cmp);
        let mut distinct: Vec<(f32, usize)> = Vec::new();
        for v in values {
            match distinct.last_mut() {
                // `==` rather than bits so that -0.0 and 0.0 share a bin, as they share a side
                // of every edge.
                Some((last, count)) if *last == v => *count += 1,
                _ => distinct.push((v, 1)),
            }
        }
        if distinct.len() <= max_bins {
            let edges = distinct.iter().take(distinct.len().saturating_sub(1)).map(|d| d.0);
            return Self { edges: edges.collect() };
        }
        let mut remaining: usize = distinct.iter().map(|d| d.1).sum();
        let mut edges = Vec::with_capacity(max_bins - 1);
        let mut in_bin = 0;
        let mut target = remaining as f64 / max_bins as f64;
        for (i, &(value, count)) in distinct.iter().enumerate() {
            in_bin += count;
            remaining -= count;
            let is_last = i + 1 == distinct.len();
            if in_bin as f64 >= target && !is_last {
                edges.push(value);
                if edges.len() == max_bins - 1 {
                    break;
                }
                in_bin = 0;
                target = remaining as f64 / (max_bins - edges.len()) as f64;
            }
        }
        Self { edges }
    }

    /// The number of bins for present values (bin 0, for missing, not counted).
    pub(crate) fn value_bins(&self) -> usize {
        self.edges.len() + 1
    }

    /// The bin of a value: 0 when missing, else `1 + #{edge < x}`.
    pub(crate) fn bin(&self, x: f32) -> u8 {
        if x.is_nan() {
            0
        } else {
            // At most 254 edges, so this fits.
            (1 + self.edges.partition_point(|&e| e < x)) as u8
        }
    }

    /// The raw threshold equivalent to "bin ≤ t" for `t` in `1..=value_bins()`.
    pub(crate) fn threshold(&self, t: usize) -> f32 {
        self.edges.get(t - 1).copied().unwrap_or(f32::INFINITY)
    }
}

/// The training matrix in bins, column-major: a histogram pass and a row partition each read
/// one feature's codes, compactly.
pub(crate) struct BinnedMatrix {
    rows: usize,
    pub(crate) features: Vec<FeatureBins>,
    /// `codes[f * rows + r]` is row `r`'s bin of feature `f`.
    codes: Vec<u8>,
    /// Feature `f`'s histogram occupies `offsets[f]..offsets[f + 1]` (missing bin first).
    pub(crate) offsets: Vec<usize>,
}

impl BinnedMatrix {
    pub(crate) fn new(x: &Matrix, max_bins: usize) -> Self {
        let rows = x.n_rows();
        let d = x.n_features();
        let stride = rows.div_ceil(QUANTILE_SAMPLE).max(1);
        let mut features = Vec::with_capacity(d);
        let mut codes = vec![0u8; rows * d];
        let mut offsets = vec![0usize];
        for f in 0..d {
            let sample: Vec<f32> = (0..rows).step_by(stride).map(|r| x.row(r)[f]).collect();
            let bins = FeatureBins::fit(sample, max_bins);
            for (code, row) in codes[f * rows..(f + 1) * rows].iter_mut().zip(x.rows()) {
                *code = bins.bin(row[f]);
            }
            offsets.push(offsets[f] + bins.value_bins() + 1);
            features.push(bins);
        }
        Self { rows, features, codes, offsets }
    }

    /// Feature `f`'s codes, one per row.
    pub(crate) fn column(&self, f: usize) -> &[u8] {
        &self.codes[f * self.rows..(f + 1) * self.rows]
    }

    pub(crate) fn histogram_len(&self) -> usize {
        self.offsets[self.features.len()]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn few_distinct_values_get_one_bin_each() {
        let bins = FeatureBins::fit(vec![3.0, 1.0, 2.0, 2.0, f32::NAN], 255);
        assert_eq!(bins.value_bins(), 3);
        assert_eq!([bins.bin(f32::NAN), bins.bin(1.0), bins.bin(2.0), bins.bin(3.0)], [0, 1, 2, 3]);
        // Unseen values fall on the side their order says.
        assert_eq!(bins.bin(1.5), 2);
        assert_eq!(bins.bin(-9.0), 1);
        assert_eq!(bins.bin(9.0), 3);
    }

    #[test]
    fn quantile_bins_are_balanced_and_match_thresholds() {
        let values: Vec<f32> = (0..10_000).map(|i| i as f32).collect();
        let bins = FeatureBins::fit(values.clone(), 10);
        assert_eq!(bins.value_bins(), 10);
        let mut counts = [0usize; 11];
        for &v in &values {
            counts[bins.bin(v) as usize] += 1;
        }
        assert!(counts[1..].iter().all(|&c| c == 1000), "{counts:?}");
        for t in 1..=bins.value_bins() {
            for &v in &values {
                assert_eq!(bins.bin(v) as usize <= t, v <= bins.threshold(t));
            }
        }
    }

    #[test]
    fn a_heavy_value_gets_its_own_bin() {
        let mut values = vec![0.0f32; 8000];
        values.extend((1..=2000).map(|i| i as f32));
        let bins = FeatureBins::fit(values, 20);
        assert_eq!(bins.bin(0.0), 1);
        assert_eq!(bins.bin(1.0), 2);
        assert!(bins.value_bins() <= 20);
    }

    #[test]
    fn all_missing_column_has_one_value_bin() {
        let bins = FeatureBins::fit(vec![f32::NAN; 5], 255);
        assert_eq!(bins.value_bins(), 1);
        assert_eq!(bins.bin(4.0), 1);
    }
}
