//! What the assistant remembers of one conversation: who is talking, in which language, the
//! recent turns, the slots filled so far, what was last shown, and what it is waiting for.
//!
//! A conversation is plain data the caller keeps between turns (the server holds them in memory
//! by id); the assistant reads and updates it on every turn.

use std::collections::VecDeque;

use aisle_nlu::Language;

use crate::tools::{ProductCard, TicketKind};

/// Turns kept for context and tickets' transcripts.
pub const KEPT_TURNS: usize = 12;

/// What the assistant is waiting for before it can go on.
#[derive(Debug, Clone, PartialEq)]
pub enum Pending {
    /// An order number, to carry out `intent`.
    OrderNumber {
        /// The intent being served.
        intent: String,
    },
    /// A yes or no before acting.
    Confirmation(Proposal),
    /// Which of two intents the shopper meant.
    Choice {
        /// The two intents offered, in the order asked.
        options: [String; 2],
        /// The message that was unclear.
        message: String,
    },
}

/// An action that changes something, proposed and waiting for the shopper's yes.
#[derive(Debug, Clone, PartialEq)]
pub enum Proposal {
    /// Cancel this order.
    CancelOrder {
        /// The order.
        order_id: String,
    },
    /// Open a ticket for a person.
    OpenTicket {
        /// Why.
        kind: TicketKind,
        /// The order it is about.
        order_id: Option<String>,
        /// The shopper's words that led to it.
        summary: String,
    },
}

/// Who said a line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Speaker {
    /// The shopper.
    Shopper,
    /// The assistant.
    Assistant,
}

/// One conversation's state.
#[derive(Debug, Clone)]
pub struct Conversation {
    /// The caller's id for it.
    pub id: String,
    /// The signed-in shopper; `None` for a guest, who may ask about products and policies only.
    pub user: Option<String>,
    /// The language of the latest message that had letters.
    pub language: Language,
    /// The latest turns, oldest first.
    pub turns: VecDeque<(Speaker, String)>,
    /// The order being talked about.
    pub order_id: Option<String>,
    /// The products shown last, in the order shown ("the first one", "compare them").
    pub shown: Vec<ProductCard>,
    /// The product talked about last.
    pub focus: Option<ProductCard>,
    /// What the assistant is waiting for.
    pub pending: Option<Pending>,
    /// The intent of the previous turn.
    pub last_intent: Option<String>,
}

impl Conversation {
    /// A new conversation.
    pub fn new(id: impl Into<String>, user: Option<String>) -> Self {
        Self {
            id: id.into(),
            user,
            language: Language::English,
            turns: VecDeque::new(),
            order_id: None,
            shown: Vec::new(),
            focus: None,
            pending: None,
            last_intent: None,
        }
    }

    /// Remembers a line, forgetting the oldest past [`KEPT_TURNS`].
    pub fn remember(&mut self, speaker: Speaker, text: &str) {
        if self.turns.len() == KEPT_TURNS {
            self.turns.pop_front();
        }
        self.turns.push_back((speaker, text.to_string()));
    }

    /// The turns as `shopper: ...` / `assistant: ...` lines, for a ticket.
    pub fn transcript(&self) -> Vec<String> {
        self.turns
            .iter()
            .map(|(speaker, text)| match speaker {
                Speaker::Shopper => format!("shopper: {text}"),
                Speaker::Assistant => format!("assistant: {text}"),
            })
            .collect()
    }
}
