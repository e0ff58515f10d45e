//! Everything models train on, read from the store in one go: the weighted interaction matrix,
//! item texts, order baskets, and the item ids and hidden flags needed to turn indexes back into
//! recommendations.

use aisle_domain::{AttributeValue, ExternalId, InteractionMatrix, Item};
use aisle_recommend::ItemText;
use aisle_store::MatrixOptions;

use crate::{Engine, Result};

/// A snapshot of the shop as training sees it.
#[derive(Debug, Clone)]
pub struct TrainingSet {
    /// Users by items, weighted by the configured event weights.
    pub matrix: InteractionMatrix,
    /// Text of each item, by item index.
    pub items: Vec<ItemText>,
    /// Live orders as item-index baskets.
    pub baskets: Vec<Vec<u32>>,
    /// External id of each item, by item index (dense indexes leave no gaps; `None` only if an
    /// item was listed after the matrix was read).
    pub item_ids: Vec<Option<ExternalId>>,
    /// Items never to recommend (hidden by the shop), by item index.
    pub hidden: Vec<bool>,
    /// Price and availability, by item index, for serving-time filters.
    pub offers: Vec<Offer>,
}

/// What a shopper could pay and whether they can buy it now.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Offer {
    /// Unit price in the item's currency, when known.
    pub price: Option<f64>,
    /// In stock / orderable.
    pub available: bool,
}

const PAGE: usize = 10_000;

impl Engine {
    /// Reads the training snapshot from the store.
    pub fn training_set(&self) -> Result<TrainingSet> {
        let options = MatrixOptions {
            weights: self.config.weights.clone(),
            include_sessions: self.config.training.include_sessions,
            ..MatrixOptions::default()
        };
        let matrix = self.store.interaction_matrix(&options)?;
        let mut items = vec![ItemText::default(); matrix.n_items];
        let mut item_ids: Vec<Option<ExternalId>> = vec![None; matrix.n_items];
        // Items the listing skips (deleted from the catalog) stay hidden: their history remains,
        // but they are never recommended.
        let mut hidden = vec![true; matrix.n_items];
        let mut offers = vec![Offer { price: None, available: true }; matrix.n_items];
        let mut after = None;
        loop {
            let page = self.store.list_items(after, PAGE)?;
            let Some(&(last, _)) = page.last() else { break };
            for (idx, item) in page {
                let Some(slot) = items.get_mut(idx as usize) else { continue };
                *slot = item_text(&item);
                hidden[idx as usize] = item.hidden;
                offers[idx as usize] = Offer {
                    price: item.price.as_ref().map(|p| p.amount),
                    available: item.available,
                };
                item_ids[idx as usize] = Some(item.id);
            }
            after = Some(last);
        }
        let baskets = self.store.baskets()?;
        Ok(TrainingSet { matrix, items, baskets, item_ids, hidden, offers })
    }
}

pub(crate) fn item_text(item: &Item) -> ItemText {
    let attributes = item
        .attributes
        .iter()
        .flat_map(|(key, value)| match value {
            AttributeValue::Text(text) => vec![format!("{key}={text}")],
            AttributeValue::List(list) => list.iter().map(|v| format!("{key}={v}")).collect(),
            AttributeValue::Bool(true) => vec![key.clone()],
            AttributeValue::Bool(false) | AttributeValue::Number(_) => Vec::new(),
        })
        .collect();
    ItemText {
        title: item.title.clone(),
        description: item.description.clone(),
        categories: item.categories.clone(),
        brand: item.brand.clone(),
        attributes,
    }
}
