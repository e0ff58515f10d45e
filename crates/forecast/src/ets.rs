//! Exponential smoothing: simple (SES), Holt's linear trend (optionally damped) and
//! Holt-Winters with additive or multiplicative seasonality, in the error-correction form of
//! Hyndman et al., *Forecasting with Exponential Smoothing* (2008), additive errors:
//!
//! ```text
//! forecast  mu = (l + phi b) + s          (additive season)      mu = (l + phi b) s   (multiplicative)
//! error     e  = y - mu
//! level     l' = l + phi b + alpha e                                l' = l + phi b + alpha e / s
//! trend     b' = phi b + beta e                                     b' = phi b + beta e / s
//! season    s' = s + gamma e                                        s' = s + gamma e / (l + phi b)
//! ```
//!
//! Without a trend b = 0; an undamped trend has phi = 1. The parameters are fitted by
//! minimising the in-sample one-step squared error with Nelder-Mead inside the usual region
//! 0 < alpha < 1, 0 < beta < alpha, 0 < gamma < 1 - alpha, 0.8 <= phi <= 0.98. The initial
//! states are not fitted: they come from the first seasons (see `initial_states`).
//!
//! Additive errors only (no ETS(M,*,*) likelihood) and no prediction intervals.

use serde::{Deserialize, Serialize};

use crate::error::{check_finite, check_len, Error, Result};
use crate::model::{Forecast, Forecaster};
use crate::optimize::{minimize, Settings};

/// The trend component.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Trend {
    /// No trend: the level alone (SES, or Holt-Winters without trend).
    None,
    /// Additive linear trend, extrapolated forever (Holt).
    Additive,
    /// Additive trend damped by phi per step, so long-range forecasts level off.
    Damped,
}

/// The seasonal component.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Seasonality {
    /// None.
    None,
    /// Seasonal offsets added to the level; period m.
    Additive {
        /// Season length m.
        period: usize,
    },
    /// Seasonal factors multiplying the level; period m; needs strictly positive data.
    Multiplicative {
        /// Season length m.
        period: usize,
    },
}

impl Seasonality {
    fn period(self) -> Option<usize> {
        match self {
            Seasonality::None => None,
            Seasonality::Additive { period } | Seasonality::Multiplicative { period } => {
                Some(period)
            }
        }
    }
}

/// Smoothing parameters held fixed instead of fitted; `None` fits that parameter.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize)]
pub struct FixedParams {
    /// Level smoothing.
    pub alpha: Option<f64>,
    /// Trend smoothing.
    pub beta: Option<f64>,
    /// Seasonal smoothing.
    pub gamma: Option<f64>,
    /// Damping.
    pub phi: Option<f64>,
}

/// The smoothing parameters of a fitted model (`beta` is 0 without a trend, `gamma` 0 without
/// a season, `phi` 1 unless damped).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Params {
    /// Level smoothing.
    pub alpha: f64,
    /// Trend smoothing.
    pub beta: f64,
    /// Seasonal smoothing.
    pub gamma: f64,
    /// Damping.
    pub phi: f64,
}

/// Exponential smoothing configuration. [`ExpSmoothingConfig::simple`],
/// [`ExpSmoothingConfig::holt`] and [`ExpSmoothingConfig::holt_winters`] build the usual forms.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ExpSmoothingConfig {
    /// The trend component.
    pub trend: Trend,
    /// The seasonal component.
    pub seasonality: Seasonality,
    /// Parameters not to fit.
    #[serde(default)]
    pub fixed: FixedParams,
}

impl ExpSmoothingConfig {
    /// Simple exponential smoothing: a level only.
    pub fn simple() -> Self {
        ExpSmoothingConfig {
            trend: Trend::None,
            seasonality: Seasonality::None,
            fixed: FixedParams::default(),
        }
    }

    /// Holt's linear trend method ([`Trend::Additive`] or [`Trend::Damped`]).
    pub fn holt(trend: Trend) -> Self {
        ExpSmoothingConfig { trend, seasonality: Seasonality::None, fixed: FixedParams::default() }
    }

    /// Holt-Winters: a level, the given trend and a season.
    pub fn holt_winters(trend: Trend, seasonality: Seasonality) -> Self {
        ExpSmoothingConfig { trend, seasonality, fixed: FixedParams::default() }
    }

    /// The fewest observations this form can be fitted on.
    pub fn min_len(&self) -> usize {
        match self.seasonality.period() {
            Some(m) => 2 * m + usize::from(self.trend != Trend::None),
            None => 2 + usize::from(self.trend != Trend::None),
        }
    }

