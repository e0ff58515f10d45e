//! Multinomial (softmax) logistic regression over hashed sparse features, trained with AdaGrad
//! and an L2 penalty, its int8 quantized form for shipping, and temperature scaling.

use rand::seq::SliceRandom;
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;

use crate::features::Features;

/// How the regression is trained.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SoftmaxConfig {
    /// L2 penalty per example and step, applied to the weights an example touches.
    pub l2: f32,
    /// Passes over the data.
    pub epochs: usize,
    /// AdaGrad's base step.
    pub learning_rate: f32,
    /// Seed of the example order.
    pub seed: u64,
}

impl Default for SoftmaxConfig {
    fn default() -> Self {
        Self { l2: 1e-5, epochs: 12, learning_rate: 0.5, seed: 17 }
    }
}

/// Full-precision weights while training: `weights[bucket * classes + class]`.
#[derive(Debug, Clone, PartialEq)]
pub struct Linear {
    classes: usize,
    weights: Vec<f32>,
    bias: Vec<f32>,
}

impl Linear {
    /// The class scores of a feature vector, written into `out` (one per class).
    pub fn logits(&self, x: &Features, out: &mut [f32]) {
        out.copy_from_slice(&self.bias);
        for &(bucket, value) in &x.entries {
            let from = bucket as usize * self.classes;
            if let Some(row) = self.weights.get(from..from + self.classes) {
                out.iter_mut().zip(row).for_each(|(o, w)| *o += w * value);
            }
        }
    }

    /// Trains on `(features, class)` examples over `buckets` feature buckets.
    pub fn fit(
        examples: &[(&Features, usize)],
        buckets: usize,
        classes: usize,
        config: &SoftmaxConfig,
    ) -> Self {
        let mut model =
            Self { classes, weights: vec![0.0; buckets * classes], bias: vec![0.0; classes] };
        let mut squared = vec![0.0f32; buckets * classes];
        let mut bias_squared = vec![0.0f32; classes];
        let mut order: Vec<usize> = (0..examples.len()).collect();
        let mut rng = ChaCha8Rng::seed_from_u64(config.seed);
        let mut p = vec![0.0f32; classes];
        const EPSILON: f32 = 1e-8;
        for _ in 0..config.epochs {
            order.shuffle(&mut rng);
            for &k in &order {
                let (x, label) = examples[k];
                model.logits(x, &mut p);
                softmax_in_place(&mut p);
                if let Some(target) = p.get_mut(label) {
                    *target -= 1.0;
                }
                // `p` now holds the gradient of the loss with respect to each class score.
                for &(bucket, value) in &x.entries {
                    let from = bucket as usize * classes;
                    let Some(row) = model.weights.get_mut(from..from + classes) else { continue };
                    let sums = &mut squared[from..from + classes];
                    for ((w, s), &error) in row.iter_mut().zip(sums).zip(&p) {
                        let gradient = error * value + config.l2 * *w;
                        *s += gradient * gradient;
                        *w -= config.learning_rate * gradient / (*s + EPSILON).sqrt();
                    }
                }
                for ((b, s), &error) in model.bias.iter_mut().zip(&mut bias_squared).zip(&p) {
                    *s += error * error;
                    *b -= config.learning_rate * error / (*s + EPSILON).sqrt();
                }
            }
        }
        model
    }

    /// The int8 form: each class's weights scaled by its largest magnitude.
    pub fn quantize(&self) -> Quantized {
        let classes = self.classes;
        let mut scales = vec![0.0f32; classes];
        for row in self.weights.chunks_exact(classes) {
            for (scale, w) in scales.iter_mut().zip(row) {
                *scale = scale.max(w.abs());
            }
        }
        for scale in &mut scales {
            *scale = if *scale > 0.0 { *scale / 127.0 } else { 1.0 };
        }
        let weights = self
            .weights
            .chunks_exact(classes)
            .flat_map(|row| {
                row.iter().zip(&scales).map(|(w, s)| (w / s).round().clamp(-127.0, 127.0) as i8)
            })
            .collect();
        Quantized { classes, scales, weights, bias: self.bias.clone() }
    }
}

/// The shipped weights: int8 per bucket and class, one scale per class, f32 biases.
#[derive(Debug, Clone, PartialEq)]
pub struct Quantized {
    /// Number of classes.
    pub classes: usize,
    /// Per-class scale of the int8 weights.
    pub scales: Vec<f32>,
    /// `weights[bucket * classes + class]`.
    pub weights: Vec<i8>,
    /// Per-class intercepts.
    pub bias: Vec<f32>,
}

