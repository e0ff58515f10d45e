//! Ranking and probability metrics for binary predictions.
//!
//! Every function takes scores and labels of equal length and returns an error for empty input,
//! a length mismatch or a NaN score; the ranking metrics also need both classes. Ties are
//! handled the way the definitions require: ROC AUC gives tied pairs half credit, average
//! precision treats tied scores as one threshold.

use crate::dataset::check_both_classes;
use crate::{Error, Result};

fn check_inputs(scores: &[f64], labels: &[bool]) -> Result<()> {
    if scores.len() != labels.len() {
        return Err(Error::LengthMismatch {
            what: "scores and labels",
            expected: labels.len(),
            found: scores.len(),
        });
    }
    if scores.is_empty() {
        return Err(Error::Empty { what: "scores" });
    }
    if let Some(row) = scores.iter().position(|s| s.is_nan()) {
        return Err(Error::InvalidScore { row, value: f64::NAN, expected: "a number" });
    }
    Ok(())
}

fn check_probabilities(scores: &[f64], labels: &[bool]) -> Result<()> {
    check_inputs(scores, labels)?;
    if let Some(row) = scores.iter().position(|s| !(0.0..=1.0).contains(s)) {
        return Err(Error::InvalidScore {
            row,
            value: scores[row],
            expected: "a probability in 0..=1",
        });
    }
    Ok(())
}

/// Indices sorted by score, ascending (NaN-free input).
fn order_ascending(scores: &[f64]) -> Vec<usize> {
    let mut order: Vec<usize> = (0..scores.len()).collect();
    order.sort_by(|&a, &b| scores[a].total_cmp(&scores[b]));
    order
}

/// Area under the ROC curve: the probability that a random positive scores above a random
/// negative, ties counting one half (the Mann-Whitney statistic with mid-ranks).
pub fn roc_auc(scores: &[f64], labels: &[bool]) -> Result<f64> {
    check_inputs(scores, labels)?;
    check_both_classes(labels, "ROC AUC")?;
    let order = order_ascending(scores);
    let mut positive_rank_sum = 0.0;
    let mut start = 0;
    while start < order.len() {
        let mut end = start + 1;
        while end < order.len() && scores[order[end]] == scores[order[start]] {
            end += 1;
        }
        // Ranks start..end (1-based start+1..=end) share their mean.
        let mid_rank = (start + 1 + end) as f64 / 2.0;
        let positives = order[start..end].iter().filter(|&&i| labels[i]).count();
        positive_rank_sum += mid_rank * positives as f64;
        start = end;
    }
    let p = labels.iter().filter(|&&y| y).count() as f64;
    let n = labels.len() as f64 - p;
    Ok((positive_rank_sum - p * (p + 1.0) / 2.0) / (p * n))
}

/// Average precision (area under the precision-recall curve, step-wise): the mean over
/// thresholds of precision, weighted by the recall each threshold adds. Tied scores form one
/// threshold.
pub fn average_precision(scores: &[f64], labels: &[bool]) -> Result<f64> {
    check_inputs(scores, labels)?;
    check_both_classes(labels, "average precision")?;
    let mut order = order_ascending(scores);
    order.reverse();
    let total_positives = labels.iter().filter(|&&y| y).count() as f64;
    let (mut seen, mut true_positives, mut ap) = (0usize, 0usize, 0.0);
    let mut start = 0;
    while start < order.len() {
        let mut end = start + 1;
        while end < order.len() && scores[order[end]] == scores[order[start]] {
            end += 1;
        }
        let new_positives = order[start..end].iter().filter(|&&i| labels[i]).count();
        seen += end - start;
        true_positives += new_positives;
        let precision = true_positives as f64 / seen as f64;
        ap += precision * new_positives as f64 / total_positives;
        start = end;
    }
    Ok(ap)
}

/// The probabilities are clipped to `[EPS, 1 - EPS]` so a confident miss costs a finite amount.
const LOG_LOSS_EPS: f64 = 1e-15;

/// Mean negative log-likelihood of the labels under probabilities `probs`.
pub fn log_loss(probs: &[f64], labels: &[bool]) -> Result<f64> {
    check_probabilities(probs, labels)?;
    let total: f64 = probs
        .iter()
        .zip(labels)
        .map(|(&p, &y)| {
            let p = p.clamp(LOG_LOSS_EPS, 1.0 - LOG_LOSS_EPS);
            if y {
                -p.ln()
            } else {
                -(1.0 - p).ln()
            }
        })
        .sum();
    Ok(total / probs.len() as f64)
}

/// Mean squared difference between probabilities and outcomes.
pub fn brier_score(probs: &[f64], labels: &[bool]) -> Result<f64> {
    check_probabilities(probs, labels)?;
    let total: f64 = probs
        .iter()
        .zip(labels)
        .map(|(&p, &y)| {
            let d = p - f64::from(u8::from(y));
            d * d
        })
        .sum();
    Ok(total / probs.len() as f64)
}

/// One bin of a reliability table.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct CalibrationBin {
    /// The bin's lower probability bound (inclusive).
    pub lower: f64,
    /// The bin's upper probability bound (exclusive, except for the last bin).
    pub upper: f64,
    /// How many predictions fell in the bin.
    pub count: usize,
    /// Their mean predicted probability.
    pub mean_predicted: f64,
    /// The share of them that were positive.
    pub observed_rate: f64,
}

