//! Rolling-origin evaluation of one model on one series: at each origin the model is refitted
//! on the values before the origin alone, forecasts the next `horizon` values, and is scored on
//! them with MASE and sMAPE ([`crate::metrics`]).
//!
//! The model is handed a slice that ends at the origin, so it cannot see the test window or
//! anything after it; the MASE scale, too, is computed on that slice. Many models over many
//! series is [`crate::evaluate`]; this file scores one pair.

use serde::{Deserialize, Serialize};

use crate::error::{check_finite, Error, Result};
use crate::metrics::{mase, smape};
use crate::model::{Forecast, Forecaster};

/// Where the forecast origins fall and how the forecasts are scored.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct BacktestConfig {
    /// Steps forecast from each origin.
    pub horizon: usize,
    /// The first origin: the number of values the first fit sees.
    pub first_origin: usize,
    /// Steps between consecutive origins.
    pub step: usize,
    /// The seasonal period m of the MASE scale (1 scales by the naive forecast).
    pub scale_period: usize,
}

impl BacktestConfig {
    /// Checks every setting is usable on its own.
    pub fn validate(&self) -> Result<()> {
        let invalid = |reason: &str| {
            Err(Error::InvalidConfig { model: "backtest".into(), reason: reason.into() })
        };
        if self.horizon == 0 {
            return invalid("the horizon must be at least 1 step");
        }
        if self.step == 0 {
            return invalid("the step between origins must be at least 1");
        }
        if self.scale_period == 0 {
            return invalid("the MASE scale period must be at least 1 (1 is the naive scale)");
        }
        if self.first_origin <= self.scale_period {
            return invalid(
                "the first origin must leave more history than the MASE scale period, \
                 so the scale has at least one pair of values to compare",
            );
        }
        Ok(())
    }

    /// The origins for a series of `len` values: `first_origin`, then every `step`, as long as
    /// a whole horizon follows.
    pub fn origins(&self, len: usize) -> Result<Vec<usize>> {
        self.validate()?;
        let origins: Vec<usize> = (self.first_origin..)
            .step_by(self.step)
            .take_while(|origin| origin + self.horizon <= len)
            .collect();
        if origins.is_empty() {
            return Err(Error::NoOrigins {
                len,
                first_origin: self.first_origin,
                horizon: self.horizon,
            });
        }
        Ok(origins)
    }
}

/// One origin's forecast and its scores.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OriginForecast {
    /// The number of values the model was fitted on; the forecast starts at this index.
    pub origin: usize,
    /// The forecasts for `origin..origin + horizon`.
    pub forecast: Vec<f64>,
    /// MASE of this window.
    pub mase: f64,
    /// sMAPE of this window, in percent.
    pub smape: f64,
}

/// A model's rolling-origin scores on one series.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SeriesBacktest {
    /// Every origin, in order.
    pub origins: Vec<OriginForecast>,
    /// The mean of the origins' MASE.
    pub mase: f64,
    /// The mean of the origins' sMAPE.
    pub smape: f64,
}

/// Refits `model` at every origin of `config` on `series` and scores its forecasts.
///
/// Fails on an empty or non-finite series, a plan without origins, a fit the model refuses at
/// some origin, or a zero MASE scale ([`Error::ZeroScale`]) at some origin.
pub fn backtest<F: Forecaster>(
    model: &F,
    series: &[f64],
    config: &BacktestConfig,
) -> Result<SeriesBacktest> {
    if series.is_empty() {
        return Err(Error::EmptySeries { model: format!("backtest of {}", model.label()) });
    }
    check_finite(series)?;
    let origins = config.origins(series.len())?;
    let mut scored = Vec::with_capacity(origins.len());
    for origin in origins {
        let history = &series[..origin];
        let actual = &series[origin..origin + config.horizon];
        let forecast = model.fit(history)?.forecast(config.horizon);
        let mase = mase(actual, &forecast, history, config.scale_period)?;
        let smape = smape(actual, &forecast)?;
        scored.push(OriginForecast { origin, forecast, mase, smape });
    }
    let count = scored.len() as f64;
    let mase = scored.iter().map(|o| o.mase).sum::<f64>() / count;
    let smape = scored.iter().map(|o| o.smape).sum::<f64>() / count;
    Ok(SeriesBacktest { origins: scored, mase, smape })
}

#[cfg(test)]
mod tests {
    use std::cell::RefCell;

    use super::*;
    use crate::ar::{ArConfig, ArOrder};
    use crate::combine::CombineConfig;
    use crate::croston::CrostonConfig;
    use crate::ets::{ExpSmoothingConfig, Seasonality, Trend};
    use crate::model::ModelSpec;
    use crate::naive::{MovingAverageConfig, SeasonalNaiveConfig, Window};
    use crate::select::SelectConfig;
    use crate::testdata::Gaussian;
    use crate::theta::ThetaConfig;

    fn plan(
        horizon: usize,
        first_origin: usize,
        step: usize,
        scale_period: usize,
    ) -> BacktestConfig {
        BacktestConfig { horizon, first_origin, step, scale_period }
    }

    #[test]
    fn origins_step_until_the_last_whole_horizon() {
        assert_eq!(plan(4, 30, 1, 1).origins(52).unwrap(), (30..=48).collect::<Vec<_>>());
        assert_eq!(plan(3, 5, 2, 1).origins(12).unwrap(), vec![5, 7, 9]);
        assert_eq!(
            plan(4, 30, 1, 1).origins(33).unwrap_err(),
            Error::NoOrigins { len: 33, first_origin: 30, horizon: 4 }
        );
        for bad in [plan(0, 5, 1, 1), plan(1, 5, 0, 1), plan(1, 5, 1, 0), plan(1, 7, 1, 7)] {
            assert!(matches!(bad.origins(20), Err(Error::InvalidConfig { .. })), "{bad:?}");
        }
    }