impl Quantized {
    /// The class scores of a feature vector, written into `out` (one per class).
    pub fn logits(&self, x: &Features, out: &mut [f32]) {
        out.fill(0.0);
        for &(bucket, value) in &x.entries {
            let from = bucket as usize * self.classes;
            if let Some(row) = self.weights.get(from..from + self.classes) {
                out.iter_mut().zip(row).for_each(|(o, &w)| *o += f32::from(w) * value);
            }
        }
        for ((o, scale), bias) in out.iter_mut().zip(&self.scales).zip(&self.bias) {
            *o = *o * scale + bias;
        }
    }
}

/// Turns scores into probabilities, in place, stable for large scores.
pub fn softmax_in_place(scores: &mut [f32]) {
    let max = scores.iter().copied().fold(f32::NEG_INFINITY, f32::max);
    if !max.is_finite() {
        let even = 1.0 / scores.len().max(1) as f32;
        scores.fill(even);
        return;
    }
    let mut total = 0.0;
    for s in scores.iter_mut() {
        *s = (*s - max).exp();
        total += *s;
    }
    scores.iter_mut().for_each(|s| *s /= total);
}

/// The temperature that minimises the log loss of `(scores, true class)` pairs: probabilities are
/// `softmax(scores / t)`. Searched over `ln t` in [-3, 3] (golden section; the loss is convex in
/// `1/t`), so the choice is deterministic.
pub fn fit_temperature(scored: &[(Vec<f32>, usize)]) -> f32 {
    if scored.is_empty() {
        return 1.0;
    }
    let loss = |log_t: f64| {
        let t = log_t.exp() as f32;
        let mut total = 0.0f64;
        let mut p = Vec::new();
        for (scores, label) in scored {
            p.clear();
            p.extend(scores.iter().map(|s| s / t));
            softmax_in_place(&mut p);
            total -= f64::from(p.get(*label).copied().unwrap_or(0.0).max(1e-9)).ln();
        }
        total
    };
    let (mut lo, mut hi) = (-3.0f64, 3.0f64);
    let ratio = (5f64.sqrt() - 1.0) / 2.0;
    for _ in 0..60 {
        let a = hi - ratio * (hi - lo);
        let b = lo + ratio * (hi - lo);
        if loss(a) < loss(b) {
            hi = b;
        } else {
            lo = a;
        }
    }
    ((lo + hi) / 2.0).exp() as f32
}

#[cfg(test)]
mod tests {
    use super::*;

    fn x(entries: &[(u32, f32)]) -> Features {
        Features { entries: entries.to_vec() }
    }

    #[test]
    fn three_separable_classes_are_learned_and_survive_quantization() {
        let inputs = [x(&[(0, 1.0)]), x(&[(1, 1.0)]), x(&[(2, 0.6), (3, 0.8)])];
        let examples: Vec<(&Features, usize)> =
            (0..40).flat_map(|_| inputs.iter().enumerate().map(|(c, f)| (f, c))).collect();
        let model = Linear::fit(&examples, 8, 3, &SoftmaxConfig::default());
        let quantized = model.quantize();
        let mut scores = [0.0f32; 3];
        for (class, input) in inputs.iter().enumerate() {
            for logits in [
                |s: &mut [f32], i: &Features, m: &Linear, _: &Quantized| m.logits(i, s),
                |s: &mut [f32], i: &Features, _: &Linear, q: &Quantized| q.logits(i, s),
            ] {
                logits(&mut scores, input, &model, &quantized);
                softmax_in_place(&mut scores);
                assert!(scores[class] > 0.8, "class {class}: {scores:?}");
            }
        }
    }

    #[test]
    fn temperature_cools_overconfident_scores() {
        // Scores that say 99% but are right only 3 times in 4.
        let mut scored = Vec::new();
        for k in 0..200 {
            scored.push((vec![5.0, 0.0], if k % 4 == 0 { 1 } else { 0 }));
        }
        let t = fit_temperature(&scored);
        let mut p = [5.0 / t, 0.0];
        softmax_in_place(&mut p);
        assert!((p[0] - 0.75).abs() < 0.01, "t = {t}, p = {p:?}");
    }

    #[test]
    fn softmax_of_nothing_or_infinities_is_defined() {
        let mut p = [f32::NEG_INFINITY; 2];
        softmax_in_place(&mut p);
        assert_eq!(p, [0.5, 0.5]);
        softmax_in_place(&mut []);
    }
}
