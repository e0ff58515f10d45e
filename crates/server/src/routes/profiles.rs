//! A shopper's profile: RFM, segment, lifecycle, activity, affinities, price band and habits,
//! read from the store on each request, with the purchase propensity and churn risk and their
//! reasons; and the shop's shoppers in groups (RFM segment statistics, behaviour clusters, a
//! segment's export).

use std::sync::Arc;

use aisle_domain::Timestamp;
use aisle_engine::profile::kmeans::MAX_K;
use aisle_engine::profile::prediction::{Detail, Reason};
use aisle_engine::profile::segments::{
    by_churn_risk, by_propensity, clusters, members, segment_stats, to_csv, Clusters, SegmentStats,
    SelectError, CLUSTER_FEATURES, CLUSTER_SEED,
};
use aisle_engine::profile::Profile;
use axum::extract::State;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};

use super::parse_id;
use crate::problem::{Answer, Json, Path, Problem, Query};
use crate::profiles::ProfileState;
use crate::state::AppState;

/// A shopper's profile.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ProfileView {
    /// The shopper.
    pub user_id: String,
    /// The time the profile is read as of (the newest stored event's time), RFC 3339.
    pub as_of: String,
    /// Recency, frequency, monetary value, segment, lifecycle, activity, affinities, price and
    /// habits.
    #[serde(flatten)]
    #[schema(value_type = Object)]
    pub profile: Profile,
    /// The calibrated probability of a purchase within `propensity_detail.horizon_days`;
    /// `null` when the shop's history is too short to train the model.
    pub propensity: Option<f64>,
    /// The horizon and the features that moved the prediction most, or why there is none.
    pub propensity_detail: PredictionDetail,
    /// For a shopper who bought, the calibrated probability of no purchase within
    /// `churn_detail.horizon_days`; `null` for a shopper who never bought (see
    /// `churn_detail.unavailable`) or when the shop's history is too short to train the model.
    pub churn_risk: Option<f64>,
    /// The churn horizon and the features that moved the risk most, or why there is none.
    pub churn_detail: PredictionDetail,
    /// The shopper's vector in the serving model's space, when that model is a factor model
    /// (ALS, BPR...); `null` otherwise.
    pub embedding: Option<EmbeddingView>,
}

/// A shopper's vector in a model's space.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct EmbeddingView {
    /// The model.
    pub model: String,
    /// Its version.
    pub model_version: u32,
    /// The vector, as the model ranks items by it (inner product with item vectors).
    pub vector: Vec<f32>,
}

/// How a prediction (propensity, churn risk) was reached.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct PredictionDetail {
    /// Days ahead.
    pub horizon_days: u32,
    /// The strongest features, each with its value and its part in the log-odds.
    #[schema(value_type = Vec<Object>)]
    pub reasons: Vec<Reason>,
    /// The model's AUC on shoppers held out of its training.
    pub validation_auc: Option<f64>,
    /// Why there is no prediction, when there is none.
    pub unavailable: Option<String>,
}

impl From<Detail> for PredictionDetail {
    fn from(detail: Detail) -> Self {
        Self {
            horizon_days: detail.horizon_days,
            reasons: detail.reasons,
            validation_auc: detail.validation_auc,
            unavailable: detail.unavailable,
        }
    }
}

/// A shopper's profile; a shopper with no events has an empty profile (segment `prospects`,
/// lifecycle `unseen`).
#[utoipa::path(get, path = "/v1/users/{id}/profile", tag = "profiles",
    params(("id" = String, Path, description = "the shop's user id")),
    responses((status = 200, body = ProfileView), (status = 400, body = Problem), (status = 404, body = Problem)),
    security(("api_key" = [])))]
