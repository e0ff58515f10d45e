//! Intermittent demand: Croston's method (1972) and the Syntetos-Boylan approximation (SBA,
//! 2005), for series where most periods sell nothing (a slow item's days or weeks).
//!
//! Croston smooths two things separately, and only in periods with demand: the size of a
//! non-zero demand `z` and the number of periods between two non-zero demands `p`, both with
//! the same `alpha`. The forecast is the demand per period, `z / p`, flat over the horizon.
//! Croston's ratio is biased upwards (the mean of a ratio is not the ratio of the means); SBA
//! multiplies it by `1 - alpha / 2`, which removes most of that bias.
//!
//! Initial states: `z` is the first non-zero demand and `p` the number of periods up to and
//! including it (the usual convention, as if a demand happened just before the history began).
//! `alpha` is fixed (0.1 by default, the value in the literature's comparisons) rather than
//! fitted: with few non-zero demands an optimised alpha chases noise.

use serde::{Deserialize, Serialize};

use crate::error::{check_finite, check_len, Error, Result};
use crate::model::{Forecast, Forecaster};

/// Which ratio to forecast.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CrostonVariant {
    /// `z / p`, as Croston proposed.
    Classic,
    /// `(1 - alpha / 2) z / p` (Syntetos and Boylan).
    Sba,
}

/// Croston's method configuration.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct CrostonConfig {
    /// Smoothing of both the demand sizes and the intervals, in (0, 1].
    pub alpha: f64,
    /// Classic Croston or SBA.
    pub variant: CrostonVariant,
}

impl CrostonConfig {
    /// SBA with alpha = 0.1.
    pub fn sba() -> Self {
        CrostonConfig { alpha: 0.1, variant: CrostonVariant::Sba }
    }

    /// Classic Croston with alpha = 0.1.
    pub fn classic() -> Self {
        CrostonConfig { alpha: 0.1, variant: CrostonVariant::Classic }
    }
}

/// A fitted Croston model: the smoothed demand size and interval at the end of the history.
#[derive(Debug, Clone, PartialEq)]
pub struct Croston {
    /// Smoothed size of a non-zero demand (0 when the history has none).
    pub size: f64,
    /// Smoothed number of periods between non-zero demands.
    pub interval: f64,
    /// The flat forecast per period.
    pub rate: f64,
}

impl Forecaster for CrostonConfig {
    type Fitted = Croston;

    fn label(&self) -> String {
        match self.variant {
            CrostonVariant::Classic => "Croston".to_string(),
            CrostonVariant::Sba => "Croston SBA".to_string(),
        }
    }

    fn fit(&self, history: &[f64]) -> Result<Croston> {
        if !(self.alpha > 0.0 && self.alpha <= 1.0) {
            return Err(Error::InvalidConfig {
                model: self.label(),
                reason: format!("alpha = {} is outside (0, 1]", self.alpha),
            });
        }
        check_len(|| self.label(), history, 1, "give at least one observation")?;
        check_finite(history)?;
        if let Some(index) = history.iter().position(|&v| v < 0.0) {
            return Err(Error::InvalidConfig {
                model: self.label(),
                reason: format!(
                    "value {} at index {index} is negative; Croston models demand, which is \
                     at least 0",
                    history[index]
                ),
            });
        }
        let mut demands = history.iter().enumerate().filter(|(_, &v)| v > 0.0);
        let Some((first, &first_size)) = demands.next() else {
            // Nothing ever sold: the honest forecast is nothing.
            return Ok(Croston { size: 0.0, interval: f64::INFINITY, rate: 0.0 });
        };
        let (mut size, mut interval, mut last) = (first_size, (first + 1) as f64, first);
        for (t, &v) in demands {
            size += self.alpha * (v - size);
            interval += self.alpha * ((t - last) as f64 - interval);
            last = t;
        }
        let correction = match self.variant {
            CrostonVariant::Classic => 1.0,
            CrostonVariant::Sba => 1.0 - self.alpha / 2.0,
        };
        Ok(Croston { size, interval, rate: correction * size / interval })
    }
}

impl Forecast for Croston {
    fn forecast(&self, horizon: usize) -> Vec<f64> {
        vec![self.rate; horizon]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn regular_demand_every_third_period_forecasts_a_third_of_it() {
        // 6 units every third period, the first at index 2: z = 6 and p = 3 from the start,
        // and smoothing equal values changes nothing.
        let history: Vec<f64> = (0..30).map(|t| if t % 3 == 2 { 6.0 } else { 0.0 }).collect();
        let classic = CrostonConfig::classic().fit(&history).unwrap();
        assert_eq!((classic.size, classic.interval), (6.0, 3.0));
        assert_eq!(classic.forecast(3), vec![2.0; 3]);
        let sba = CrostonConfig::sba().fit(&history).unwrap();
        assert!((sba.rate - 2.0 * 0.95).abs() < 1e-12, "{}", sba.rate);
    }

    #[test]
    fn updates_only_in_periods_with_demand() {
        // Demands 4 at t = 1, 10 at t = 2, 1 at t = 6; alpha = 0.5.
        // Start: z = 4, p = 2. t = 2: z = 7, p = 2 + 0.5 (1 - 2) = 1.5.
        // t = 6: z = 4, p = 1.5 + 0.5 (4 - 1.5) = 2.75. Trailing zeros change nothing.
        let history = [0.0, 4.0, 10.0, 0.0, 0.0, 0.0, 1.0, 0.0, 0.0];
        let config = CrostonConfig { alpha: 0.5, variant: CrostonVariant::Classic };
        let fitted = config.fit(&history).unwrap();
        assert_eq!((fitted.size, fitted.interval), (4.0, 2.75));
        assert!((fitted.rate - 4.0 / 2.75).abs() < 1e-12);
        let sba = CrostonConfig { variant: CrostonVariant::Sba, ..config }.fit(&history).unwrap();
        assert!((sba.rate - 0.75 * 4.0 / 2.75).abs() < 1e-12);
    }

    #[test]
    fn no_demand_forecasts_zero_and_bad_input_is_refused() {
        assert_eq!(CrostonConfig::sba().fit(&[0.0; 5]).unwrap().forecast(2), vec![0.0; 2]);
        assert!(matches!(CrostonConfig::sba().fit(&[]), Err(Error::EmptySeries { .. })));
        let negative = CrostonConfig::sba().fit(&[1.0, -2.0]);
        assert!(matches!(negative, Err(Error::InvalidConfig { .. })), "{negative:?}");
        let zero_alpha = CrostonConfig { alpha: 0.0, ..CrostonConfig::sba() }.fit(&[1.0]);
        assert!(matches!(zero_alpha, Err(Error::InvalidConfig { .. })));
    }
}
