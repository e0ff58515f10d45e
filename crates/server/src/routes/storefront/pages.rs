//! The storefront's browsing pages as JSON: shoppers to browse as, home, the category tree and
//! a category. Each ranks for the shopper named by `user_id` or `session_id`.

use std::sync::Arc;

use aisle_engine::{History, Snapshot};
use axum::extract::State;
use axum::Extension;
use serde::Serialize;

use super::catalog::{Card, Catalog, Catalogs, Category, Reason, Shelf, ShopperView};
use super::{catalog, ranking_for, PageQuery, Shopper};
use crate::problem::{Answer, Json, Problem, Query};
use crate::routes::recommendations::{neighbours, rank, Controls, Pick};
use crate::routes::{blocking, inline};
use crate::state::AppState;

/// Shoppers to browse as.
#[derive(Debug, Serialize)]
pub(crate) struct Shoppers {
    /// The most active shoppers with a history, most active first.
    shoppers: Vec<ShopperView>,
}

/// `GET /shop/api/shoppers`: about twenty real shoppers with the longest histories.
pub(crate) async fn shoppers(
    State(state): State<Arc<AppState>>,
    Extension(catalogs): Extension<Arc<Catalogs>>,
) -> Answer<Shoppers> {
    let (feed, catalog) = catalog(&state, &catalogs).await?;
    if let Some(shoppers) = catalog.shoppers.get() {
        return Ok(Json(Shoppers { shoppers: shoppers.clone() }));
    }
    blocking(&state, move |s| {
        let found = find_shoppers(s, &feed)?;
        let shoppers = catalog.shoppers.get_or_init(|| found).clone();
        Ok(Json(Shoppers { shoppers }))
    })
    .await
}

const SHOPPERS: usize = 20;

/// Shoppers to offer: the first thousand users the store lists (a page, not a scan of all),
/// ranked by the length of their history in the snapshot.
const CANDIDATES: usize = 1_000;

fn find_shoppers(state: &AppState, feed: &Snapshot) -> Result<Vec<ShopperView>, Problem> {
    let listed =
        state.engine().store().list_users(None, CANDIDATES, None).map_err(Problem::internal)?;
    let mut shoppers = Vec::new();
    for user in listed {
        let history = feed.stored_history(Some(user.index)).items.len();
        if history > 0 {
            shoppers.push(ShopperView { id: user.id.to_string(), history });
        }
    }
    shoppers.sort_by(|a, b| b.history.cmp(&a.history).then_with(|| a.id.cmp(&b.id)));
    shoppers.truncate(SHOPPERS);
    Ok(shoppers)
}

/// Who a page was ranked for.
#[derive(Debug, Serialize)]
pub(crate) struct Browsing {
    /// `user`, `session` or `nobody`.
    kind: &'static str,
    /// The shopper's or session's id.
    #[serde(skip_serializing_if = "Option::is_none")]
    id: Option<String>,
    /// Distinct items in their history (stored and live).
    history: usize,
}

impl Browsing {
    fn of(shopper: &Shopper, history: &History) -> Self {
        let (kind, id) = match shopper {
            Shopper::User(id) => ("user", Some(id.to_string())),
            Shopper::Session(id) => ("session", Some(id.to_string())),
            Shopper::Nobody => ("nobody", None),
        };
        Self { kind, id, history: history.items.len() }
    }
}

/// The home page.
#[derive(Debug, Serialize)]
pub(crate) struct Home {
    browsing: Browsing,
    /// The shopper's feed (trending items while they have no history).
    recommended: Shelf,
    /// Trending items not already recommended or seen.
    trending: Shelf,
}

/// `GET /shop/api/home`: personal recommendations and trending items, in stock.
pub(crate) async fn home(
    State(state): State<Arc<AppState>>,
    Extension(catalogs): Extension<Arc<Catalogs>>,
    Query(query): Query<PageQuery>,
) -> Answer<Home> {
    let shopper = query.shopper()?;
    let n = query.n(12)?;
    let (feed, catalog) = catalog(&state, &catalogs).await?;
    inline(&state, move |s| {
        let (row, history) = shopper.history(s, &feed)?;
        // Recommend only what can be bought now; category pages and search list everything.
        let controls = Controls { n: Some(n), available: Some(true), ..Controls::default() };
        let (recommended, shown) = recommended(s, &feed, &catalog, row, &history, &controls)?;
        let mut exclude = history.items.clone();
        exclude.extend(shown);
        let best = rank(s, &feed, &feed.trending_ranking(), &exclude, &controls)?;
        let trending = shelf(&feed, &catalog, "trending", &best, |pick| {
            Reason::plain(if pick.promoted { "promoted" } else { "trending" })
        });
        Ok(Json(Home { browsing: Browsing::of(&shopper, &history), recommended, trending }))
    })
}