pub async fn profile(
    State(state): State<Arc<AppState>>,
    Path(id): Path<String>,
) -> Answer<ProfileView> {
    let user = parse_id("id", &id)?;
    let worker = state.clone();
    tokio::task::spawn_blocking(move || {
        let context = ProfileState::context(&worker)?;
        let Some(profile) = worker.engine().user_profile(&context, &user)? else {
            return Err(Problem::not_found(format!("no user {id}")));
        };
        let predictions = context.predictions(&profile);
        let embedding = match worker.feed.load_full() {
            Some(feed) => {
                let (row, history) =
                    super::recommendations::shopper_history(&worker, &feed, &user)?;
                feed.user_embedding(row, &history).map(|vector| EmbeddingView {
                    model: feed.model.clone(),
                    model_version: feed.version,
                    vector,
                })
            }
            None => None,
        };
        Ok(Json(ProfileView {
            user_id: id,
            as_of: Timestamp::from_millis(context.now)
                .map(Timestamp::to_rfc3339)
                .unwrap_or_default(),
            profile,
            propensity: predictions.propensity,
            propensity_detail: predictions.propensity_detail.into(),
            churn_risk: predictions.churn_risk,
            churn_detail: predictions.churn_detail.into(),
            embedding,
        }))
    })
    .await
    .map_err(Problem::internal)?
}

/// Segment options.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
pub struct SegmentParams {
    /// Behaviour clusters to make (2 to 20); default 5.
    pub k: Option<usize>,
    /// For an export: `csv` (default) or `json`.
    pub format: Option<String>,
    /// For an export: only shoppers whose purchase propensity is at least this (0 to 1); with
    /// either bound the export is ordered by propensity, likeliest buyer first.
    pub min_propensity: Option<f64>,
    /// For an export: only shoppers whose purchase propensity is at most this.
    pub max_propensity: Option<f64>,
    /// For an export: only shoppers whose churn risk is at least this (0 to 1), likeliest to
    /// lapse first (shoppers who never bought have none and are left out); a propensity band
    /// given as well orders by propensity.
    pub min_churn_risk: Option<f64>,
}

/// The propensity band an export asks for, when it asks for one.
fn propensity_band(params: &SegmentParams) -> Result<Option<(f64, f64)>, Problem> {
    if params.min_propensity.is_none() && params.max_propensity.is_none() {
        return Ok(None);
    }
    let (min, max) = (params.min_propensity.unwrap_or(0.0), params.max_propensity.unwrap_or(1.0));
    if !(0.0..=1.0).contains(&min) || !(0.0..=1.0).contains(&max) || min > max {
        return Err(Problem::bad_request(format!(
            "propensity band {min} to {max}: give 0 <= min_propensity <= max_propensity <= 1"
        )));
    }
    Ok(Some((min, max)))
}

/// The least churn risk an export asks for, when it asks for one.
fn churn_floor(params: &SegmentParams) -> Result<Option<f64>, Problem> {
    match params.min_churn_risk {
        Some(min) if !(0.0..=1.0).contains(&min) => Err(Problem::bad_request(format!(
            "`min_churn_risk` is {min}; give a probability from 0 to 1"
        ))),
        floor => Ok(floor),
    }
}

/// The shop's shoppers in groups.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct SegmentsView {
    /// The time the figures are read as of, RFC 3339.
    pub as_of: String,
    /// Shoppers in the store.
    pub shoppers: usize,
    /// Every RFM segment, best first: shoppers, share, mean recency, frequency and spend,
    /// share of revenue.
    #[schema(value_type = Vec<Object>)]
    pub rfm: Vec<SegmentStats>,
    /// k-means clusters of behaviour (days since last seen, orders, spend, events, events in
    /// 30 days, on log scales), largest first; `null` with too few shoppers.
    #[schema(value_type = Object)]
    pub clusters: Option<Clusters>,
    /// Why there are no clusters, when there are none.
    pub clusters_unavailable: Option<String>,
    /// The features clusters are drawn on.
    pub cluster_features: Vec<&'static str>,
}

