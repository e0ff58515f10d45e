//! The shopping assistant's side of the engine: its models and knowledge base from the data
//! directory, the tickets it hands to people, and the order reads and cancellations it asks for.
//!
//! Files under `<data-dir>/assistant/`: `knowledge.json` (the shop's policies, written whole and
//! replaced atomically; the built-in examples until the shop saves its own), `tickets.jsonl`
//! (one ticket a line; a closed ticket is a later line with the same id), `intents.bin` (a
//! retrained intent model, when `aisle assistant train` made one).

use std::io::Write as _;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};

use aisle_assistant::{KnowledgeBase, NewTicket, OrderLineView, OrderView, TicketKind, TicketView};
use aisle_domain::{Batch, ExternalId, Order, OrderStatus, Timestamp};
use aisle_llm::ChatModel;
use aisle_nlu::IntentModel;
use serde::{Deserialize, Serialize};

use crate::{Engine, Error, Result};

/// Ticket writes from every request go through one lock, so ids stay unique and lines whole.
static TICKETS: Mutex<()> = Mutex::new(());

/// A request for a person, as the dashboard lists it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Ticket {
    /// `t-1`, `t-2`, ...
    pub id: String,
    /// Why it was opened.
    pub kind: TicketKind,
    /// `open` or `closed`.
    pub status: String,
    /// When it was opened, RFC 3339.
    pub opened_at: String,
    /// When it was closed.
    #[serde(default)]
    pub closed_at: Option<String>,
    /// The signed-in shopper.
    pub user_id: Option<String>,
    /// The conversation it came from.
    pub conversation_id: String,
    /// The order it is about.
    pub order_id: Option<String>,
    /// The shopper's words that led to it.
    pub summary: String,
    /// The conversation up to then.
    pub transcript: Vec<String>,
}

impl Ticket {
    /// What a shopper may hear of it.
    pub fn view(&self) -> TicketView {
        TicketView {
            ticket_id: self.id.clone(),
            kind: self.kind,
            status: self.status.clone(),
            order_id: self.order_id.clone(),
        }
    }
}

impl Engine {
    /// `<data-dir>/assistant`.
    pub fn assistant_dir(&self) -> PathBuf {
        self.data_dir().join("assistant")
    }

    fn knowledge_path(&self) -> PathBuf {
        self.assistant_dir().join("knowledge.json")
    }

    fn tickets_path(&self) -> PathBuf {
        self.assistant_dir().join("tickets.jsonl")
    }

