//! "Auto": choose, per series, the candidate model that forecast best on validation windows at
//! the end of the history, then refit it on the whole history.
//!
//! The validation windows are the last `windows` stretches of `horizon` values of the history
//! handed to [`Forecaster::fit`], `step` apart, each forecast by a candidate fitted on the values
//! before it. So inside a backtest, the choice at each origin uses only values before that
//! origin; it never sees the test window.
//!
//! Candidates are ranked by their total absolute error over the validation windows. That is the
//! ranking by validation MASE when every window is scaled by the same in-sample seasonal naive
//! error (the scale would divide every candidate's error alike), and it stays defined when that
//! scale is zero. A candidate that cannot be fitted on a validation history (too short, zeros
//! for a multiplicative season) is left out; ties go to the earlier candidate.

use serde::{Deserialize, Serialize};

use crate::combine::CombineConfig;
use crate::croston::CrostonConfig;
use crate::error::{check_finite, check_len, Error, Result};
use crate::ets::{ExpSmoothingConfig, Trend};
use crate::model::{FittedModel, Forecast, Forecaster, ModelSpec};
use crate::naive::{MovingAverageConfig, Window};
use crate::theta::ThetaConfig;

/// Selection among candidate models by their error on validation windows.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SelectConfig {
    /// The models to choose from, in order of preference on ties.
    pub candidates: Vec<ModelSpec>,
    /// Values forecast in each validation window (usually the backtest's horizon).
    pub horizon: usize,
    /// How many validation windows.
    pub windows: usize,
    /// Steps between the validation windows' origins.
    pub step: usize,
}

/// The chosen candidate, refitted on the whole history.
#[derive(Debug, Clone, PartialEq)]
pub struct Selected {
    /// Its position among the candidates.
    pub index: usize,
    /// Its label.
    pub label: String,
    /// Its total absolute error over the validation windows.
    pub validation_error: f64,
    model: Box<FittedModel>,
}

impl SelectConfig {
    /// The crate's recommended chooser for a shop's daily or weekly demand, on the last four
    /// one-step-apart windows of `horizon` values: naive, and on a winsorized history
    /// ([`crate::robust`]) the moving average of 4, SES, damped Holt, Theta, the combination
    /// of SES, damped Holt and Theta, and Croston SBA for series that rarely sell. Products
    /// that use this list gain every model added to it.
    pub fn demand(horizon: usize) -> SelectConfig {
        let candidates = vec![
            ModelSpec::naive(),
            ModelSpec::from(MovingAverageConfig { window: Window::Fixed(4) }).winsorized(),
            ModelSpec::from(ExpSmoothingConfig::simple()).winsorized(),
            ModelSpec::from(ExpSmoothingConfig::holt(Trend::Damped)).winsorized(),
            ModelSpec::from(ThetaConfig::default()).winsorized(),
            ModelSpec::from(CombineConfig::ses_damped_theta()).winsorized(),
            CrostonConfig::sba().into(),
        ];
        SelectConfig { candidates, horizon, windows: 4, step: 1 }
    }

    fn validate(&self) -> Result<()> {
        let invalid =
            |reason: &str| Err(Error::InvalidConfig { model: self.label(), reason: reason.into() });
        if self.candidates.is_empty() {
            return invalid("give at least one candidate model");
        }
        if self.horizon == 0 || self.windows == 0 || self.step == 0 {
            return invalid("horizon, windows and step must each be at least 1");
        }
        Ok(())
    }

    /// The validation origins for a history of `len` values, latest first.
    fn origins(&self, len: usize) -> impl Iterator<Item = usize> + '_ {
        (0..self.windows).map(move |i| len - self.horizon - i * self.step)
    }

    /// A candidate's total absolute error over the validation windows.
    fn validation_error(&self, candidate: &ModelSpec, history: &[f64]) -> Result<f64> {
        let mut total = 0.0;
        for origin in self.origins(history.len()) {
            let forecast = candidate.fit(&history[..origin])?.forecast(self.horizon);
            let actual = &history[origin..origin + self.horizon];
            total += actual.iter().zip(&forecast).map(|(a, f)| (a - f).abs()).sum::<f64>();
        }
        Ok(total)
    }
}

impl Forecaster for SelectConfig {
    type Fitted = Selected;

    fn label(&self) -> String {
        format!("auto (best of {} on validation)", self.candidates.len())
    }

