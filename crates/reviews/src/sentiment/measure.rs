//! How well predicted probabilities match binary labels: accuracy, F1, log loss and the
//! expected calibration error.

/// Scores of probabilities of positive against labels.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct BinaryScores {
    /// How many texts.
    pub count: usize,
    /// Share right when positive means `p >= 0.5`.
    pub accuracy: f64,
    /// The mean of both classes' F1.
    pub macro_f1: f64,
    /// The mean negative log-likelihood.
    pub log_loss: f64,
    /// The expected calibration error over ten equal-width probability bins.
    pub calibration_error: f64,
    /// Share labelled neutral by the three-way rule.
    pub neutral_share: f64,
}

impl BinaryScores {
    /// Scores `(probability of positive, is positive)` pairs.
    pub fn of(predictions: &[(f32, bool)]) -> Self {
        let count = predictions.len();
        if count == 0 {
            return Self::default();
        }
        let (mut tp, mut fp, mut tn, mut fneg) = (0f64, 0f64, 0f64, 0f64);
        let mut loss = 0.0;
        let mut neutral = 0usize;
        let mut bins = [(0f64, 0f64, 0usize); 10];
        for &(p, y) in predictions {
            match (p >= 0.5, y) {
                (true, true) => tp += 1.0,
                (true, false) => fp += 1.0,
                (false, false) => tn += 1.0,
                (false, true) => fneg += 1.0,
            }
            let q = f64::from(p).clamp(1e-7, 1.0 - 1e-7);
            loss -= if y { q.ln() } else { (1.0 - q).ln() };
            if super::Polarity::of_probability(p) == super::Polarity::Neutral {
                neutral += 1;
            }
            let bin = ((f64::from(p) * 10.0) as usize).min(9);
            bins[bin].0 += f64::from(p);
            bins[bin].1 += if y { 1.0 } else { 0.0 };
            bins[bin].2 += 1;
        }
        let f1 = |tp: f64, fp: f64, fneg: f64| {
            if tp == 0.0 {
                0.0
            } else {
                2.0 * tp / (2.0 * tp + fp + fneg)
            }
        };
        let n = count as f64;
        let calibration_error = bins
            .iter()
            .filter(|(_, _, k)| *k > 0)
            .map(|(sum_p, positives, k)| (*k as f64 / n) * ((sum_p - positives) / *k as f64).abs())
            .sum();
        Self {
            count,
            accuracy: (tp + tn) / n,
            macro_f1: (f1(tp, fp, fneg) + f1(tn, fneg, fp)) / 2.0,
            log_loss: loss / n,
            calibration_error,
            neutral_share: neutral as f64 / n,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn perfect_and_useless_predictions_score_as_expected() {
        let perfect = BinaryScores::of(&[(0.99, true), (0.01, false)]);
        assert_eq!(perfect.accuracy, 1.0);
        assert_eq!(perfect.macro_f1, 1.0);
        assert!(perfect.calibration_error < 0.02);
        let wrong = BinaryScores::of(&[(0.1, true), (0.9, false)]);
        assert_eq!(wrong.accuracy, 0.0);
        assert_eq!(wrong.macro_f1, 0.0);
        let unsure = BinaryScores::of(&[(0.5, true), (0.5, false)]);
        assert_eq!(unsure.neutral_share, 1.0);
        assert!((unsure.calibration_error - 0.0).abs() < 1e-9);
        assert_eq!(BinaryScores::of(&[]).count, 0);
    }
}