/// A shopper's feed as the feed routes rank it, with a reason per item; and the items shown.
fn recommended(
    state: &AppState,
    feed: &Snapshot,
    catalog: &Catalog,
    row: Option<u32>,
    history: &History,
    controls: &Controls,
) -> Result<(Shelf, Vec<u32>), Problem> {
    if history.is_empty() {
        let best = rank(state, feed, &feed.trending_ranking(), &[], controls)?;
        let shelf = shelf(feed, catalog, "trending", &best, |pick| {
            Reason::plain(if pick.promoted { "promoted" } else { "trending" })
        });
        return Ok((shelf, best.iter().map(|p| p.item).collect()));
    }
    let ranking = feed.ranking(row, history);
    let best = rank(state, feed, &ranking, &history.items, controls)?;
    let because = neighbours(state, history, &best);
    let shelf = shelf(feed, catalog, &feed.model, &best, |pick| {
        if pick.promoted {
            return Reason::plain("promoted");
        }
        match because.iter().find(|(item, _)| *item == pick.item) {
            Some((_, anchor)) => Reason::about("because", feed, anchor),
            None => Reason::plain("for_you"),
        }
    });
    Ok((shelf, best.iter().map(|p| p.item).collect()))
}

fn shelf(
    feed: &Snapshot,
    catalog: &Catalog,
    model: &str,
    best: &[Pick],
    reason: impl Fn(&Pick) -> Reason,
) -> Shelf {
    Shelf {
        items: best.iter().filter_map(|p| catalog.card(feed, p.item, Some(reason(p)))).collect(),
        model: model.to_string(),
        model_version: feed.version,
    }
}

/// The category tree.
#[derive(Debug, Serialize)]
pub(crate) struct Categories {
    /// Top-level categories with their subtrees.
    categories: Vec<Category>,
}

/// `GET /shop/api/categories`.
pub(crate) async fn categories(
    State(state): State<Arc<AppState>>,
    Extension(catalogs): Extension<Arc<Catalogs>>,
) -> Answer<Categories> {
    let (_, catalog) = catalog(&state, &catalogs).await?;
    Ok(Json(Categories { categories: catalog.tree.clone() }))
}

/// A category by name and path, without its subtree.
#[derive(Debug, Serialize)]
pub(crate) struct CategoryLink {
    name: String,
    path: String,
    items: usize,
}

impl From<&Category> for CategoryLink {
    fn from(c: &Category) -> Self {
        Self { name: c.name.clone(), path: c.path.clone(), items: c.items }
    }
}

/// A category page.
#[derive(Debug, Serialize)]
pub(crate) struct CategoryPage {
    category: CategoryLink,
    /// Its ancestors, from the root.
    parents: Vec<CategoryLink>,
    /// Its subcategories.
    children: Vec<CategoryLink>,
    /// Items of the subtree, best for the shopper first.
    items: Vec<Card>,
    /// Items in the subtree.
    total: usize,
    offset: usize,
    /// The ranking model (`trending` for shoppers without history).
    model: String,
    model_version: u32,
}

/// `GET /shop/api/category?path=A > B`: the subtree's items ranked for the shopper.
pub(crate) async fn category(
    State(state): State<Arc<AppState>>,
    Extension(catalogs): Extension<Arc<Catalogs>>,
    Query(query): Query<PageQuery>,
) -> Answer<CategoryPage> {
    let shopper = query.shopper()?;
    let (n, offset) = (query.n(24)?, query.offset()?);
    let path = query.path.as_deref().map(str::trim).unwrap_or("");
    if path.is_empty() {
        return Err(Problem::bad_request("give the category as `path`, e.g. `Women > Shoes`"));
    }
    let (feed, catalog) = catalog(&state, &catalogs).await?;
    let Some((parents, found)) = catalog.find(path) else {
        return Err(Problem::not_found(format!("no category `{path}` in the shop")));
    };
    let page = CategoryPage {
        category: found.into(),
        parents: parents.into_iter().map(CategoryLink::from).collect(),
        children: found.children.iter().map(CategoryLink::from).collect(),
        items: Vec::new(),
        total: found.items,
        offset,
        model: String::new(),
        model_version: feed.version,
    };
    let category = found.path.clone();
    inline(&state, move |s| {
        let (row, history) = shopper.history(s, &feed)?;
        let ranking = ranking_for(&feed, row, &history);
        let controls = Controls {
            n: Some(n),
            offset: Some(offset),
            category: Some(category),
            ..Controls::default()
        };
        // A category lists everything in it, seen or not, in the shopper's order.
        let best = rank(s, &feed, &ranking, &[], &controls)?;
        let items = best.iter().filter_map(|p| catalog.card(&feed, p.item, None)).collect();
        let model = if history.is_empty() { "trending".into() } else { feed.model.clone() };
        Ok(Json(CategoryPage { items, model, ..page }))
    })
}
