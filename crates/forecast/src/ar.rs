//! Autoregression AR(p) with an intercept, fitted by ordinary least squares on the lagged
//! series, optionally after differencing it d times (an ARI(p, d) model); the order is fixed
//! or chosen by AIC on the history alone.
//!
//! For AIC every candidate order is fitted on the same observations (those after the largest
//! order), so the criteria compare like with like; the chosen order is then refitted on every
//! observation it can use. Forecasts run the recursion forward on their own predictions and,
//! for a differenced model, add the forecast changes back onto the last observed values.
//!
//! No moving-average terms and no seasonal lags beyond what a long enough p can express.

use serde::{Deserialize, Serialize};

use crate::error::{check_finite, check_len, Error, Result};
use crate::model::{Forecast, Forecaster};

/// How the order p is set.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ArOrder {
    /// Exactly p lags (0 is the mean).
    Fixed(usize),
    /// The p in 0..=max with the lowest AIC.
    Aic {
        /// The largest order tried.
        max: usize,
    },
}

/// AR(p) configuration.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ArConfig {
    /// The order, fixed or chosen.
    pub order: ArOrder,
    /// How many times the series is differenced before the autoregression is fitted: 0 models
    /// the levels, 1 the week-to-week (or day-to-day) changes of a series that wanders.
    #[serde(default)]
    pub differences: usize,
}

/// Differencing more than twice only amplifies noise in demand data.
const MAX_DIFFERENCES: usize = 2;

/// A fitted AR(p) on the d-times differenced series w:
/// `w[t] = intercept + sum_i coefficients[i] * w[t-1-i] + e[t]`.
#[derive(Debug, Clone, PartialEq)]
pub struct Ar {
    /// The intercept c.
    pub intercept: f64,
    /// phi_1..phi_p, for lags 1..p.
    pub coefficients: Vec<f64>,
    /// Residual variance: the residual sum of squares over the fitted observations divided by
    /// their number.
    pub sigma2: f64,
    /// AIC of the chosen order on the common sample: `n ln(rss / n) + 2 (p + 1)`.
    pub aic: f64,
    /// The last p values of the differenced series, oldest first.
    tail: Vec<f64>,
    /// The last value of the series differenced 0, 1, .. d-1 times: where the integration of
    /// forecast changes starts.
    anchors: Vec<f64>,
}

impl Ar {
    /// The order p.
    pub fn order(&self) -> usize {
        self.coefficients.len()
    }
}

/// The series differenced `d` times, and the last value at each level before the last
/// differencing (empty when `d` is 0).
fn difference(series: &[f64], d: usize) -> (Vec<f64>, Vec<f64>) {
    let mut level = series.to_vec();
    let mut anchors = Vec::with_capacity(d);
    for _ in 0..d {
        anchors.push(level.last().copied().unwrap_or(0.0));
        level = level.windows(2).map(|pair| pair[1] - pair[0]).collect();
    }
    (level, anchors)
}
impl Forecaster for ArConfig {
    type Fitted = Ar;

    fn label(&self) -> String {
        let order = match self.order {
            ArOrder::Fixed(p) => format!("AR({p})"),
            ArOrder::Aic { max } => format!("AR(p<={max}, AIC)"),
        };
        match self.differences {
            0 => order,
            d => format!("{order} on differences (d={d})"),
        }
    }

    fn fit(&self, history: &[f64]) -> Result<Ar> {
        if self.differences > MAX_DIFFERENCES {
            return Err(Error::InvalidConfig {
                model: self.label(),
                reason: format!("differences must be 0 to {MAX_DIFFERENCES}"),
            });
        }
        let (orders, max) = match self.order {
            ArOrder::Fixed(p) => (p..=p, p),
            ArOrder::Aic { max } => (0..=max, max),
        };
        check_len(
            || self.label(),
            history,
            2 * max + 2 + self.differences,
            "an order p needs 2p + 2 observations, plus one per difference; lower the order",
        )?;
        check_finite(history)?;
        let (series, anchors) = difference(history, self.differences);
        let history = series.as_slice();
        let mut best: Option<(f64, usize)> = None;
        for p in orders {
            let (_, _, rss) = least_squares(history, p, max);
            let n = (history.len() - max) as f64;
            let aic = n * (rss / n).max(f64::MIN_POSITIVE).ln() + 2.0 * (p as f64 + 1.0);
            if best.is_none_or(|(b, _)| aic < b) {
                best = Some((aic, p));
            }
        }
        let Some((aic, p)) = best else {
            return Err(Error::InvalidConfig { model: self.label(), reason: "no order".into() });
        };
        let (intercept, coefficients, rss) = least_squares(history, p, p);
        let sigma2 = rss / (history.len() - p) as f64;
        tracing::debug!(order = p, aic, "AR fitted");
        let tail = history[history.len() - p..].to_vec();
        Ok(Ar { intercept, coefficients, sigma2, aic, tail, anchors })
    }
}