/// A reliability table: predictions grouped in `bins` equal-width probability bins, each with
/// its mean prediction and observed positive rate. Empty bins are left out.
pub fn calibration_table(
    probs: &[f64],
    labels: &[bool],
    bins: usize,
) -> Result<Vec<CalibrationBin>> {
    check_probabilities(probs, labels)?;
    if bins == 0 {
        return Err(Error::InvalidConfig { field: "bins", reason: "must be at least 1".into() });
    }
    let mut sums = vec![(0usize, 0.0f64, 0usize); bins];
    for (&p, &y) in probs.iter().zip(labels) {
        let b = ((p * bins as f64) as usize).min(bins - 1);
        sums[b].0 += 1;
        sums[b].1 += p;
        sums[b].2 += usize::from(y);
    }
    Ok(sums
        .iter()
        .enumerate()
        .filter(|(_, s)| s.0 > 0)
        .map(|(b, &(count, p_sum, positives))| CalibrationBin {
            lower: b as f64 / bins as f64,
            upper: (b + 1) as f64 / bins as f64,
            count,
            mean_predicted: p_sum / count as f64,
            observed_rate: positives as f64 / count as f64,
        })
        .collect())
}

/// Expected calibration error over `bins` equal-width bins: the count-weighted mean of
/// |mean prediction − observed rate|.
pub fn expected_calibration_error(probs: &[f64], labels: &[bool], bins: usize) -> Result<f64> {
    let table = calibration_table(probs, labels, bins)?;
    let weighted: f64 =
        table.iter().map(|b| b.count as f64 * (b.mean_predicted - b.observed_rate).abs()).sum();
    Ok(weighted / probs.len() as f64)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(a: f64, b: f64) {
        assert!((a - b).abs() < 1e-12, "{a} != {b}");
    }

    #[test]
    fn auc_by_hand_with_ties() {
        // Positives 0.8, 0.4; negatives 0.4, 0.1, 0.8 (tie with each positive).
        // Pairs (pos, neg): (0.8,0.4)=1 (0.8,0.1)=1 (0.8,0.8)=.5 (0.4,0.4)=.5 (0.4,0.1)=1
        // (0.4,0.8)=0 -> 4 / 6.
        let scores = [0.8, 0.4, 0.4, 0.1, 0.8];
        let labels = [true, true, false, false, false];
        close(roc_auc(&scores, &labels).unwrap(), 4.0 / 6.0);
    }

    #[test]
    fn auc_extremes_and_all_tied() {
        let labels = [false, false, true, true];
        close(roc_auc(&[0.1, 0.2, 0.3, 0.4], &labels).unwrap(), 1.0);
        close(roc_auc(&[0.4, 0.3, 0.2, 0.1], &labels).unwrap(), 0.0);
        close(roc_auc(&[0.5; 4], &labels).unwrap(), 0.5);
    }

    #[test]
    fn average_precision_by_hand() {
        // Descending: 0.9 (pos), 0.8 (neg), 0.7 (pos), 0.1 (neg):
        // AP = 1/2 * 1 + 1/2 * 2/3.
        let scores = [0.9, 0.8, 0.7, 0.1];
        let labels = [true, false, true, false];
        close(average_precision(&scores, &labels).unwrap(), 0.5 + 1.0 / 3.0);
    }

    #[test]
    fn average_precision_treats_ties_as_one_threshold() {
        // All tied: one threshold at which precision is the base rate.
        let labels = [true, false, false, false];
        close(average_precision(&[0.3; 4], &labels).unwrap(), 0.25);
        // The top group (pos, neg) tied: precision 1/2 at recall 1/2, then 2/3 at recall 1.
        let scores = [0.9, 0.9, 0.5, 0.1];
        let labels = [true, false, true, false];
        close(average_precision(&scores, &labels).unwrap(), 0.25 + 1.0 / 3.0);
    }

    #[test]
    fn ranking_metrics_need_both_classes() {
        let err = roc_auc(&[0.1, 0.2], &[true, true]).unwrap_err();
        assert!(matches!(err, Error::SingleClass { class: 1, .. }), "{err}");
        assert!(average_precision(&[0.1], &[false]).is_err());
    }

    #[test]
    fn bad_inputs_are_errors() {
        assert!(matches!(roc_auc(&[0.1], &[true, false]), Err(Error::LengthMismatch { .. })));
        assert!(matches!(log_loss(&[], &[]), Err(Error::Empty { .. })));
        assert!(matches!(
            roc_auc(&[0.1, f64::NAN], &[true, false]),
            Err(Error::InvalidScore { row: 1, .. })
        ));
        assert!(matches!(log_loss(&[1.5], &[true]), Err(Error::InvalidScore { row: 0, .. })));
    }

    #[test]
    fn probability_losses_by_hand() {
        let probs = [0.8, 0.25];
        let labels = [true, false];
        close(log_loss(&probs, &labels).unwrap(), -(0.8f64.ln() + 0.75f64.ln()) / 2.0);
        close(brier_score(&probs, &labels).unwrap(), (0.04 + 0.0625) / 2.0);
        // A certain miss is clipped, not infinite.
        assert!(log_loss(&[0.0], &[true]).unwrap().is_finite());
    }

    #[test]
    fn calibration_error_by_hand() {
        // Bin [0.2,0.3): predictions 0.2, 0.2, outcomes 1, 0 -> |0.2 - 0.5| = 0.3 over 2 rows.
        // Bin [0.9,1.0]: prediction 1.0, outcome 1 -> 0.
        let probs = [0.2, 0.2, 1.0];
        let labels = [true, false, true];
        close(expected_calibration_error(&probs, &labels, 10).unwrap(), 0.3 * 2.0 / 3.0);
        let table = calibration_table(&probs, &labels, 10).unwrap();
        assert_eq!(table.len(), 2);
        assert_eq!(table[1].count, 1);
    }
}
