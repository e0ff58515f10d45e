//! What the storefront derives from a feed snapshot once (the category tree, each item's search
//! text, the shop's currency, the shoppers to browse as), and the item cards its pages show.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex, OnceLock, Weak};

use aisle_engine::Snapshot;
use serde::Serialize;

use crate::problem::Problem;
use crate::state::AppState;

/// The catalog of the feed snapshot being served, rebuilt when a new snapshot swaps in.
#[derive(Default)]
pub(crate) struct Catalogs {
    current: Mutex<Option<(Weak<Snapshot>, Arc<Catalog>)>>,
}

impl Catalogs {
    /// The catalog of `feed` when it was derived already.
    pub(crate) fn cached(&self, feed: &Arc<Snapshot>) -> Option<Arc<Catalog>> {
        let current = self.current.lock().ok()?;
        // A `Weak` keeps the snapshot's allocation, so no other snapshot can share its address.
        let (snapshot, catalog) = current.as_ref()?;
        (snapshot.as_ptr() == Arc::as_ptr(feed)).then(|| catalog.clone())
    }

    /// The catalog of `feed`, derived now if needed (a pass over every item and one store read:
    /// run it on a worker thread).
    pub(crate) fn get(
        &self,
        state: &AppState,
        feed: &Arc<Snapshot>,
    ) -> Result<Arc<Catalog>, Problem> {
        if let Some(catalog) = self.cached(feed) {
            return Ok(catalog);
        }
        let catalog = Arc::new(Catalog::build(state, feed)?);
        if let Ok(mut current) = self.current.lock() {
            *current = Some((Arc::downgrade(feed), catalog.clone()));
        }
        Ok(catalog)
    }
}

/// The catalog as the storefront shows it.
pub(crate) struct Catalog {
    /// Top-level categories, each with its subtree.
    pub(crate) tree: Vec<Category>,
    /// The currency of the shop's prices, read from one priced item.
    pub(crate) currency: Option<String>,
    /// The shoppers to browse as, found on first use (store reads).
    pub(crate) shoppers: OnceLock<Vec<ShopperView>>,
}

/// A category and its subtree.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct Category {
    /// Its own name.
    pub(crate) name: String,
    /// The path from the root, joined by ` > ` (the `category` filter's form).
    pub(crate) path: String,
    /// Items in the subtree.
    pub(crate) items: usize,
    /// Subcategories, by name.
    pub(crate) children: Vec<Category>,
}

/// A shopper to browse as.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct ShopperView {
    /// The shop's customer id.
    pub(crate) id: String,
    /// Distinct items in their history in the serving snapshot.
    pub(crate) history: usize,
}

/// An item as a page lists it.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct Card {
    pub(crate) id: String,
    pub(crate) title: String,
    pub(crate) brand: Option<String>,
    pub(crate) categories: Vec<String>,
    pub(crate) price: Option<f64>,
    pub(crate) currency: Option<String>,
    pub(crate) available: bool,
    /// Why it is recommended, for shelves of recommendations.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) reason: Option<Reason>,
    /// The title with the words a search matched in `<mark>` (search results only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) highlight: Option<String>,
}

/// Why an item is recommended, for the page to say in its language.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct Reason {
    /// `for_you` (the feed model), `because` (like an item of the history), `trending`,
    /// `similar`, `together` (bought together), `promoted` (by the shop's merchandising).
    pub(crate) kind: &'static str,
    /// The item it relates to (`because`, `similar`, `together`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) item_id: Option<String>,
    /// That item's title.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) item_title: Option<String>,
}

impl Reason {
    pub(crate) fn plain(kind: &'static str) -> Self {
        Self { kind, item_id: None, item_title: None }
    }

    /// A reason naming an item of the snapshot.
    pub(crate) fn about(kind: &'static str, feed: &Snapshot, id: &str) -> Self {
        let title = aisle_domain::ExternalId::parse(id)
            .ok()
            .and_then(|id| feed.item_index(&id))
            .and_then(|i| feed.item_text(i))
            .map(|t| t.title.clone())
            .filter(|t| !t.is_empty());
        Self { kind, item_id: Some(id.to_string()), item_title: title }
    }
}

/// A list of cards and the model that ranked it.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct Shelf {
    pub(crate) items: Vec<Card>,
    /// The ranking model (`trending` for shoppers without history).
    pub(crate) model: String,
    pub(crate) model_version: u32,
}

impl Catalog {
    fn build(state: &AppState, feed: &Snapshot) -> Result<Self, Problem> {
        let mut tree = Node::default();
        let mut priced = None;
        for item in 0..feed.n_items() as u32 {
            let Some(text) = feed.item_text(item) else {
                continue;
            };
            if feed.is_hidden(item) || feed.item_id(item).is_none() {
                continue;
            }
            if priced.is_none() && feed.offer(item).is_some_and(|o| o.price.is_some()) {
                priced = feed.item_id(item).cloned();
            }
            let mut node = &mut tree;
            for name in text.categories.iter().filter(|c| !c.trim().is_empty()) {
                node = node.children.entry(name.trim().to_string()).or_default();
                node.items += 1;
            }
        }
        let currency = match priced {
            Some(id) => state
                .engine()
                .store()
                .item(&id)
                .map_err(Problem::internal)?
                .and_then(|item| item.price)
                .map(|price| price.currency),
            None => None,
        };
        Ok(Self { tree: tree.into_categories(""), currency, shoppers: OnceLock::new() })
    }

    /// The category at `path` (` > `-separated names, case-insensitive), with its ancestors
    /// from the root.
    pub(crate) fn find(&self, path: &str) -> Option<(Vec<&Category>, &Category)> {
        let wanted: Vec<String> =
            path.split('>').map(|s| s.trim().to_lowercase()).filter(|s| !s.is_empty()).collect();
        let mut level = &self.tree;
        let mut trail: Vec<&Category> = Vec::new();
        for name in &wanted {
            let found = level.iter().find(|c| c.name.to_lowercase() == *name)?;
            trail.push(found);
            level = &found.children;
        }
        let found = trail.pop()?;
        Some((trail, found))
    }

    /// An item's card, from the snapshot (no store read); `None` for indexes without an id.
    pub(crate) fn card(&self, feed: &Snapshot, item: u32, reason: Option<Reason>) -> Option<Card> {
        let id = feed.item_id(item)?.to_string();
        let text = feed.item_text(item);
        let offer = feed.offer(item).unwrap_or_default();
        Some(Card {
            title: text.map(|t| t.title.clone()).filter(|t| !t.is_empty()).unwrap_or(id.clone()),
            id,
            brand: text.and_then(|t| t.brand.clone()),
            categories: text.map(|t| t.categories.clone()).unwrap_or_default(),
            price: offer.price,
            currency: offer.price.and(self.currency.clone()),
            available: offer.available,
            reason,
            highlight: None,
        })
    }
}

/// A category tree under construction.
#[derive(Default)]
struct Node {
    items: usize,
    children: BTreeMap<String, Node>,
}

impl Node {
    fn into_categories(self, parent: &str) -> Vec<Category> {
        self.children
            .into_iter()
            .map(|(name, node)| {
                let path =
                    if parent.is_empty() { name.clone() } else { format!("{parent} > {name}") };
                Category { items: node.items, children: node.into_categories(&path), name, path }
            })
            .collect()
    }
}
