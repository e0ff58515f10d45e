//! L2-regularised logistic regression over sparse features, trained with AdaGrad, and Platt
//! scaling to turn its margins into calibrated probabilities.

use rand::seq::SliceRandom;
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;

use super::features::Features;

/// How a logistic regression is trained.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct LogisticConfig {
    /// L2 penalty per example and step.
    pub l2: f32,
    /// Passes over the data.
    pub epochs: usize,
    /// AdaGrad's base step.
    pub learning_rate: f32,
    /// Seed of the example order.
    pub seed: u64,
}

impl Default for LogisticConfig {
    fn default() -> Self {
        Self { l2: 1e-5, epochs: 12, learning_rate: 0.3, seed: 7 }
    }
}

/// A trained linear model: the margin is `weights · x + bias`.
#[derive(Debug, Clone, PartialEq)]
pub struct Logistic {
    /// One weight per feature index.
    pub weights: Vec<f32>,
    /// The intercept.
    pub bias: f32,
}

impl Logistic {
    /// The margin (log-odds before calibration) of a feature vector.
    pub fn margin(&self, x: &Features) -> f32 {
        let mut sum = self.bias;
        for &(index, value) in &x.entries {
            if let Some(w) = self.weights.get(index as usize) {
                sum += w * value;
            }
        }
        sum
    }

    /// Trains on `(features, is_positive)` examples over `width` feature indexes.
    pub fn fit(examples: &[(&Features, bool)], width: usize, config: &LogisticConfig) -> Self {
        let mut model = Self { weights: vec![0.0; width], bias: 0.0 };
        let mut squared = vec![0.0f32; width];
        let mut bias_squared = 0.0f32;
        let mut order: Vec<usize> = (0..examples.len()).collect();
        let mut rng = ChaCha8Rng::seed_from_u64(config.seed);
        const EPSILON: f32 = 1e-8;
        for _ in 0..config.epochs {
            order.shuffle(&mut rng);
            for &k in &order {
                let (x, positive) = examples[k];
                let p = sigmoid(model.margin(x));
                let error = p - if positive { 1.0 } else { 0.0 };
                for &(index, value) in &x.entries {
                    let i = index as usize;
                    let Some(w) = model.weights.get_mut(i) else { continue };
                    let gradient = error * value + config.l2 * *w;
                    squared[i] += gradient * gradient;
                    *w -= config.learning_rate * gradient / (squared[i] + EPSILON).sqrt();
                }
                bias_squared += error * error;
                model.bias -= config.learning_rate * error / (bias_squared + EPSILON).sqrt();
            }
        }
        model
    }
}

/// The logistic function.
pub fn sigmoid(z: f32) -> f32 {
    1.0 / (1.0 + (-z).exp())
}

/// Platt scaling: `p = sigmoid(a * margin + b)`, fitted to held-out margins.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Platt {
    /// Slope.
    pub a: f32,
    /// Offset.
    pub b: f32,
}

impl Default for Platt {
    fn default() -> Self {
        Self { a: 1.0, b: 0.0 }
    }
}

impl Platt {
    /// The calibrated probability of a margin.
    pub fn probability(&self, margin: f32) -> f32 {
        sigmoid(self.a * margin + self.b)
    }

    /// Fits `a` and `b` by Newton's method on the log loss, with Platt's smoothed targets
    /// (so a separable held-out set does not send the slope to infinity).
    pub fn fit(margins: &[(f32, bool)]) -> Self {
        let positives = margins.iter().filter(|(_, y)| *y).count() as f64;
        let negatives = margins.len() as f64 - positives;
        if positives == 0.0 || negatives == 0.0 {
            return Self::default();
        }
        let high = (positives + 1.0) / (positives + 2.0);
        let low = 1.0 / (negatives + 2.0);
        let (mut a, mut b) = (1.0f64, 0.0f64);
        for _ in 0..50 {
            let (mut ga, mut gb, mut haa, mut hab, mut hbb) = (0.0, 0.0, 0.0, 0.0, 0.0);
            for &(z, y) in margins {
                let z = f64::from(z);
                let t = if y { high } else { low };
                let p = 1.0 / (1.0 + (-(a * z + b)).exp());
                let d = p - t;
                let w = (p * (1.0 - p)).max(1e-12);
                ga += d * z;
                gb += d;
                haa += w * z * z;
                hab += w * z;
                hbb += w;
            }
            // A small ridge keeps the 2x2 system solvable.
            haa += 1e-9;
            hbb += 1e-9;
            let det = haa * hbb - hab * hab;
            if det.abs() < 1e-18 {
                break;
            }
            let da = (hbb * ga - hab * gb) / det;
            let db = (haa * gb - hab * ga) / det;
            a -= da;
            b -= db;
            if da.abs() < 1e-9 && db.abs() < 1e-9 {
                break;
            }
        }
        if a.is_finite() && b.is_finite() {
            Self { a: a as f32, b: b as f32 }
        } else {
            Self::default()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn x(entries: &[(u32, f32)]) -> Features {
        Features { entries: entries.to_vec() }
    }

    #[test]
    fn a_separable_problem_is_learned() {
        let good = x(&[(0, 1.0)]);
        let bad = x(&[(1, 1.0)]);
        let examples: Vec<(&Features, bool)> =
            (0..50).flat_map(|_| [(&good, true), (&bad, false)]).collect();
        let model = Logistic::fit(&examples, 4, &LogisticConfig::default());
        assert!(model.margin(&good) > 1.0 && model.margin(&bad) < -1.0);
        assert!(model.margin(&x(&[(9, 1.0)])).abs() < 0.5, "unknown features are ignored");
    }

    #[test]
    fn platt_scaling_matches_observed_rates() {
        // Margins where a margin of 1 is right 75% of the time and -1 is right 75% of the time.
        let mut margins = Vec::new();
        for k in 0..400 {
            margins.push((1.0, k % 4 != 0));
            margins.push((-1.0, k % 4 == 0));
        }
        let platt = Platt::fit(&margins);
        assert!((platt.probability(1.0) - 0.75).abs() < 0.01, "{platt:?}");
        assert!((platt.probability(-1.0) - 0.25).abs() < 0.01);
        assert_eq!(Platt::fit(&[(1.0, true)]), Platt::default(), "one class: identity");
    }
}
