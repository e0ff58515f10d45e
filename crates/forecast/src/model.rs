//! The convention every model follows: a config ([`Forecaster`]) fits on a history and returns
//! a fitted model ([`Forecast`]) that forecasts any horizon. [`ModelSpec`] names any model as
//! data (serde), so a product can store which model a series uses.
//!
//! A model sees only the history it is handed; nothing here knows about calendars, keys or
//! backtests.

use serde::{Deserialize, Serialize};

use crate::ar::{Ar, ArConfig};
use crate::combine::{CombineConfig, Combined};
use crate::croston::{Croston, CrostonConfig};
use crate::error::Result;
use crate::ets::{EtsSelectConfig, ExpSmoothing, ExpSmoothingConfig};
use crate::naive::{MovingAverage, MovingAverageConfig, SeasonalNaive, SeasonalNaiveConfig};
use crate::robust::WinsorizeConfig;
use crate::select::{SelectConfig, Selected};
use crate::theta::{Theta, ThetaConfig};

/// A model's configuration: what can be fitted on a history.
pub trait Forecaster {
    /// The fitted model.
    type Fitted: Forecast;

    /// A short human label, e.g. `Holt-Winters (additive, m=7)`.
    fn label(&self) -> String;

    /// Fits on `history` (oldest first). Fails on an empty, too-short or non-finite series or
    /// an invalid configuration.
    fn fit(&self, history: &[f64]) -> Result<Self::Fitted>;
}

/// A fitted model.
pub trait Forecast {
    /// The next `horizon` values after the history it was fitted on.
    fn forecast(&self, horizon: usize) -> Vec<f64>;
}

/// Any model of this crate, as data.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "model", rename_all = "snake_case")]
pub enum ModelSpec {
    /// [`SeasonalNaiveConfig`]; period 1 is the naive (last value) forecast.
    SeasonalNaive(SeasonalNaiveConfig),
    /// [`MovingAverageConfig`].
    MovingAverage(MovingAverageConfig),
    /// [`ArConfig`].
    Ar(ArConfig),
    /// [`ExpSmoothingConfig`]: SES, Holt, damped Holt, Holt-Winters.
    ExpSmoothing(ExpSmoothingConfig),
    /// [`EtsSelectConfig`]: the exponential smoothing form with the lowest AIC.
    EtsSelect(EtsSelectConfig),
    /// [`ThetaConfig`]: SES with drift (the Theta method).
    Theta(ThetaConfig),
    /// [`CrostonConfig`]: Croston or SBA for intermittent demand.
    Croston(CrostonConfig),
    /// [`CombineConfig`]: the equal-weight mean of several models' forecasts.
    Combine(CombineConfig),
    /// [`SelectConfig`]: the candidate with the least error on validation windows at the end
    /// of the history.
    BestOnValidation(SelectConfig),
    /// The inner model with forecasts below zero raised to zero, as demand cannot be negative.
    NonNegative {
        /// The model whose forecasts are clamped.
        inner: Box<ModelSpec>,
    },
    /// The inner model fitted on the history with outliers clipped ([`WinsorizeConfig`]).
    Winsorized {
        /// The model fitted on the cleaned history.
        inner: Box<ModelSpec>,
        /// The Hampel filter's settings.
        bound: WinsorizeConfig,
    },
}

impl ModelSpec {
    /// The naive forecast: the last value, repeated.
    pub fn naive() -> ModelSpec {
        ModelSpec::SeasonalNaive(SeasonalNaiveConfig { period: 1 })
    }

    /// This model with its forecasts clamped at zero.
    pub fn non_negative(self) -> ModelSpec {
        ModelSpec::NonNegative { inner: Box::new(self) }
    }

    /// This model fitted on a history winsorized with the default Hampel filter.
    pub fn winsorized(self) -> ModelSpec {
        ModelSpec::Winsorized { inner: Box::new(self), bound: WinsorizeConfig::default() }
    }
}

impl From<SeasonalNaiveConfig> for ModelSpec {
    fn from(config: SeasonalNaiveConfig) -> Self {
        ModelSpec::SeasonalNaive(config)
    }
}

