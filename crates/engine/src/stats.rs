//! Store statistics: how many of each record the shop has.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::{Engine, Result};

/// Counts of everything in the store; serialized as the `aisle stats --json` object, whose
/// integer fields `users`, `items`, `events`, `orders`, `reviews` scripts rely on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Stats {
    /// `embedded` or `postgres`.
    pub backend: String,
    /// The data directory.
    pub data_dir: String,
    /// Schema version of the store.
    pub schema_version: u32,
    /// Signed-in users.
    pub users: u64,
    /// Catalog items.
    pub items: u64,
    /// Anonymous sessions.
    pub sessions: u64,
    /// Events.
    pub events: u64,
    /// Orders.
    pub orders: u64,
    /// Reviews.
    pub reviews: u64,
    /// Events by kind name.
    pub events_by_kind: BTreeMap<String, u64>,
}

impl Engine {
    /// Counts the store's records.
    pub fn stats(&self) -> Result<Stats> {
        let counts = self.store.counts()?;
        Ok(Stats {
            backend: match self.store.backend() {
                aisle_store::Backend::Embedded => "embedded".into(),
                aisle_store::Backend::Postgres => "postgres".into(),
            },
            data_dir: self.config.data_dir.display().to_string(),
            schema_version: self.store.schema_version()?,
            users: counts.users,
            items: counts.items,
            sessions: counts.sessions,
            events: counts.events,
            orders: counts.orders,
            reviews: counts.reviews,
            events_by_kind: counts.events_by_kind,
        })
    }
}
