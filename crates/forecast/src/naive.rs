//! The baselines: seasonal naive (repeat the last season; period 1 is "last value") and the
//! moving average (the mean of the last `window` values, flat over the horizon).
//!
//! They model no trend and no noise; they are what every other model has to beat.

use serde::{Deserialize, Serialize};

use crate::error::{check_finite, check_len, Error, Result};
use crate::model::{Forecast, Forecaster};

/// Seasonal naive: the forecast for step `h` is the value one season before it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SeasonalNaiveConfig {
    /// Season length m (7 for day-of-week in daily data; 1 for the naive forecast).
    pub period: usize,
}

/// A fitted seasonal naive model: the last season of the history.
#[derive(Debug, Clone, PartialEq)]
pub struct SeasonalNaive {
    last_season: Vec<f64>,
}

impl Forecaster for SeasonalNaiveConfig {
    type Fitted = SeasonalNaive;

    fn label(&self) -> String {
        match self.period {
            1 => "naive".to_string(),
            m => format!("seasonal naive (m={m})"),
        }
    }

    fn fit(&self, history: &[f64]) -> Result<SeasonalNaive> {
        if self.period == 0 {
            return Err(Error::InvalidConfig {
                model: self.label(),
                reason: "the period must be at least 1 (1 is the naive forecast)".into(),
            });
        }
        check_len(|| self.label(), history, self.period, "give at least one full season")?;
        check_finite(history)?;
        Ok(SeasonalNaive { last_season: history[history.len() - self.period..].to_vec() })
    }
}

impl Forecast for SeasonalNaive {
    fn forecast(&self, horizon: usize) -> Vec<f64> {
        (0..horizon).map(|h| self.last_season[h % self.last_season.len()]).collect()
    }
}

/// How many values the moving average covers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Window {
    /// Exactly this many.
    Fixed(usize),
    /// The window from 1 to `max` with the lowest in-sample one-step squared error.
    Select {
        /// The longest window tried.
        max: usize,
    },
}

/// Moving average: the mean of the last values, forecast flat.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MovingAverageConfig {
    /// The window.
    pub window: Window,
}

/// A fitted moving average.
#[derive(Debug, Clone, PartialEq)]
pub struct MovingAverage {
    /// The window used (chosen, when the config asked for selection).
    pub window: usize,
    /// The mean of the last `window` values.
    pub level: f64,
}

impl Forecaster for MovingAverageConfig {
    type Fitted = MovingAverage;

    fn label(&self) -> String {
        match self.window {
            Window::Fixed(w) => format!("moving average ({w})"),
            Window::Select { max } => format!("moving average (window 1..{max} by fit)"),
        }
    }

    fn fit(&self, history: &[f64]) -> Result<MovingAverage> {
        let (Window::Fixed(longest) | Window::Select { max: longest }) = self.window;
        if longest == 0 {
            return Err(Error::InvalidConfig {
                model: self.label(),
                reason: "the window must be at least 1".into(),
            });
        }
        let window = match self.window {
            Window::Fixed(w) => {
                check_len(|| self.label(), history, w, "shorten the window")?;
                w
            }
            Window::Select { max } => {
                check_len(|| self.label(), history, max + 1, "shorten the longest window")?;
                best_window(history, max)
            }
        };
        check_finite(history)?;
        Ok(MovingAverage { window, level: mean(&history[history.len() - window..]) })
    }
}

/// The window with the least one-step squared error, every window judged on the same steps
/// (those with `max` values before them); ties go to the shorter window.
fn best_window(history: &[f64], max: usize) -> usize {
    let mut best = (f64::INFINITY, 1);
    for window in 1..=max {
        let sse: f64 = (max..history.len())
            .map(|t| (history[t] - mean(&history[t - window..t])).powi(2))
            .sum();
        if sse < best.0 {
            best = (sse, window);
        }
    }
    best.1
}

impl Forecast for MovingAverage {
    fn forecast(&self, horizon: usize) -> Vec<f64> {
        vec![self.level; horizon]
    }
}

pub(crate) fn mean(values: &[f64]) -> f64 {
    values.iter().sum::<f64>() / values.len() as f64
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seasonal_naive_repeats_the_last_season() {
        let history = [9.0, 9.0, 1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0];
        let fitted = SeasonalNaiveConfig { period: 3 }.fit(&history).unwrap();
        assert_eq!(fitted.forecast(7), vec![5.0, 6.0, 7.0, 5.0, 6.0, 7.0, 5.0]);
        let naive = SeasonalNaiveConfig { period: 1 }.fit(&history).unwrap();
        assert_eq!(naive.forecast(3), vec![7.0; 3]);
        assert!(fitted.forecast(0).is_empty());
    }

    #[test]
    fn seasonal_naive_rejects_a_short_series_and_period_zero() {
        let err = SeasonalNaiveConfig { period: 7 }.fit(&[1.0; 6]).unwrap_err();
        assert_eq!(
            err.to_string(),
            "seasonal naive (m=7) needs at least 7 observations, got 6; give at least one full season"
        );
        assert!(matches!(
            SeasonalNaiveConfig { period: 0 }.fit(&[1.0]),
            Err(Error::InvalidConfig { .. })
        ));
        assert!(matches!(
            SeasonalNaiveConfig { period: 1 }.fit(&[1.0, f64::NAN]),
            Err(Error::NonFinite { index: 1, .. })
        ));
    }

    #[test]
    fn moving_average_of_a_constant_is_the_constant() {
        for window in [Window::Fixed(1), Window::Fixed(4), Window::Select { max: 5 }] {
            let fitted = MovingAverageConfig { window }.fit(&[3.5; 10]).unwrap();
            assert_eq!(fitted.forecast(3), vec![3.5; 3], "{window:?}");
        }
    }

    #[test]
    fn moving_average_means_the_last_window() {
        let fitted =
            MovingAverageConfig { window: Window::Fixed(2) }.fit(&[100.0, 1.0, 3.0]).unwrap();
        assert_eq!(fitted.forecast(2), vec![2.0, 2.0]);
        let err = MovingAverageConfig { window: Window::Fixed(4) }.fit(&[1.0; 3]).unwrap_err();
        assert!(matches!(err, Error::TooShort { needed: 4, got: 3, .. }), "{err}");
    }

    #[test]
    fn window_selection_prefers_long_windows_for_noise_and_short_for_a_random_walk() {
        // Alternating noise around a constant: averaging two or more cancels it.
        let noise: Vec<f64> = (0..40).map(|t| 10.0 + if t % 2 == 0 { 1.0 } else { -1.0 }).collect();
        let fitted = MovingAverageConfig { window: Window::Select { max: 6 } }.fit(&noise).unwrap();
        assert_eq!(fitted.window % 2, 0);
        // A straight line: the last value is the best flat forecast.
        let line: Vec<f64> = (0..40).map(f64::from).collect();
        let fitted = MovingAverageConfig { window: Window::Select { max: 6 } }.fit(&line).unwrap();
        assert_eq!(fitted.window, 1);
    }
}
