//! Turning scores into probabilities that match observed rates: Platt scaling (a logistic
//! curve over the score) and isotonic regression (the best non-decreasing step function,
//! interpolated between steps).
//!
//! Fit either on predictions for rows the model did not train on (a validation split or
//! out-of-fold predictions); fitted on training predictions they learn the model's
//! over-confidence as truth. Both keep the order of scores (isotonic may tie some), so ranking
//! metrics barely move; they fix log-loss, Brier score and calibration error.

use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::dataset::check_both_classes;
use crate::model::{self, exact, sigmoid};
use crate::{Error, Result};

fn check_scores(scores: &[f64], labels: &[bool], what: &'static str) -> Result<()> {
    if scores.len() != labels.len() {
        return Err(Error::LengthMismatch {
            what: "scores and labels",
            expected: labels.len(),
            found: scores.len(),
        });
    }
    if let Some(row) = scores.iter().position(|s| !s.is_finite()) {
        return Err(Error::InvalidScore { row, value: scores[row], expected: "a finite number" });
    }
    check_both_classes(labels, what)
}

/// Platt scaling: `p = σ(a · score + b)`, fitted by Newton's method on smoothed targets
/// (`(N₊ + 1) / (N₊ + 2)` and `1 / (N₋ + 2)`, as Platt proposed, so a separable calibration set
/// does not drive `a` to infinity). Feed it margins (log-odds) or any real-valued score.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Platt {
    /// Slope.
    #[serde(with = "exact::f64")]
    pub a: f64,
    /// Offset.
    #[serde(with = "exact::f64")]
    pub b: f64,
}

const PLATT_FORMAT: &str = "aisle-predict/platt";
const ISOTONIC_FORMAT: &str = "aisle-predict/isotonic";
const VERSION: u32 = 1;

impl Platt {
    /// Fits `a` and `b` to scores and their labels.
    pub fn fit(scores: &[f64], labels: &[bool]) -> Result<Platt> {
        check_scores(scores, labels, "Platt calibration data")?;
        let positives = labels.iter().filter(|&&y| y).count() as f64;
        let negatives = labels.len() as f64 - positives;
        let high = (positives + 1.0) / (positives + 2.0);
        let low = 1.0 / (negatives + 2.0);
        let targets: Vec<f64> = labels.iter().map(|&y| if y { high } else { low }).collect();
        let loss = |a: f64, b: f64| -> f64 {
            scores
                .iter()
                .zip(&targets)
                .map(|(&s, &t)| {
                    let m = a * s + b;
                    m.max(0.0) + (-m.abs()).exp().ln_1p() - t * m
                })
                .sum()
        };
        let (mut a, mut b) = (0.0, model::logit((positives + 1.0) / (labels.len() as f64 + 2.0)));
        let mut value = loss(a, b);
        for _ in 0..100 {
            let (mut ga, mut gb, mut haa, mut hab, mut hbb) = (0.0, 0.0, 0.0, 0.0, 0.0);
            for (&s, &t) in scores.iter().zip(&targets) {
                let p = sigmoid(a * s + b);
                let w = (p * (1.0 - p)).max(1e-12);
                ga += (p - t) * s;
                gb += p - t;
                haa += w * s * s;
                hab += w * s;
                hbb += w;
            }
            // A tiny ridge keeps the 2×2 system solvable when all scores are equal.
            haa += 1e-12;
            hbb += 1e-12;
            let det = haa * hbb - hab * hab;
            let (da, db) = ((hbb * ga - hab * gb) / det, (haa * gb - hab * ga) / det);
            let decrement = ga * da + gb * db;
            if !(decrement.is_finite()) || decrement < 1e-12 * labels.len() as f64 {
                break;
            }
            let mut t = 1.0;
            let mut moved = false;
            while t > 1e-10 {
                let trial = loss(a - t * da, b - t * db);
                if trial <= value - 1e-4 * t * decrement {
                    (a, b, value) = (a - t * da, b - t * db, trial);
                    moved = true;
                    break;
                }
                t *= 0.5;
            }
            if !moved {
                break;
            }
        }
        Ok(Platt { a, b })
    }

    /// The calibrated probability of a score.
    pub fn predict(&self, score: f64) -> f64 {
        sigmoid(self.a * score + self.b)
    }

    /// The calibrated probabilities of many scores.
    pub fn predict_all(&self, scores: &[f64]) -> Vec<f64> {
        scores.iter().map(|&s| self.predict(s)).collect()
    }

    /// The calibrator as a JSON document.
    pub fn to_json(&self) -> Result<String> {
        model::to_json(PLATT_FORMAT, VERSION, self)
    }

