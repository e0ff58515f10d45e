//! `GET /v1/admin/overview`: the shop in numbers, events per day by kind, the funnel, and what
//! recommendations brought since the server started.
//!
//! The store part reads every event of the window, so it is cached for [`CACHE_FOR`] per
//! window length; the recommendation counters are read fresh on every request.

use std::collections::HashMap;
use std::sync::atomic::Ordering;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use aisle_domain::{EventKind, Timestamp};
use aisle_engine::{Activity, DAY_MILLIS};
use axum::extract::State;
use axum::Extension;
use serde::{Deserialize, Serialize};

use super::{now, Dashboard};
use crate::problem::{Answer, Json, Problem, Query};
use crate::routes::blocking;
use crate::state::AppState;

/// How long one computation of the store's part is reused.
const CACHE_FOR: Duration = Duration::from_secs(30);

/// The window.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
pub struct OverviewParams {
    /// Days of events per day and of the funnel, ending at the day of the newest event: 1 to
    /// 365 (default 30).
    pub days: Option<u32>,
}

/// The overview.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Overview {
    /// What the store holds.
    pub counts: ShopCounts,
    /// Every day of the window (UTC), oldest first, with its events by kind; days without
    /// events are zeros.
    pub events_per_day: Vec<DayEvents>,
    /// Distinct shoppers (users and anonymous sessions) with at least one view, cart and
    /// purchase event in the window.
    pub funnel: Vec<FunnelStage>,
    /// What recommendations brought since the server started.
    pub recommendations: RecommendationStats,
}

/// Record counts.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ShopCounts {
    /// Users (not erased ones).
    pub users: u64,
    /// Items (withdrawn ones too).
    pub items: u64,
    /// Events.
    pub events: u64,
    /// Orders.
    pub orders: u64,
}

/// One day's events by kind (`cart` is `add_to_cart`).
#[derive(Debug, Clone, Default, Serialize, utoipa::ToSchema)]
pub struct DayEvents {
    /// `YYYY-MM-DD` (UTC).
    pub day: String,
    /// Product views.
    pub view: u64,
    /// Clicks.
    pub click: u64,
    /// Items put in the cart.
    pub cart: u64,
    /// Purchases.
    pub purchase: u64,
    /// Ratings.
    pub rating: u64,
    /// Reviews.
    pub review: u64,
    /// Searches.
    pub search: u64,
}

/// One stage of the funnel.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct FunnelStage {
    /// `view`, `cart` or `purchase`.
    pub stage: String,
    /// Distinct shoppers with an event of the stage's kind in the window.
    pub shoppers: u64,
}

/// Recommendations since the server started.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct RecommendationStats {
    /// When the server started (RFC 3339).
    pub since: String,
    /// Recommended items shown (every item of every recommendation answer).
    pub shown: u64,
    /// Accepted `click` events with `referrer` = `recommendation`.
    pub clicked: u64,
    /// Accepted `purchase` events with `referrer` = `recommendation`.
    pub purchased: u64,
    /// `clicked / shown` (0 when nothing was shown).
    pub click_through: f64,
    /// `purchased / clicked` (0 when nothing was clicked).
    pub conversion: f64,
}

/// The store's part of the overview, by window length, with when it was computed.
pub(crate) type Cache = Mutex<HashMap<u32, (Instant, Arc<StorePart>)>>;

#[derive(Debug)]
pub(crate) struct StorePart {
    counts: ShopCounts,
    events_per_day: Vec<DayEvents>,
    funnel: Vec<FunnelStage>,
}

/// The shop in numbers, events per day by kind, the funnel and the recommendations' effect.
#[utoipa::path(get, path = "/v1/admin/overview", tag = "dashboard", params(OverviewParams),
    responses((status = 200, body = Overview), (status = 400, body = Problem)),
    security(("api_key" = [])))]
