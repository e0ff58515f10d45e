//! The shopping assistant as the server runs it: the assistant (built on first use, rebuilt when
//! the shop saves its knowledge base), the open conversations, and [`ServerTools`], the shop's
//! tools over the live search index, serving model, reviews and the store.
//!
//! Conversations live in memory, at most [`MAX_CONVERSATIONS`], each forgotten an hour after its
//! last turn. A conversation belongs to the shopper who started it: another `user_id` on the
//! same id is refused, so nobody can answer "yes" to someone else's proposal.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use aisle_domain::ExternalId;
use aisle_engine::assistant::{
    Assistant, Conversation, Embedder, NewTicket, OrderView, ProductCard, ProductQuery,
    ReviewDigest, ShopTools, TicketView,
};
use aisle_engine::nlu::{Language, SlotVocabulary};
use aisle_engine::search::{Filters, SearchRequest};
use aisle_engine::History;

use crate::problem::Problem;
use crate::routes::recommendations::{feed, rank, shopper_history, Controls};
use crate::state::AppState;

/// Open conversations kept; the least recently used goes first past this.
pub const MAX_CONVERSATIONS: usize = 10_000;
/// A conversation is forgotten this long after its last turn.
const IDLE: Duration = Duration::from_secs(3600);

/// One open conversation.
pub(crate) struct Open {
    pub(crate) conversation: Conversation,
    touched: Instant,
}

/// The assistant and its conversations.
#[derive(Default)]
pub(crate) struct AssistantState {
    built: Mutex<Option<Built>>,
    conversations: Mutex<HashMap<String, Arc<Mutex<Open>>>>,
}

/// An assistant with the catalog vocabulary it was built with.
#[derive(Clone)]
pub(crate) struct Built {
    pub(crate) assistant: Arc<Assistant>,
    pub(crate) vocabulary: Arc<SlotVocabulary>,
}

impl AssistantState {
    /// The assistant, built on first use from the data directory.
    pub(crate) fn get(&self, state: &AppState) -> Result<Built, Problem> {
        let mut built =
            self.built.lock().map_err(|_| Problem::internal("assistant lock poisoned"))?;
        if let Some(ready) = built.as_ref() {
            return Ok(ready.clone());
        }
        let ready = build(state)?;
        *built = Some(ready.clone());
        Ok(ready)
    }

    /// Drops the built assistant so the next turn rebuilds it (a new knowledge base).
    pub(crate) fn invalidate(&self) {
        if let Ok(mut built) = self.built.lock() {
            *built = None;
        }
    }

    /// The conversation with this id, new if unknown; a 409 when it belongs to another shopper.
    pub(crate) fn conversation(
        &self,
        id: &str,
        user: Option<&str>,
    ) -> Result<Arc<Mutex<Open>>, Problem> {
        let mut map = self
            .conversations
            .lock()
            .map_err(|_| Problem::internal("conversations lock poisoned"))?;
        let now = Instant::now();
        map.retain(|_, open| {
            open.lock().map(|o| now.duration_since(o.touched) < IDLE).unwrap_or(false)
        });
        if let Some(open) = map.get(id) {
            let owner = open.lock().map_err(|_| Problem::internal("conversation lock poisoned"))?;
            if owner.conversation.user.as_deref() != user {
                return Err(Problem::new(
                    axum::http::StatusCode::CONFLICT,
                    format!(
                        "conversation `{id}` belongs to another shopper (or to a guest); start a new conversation_id"
                    ),
                ));
            }
            drop(owner);
            let open = open.clone();
            if let Ok(mut o) = open.lock() {
                o.touched = now;
            }
            return Ok(open);
        }
        if map.len() >= MAX_CONVERSATIONS {
            let oldest = map
                .iter()
                .filter_map(|(key, open)| open.lock().ok().map(|o| (o.touched, key.clone())))
                .min()
                .map(|(_, key)| key);
            if let Some(key) = oldest {
                map.remove(&key);
            }
        }
        let open = Arc::new(Mutex::new(Open {
            conversation: Conversation::new(id, user.map(str::to_string)),
            touched: now,
        }));
        map.insert(id.to_string(), open.clone());
        Ok(open)
    }
}

fn build(state: &AppState) -> Result<Built, Problem> {
    let engine = state.engine();
    let intents = engine.intent_model()?;
    let mut knowledge = engine.knowledge_base()?;
    let embedder = state
        .search
        .index()
        .and_then(|index| index.semantic())
        .map(|semantic| Arc::new(QueryEmbedder(semantic)) as Arc<dyn Embedder>);
    if let Some(embedder) = &embedder {
        knowledge.embed_with(embedder.as_ref());
    }
    let mut assistant = Assistant::new(intents, Arc::new(knowledge));
    if let Some(embedder) = embedder {
        assistant = assistant.with_embedder(embedder);
    }
    if let Some(llm) = engine.chat_model()? {
        let languages: Vec<Language> = engine
            .config()
            .assistant
            .llm_languages
            .iter()
            .filter_map(|code| match code.as_str() {
                "en" => Some(Language::English),
                "zh" => Some(Language::Chinese),
                _ => None,
            })
            .collect();
        assistant = assistant.with_llm(llm, &languages);
    }
    Ok(Built { assistant: Arc::new(assistant), vocabulary: Arc::new(vocabulary(state)?) })
}