    fn validate(&self) -> Result<()> {
        let invalid = |reason: String| Err(Error::InvalidConfig { model: self.label(), reason });
        if self.seasonality.period() == Some(0) {
            return invalid("the seasonal period must be at least 1".into());
        }
        let f = self.fixed;
        for (name, value, range) in [
            ("alpha", f.alpha, 0.0..=1.0),
            ("beta", f.beta, 0.0..=1.0),
            ("gamma", f.gamma, 0.0..=1.0),
            ("phi", f.phi, 0.0..=1.0),
        ] {
            if let Some(v) = value.filter(|v| !range.contains(v)) {
                return invalid(format!("fixed {name} = {v} is outside [0, 1]"));
            }
        }
        Ok(())
    }

    /// Which parameters are fitted, in the order of the optimiser's variables.
    fn free(&self) -> [bool; 4] {
        let f = self.fixed;
        [
            f.alpha.is_none(),
            self.trend != Trend::None && f.beta.is_none(),
            self.seasonality.period().is_some() && f.gamma.is_none(),
            self.trend == Trend::Damped && f.phi.is_none(),
        ]
    }

    /// Maps the optimiser's unbounded variables into the admissible region.
    fn params(&self, u: &[f64]) -> Params {
        let free = self.free();
        let mut next = u.iter().copied();
        let mut take = |is_free: bool| if is_free { next.next().map(sigmoid) } else { None };
        let f = self.fixed;
        let alpha = take(free[0]).map_or(f.alpha.unwrap_or(0.5), |s| 1e-4 + (1.0 - 2e-4) * s);
        let beta = match self.trend {
            Trend::None => 0.0,
            _ => take(free[1]).map_or(f.beta.unwrap_or(0.0), |s| alpha * s),
        };
        let gamma = match self.seasonality {
            Seasonality::None => 0.0,
            _ => take(free[2]).map_or(f.gamma.unwrap_or(0.0), |s| (1.0 - alpha) * s),
        };
        let phi = match self.trend {
            Trend::Damped => take(free[3]).map_or(f.phi.unwrap_or(0.98), |s| 0.8 + 0.18 * s),
            _ => 1.0,
        };
        Params { alpha, beta, gamma, phi }
    }
}

fn sigmoid(u: f64) -> f64 {
    1.0 / (1.0 + (-u).exp())
}

fn logit(p: f64) -> f64 {
    (p / (1.0 - p)).ln()
}

/// A fitted exponential smoothing model.
#[derive(Debug, Clone, PartialEq)]
pub struct ExpSmoothing {
    /// The form that was fitted.
    pub config: ExpSmoothingConfig,
    /// The fitted (or fixed) parameters.
    pub params: Params,
    /// In-sample sum of squared one-step errors.
    pub sse: f64,
    /// `n ln(sse / n) + 2 k`, k counting the fitted parameters and the initial states.
    pub aic: f64,
    end: States,
    len: usize,
}

/// Level, trend and the seasonal states indexed by time modulo m.
#[derive(Debug, Clone, PartialEq)]
struct States {
    level: f64,
    trend: f64,
    season: Vec<f64>,
}

/// The states before the first observation, from the first seasons:
///
/// * seasonal: up to four whole seasons; the level is the line through their means (flat
///   without a trend) and each seasonal state the average detrended value at that position,
///   normalised to sum 0 (additive) or average 1 (multiplicative);
/// * otherwise: the line (or the mean) through the first ten observations.
///
/// A clean trend-plus-season series gets its exact states, so its errors are all zero.
fn initial_states(config: &ExpSmoothingConfig, y: &[f64]) -> States {
    let trended = config.trend != Trend::None;
    let Some(m) = config.seasonality.period() else {
        let k = y.len().min(10);
        let points: Vec<(f64, f64)> = (0..k).map(|t| (t as f64, y[t])).collect();
        let (mean_t, mean_y, slope) = line(&points, trended);
        return States { level: mean_y - slope * (mean_t + 1.0), trend: slope, season: vec![] };
    };
    let seasons = (y.len() / m).min(4);
    let half = (m as f64 - 1.0) / 2.0;
    let means: Vec<(f64, f64)> = (0..seasons)
        .map(|i| (i as f64 * m as f64 + half, crate::naive::mean(&y[i * m..(i + 1) * m])))
        .collect();
    let (mut mean_t, mut mean_y, mut slope) = line(&means, trended);
    let multiplicative = matches!(config.seasonality, Seasonality::Multiplicative { .. });
    let level_at = |t: f64, mean_t: f64, mean_y: f64, slope: f64| mean_y + slope * (t - mean_t);
    if multiplicative && (0..seasons * m).any(|t| level_at(t as f64, mean_t, mean_y, slope) <= 0.0)
    {
        (mean_t, mean_y, slope) = line(&means, false);
    }
    let mut season: Vec<f64> = (0..m)
        .map(|j| {
            let total: f64 = (0..seasons)
                .map(|i| {
                    let t = i * m + j;
                    let level = level_at(t as f64, mean_t, mean_y, slope);
                    if multiplicative {
                        y[t] / level
                    } else {
                        y[t] - level
                    }
                })
                .sum();
            total / seasons as f64
        })
        .collect();
    let centre = crate::naive::mean(&season);
    for s in &mut season {
        if multiplicative {
            *s /= centre;
        } else {
            *s -= centre;
        }
    }
    States { level: level_at(-1.0, mean_t, mean_y, slope), trend: slope, season }
}

