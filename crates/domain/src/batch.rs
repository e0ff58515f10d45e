//! A batch: records of every kind that travel together from a reader to the store.

use crate::{Event, Item, Order, Review, User};

/// Records bound for the store in one transaction. Importers and the demo generator produce
/// batches; the store writes each one atomically.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Batch {
    /// Catalog items (created or replaced).
    pub items: Vec<Item>,
    /// Users (created or replaced).
    pub users: Vec<User>,
    /// Events (kept once per event id).
    pub events: Vec<Event>,
    /// Orders (created or replaced).
    pub orders: Vec<Order>,
    /// Reviews (created or replaced).
    pub reviews: Vec<Review>,
}

impl Batch {
    /// Number of records of all kinds.
    pub fn len(&self) -> usize {
        self.items.len()
            + self.users.len()
            + self.events.len()
            + self.orders.len()
            + self.reviews.len()
    }

    /// True when the batch holds nothing.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Moves every record of `other` into this batch.
    pub fn append(&mut self, other: &mut Batch) {
        self.items.append(&mut other.items);
        self.users.append(&mut other.users);
        self.events.append(&mut other.events);
        self.orders.append(&mut other.orders);
        self.reviews.append(&mut other.reviews);
    }
}
