//! The shop's tools the assistant may call, and the facts they return.
//!
//! The assistant never reads the store itself: whoever runs it (the server) implements
//! [`ShopTools`] over the live catalog, search index, recommender, reviews and orders. Every
//! product, price and order state in a reply comes from one of these results, which is what the
//! grounding check compares the wording against. The tools, not the dialogue, enforce who may
//! see or change what: an order is only ever looked up for the signed-in shopper.

use serde::Serialize;

use crate::error::Result;

/// A product as the assistant shows it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ProductCard {
    /// The shop's item id.
    pub item_id: String,
    /// The product's title.
    pub title: String,
    /// Current price, when the catalog has one.
    pub price: Option<f64>,
    /// ISO currency code of the price.
    pub currency: Option<String>,
    /// Category path, most general first.
    pub categories: Vec<String>,
    /// Brand, when known.
    pub brand: Option<String>,
    /// Average star rating and how many ratings, when there are reviews.
    pub rating: Option<(f32, u32)>,
}

/// What a shopper is looking for, read from their words.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ProductQuery {
    /// Free text for the search index.
    pub text: String,
    /// A category the shop has.
    pub category: Option<String>,
    /// A brand the shop has.
    pub brand: Option<String>,
    /// Lowest price.
    pub price_min: Option<f64>,
    /// Highest price.
    pub price_max: Option<f64>,
}

/// What shoppers' reviews say of an item, in a few lines.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ReviewDigest {
    /// How many reviews.
    pub reviews: u32,
    /// Share of positive reviews, 0 to 1.
    pub positive_share: Option<f32>,
    /// What shoppers like (short phrases).
    pub pros: Vec<String>,
    /// What shoppers dislike.
    pub cons: Vec<String>,
}

/// One line of an order.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct OrderLineView {
    /// The item's id.
    pub item_id: String,
    /// Its title, when the catalog still has it.
    pub title: Option<String>,
    /// Units.
    pub quantity: i64,
}

/// An order as the assistant reports it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct OrderView {
    /// The shop's order number.
    pub order_id: String,
    /// placed, paid, shipped, delivered, cancelled or returned.
    pub status: String,
    /// When it was placed, `YYYY-MM-DD`.
    pub placed_on: String,
    /// What it cost.
    pub total: f64,
    /// ISO currency code.
    pub currency: String,
    /// Its lines.
    pub lines: Vec<OrderLineView>,
}

impl OrderView {
    /// Whether the shop can still cancel it (not yet shipped).
    pub fn cancellable(&self) -> bool {
        matches!(self.status.as_str(), "placed" | "paid")
    }

    /// Whether a refund can be asked for (it reached the shopper or was sent back).
    pub fn refundable(&self) -> bool {
        matches!(self.status.as_str(), "delivered" | "returned" | "shipped")
    }
}

/// Why a ticket is handed to a person.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TicketKind {
    /// The shopper asked for a person.
    Handoff,
    /// A complaint.
    Complaint,
    /// A refund request for an order.
    Refund,
    /// A change to an order.
    OrderChange,
    /// A change of delivery address.
    AddressChange,
}

impl TicketKind {
    /// The snake_case name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Handoff => "handoff",
            Self::Complaint => "complaint",
            Self::Refund => "refund",
            Self::OrderChange => "order_change",
            Self::AddressChange => "address_change",
        }
    }
}

/// A ticket the assistant asks the shop's staff to handle.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct NewTicket {
    /// Why.
    pub kind: TicketKind,
    /// The conversation it came from.
    pub conversation_id: String,
    /// The signed-in shopper, when there is one.
    pub user_id: Option<String>,
    /// The order it is about.
    pub order_id: Option<String>,
    /// The shopper's own words that led to it.
    pub summary: String,
    /// The conversation so far, oldest first, as `shopper: ...` / `assistant: ...` lines.
    pub transcript: Vec<String>,
}

/// A ticket already opened, as the shopper may hear of it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TicketView {
    /// The ticket's id.
    pub ticket_id: String,
    /// Why it was opened.
    pub kind: TicketKind,
    /// open or closed.
    pub status: String,
    /// The order it is about.
    pub order_id: Option<String>,
}

/// The shop's data, as the assistant may use it. Implementations decide visibility: `order`,
/// `orders` and `cancel_order` answer only for orders of `user`.
pub trait ShopTools {
    /// Products matching a query, best first.
    fn search_products(
        &self,
        query: &ProductQuery,
        user: Option<&str>,
        limit: usize,
    ) -> Result<Vec<ProductCard>>;
    /// Products recommended for a shopper (or popular ones for a guest).
    fn recommend(&self, user: Option<&str>, limit: usize) -> Result<Vec<ProductCard>>;
    /// One product by id.
    fn product(&self, item_id: &str) -> Result<Option<ProductCard>>;
    /// What reviews say of a product, with pros and cons named in `language`.
    fn review_digest(
        &self,
        item_id: &str,
        language: aisle_nlu::Language,
    ) -> Result<Option<ReviewDigest>>;
    /// One of the shopper's orders; `None` when it does not exist or is someone else's.
    fn order(&self, user: &str, order_id: &str) -> Result<Option<OrderView>>;
    /// The shopper's most recent orders, newest first.
    fn recent_orders(&self, user: &str, limit: usize) -> Result<Vec<OrderView>>;
    /// Cancels one of the shopper's orders, answering it as it now stands. Called only after
    /// the shopper confirmed; still refuses (answering the order unchanged) when it has shipped.
    fn cancel_order(&self, user: &str, order_id: &str) -> Result<Option<OrderView>>;
    /// Opens a ticket for the shop's staff, answering its id.
    fn open_ticket(&self, ticket: &NewTicket) -> Result<String>;
    /// The shopper's tickets, newest first.
    fn tickets(&self, user: &str) -> Result<Vec<TicketView>>;
    /// The shop's category and brand names, for reading them in messages.
    fn vocabulary(&self) -> &aisle_nlu::SlotVocabulary;
}
