//! The shopping assistant and customer service: answers shoppers' questions from the shop's own
//! catalog, orders, reviews and policies, in Chinese and English.
//!
//! - [`Assistant`] runs a turn: intent and slots (`aisle-nlu`), forms that ask for what is
//!   missing, confirmation before any action, hand-off to a person as a ticket, memory across
//!   turns ([`Conversation`]).
//! - [`ShopTools`] is the shop's data as the assistant may use it; the server implements it over
//!   the live catalog, search, recommender, reviews and orders, and it alone decides what a
//!   shopper may see or change.
//! - [`KnowledgeBase`] holds the policies and FAQ the shop edits, retrieved by BM25 and
//!   embeddings fused by reciprocal rank.
//! - Replies are typed content ([`wording::Says`]) worded by templates, or reworded by an LLM
//!   (`aisle-llm`) whose sentences must pass the grounding check against the tool results.
//! - [`suite`] runs scripted multi-turn conversations and checks every reply against what the
//!   tools returned.
//!
//! This crate does no IO of its own (the tools and the LLM do), holds no conversations between
//! turns (the caller does) and knows nothing of HTTP.

mod assistant;
mod conversation;
pub mod cues;
mod error;
pub mod knowledge;
pub mod privacy;
mod reword;
mod route;
mod shopping;
pub mod suite;
pub mod tools;
mod turn;
pub mod wording;

pub use assistant::{Assistant, MAX_MESSAGE_CHARS, SHOWN_PRODUCTS};
pub use conversation::{Conversation, Pending, Proposal, Speaker, KEPT_TURNS};
pub use error::{Error, Result};
pub use knowledge::{Embedder, KnowledgeBase, KnowledgeEntry};
pub use tools::{
    NewTicket, OrderLineView, OrderView, ProductCard, ProductQuery, ReviewDigest, ShopTools,
    TicketKind, TicketView,
};
pub use turn::{Action, Turn, Wording};