    #[test]
    fn seasonal_naive_reproduces_a_pure_seasonal_series_exactly() {
        let pattern = [5.0, 9.0, 2.0, 0.0, 7.0, 3.0, 1.0];
        let series: Vec<f64> = (0..70).map(|t| pattern[t % 7]).collect();
        let model = SeasonalNaiveConfig { period: 7 };
        // Scaled with m = 1 (with m = 7 the scale of this series would be zero).
        let result = backtest(&model, &series, &plan(14, 21, 3, 1)).unwrap();
        assert_eq!(result.mase, 0.0);
        assert_eq!(result.smape, 0.0);
        for origin in &result.origins {
            assert_eq!(origin.forecast, series[origin.origin..origin.origin + 14]);
        }
        let err = backtest(&model, &series, &plan(14, 21, 3, 7)).unwrap_err();
        assert_eq!(err, Error::ZeroScale { origin: 21, period: 7 });
    }

    #[test]
    fn naive_mase_averages_the_origins() {
        // On y = t the naive forecast over h steps has MASE (h + 1) / 2 at every origin.
        let line: Vec<f64> = (0..40).map(f64::from).collect();
        let result = backtest(&ModelSpec::naive(), &line, &plan(3, 10, 5, 1)).unwrap();
        assert_eq!(result.origins.len(), 6);
        assert!((result.mase - 2.0).abs() < 1e-12, "{}", result.mase);
    }

    #[test]
    fn bad_series_are_refused() {
        let model = ModelSpec::naive();
        let config = plan(2, 3, 1, 1);
        assert!(matches!(backtest(&model, &[], &config), Err(Error::EmptySeries { .. })));
        let with_nan = [1.0, 2.0, f64::NAN, 4.0, 5.0, 6.0];
        assert!(matches!(
            backtest(&model, &with_nan, &config),
            Err(Error::NonFinite { index: 2, .. })
        ));
        assert!(matches!(backtest(&model, &[0.0; 10], &config), Err(Error::ZeroScale { .. })));
        let short = [1.0, 2.0, 3.0, 4.0];
        assert!(matches!(backtest(&model, &short, &config), Err(Error::NoOrigins { .. })));
    }

    /// A model that remembers the longest history it was ever fitted on.
    struct Spy(RefCell<Vec<usize>>);

    impl Forecaster for Spy {
        type Fitted = crate::naive::SeasonalNaive;

        fn label(&self) -> String {
            "spy".into()
        }

        fn fit(&self, history: &[f64]) -> Result<Self::Fitted> {
            self.0.borrow_mut().push(history.len());
            SeasonalNaiveConfig { period: 1 }.fit(history)
        }
    }

    #[test]
    fn each_fit_sees_exactly_the_history_before_its_origin() {
        let spy = Spy(RefCell::new(Vec::new()));
        let series: Vec<f64> = (0..30).map(f64::from).collect();
        backtest(&spy, &series, &plan(4, 10, 3, 1)).unwrap();
        assert_eq!(spy.0.into_inner(), vec![10, 13, 16, 19, 22, 25]);
    }

    fn every_model() -> Vec<ModelSpec> {
        let candidates = vec![
            ModelSpec::naive(),
            MovingAverageConfig { window: Window::Select { max: 6 } }.into(),
            ArConfig { order: ArOrder::Aic { max: 4 }, differences: 0 }.into(),
        ];
        vec![
            SeasonalNaiveConfig { period: 7 }.into(),
            MovingAverageConfig { window: Window::Select { max: 6 } }.into(),
            ArConfig { order: ArOrder::Aic { max: 4 }, differences: 1 }.into(),
            ExpSmoothingConfig::simple().into(),
            ExpSmoothingConfig::holt(Trend::Damped).into(),
            ExpSmoothingConfig::holt_winters(Trend::None, Seasonality::Additive { period: 7 })
                .into(),
            ModelSpec::from(SelectConfig { candidates, horizon: 5, windows: 3, step: 2 })
                .non_negative(),
            ThetaConfig::default().into(),
            CrostonConfig::sba().into(),
            ModelSpec::from(CombineConfig::ses_damped_theta()).winsorized(),
            SelectConfig::demand(5).into(),
        ]
    }

    #[test]
    fn poisoned_future_values_change_no_forecast() {
        let mut noise = Gaussian::new(17);
        let series: Vec<f64> =
            (0..80).map(|t| 30.0 + 5.0 * ((t % 7) as f64) + 2.0 * noise.next()).collect();
        let config = plan(5, 40, 4, 7);
        for model in every_model() {
            let clean = backtest(&model, &series, &config).unwrap();
            for scored in &clean.origins {
                // Everything from this origin on, its own test window included, is garbage:
                // the forecast made at the origin must not move (its score will).
                let mut poisoned = series.clone();
                for value in &mut poisoned[scored.origin..] {
                    *value = 1e9;
                }
                let dirty = backtest(&model, &poisoned, &config).unwrap();
                let same = dirty.origins.iter().find(|o| o.origin == scored.origin).unwrap();
                assert_eq!(
                    same.forecast,
                    scored.forecast,
                    "{} at {}",
                    model.label(),
                    scored.origin
                );
                assert_ne!(same.mase, scored.mase);
            }
        }
    }
}
