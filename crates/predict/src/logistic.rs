//! L2-regularised logistic regression on standardised dense features, fitted by Newton's
//! method with a backtracking line search.
//!
//! Each feature is standardised with its training mean and standard deviation; a missing value
//! becomes the mean (standardised 0), and a constant or all-missing feature is always 0, so it
//! gets no weight. The penalty `l2 / 2 · ‖w‖²` is added to the summed log-loss (the intercept is
//! not penalised), which makes `l2` the inverse of scikit-learn's `C`. Newton's method costs
//! `O(n d²)` per step and converges in a handful of steps, which suits up to a few hundred
//! features.
//!
//! Reasons are exact: a feature's contribution is its coefficient times its standardised value,
//! and the intercept is the bias.

use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::dataset::Dataset;
use crate::model::{self, exact, sealed, Classifier};
use crate::{Error, Result};

/// How to train a [`LogisticRegression`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct LogisticConfig {
    /// L2 penalty on the (standardised) coefficients, ≥ 0; the inverse of scikit-learn's `C`.
    pub l2: f64,
    /// The most Newton steps.
    pub max_iter: usize,
    /// Stop when a Newton step would lower the mean loss by less than this.
    pub tolerance: f64,
}

impl Default for LogisticConfig {
    fn default() -> Self {
        Self { l2: 1.0, max_iter: 100, tolerance: 1e-12 }
    }
}

impl LogisticConfig {
    /// Errors naming the first field out of range.
    pub fn validate(&self) -> Result<()> {
        if !(self.l2.is_finite() && self.l2 >= 0.0) {
            return Err(Error::InvalidConfig {
                field: "l2",
                reason: format!("{}; must be finite and ≥ 0", self.l2),
            });
        }
        if self.max_iter == 0 {
            return Err(Error::InvalidConfig {
                field: "max_iter",
                reason: "0; need at least 1".into(),
            });
        }
        if !(self.tolerance.is_finite() && self.tolerance > 0.0) {
            return Err(Error::InvalidConfig {
                field: "tolerance",
                reason: format!("{}; must be finite and > 0", self.tolerance),
            });
        }
        Ok(())
    }
}

/// A trained logistic regression. See the [module docs](self).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LogisticRegression {
    feature_names: Vec<String>,
    #[serde(with = "exact::vec_f64")]
    means: Vec<f64>,
    /// `1 / std`, or 0 for a feature without spread.
    #[serde(with = "exact::vec_f64")]
    inverse_scales: Vec<f64>,
    #[serde(with = "exact::vec_f64")]
    coefficients: Vec<f64>,
    #[serde(with = "exact::f64")]
    intercept: f64,
    config: LogisticConfig,
    iterations: usize,
    converged: bool,
}

const FORMAT: &str = "aisle-predict/logistic";
const VERSION: u32 = 1;

/// Mean and `1 / std` of each column over its present values.
fn standardisation(data: &Dataset) -> (Vec<f64>, Vec<f64>) {
    let d = data.x().n_features();
    let mut count = vec![0usize; d];
    let mut sum = vec![0.0f64; d];
    for row in data.x().rows() {
        for (j, &x) in row.iter().enumerate() {
            if !x.is_nan() {
                count[j] += 1;
                sum[j] += f64::from(x);
            }
        }
    }
    let means: Vec<f64> =
        (0..d).map(|j| if count[j] > 0 { sum[j] / count[j] as f64 } else { 0.0 }).collect();
    let mut squares = vec![0.0f64; d];
    for row in data.x().rows() {
        for (j, &x) in row.iter().enumerate() {
            if !x.is_nan() {
                let dev = f64::from(x) - means[j];
                squares[j] += dev * dev;
            }
        }
    }
    let inverse_scales = (0..d)
        .map(|j| {
            let std = if count[j] > 0 { (squares[j] / count[j] as f64).sqrt() } else { 0.0 };
            // A spread this small relative to the mean is rounding noise, not signal.
            if std > 1e-12 * means[j].abs().max(1.0) && std.is_finite() {
                1.0 / std
            } else {
                0.0
            }
        })
        .collect();
    (means, inverse_scales)
}

