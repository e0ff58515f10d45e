//! Fold-in: the user vector of a history the model did not train on, by one exact ALS user
//! step (a Cholesky solve of the `k × k` normal equations in f64) against the trained items.

use super::Als;
use crate::linalg;

impl Als {
    /// One exact least-squares user step from a history: minimises
    /// `Σ_i c_i (p_i - x·y_i)² + λ|x|²` over all items. Items out of range and weights that are
    /// not finite and positive are ignored; a missing weight counts as 1; repeated items add
    /// their weights. Returns the padded vector (zero for an empty history).
    pub(super) fn fold_in(&self, items: &[u32], weights: &[f32]) -> Vec<f32> {
        let (k, stride) = (self.config.factors, self.stride);
        let mut pairs: Vec<(u32, f32)> = items
            .iter()
            .enumerate()
            .map(|(n, &i)| (i, weights.get(n).copied().unwrap_or(1.0)))
            .filter(|&(i, w)| (i as usize) < self.n_items && self.config.confidence(w) > 0.0)
            .collect();
        pairs.sort_by_key(|p| p.0);
        pairs.dedup_by(|later, kept| {
            let same = later.0 == kept.0;
            if same {
                kept.1 += later.1;
            }
            same
        });
        let mut x = vec![0.0f32; stride];
        if pairs.is_empty() {
            return x;
        }
        let mut a = vec![0.0f64; k * k];
        for i in 0..k {
            for j in 0..k {
                a[i * k + j] = f64::from(self.gram[i * stride + j]);
            }
        }
        let mut b = vec![0.0f64; k];
        for &(item, weight) in &pairs {
            let c = f64::from(self.config.confidence(weight));
            let start = item as usize * stride;
            let y = &self.item_factors[start..start + k];
            for i in 0..k {
                let cy = (c - 1.0) * f64::from(y[i]);
                for j in i..k {
                    a[i * k + j] += cy * f64::from(y[j]);
                }
                b[i] += c * f64::from(y[i]);
            }
        }
        for i in 0..k {
            if self.config.scale_regularization {
                a[i * k + i] += f64::from(self.config.regularization) * pairs.len() as f64;
            }
            for j in 0..i {
                a[i * k + j] = a[j * k + i];
            }
        }
        // With λ = 0 and fewer items than factors the system is singular: add a growing ridge
        // until it factors (the minimum-norm direction is what a ridge converges to).
        let trace = (0..k).map(|i| a[i * k + i]).sum::<f64>() / k as f64;
        let mut ridge = 0.0;
        for _ in 0..8 {
            let mut m = a.clone();
            for i in 0..k {
                m[i * k + i] += ridge;
            }
            let mut rhs = b.clone();
            if linalg::cholesky_solve(&mut m, k, &mut rhs) {
                for (xi, v) in x.iter_mut().zip(rhs) {
                    *xi = v as f32;
                }
                return x;
            }
            ridge = if ridge == 0.0 { 1e-9 * trace.max(1e-30) } else { ridge * 100.0 };
        }
        x
    }
}