/// OLS of `y[t]` on an intercept and `y[t-1..=t-p]` over `t` in `start..n`: returns the
/// intercept, the lag coefficients and the residual sum of squares.
///
/// Centering every column by its mean removes the intercept from the normal equations; a tiny
/// ridge keeps a constant series solvable (its coefficients come out zero, its intercept the
/// constant).
fn least_squares(y: &[f64], p: usize, start: usize) -> (f64, Vec<f64>, f64) {
    let rows = start..y.len();
    let n = rows.len() as f64;
    let lag_mean = |lag: usize| rows.clone().map(|t| y[t - lag]).sum::<f64>() / n;
    let y_mean = lag_mean(0);
    let means: Vec<f64> = (1..=p).map(lag_mean).collect();
    let mut xtx = vec![0.0; p * p];
    let mut xty = vec![0.0; p];
    for t in rows.clone() {
        let target = y[t] - y_mean;
        for i in 0..p {
            let xi = y[t - 1 - i] - means[i];
            xty[i] += xi * target;
            for j in 0..=i {
                xtx[i * p + j] += xi * (y[t - 1 - j] - means[j]);
            }
        }
    }
    for i in 0..p {
        for j in 0..i {
            xtx[j * p + i] = xtx[i * p + j];
        }
    }
    let coefficients = solve_spd(&mut xtx, &xty, p);
    let intercept = y_mean - coefficients.iter().zip(&means).map(|(c, m)| c * m).sum::<f64>();
    let rss = rows
        .map(|t| {
            let fit: f64 = intercept + (0..p).map(|i| coefficients[i] * y[t - 1 - i]).sum::<f64>();
            (y[t] - fit).powi(2)
        })
        .sum();
    (intercept, coefficients, rss)
}

/// Solves `a x = b` for a symmetric positive semi-definite `a` (row-major n x n) by Cholesky,
/// adding a ridge of 1e-10 times the mean diagonal (at least 1e-300) so it cannot fail.
fn solve_spd(a: &mut [f64], b: &[f64], n: usize) -> Vec<f64> {
    let trace: f64 = (0..n).map(|i| a[i * n + i]).sum();
    let ridge = (1e-10 * trace / n.max(1) as f64).max(1e-300);
    for i in 0..n {
        a[i * n + i] += ridge;
    }
    // In place: the lower triangle becomes L with a = L L'.
    for j in 0..n {
        let mut d = a[j * n + j];
        for k in 0..j {
            d -= a[j * n + k] * a[j * n + k];
        }
        let d = d.max(ridge).sqrt();
        a[j * n + j] = d;
        for i in j + 1..n {
            let mut s = a[i * n + j];
            for k in 0..j {
                s -= a[i * n + k] * a[j * n + k];
            }
            a[i * n + j] = s / d;
        }
    }
    let mut z = vec![0.0; n];
    for i in 0..n {
        let s: f64 = (0..i).map(|k| a[i * n + k] * z[k]).sum();
        z[i] = (b[i] - s) / a[i * n + i];
    }
    let mut x = vec![0.0; n];
    for i in (0..n).rev() {
        let s: f64 = (i + 1..n).map(|k| a[k * n + i] * x[k]).sum();
        x[i] = (z[i] - s) / a[i * n + i];
    }
    x
}