/// Solves `a x = b` for symmetric positive definite `a` (row-major `k × k`) by Cholesky,
/// overwriting `a`. Returns `None` if `a` is not positive definite.
fn cholesky_solve(a: &mut [f64], b: &[f64], k: usize) -> Option<Vec<f64>> {
    for j in 0..k {
        let mut diag = a[j * k + j];
        for p in 0..j {
            diag -= a[j * k + p] * a[j * k + p];
        }
        if diag.is_nan() || diag <= 0.0 {
            return None;
        }
        let diag = diag.sqrt();
        a[j * k + j] = diag;
        for i in j + 1..k {
            let mut v = a[i * k + j];
            for p in 0..j {
                v -= a[i * k + p] * a[j * k + p];
            }
            a[i * k + j] = v / diag;
        }
    }
    let mut y = b.to_vec();
    for i in 0..k {
        for p in 0..i {
            y[i] -= a[i * k + p] * y[p];
        }
        y[i] /= a[i * k + i];
    }
    for i in (0..k).rev() {
        for p in i + 1..k {
            y[i] -= a[p * k + i] * y[p];
        }
        y[i] /= a[i * k + i];
    }
    Some(y)
}

/// The standardised design, row-major, with a leading 1 for the intercept.
struct Design {
    z: Vec<f64>,
    width: usize,
}

impl Design {
    fn row(&self, i: usize) -> &[f64] {
        &self.z[i * self.width..(i + 1) * self.width]
    }

    fn rows(&self) -> usize {
        self.z.len() / self.width
    }

    fn margins(&self, theta: &[f64]) -> Vec<f64> {
        (0..self.rows()).map(|i| dot(self.row(i), theta)).collect()
    }
}

fn dot(a: &[f64], b: &[f64]) -> f64 {
    a.iter().zip(b).map(|(x, y)| x * y).sum()
}

/// Summed log-loss plus the penalty (intercept, `theta[0]`, unpenalised).
fn objective(design: &Design, labels: &[bool], theta: &[f64], l2: f64) -> f64 {
    let loss: f64 = design
        .margins(theta)
        .iter()
        .zip(labels)
        .map(|(&m, &y)| m.max(0.0) + (-m.abs()).exp().ln_1p() - if y { m } else { 0.0 })
        .sum();
    loss + 0.5 * l2 * theta[1..].iter().map(|w| w * w).sum::<f64>()
}

impl LogisticRegression {
    /// Trains on `data`. Errors on an invalid config or empty or single-class data; constant
    /// and all-missing features are fine (they get weight 0).
    pub fn fit(config: &LogisticConfig, data: &Dataset) -> Result<LogisticRegression> {
        config.validate()?;
        data.check_trainable("logistic regression training data")?;
        let names = data.x().names().to_vec();
        if let Some(at) = data.x().values().iter().position(|v| v.is_infinite()) {
            let (row, column) = (at / names.len(), at % names.len());
            return Err(Error::BadMatrix(format!(
                "row {row}, feature `{}` is infinite; logistic regression needs finite values \
                 (NaN for missing)",
                names[column]
            )));
        }
        let _span =
            tracing::info_span!("logistic_fit", rows = data.n_rows(), features = names.len())
                .entered();
        let (means, inverse_scales) = standardisation(data);
        let d = names.len();
        let k = d + 1;
        let n = data.n_rows();
        let mut z = Vec::with_capacity(n * k);
        for row in data.x().rows() {
            z.push(1.0);
            z.extend(
                row.iter().enumerate().map(|(j, &x)| standardise(x, means[j], inverse_scales[j])),
            );
        }
        let design = Design { z, width: k };
        let labels = data.labels();

        let mut theta = vec![0.0; k];
        theta[0] = model::logit(data.positive_rate());
        let mut value = objective(&design, labels, &theta, config.l2);
        let (mut iterations, mut converged) = (0, false);
        while iterations < config.max_iter {
            iterations += 1;
            let mut gradient = vec![0.0; k];
            let mut hessian = vec![0.0; k * k];
            for (i, &y) in labels.iter().enumerate() {
                let v = design.row(i);
                let p = model::sigmoid(dot(v, &theta));
                let r = p - f64::from(u8::from(y));
                let w = p * (1.0 - p);
                for a in 0..k {
                    gradient[a] += r * v[a];
                    let wa = w * v[a];
                    if wa != 0.0 {
                        for b in 0..=a {
                            hessian[a * k + b] += wa * v[b];
                        }
                    }
                }
            }
            for a in 1..k {
                gradient[a] += config.l2 * theta[a];
                hessian[a * k + a] += config.l2;
            }
            for a in 0..k {
                for b in 0..a {
                    hessian[b * k + a] = hessian[a * k + b];
                }
            }
            let step = solve_with_jitter(&hessian, &gradient, k);
            let decrement = dot(&gradient, &step);
            if !(decrement.is_finite()) || decrement / 2.0 <= config.tolerance * n as f64 {
                converged = decrement.is_finite();
                break;
            }
            // Backtrack until the objective falls by a fair share of what the step promises.
            let mut t = 1.0;
            let mut accepted = false;
            for _ in 0..40 {
                let trial: Vec<f64> = theta.iter().zip(&step).map(|(x, s)| x - t * s).collect();
                let trial_value = objective(&design, labels, &trial, config.l2);
                if trial_value <= value - 1e-4 * t * decrement {
                    theta = trial;
                    value = trial_value;
                    accepted = true;
                    break;
                }
                t *= 0.5;
            }
            if !accepted {
                // No step lowers the objective: we are at the optimum to float precision.
                converged = true;
                break;
            }
        }
        tracing::debug!(iterations, converged, "logistic regression trained");
        Ok(LogisticRegression {
            feature_names: names,
            means,
            inverse_scales,
            intercept: theta[0],
            coefficients: theta[1..].to_vec(),
            config: config.clone(),
            iterations,
            converged,
        })
    }

