//! Outlier handling before fitting: a Hampel filter that winsorizes each value of the history at
//! a robust bound around its neighbours.
//!
//! Weekly totals of a wholesaler hold one-off orders many times a normal week (one Online
//! Retail order was 74,215 storage jars). Every smoothing model would carry such a week into
//! its level for months. For each value, the filter takes the median `med` and the median
//! absolute deviation `mad` of the values within `half_window` steps on either side (itself
//! included; fewer at the ends) and clips the value into
//! `med ± threshold × 1.4826 × mad` (1.4826 makes the MAD estimate a normal standard deviation).
//! A window whose MAD is zero (mostly equal values, such as an intermittent series' zeros)
//! clips nothing, so a rare sale is never erased.
//!
//! Only the history a model is fitted on is cleaned; forecasts are of the real series and the
//! MASE scale in a backtest is computed on the raw history.

use serde::{Deserialize, Serialize};

use crate::error::{check_finite, Error, Result};

/// Scales a MAD to a normal distribution's standard deviation.
const MAD_TO_SIGMA: f64 = 1.4826;

/// The Hampel filter's settings.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct WinsorizeConfig {
    /// Neighbours on each side that make up a value's window.
    pub half_window: usize,
    /// How many robust standard deviations from the window's median a value may lie.
    pub threshold: f64,
}

impl Default for WinsorizeConfig {
    /// The usual Hampel settings: seven values wide, three standard deviations.
    fn default() -> Self {
        WinsorizeConfig { half_window: 3, threshold: 3.0 }
    }
}

impl WinsorizeConfig {
    /// Checks the settings.
    pub fn validate(&self) -> Result<()> {
        if self.half_window == 0 || !(self.threshold > 0.0 && self.threshold.is_finite()) {
            return Err(Error::InvalidConfig {
                model: "winsorize".into(),
                reason: format!(
                    "half_window = {} and threshold = {} must both be above 0 (and the \
                     threshold finite)",
                    self.half_window, self.threshold
                ),
            });
        }
        Ok(())
    }

    /// `series` with every value clipped into its window's robust bound. Each window is read
    /// from the original values, so one clipped value does not move its neighbours' bounds.
    pub fn apply(&self, series: &[f64]) -> Result<Vec<f64>> {
        self.validate()?;
        // Infinite values would make the bound NaN; refuse them as every model does.
        check_finite(series)?;
        let mut window = Vec::with_capacity(2 * self.half_window + 1);
        let cleaned = (0..series.len())
            .map(|t| {
                let from = t.saturating_sub(self.half_window);
                let to = (t + self.half_window + 1).min(series.len());
                window.clear();
                window.extend_from_slice(&series[from..to]);
                let centre = median(&mut window);
                for v in &mut window {
                    *v = (*v - centre).abs();
                }
                let spread = self.threshold * MAD_TO_SIGMA * median(&mut window);
                if spread > 0.0 {
                    series[t].clamp(centre - spread, centre + spread)
                } else {
                    series[t]
                }
            })
            .collect();
        Ok(cleaned)
    }
}

/// The median (mean of the middle two for an even count); reorders `values`.
fn median(values: &mut [f64]) -> f64 {
    values.sort_by(f64::total_cmp);
    let n = values.len();
    match n {
        0 => 0.0,
        _ if n % 2 == 1 => values[n / 2],
        _ => (values[n / 2 - 1] + values[n / 2]) / 2.0,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_one_off_spike_is_clipped_to_its_neighbours_bound() {
        let mut series = vec![10.0, 12.0, 11.0, 9.0, 10.0, 11.0, 12.0, 10.0, 9.0, 11.0];
        series[5] = 500.0;
        let cleaned = WinsorizeConfig::default().apply(&series).unwrap();
        // Window of index 5: 11, 9, 10, 500, 12, 10, 9 -> median 10, deviations
        // 1, 1, 0, 490, 2, 0, 1 -> MAD 1, bound 10 + 3 * 1.4826.
        assert!((cleaned[5] - (10.0 + 3.0 * MAD_TO_SIGMA)).abs() < 1e-12, "{cleaned:?}");
        for t in (0..10).filter(|&t| t != 5) {
            assert_eq!(cleaned[t], series[t], "index {t}");
        }
    }

    #[test]
    fn ordinary_noise_and_zero_mad_windows_are_left_alone() {
        let noise = [10.0, 13.0, 8.0, 11.0, 9.0, 12.0, 10.0, 7.0, 12.0];
        assert_eq!(WinsorizeConfig::default().apply(&noise).unwrap(), noise);
        // An intermittent series: the windows' MAD is 0, so its sales stay.
        let sparse = [0.0, 0.0, 0.0, 5.0, 0.0, 0.0, 0.0, 0.0, 2.0, 0.0];
        assert_eq!(WinsorizeConfig::default().apply(&sparse).unwrap(), sparse);
    }

    #[test]
    fn settings_are_checked() {
        for bad in [
            WinsorizeConfig { half_window: 0, threshold: 3.0 },
            WinsorizeConfig { half_window: 3, threshold: 0.0 },
            WinsorizeConfig { half_window: 3, threshold: f64::NAN },
        ] {
            assert!(matches!(bad.apply(&[1.0]), Err(Error::InvalidConfig { .. })), "{bad:?}");
        }
        assert!(WinsorizeConfig::default().apply(&[]).unwrap().is_empty());
    }
}
