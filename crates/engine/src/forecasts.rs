//! Demand forecasts from the store: units sold per category (or per item) per week or per day,
//! the next periods forecast by the model that did best on the series' own recent past.
//!
//! Sales come from each shopper's orders (lines that were not cancelled or returned) and, for a
//! shopper with no orders, their purchase events, and from guest orders (checkouts without
//! signing in, which no shopper's history holds). Purchase events of anonymous sessions are not
//! counted: the store lists no sessions (see docs/forecasting.md).

use aisle_domain::{EventKind, Order, OrderStatus};
use aisle_forecast::aggregate::{daily_by_key, DayRange, DemandRecord, PartialWeeks};
use aisle_forecast::calendar::{civil_date, Day};
use aisle_forecast::select::SelectConfig;
use aisle_forecast::{Forecast, Forecaster};
use serde::Serialize;

use crate::{Engine, Error, Result};

/// What to forecast.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DemandKey {
    /// Per category (an item's first category; `uncategorised` without one).
    Category,
    /// Per item.
    Item,
}

/// The length of a period.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Period {
    /// Monday to Sunday.
    Week,
    /// One UTC day.
    Day,
}

/// A forecast request.
#[derive(Debug, Clone, Copy)]
pub struct DemandRequest {
    /// Per category or per item.
    pub by: DemandKey,
    /// Weeks or days.
    pub period: Period,
    /// Periods ahead, 1 to [`MAX_HORIZON`].
    pub horizon: usize,
    /// The series with the most units sold, at most this many.
    pub top: usize,
}

/// Most periods ahead.
pub const MAX_HORIZON: usize = 52;

/// Fewest whole periods of history a forecast needs: enough for validation windows.
pub const MIN_PERIODS: usize = 8;

/// One period's units.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PeriodValue {
    /// The period's first day, `YYYY-MM-DD`.
    pub start: String,
    /// Units.
    pub units: f64,
}

/// One series' history and forecast.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SeriesForecast {
    /// The category or item.
    pub key: String,
    /// The model chosen for it.
    pub model: String,
    /// Units in all history periods.
    pub total_units: f64,
    /// The latest history periods (up to 26), oldest first.
    pub history: Vec<PeriodValue>,
    /// The forecast periods.
    pub forecast: Vec<PeriodValue>,
}

/// Forecasts of the top series.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DemandForecast {
    /// `week` or `day`.
    pub period: &'static str,
    /// `category` or `item`.
    pub by: &'static str,
    /// The first day of the first forecast period.
    pub forecast_from: String,
    /// Whole history periods used.
    pub history_periods: usize,
    /// The series, most units first.
    pub series: Vec<SeriesForecast>,
}

fn date(day: Day) -> String {
    let (y, m, d) = civil_date(day);
    format!("{y:04}-{m:02}-{d:02}")
}

/// "Auto" per series: `aisle-forecast`'s demand chooser, so the served forecast gains every
/// model the crate adds to it.
fn selector(horizon: usize) -> SelectConfig {
    SelectConfig::demand(horizon)
}