fn cluster_count(params: &SegmentParams) -> Result<usize, Problem> {
    let k = params.k.unwrap_or(5);
    if !(2..=MAX_K).contains(&k) {
        return Err(Problem::bad_request(format!("`k` is {k}; ask for 2 to {MAX_K} clusters")));
    }
    Ok(k)
}

/// RFM segment statistics and behaviour clusters of every shopper.
#[utoipa::path(get, path = "/v1/segments", tag = "profiles", params(SegmentParams),
    responses((status = 200, body = SegmentsView), (status = 400, body = Problem)),
    security(("api_key" = [])))]
pub async fn segments(
    State(state): State<Arc<AppState>>,
    Query(params): Query<SegmentParams>,
) -> Answer<SegmentsView> {
    let k = cluster_count(&params)?;
    let worker = state.clone();
    tokio::task::spawn_blocking(move || {
        let context = ProfileState::context(&worker)?;
        let (clusters, unavailable) = match clusters(&context.shoppers, k, CLUSTER_SEED) {
            Ok(found) => (Some(found), None),
            Err(error) => (None, Some(error.to_string())),
        };
        Ok(Json(SegmentsView {
            as_of: Timestamp::from_millis(context.now)
                .map(Timestamp::to_rfc3339)
                .unwrap_or_default(),
            shoppers: context.shoppers.len(),
            rfm: segment_stats(&context.shoppers),
            clusters,
            clusters_unavailable: unavailable,
            cluster_features: CLUSTER_FEATURES.to_vec(),
        }))
    })
    .await
    .map_err(Problem::internal)?
}

/// The shoppers of one segment (an RFM segment such as `champions`, or `cluster-N` of the
/// clusters `k` makes), as CSV (default) or JSON.
#[utoipa::path(get, path = "/v1/segments/{name}/users", tag = "profiles",
    params(("name" = String, Path, description = "an RFM segment or cluster-N"), SegmentParams),
    responses((status = 200, description = "text/csv, or JSON with ?format=json"),
        (status = 400, body = Problem), (status = 404, body = Problem)),
    security(("api_key" = [])))]
pub async fn segment_users(
    State(state): State<Arc<AppState>>,
    Path(name): Path<String>,
    Query(params): Query<SegmentParams>,
) -> Result<Response, Problem> {
    let k = cluster_count(&params)?;
    let band = propensity_band(&params)?;
    let churn_floor = churn_floor(&params)?;
    let json = match params.format.as_deref() {
        None | Some("csv") => false,
        Some("json") => true,
        Some(other) => {
            return Err(Problem::bad_request(format!("`format` is {other:?}; use csv or json")))
        }
    };
    let worker = state.clone();
    tokio::task::spawn_blocking(move || {
        let context = ProfileState::context(&worker)?;
        let chosen = members(&context.shoppers, &name, k, CLUSTER_SEED).map_err(|e| match e {
            SelectError::Unknown(_) | SelectError::NoSuchCluster { .. } => {
                Problem::not_found(e.to_string())
            }
            SelectError::Cluster(_) => Problem::bad_request(e.to_string()),
        })?;
        let chosen = match (churn_floor, &context.churn) {
            (Some(min), Ok(_)) => by_churn_risk(chosen, min, 1.0),
            (Some(_), Err(reason)) => {
                return Err(Problem::bad_request(format!("no churn model to aim with: {reason}")))
            }
            (None, _) => chosen,
        };
        let chosen = match band {
            Some((min, max)) => by_propensity(chosen, min, max),
            None => chosen,
        };
        if json {
            return Ok(
                axum::Json(serde_json::json!({ "segment": name, "users": chosen })).into_response()
            );
        }
        let disposition = format!("attachment; filename=\"segment-{}.csv\"", name.replace('"', ""));
        Ok((
            [
                (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_string()),
                (header::CONTENT_DISPOSITION, disposition),
            ],
            to_csv(&chosen),
        )
            .into_response())
    })
    .await
    .map_err(Problem::internal)?
}
