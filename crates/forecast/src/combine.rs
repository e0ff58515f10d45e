//! Forecast combination: the equal-weight mean of several models' forecasts, each model fitted
//! on the same history.
//!
//! Averaging methods whose errors are not perfectly correlated cancels part of each one's error;
//! in the M3 and M4 competitions the "Comb" benchmark (the mean of SES, Holt and damped Holt on
//! seasonally adjusted data) beat each of its members, and equal weights beat weights estimated
//! from short histories. [`CombineConfig::ses_damped_theta`] is the combination this crate
//! recommends for short, trending demand series; [`CombineConfig::m4_comb`] is the M4
//! benchmark's membership.

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::ets::{ExpSmoothingConfig, Trend};
use crate::model::{FittedModel, Forecast, Forecaster, ModelSpec};
use crate::theta::ThetaConfig;

/// The models whose forecasts are averaged.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CombineConfig {
    /// The members; every one must fit for the combination to fit.
    pub members: Vec<ModelSpec>,
}

impl CombineConfig {
    /// The mean of SES, damped Holt and Theta.
    pub fn ses_damped_theta() -> Self {
        CombineConfig {
            members: vec![
                ExpSmoothingConfig::simple().into(),
                ExpSmoothingConfig::holt(Trend::Damped).into(),
                ThetaConfig::default().into(),
            ],
        }
    }

    /// The M4 competition's "Comb" membership: SES, Holt and damped Holt (the competition also
    /// adjusted seasonal series first; this does not).
    pub fn m4_comb() -> Self {
        CombineConfig {
            members: vec![
                ExpSmoothingConfig::simple().into(),
                ExpSmoothingConfig::holt(Trend::Additive).into(),
                ExpSmoothingConfig::holt(Trend::Damped).into(),
            ],
        }
    }
}

/// The fitted members.
#[derive(Debug, Clone, PartialEq)]
pub struct Combined {
    members: Vec<FittedModel>,
}

impl Forecaster for CombineConfig {
    type Fitted = Combined;

    fn label(&self) -> String {
        let names: Vec<String> = self.members.iter().map(Forecaster::label).collect();
        format!("Comb ({})", names.join(", "))
    }

    fn fit(&self, history: &[f64]) -> Result<Combined> {
        if self.members.is_empty() {
            return Err(Error::InvalidConfig {
                model: self.label(),
                reason: "give at least one member model".into(),
            });
        }
        // A member that cannot fit fails the whole combination: a mean over fewer members
        // would be a different model under the same name.
        let members = self.members.iter().map(|m| m.fit(history)).collect::<Result<_>>()?;
        Ok(Combined { members })
    }
}

impl Forecast for Combined {
    fn forecast(&self, horizon: usize) -> Vec<f64> {
        let mut total = vec![0.0; horizon];
        for member in &self.members {
            for (sum, value) in total.iter_mut().zip(member.forecast(horizon)) {
                *sum += value;
            }
        }
        let count = self.members.len() as f64;
        total.into_iter().map(|sum| sum / count).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::naive::{MovingAverageConfig, SeasonalNaiveConfig, Window};

    #[test]
    fn averages_the_members_step_by_step() {
        let history = [1.0, 5.0, 3.0, 2.0, 8.0, 6.0];
        let config = CombineConfig {
            members: vec![
                ModelSpec::naive(),
                SeasonalNaiveConfig { period: 2 }.into(),
                MovingAverageConfig { window: Window::Fixed(3) }.into(),
            ],
        };
        // naive 6, 6; seasonal naive 8, 6; MA(3) 16 / 3.
        let expected = [(6.0 + 8.0 + 16.0 / 3.0) / 3.0, (6.0 + 6.0 + 16.0 / 3.0) / 3.0];
        let forecast = config.fit(&history).unwrap().forecast(2);
        for (f, e) in forecast.iter().zip(expected) {
            assert!((f - e).abs() < 1e-12, "{forecast:?}");
        }
        assert_eq!(
            config.label(),
            "Comb (naive, seasonal naive (m=2), moving average (3))".to_string()
        );
    }

    #[test]
    fn the_comb_of_a_constant_is_the_constant() {
        for config in [CombineConfig::ses_damped_theta(), CombineConfig::m4_comb()] {
            for v in config.fit(&[4.0; 15]).unwrap().forecast(5) {
                assert!((v - 4.0).abs() < 1e-9, "{}: {v}", config.label());
            }
        }
    }

    #[test]
    fn a_member_that_cannot_fit_fails_the_combination() {
        let config = CombineConfig {
            members: vec![ModelSpec::naive(), SeasonalNaiveConfig { period: 5 }.into()],
        };
        assert!(matches!(config.fit(&[1.0; 4]), Err(Error::TooShort { needed: 5, .. })));
        let empty = CombineConfig { members: vec![] };
        assert!(matches!(empty.fit(&[1.0; 4]), Err(Error::InvalidConfig { .. })));
    }
}