    /// The coefficient of each feature on its standardised scale, with its name.
    pub fn coefficients(&self) -> Vec<(&str, f64)> {
        self.feature_names
            .iter()
            .map(String::as_str)
            .zip(self.coefficients.iter().copied())
            .collect()
    }

    /// The intercept (the margin of an all-average row).
    pub fn intercept(&self) -> f64 {
        self.intercept
    }

    /// Newton steps taken.
    pub fn iterations(&self) -> usize {
        self.iterations
    }

    /// Whether the optimizer met its tolerance within `max_iter` steps.
    pub fn converged(&self) -> bool {
        self.converged
    }

    /// The config it was trained with.
    pub fn config(&self) -> &LogisticConfig {
        &self.config
    }

    /// The model as a JSON document.
    pub fn to_json(&self) -> Result<String> {
        model::to_json(FORMAT, VERSION, self)
    }

    /// A model from a document written by [`LogisticRegression::to_json`]; `what` names it in
    /// errors.
    pub fn from_json(what: &str, text: &str) -> Result<LogisticRegression> {
        let model: LogisticRegression = model::from_json(what, FORMAT, VERSION, text)?;
        let d = model.feature_names.len();
        if d == 0
            || model.means.len() != d
            || model.inverse_scales.len() != d
            || model.coefficients.len() != d
        {
            return Err(Error::BadModel {
                what: what.to_string(),
                reason: "feature lists disagree in length".into(),
            });
        }
        Ok(model)
    }

    /// Writes the model file.
    pub fn save(&self, path: &Path) -> Result<()> {
        model::write_file(path, &self.to_json()?)
    }

    /// Reads a model file written by [`LogisticRegression::save`].
    pub fn load(path: &Path) -> Result<LogisticRegression> {
        Self::from_json(&path.display().to_string(), &model::read_file(path)?)
    }
}

fn standardise(x: f32, mean: f64, inverse_scale: f64) -> f64 {
    if x.is_nan() || inverse_scale == 0.0 {
        0.0
    } else {
        (f64::from(x) - mean) * inverse_scale
    }
}

/// Newton's step `H⁻¹ g`, adding a growing ridge if `H` is numerically singular (e.g. an
/// unpenalised fit with collinear features).
fn solve_with_jitter(hessian: &[f64], gradient: &[f64], k: usize) -> Vec<f64> {
    let scale = (0..k).map(|a| hessian[a * k + a]).fold(0.0f64, f64::max).max(1.0);
    let mut jitter = 0.0;
    loop {
        let mut a = hessian.to_vec();
        for i in 0..k {
            a[i * k + i] += jitter;
        }
        if let Some(step) = cholesky_solve(&mut a, gradient, k) {
            return step;
        }
        jitter = if jitter == 0.0 { 1e-12 * scale } else { jitter * 100.0 };
        if jitter > scale {
            // A ridge as large as the curvature itself: fall back to scaled gradient descent.
            return gradient.iter().map(|g| g / scale).collect();
        }
    }
}

