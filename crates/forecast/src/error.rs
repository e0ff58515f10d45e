//! The forecast crate's one error type. Every message says what is wrong, for which model or
//! step, and how to fix it; nothing here is an internal failure, so callers may show any of
//! them to the person who supplied the data or the configuration.

/// Why a model could not be fitted, a series could not be built, or a backtest could not run.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum Error {
    /// The series has no values at all.
    #[error("{model} was given an empty series; supply at least one observation")]
    EmptySeries {
        /// The model or procedure that was given it.
        model: String,
    },
    /// The series is shorter than the model needs.
    #[error("{model} needs at least {needed} observations, got {got}; {hint}")]
    TooShort {
        /// The model's label, e.g. `seasonal naive (m=7)`.
        model: String,
        /// The fewest observations it can be fitted on.
        needed: usize,
        /// How many it was given.
        got: usize,
        /// How to fix it.
        hint: &'static str,
    },
    /// A configuration value is out of range (a zero period, an empty window...).
    #[error("{model}: {reason}")]
    InvalidConfig {
        /// The model or procedure being configured.
        model: String,
        /// What is wrong and what is accepted instead.
        reason: String,
    },
    /// The series holds a NaN or an infinity.
    #[error("series value at index {index} is {value}; forecasts need finite numbers")]
    NonFinite {
        /// Position in the series.
        index: usize,
        /// The offending value.
        value: f64,
    },
    /// A demand record's quantity is NaN, infinite or negative.
    #[error(
        "demand record {index} has quantity {value}; quantities must be finite and at least 0 \
         (filter out returns and cancellations before aggregating)"
    )]
    BadQuantity {
        /// Position of the record in the input.
        index: usize,
        /// The offending quantity.
        value: f64,
    },
    /// Multiplicative seasonality was asked for a series with a zero or negative value.
    #[error(
        "{model} needs strictly positive values, but index {index} is {value}; \
         use additive seasonality"
    )]
    NonPositive {
        /// The model's label.
        model: String,
        /// Position in the series.
        index: usize,
        /// The offending value.
        value: f64,
    },
    /// A forecast and the actual values it is scored against differ in length.
    #[error(
        "cannot score {forecast} forecasts against {actual} actual values; pass equal lengths"
    )]
    LengthMismatch {
        /// Number of actual values.
        actual: usize,
        /// Number of forecasts.
        forecast: usize,
    },
    /// MASE is undefined: the seasonal naive forecast is exact on the whole history, so its
    /// mean absolute error (the scale) is zero.
    #[error(
        "MASE is undefined at origin {origin}: the history before it repeats itself exactly at \
         lag {period} (for example all zeros), so the seasonal naive scale is 0; \
         the series cannot be scored with MASE at this origin"
    )]
    ZeroScale {
        /// Length of the history the scale was computed on.
        origin: usize,
        /// The seasonal period of the scale.
        period: usize,
    },
    /// A backtest plan leaves no origin with a full horizon after it.
    #[error(
        "backtest: a series of {len} observations has no forecast origin from {first_origin} \
         with {horizon} steps after it; hold out more data or shorten the horizon"
    )]
    NoOrigins {
        /// Length of the series.
        len: usize,
        /// The first origin the plan asked for.
        first_origin: usize,
        /// The forecast horizon.
        horizon: usize,
    },
    /// An evaluation scored no series: every one was skipped.
    #[error("evaluation scored none of {skipped} series; the first was skipped because: {first}")]
    NothingScored {
        /// How many series were skipped.
        skipped: usize,
        /// Why the first one was.
        first: String,
    },
}

/// The forecast crate's result.
pub type Result<T> = std::result::Result<T, Error>;

/// Checks that every value is finite.
pub(crate) fn check_finite(series: &[f64]) -> Result<()> {
    match series.iter().position(|v| !v.is_finite()) {
        Some(index) => Err(Error::NonFinite { index, value: series[index] }),
        None => Ok(()),
    }
}

/// Checks the series is not empty and has at least `needed` observations.
pub(crate) fn check_len(
    model: impl FnOnce() -> String,
    series: &[f64],
    needed: usize,
    hint: &'static str,
) -> Result<()> {
    if series.is_empty() {
        return Err(Error::EmptySeries { model: model() });
    }
    if series.len() < needed {
        return Err(Error::TooShort { model: model(), needed, got: series.len(), hint });
    }
    Ok(())
}