    fn fit(&self, history: &[f64]) -> Result<Selected> {
        self.validate()?;
        // The earliest validation origin must leave at least one value to fit on.
        let needed = self.horizon + (self.windows - 1) * self.step + 1;
        check_len(
            || self.label(),
            history,
            needed,
            "the validation windows need a longer history; use fewer or shorter windows",
        )?;
        check_finite(history)?;
        let mut ranked: Vec<(f64, usize)> = Vec::with_capacity(self.candidates.len());
        let mut first_error = None;
        for (index, candidate) in self.candidates.iter().enumerate() {
            match self.validation_error(candidate, history) {
                Ok(error) if error.is_finite() => ranked.push((error, index)),
                Ok(_) => {}
                Err(e) => {
                    first_error.get_or_insert(e);
                }
            }
        }
        // A stable sort keeps candidate order among equal errors.
        ranked.sort_by(|a, b| a.0.total_cmp(&b.0));
        // The best candidate on validation almost always fits the longer history too; if it
        // does not, the next best is the honest choice.
        for (validation_error, index) in ranked {
            let candidate = &self.candidates[index];
            match candidate.fit(history) {
                Ok(model) => {
                    tracing::debug!(chosen = %candidate.label(), validation_error, "auto model");
                    return Ok(Selected {
                        index,
                        label: candidate.label(),
                        validation_error,
                        model: Box::new(model),
                    });
                }
                Err(e) => {
                    first_error.get_or_insert(e);
                }
            }
        }
        Err(first_error.unwrap_or_else(|| Error::InvalidConfig {
            model: self.label(),
            reason: "no candidate produced finite validation forecasts".into(),
        }))
    }
}

impl Forecast for Selected {
    fn forecast(&self, horizon: usize) -> Vec<f64> {
        self.model.forecast(horizon)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ets::{ExpSmoothingConfig, Seasonality, Trend};
    use crate::naive::{MovingAverageConfig, SeasonalNaiveConfig, Window};

    fn config(candidates: Vec<ModelSpec>) -> SelectConfig {
        SelectConfig { candidates, horizon: 4, windows: 3, step: 2 }
    }

    #[test]
    fn picks_the_seasonal_model_for_a_seasonal_series_and_the_trend_for_a_line() {
        let candidates = vec![
            ModelSpec::naive(),
            SeasonalNaiveConfig { period: 5 }.into(),
            ExpSmoothingConfig::holt(Trend::Additive).into(),
        ];
        let seasonal: Vec<f64> = (0..40).map(|t| [3.0, 8.0, 1.0, 4.0, 6.0][t % 5]).collect();
        let chosen = config(candidates.clone()).fit(&seasonal).unwrap();
        assert_eq!((chosen.index, chosen.validation_error), (1, 0.0));
        assert_eq!(chosen.forecast(5), vec![3.0, 8.0, 1.0, 4.0, 6.0]);

        let line: Vec<f64> = (0..40).map(|t| 2.0 * f64::from(t)).collect();
        assert_eq!(config(candidates).fit(&line).unwrap().label, "Holt");
    }

    #[test]
    fn candidates_that_cannot_fit_are_left_out() {
        let with_zero: Vec<f64> = (0..30).map(|t| f64::from(t % 3)).collect();
        let candidates = vec![
            ExpSmoothingConfig::holt_winters(
                Trend::None,
                Seasonality::Multiplicative { period: 3 },
            )
            .into(),
            MovingAverageConfig { window: Window::Fixed(3) }.into(),
        ];
        let chosen = config(candidates.clone()).fit(&with_zero).unwrap();
        assert_eq!(chosen.index, 1);
        // Only the failing candidate: its refusal is the answer.
        let err = config(candidates[..1].to_vec()).fit(&with_zero).unwrap_err();
        assert!(matches!(err, Error::NonPositive { .. }), "{err}");
    }

    #[test]
    fn the_demand_chooser_fits_the_shortest_history_a_product_allows() {
        // Eight periods plus the horizon: the earliest validation fit sees five values.
        for horizon in [1, 4, 12] {
            let history: Vec<f64> = (0..8 + horizon).map(|t| 20.0 + (t % 3) as f64).collect();
            let chosen = SelectConfig::demand(horizon).fit(&history).unwrap();
            assert_eq!(chosen.forecast(horizon).len(), horizon);
        }
        // A series that sells once in a while is answered too, whichever model wins.
        let sparse: Vec<f64> = (0..30).map(|t| if t % 5 == 0 { 3.0 } else { 0.0 }).collect();
        let forecast = SelectConfig::demand(4).fit(&sparse).unwrap().forecast(4);
        assert!(forecast.iter().all(|v| v.is_finite()), "{forecast:?}");
    }

    #[test]
    fn bad_configs_and_short_histories_are_refused() {
        assert!(matches!(config(vec![]).fit(&[1.0; 20]), Err(Error::InvalidConfig { .. })));
        let windowless = SelectConfig { windows: 0, ..config(vec![ModelSpec::naive()]) };
        assert!(matches!(windowless.fit(&[1.0; 20]), Err(Error::InvalidConfig { .. })));
        // 4 + 2 * 2 + 1 = 9 values needed.
        let err = config(vec![ModelSpec::naive()]).fit(&[1.0; 8]).unwrap_err();
        assert!(matches!(err, Error::TooShort { needed: 9, got: 8, .. }), "{err}");
        assert!(matches!(
            config(vec![ModelSpec::naive()]).fit(&[]),
            Err(Error::EmptySeries { .. })
        ));
    }
}
