//! The product page as JSON: the item's details from the store, and similar items and items
//! bought together from their serving models, in stock and new to the shopper.

use std::collections::BTreeMap;
use std::sync::atomic::Ordering;
use std::sync::Arc;

use aisle_domain::{AttributeValue, ExternalId};
use aisle_engine::Snapshot;
use axum::extract::State;
use axum::Extension;
use serde::Serialize;

use super::catalog::{Card, Catalog, Catalogs, Reason, Shelf};
use super::{catalog, PageQuery};
use crate::problem::{Answer, Json, Path, Problem, Query};
use crate::routes::recommendations::{item_to_items, rank, Controls};
use crate::routes::{blocking, parse_id};
use crate::state::AppState;

/// What a product page shows of an item.
#[derive(Debug, Serialize)]
pub(crate) struct ItemView {
    id: String,
    title: String,
    description: String,
    brand: Option<String>,
    categories: Vec<String>,
    price: Option<f64>,
    currency: Option<String>,
    available: bool,
    /// Attribute values as text.
    attributes: BTreeMap<String, String>,
}

/// A product page.
#[derive(Debug, Serialize)]
pub(crate) struct ItemPage {
    item: ItemView,
    /// Similar items; absent when no similar-items model is loaded.
    similar: Option<Shelf>,
    /// Items bought together with it; absent when no such model is loaded.
    bought_together: Option<Shelf>,
}

/// `GET /shop/api/items/{id}`: the item's details, similar items and items bought together
/// (leaving out what the shopper already interacted with).
pub(crate) async fn item(
    State(state): State<Arc<AppState>>,
    Extension(catalogs): Extension<Arc<Catalogs>>,
    Path(id): Path<String>,
    Query(query): Query<PageQuery>,
) -> Answer<ItemPage> {
    let id = parse_id("id", &id)?;
    let shopper = query.shopper()?;
    let n = query.n(8)?;
    let (feed, catalog) = catalog(&state, &catalogs).await?;
    blocking(&state, move |s| {
        let listed = s.engine().store().item(&id).map_err(Problem::internal)?;
        let Some(listed) = listed.filter(|i| !i.hidden && !s.live.is_hidden(&i.id)) else {
            return Err(Problem::not_found(format!("no item {id} in the shop")));
        };
        let (_, history) = shopper.history(s, &feed)?;
        let seen = &history.items;
        let similar = related(s, &feed, &catalog, &id, seen, n, Relation::Similar)?;
        let together = related(s, &feed, &catalog, &id, seen, n, Relation::BoughtTogether)?;
        let item = ItemView {
            id: listed.id.to_string(),
            title: listed.title,
            description: listed.description,
            brand: listed.brand,
            categories: listed.categories,
            price: listed.price.as_ref().map(|p| p.amount),
            currency: listed.price.map(|p| p.currency),
            available: listed.available,
            attributes: listed
                .attributes
                .into_iter()
                .map(|(key, value)| (key, attribute_text(value)))
                .collect(),
        };
        Ok(Json(ItemPage { item, similar, bought_together: together }))
    })
    .await
}

fn attribute_text(value: AttributeValue) -> String {
    match value {
        AttributeValue::Bool(b) => b.to_string(),
        AttributeValue::Number(x) => x.to_string(),
        AttributeValue::Text(t) => t,
        AttributeValue::List(l) => l.join(", "),
    }
}

/// Which item-to-item model.
#[derive(Debug, Clone, Copy)]
enum Relation {
    Similar,
    BoughtTogether,
}

/// The items in stock an item-to-item model relates to `item`, leaving out `seen` and items the
/// model does not relate at all (score 0); by catalog text for items newer than the model.
fn related(
    state: &AppState,
    feed: &Snapshot,
    catalog: &Catalog,
    item: &ExternalId,
    seen: &[u32],
    n: usize,
    relation: Relation,
) -> Result<Option<Shelf>, Problem> {
    let (slot, kind) = match relation {
        Relation::Similar => (&state.similar, "similar"),
        Relation::BoughtTogether => (&state.together, "together"),
    };
    let Some(model) = slot.load_full() else { return Ok(None) };
    let controls = Controls { n: Some(n), available: Some(true), ..Controls::default() };
    let reason = Reason::about(kind, feed, item.as_str());
    let Some(index) = model.item_index(item) else {
        let answer = item_to_items(state, &model, item, &controls, kind)?.0;
        let items = answer
            .items
            .iter()
            .filter_map(|r| feed.item_index(&ExternalId::parse(r.id.as_str()).ok()?))
            .filter_map(|i| catalog.card(feed, i, Some(reason.clone())))
            .collect();
        return Ok(Some(Shelf { items, model: answer.model, model_version: answer.model_version }));
    };
    let ranking = model.ranking_by(model.similar_scores(index));
    let mut exclude = seen.to_vec();
    exclude.push(index);
    let best = rank(state, &model, &ranking, &exclude, &controls)?;
    let items: Vec<Card> = best
        .iter()
        .filter(|p| p.promoted || ranking.score_of(p.item).is_some_and(|s| s > 0.0))
        .filter_map(|p| {
            let reason = if p.promoted { Reason::plain("promoted") } else { reason.clone() };
            catalog.card(feed, p.item, Some(reason))
        })
        .collect();
    // `rank` counted every pick as shown; the unrelated ones are not.
    let dropped = (best.len() - items.len()) as u64;
    state.recommendations_shown.fetch_sub(dropped, Ordering::Relaxed);
    Ok(Some(Shelf { items, model: model.model.clone(), model_version: model.version }))
}

/// The product page's reviews: the item's review summary and its newest reviews, read.
pub(crate) async fn reviews(
    State(state): State<Arc<AppState>>,
    Path(id): Path<String>,
) -> Answer<crate::routes::reviews::SummaryView> {
    blocking(&state, move |s| {
        // Hidden items are not in the shop: their reviews are not shown either.
        let item = parse_id("id", &id)?;
        let listed = s.engine().store().item(&item).map_err(Problem::internal)?;
        if !listed.is_some_and(|i| !i.hidden && !s.live.is_hidden(&i.id)) {
            return Err(Problem::not_found(format!("no item {id} in the shop")));
        }
        crate::routes::reviews::summary_of(s, &id, 10).map(Json)
    })
    .await
}
