//! The shop's data model: items, users, events, orders and reviews, with the validation of their
//! values.
//!
//! This crate is the vocabulary every other Aisle crate speaks. It is pure: no IO, no HTTP, no
//! wire JSON formats (serde derives here describe the stored document shape, not an API). Values
//! are checked once, on construction through [`ExternalId::parse`], [`Timestamp::from_millis`]
//! and the `validate` methods, so code downstream can trust them.
//!
//! External ids are strings chosen by the shop; inside Aisle every user, item and anonymous
//! session also gets a dense integer index ([`UserIdx`], [`ItemIdx`], [`SessionIdx`]) so models
//! can use arrays instead of hash maps.
//!
//! ```
//! use aisle_domain::{Event, EventKind, Actor, ExternalId, Timestamp};
//! let event = Event::new(
//!     ExternalId::parse("e-1").unwrap(),
//!     Actor::User(ExternalId::parse("alice").unwrap()),
//!     EventKind::View,
//!     Timestamp::from_millis(1_700_000_000_000).unwrap(),
//! )
//! .with_item(ExternalId::parse("sku-42").unwrap());
//! assert!(event.validate().is_ok());
//! ```

mod batch;
pub mod calendar;
mod error;
mod event;
mod ids;
mod item;
mod matrix;
mod order;
mod review;
mod time;
mod user;

pub use batch::Batch;
pub use error::{Error, Result};
pub use event::{Actor, Event, EventContext, EventKind, EventWeights};
pub use ids::{ExternalId, ItemIdx, SessionIdx, UserIdx};
pub use item::{AttributeValue, Attributes, Item, Price};
pub use matrix::{Interaction, InteractionMatrix};
pub use order::{Order, OrderLine, OrderStatus};
pub use review::Review;
pub use time::Timestamp;
pub use user::User;

/// Limits on field sizes. A value past these is rejected with [`Error::TooLong`], so that one
/// runaway field (a 10 MB description pasted by mistake) cannot bloat the store.
pub mod limits {
    /// Longest external id, in bytes.
    pub const MAX_ID_BYTES: usize = 256;
    /// Longest short text (title, brand, category name, attribute key, currency, device...), in bytes.
    pub const MAX_SHORT_TEXT_BYTES: usize = 1_024;
    /// Longest long text (description, review text, search query), in bytes.
    pub const MAX_LONG_TEXT_BYTES: usize = 64 * 1_024;
    /// Most attributes on one item or user.
    pub const MAX_ATTRIBUTES: usize = 256;
    /// Deepest category path.
    pub const MAX_CATEGORY_DEPTH: usize = 16;
    /// Largest absolute quantity on an event or order line.
    pub const MAX_QUANTITY: i64 = 1_000_000;
    /// Largest unit price, in the item's currency.
    pub const MAX_PRICE: f64 = 10_000_000.0;
}