    /// A calibrator from [`Platt::to_json`]'s document; `what` names it in errors.
    pub fn from_json(what: &str, text: &str) -> Result<Platt> {
        model::from_json(what, PLATT_FORMAT, VERSION, text)
    }

    /// Writes the calibrator file.
    pub fn save(&self, path: &Path) -> Result<()> {
        model::write_file(path, &self.to_json()?)
    }

    /// Reads a calibrator file written by [`Platt::save`].
    pub fn load(path: &Path) -> Result<Platt> {
        Self::from_json(&path.display().to_string(), &model::read_file(path)?)
    }
}

/// Isotonic regression: the non-decreasing step function of the score closest (in squared
/// error) to the labels, by pool-adjacent-violators, interpolated linearly between steps and
/// flat beyond the fitted range. Outputs are kept within `[1 / 2N, 1 − 1 / 2N]` for `N`
/// fitting rows: `N` rows cannot show a rate of exactly 0 or 1, and a certain probability
/// would make one surprise cost infinite log-loss.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Isotonic {
    /// Knot scores, non-decreasing.
    #[serde(with = "exact::vec_f64")]
    xs: Vec<f64>,
    /// Knot probabilities, non-decreasing.
    #[serde(with = "exact::vec_f64")]
    ys: Vec<f64>,
}

impl Isotonic {
    /// Fits the step function to scores and their labels.
    pub fn fit(scores: &[f64], labels: &[bool]) -> Result<Isotonic> {
        check_scores(scores, labels, "isotonic calibration data")?;
        let mut order: Vec<usize> = (0..scores.len()).collect();
        order.sort_by(|&a, &b| scores[a].total_cmp(&scores[b]));
        // Blocks of (positives, rows, lowest score, highest score); tied scores start pooled.
        let mut blocks: Vec<(f64, f64, f64, f64)> = Vec::new();
        for &i in &order {
            let (s, y) = (scores[i], f64::from(u8::from(labels[i])));
            match blocks.last_mut() {
                Some(last) if last.3 == s => {
                    last.0 += y;
                    last.1 += 1.0;
                }
                _ => blocks.push((y, 1.0, s, s)),
            }
            // Pool while the last block's rate is below its predecessor's.
            while blocks.len() >= 2 {
                let (prev, last) = (blocks[blocks.len() - 2], blocks[blocks.len() - 1]);
                if prev.0 / prev.1 <= last.0 / last.1 {
                    break;
                }
                blocks.pop();
                let merged = blocks.last_mut().expect("two blocks were present");
                *merged = (prev.0 + last.0, prev.1 + last.1, prev.2, last.3);
            }
        }
        let floor = 0.5 / scores.len() as f64;
        let (mut xs, mut ys) = (Vec::new(), Vec::new());
        for &(positives, rows, low, high) in &blocks {
            let rate = (positives / rows).clamp(floor, 1.0 - floor);
            xs.push(low);
            ys.push(rate);
            if high > low {
                xs.push(high);
                ys.push(rate);
            }
        }
        Ok(Isotonic { xs, ys })
    }

    /// The calibrated probability of a score (`NaN` for a `NaN` score).
    pub fn predict(&self, score: f64) -> f64 {
        if score.is_nan() {
            return f64::NAN;
        }
        let i = self.xs.partition_point(|&x| x <= score);
        if i == 0 {
            return self.ys[0];
        }
        if i == self.xs.len() {
            return self.ys[i - 1];
        }
        let (x0, x1, y0, y1) = (self.xs[i - 1], self.xs[i], self.ys[i - 1], self.ys[i]);
        y0 + (y1 - y0) * (score - x0) / (x1 - x0)
    }

    /// The calibrated probabilities of many scores.
    pub fn predict_all(&self, scores: &[f64]) -> Vec<f64> {
        scores.iter().map(|&s| self.predict(s)).collect()
    }

    /// The number of knots of the fitted function.
    pub fn knots(&self) -> usize {
        self.xs.len()
    }

    /// The calibrator as a JSON document.
    pub fn to_json(&self) -> Result<String> {
        model::to_json(ISOTONIC_FORMAT, VERSION, self)
    }

    /// A calibrator from [`Isotonic::to_json`]'s document; `what` names it in errors.
    pub fn from_json(what: &str, text: &str) -> Result<Isotonic> {
        let model: Isotonic = model::from_json(what, ISOTONIC_FORMAT, VERSION, text)?;
        let ordered = |v: &[f64]| v.windows(2).all(|w| w[0] <= w[1]);
        if model.xs.is_empty()
            || model.xs.len() != model.ys.len()
            || !ordered(&model.xs)
            || !ordered(&model.ys)
        {
            return Err(Error::BadModel {
                what: what.to_string(),
                reason: "knots are empty, unequal in number or out of order".into(),
            });
        }
        Ok(model)
    }

