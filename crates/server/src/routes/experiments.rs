//! `/v1/experiments`: create, list, change, stop and delete A/B experiments on the home feed,
//! and read their results (conversion per variant with intervals, the significance test and a
//! verdict). Admin scope; the feed route serves each enrolled shopper their variant.

use std::sync::Arc;

use aisle_domain::Timestamp;
use aisle_engine::experiment::{
    results, Comparison, Entry, Experiment, Rate, Results, Status, Variant,
};
use axum::extract::State;
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};

use super::blocking;
use crate::problem::{Answer, Json, Path, Problem};
use crate::state::AppState;

/// Running or stopped.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum StatusView {
    /// Shoppers are assigned, served their variant and counted.
    Running,
    /// Nobody is assigned; the counts stay as they were.
    Stopped,
}

impl From<Status> for StatusView {
    fn from(status: Status) -> Self {
        match status {
            Status::Running => Self::Running,
            Status::Stopped => Self::Stopped,
        }
    }
}

/// One arm of an experiment, as sent.
#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct VariantBody {
    /// Short name, unique in the experiment (`a`, `control`, `als`...).
    pub name: String,
    /// The trained model serving this variant's shoppers (`ease`, `als`, `popular`...).
    pub model: String,
    /// Relative share of the enrolled shoppers (default 1).
    pub weight: Option<f64>,
}

/// An experiment, as sent to create or replace one.
#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ExperimentBody {
    /// Letters, digits, `-`, `_`, `.`; required to create, optional (but equal) to replace.
    pub id: Option<String>,
    /// What is tried.
    pub name: String,
    /// Two or more; the first is the control.
    pub variants: Vec<VariantBody>,
    /// Share of shoppers enrolled, above 0 and at most 1 (default 1).
    pub traffic: Option<f64>,
    /// `running` (default) or `stopped`.
    pub status: Option<StatusView>,
}

impl ExperimentBody {
    fn into_experiment(self, id: String) -> Experiment {
        Experiment {
            id,
            name: self.name,
            variants: self
                .variants
                .into_iter()
                .map(|v| Variant { name: v.name, model: v.model, weight: v.weight.unwrap_or(1.0) })
                .collect(),
            traffic: self.traffic.unwrap_or(1.0),
            status: match self.status.unwrap_or(StatusView::Running) {
                StatusView::Running => Status::Running,
                StatusView::Stopped => Status::Stopped,
            },
            started_at: None,
            stopped_at: None,
        }
    }
}

/// One arm of an experiment.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct VariantView {
    /// Its name.
    pub name: String,
    /// The model serving it.
    pub model: String,
    /// Its weight.
    pub weight: f64,
    /// Its share of the enrolled shoppers.
    pub share: f64,
    /// Shoppers shown it so far.
    pub shoppers: u64,
    /// Whether its model is loaded and serving (only while the experiment runs; `null` when read
    /// offline by `aisle experiments`).
    pub serving: Option<bool>,
}

/// An experiment.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ExperimentView {
    /// Its id.
    pub id: String,
    /// What is tried.
    pub name: String,
    /// Running or stopped.
    pub status: StatusView,
    /// Share of shoppers enrolled.
    pub traffic: f64,
    /// The control's name (the first variant).
    pub control: String,
    /// Its arms.
    pub variants: Vec<VariantView>,
    /// When it first ran (RFC 3339).
    pub started_at: Option<String>,
    /// When it was stopped, while it is.
    pub stopped_at: Option<String>,
}

impl ExperimentView {
    /// The view of an experiment; `serving` says whether a model is loaded (`None`: unknown).
    pub fn of(entry: &Entry, serving: &dyn Fn(&str) -> Option<bool>) -> Self {
        let experiment = &entry.experiment;
        let total: f64 = experiment.variants.iter().map(|v| v.weight).sum();
        let running = experiment.status == Status::Running;
        Self {
            id: experiment.id.clone(),
            name: experiment.name.clone(),
            status: experiment.status.into(),
            traffic: experiment.traffic,
            control: experiment.control().map(|v| v.name.clone()).unwrap_or_default(),
            variants: experiment
                .variants
                .iter()
                .enumerate()
                .map(|(k, v)| VariantView {
                    name: v.name.clone(),
                    model: v.model.clone(),
                    weight: v.weight,
                    share: v.weight / total,
                    shoppers: entry.tallies.get(k).map_or(0, |t| t.shoppers),
                    serving: serving(&v.model).map(|loaded| running && loaded),
                })
                .collect(),
            started_at: experiment.started_at.map(time),
            stopped_at: experiment.stopped_at.map(time),
        }
    }
}

/// The view of an experiment as the running server sees it.
fn view(state: &AppState, entry: &Entry) -> ExperimentView {
    ExperimentView::of(entry, &|model| Some(state.experiments.is_loaded(model)))
}

fn time(millis: i64) -> String {
    Timestamp::from_millis(millis).map(Timestamp::to_rfc3339).unwrap_or_default()
}

