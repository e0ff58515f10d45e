//! Tests of the exponential smoothing forms: exact recovery of clean components, sensible
//! parameters on noisy series, and refusals of data a form cannot take.

use super::*;
use crate::testdata::Gaussian;

fn close(actual: &[f64], expected: &[f64], tolerance: f64) {
    assert_eq!(actual.len(), expected.len());
    for (h, (a, e)) in actual.iter().zip(expected).enumerate() {
        assert!((a - e).abs() <= tolerance, "step {h}: {a} vs {e}\n{actual:?}");
    }
}

#[test]
fn ses_of_a_constant_is_the_constant() {
    let fitted = ExpSmoothingConfig::simple().fit(&[7.0; 12]).unwrap();
    close(&fitted.forecast(4), &[7.0; 4], 1e-9);
    assert_eq!(fitted.params.beta, 0.0);
    assert_eq!(fitted.params.gamma, 0.0);
}

#[test]
fn ses_smooths_noise_hard_and_follows_a_random_walk_closely() {
    let mut noise = Gaussian::new(11);
    let flat: Vec<f64> = (0..200).map(|_| 50.0 + noise.next()).collect();
    let fitted = ExpSmoothingConfig::simple().fit(&flat).unwrap();
    assert!(fitted.params.alpha < 0.2, "alpha {}", fitted.params.alpha);

    let mut walk = vec![50.0];
    for t in 1..200 {
        walk.push(walk[t - 1] + 3.0 * noise.next());
    }
    let fitted = ExpSmoothingConfig::simple().fit(&walk).unwrap();
    assert!(fitted.params.alpha > 0.8, "alpha {}", fitted.params.alpha);
}

#[test]
fn holt_recovers_a_linear_trend() {
    let line: Vec<f64> = (0..20).map(|t| 3.0 + 2.0 * f64::from(t)).collect();
    let fitted = ExpSmoothingConfig::holt(Trend::Additive).fit(&line).unwrap();
    let expected: Vec<f64> = (20..26).map(|t| 3.0 + 2.0 * f64::from(t)).collect();
    close(&fitted.forecast(6), &expected, 1e-6);
    assert!(fitted.sse < 1e-12, "sse {}", fitted.sse);
}

#[test]
fn holt_estimates_the_slope_of_a_noisy_trend() {
    let mut noise = Gaussian::new(5);
    let y: Vec<f64> = (0..120).map(|t| 100.0 + 1.5 * f64::from(t) + 2.0 * noise.next()).collect();
    let fitted = ExpSmoothingConfig::holt(Trend::Additive).fit(&y).unwrap();
    let forecast = fitted.forecast(10);
    let slope = (forecast[9] - forecast[0]) / 9.0;
    assert!((slope - 1.5).abs() < 0.15, "slope {slope}");
}

#[test]
fn a_damped_trend_levels_off() {
    let line: Vec<f64> = (0..30).map(|t| 10.0 + f64::from(t)).collect();
    let fixed = FixedParams { phi: Some(0.9), ..FixedParams::default() };
    let config = ExpSmoothingConfig { fixed, ..ExpSmoothingConfig::holt(Trend::Damped) };
    let forecast = config.fit(&line).unwrap().forecast(60);
    let first_step = forecast[1] - forecast[0];
    let late_step = forecast[59] - forecast[58];
    assert!(first_step > 0.0 && late_step < first_step / 100.0, "{first_step} {late_step}");
    // The damped sum of the trend converges to phi / (1 - phi) = 9 steps' worth.
    assert!(forecast[59] < 39.0 + 9.0 + 1.0, "{}", forecast[59]);
}

fn seasonal_with_trend(n: usize, pattern: &[f64]) -> Vec<f64> {
    (0..n).map(|t| 20.0 + 0.5 * t as f64 + pattern[t % pattern.len()]).collect()
}

#[test]
fn holt_winters_additive_reproduces_a_clean_trend_and_season() {
    let pattern = [4.0, -1.0, -3.0, 0.0];
    let y = seasonal_with_trend(24, &pattern);
    let config =
        ExpSmoothingConfig::holt_winters(Trend::Additive, Seasonality::Additive { period: 4 });
    let fitted = config.fit(&y).unwrap();
    let expected = seasonal_with_trend(33, &pattern).split_off(24);
    close(&fitted.forecast(9), &expected, 1e-6);
}