impl Engine {
    /// Units sold per key per period from the store, and the next `horizon` periods of the
    /// `top` series by units sold.
    pub fn demand_forecast(&self, request: &DemandRequest) -> Result<DemandForecast> {
        if !(1..=MAX_HORIZON).contains(&request.horizon) {
            return Err(Error::InvalidRequest(format!(
                "horizon is {}; forecast 1 to {MAX_HORIZON} periods ahead",
                request.horizon
            )));
        }
        if request.top == 0 {
            return Err(Error::InvalidRequest("top is 0; ask for at least one series".into()));
        }
        let records = self.sales(request.by)?;
        let Some(range) = DayRange::covering(records.iter().map(|r| r.day)) else {
            return Err(Error::InvalidRequest(
                "the store holds no sales (orders or purchase events) to forecast from".into(),
            ));
        };
        let daily =
            daily_by_key(records, range).map_err(|e| Error::InvalidRequest(e.to_string()))?;
        let mut series: Vec<(String, Day, Vec<f64>)> = daily
            .into_iter()
            .map(|(key, days)| match request.period {
                // The first and last weeks are usually partial: dropped, so a short week does
                // not read as a slump.
                Period::Week => {
                    let weekly = days.weekly(PartialWeeks::Drop);
                    (key, weekly.first_monday, weekly.values)
                }
                Period::Day => (key, days.first_day, days.values),
            })
            .collect();
        let periods = series.first().map_or(0, |s| s.2.len());
        let needed = MIN_PERIODS + request.horizon;
        if periods < needed {
            return Err(Error::InvalidRequest(format!(
                "the sales span {periods} whole {}s; forecasting {} ahead needs at least {needed}",
                period_name(request.period),
                request.horizon
            )));
        }
        let step: Day = match request.period {
            Period::Week => 7,
            Period::Day => 1,
        };
        series.sort_by(|a, b| {
            let total = |s: &[f64]| s.iter().sum::<f64>();
            total(&b.2).total_cmp(&total(&a.2)).then_with(|| a.0.cmp(&b.0))
        });
        series.truncate(request.top);
        let selector = selector(request.horizon);
        let forecast_from = series.first().map_or(0, |s| s.1 + step * periods as Day);
        let mut out = Vec::with_capacity(series.len());
        for (key, first, values) in series {
            let chosen = selector.fit(&values).map_err(|e| Error::InvalidRequest(e.to_string()))?;
            let ahead = chosen.forecast(request.horizon);
            let shown = values.len().saturating_sub(26);
            out.push(SeriesForecast {
                key,
                model: chosen.label.clone(),
                total_units: values.iter().sum(),
                history: values[shown..]
                    .iter()
                    .enumerate()
                    .map(|(i, units)| PeriodValue {
                        start: date(first + step * (shown + i) as Day),
                        units: *units,
                    })
                    .collect(),
                forecast: ahead
                    .iter()
                    .enumerate()
                    .map(|(i, units)| PeriodValue {
                        start: date(forecast_from + step * i as Day),
                        // Demand is never negative; a trend may say otherwise.
                        units: (units.max(0.0) * 100.0).round() / 100.0,
                    })
                    .collect(),
            });
        }
        Ok(DemandForecast {
            period: period_name(request.period),
            by: match request.by {
                DemandKey::Category => "category",
                DemandKey::Item => "item",
            },
            forecast_from: date(forecast_from),
            history_periods: periods,
            series: out,
        })
    }

    /// Every sale the store can attribute: order lines of kept orders (shoppers' and guests'),
    /// else a shopper's purchase events.
    fn sales(&self, by: DemandKey) -> Result<Vec<DemandRecord<String>>> {
        let catalog = self.catalog_facts()?;
        let key_of = |item: &str| match by {
            DemandKey::Item => item.to_string(),
            DemandKey::Category => catalog
                .item(item)
                .and_then(|facts| facts.category.clone())
                .unwrap_or_else(|| "uncategorised".into()),
        };
        let day = |millis: i64| millis.div_euclid(86_400_000);
        let order_lines = |order: &Order, records: &mut Vec<DemandRecord<String>>| {
            if matches!(order.status, OrderStatus::Cancelled | OrderStatus::Returned) {
                return;
            }
            for line in &order.lines {
                records.push(DemandRecord {
                    day: day(order.created_at.millis()),
                    key: key_of(line.item.as_str()),
                    quantity: line.quantity.max(0) as f64,
                });
            }
        };
        let mut records = Vec::new();
        self.each_history(&mut |_| {}, |_, history| {
            if history.orders.is_empty() {
                for event in &history.events {
                    let Some(item) =
                        event.item.as_ref().filter(|_| event.kind == EventKind::Purchase)
                    else {
                        continue;
                    };
                    records.push(DemandRecord {
                        day: day(event.timestamp.millis()),
                        key: key_of(item.as_str()),
                        quantity: event.quantity.unwrap_or(1).max(0) as f64,
                    });
                }
                return Ok(());
            }
            for order in &history.orders {
                order_lines(order, &mut records);
            }
            Ok(())
        })?;
        self.store().each_guest_order(&mut |order| {
            order_lines(&order, &mut records);
            Ok(())
        })?;
        Ok(records)
    }
}

fn period_name(period: Period) -> &'static str {
    match period {
        Period::Week => "week",
        Period::Day => "day",
    }
}