impl From<MovingAverageConfig> for ModelSpec {
    fn from(config: MovingAverageConfig) -> Self {
        ModelSpec::MovingAverage(config)
    }
}

impl From<ArConfig> for ModelSpec {
    fn from(config: ArConfig) -> Self {
        ModelSpec::Ar(config)
    }
}

impl From<ExpSmoothingConfig> for ModelSpec {
    fn from(config: ExpSmoothingConfig) -> Self {
        ModelSpec::ExpSmoothing(config)
    }
}

impl From<EtsSelectConfig> for ModelSpec {
    fn from(config: EtsSelectConfig) -> Self {
        ModelSpec::EtsSelect(config)
    }
}

impl From<ThetaConfig> for ModelSpec {
    fn from(config: ThetaConfig) -> Self {
        ModelSpec::Theta(config)
    }
}

impl From<CrostonConfig> for ModelSpec {
    fn from(config: CrostonConfig) -> Self {
        ModelSpec::Croston(config)
    }
}

impl From<CombineConfig> for ModelSpec {
    fn from(config: CombineConfig) -> Self {
        ModelSpec::Combine(config)
    }
}

impl From<SelectConfig> for ModelSpec {
    fn from(config: SelectConfig) -> Self {
        ModelSpec::BestOnValidation(config)
    }
}

/// A fitted [`ModelSpec`].
#[derive(Debug, Clone, PartialEq)]
pub enum FittedModel {
    /// A fitted seasonal naive model.
    SeasonalNaive(SeasonalNaive),
    /// A fitted moving average.
    MovingAverage(MovingAverage),
    /// A fitted autoregression.
    Ar(Ar),
    /// A fitted exponential smoothing model (also what [`ModelSpec::EtsSelect`] fits).
    ExpSmoothing(ExpSmoothing),
    /// A fitted Theta model.
    Theta(Theta),
    /// A fitted Croston model.
    Croston(Croston),
    /// Fitted members of a combination.
    Combined(Combined),
    /// The candidate chosen on validation windows, refitted on the whole history.
    Selected(Selected),
    /// A fitted model whose forecasts are clamped at zero.
    NonNegative(Box<FittedModel>),
    /// A model fitted on a winsorized history; it forecasts as the inner model does.
    Winsorized(Box<FittedModel>),
}

impl Forecaster for ModelSpec {
    type Fitted = FittedModel;

    fn label(&self) -> String {
        match self {
            ModelSpec::SeasonalNaive(c) => c.label(),
            ModelSpec::MovingAverage(c) => c.label(),
            ModelSpec::Ar(c) => c.label(),
            ModelSpec::ExpSmoothing(c) => c.label(),
            ModelSpec::EtsSelect(c) => c.label(),
            ModelSpec::Theta(c) => c.label(),
            ModelSpec::Croston(c) => c.label(),
            ModelSpec::Combine(c) => c.label(),
            ModelSpec::BestOnValidation(c) => c.label(),
            // Clamping is a policy applied to every model of an evaluation, so it does not
            // rename the model.
            ModelSpec::NonNegative { inner } => inner.label(),
            ModelSpec::Winsorized { inner, .. } => format!("{}, winsorized", inner.label()),
        }
    }

    fn fit(&self, history: &[f64]) -> Result<FittedModel> {
        Ok(match self {
            ModelSpec::SeasonalNaive(c) => FittedModel::SeasonalNaive(c.fit(history)?),
            ModelSpec::MovingAverage(c) => FittedModel::MovingAverage(c.fit(history)?),
            ModelSpec::Ar(c) => FittedModel::Ar(c.fit(history)?),
            ModelSpec::ExpSmoothing(c) => FittedModel::ExpSmoothing(c.fit(history)?),
            ModelSpec::EtsSelect(c) => FittedModel::ExpSmoothing(c.fit(history)?),
            ModelSpec::Theta(c) => FittedModel::Theta(c.fit(history)?),
            ModelSpec::Croston(c) => FittedModel::Croston(c.fit(history)?),
            ModelSpec::Combine(c) => FittedModel::Combined(c.fit(history)?),
            ModelSpec::BestOnValidation(c) => FittedModel::Selected(c.fit(history)?),
            ModelSpec::NonNegative { inner } => {
                FittedModel::NonNegative(Box::new(inner.fit(history)?))
            }
            ModelSpec::Winsorized { inner, bound } => {
                FittedModel::Winsorized(Box::new(inner.fit(&bound.apply(history)?)?))
            }
        })
    }
}

