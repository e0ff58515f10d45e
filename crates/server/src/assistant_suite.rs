//! The assistant as the CLI drives it in-process: one turn, or the scripted conversation suite
//! run against this server's own shop (the live search index, model, reviews and store).
//!
//! The suite changes the shop (it cancels orders and opens tickets), so it runs against a
//! throwaway demo shop; each script gets a shopper no earlier script used.

use std::collections::HashSet;
use std::sync::Mutex;

use aisle_domain::ExternalId;
use aisle_engine::assistant::suite::{self, Script, SuiteReport, SuiteShop};
use aisle_engine::assistant::{
    NewTicket, OrderView, ProductCard, ProductQuery, ReviewDigest, ShopTools, TicketView,
};
use aisle_engine::nlu::{Language, SlotVocabulary};

use crate::assistant::ServerTools;
use crate::routes::assistant::{run_turn, ChatAnswer, ChatRequest};
use crate::state::AppState;

/// Shoppers scanned at most when looking for one with the orders a script needs.
const SCANNED_SHOPPERS: usize = 20_000;

/// One turn of a conversation, as `POST /v1/assistant/chat` would answer it.
pub fn assistant_turn(
    state: &AppState,
    conversation_id: &str,
    user_id: Option<&str>,
    message: &str,
    on_text: &mut dyn FnMut(&str),
) -> Result<ChatAnswer, String> {
    let request = ChatRequest {
        conversation_id: conversation_id.to_string(),
        user_id: user_id.map(str::to_string),
        message: message.to_string(),
    };
    run_turn(state, &request, on_text).map_err(|problem| problem.detail)
}

/// Runs conversation scripts against this shop; waits for the search index first.
pub fn assistant_suite(state: &AppState, scripts: &[Script]) -> Result<SuiteReport, String> {
    if !state.search.wait_opened(std::time::Duration::from_secs(600)) {
        return Err(format!(
            "the search index did not open: {}",
            state.search.unavailable_reason()
        ));
    }
    let built = state.assistant.get(state).map_err(|p| p.detail)?;
    let titles = catalog_titles(state)?;
    let shop = LiveShop {
        tools: ServerTools { state, vocabulary: &built.vocabulary },
        state,
        used: Mutex::new(HashSet::new()),
        titles,
    };
    Ok(suite::run(&built.assistant, &shop, scripts))
}

fn catalog_titles(state: &AppState) -> Result<Vec<String>, String> {
    let mut titles = Vec::new();
    let mut after = None;
    loop {
        let page = state.engine().store().list_items(after, 1000).map_err(|e| e.to_string())?;
        let Some((last, _)) = page.last() else { break };
        after = Some(*last);
        titles.extend(page.iter().map(|(_, item)| item.title.clone()));
        if page.len() < 1000 {
            break;
        }
    }
    Ok(titles)
}

struct LiveShop<'a> {
    tools: ServerTools<'a>,
    state: &'a AppState,
    used: Mutex<HashSet<String>>,
    titles: Vec<String>,
}

impl LiveShop<'_> {
    /// Shoppers in index order, with their orders' states, until `wanted` says stop.
    fn scan(&self, wanted: &mut dyn FnMut(&ExternalId, &[String]) -> bool) -> Option<String> {
        let store = self.state.engine().store();
        let mut after = None;
        let mut scanned = 0;
        while scanned < SCANNED_SHOPPERS {
            let page = store.list_users(after, 500, None).ok()?;
            let last = page.last()?;
            after = Some(last.index);
            for user in &page {
                scanned += 1;
                let states: Vec<String> = store
                    .orders_of_user(&user.id)
                    .ok()?
                    .iter()
                    .map(|o| o.status.as_str().to_string())
                    .collect();
                if wanted(&user.id, &states) {
                    return Some(user.id.to_string());
                }
            }
            if page.len() < 500 {
                break;
            }
        }
        None
    }
}

impl SuiteShop for LiveShop<'_> {
    fn shopper_with(&self, states: &[String]) -> Option<String> {
        let used = self.used.lock().ok()?.clone();
        let found = self.scan(&mut |user, have| {
            !used.contains(user.as_str()) && suite::states_match(states, have)
        })?;
        self.used.lock().ok()?.insert(found.clone());
        Some(found)
    }

    fn foreign_order(&self, user: &str) -> Option<String> {
        let store = self.state.engine().store();
        let owner = self.scan(&mut |id, have| id.as_str() != user && !have.is_empty())?;
        let owner = ExternalId::parse(&owner).ok()?;
        store.orders_of_user(&owner).ok()?.first().map(|o| o.id.to_string())
    }

    fn catalog_titles(&self) -> Vec<String> {
        self.titles.clone()
    }
}

impl ShopTools for LiveShop<'_> {
    fn search_products(
        &self,
        query: &ProductQuery,
        user: Option<&str>,
        limit: usize,
    ) -> aisle_engine::assistant::Result<Vec<ProductCard>> {
        self.tools.search_products(query, user, limit)
    }
    fn recommend(
        &self,
        user: Option<&str>,
        limit: usize,
    ) -> aisle_engine::assistant::Result<Vec<ProductCard>> {
        self.tools.recommend(user, limit)
    }
    fn product(&self, item_id: &str) -> aisle_engine::assistant::Result<Option<ProductCard>> {
        self.tools.product(item_id)
    }
    fn review_digest(
        &self,
        item_id: &str,
        language: Language,
    ) -> aisle_engine::assistant::Result<Option<ReviewDigest>> {
        self.tools.review_digest(item_id, language)
    }
    fn order(
        &self,
        user: &str,
        order_id: &str,
    ) -> aisle_engine::assistant::Result<Option<OrderView>> {
        self.tools.order(user, order_id)
    }
    fn recent_orders(
        &self,
        user: &str,
        limit: usize,
    ) -> aisle_engine::assistant::Result<Vec<OrderView>> {
        self.tools.recent_orders(user, limit)
    }
    fn cancel_order(
        &self,
        user: &str,
        order_id: &str,
    ) -> aisle_engine::assistant::Result<Option<OrderView>> {
        self.tools.cancel_order(user, order_id)
    }
    fn open_ticket(&self, ticket: &NewTicket) -> aisle_engine::assistant::Result<String> {
        self.tools.open_ticket(ticket)
    }
    fn tickets(&self, user: &str) -> aisle_engine::assistant::Result<Vec<TicketView>> {
        self.tools.tickets(user)
    }
    fn vocabulary(&self) -> &SlotVocabulary {
        self.tools.vocabulary()
    }
}
