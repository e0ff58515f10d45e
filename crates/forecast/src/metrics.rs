//! Forecast accuracy: MASE (Hyndman and Koehler, 2006) and sMAPE, computed from the actual
//! values of a test window, the forecasts for it and the history before it.
//!
//! * **MASE** is the forecast's mean absolute error divided by the in-sample mean absolute
//!   error of the seasonal naive forecast with period m on the history alone:
//!   `scale = mean |y[t] - y[t-m]|` for `t` in `m..n`. Below 1, the forecast beats what the
//!   seasonal naive method did in sample. A history that repeats itself exactly at lag m (for
//!   example all zeros) has scale 0 and no MASE: that is [`Error::ZeroScale`], never an
//!   infinity or a NaN.
//! * **sMAPE** is `200 / h * sum |y - f| / (|y| + |f|)`, in percent, from 0 to 200. A step
//!   whose actual and forecast are both zero counts as 0 (a perfect forecast of no demand)
//!   instead of 0/0.
//!
//! These are plain functions of numbers; they know nothing of models or origins.

use crate::error::{check_finite, Error, Result};

/// The MASE scale: the mean absolute error of the seasonal naive forecast with period
/// `period` over `history`. Fails when the history holds no pair `period` apart, and with
/// [`Error::ZeroScale`] when that error is zero.
pub fn seasonal_naive_scale(history: &[f64], period: usize) -> Result<f64> {
    let model = || format!("MASE scale (seasonal naive, m={period})");
    if period == 0 {
        return Err(Error::InvalidConfig {
            model: model(),
            reason: "the period must be at least 1 (1 scales by the naive forecast)".into(),
        });
    }
    crate::error::check_len(
        model,
        history,
        period + 1,
        "the scale needs at least one value a full period after another",
    )?;
    check_finite(history)?;
    let pairs = history.len() - period;
    let total: f64 = history.windows(period + 1).map(|w| (w[period] - w[0]).abs()).sum();
    let scale = total / pairs as f64;
    if scale > 0.0 {
        Ok(scale)
    } else {
        Err(Error::ZeroScale { origin: history.len(), period })
    }
}

/// Mean absolute scaled error of `forecast` against `actual`, scaled by
/// [`seasonal_naive_scale`] of `history` with `period`.
pub fn mase(actual: &[f64], forecast: &[f64], history: &[f64], period: usize) -> Result<f64> {
    let scale = seasonal_naive_scale(history, period)?;
    Ok(mae(actual, forecast)? / scale)
}

/// Mean absolute error.
pub fn mae(actual: &[f64], forecast: &[f64]) -> Result<f64> {
    check_pair(actual, forecast)?;
    let total: f64 = actual.iter().zip(forecast).map(|(a, f)| (a - f).abs()).sum();
    Ok(total / actual.len() as f64)
}

/// Symmetric mean absolute percentage error, in percent (0 to 200).
pub fn smape(actual: &[f64], forecast: &[f64]) -> Result<f64> {
    check_pair(actual, forecast)?;
    let total: f64 = actual
        .iter()
        .zip(forecast)
        .map(|(a, f)| {
            let denominator = a.abs() + f.abs();
            if denominator == 0.0 {
                0.0
            } else {
                200.0 * (a - f).abs() / denominator
            }
        })
        .sum();
    Ok(total / actual.len() as f64)
}

fn check_pair(actual: &[f64], forecast: &[f64]) -> Result<()> {
    if actual.len() != forecast.len() {
        return Err(Error::LengthMismatch { actual: actual.len(), forecast: forecast.len() });
    }
    if actual.is_empty() {
        return Err(Error::EmptySeries { model: "accuracy metric".into() });
    }
    check_finite(actual)?;
    check_finite(forecast)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn naive_on_a_line_scores_its_definition() {
        // y = t: the in-sample naive error is 1 every step, so the scale is 1. Forecasting
        // flat from the last value misses by 1, 2, ..., h: MASE = (h + 1) / 2.
        let history: Vec<f64> = (0..10).map(f64::from).collect();
        for h in 1..=6 {
            let actual: Vec<f64> = (10..10 + h).map(f64::from).collect();
            let naive = vec![9.0; h as usize];
            let value = mase(&actual, &naive, &history, 1).unwrap();
            assert!((value - f64::from(h + 1) / 2.0).abs() < 1e-12, "h={h}: {value}");
        }
    }

    #[test]
    fn naive_scores_one_when_it_errs_as_much_as_in_sample() {
        // Alternating 0, 2: the in-sample naive error is 2 each step; one step ahead the naive
        // forecast misses by 2 again.
        let history = [0.0, 2.0, 0.0, 2.0, 0.0, 2.0];
        assert_eq!(seasonal_naive_scale(&history, 1).unwrap(), 2.0);
        assert_eq!(mase(&[0.0], &[2.0], &history, 1).unwrap(), 1.0);
        // With m = 2 the same history repeats itself exactly: no scale.
        let err = seasonal_naive_scale(&history, 2).unwrap_err();
        assert_eq!(err, Error::ZeroScale { origin: 6, period: 2 });
    }

    #[test]
    fn an_all_zero_history_has_no_mase() {
        let err = mase(&[1.0], &[0.0], &[0.0; 8], 1).unwrap_err();
        assert!(matches!(err, Error::ZeroScale { origin: 8, period: 1 }), "{err}");
    }

    #[test]
    fn seasonal_scale_compares_values_a_period_apart() {
        let history = [1.0, 5.0, 2.0, 7.0, 4.0];
        // |2-1| + |7-5| + |4-2| over 3 pairs.
        assert!((seasonal_naive_scale(&history, 2).unwrap() - 5.0 / 3.0).abs() < 1e-12);
        assert!(matches!(
            seasonal_naive_scale(&history, 5),
            Err(Error::TooShort { needed: 6, got: 5, .. })
        ));
        assert!(matches!(seasonal_naive_scale(&history, 0), Err(Error::InvalidConfig { .. })));
        assert!(matches!(seasonal_naive_scale(&[], 1), Err(Error::EmptySeries { .. })));
    }

    #[test]
    fn smape_is_symmetric_bounded_and_defined_at_zero() {
        assert_eq!(smape(&[100.0], &[100.0]).unwrap(), 0.0);
        assert_eq!(smape(&[0.0, 0.0], &[0.0, 0.0]).unwrap(), 0.0);
        assert_eq!(smape(&[0.0], &[5.0]).unwrap(), 200.0);
        let over = smape(&[100.0], &[150.0]).unwrap();
        let under = smape(&[150.0], &[100.0]).unwrap();
        assert!((over - 40.0).abs() < 1e-12 && (under - over).abs() < 1e-12);
    }

    #[test]
    fn mismatched_empty_and_nan_inputs_are_refused() {
        assert_eq!(
            mae(&[1.0, 2.0], &[1.0]).unwrap_err(),
            Error::LengthMismatch { actual: 2, forecast: 1 }
        );
        assert!(matches!(smape(&[], &[]), Err(Error::EmptySeries { .. })));
        assert!(matches!(smape(&[1.0], &[f64::NAN]), Err(Error::NonFinite { index: 0, .. })));
        assert!(matches!(
            mase(&[1.0], &[1.0], &[1.0, f64::NAN, 2.0], 1),
            Err(Error::NonFinite { index: 1, .. })
        ));
    }
}