impl Forecast for FittedModel {
    fn forecast(&self, horizon: usize) -> Vec<f64> {
        match self {
            FittedModel::SeasonalNaive(m) => m.forecast(horizon),
            FittedModel::MovingAverage(m) => m.forecast(horizon),
            FittedModel::Ar(m) => m.forecast(horizon),
            FittedModel::ExpSmoothing(m) => m.forecast(horizon),
            FittedModel::Theta(m) => m.forecast(horizon),
            FittedModel::Croston(m) => m.forecast(horizon),
            FittedModel::Combined(m) => m.forecast(horizon),
            FittedModel::Selected(m) => m.forecast(horizon),
            FittedModel::Winsorized(m) => m.forecast(horizon),
            FittedModel::NonNegative(m) => {
                m.forecast(horizon).into_iter().map(|v| v.max(0.0)).collect()
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ar::ArOrder;
    use crate::ets::Trend;
    use crate::naive::Window;

    #[test]
    fn non_negative_clamps_a_falling_trend_at_zero() {
        let falling: Vec<f64> = (0..20).map(|t| 20.0 - f64::from(t)).collect();
        let holt = ModelSpec::from(ExpSmoothingConfig::holt(Trend::Additive));
        let raw = holt.fit(&falling).unwrap().forecast(5);
        assert!(raw[4] < 0.0, "{raw:?}");
        let clamped = holt.clone().non_negative();
        assert_eq!(clamped.label(), holt.label());
        let forecast = clamped.fit(&falling).unwrap().forecast(5);
        assert_eq!(forecast, raw.iter().map(|v| v.max(0.0)).collect::<Vec<_>>());
    }

    #[test]
    fn a_winsorized_model_fits_the_cleaned_history() {
        // 10, 11, 12, 10, ... with a one-off 1000 at index 10.
        let history: Vec<f64> =
            (0..12).map(|t| if t == 10 { 1000.0 } else { 10.0 + f64::from(t % 3) }).collect();
        let average = ModelSpec::from(MovingAverageConfig { window: Window::Fixed(4) });
        let raw = average.fit(&history).unwrap().forecast(1)[0];
        assert!((raw - (12.0 + 10.0 + 1000.0 + 12.0) / 4.0).abs() < 1e-9, "{raw}");
        // The spike's window 11, 12, 10, 1000, 12 has median 12 and MAD 1: it is clipped to
        // 12 + 3 * 1.4826, and the mean of the last four follows.
        let clean = average.winsorized();
        assert_eq!(clean.label(), "moving average (4), winsorized");
        let forecast = clean.fit(&history).unwrap().forecast(1)[0];
        let expected = (12.0 + 10.0 + (12.0 + 3.0 * 1.4826) + 12.0) / 4.0;
        assert!((forecast - expected).abs() < 1e-9, "{forecast}");
    }

    #[test]
    fn specs_round_trip_through_json() {
        let specs = vec![
            ModelSpec::naive(),
            MovingAverageConfig { window: Window::Select { max: 8 } }.into(),
            ArConfig { order: ArOrder::Aic { max: 4 }, differences: 1 }.into(),
            ExpSmoothingConfig::holt(Trend::Damped).into(),
            ModelSpec::from(ExpSmoothingConfig::simple()).non_negative(),
            ThetaConfig { alpha: Some(0.3) }.into(),
            CrostonConfig::sba().into(),
            ModelSpec::from(CombineConfig::ses_damped_theta()).winsorized(),
        ];
        for spec in specs {
            let json = serde_json::to_string(&spec).unwrap();
            let back: ModelSpec = serde_json::from_str(&json).unwrap();
            assert_eq!(back, spec, "{json}");
        }
    }
}
