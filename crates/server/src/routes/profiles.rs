//! A shopper's profile: RFM, segment, lifecycle, activity, affinities, price band and habits,
//! read from the store on each request, with the purchase propensity and its reasons.

use std::sync::Arc;

use aisle_domain::Timestamp;
use aisle_engine::profile::propensity::Reason;
use aisle_engine::profile::Profile;
use axum::extract::State;
use serde::Serialize;

use super::parse_id;
use crate::problem::{Answer, Json, Path, Problem};
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
    pub propensity_detail: PropensityDetail,
}

/// How the propensity was reached.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct PropensityDetail {
    /// Days ahead.
    pub horizon_days: u32,
    /// The strongest features, each with its value and its part in the log-odds.
    #[schema(value_type = Vec<Object>)]
    pub reasons: Vec<Reason>,
    /// The model's AUC on shoppers held out of its training.
    pub validation_auc: Option<f64>,
    /// Why there is no propensity, when there is none.
    pub unavailable: Option<String>,
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
        let propensity = context.propensity(&profile);
        let detail = PropensityDetail {
            horizon_days: aisle_engine::PROPENSITY_HORIZON_DAYS,
            reasons: propensity.as_ref().map(|p| p.reasons.clone()).unwrap_or_default(),
            validation_auc: context
                .propensity
                .as_ref()
                .ok()
                .map(|m| (m.validation().auc * 1000.0).round() / 1000.0),
            unavailable: context.propensity.as_ref().err().cloned(),
        };
        Ok(Json(ProfileView {
            user_id: id,
            as_of: Timestamp::from_millis(context.now)
                .map(Timestamp::to_rfc3339)
                .unwrap_or_default(),
            profile,
            propensity: propensity.map(|p| p.probability),
            propensity_detail: detail,
        }))
    })
    .await
    .map_err(Problem::internal)?
}
