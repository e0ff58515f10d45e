//! The shopping handlers: find, recommend, compare, and questions about one product.
//!
//! Products always come from the tools (search, recommender, product lookup); the conversation
//! remembers what was shown so "the second one" and "compare them" work on the next turn.

use aisle_nlu::Slots;

use crate::assistant::{Assistant, TurnNotes, SHOWN_PRODUCTS};
use crate::conversation::Conversation;
use crate::cues::pointed_positions;
use crate::error::Result;
use crate::tools::{ProductCard, ProductQuery, ShopTools};
use crate::turn::Action;
use crate::wording::Says;

/// At most this many products side by side.
const COMPARED: usize = 3;
/// Recommendations scanned for ones within a budget.
const RECOMMENDED_POOL: usize = 200;

impl Assistant {
    pub(crate) fn find_products(
        &self,
        conversation: &mut Conversation,
        slots: &Slots,
        tools: &dyn ShopTools,
        notes: &mut TurnNotes,
    ) -> Result<Says> {
        let Some(query) = product_query(slots) else {
            notes.actions.push(Action::AskForSlot { slot: "product".into() });
            return Ok(Says::AskWhatProduct);
        };
        let items = self.search(conversation, &query, tools, notes)?;
        if !items.is_empty() {
            return Ok(Says::Products { items });
        }
        // Words the catalog does not use ("a gift for my dad") with a budget: the shopper's
        // recommendations within it.
        let within = self.recommended_within(conversation, &query, tools, notes)?;
        Ok(if within.is_empty() {
            Says::NoProducts { query: describe(&query) }
        } else {
            Says::Recommendations { items: within }
        })
    }

    /// Recommendations for the shopper whose price lies in the query's range; none when the
    /// query has no range.
    fn recommended_within(
        &self,
        conversation: &mut Conversation,
        query: &ProductQuery,
        tools: &dyn ShopTools,
        notes: &mut TurnNotes,
    ) -> Result<Vec<ProductCard>> {
        if query.price_min.is_none() && query.price_max.is_none() {
            return Ok(Vec::new());
        }
        let pool = tools.recommend(conversation.user.as_deref(), RECOMMENDED_POOL)?;
        let items: Vec<ProductCard> = pool
            .into_iter()
            .filter(|card| {
                card.price.is_some_and(|price| {
                    query.price_min.is_none_or(|low| price >= low)
                        && query.price_max.is_none_or(|high| price <= high)
                })
            })
            .take(SHOWN_PRODUCTS)
            .collect();
        notes.actions.push(Action::Recommend { results: items.len() });
        self.show(conversation, &items, notes);
        Ok(items)
    }

    pub(crate) fn recommend_products(
        &self,
        conversation: &mut Conversation,
        slots: &Slots,
        tools: &dyn ShopTools,
        notes: &mut TurnNotes,
    ) -> Result<Says> {
        // A gift "under 50" or "for a runner" is a personalised search; a bare "what do you
        // recommend" is the recommender's.
        if let Some(query) = product_query(slots) {
            let items = self.search(conversation, &query, tools, notes)?;
            if !items.is_empty() {
                return Ok(Says::Recommendations { items });
            }
            let within = self.recommended_within(conversation, &query, tools, notes)?;
            if !within.is_empty() {
                return Ok(Says::Recommendations { items: within });
            }
        }
        let items = tools.recommend(conversation.user.as_deref(), SHOWN_PRODUCTS)?;
        notes.actions.push(Action::Recommend { results: items.len() });
        self.show(conversation, &items, notes);
        Ok(if items.is_empty() {
            Says::NoProducts { query: String::new() }
        } else {
            Says::Recommendations { items }
        })
    }

