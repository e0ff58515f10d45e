//! Many models over many series: a [`backtest`] of every model on every series, summarised
//! per model as the mean MASE and mean sMAPE over the series, relative to a baseline, with the
//! time each model took.
//!
//! Every model is averaged over the same series. A series is skipped for all models, with its
//! reason, when its data cannot be scored (empty, NaN, no origin with a full horizon, a zero
//! MASE scale at some origin) or when any model cannot be fitted on it; a mean over different
//! sets of series would compare nothing.

use std::time::{Duration, Instant};

use crate::backtest::{backtest, BacktestConfig};
use crate::error::{check_finite, Error, Result};
use crate::metrics::seasonal_naive_scale;
use crate::model::Forecaster;

/// A series with a name to report it by.
#[derive(Debug, Clone, PartialEq)]
pub struct NamedSeries {
    /// What the series is, e.g. a category or an item id.
    pub name: String,
    /// Its values, oldest first.
    pub values: Vec<f64>,
}

/// One model's results over all scored series.
#[derive(Debug, Clone, PartialEq)]
pub struct ModelSummary {
    /// The model's label.
    pub label: String,
    /// Mean over series of the series' mean MASE over origins.
    pub mean_mase: f64,
    /// Mean over series of the series' mean sMAPE over origins, in percent.
    pub mean_smape: f64,
    /// `mean_mase` divided by the baseline's, when a baseline was named.
    pub relative_mase: Option<f64>,
    /// Number of series averaged.
    pub series: usize,
    /// Time spent fitting and forecasting, over every origin of every series.
    pub elapsed: Duration,
}

/// One scored series: each model's MASE and sMAPE, in model order.
#[derive(Debug, Clone, PartialEq)]
pub struct SeriesScores {
    /// The series' name.
    pub name: String,
    /// Each model's mean MASE over origins.
    pub mase: Vec<f64>,
    /// Each model's mean sMAPE over origins.
    pub smape: Vec<f64>,
}

/// A series left out of every mean, and why.
#[derive(Debug, Clone, PartialEq)]
pub struct SkippedSeries {
    /// The series' name.
    pub name: String,
    /// The model that failed on it, or `None` when the data itself cannot be scored.
    pub model: Option<String>,
    /// Why.
    pub reason: Error,
}

/// The outcome of [`evaluate`].
#[derive(Debug, Clone, PartialEq)]
pub struct Evaluation {
    /// One summary per model, in the order given.
    pub models: Vec<ModelSummary>,
    /// The scored series.
    pub scores: Vec<SeriesScores>,
    /// The series left out.
    pub skipped: Vec<SkippedSeries>,
}

/// Backtests every model on every series with `config`; `baseline` is the index of the model
/// the relative MASE divides by. Fails on an invalid configuration or when no series at all
/// could be scored.
pub fn evaluate<F: Forecaster>(
    models: &[F],
    series: &[NamedSeries],
    config: &BacktestConfig,
    baseline: Option<usize>,
) -> Result<Evaluation> {
    config.validate()?;
    let invalid = |reason: String| Err(Error::InvalidConfig { model: "evaluation".into(), reason });
    if models.is_empty() {
        return invalid("give at least one model".into());
    }
    if let Some(index) = baseline.filter(|&i| i >= models.len()) {
        return invalid(format!("baseline {index} is not one of the {} models", models.len()));
    }
    let mut elapsed = vec![Duration::ZERO; models.len()];
    let mut scores = Vec::new();
    let mut skipped = Vec::new();
    'series: for one in series {
        if let Err(reason) = check_scorable(&one.values, config) {
            tracing::debug!(series = %one.name, %reason, "series skipped");
            skipped.push(SkippedSeries { name: one.name.clone(), model: None, reason });
            continue;
        }
        let mut row = SeriesScores { name: one.name.clone(), mase: vec![], smape: vec![] };
        for (model, time) in models.iter().zip(&mut elapsed) {
            let start = Instant::now();
            let result = backtest(model, &one.values, config);
            *time += start.elapsed();
            match result {
                Ok(result) => {
                    row.mase.push(result.mase);
                    row.smape.push(result.smape);
                }
                Err(reason) => {
                    tracing::debug!(series = %one.name, model = %model.label(), %reason, "skipped");
                    let model = Some(model.label());
                    skipped.push(SkippedSeries { name: one.name.clone(), model, reason });
                    continue 'series;
                }
            }
        }
        scores.push(row);
    }
    if scores.is_empty() {
        let first =
            skipped.first().map_or_else(|| "no series given".into(), |s| s.reason.to_string());
        return Err(Error::NothingScored { skipped: skipped.len(), first });
    }
    let mean = |column: &dyn Fn(&SeriesScores) -> f64| {
        scores.iter().map(column).sum::<f64>() / scores.len() as f64
    };
    let mut summaries: Vec<ModelSummary> = models
        .iter()
        .enumerate()
        .map(|(i, model)| ModelSummary {
            label: model.label(),
            mean_mase: mean(&|s| s.mase[i]),
            mean_smape: mean(&|s| s.smape[i]),
            relative_mase: None,
            series: scores.len(),
            elapsed: elapsed[i],
        })
        .collect();
    if let Some(base) = baseline.map(|i| summaries[i].mean_mase) {
        for summary in &mut summaries {
            summary.relative_mase = Some(summary.mean_mase / base);
        }
    }
    Ok(Evaluation { models: summaries, scores, skipped })
}

