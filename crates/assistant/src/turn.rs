//! One answered turn: the reply, the intent read, the actions taken and the products shown.
//! Its serialized form is the body of `POST /v1/assistant/chat`.

use serde::Serialize;

use crate::tools::{ProductCard, TicketKind};

/// What the assistant did or asked for on a turn, for the caller's records and the widget.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Action {
    /// Searched the catalog.
    SearchProducts {
        /// The query sent to the index.
        query: String,
        /// How many products came back.
        results: usize,
    },
    /// Asked the recommender.
    Recommend {
        /// How many products came back.
        results: usize,
    },
    /// Looked up one product and its reviews.
    ShowProduct {
        /// The product.
        item_id: String,
    },
    /// Put products side by side.
    CompareProducts {
        /// The products.
        item_ids: Vec<String>,
    },
    /// Looked up an order.
    TrackOrder {
        /// The order.
        order_id: String,
        /// Its state.
        status: String,
    },
    /// Asked the shopper to confirm an action.
    AskConfirmation {
        /// What would be done: `cancel_order` or `open_ticket`.
        proposal: String,
        /// The order concerned.
        order_id: Option<String>,
    },
    /// Cancelled an order (after the shopper's yes).
    CancelOrder {
        /// The order.
        order_id: String,
        /// Its state afterwards.
        status: String,
    },
    /// Opened a ticket for a person.
    OpenTicket {
        /// The ticket.
        ticket_id: String,
        /// Why.
        kind: TicketKind,
    },
    /// Answered from the knowledge base.
    AnswerFromKnowledge {
        /// The entry's id.
        entry_id: String,
    },
    /// Asked for a missing detail.
    AskForSlot {
        /// `order_id`, `product` or `products`.
        slot: String,
    },
    /// Asked which of two intents was meant.
    Clarify {
        /// The two intents.
        options: Vec<String>,
    },
    /// Asked the shopper to sign in.
    SignInRequired,
    /// Dropped a proposal the shopper declined.
    Declined,
}

/// How the reply's words were made.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Wording {
    /// From the templates.
    Template,
    /// Reworded by the configured LLM and checked against the tool results.
    Llm,
}

/// One turn's answer.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Turn {
    /// What the assistant says.
    pub reply: String,
    /// The intent it read (Bitext names, the shopping intents, or `out_of_scope`).
    pub intent: String,
    /// The classifier's probability for that intent.
    pub confidence: f32,
    /// What it did or asked.
    pub actions: Vec<Action>,
    /// Products shown, best first.
    pub items: Vec<ProductCard>,
    /// What it waits for: `order_id`, `confirmation`, `choice`, or nothing.
    pub awaiting: Option<String>,
    /// `en` or `zh`.
    pub language: String,
    /// Templates or LLM.
    pub wording: Wording,
}