    /// Writes the calibrator file.
    pub fn save(&self, path: &Path) -> Result<()> {
        model::write_file(path, &self.to_json()?)
    }

    /// Reads a calibrator file written by [`Isotonic::save`].
    pub fn load(path: &Path) -> Result<Isotonic> {
        Self::from_json(&path.display().to_string(), &model::read_file(path)?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::{Rng, SeedableRng};
    use rand_chacha::ChaCha8Rng;

    /// Scores whose true positive rate is `σ(2 s - 1)`: an over-confident model's margins.
    fn miscalibrated(n: usize, seed: u64) -> (Vec<f64>, Vec<bool>) {
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        let scores: Vec<f64> = (0..n).map(|_| rng.random_range(-3.0..3.0)).collect();
        let labels = scores.iter().map(|&s| rng.random::<f64>() < sigmoid(0.5 * s - 1.0)).collect();
        (scores, labels)
    }

    #[test]
    fn platt_recovers_the_true_curve() {
        let (scores, labels) = miscalibrated(20_000, 1);
        let platt = Platt::fit(&scores, &labels).unwrap();
        assert!((platt.a - 0.5).abs() < 0.05 && (platt.b + 1.0).abs() < 0.05, "{platt:?}");
    }

    #[test]
    fn calibrators_map_scores_to_observed_rates() {
        // Score 0 is positive 1 in 4 times, score 1 is positive 3 in 4 times.
        let scores = [0.0, 0.0, 0.0, 0.0, 1.0, 1.0, 1.0, 1.0];
        let labels = [true, false, false, false, true, true, true, false];
        let iso = Isotonic::fit(&scores, &labels).unwrap();
        assert_eq!(iso.predict(0.0), 0.25);
        assert_eq!(iso.predict(1.0), 0.75);
        assert_eq!(iso.predict(0.5), 0.5);
        assert_eq!(iso.predict(-5.0), 0.25);
        // Platt's smoothed targets pull towards 1/2 by about one row per class, so give it
        // many rows of the same pattern.
        let many_scores: Vec<f64> = scores.iter().copied().cycle().take(800).collect();
        let many_labels: Vec<bool> = labels.iter().copied().cycle().take(800).collect();
        let platt = Platt::fit(&many_scores, &many_labels).unwrap();
        assert!((platt.predict(0.0) - 0.25).abs() < 0.005, "{}", platt.predict(0.0));
        assert!((platt.predict(1.0) - 0.75).abs() < 0.005, "{}", platt.predict(1.0));
    }

    #[test]
    fn isotonic_pools_violators_and_is_monotone() {
        // Labels by score: 0.1 -> 1, 0.2 -> 0, 0.3 -> 1, 0.4 -> 1: the first two pool at 1/2.
        let iso = Isotonic::fit(&[0.1, 0.2, 0.3, 0.4], &[true, false, true, true]).unwrap();
        assert_eq!(iso.predict(0.1), 0.5);
        assert_eq!(iso.predict(0.2), 0.5);
        assert_eq!(iso.predict(0.4), 1.0 - 0.5 / 4.0);
        let (scores, labels) = miscalibrated(5_000, 2);
        let iso = Isotonic::fit(&scores, &labels).unwrap();
        let grid: Vec<f64> = (-40..=40).map(|i| iso.predict(i as f64 / 10.0)).collect();
        assert!(grid.windows(2).all(|w| w[0] <= w[1]));
        assert!((iso.predict(2.0) - sigmoid(0.0)).abs() < 0.1, "{}", iso.predict(2.0));
    }

    #[test]
    fn calibrators_round_trip_and_check_input() {
        let (scores, labels) = miscalibrated(500, 3);
        let iso = Isotonic::fit(&scores, &labels).unwrap();
        assert_eq!(Isotonic::from_json("t", &iso.to_json().unwrap()).unwrap(), iso);
        let platt = Platt::fit(&scores, &labels).unwrap();
        assert_eq!(Platt::from_json("t", &platt.to_json().unwrap()).unwrap(), platt);
        assert!(Platt::fit(&[0.1, 0.2], &[true, true]).is_err());
        assert!(matches!(
            Isotonic::fit(&[0.1, f64::NAN], &[true, false]),
            Err(Error::InvalidScore { row: 1, .. })
        ));
    }
}