/// The catalog's category and brand names, each bilingual name also in its parts ("耳机
/// Headphones" reads as "耳机" and "Headphones" too).
fn vocabulary(state: &AppState) -> Result<SlotVocabulary, Problem> {
    let (mut categories, mut brands) = (Vec::new(), Vec::new());
    let mut after = None;
    loop {
        let page = state.engine().store().list_items(after, 1000).map_err(Problem::internal)?;
        let Some((last, _)) = page.last() else { break };
        after = Some(*last);
        for (_, item) in &page {
            for name in item.categories.iter().chain(item.brand.iter()) {
                let list =
                    if item.brand.as_ref() == Some(name) { &mut brands } else { &mut categories };
                list.push(name.clone());
                list.extend(
                    name.split(' ').filter(|part| part.chars().count() >= 2).map(str::to_string),
                );
            }
        }
        if page.len() < 1000 {
            break;
        }
    }
    for list in [&mut categories, &mut brands] {
        list.sort();
        list.dedup();
    }
    Ok(SlotVocabulary { categories, brands })
}

/// The search index's sentence model, for the knowledge base (English only: the model reads
/// Chinese as unknown tokens).
struct QueryEmbedder(Arc<aisle_engine::search::semantic::SemanticIndex>);

impl Embedder for QueryEmbedder {
    fn embed(&self, text: &str) -> Option<Vec<f32>> {
        if aisle_engine::nlu::language_of(text) == Language::Chinese {
            return None;
        }
        self.0.embed_query(text).ok().map(|(vector, _)| vector.to_vec())
    }
}

/// The shop's tools over the live server.
pub(crate) struct ServerTools<'a> {
    pub(crate) state: &'a AppState,
    pub(crate) vocabulary: &'a SlotVocabulary,
}

fn tool_error(tool: &'static str) -> impl Fn(Problem) -> aisle_engine::assistant::Error {
    move |problem| aisle_engine::assistant::Error::Tool { tool, reason: problem.detail }
}

fn engine_error(
    tool: &'static str,
) -> impl Fn(aisle_engine::Error) -> aisle_engine::assistant::Error {
    move |error| aisle_engine::assistant::Error::Tool { tool, reason: error.to_string() }
}

/// A shopper's id and an order number as ids; `None` when either is not a valid id, which
/// answers like an order that is not theirs.
fn order_ids(user: &str, order: &str) -> Option<(ExternalId, ExternalId)> {
    Some((ExternalId::parse(user).ok()?, ExternalId::parse(order).ok()?))
}

fn parsed(tool: &'static str, id: &str) -> Result<ExternalId, aisle_engine::assistant::Error> {
    ExternalId::parse(id)
        .map_err(|e| aisle_engine::assistant::Error::Tool { tool, reason: e.to_string() })
}

impl ServerTools<'_> {
    fn card(&self, id: &ExternalId) -> aisle_engine::Result<Option<ProductCard>> {
        let Some(item) = self.state.engine().store().item(id)? else { return Ok(None) };
        let ratings: Vec<f32> = self
            .state
            .engine()
            .item_reviews(id)?
            .unwrap_or_default()
            .iter()
            .filter_map(|r| r.rating)
            .collect();
        let rating = (!ratings.is_empty())
            .then(|| (ratings.iter().sum::<f32>() / ratings.len() as f32, ratings.len() as u32));
        Ok(Some(ProductCard {
            item_id: item.id.to_string(),
            title: item.title,
            price: item.price.as_ref().map(|p| p.amount),
            currency: item.price.map(|p| p.currency),
            categories: item.categories,
            brand: item.brand,
            rating,
        }))
    }

    fn cards(
        &self,
        ids: impl IntoIterator<Item = String>,
    ) -> aisle_engine::assistant::Result<Vec<ProductCard>> {
        let mut cards = Vec::new();
        for id in ids {
            let id = parsed("catalog", &id)?;
            cards.extend(self.card(&id).map_err(engine_error("catalog"))?);
        }
        Ok(cards)
    }
}