/// Whether the data alone can be scored at every origin, whatever the model.
fn check_scorable(values: &[f64], config: &BacktestConfig) -> Result<()> {
    if values.is_empty() {
        return Err(Error::EmptySeries { model: "evaluation".into() });
    }
    check_finite(values)?;
    for origin in config.origins(values.len())? {
        seasonal_naive_scale(&values[..origin], config.scale_period)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::ModelSpec;
    use crate::naive::{MovingAverageConfig, SeasonalNaiveConfig, Window};

    fn named(name: &str, values: Vec<f64>) -> NamedSeries {
        NamedSeries { name: name.into(), values }
    }

    const CONFIG: BacktestConfig =
        BacktestConfig { horizon: 2, first_origin: 6, step: 1, scale_period: 1 };

    #[test]
    fn means_are_over_the_scored_series_and_relative_to_the_baseline() {
        let line: Vec<f64> = (0..12).map(f64::from).collect();
        let alternating: Vec<f64> = (0..12).map(|t| f64::from(t % 2) * 4.0).collect();
        let series = vec![named("line", line), named("alternating", alternating)];
        let models: Vec<ModelSpec> =
            vec![ModelSpec::naive(), MovingAverageConfig { window: Window::Fixed(2) }.into()];
        let result = evaluate(&models, &series, &CONFIG, Some(0)).unwrap();
        assert!(result.skipped.is_empty());
        // Naive: (h + 1) / 2 = 1.5 on the line; on 0,4,0,4 it misses by 4 then 0 against a
        // scale of 4, so 0.5.
        assert!((result.scores[0].mase[0] - 1.5).abs() < 1e-12);
        assert!((result.scores[1].mase[0] - 0.5).abs() < 1e-12);
        let naive = &result.models[0];
        assert!((naive.mean_mase - 1.0).abs() < 1e-12);
        assert_eq!((naive.relative_mase, naive.series), (Some(1.0), 2));
        let average = &result.models[1];
        let expected = (result.scores[0].mase[1] + result.scores[1].mase[1]) / 2.0;
        assert!((average.mean_mase - expected).abs() < 1e-12);
        assert!((average.relative_mase.unwrap() - expected).abs() < 1e-12);
    }

    #[test]
    fn unscorable_series_and_failing_models_skip_the_series_for_everyone() {
        let good: Vec<f64> = (0..12).map(|t| f64::from(t * t % 7)).collect();
        let series = vec![
            named("zeros", vec![0.0; 12]),
            named("empty", vec![]),
            named("short", vec![1.0, 2.0, 3.0]),
            named("nan", vec![f64::NAN; 12]),
            named("good", good),
        ];
        let models: Vec<ModelSpec> =
            vec![ModelSpec::naive(), MovingAverageConfig { window: Window::Fixed(3) }.into()];
        let result = evaluate(&models, &series, &CONFIG, None).unwrap();
        assert_eq!(result.scores.len(), 1);
        let reasons: Vec<(&str, &Error)> =
            result.skipped.iter().map(|s| (s.name.as_str(), &s.reason)).collect();
        assert!(matches!(reasons[0], ("zeros", Error::ZeroScale { origin: 6, period: 1 })));
        assert!(matches!(reasons[1], ("empty", Error::EmptySeries { .. })));
        assert!(matches!(reasons[2], ("short", Error::NoOrigins { .. })));
        assert!(matches!(reasons[3], ("nan", Error::NonFinite { index: 0, .. })));
        assert_eq!(result.models[0].relative_mase, None);

        // Seasonal naive with m = 7 cannot fit the first origin of 6 values.
        let longer: Vec<f64> = (0..12).map(f64::from).collect();
        let seasonal = [ModelSpec::naive(), SeasonalNaiveConfig { period: 7 }.into()];
        let err = evaluate(&seasonal, &[named("line", longer)], &CONFIG, None).unwrap_err();
        assert!(matches!(err, Error::NothingScored { skipped: 1, .. }), "{err}");
    }

    #[test]
    fn bad_plans_are_refused() {
        let models = vec![ModelSpec::naive()];
        let series = vec![named("line", (0..12).map(f64::from).collect())];
        assert!(evaluate(&models, &series, &CONFIG, Some(1)).is_err());
        assert!(evaluate::<ModelSpec>(&[], &series, &CONFIG, None).is_err());
        let no_horizon = BacktestConfig { horizon: 0, ..CONFIG };
        assert!(evaluate(&models, &series, &no_horizon, None).is_err());
    }
}
