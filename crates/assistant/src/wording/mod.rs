//! What the assistant says, as typed content ([`Says`]) first and words second.
//!
//! The dialogue decides *what* to say from tool results; this module turns it into English or
//! Chinese with templates (the default, needing no model), and lists the facts in it (products,
//! prices, orders and their states) that an LLM's rewording must not go beyond.

mod chinese;
mod english;
mod intents;

use aisle_llm::grounding::Facts;
use aisle_nlu::Language;

pub use intents::describe_intent;

use crate::tools::{OrderView, ProductCard, ReviewDigest, TicketKind, TicketView};

/// The content of one reply.
#[derive(Debug, Clone, PartialEq)]
pub enum Says {
    /// Hello, and what the assistant can do.
    Greeting,
    /// You're welcome.
    Thanks,
    /// Not something the assistant handles, and what it can do instead.
    OutOfScope,
    /// Which of two things the shopper meant.
    Clarify {
        /// Two intent names.
        options: [String; 2],
    },
    /// Orders need a signed-in shopper.
    SignInFirst,
    /// Which order? With the shopper's recent orders as hints.
    AskOrderNumber {
        /// The intent being served.
        intent: String,
        /// Recent orders, newest first.
        recent: Vec<OrderView>,
    },
    /// No such order for this shopper.
    OrderUnknown {
        /// The number given.
        order_id: String,
    },
    /// Where an order stands.
    OrderStatus {
        /// The order.
        order: OrderView,
    },
    /// Shall I cancel it?
    ConfirmCancel {
        /// The order.
        order: OrderView,
    },
    /// Done: cancelled.
    Cancelled {
        /// The order as it now stands.
        order: OrderView,
    },
    /// Too late to cancel.
    NotCancellable {
        /// The order.
        order: OrderView,
    },
    /// The shopper said no: nothing was done.
    Kept,
    /// Shall I pass this to a person?
    ConfirmTicket {
        /// Why.
        kind: TicketKind,
        /// The order it is about.
        order: Option<OrderView>,
    },
    /// A ticket was opened.
    TicketOpened {
        /// Its id.
        ticket_id: String,
        /// Why.
        kind: TicketKind,
    },
    /// The order has not reached the shopper, so there is nothing to refund yet.
    NotRefundable {
        /// The order.
        order: OrderView,
    },
    /// Where a refund stands.
    RefundStatus {
        /// The order.
        order: OrderView,
        /// The refund ticket, if one was opened.
        ticket: Option<TicketView>,
    },
    /// Products found.
    Products {
        /// Best first.
        items: Vec<ProductCard>,
    },
    /// Nothing matched.
    NoProducts {
        /// What was looked for.
        query: String,
    },
    /// What are you looking for?
    AskWhatProduct,
    /// Picks for the shopper.
    Recommendations {
        /// Best first.
        items: Vec<ProductCard>,
    },
    /// Side by side.
    Comparison {
        /// Two or three products.
        items: Vec<ProductCard>,
        /// What reviews say of each, in the same order.
        digests: Vec<Option<ReviewDigest>>,
    },
    /// Comparing needs two products.
    NeedTwoProducts,
    /// One product in detail.
    ProductDetails {
        /// The product.
        item: ProductCard,
        /// What reviews say of it.
        digest: Option<ReviewDigest>,
    },
    /// Which product?
    AskWhichProduct,
    /// A policy answer, verbatim from the knowledge base.
    Knowledge {
        /// The shop's answer.
        answer: String,
    },
    /// No policy answers this; offers a person.
    NoKnowledge,
    /// A tool failed; an apology.
    ToolFailed,
}

impl Says {
    /// The reply in the shopper's language, from templates.
    pub fn word(&self, language: Language) -> String {
        match language {
            Language::English => english::word(self),
            Language::Chinese => chinese::word(self),
        }
    }

    /// Products, prices, orders and states this reply states.
    pub fn facts(&self) -> Facts {
        let mut facts = Facts::default();
        let product = |card: &ProductCard, facts: &mut Facts| {
            facts.product_names.push(card.title.clone());
            facts.prices.extend(card.price);
        };
        let order = |view: &OrderView, facts: &mut Facts| {
            facts.order_ids.push(view.order_id.clone());
            facts.order_states.push(view.status.clone());
            facts.prices.push(view.total);
            for line in &view.lines {
                match &line.title {
                    Some(title) => facts.product_names.push(title.clone()),
                    // A line without a title shows its item id, which reads like a number.
                    None => facts.order_ids.push(line.item_id.clone()),
                }
            }
        };
        match self {
            Says::AskOrderNumber { recent, .. } => recent.iter().for_each(|o| order(o, &mut facts)),
            Says::OrderStatus { order: o }
            | Says::ConfirmCancel { order: o }
            | Says::Cancelled { order: o }
            | Says::NotCancellable { order: o }
            | Says::NotRefundable { order: o } => order(o, &mut facts),
            Says::ConfirmTicket { order: Some(o), .. } => order(o, &mut facts),
            Says::RefundStatus { order: o, ticket } => {
                order(o, &mut facts);
                facts.order_ids.extend(ticket.as_ref().map(|t| t.ticket_id.clone()));
            }
            Says::OrderUnknown { order_id } => facts.order_ids.push(order_id.clone()),
            Says::TicketOpened { ticket_id, .. } => facts.order_ids.push(ticket_id.clone()),
            Says::Products { items }
            | Says::Recommendations { items }
            | Says::Comparison { items, .. } => items.iter().for_each(|c| product(c, &mut facts)),
            Says::ProductDetails { item, .. } => product(item, &mut facts),
            _ => {}
        }
        facts
    }

    /// Whether an LLM may reword this reply: policy answers and apologies stay verbatim.
    pub fn rewordable(&self) -> bool {
        !matches!(self, Says::Knowledge { .. } | Says::ToolFailed | Says::Clarify { .. })
    }
}

/// A price as shoppers read it: the currency's sign where it has a common one.
pub fn price(amount: f64, currency: Option<&str>) -> String {
    match currency.unwrap_or("") {
        "USD" => format!("${amount:.2}"),
        "EUR" => format!("€{amount:.2}"),
        "GBP" => format!("£{amount:.2}"),
        "CNY" | "RMB" => format!("¥{amount:.2}"),
        "" => format!("{amount:.2}"),
        code => format!("{amount:.2} {code}"),
    }
}

/// Star rating as `4.3★ (120)`.
fn rating(card: &ProductCard) -> Option<String> {
    card.rating.map(|(stars, count)| format!("{stars:.1}★ ({count})"))
}