#[test]
fn holt_winters_multiplicative_follows_growing_swings() {
    let factors = [1.5, 0.5, 1.0, 1.0];
    let y: Vec<f64> =
        (0..40).map(|t| (50.0 + 2.0 * f64::from(t)) * factors[t as usize % 4]).collect();
    let seasonality = Seasonality::Multiplicative { period: 4 };
    let fitted = ExpSmoothingConfig::holt_winters(Trend::Additive, seasonality).fit(&y).unwrap();
    let expected: Vec<f64> =
        (40..48).map(|t| (50.0 + 2.0 * f64::from(t)) * factors[t as usize % 4]).collect();
    close(&fitted.forecast(8), &expected, 0.05 * 130.0);

    let mut with_zero = y.clone();
    with_zero[7] = 0.0;
    let err = ExpSmoothingConfig::holt_winters(Trend::None, seasonality).fit(&with_zero);
    assert!(matches!(err, Err(Error::NonPositive { index: 7, .. })), "{err:?}");
}

#[test]
fn seasonal_forms_need_two_seasons() {
    let config =
        ExpSmoothingConfig::holt_winters(Trend::Additive, Seasonality::Additive { period: 4 });
    assert_eq!(config.min_len(), 9);
    let err = config.fit(&[1.0; 8]).unwrap_err();
    assert!(matches!(err, Error::TooShort { needed: 9, got: 8, .. }), "{err}");
    assert!(matches!(config.fit(&[]), Err(Error::EmptySeries { .. })));
    let zero = ExpSmoothingConfig::holt_winters(Trend::None, Seasonality::Additive { period: 0 });
    assert!(matches!(zero.fit(&[1.0; 8]), Err(Error::InvalidConfig { .. })));
}

#[test]
fn fixed_parameters_are_kept_and_checked() {
    let fixed = FixedParams { alpha: Some(0.3), ..FixedParams::default() };
    let config = ExpSmoothingConfig { fixed, ..ExpSmoothingConfig::simple() };
    let fitted = config.fit(&[1.0, 2.0, 3.0, 2.0, 1.0]).unwrap();
    assert_eq!(fitted.params.alpha, 0.3);
    let bad = FixedParams { alpha: Some(1.5), ..FixedParams::default() };
    let err = ExpSmoothingConfig { fixed: bad, ..ExpSmoothingConfig::simple() }.fit(&[1.0; 5]);
    assert!(matches!(err, Err(Error::InvalidConfig { .. })), "{err:?}");
}

#[test]
fn selection_by_aic_finds_the_season() {
    let mut noise = Gaussian::new(3);
    let pattern = [10.0, -4.0, -6.0, 0.0, 2.0, -2.0, 0.0];
    let y: Vec<f64> = (0..140).map(|t| 40.0 + pattern[t % 7] + noise.next()).collect();
    let select = EtsSelectConfig { period: Some(7), multiplicative: true, undamped_trend: false };
    assert_eq!(select.candidates().len(), 6);
    let fitted = select.fit(&y).unwrap();
    assert!(
        matches!(
            fitted.config.seasonality,
            Seasonality::Additive { .. } | Seasonality::Multiplicative { .. }
        ),
        "chose {}",
        fitted.config.label()
    );
    // A zero in the data rules out the multiplicative forms but not the selection.
    let mut with_zero = y.clone();
    with_zero[3] = 0.0;
    assert!(select.fit(&with_zero).is_ok());
}

#[test]
fn a_damped_trend_shrinks_each_step_by_phi() {
    // Gardner and McKenzie: step h adds phi^h b, so successive forecast increments shrink by
    // exactly phi and the forecasts converge to l + b phi / (1 - phi).
    let noisy: Vec<f64> = (0..40).map(|t| 50.0 + 2.0 * f64::from(t) + f64::from(t % 4)).collect();
    let fixed = FixedParams { alpha: Some(0.5), beta: Some(0.2), phi: Some(0.8), gamma: None };
    let config = ExpSmoothingConfig { fixed, ..ExpSmoothingConfig::holt(Trend::Damped) };
    let forecast = config.fit(&noisy).unwrap().forecast(200);
    let steps: Vec<f64> = forecast.windows(2).map(|w| w[1] - w[0]).collect();
    for pair in steps.windows(2).take(20) {
        assert!((pair[1] - 0.8 * pair[0]).abs() < 1e-9, "{pair:?}");
    }
    // The remaining steps sum to step0 * phi / (1 - phi) = 4 * step0.
    let limit = forecast[0] + steps[0] / (1.0 - 0.8);
    assert!((forecast[199] - limit).abs() < 1e-9, "{} vs {limit}", forecast[199]);
}