/// Least-squares line through points: (mean x, mean y, slope); slope 0 when not `trended` or
/// when x does not vary.
fn line(points: &[(f64, f64)], trended: bool) -> (f64, f64, f64) {
    let n = points.len() as f64;
    let mean_x = points.iter().map(|p| p.0).sum::<f64>() / n;
    let mean_y = points.iter().map(|p| p.1).sum::<f64>() / n;
    let sxx: f64 = points.iter().map(|p| (p.0 - mean_x).powi(2)).sum();
    let sxy: f64 = points.iter().map(|p| (p.0 - mean_x) * (p.1 - mean_y)).sum();
    let slope = if trended && sxx > 0.0 { sxy / sxx } else { 0.0 };
    (mean_x, mean_y, slope)
}

/// Runs the recursions over `y` from `start`; returns the sum of squared one-step errors and
/// the final states, or infinity when a multiplicative model's level-plus-trend leaves the
/// positive numbers.
fn filter(config: &ExpSmoothingConfig, params: Params, y: &[f64], start: &States) -> (f64, States) {
    let Params { alpha, beta, gamma, phi } = params;
    let multiplicative = matches!(config.seasonality, Seasonality::Multiplicative { .. });
    let m = start.season.len();
    let mut s = start.clone();
    let mut sse = 0.0;
    for (t, &value) in y.iter().enumerate() {
        let base = s.level + phi * s.trend;
        let (mu, level_gain, season_gain) = if m == 0 {
            (base, 1.0, 0.0)
        } else if multiplicative {
            let factor = s.season[t % m];
            if base <= 0.0 || factor <= 0.0 {
                return (f64::INFINITY, s);
            }
            (base * factor, 1.0 / factor, 1.0 / base)
        } else {
            (base + s.season[t % m], 1.0, 1.0)
        };
        let error = value - mu;
        sse += error * error;
        s.level = base + alpha * error * level_gain;
        s.trend = phi * s.trend + beta * error * level_gain;
        if m > 0 {
            s.season[t % m] += gamma * error * season_gain;
        }
    }
    (sse, s)
}

impl Forecaster for ExpSmoothingConfig {
    type Fitted = ExpSmoothing;

    fn label(&self) -> String {
        let trend = match self.trend {
            Trend::None => "",
            Trend::Additive => " trend",
            Trend::Damped => " damped trend",
        };
        match self.seasonality {
            Seasonality::None => match self.trend {
                Trend::None => "SES".to_string(),
                Trend::Additive => "Holt".to_string(),
                Trend::Damped => "Holt damped".to_string(),
            },
            Seasonality::Additive { period } => {
                format!("Holt-Winters{trend} (additive, m={period})")
            }
            Seasonality::Multiplicative { period } => {
                format!("Holt-Winters{trend} (multiplicative, m={period})")
            }
        }
    }