impl Forecast for Ar {
    fn forecast(&self, horizon: usize) -> Vec<f64> {
        let p = self.order();
        let mut values = self.tail.clone();
        for _ in 0..horizon {
            let len = values.len();
            let next = self.intercept
                + (0..p).map(|i| self.coefficients[i] * values[len - 1 - i]).sum::<f64>();
            values.push(next);
        }
        let mut forecast = values.split_off(p);
        // Undo the differencing innermost first: each level is the running sum of the changes
        // forecast for it, starting from its last observed value.
        for &anchor in self.anchors.iter().rev() {
            let mut level = anchor;
            for value in &mut forecast {
                level += *value;
                *value = level;
            }
        }
        forecast
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testdata::Gaussian;

    fn simulate_ar2(n: usize, seed: u64) -> Vec<f64> {
        let mut noise = Gaussian::new(seed);
        let mut y = vec![5.0, 5.0];
        for t in 2..n + 100 {
            let next = 2.0 + 0.6 * y[t - 1] - 0.2 * y[t - 2] + noise.next();
            y.push(next);
        }
        y.split_off(100)
    }

    #[test]
    fn recovers_a_simulated_ar2() {
        let y = simulate_ar2(3000, 7);
        let fitted = ArConfig { order: ArOrder::Fixed(2), differences: 0 }.fit(&y).unwrap();
        assert!((fitted.coefficients[0] - 0.6).abs() < 0.05, "{:?}", fitted.coefficients);
        assert!((fitted.coefficients[1] + 0.2).abs() < 0.05, "{:?}", fitted.coefficients);
        // Mean of the process: 2 / (1 - 0.6 + 0.2) = 3.33; the intercept follows the slopes.
        assert!((fitted.intercept - 2.0).abs() < 0.25, "{}", fitted.intercept);
        assert!((fitted.sigma2 - 1.0).abs() < 0.1, "{}", fitted.sigma2);

        let chosen = ArConfig { order: ArOrder::Aic { max: 8 }, differences: 0 }.fit(&y).unwrap();
        assert!((2..=4).contains(&chosen.order()), "AIC chose {}", chosen.order());
        // Far ahead, forecasts settle at the process mean.
        let far = chosen.forecast(200)[199];
        assert!((far - 2.0 / 0.6).abs() < 0.15, "{far}");
    }

    #[test]
    fn forecast_runs_the_recursion() {
        let fitted = Ar {
            intercept: 1.0,
            coefficients: vec![0.5, 0.25],
            sigma2: 0.0,
            aic: 0.0,
            tail: vec![4.0, 8.0],
            anchors: vec![],
        };
        // 1 + 0.5*8 + 0.25*4 = 6; 1 + 0.5*6 + 0.25*8 = 6.
        assert_eq!(fitted.forecast(2), vec![6.0, 6.0]);
    }

    #[test]
    fn a_constant_series_forecasts_the_constant() {
        let fitted =
            ArConfig { order: ArOrder::Aic { max: 3 }, differences: 0 }.fit(&[4.0; 20]).unwrap();
        for v in fitted.forecast(5) {
            assert!((v - 4.0).abs() < 1e-9, "{v}");
        }
    }

    #[test]
    fn a_short_series_is_refused_with_the_needed_length() {
        let err =
            ArConfig { order: ArOrder::Aic { max: 4 }, differences: 0 }.fit(&[1.0; 9]).unwrap_err();
        assert_eq!(
            err.to_string(),
            "AR(p<=4, AIC) needs at least 10 observations, got 9; \
             an order p needs 2p + 2 observations, plus one per difference; lower the order"
        );
        assert!(ArConfig { order: ArOrder::Fixed(0), differences: 0 }.fit(&[1.0, 3.0]).is_ok());
    }

    #[test]
    fn recovers_phi_of_a_simulated_ar1() {
        for (phi, seed) in [(0.7, 1), (-0.4, 2), (0.95, 3)] {
            let mut noise = Gaussian::new(seed);
            let mut y = vec![0.0];
            for t in 1..2100 {
                let next = 10.0 * (1.0 - phi) + phi * y[t - 1] + noise.next();
                y.push(next);
            }
            let y = y.split_off(100);
            let fitted = ArConfig { order: ArOrder::Fixed(1), differences: 0 }.fit(&y).unwrap();
            let estimate = fitted.coefficients[0];
            assert!((estimate - phi).abs() < 0.04, "phi {phi}: estimated {estimate}");
        }
    }

    #[test]
    fn a_differenced_model_continues_a_drifting_walk() {
        // A straight line with slope 3 has constant changes: AR(0) on differences forecasts the
        // slope, and integrating it continues the line.
        let line: Vec<f64> = (0..30).map(|t| 5.0 + 3.0 * f64::from(t)).collect();
        let config = ArConfig { order: ArOrder::Aic { max: 2 }, differences: 1 };
        assert_eq!(config.label(), "AR(p<=2, AIC) on differences (d=1)");
        let forecast = config.fit(&line).unwrap().forecast(3);
        for (h, value) in forecast.iter().enumerate() {
            let expected = 5.0 + 3.0 * (30 + h) as f64;
            assert!((value - expected).abs() < 1e-6, "step {h}: {value} vs {expected}");
        }
        // Twice differenced, a parabola is a constant.
        let parabola: Vec<f64> = (0..30).map(|t| f64::from(t * t)).collect();
        let twice = ArConfig { order: ArOrder::Fixed(0), differences: 2 }.fit(&parabola).unwrap();
        assert!((twice.forecast(2)[1] - 31.0 * 31.0).abs() < 1e-6);
        let too_many = ArConfig { order: ArOrder::Fixed(0), differences: 3 }.fit(&parabola);
        assert!(matches!(too_many, Err(Error::InvalidConfig { .. })));
    }

    #[test]
    fn empty_and_non_finite_series_are_refused() {
        let config = ArConfig { order: ArOrder::Fixed(1), differences: 0 };
        assert!(matches!(config.fit(&[]), Err(Error::EmptySeries { .. })));
        let mut y = vec![1.0; 10];
        y[4] = f64::NAN;
        assert!(matches!(config.fit(&y), Err(Error::NonFinite { index: 4, .. })));
    }
}