    /// The shop's knowledge base, or the built-in example policies until it saves one.
    pub fn knowledge_base(&self) -> Result<KnowledgeBase> {
        let path = self.knowledge_path();
        match std::fs::read_to_string(&path) {
            Ok(text) => KnowledgeBase::from_json(&text).map_err(|e| Error::Config {
                detail: format!(
                    "{}: {e}; fix the file or save a new knowledge base",
                    path.display()
                ),
            }),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                KnowledgeBase::builtin().map_err(|e| Error::InvalidRequest(e.to_string()))
            }
            Err(source) => Err(Error::Write { path, source }),
        }
    }

    /// Checks and saves a knowledge base (its JSON array of entries), replacing the old one.
    pub fn save_knowledge_base(&self, json: &str) -> Result<KnowledgeBase> {
        let knowledge =
            KnowledgeBase::from_json(json).map_err(|e| Error::InvalidRequest(e.to_string()))?;
        let path = self.knowledge_path();
        let temporary = path.with_extension("json.tmp");
        std::fs::create_dir_all(self.assistant_dir())
            .and_then(|()| std::fs::write(&temporary, knowledge.to_json()))
            .and_then(|()| std::fs::rename(&temporary, &path))
            .map_err(|source| Error::Write { path, source })?;
        Ok(knowledge)
    }

    /// The intent model: a retrained one in the data directory, else the shipped one.
    pub fn intent_model(&self) -> Result<IntentModel> {
        let retrained = self.assistant_dir().join("intents.bin");
        let loaded =
            if retrained.exists() { IntentModel::load(&retrained) } else { IntentModel::bundled() };
        loaded.map_err(|e| Error::Config { detail: e.to_string() })
    }

    /// The configured LLM, or `None` when `[assistant.llm]` is off.
    pub fn chat_model(&self) -> Result<Option<Arc<dyn ChatModel>>> {
        aisle_llm::open(&self.config().assistant.llm)
            .map_err(|e| Error::Config { detail: format!("[assistant.llm]: {e}") })
    }

    /// Opens a ticket.
    pub fn open_ticket(&self, ticket: &NewTicket, now: Timestamp) -> Result<Ticket> {
        let _guard = TICKETS.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        let count = self.read_tickets()?.len();
        let ticket = Ticket {
            id: format!("t-{}", count + 1),
            kind: ticket.kind,
            status: "open".into(),
            opened_at: now.to_rfc3339(),
            closed_at: None,
            user_id: ticket.user_id.clone(),
            conversation_id: ticket.conversation_id.clone(),
            order_id: ticket.order_id.clone(),
            summary: ticket.summary.clone(),
            transcript: ticket.transcript.clone(),
        };
        self.append_ticket(&ticket)?;
        Ok(ticket)
    }

    /// Closes a ticket; `None` when there is no such ticket.
    pub fn close_ticket(&self, id: &str, now: Timestamp) -> Result<Option<Ticket>> {
        let _guard = TICKETS.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        let Some(mut ticket) = self.read_tickets()?.into_iter().find(|t| t.id == id) else {
            return Ok(None);
        };
        if ticket.status != "closed" {
            ticket.status = "closed".into();
            ticket.closed_at = Some(now.to_rfc3339());
            self.append_ticket(&ticket)?;
        }
        Ok(Some(ticket))
    }

    /// Every ticket as it now stands, newest first.
    pub fn tickets(&self) -> Result<Vec<Ticket>> {
        let mut tickets = self.read_tickets()?;
        tickets.reverse();
        Ok(tickets)
    }

    /// Tickets in opening order, each in its latest state.
    fn read_tickets(&self) -> Result<Vec<Ticket>> {
        let path = self.tickets_path();
        let text = match std::fs::read_to_string(&path) {
            Ok(text) => text,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
            Err(source) => return Err(Error::Write { path, source }),
        };
        let mut tickets: Vec<Ticket> = Vec::new();
        for (number, line) in text.lines().enumerate().filter(|(_, l)| !l.trim().is_empty()) {
            let ticket: Ticket = serde_json::from_str(line).map_err(|e| Error::Config {
                detail: format!(
                    "{} line {}: {e}; fix or remove the line",
                    path.display(),
                    number + 1
                ),
            })?;
            match tickets.iter_mut().find(|t| t.id == ticket.id) {
                Some(existing) => *existing = ticket,
                None => tickets.push(ticket),
            }
        }
        Ok(tickets)
    }

    fn append_ticket(&self, ticket: &Ticket) -> Result<()> {
        let path = self.tickets_path();
        let line =
            serde_json::to_string(ticket).map_err(|e| Error::InvalidRequest(e.to_string()))?;
        std::fs::create_dir_all(self.assistant_dir())
            .and_then(|()| std::fs::OpenOptions::new().create(true).append(true).open(&path))
            .and_then(|mut file| writeln!(file, "{line}"))
            .map_err(|source| Error::Write { path, source })
    }

    /// One of `user`'s orders; `None` when it does not exist or belongs to someone else (the
    /// two look the same, so order numbers cannot be probed).
    pub fn order_of(&self, user: &ExternalId, order: &ExternalId) -> Result<Option<OrderView>> {
        let found = self.store().order(order)?.filter(|o| o.user.as_ref() == Some(user));
        found.map(|o| self.order_view(&o)).transpose()
    }

    /// `user`'s newest orders.
    pub fn recent_orders(&self, user: &ExternalId, limit: usize) -> Result<Vec<OrderView>> {
        let mut orders = self.store().orders_of_user(user)?;
        orders.sort_by(|a, b| b.created_at.cmp(&a.created_at).then_with(|| b.id.cmp(&a.id)));
        orders.iter().take(limit).map(|o| self.order_view(o)).collect()
    }

    /// Cancels one of `user`'s orders if it has not shipped, answering it as it now stands.
    pub fn cancel_order(&self, user: &ExternalId, order: &ExternalId) -> Result<Option<OrderView>> {
        let Some(mut stored) = self.store().order(order)?.filter(|o| o.user.as_ref() == Some(user))
        else {
            return Ok(None);
        };
        if matches!(stored.status, OrderStatus::Placed | OrderStatus::Paid) {
            stored.status = OrderStatus::Cancelled;
            let batch = Batch { orders: vec![stored.clone()], ..Batch::default() };
            self.write(&batch)?;
            tracing::info!(order = %stored.id, "order cancelled by the assistant on the shopper's confirmation");
        }
        self.order_view(&stored).map(Some)
    }

    fn order_view(&self, order: &Order) -> Result<OrderView> {
        let mut lines = Vec::with_capacity(order.lines.len());
        for line in &order.lines {
            let title = self.store().item(&line.item)?.map(|item| item.title);
            lines.push(OrderLineView {
                item_id: line.item.to_string(),
                title,
                quantity: line.quantity,
            });
        }
        let placed = order.created_at.to_rfc3339();
        Ok(OrderView {
            order_id: order.id.to_string(),
            status: order.status.as_str().to_string(),
            placed_on: placed.get(..10).unwrap_or(&placed).to_string(),
            total: (order.total() * 100.0).round() / 100.0,
            currency: order.currency.clone(),
            lines,
        })
    }
}