    fn fit(&self, history: &[f64]) -> Result<ExpSmoothing> {
        self.validate()?;
        check_len(
            || self.label(),
            history,
            self.min_len(),
            "seasonal forms need two whole seasons (plus one value with a trend); \
             use a longer history or a non-seasonal form",
        )?;
        check_finite(history)?;
        if let Seasonality::Multiplicative { .. } = self.seasonality {
            if let Some(index) = history.iter().position(|&v| v <= 0.0) {
                return Err(Error::NonPositive {
                    model: self.label(),
                    index,
                    value: history[index],
                });
            }
        }
        let start = initial_states(self, history);
        let objective = |u: &[f64]| filter(self, self.params(u), history, &start).0;

        // A coarse grid of starting points, then Nelder-Mead from the best, restarted once
        // from where it stopped (a simplex can collapse early on a flat ridge).
        let free = self.free();
        let dims = free.iter().filter(|&&f| f).count();
        let mut best: Option<(Vec<f64>, f64)> = None;
        for alpha in [0.05, 0.2, 0.5, 0.8] {
            let point: Vec<f64> = [logit(alpha), logit(0.1), logit(0.1), logit(0.5)]
                .iter()
                .zip(free)
                .filter_map(|(&u, is_free)| is_free.then_some(u))
                .collect();
            let value = objective(&point);
            // NaN never wins; the first point stands in until a finite one is found.
            if best.as_ref().is_none_or(|(_, b)| value < *b) {
                best = Some((point, value));
            }
        }
        let mut best = best.unwrap_or_else(|| (vec![0.0; dims], f64::INFINITY));
        if dims > 0 {
            let settings = Settings { step: 1.0, tolerance: 1e-10, max_evals: 200 * (dims + 1) };
            let first = minimize(objective, &best.0, settings);
            let second = minimize(objective, &first.0, Settings { step: 0.5, ..settings });
            best = if second.1 <= first.1 { second } else { first };
        }
        let params = self.params(&best.0);
        let (sse, end) = filter(self, params, history, &start);
        if !sse.is_finite() {
            return Err(Error::InvalidConfig {
                model: self.label(),
                reason: "no admissible parameters keep the level positive; \
                         use additive seasonality"
                    .into(),
            });
        }
        let n = history.len() as f64;
        let states = 1
            + usize::from(self.trend != Trend::None)
            + self.seasonality.period().map_or(0, |m| m - 1);
        let k = (dims + states) as f64;
        let aic = n * (sse / n).max(f64::MIN_POSITIVE).ln() + 2.0 * k;
        tracing::debug!(model = %self.label(), ?params, sse, aic, "exponential smoothing fitted");
        Ok(ExpSmoothing { config: self.clone(), params, sse, aic, end, len: history.len() })
    }
}

impl Forecast for ExpSmoothing {
    fn forecast(&self, horizon: usize) -> Vec<f64> {
        let Params { phi, .. } = self.params;
        let States { level, trend, season } = &self.end;
        let m = season.len();
        let multiplicative = matches!(self.config.seasonality, Seasonality::Multiplicative { .. });
        let mut damped_sum = 0.0;
        let mut power = 1.0;
        (0..horizon)
            .map(|h| {
                power *= phi;
                damped_sum += power;
                let base = level + damped_sum * trend;
                match m {
                    0 => base,
                    _ if multiplicative => base * season[(self.len + h) % m],
                    _ => base + season[(self.len + h) % m],
                }
            })
            .collect()
    }
}

/// Automatic exponential smoothing: fits every trend (none, additive, damped) with every
/// allowed season and keeps the lowest AIC, all on the history alone.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EtsSelectConfig {
    /// Season length to try, if any (forms without a season are always tried).
    pub period: Option<usize>,
    /// Also try multiplicative seasonality (skipped for series with a zero or negative value).
    pub multiplicative: bool,
    /// Also try the undamped additive trend, which extrapolates without limit.
    pub undamped_trend: bool,
}

impl EtsSelectConfig {
    /// The forms that will be tried, in order.
    pub fn candidates(&self) -> Vec<ExpSmoothingConfig> {
        let mut seasons = vec![Seasonality::None];
        if let Some(period) = self.period {
            seasons.push(Seasonality::Additive { period });
            if self.multiplicative {
                seasons.push(Seasonality::Multiplicative { period });
            }
        }
        let mut trends = vec![Trend::None, Trend::Damped];
        if self.undamped_trend {
            trends.push(Trend::Additive);
        }
        seasons
            .iter()
            .flat_map(|&s| trends.iter().map(move |&t| ExpSmoothingConfig::holt_winters(t, s)))
            .collect()
    }
}

impl Forecaster for EtsSelectConfig {
    type Fitted = ExpSmoothing;

    fn label(&self) -> String {
        match self.period {
            Some(m) => format!("ETS by AIC (m={m})"),
            None => "ETS by AIC".to_string(),
        }
    }

    fn fit(&self, history: &[f64]) -> Result<ExpSmoothing> {
        let mut best: Option<ExpSmoothing> = None;
        let mut first_error = None;
        for candidate in self.candidates() {
            match candidate.fit(history) {
                Ok(fitted) if best.as_ref().is_none_or(|b| fitted.aic < b.aic) => {
                    best = Some(fitted)
                }
                Ok(_) | Err(Error::NonPositive { .. }) => {}
                Err(e) => {
                    first_error.get_or_insert(e);
                }
            }
        }
        match (best, first_error) {
            (Some(best), _) => Ok(best),
            (None, Some(e)) => Err(e),
            (None, None) => Err(Error::InvalidConfig {
                model: self.label(),
                reason: "no candidate form could be fitted".into(),
            }),
        }
    }
}

#[cfg(test)]
mod tests;