/// The shop's experiments.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ExperimentList {
    /// Oldest first.
    pub experiments: Vec<ExperimentView>,
}

/// A rate with its 95% Wilson interval (`null`s while the variant has no shoppers).
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct RateView {
    /// Shoppers counted.
    pub count: u64,
    /// `count / shoppers`.
    pub rate: Option<f64>,
    /// Lower end of the interval.
    pub low: Option<f64>,
    /// Upper end.
    pub high: Option<f64>,
}

impl From<Rate> for RateView {
    fn from(rate: Rate) -> Self {
        Self { count: rate.count, rate: rate.rate, low: rate.low, high: rate.high }
    }
}

/// A challenger against the control.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ComparisonView {
    /// Challenger's rate minus the control's.
    pub difference: f64,
    /// Lower end of the difference's 95% interval (Newcombe).
    pub low: f64,
    /// Upper end.
    pub high: f64,
    /// The difference over the control's rate; `null` when the control's rate is 0.
    pub relative: Option<f64>,
    /// The two-proportion z statistic (positive: the challenger converts better).
    pub z: f64,
    /// Its two-sided p-value.
    pub p_value: f64,
    /// `p_value` under `alpha`.
    pub significant: bool,
}

impl From<Comparison> for ComparisonView {
    fn from(c: Comparison) -> Self {
        Self {
            difference: c.difference,
            low: c.low,
            high: c.high,
            relative: c.relative,
            z: c.z,
            p_value: c.p_value,
            significant: c.significant,
        }
    }
}

/// One variant's results.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct VariantResultView {
    /// Its name.
    pub name: String,
    /// The model serving it.
    pub model: String,
    /// Its share of the enrolled shoppers.
    pub share: f64,
    /// Shoppers shown its recommendations.
    pub shoppers: u64,
    /// Feed answers served.
    pub impressions: u64,
    /// Clicks on recommended items by its shoppers.
    pub clicks: u64,
    /// Purchases of recommended items by its shoppers.
    pub purchases: u64,
    /// Shoppers who clicked or bought a recommended item after being shown one.
    pub conversion: RateView,
    /// Shoppers who bought a recommended item after being shown one.
    pub purchase: RateView,
    /// Against the control on conversion (`null` for the control, or without shoppers).
    pub conversion_vs_control: Option<ComparisonView>,
    /// Against the control on purchases.
    pub purchase_vs_control: Option<ComparisonView>,
}

/// What the results say.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct VerdictView {
    /// `no_traffic`, `not_enough_data`, `no_conversions`, `no_difference`, `better` or `worse`.
    pub outcome: String,
    /// The challenger it speaks of.
    pub variant: Option<String>,
    /// In plain words.
    pub text: String,
}

/// An experiment's results.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ResultsView {
    /// The experiment.
    pub experiment: ExperimentView,
    /// The control's name.
    pub control: String,
    /// The p-value a comparison must stay under (0.05 over the number of challengers).
    pub alpha: f64,
    /// Shoppers each variant needs before a verdict.
    pub min_shoppers: u64,
    /// Every variant, the control first.
    pub variants: Vec<VariantResultView>,
    /// The verdict.
    pub verdict: VerdictView,
}

impl ResultsView {
    /// The results of an experiment as the API answers them (`aisle experiments results --json`
    /// prints the same).
    pub fn of(experiment: ExperimentView, results: Results) -> Self {
        let outcome = serde_json::to_value(results.verdict.outcome)
            .ok()
            .and_then(|v| v.as_str().map(String::from))
            .unwrap_or_default();
        Self {
            experiment,
            control: results.control,
            alpha: results.alpha,
            min_shoppers: results.min_shoppers,
            variants: results
                .variants
                .into_iter()
                .map(|v| VariantResultView {
                    name: v.name,
                    model: v.model,
                    share: v.share,
                    shoppers: v.tally.shoppers,
                    impressions: v.tally.impressions,
                    clicks: v.tally.clicks,
                    purchases: v.tally.purchases,
                    conversion: v.conversion.into(),
                    purchase: v.purchase.into(),
                    conversion_vs_control: v.conversion_vs_control.map(Into::into),
                    purchase_vs_control: v.purchase_vs_control.map(Into::into),
                })
                .collect(),
            verdict: VerdictView {
                outcome,
                variant: results.verdict.variant,
                text: results.verdict.text,
            },
        }
    }
}

/// Every experiment, oldest first.
#[utoipa::path(get, path = "/v1/experiments", tag = "experiments",
    responses((status = 200, body = ExperimentList)),
    security(("api_key" = [])))]
pub async fn list(State(state): State<Arc<AppState>>) -> Json<ExperimentList> {
    let book = state.experiments.book();
    let experiments = book.experiments.iter().map(|e| view(&state, e)).collect();
    Json(ExperimentList { experiments })
}

/// Creates an experiment (running unless `status` says `stopped`). Every variant's model must
/// be trained; they are loaded before the answer, so the next feed serves the variants.
#[utoipa::path(post, path = "/v1/experiments", tag = "experiments", request_body = ExperimentBody,
    responses((status = 201, body = ExperimentView), (status = 400, body = Problem), (status = 409, body = Problem)),
    security(("api_key" = [])))]
