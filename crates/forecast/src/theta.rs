//! The Theta method of Assimakopoulos and Nikolopoulos (2000), the M3 competition's best
//! method, in the form Hyndman and Billah (2003) showed it equals: simple exponential smoothing
//! with a drift of half the slope of the least-squares line through the history.
//!
//! ```text
//! forecast(h) = l_n + (b / 2) (h - 1 + (1 - (1 - alpha)^n) / alpha)      h = 1, 2, ...
//! ```
//!
//! `l_n` and `alpha` are the SES level and smoothing parameter fitted on the history
//! ([`crate::ets`]), `b` the slope of the line through `(t, y[t])`. The `(1 - (1 - alpha)^n) /
//! alpha` term is where the theta = 2 line's smoothed level sits against the theta = 0 line
//! (the regression line): it makes the forecast the equal-weight mean of the two lines'
//! extrapolations.
//!
//! Non-seasonal only: a seasonal series should be adjusted first (the method's own recipe uses
//! a classical decomposition); the crate leaves seasonal data to Holt-Winters.

use serde::{Deserialize, Serialize};

use crate::error::{check_finite, check_len, Error, Result};
use crate::ets::{ExpSmoothing, ExpSmoothingConfig, FixedParams};
use crate::model::{Forecast, Forecaster};

/// Theta method configuration.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize)]
pub struct ThetaConfig {
    /// SES smoothing held fixed; `None` fits it by in-sample one-step squared error.
    #[serde(default)]
    pub alpha: Option<f64>,
}

/// A fitted Theta model.
#[derive(Debug, Clone, PartialEq)]
pub struct Theta {
    /// The SES fitted on the history.
    pub ses: ExpSmoothing,
    /// Half the slope of the least-squares line: the drift per step.
    pub drift: f64,
    /// The history's length n.
    len: usize,
}

/// The theta = 0 line needs two points to have a slope.
const MIN_LEN: usize = 3;

impl Forecaster for ThetaConfig {
    type Fitted = Theta;

    fn label(&self) -> String {
        "Theta".to_string()
    }

    fn fit(&self, history: &[f64]) -> Result<Theta> {
        if let Some(alpha) = self.alpha.filter(|a| !(*a > 0.0 && *a <= 1.0)) {
            return Err(Error::InvalidConfig {
                model: self.label(),
                reason: format!("fixed alpha = {alpha} is outside (0, 1]"),
            });
        }
        check_len(|| self.label(), history, MIN_LEN, "give at least three observations")?;
        check_finite(history)?;
        let fixed = FixedParams { alpha: self.alpha, ..FixedParams::default() };
        let ses = ExpSmoothingConfig { fixed, ..ExpSmoothingConfig::simple() }.fit(history)?;
        let drift = slope(history) / 2.0;
        tracing::debug!(alpha = ses.params.alpha, drift, "Theta fitted");
        Ok(Theta { ses, drift, len: history.len() })
    }
}

/// Slope of the least-squares line through `(t, y[t])`, t = 0, 1, ...
pub(crate) fn slope(y: &[f64]) -> f64 {
    let n = y.len() as f64;
    let mean_t = (n - 1.0) / 2.0;
    let mean_y = y.iter().sum::<f64>() / n;
    let (sty, stt) = y.iter().enumerate().fold((0.0, 0.0), |(sty, stt), (t, v)| {
        let dt = t as f64 - mean_t;
        (sty + dt * (v - mean_y), stt + dt * dt)
    });
    if stt > 0.0 {
        sty / stt
    } else {
        0.0
    }
}

impl Forecast for Theta {
    fn forecast(&self, horizon: usize) -> Vec<f64> {
        let alpha = self.ses.params.alpha.max(1e-10);
        let exponent = i32::try_from(self.len).unwrap_or(i32::MAX);
        let offset = (1.0 - (1.0 - alpha).powi(exponent)) / alpha;
        self.ses
            .forecast(horizon)
            .into_iter()
            .enumerate()
            .map(|(h, level)| level + self.drift * (h as f64 + offset))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(actual: &[f64], expected: &[f64]) {
        assert_eq!(actual.len(), expected.len());
        for (a, e) in actual.iter().zip(expected) {
            assert!((a - e).abs() < 1e-9, "{actual:?} vs {expected:?}");
        }
    }

    #[test]
    fn on_a_line_with_alpha_one_it_continues_at_half_the_slope() {
        // alpha = 1: the SES level is the last value and the offset is exactly 1, so the
        // forecast is y[n-1] + (b / 2) h: the mean of the naive forecast and the line's.
        let line: Vec<f64> = (0..20).map(|t| 7.0 + 3.0 * f64::from(t)).collect();
        let theta = ThetaConfig { alpha: Some(1.0) }.fit(&line).unwrap();
        assert!((theta.drift - 1.5).abs() < 1e-12);
        close(&theta.forecast(4), &[64.0 + 1.5, 64.0 + 3.0, 64.0 + 4.5, 64.0 + 6.0]);
    }

    #[test]
    fn with_a_fixed_alpha_it_matches_the_closed_form() {
        let y = [4.0, 6.0, 5.0, 9.0, 8.0, 12.0];
        let alpha: f64 = 0.4;
        let theta = ThetaConfig { alpha: Some(alpha) }.fit(&y).unwrap();
        // SES by hand: the level starts at the mean of the first (up to) ten values.
        let mut level = y.iter().sum::<f64>() / 6.0;
        for v in y {
            level += alpha * (v - level);
        }
        // Slope of the line through (0..6, y): sum (t - 2.5)(y - 7.333) / 17.5.
        let b = (-2.5 * 4.0 - 1.5 * 6.0 - 0.5 * 5.0 + 0.5 * 9.0 + 1.5 * 8.0 + 2.5 * 12.0) / 17.5;
        let offset = (1.0 - (1.0 - alpha).powi(6)) / alpha;
        let expected: Vec<f64> =
            (0..3).map(|h| level + b / 2.0 * (f64::from(h) + offset)).collect();
        close(&theta.forecast(3), &expected);
    }

    #[test]
    fn a_constant_series_forecasts_the_constant() {
        let theta = ThetaConfig::default().fit(&[5.0; 12]).unwrap();
        close(&theta.forecast(3), &[5.0; 3]);
    }

    #[test]
    fn bad_alphas_and_short_series_are_refused() {
        for alpha in [0.0, 1.5, f64::NAN] {
            let err = ThetaConfig { alpha: Some(alpha) }.fit(&[1.0; 5]).unwrap_err();
            assert!(matches!(err, Error::InvalidConfig { .. }), "{alpha}: {err}");
        }
        let err = ThetaConfig::default().fit(&[1.0, 2.0]).unwrap_err();
        assert!(matches!(err, Error::TooShort { needed: 3, got: 2, .. }), "{err}");
    }
}
