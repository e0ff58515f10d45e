//! The models each table backtests, and which rows are the references and the model chosen in
//! advance. Everything here was fixed on the development run (`--dev`), before the test
//! windows were scored.

use aisle_forecast::ar::{ArConfig, ArOrder};
use aisle_forecast::combine::CombineConfig;
use aisle_forecast::croston::CrostonConfig;
use aisle_forecast::ets::{EtsSelectConfig, ExpSmoothingConfig, Seasonality, Trend};
use aisle_forecast::naive::{MovingAverageConfig, SeasonalNaiveConfig, Window};
use aisle_forecast::select::SelectConfig;
use aisle_forecast::theta::ThetaConfig;
use aisle_forecast::ModelSpec;

use crate::TRADING_DAYS_PER_WEEK;

/// Validation windows of the "auto" model, before each origin.
const VALIDATION_WINDOWS: usize = 4;

/// A table's models.
pub(crate) struct Lineup {
    /// Every model, clamped at zero.
    pub models: Vec<ModelSpec>,
    /// The row of the naive forecast.
    pub naive: usize,
    /// The row of the seasonal naive reference.
    pub seasonal_naive: usize,
    /// The row of the model named before the test run as the one to judge the goal by.
    pub chosen_in_advance: usize,
    /// The rows before this are the single models; the choosers follow.
    pub candidates: usize,
}

/// The weekly line-up. No season of 52 weeks fits in a year of data, so the seasonal
/// smoothing forms are absent and the seasonal naive reference is m = 4 ("same week last
/// month"), next to naive.
pub(crate) fn weekly_models(horizon: usize) -> Lineup {
    let comb = CombineConfig::ses_damped_theta();
    let candidates: Vec<ModelSpec> = vec![
        ModelSpec::naive(),
        SeasonalNaiveConfig { period: 4 }.into(),
        MovingAverageConfig { window: Window::Fixed(4) }.into(),
        MovingAverageConfig { window: Window::Select { max: 8 } }.into(),
        ArConfig { order: ArOrder::Aic { max: 4 }, differences: 0 }.into(),
        ArConfig { order: ArOrder::Aic { max: 4 }, differences: 1 }.into(),
        ExpSmoothingConfig::simple().into(),
        ExpSmoothingConfig::holt(Trend::Additive).into(),
        ExpSmoothingConfig::holt(Trend::Damped).into(),
        EtsSelectConfig { period: None, multiplicative: false, undamped_trend: true }.into(),
        ThetaConfig::default().into(),
        CrostonConfig::sba().into(),
        CombineConfig::m4_comb().into(),
        comb.clone().into(),
        ModelSpec::from(MovingAverageConfig { window: Window::Fixed(4) }).winsorized(),
        ModelSpec::from(ExpSmoothingConfig::simple()).winsorized(),
        ModelSpec::from(ExpSmoothingConfig::holt(Trend::Damped)).winsorized(),
        ModelSpec::from(ThetaConfig::default()).winsorized(),
        ModelSpec::from(comb).winsorized(),
    ];
    let chosen_in_advance = candidates.len() - 1;
    with_auto(candidates, horizon, 1, 0, 1, chosen_in_advance)
}

/// The daily line-up on trading days: seasonal naive with m = 6 (one trading week) and naive
/// are the references. Multiplicative Holt-Winters is only tried inside ETS-by-AIC: every
/// series has zero days (the Christmas closure), which it cannot take.
pub(crate) fn daily_models(horizon: usize) -> Lineup {
    let week = Seasonality::Additive { period: TRADING_DAYS_PER_WEEK };
    let candidates: Vec<ModelSpec> = vec![
        SeasonalNaiveConfig { period: TRADING_DAYS_PER_WEEK }.into(),
        ModelSpec::naive(),
        MovingAverageConfig { window: Window::Select { max: 12 } }.into(),
        ArConfig { order: ArOrder::Aic { max: 12 }, differences: 0 }.into(),
        ExpSmoothingConfig::simple().into(),
        ExpSmoothingConfig::holt(Trend::Damped).into(),
        ExpSmoothingConfig::holt_winters(Trend::None, week).into(),
        ExpSmoothingConfig::holt_winters(Trend::Damped, week).into(),
        EtsSelectConfig {
            period: Some(TRADING_DAYS_PER_WEEK),
            multiplicative: true,
            undamped_trend: false,
        }
        .into(),
        ThetaConfig::default().into(),
        CrostonConfig::sba().into(),
        CombineConfig::ses_damped_theta().into(),
        ModelSpec::from(ExpSmoothingConfig::holt_winters(Trend::None, week)).winsorized(),
    ];
    let chosen_in_advance = 6;
    with_auto(candidates, horizon, TRADING_DAYS_PER_WEEK, 1, 0, chosen_in_advance)
}

/// Every candidate plus "auto" over them, all clamped at zero (demand is never negative).
fn with_auto(
    candidates: Vec<ModelSpec>,
    horizon: usize,
    step: usize,
    naive: usize,
    seasonal_naive: usize,
    chosen_in_advance: usize,
) -> Lineup {
    let candidates: Vec<ModelSpec> = candidates.into_iter().map(ModelSpec::non_negative).collect();
    let auto =
        SelectConfig { candidates: candidates.clone(), horizon, windows: VALIDATION_WINDOWS, step };
    let count = candidates.len();
    let mut models = candidates;
    models.push(ModelSpec::from(auto).non_negative());
    // What the product serves (aisle-engine's forecasts): the crate's demand chooser. Its
    // validation windows are one step apart whatever the period.
    models.push(ModelSpec::from(SelectConfig::demand(horizon)).non_negative());
    Lineup { models, naive, seasonal_naive, chosen_in_advance, candidates: count }
}