pub async fn create(
    State(state): State<Arc<AppState>>,
    Json(body): Json<ExperimentBody>,
) -> Result<(StatusCode, Json<ExperimentView>), Problem> {
    let Some(id) = body.id.clone() else {
        return Err(Problem::bad_request("`id` is required: letters, digits, `-`, `_` or `.`"));
    };
    let experiment = body.into_experiment(id.clone());
    let view = apply(&state, experiment, move |book, experiment, now| {
        book.create(experiment, now).map(|_| ())
    })
    .await?;
    Ok((StatusCode::CREATED, Json(view)))
}

/// One experiment.
#[utoipa::path(get, path = "/v1/experiments/{id}", tag = "experiments",
    params(("id" = String, Path, description = "the experiment's id")),
    responses((status = 200, body = ExperimentView), (status = 404, body = Problem)),
    security(("api_key" = [])))]
pub async fn get_one(
    State(state): State<Arc<AppState>>,
    Path(id): Path<String>,
) -> Answer<ExperimentView> {
    let book = state.experiments.book();
    let entry = book.get(&id).map_err(|e| Problem::not_found(e.to_string()))?;
    Ok(Json(view(&state, entry)))
}

/// Replaces an experiment: rename it, change its traffic, stop it (`"status": "stopped"`) or
/// run it again. Its variants can change only while no shopper has been assigned (409 after).
#[utoipa::path(put, path = "/v1/experiments/{id}", tag = "experiments", request_body = ExperimentBody,
    params(("id" = String, Path, description = "the experiment's id")),
    responses((status = 200, body = ExperimentView), (status = 400, body = Problem), (status = 404, body = Problem), (status = 409, body = Problem)),
    security(("api_key" = [])))]
pub async fn put_one(
    State(state): State<Arc<AppState>>,
    Path(id): Path<String>,
    Json(body): Json<ExperimentBody>,
) -> Answer<ExperimentView> {
    let given = body.id.clone().unwrap_or_else(|| id.clone());
    let experiment = body.into_experiment(given);
    let view = apply(&state, experiment, move |book, experiment, now| {
        book.update(&id, experiment, now).map(|_| ())
    })
    .await?;
    Ok(Json(view))
}

/// Deletes an experiment and its counts.
#[utoipa::path(delete, path = "/v1/experiments/{id}", tag = "experiments",
    params(("id" = String, Path, description = "the experiment's id")),
    responses((status = 204), (status = 404, body = Problem)),
    security(("api_key" = [])))]
pub async fn delete_one(
    State(state): State<Arc<AppState>>,
    Path(id): Path<String>,
) -> Result<StatusCode, Problem> {
    blocking(&state, move |s| s.experiments.change(|book| book.remove(&id).map(|_| ()))).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// An experiment's results: per variant, shoppers, conversion and purchase rates with 95%
/// intervals, the difference from the control with its interval and p-value, and a verdict.
#[utoipa::path(get, path = "/v1/experiments/{id}/results", tag = "experiments",
    params(("id" = String, Path, description = "the experiment's id")),
    responses((status = 200, body = ResultsView), (status = 404, body = Problem)),
    security(("api_key" = [])))]
pub async fn results_of(
    State(state): State<Arc<AppState>>,
    Path(id): Path<String>,
) -> Answer<ResultsView> {
    let book = state.experiments.book();
    let entry = book.get(&id).map_err(|e| Problem::not_found(e.to_string()))?;
    Ok(Json(ResultsView::of(view(&state, entry), results(entry))))
}

/// Checks the models of `experiment`, applies `change` to the book and loads the models a
/// running experiment needs; the experiment as it now stands.
async fn apply(
    state: &Arc<AppState>,
    experiment: Experiment,
    change: impl FnOnce(
            &mut aisle_engine::experiment::Book,
            Experiment,
            i64,
        ) -> Result<(), aisle_engine::experiment::Error>
        + Send
        + 'static,
) -> Result<ExperimentView, Problem> {
    blocking(state, move |s| {
        let id = experiment.id.clone();
        // A definition's own mistakes first, so they are not hidden behind a model question.
        experiment.validate().map_err(|e| Problem::bad_request(e.to_string()))?;
        s.engine().check_experiment_models(&experiment)?;
        let now = now_millis();
        s.experiments.change(|book| change(book, experiment, now))?;
        let missing = s.experiments.models().iter().any(|m| !s.experiments.is_loaded(m));
        if missing {
            let problems = s.reload();
            if !problems.is_empty() {
                tracing::warn!(?problems, "models not loaded after an experiment change");
            }
        }
        let book = s.experiments.book();
        let entry = book.get(&id).map_err(|e| Problem::not_found(e.to_string()))?;
        Ok(view(s, entry))
    })
    .await
}

fn now_millis() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_millis() as i64)
        .unwrap_or_default()
}