    pub(crate) fn compare_products(
        &self,
        conversation: &mut Conversation,
        message: &str,
        slots: &Slots,
        tools: &dyn ShopTools,
        notes: &mut TurnNotes,
    ) -> Result<Says> {
        let pointed: Vec<ProductCard> = pointed_positions(message)
            .into_iter()
            .filter_map(|p| conversation.shown.get(p).cloned())
            .take(COMPARED)
            .collect();
        let items = if pointed.len() >= 2 {
            pointed
        } else if let Some(query) = product_query(slots).filter(|q| !q.text.is_empty()) {
            let found = self.search(conversation, &query, tools, notes)?;
            found.into_iter().take(2).collect()
        } else {
            conversation.shown.iter().take(2).cloned().collect()
        };
        if items.len() < 2 {
            notes.actions.push(Action::AskForSlot { slot: "products".into() });
            return Ok(Says::NeedTwoProducts);
        }
        let mut digests = Vec::with_capacity(items.len());
        for item in &items {
            digests.push(tools.review_digest(&item.item_id, conversation.language)?);
        }
        notes.actions.push(Action::CompareProducts {
            item_ids: items.iter().map(|i| i.item_id.clone()).collect(),
        });
        notes.items = items.clone();
        Ok(Says::Comparison { items, digests })
    }

    pub(crate) fn product_question(
        &self,
        conversation: &mut Conversation,
        message: &str,
        slots: &Slots,
        tools: &dyn ShopTools,
        notes: &mut TurnNotes,
    ) -> Result<Says> {
        let pointed =
            pointed_positions(message).first().and_then(|&p| conversation.shown.get(p).cloned());
        let item = match pointed {
            Some(item) => Some(item),
            None => match product_query(slots).filter(|q| !q.text.is_empty()) {
                Some(query) => self.search(conversation, &query, tools, notes)?.into_iter().next(),
                None => conversation.focus.clone().or_else(|| {
                    (conversation.shown.len() == 1).then(|| conversation.shown[0].clone())
                }),
            },
        };
        let Some(item) = item else {
            notes.actions.push(Action::AskForSlot { slot: "product".into() });
            return Ok(Says::AskWhichProduct);
        };
        // The catalog's current card, not a remembered one: prices change.
        let item = tools.product(&item.item_id)?.unwrap_or(item);
        let digest = tools.review_digest(&item.item_id, conversation.language)?;
        notes.actions.push(Action::ShowProduct { item_id: item.item_id.clone() });
        notes.items = vec![item.clone()];
        conversation.focus = Some(item.clone());
        Ok(Says::ProductDetails { item, digest })
    }

    /// Searches, and remembers and lists what was found.
    fn search(
        &self,
        conversation: &mut Conversation,
        query: &ProductQuery,
        tools: &dyn ShopTools,
        notes: &mut TurnNotes,
    ) -> Result<Vec<ProductCard>> {
        let items = tools.search_products(query, conversation.user.as_deref(), SHOWN_PRODUCTS)?;
        notes.actions.push(Action::SearchProducts { query: describe(query), results: items.len() });
        self.show(conversation, &items, notes);
        Ok(items)
    }

    fn show(&self, conversation: &mut Conversation, items: &[ProductCard], notes: &mut TurnNotes) {
        if !items.is_empty() {
            conversation.shown = items.to_vec();
            conversation.focus = (items.len() == 1).then(|| items[0].clone());
        }
        notes.items = items.to_vec();
    }
}

/// The search a message asks for, or `None` when it names nothing to look for.
fn product_query(slots: &Slots) -> Option<ProductQuery> {
    let words: Vec<&str> =
        [slots.colour.as_deref(), slots.product.as_deref()].into_iter().flatten().collect();
    let query = ProductQuery {
        text: words.join(" "),
        category: slots.category.clone(),
        brand: slots.brand.clone(),
        price_min: slots.price_min,
        price_max: slots.price_max,
    };
    let names_something = !query.text.trim().is_empty()
        || query.category.is_some()
        || query.brand.is_some()
        || query.price_min.is_some()
        || query.price_max.is_some();
    names_something.then_some(query)
}

/// A query in a few words, for replies and the action log.
fn describe(query: &ProductQuery) -> String {
    let mut parts: Vec<String> = Vec::new();
    if !query.text.is_empty() {
        parts.push(query.text.clone());
    }
    parts.extend(query.brand.clone());
    parts.extend(query.category.clone());
    match (query.price_min, query.price_max) {
        (Some(low), Some(high)) => parts.push(format!("{low}-{high}")),
        (None, Some(high)) => parts.push(format!("<= {high}")),
        (Some(low), None) => parts.push(format!(">= {low}")),
        (None, None) => {}
    }
    parts.join(" ")
}
