//! Demand forecasts: units per category or item per week or day, the next periods forecast by
//! the model that did best on each series' own recent past.

use std::sync::Arc;

use aisle_engine::{DemandForecast, DemandKey, DemandRequest, Period};
use axum::extract::State;
use serde::Deserialize;

use super::blocking;
use crate::problem::{Answer, Json, Problem, Query};
use crate::state::AppState;

/// Forecast options.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
pub struct DemandParams {
    /// `category` (default) or `item`.
    pub by: Option<String>,
    /// `week` (default) or `day`.
    pub period: Option<String>,
    /// Periods ahead, 1 to 52; default 4.
    pub horizon: Option<usize>,
    /// Series with the most units sold, 1 to 100; default 10.
    pub top: Option<usize>,
}

/// Reads the options, naming the first bad one.
pub fn demand_request(params: &DemandParams) -> Result<DemandRequest, Problem> {
    let by = match params.by.as_deref() {
        None | Some("category") => DemandKey::Category,
        Some("item") => DemandKey::Item,
        Some(other) => {
            return Err(Problem::bad_request(format!("`by` is {other:?}; use category or item")))
        }
    };
    let period = match params.period.as_deref() {
        None | Some("week") => Period::Week,
        Some("day") => Period::Day,
        Some(other) => {
            return Err(Problem::bad_request(format!("`period` is {other:?}; use week or day")))
        }
    };
    let top = params.top.unwrap_or(10);
    if !(1..=100).contains(&top) {
        return Err(Problem::bad_request(format!("`top` is {top}; ask for 1 to 100 series")));
    }
    Ok(DemandRequest { by, period, horizon: params.horizon.unwrap_or(4), top })
}

/// Units sold per period for the top series, and the forecast of the next periods.
#[utoipa::path(get, path = "/v1/forecasts/demand", tag = "profiles", params(DemandParams),
    responses((status = 200, body = Object), (status = 400, body = Problem)),
    security(("api_key" = [])))]
pub async fn demand(
    State(state): State<Arc<AppState>>,
    Query(params): Query<DemandParams>,
) -> Answer<DemandForecast> {
    let request = demand_request(&params)?;
    blocking(&state, move |s| Ok(Json(s.engine().demand_forecast(&request)?))).await
}
