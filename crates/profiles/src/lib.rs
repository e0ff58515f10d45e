//! Shopper profiles: what a shop knows about one shopper, folded from their events and orders.
//!
//! - [`ProfileBuilder`] takes a shopper's events and orders one at a time, in any order, and
//!   keeps running totals: recency, frequency and monetary value (RFM), activity, category and
//!   brand affinities, prices paid against each category's prices, hours and devices.
//! - [`Profile`] is what it gives at a point in time: those figures, the lifecycle stage
//!   ([`Lifecycle`]) and, with the shop's RFM cut points ([`RfmScale`]), the RFM scores and
//!   segment ([`Segment`]).
//!
//! - [`segments`]: statistics of every RFM segment and k-means clusters ([`kmeans`]) of the
//!   shoppers' behaviour.
//! - [`prediction`]: the probability that a shopper buys in the next days (propensity), or that
//!   a past buyer buys nothing in them (churn risk), from gradient-boosted trees
//!   (`aisle-predict`) trained on the shop's own past, with the features behind each.
//! - [`next_basket`]: the items a shopper is likely to buy in their next order, from their own
//!   orders (repeat purchases, recent ones weighing more), what the shop's baskets pair with
//!   them, and the shop's popular items.
//!
//! This crate reads records it is handed: it does not query the store or speak HTTP.

mod builder;
mod facts;
pub mod kmeans;
mod lifecycle;
pub mod next_basket;
pub mod prediction;
mod rfm;
pub mod segments;

pub use builder::{Profile, ProfileBuilder, Share, DAY_MS};
pub use facts::{CatalogFacts, ItemFacts, PriceBand};
pub use lifecycle::{Lifecycle, LifecycleRules};
pub use rfm::{RfmScale, RfmScores, Segment};
