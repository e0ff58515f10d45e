//! The demo storefront's keyless JSON API under `/shop/api` (when `server.storefront` is on):
//! shoppers to browse as, the home page, the category tree and category pages, product pages, a
//! simple search, and the shop's events. Rankings go through the feed routes' `rank` (hidden
//! items, merchandising, filters), so a storefront page shows what `/v1` would answer; events
//! go through the same group-commit writer as `POST /v1/events`.
//!
//! Pages answer with item cards (title, brand, price, why recommended) read from the serving
//! snapshot, so a page costs no store read; only a product page's details and the list of
//! shoppers read the store.

mod catalog;
mod events;
mod pages;
mod product;
mod search;

use std::sync::Arc;

use aisle_domain::ExternalId;
use aisle_engine::{History, Ranking, Snapshot};
use axum::extract::DefaultBodyLimit;
use axum::routing::{any, get, post};
use axum::{Extension, Router};
use serde::Deserialize;

use super::recommendations::{feed, shopper_history};
use super::{blocking, parse_id};
use crate::live::Who;
use crate::problem::Problem;
use crate::state::AppState;

use catalog::{Catalog, Catalogs};

/// Largest storefront event request: a checkout of [`events::MAX_EVENTS`] lines fits easily.
const MAX_EVENT_BODY: usize = 64 * 1024;

/// The storefront's routes; when the storefront is off, every `/shop/api` path is a 404 (the
/// storefront's page route would otherwise answer them with its HTML).
pub fn routes(state: &AppState) -> Router<Arc<AppState>> {
    if !state.engine().config().server.storefront {
        return Router::new()
            .route("/shop/api", any(off))
            .route("/shop/api/", any(off))
            .route("/shop/api/{*rest}", any(off));
    }
    Router::new()
        .route("/shop/api/shoppers", get(pages::shoppers))
        .route("/shop/api/home", get(pages::home))
        .route("/shop/api/categories", get(pages::categories))
        .route("/shop/api/category", get(pages::category))
        .route("/shop/api/items/{id}", get(product::item))
        .route("/shop/api/items/{id}/reviews", get(product::reviews))
        .route("/shop/api/search", get(search::search))
        .route("/shop/api/suggest", get(search::suggest))
        .route("/shop/api/assistant/chat", post(super::assistant::storefront_chat))
        .route(
            "/shop/api/events",
            post(events::post_events).layer(DefaultBodyLimit::max(MAX_EVENT_BODY)),
        )
        .route("/shop/api", any(unknown))
        .route("/shop/api/", any(unknown))
        .route("/shop/api/{*rest}", any(unknown))
        .layer(Extension(Arc::new(Catalogs::default())))
}

async fn off() -> Problem {
    Problem::not_found("the storefront is turned off (server.storefront = false)")
}

async fn unknown(uri: axum::http::Uri) -> Problem {
    Problem::not_found(format!("no storefront route {}; see docs/storefront.md", uri.path()))
}

/// Who is browsing.
#[derive(Debug, Clone)]
pub(crate) enum Shopper {
    /// A signed-in shopper, by the shop's customer id.
    User(ExternalId),
    /// An anonymous session.
    Session(ExternalId),
    /// Nobody known: a first visit.
    Nobody,
}

impl Shopper {
    /// From a request's `user_id` or `session_id` (not both).
    fn from_query(user_id: Option<&str>, session_id: Option<&str>) -> Result<Self, Problem> {
        match (user_id, session_id) {
            (Some(_), Some(_)) => {
                Err(Problem::bad_request("give `user_id` or `session_id`, not both"))
            }
            (Some(user), None) => Ok(Self::User(parse_id("user_id", user)?)),
            (None, Some(session)) => Ok(Self::Session(parse_id("session_id", session)?)),
            (None, None) => Ok(Self::Nobody),
        }
    }

    /// The shopper's training row (when the snapshot has one) and their stored plus live
    /// history: what the feed routes score.
    fn history(
        &self,
        state: &AppState,
        feed: &Snapshot,
    ) -> Result<(Option<u32>, History), Problem> {
        match self {
            Self::User(user) => shopper_history(state, feed, user),
            Self::Session(session) => Ok((None, state.live.history(Who::Session, session))),
            Self::Nobody => Ok((None, History::default())),
        }
    }
}

/// How a page ranks for a history: the feed model, or trending items when there is none yet.
fn ranking_for<'a>(feed: &'a Snapshot, row: Option<u32>, history: &History) -> Ranking<'a> {
    if history.is_empty() {
        feed.trending_ranking()
    } else {
        feed.ranking(row, history)
    }
}

/// The query every page takes; each uses the parts it needs.
#[derive(Debug, Default, Deserialize)]
pub(crate) struct PageQuery {
    /// The signed-in shopper browsing.
    user_id: Option<String>,
    /// Or the anonymous session browsing.
    session_id: Option<String>,
    /// How many items (pages: 1 to 100).
    n: Option<usize>,
    /// Skip this many first (category and search pages).
    offset: Option<usize>,
    /// A category path, `A > B` (category page).
    pub(crate) path: Option<String>,
}

impl PageQuery {
    pub(crate) fn shopper(&self) -> Result<Shopper, Problem> {
        Shopper::from_query(self.user_id.as_deref(), self.session_id.as_deref())
    }

    pub(crate) fn n(&self, default: usize) -> Result<usize, Problem> {
        let n = self.n.unwrap_or(default);
        if !(1..=MAX_N).contains(&n) {
            return Err(Problem::bad_request(format!("`n` must be 1 to {MAX_N}")));
        }
        Ok(n)
    }

    pub(crate) fn offset(&self) -> Result<usize, Problem> {
        let offset = self.offset.unwrap_or(0);
        if offset > MAX_OFFSET {
            return Err(Problem::bad_request(format!("`offset` must be at most {MAX_OFFSET}")));
        }
        Ok(offset)
    }
}

const MAX_N: usize = 100;
const MAX_OFFSET: usize = 900;

/// The feed snapshot and its storefront catalog (derived on a worker thread the first time).
pub(crate) async fn catalog(
    state: &Arc<AppState>,
    catalogs: &Arc<Catalogs>,
) -> Result<(Arc<Snapshot>, Arc<Catalog>), Problem> {
    let feed = feed(state)?;
    if let Some(catalog) = catalogs.cached(&feed) {
        return Ok((feed, catalog));
    }
    let (catalogs, snapshot) = (catalogs.clone(), feed.clone());
    let catalog = blocking(state, move |s| catalogs.get(s, &snapshot)).await?;
    Ok((feed, catalog))
}