impl ShopTools for ServerTools<'_> {
    fn search_products(
        &self,
        query: &ProductQuery,
        user: Option<&str>,
        limit: usize,
    ) -> aisle_engine::assistant::Result<Vec<ProductCard>> {
        // Category names go into the words: the catalog's names are bilingual paths the
        // shopper only ever says half of.
        let words: Vec<&str> =
            [Some(query.text.as_str()), query.category.as_deref()].into_iter().flatten().collect();
        let request = SearchRequest {
            query: words.join(" ").trim().to_string(),
            limit,
            filters: Filters {
                brands: query.brand.iter().cloned().collect(),
                min_price: query.price_min,
                max_price: query.price_max,
                ..Filters::default()
            },
            facets: Some(Vec::new()),
            prefix: false,
            ..SearchRequest::default()
        };
        let user = user.map(|u| parsed("search", u)).transpose()?;
        let results = crate::routes::search::run(self.state, &request, user.as_ref())
            .map_err(tool_error("search"))?;
        self.cards(results.hits.into_iter().map(|hit| hit.id))
    }

    fn recommend(
        &self,
        user: Option<&str>,
        limit: usize,
    ) -> aisle_engine::assistant::Result<Vec<ProductCard>> {
        let feed = feed(self.state).map_err(tool_error("recommend"))?;
        let user = user.map(|u| parsed("recommend", u)).transpose()?;
        let (row, history) = match &user {
            Some(user) => {
                shopper_history(self.state, &feed, user).map_err(tool_error("recommend"))?
            }
            None => (None, History::default()),
        };
        let ranking =
            if history.is_empty() { feed.trending_ranking() } else { feed.ranking(row, &history) };
        let controls = Controls { n: Some(limit), ..Controls::default() };
        let picks = rank(self.state, &feed, &ranking, &history.items, &controls)
            .map_err(tool_error("recommend"))?;
        self.cards(picks.iter().filter_map(|p| feed.item_id(p.item).map(ToString::to_string)))
    }

    fn product(&self, item_id: &str) -> aisle_engine::assistant::Result<Option<ProductCard>> {
        self.card(&parsed("catalog", item_id)?).map_err(engine_error("catalog"))
    }

    fn review_digest(
        &self,
        item_id: &str,
        language: Language,
    ) -> aisle_engine::assistant::Result<Option<ReviewDigest>> {
        let view = match crate::routes::reviews::summary_of(self.state, item_id, 0) {
            Ok(view) => view,
            Err(problem) if problem.status == 404 => return Ok(None),
            Err(problem) => return Err(tool_error("reviews")(problem)),
        };
        let summary = view.summary;
        if summary.reviews == 0 {
            return Ok(None);
        }
        let label = |p: &aisle_engine::review_text::summary::Point| match language {
            Language::English => p.label_en.to_string(),
            Language::Chinese => p.label_zh.to_string(),
        };
        Ok(Some(ReviewDigest {
            reviews: summary.reviews,
            positive_share: Some(summary.sentiment.positive as f32 / summary.reviews as f32),
            pros: summary.pros.iter().take(3).map(label).collect(),
            cons: summary.cons.iter().take(3).map(label).collect(),
        }))
    }

    fn order(
        &self,
        user: &str,
        order_id: &str,
    ) -> aisle_engine::assistant::Result<Option<OrderView>> {
        let Some((user, order)) = order_ids(user, order_id) else { return Ok(None) };
        self.state.engine().order_of(&user, &order).map_err(engine_error("orders"))
    }

    fn recent_orders(
        &self,
        user: &str,
        limit: usize,
    ) -> aisle_engine::assistant::Result<Vec<OrderView>> {
        let user = parsed("orders", user)?;
        self.state.engine().recent_orders(&user, limit).map_err(engine_error("orders"))
    }

    fn cancel_order(
        &self,
        user: &str,
        order_id: &str,
    ) -> aisle_engine::assistant::Result<Option<OrderView>> {
        let Some((user, order)) = order_ids(user, order_id) else { return Ok(None) };
        self.state.engine().cancel_order(&user, &order).map_err(engine_error("cancel_order"))
    }

    fn open_ticket(&self, ticket: &NewTicket) -> aisle_engine::assistant::Result<String> {
        let opened = self
            .state
            .engine()
            .open_ticket(ticket, crate::routes::dashboard::now())
            .map_err(engine_error("tickets"))?;
        metrics::counter!("aisle_assistant_tickets_total", "kind" => ticket.kind.as_str())
            .increment(1);
        Ok(opened.id)
    }

    fn tickets(&self, user: &str) -> aisle_engine::assistant::Result<Vec<TicketView>> {
        let tickets = self.state.engine().tickets().map_err(engine_error("tickets"))?;
        Ok(tickets
            .iter()
            .filter(|t| t.user_id.as_deref() == Some(user))
            .map(|t| t.view())
            .collect())
    }

    fn vocabulary(&self) -> &SlotVocabulary {
        self.vocabulary
    }
}