pub async fn overview(
    State(state): State<Arc<AppState>>,
    Extension(dashboard): Extension<Arc<Dashboard>>,
    Query(params): Query<OverviewParams>,
) -> Answer<Overview> {
    let days = params.days.unwrap_or(30);
    if !(1..=365).contains(&days) {
        return Err(Problem::bad_request("`days` must be 1 to 365"));
    }
    let cached = dashboard.overview.lock().ok().and_then(|cache| {
        cache.get(&days).filter(|(at, _)| at.elapsed() < CACHE_FOR).map(|(_, part)| part.clone())
    });
    let part = match cached {
        Some(part) => part,
        None => {
            let part = Arc::new(blocking(&state, move |s| store_part(s, days)).await?);
            if let Ok(mut cache) = dashboard.overview.lock() {
                cache.insert(days, (Instant::now(), part.clone()));
            }
            part
        }
    };
    Ok(Json(Overview {
        counts: part.counts.clone(),
        events_per_day: part.events_per_day.clone(),
        funnel: part.funnel.clone(),
        recommendations: recommendation_stats(&state, dashboard.started),
    }))
}

fn store_part(state: &AppState, days: u32) -> Result<StorePart, Problem> {
    let store = state.engine().store();
    let counts = store.counts().map_err(Problem::internal)?;
    let newest = store.newest_event_time().map_err(Problem::internal)?;
    let last_day = newest.unwrap_or_else(now).millis() / DAY_MILLIS;
    // Data near the epoch (sequence datasets count positions from it) has no days before it.
    let first_day = (last_day - i64::from(days) + 1).max(0);
    let since = Timestamp::from_millis(first_day * DAY_MILLIS).map_err(Problem::internal)?;
    // The end of the newest event's day, except on 2099-12-31, whose end is past the range of
    // times (only its very last millisecond is then left out).
    let end = (last_day + 1) * DAY_MILLIS;
    let until = Timestamp::from_millis(end)
        .or_else(|_| Timestamp::from_millis(end - 1))
        .map_err(Problem::internal)?;
    let activity = store.activity(since, until).map_err(Problem::internal)?;
    Ok(StorePart {
        counts: ShopCounts {
            users: counts.users,
            items: counts.items,
            events: counts.events,
            orders: counts.orders,
        },
        events_per_day: per_day(&activity, first_day, last_day),
        funnel: [
            ("view", EventKind::View),
            ("cart", EventKind::AddToCart),
            ("purchase", EventKind::Purchase),
        ]
        .into_iter()
        .map(|(stage, kind)| FunnelStage {
            stage: stage.to_string(),
            shoppers: activity.shoppers_by_kind.get(&kind).copied().unwrap_or(0),
        })
        .collect(),
    })
}

/// Every day from `first` to `last` (days since the epoch), zero-filled.
fn per_day(activity: &Activity, first: i64, last: i64) -> Vec<DayEvents> {
    let mut days: Vec<DayEvents> = (first..=last)
        .map(|day| {
            let date = Timestamp::from_millis(day * DAY_MILLIS)
                .map(|t| t.to_rfc3339().get(..10).unwrap_or_default().to_string())
                .unwrap_or_default();
            DayEvents { day: date, ..DayEvents::default() }
        })
        .collect();
    for count in &activity.per_day {
        let Some(day) = usize::try_from(count.day - first).ok().and_then(|k| days.get_mut(k))
        else {
            continue;
        };
        let slot = match count.kind {
            EventKind::View => &mut day.view,
            EventKind::Click => &mut day.click,
            EventKind::AddToCart => &mut day.cart,
            EventKind::Purchase => &mut day.purchase,
            EventKind::Rating => &mut day.rating,
            EventKind::Review => &mut day.review,
            EventKind::Search => &mut day.search,
            EventKind::RemoveFromCart | EventKind::Return | EventKind::Favorite => continue,
        };
        *slot += count.events;
    }
    days
}

fn recommendation_stats(state: &AppState, started: Timestamp) -> RecommendationStats {
    let shown = state.recommendations_shown.load(Ordering::Relaxed);
    let clicked = state.recommendation_clicks.load(Ordering::Relaxed);
    let purchased = state.recommendation_purchases.load(Ordering::Relaxed);
    let ratio = |part: u64, whole: u64| if whole == 0 { 0.0 } else { part as f64 / whole as f64 };
    RecommendationStats {
        since: started.to_rfc3339(),
        shown,
        clicked,
        purchased,
        click_through: ratio(clicked, shown),
        conversion: ratio(purchased, clicked),
    }
}
