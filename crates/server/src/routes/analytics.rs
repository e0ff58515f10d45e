//! Shopping analytics and the marketing report (admin scope): funnels by segment, category or
//! device, paths to purchase and abandonment, recommendation attribution, and the report page
//! of a period. Each request reads every shopper's history on a worker thread.

use std::sync::Arc;

use aisle_engine::analytics::funnel::{Funnel, GroupFunnel};
use aisle_engine::analytics::paths::PathGroup;
use aisle_engine::analytics::{Analysis, Breakdown, DataRange, Period};
use axum::extract::State;
use axum::http::{header, HeaderValue};
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};

use super::blocking;
use crate::problem::{Answer, Json, Problem, Query};
use crate::state::AppState;

/// The period: both days `YYYY-MM-DD` and included; without `to`, the day of the newest event;
/// without `from`, the 30 days up to `to`.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
pub struct PeriodParams {
    /// First day, `YYYY-MM-DD`.
    pub from: Option<String>,
    /// Last day, `YYYY-MM-DD`.
    pub to: Option<String>,
}

/// The period, and how to break the funnel down.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
pub struct FunnelParams {
    /// First day, `YYYY-MM-DD`.
    pub from: Option<String>,
    /// Last day, `YYYY-MM-DD`.
    pub to: Option<String>,
    /// `segment` (at the period's start), `category` or `device`; none for the overall funnel
    /// only.
    pub by: Option<String>,
}

/// A funnel answer.
#[derive(Debug, Serialize)]
pub struct FunnelView {
    period: Period,
    data: Option<DataRange>,
    by: Option<&'static str>,
    overall: Funnel,
    groups: Vec<GroupFunnel>,
}

/// A paths answer.
#[derive(Debug, Serialize)]
pub struct PathsView {
    period: Period,
    data: Option<DataRange>,
    to_purchase: PathGroup,
    to_abandonment: PathGroup,
}

/// An attribution answer.
#[derive(Debug, Serialize)]
pub struct AttributionView {
    period: Period,
    data: Option<DataRange>,
    #[serde(flatten)]
    attribution: aisle_engine::analytics::attribution::Attribution,
}

async fn analyse(
    state: &Arc<AppState>,
    from: Option<String>,
    to: Option<String>,
) -> Result<Analysis, Problem> {
    blocking(state, move |s| {
        let engine = s.engine();
        let period = engine.analytics_period(from.as_deref(), to.as_deref())?;
        Ok(engine.analytics(period, &mut |_| {})?)
    })
    .await
}

/// Visits that viewed, carted and bought in a period, overall and by one breakdown.
#[utoipa::path(get, path = "/v1/analytics/funnel", tag = "analytics", params(FunnelParams),
    responses((status = 200, body = Object), (status = 400, body = Problem)),
    security(("api_key" = [])))]
pub async fn funnel(
    State(state): State<Arc<AppState>>,
    Query(params): Query<FunnelParams>,
) -> Answer<FunnelView> {
    let by = match params.by.as_deref().filter(|b| !b.is_empty()) {
        None => None,
        Some(text) => Some(Breakdown::parse(text).ok_or_else(|| {
            Problem::bad_request(format!("`by` is {text:?}; use segment, category or device"))
        })?),
    };
    let analysis = analyse(&state, params.from, params.to).await?;
    let groups = by.map(|b| analysis.funnels.by(b).to_vec()).unwrap_or_default();
    Ok(Json(FunnelView {
        period: analysis.period,
        data: analysis.data,
        by: by.map(Breakdown::as_str),
        overall: analysis.funnels.overall,
        groups,
    }))
}

/// The commonest paths of a period's visits to a purchase and to an abandoned cart.
#[utoipa::path(get, path = "/v1/analytics/paths", tag = "analytics", params(PeriodParams),
    responses((status = 200, body = Object), (status = 400, body = Problem)),
    security(("api_key" = [])))]
pub async fn paths(
    State(state): State<Arc<AppState>>,
    Query(params): Query<PeriodParams>,
) -> Answer<PathsView> {
    let analysis = analyse(&state, params.from, params.to).await?;
    Ok(Json(PathsView {
        period: analysis.period,
        data: analysis.data,
        to_purchase: analysis.paths.to_purchase,
        to_abandonment: analysis.paths.to_abandonment,
    }))
}

/// Clicks and purchases that came from recommendations in a period, and their revenue.
#[utoipa::path(get, path = "/v1/analytics/attribution", tag = "analytics", params(PeriodParams),
    responses((status = 200, body = Object), (status = 400, body = Problem)),
    security(("api_key" = [])))]
pub async fn attribution(
    State(state): State<Arc<AppState>>,
    Query(params): Query<PeriodParams>,
) -> Answer<AttributionView> {
    let analysis = analyse(&state, params.from, params.to).await?;
    Ok(Json(AttributionView {
        period: analysis.period,
        data: analysis.data,
        attribution: analysis.attribution,
    }))
}

/// The marketing report of a period: one self-contained HTML page (inline SVG charts, no
/// script) to open or save.
#[utoipa::path(get, path = "/v1/reports/marketing", tag = "analytics", params(PeriodParams),
    responses((status = 200, content_type = "text/html", body = String),
        (status = 400, body = Problem)),
    security(("api_key" = [])))]
pub async fn marketing_report(
    State(state): State<Arc<AppState>>,
    Query(params): Query<PeriodParams>,
) -> Result<Response, Problem> {
    let (period, html) = blocking(&state, move |s| {
        let engine = s.engine();
        let period = engine.analytics_period(params.from.as_deref(), params.to.as_deref())?;
        Ok((period, engine.marketing_report(period, &mut |_| {})?.html))
    })
    .await?;
    let file = format!(
        "inline; filename=\"marketing-report-{}-to-{}.html\"",
        period.first_day(),
        period.last_day()
    );
    let headers = [
        (header::CONTENT_TYPE, HeaderValue::from_static("text/html; charset=utf-8")),
        // The page needs nothing but its own inline styles; nothing may load or run.
        (
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static("default-src 'none'; style-src 'unsafe-inline'"),
        ),
        (header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff")),
        (header::CONTENT_DISPOSITION, HeaderValue::from_str(&file).map_err(Problem::internal)?),
    ];
    Ok((headers, html).into_response())
}
