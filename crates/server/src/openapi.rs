//! The OpenAPI 3.1 document (`/v1/openapi.json`) and the interactive docs (`/v1/docs`, Swagger
//! UI served from the binary). Both are open: they describe the API and hold no shop data.

use std::sync::Arc;

use axum::Router;
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};
use utoipa_swagger_ui::SwaggerUi;

use crate::routes::dashboard::{browse, imports, models, overview, settings, training};
use crate::routes::{
    admin, analytics, assistant, catalog, events, experiments, forecasts, health, next_basket,
    profiles, recommendations, reviews, search, RecordIssue,
};
use crate::state::AppState;

/// The API description.
#[derive(OpenApi)]
#[openapi(
    info(title = "Aisle", description = "Self-hosted personalization for e-commerce: catalog, \
        users, events and real-time recommendations. Every /v1 route needs \
        `Authorization: Bearer KEY` (`aisle keys create --scope read|write|admin`); errors are \
        `application/problem+json`."),
    paths(
        health::live, health::ready,
        catalog::get_item, catalog::list_items, catalog::put_item, catalog::batch_items,
        catalog::hide_item, catalog::delete_item, catalog::get_user, catalog::put_user,
        catalog::batch_users, catalog::delete_user,
        events::post_events,
        recommendations::user_feed, recommendations::session_feed, recommendations::similar,
        recommendations::bought_together,
        recommendations::popular, recommendations::trending, recommendations::rerank,
        search::search, search::suggest, search::status, search::get_settings,
        search::put_settings,
        reviews::post_reviews, reviews::summary, reviews::keywords, reviews::sentiment,
        profiles::profile, profiles::segments, profiles::segment_users,
        next_basket::next_basket, forecasts::demand,
        assistant::chat, assistant::intent, assistant::get_knowledge, assistant::put_knowledge,
        assistant::tickets, assistant::close_ticket,
        analytics::funnel, analytics::paths, analytics::attribution, analytics::marketing_report,
        admin::train, admin::reload, admin::get_merchandising, admin::put_merchandising,
        experiments::list, experiments::create, experiments::get_one, experiments::put_one,
        experiments::delete_one, experiments::results_of,
        overview::overview, models::models, models::reports, training::status, training::start,
        imports::start, imports::status, browse::search_items, browse::users,
        browse::user_events, settings::config, settings::keys, settings::create_key,
        settings::revoke_key,
    ),
    components(schemas(crate::problem::Problem, RecordIssue)),
    modifiers(&BearerKeys),
    tags(
        (name = "recommendations", description = "read scope"),
        (name = "search", description = "read scope (settings and status: admin scope)"),
        (name = "events", description = "write scope"),
        (name = "assistant", description = "chat: write scope; intents: read scope; knowledge base and tickets: admin scope"),
        (name = "reviews", description = "read scope (writing reviews: write scope)"),
        (name = "profiles", description = "admin scope: shopper profiles and predictions"),
        (name = "catalog", description = "admin scope"),
        (name = "users", description = "admin scope"),
        (name = "admin", description = "admin scope"),
        (name = "experiments", description = "admin scope: A/B experiments on the home feed"),
        (name = "analytics", description = "admin scope: funnels, paths, attribution, reports"),
        (name = "dashboard", description = "admin scope: what the web dashboard reads"),
        (name = "operations", description = "no key"),
    )
)]
pub struct ApiDoc;

struct BearerKeys;

impl Modify for BearerKeys {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "api_key",
            SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()),
        );
    }
}

/// The document and the docs page as routes.
pub(crate) fn docs() -> Router<Arc<AppState>> {
    Router::new().merge(SwaggerUi::new("/v1/docs").url("/v1/openapi.json", ApiDoc::openapi()))
}
