//! `GET /v1/admin/models` (trained versions and what each model serves) and
//! `GET /v1/admin/reports` (the offline evaluation reports `aisle eval` wrote).

use std::sync::Arc;

use axum::extract::State;
use serde::Serialize;
use serde_json::{Map, Value};

use crate::problem::{Answer, Json, Problem};
use crate::routes::blocking;
use crate::state::AppState;

/// The trained models.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ModelList {
    /// Every model with a trained version, by name, then serving models not trained yet.
    pub models: Vec<ModelView>,
}

/// One model.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ModelView {
    /// The registry name.
    pub name: String,
    /// The version that is active (the one a reload serves); `null` when none is.
    pub active_version: Option<u32>,
    /// What it serves (`feed`, `similar` or `bought_together`, from `[server]`); `null` for
    /// none. A model serving several purposes shows the first of these.
    pub serving: Option<String>,
    /// Every version, oldest first.
    pub versions: Vec<VersionView>,
}

/// One trained version.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct VersionView {
    /// 1, 2, 3... in order of training.
    pub version: u32,
    /// When it was trained (RFC 3339); `null` for versions trained before this was recorded.
    pub trained_at: Option<String>,
    /// Seconds the fit took; `null` like `trained_at`.
    pub fit_seconds: Option<f64>,
    /// The configuration it was trained with; `null` when the file cannot be read.
    #[schema(value_type = Option<Object>)]
    pub config: Option<Value>,
}

/// The trained models, their versions, and which serve.
#[utoipa::path(get, path = "/v1/admin/models", tag = "dashboard",
    responses((status = 200, body = ModelList)),
    security(("api_key" = [])))]
pub async fn models(State(state): State<Arc<AppState>>) -> Answer<ModelList> {
    blocking(&state, |s| {
        let server = &s.engine().config().server;
        let serving = |name: &str| {
            [
                (&server.model, "feed"),
                (&server.similar_model, "similar"),
                (&server.bought_together_model, "bought_together"),
            ]
            .into_iter()
            .find(|(model, _)| model.as_str() == name)
            .map(|(_, purpose)| purpose.to_string())
        };
        let mut models: Vec<ModelView> = s
            .engine()
            .model_summaries()
            .map_err(Problem::internal)?
            .into_iter()
            .map(|m| ModelView {
                serving: serving(&m.name),
                name: m.name,
                active_version: m.active_version,
                versions: m
                    .versions
                    .into_iter()
                    .map(|v| VersionView {
                        version: v.version,
                        trained_at: v.trained_at,
                        fit_seconds: v.fit_seconds,
                        config: v.config,
                    })
                    .collect(),
            })
            .collect();
        // A serving model not trained yet is listed too, so it can be trained from here.
        for name in [&server.model, &server.similar_model, &server.bought_together_model] {
            if !models.iter().any(|m| &m.name == name) {
                models.push(ModelView {
                    name: name.clone(),
                    active_version: None,
                    serving: serving(name),
                    versions: Vec::new(),
                });
            }
        }
        Ok(Json(ModelList { models }))
    })
    .await
}

/// The evaluation reports.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ReportList {
    /// Newest first.
    pub reports: Vec<ReportView>,
}

/// One evaluation report.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ReportView {
    /// The report directory's name under `<data-dir>/reports/` (`eval-<unix seconds>`).
    pub name: String,
    /// When it was written (RFC 3339), from the name or else the file's time.
    pub created_at: Option<String>,
    /// How lists were ranked: `full` or `sampled:N`.
    pub protocol: Option<String>,
    /// How the data was split (`loo`, `ratio:0.8,0.1,0.1`...).
    pub split: Option<String>,
    /// Each model's test metrics, by model label.
    pub results: Vec<ReportResult>,
}

/// One model's results in a report.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ReportResult {
    /// The model's label in the report.
    pub model: String,
    /// Metric name (as the report writes it: `NDCG@10`, `HR@10`...) to value; `null` where
    /// the metric could not be computed.
    #[schema(value_type = Object)]
    pub metrics: Map<String, Value>,
}

/// The offline evaluation reports in the data directory (`aisle eval` writes them to
/// `<data-dir>/reports/eval-<time>/report.json` unless told otherwise), newest first.
#[utoipa::path(get, path = "/v1/admin/reports", tag = "dashboard",
    responses((status = 200, body = ReportList)),
    security(("api_key" = [])))]
pub async fn reports(State(state): State<Arc<AppState>>) -> Answer<ReportList> {
    blocking(&state, |s| {
        let reports = s
            .engine()
            .evaluation_reports()
            .into_iter()
            .map(|report| {
                let json = &report.json;
                let text = |value: &Value| value.as_str().map(String::from);
                let protocol = match &json["protocol"] {
                    Value::String(spec) => Some(spec.clone()),
                    other => text(&other["spec"]).or_else(|| text(&other["name"])),
                };
                let split = match &json["split"] {
                    Value::String(spec) => Some(spec.clone()),
                    other => text(&other["spec"]),
                };
                let results = json["models"]
                    .as_object()
                    .into_iter()
                    .flatten()
                    .map(|(model, metrics)| ReportResult {
                        model: model.clone(),
                        metrics: metrics
                            .as_object()
                            .into_iter()
                            .flatten()
                            .filter(|(_, v)| v.is_number() || v.is_null())
                            .map(|(k, v)| (k.clone(), v.clone()))
                            .collect(),
                    })
                    .collect();
                ReportView {
                    name: report.name,
                    created_at: report.created_at.map(|t| t.to_rfc3339()),
                    protocol,
                    split,
                    results,
                }
            })
            .collect();
        Ok(Json(ReportList { reports }))
    })
    .await
}