impl sealed::Raw for LogisticRegression {
    fn raw_margin(&self, row: &[f32]) -> f64 {
        self.intercept + self.raw_contributions(row).1.iter().sum::<f64>()
    }

    fn raw_contributions(&self, row: &[f32]) -> (f64, Vec<f64>) {
        let contributions = row
            .iter()
            .enumerate()
            .map(|(j, &x)| {
                self.coefficients[j] * standardise(x, self.means[j], self.inverse_scales[j])
            })
            .collect();
        (self.intercept, contributions)
    }
}

impl Classifier for LogisticRegression {
    fn feature_names(&self) -> &[String] {
        &self.feature_names
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dataset::Matrix;
    use crate::testdata;

    #[test]
    fn recovers_known_coefficients() {
        // Margin = 0.5 + 2 x0 - 1 x1 with x ~ U(-1, 1); std of U(-1,1) is 1/sqrt(3).
        let data = testdata::linear(20_000, &[0.5, 2.0, -1.0], 3);
        let model =
            LogisticRegression::fit(&LogisticConfig { l2: 1e-6, ..Default::default() }, &data)
                .unwrap();
        assert!(model.converged());
        let s = 1.0 / 3f64.sqrt();
        let c = model.coefficients();
        assert!((c[0].1 - 2.0 * s).abs() < 0.1, "{c:?}");
        assert!((c[1].1 + s).abs() < 0.1, "{c:?}");
        assert!((model.intercept() - 0.5).abs() < 0.1);
    }

    #[test]
    fn reasons_are_coefficient_times_standardised_value() {
        let data = testdata::linear(2_000, &[0.0, 1.0, -1.0], 1);
        let model = LogisticRegression::fit(&LogisticConfig::default(), &data).unwrap();
        let row = data.x().row(3);
        let explanation = model.explain_row(row).unwrap();
        let sum: f64 = explanation.contributions.iter().map(|c| c.contribution).sum();
        assert!((explanation.bias + sum - explanation.margin).abs() < 1e-12);
        assert!((explanation.margin - model.margin_row(row).unwrap()).abs() < 1e-12);
    }

    #[test]
    fn constant_and_all_missing_features_are_fine() {
        let n = 200;
        let mut values = Vec::new();
        let mut labels = Vec::new();
        for i in 0..n {
            values.extend([i as f32, 7.0, f32::NAN]);
            labels.push(i >= n / 2);
        }
        let names = vec!["x".into(), "constant".into(), "missing".into()];
        let data = Dataset::from_bools(Matrix::new(names, values).unwrap(), labels).unwrap();
        let model = LogisticRegression::fit(&LogisticConfig::default(), &data).unwrap();
        let c = model.coefficients();
        assert_eq!((c[1].1, c[2].1), (0.0, 0.0));
        assert!(c[0].1 > 1.0);
        assert!(model.probability_row(&[199.0, 7.0, f32::NAN]).unwrap() > 0.9);
    }

    #[test]
    fn save_load_round_trip_predicts_identically() {
        let data = testdata::linear(500, &[0.2, 1.0, -0.7], 9);
        let model = LogisticRegression::fit(&LogisticConfig::default(), &data).unwrap();
        let back = LogisticRegression::from_json("test", &model.to_json().unwrap()).unwrap();
        assert_eq!(back, model);
        assert_eq!(back.predict_margin(data.x()).unwrap(), model.predict_margin(data.x()).unwrap());
    }

    #[test]
    fn infinite_value_is_an_error_naming_row_and_feature() {
        let x =
            Matrix::new(vec!["a".into(), "b".into()], vec![1.0, 2.0, 3.0, f32::INFINITY]).unwrap();
        let data = Dataset::new(x, &[0.0, 1.0]).unwrap();
        let err = LogisticRegression::fit(&LogisticConfig::default(), &data).unwrap_err();
        assert!(err.to_string().contains("row 1, feature `b`"), "{err}");
    }

    #[test]
    fn single_class_is_an_error() {
        let x = Matrix::new(vec!["x".into()], vec![1.0, 2.0, 3.0]).unwrap();
        let data = Dataset::new(x, &[0.0, 0.0, 0.0]).unwrap();
        let err = LogisticRegression::fit(&LogisticConfig::default(), &data).unwrap_err();
        assert!(err.to_string().contains("all 3 labels are 0"), "{err}");
    }
}
