//! Shopping analytics over the histories it is handed: funnels, paths, recommendation
//! attribution, KPIs, segment movement, top products, and the marketing report page.
//!
//! - [`Collector`] takes each shopper's events and orders once and gives an [`Analysis`] of a
//!   [`Period`]: the KPIs against the period before ([`sales`]), view → cart → purchase
//!   funnels overall and by segment, category and device ([`funnel`], over the visits of
//!   [`visits`]), the common [`paths`] to a purchase and to abandonment, what recommendations
//!   brought ([`attribution`]), how shoppers moved between RFM segments ([`movement`], with
//!   `aisle-profiles`' segments) and the best-selling products.
//! - [`html::render`] turns an analysis into one self-contained HTML page with inline SVG charts.
//!
//! This crate does no IO: it neither reads the store nor writes files; the engine replays the
//! store's histories into it, and the binaries write or serve the page.
//!
//! ```
//! use aisle_analytics::{Collector, Period};
//! use aisle_profiles::CatalogFacts;
//!
//! let period = Period::of_days("2011-12-01", "2011-12-09").unwrap();
//! let catalog = CatalogFacts::default();
//! let mut collector = Collector::new(period, &catalog, 10);
//! collector.add(&[], &[]); // one shopper's events and orders
//! let analysis = collector.finish();
//! assert_eq!(analysis.kpis.current.orders, 0);
//! assert!(aisle_analytics::html::render(&analysis, "now").contains("Marketing report"));
//! ```

pub mod attribution;
mod collect;
mod error;
pub mod funnel;
pub mod html;
pub mod movement;
pub mod paths;
pub mod period;
pub mod sales;
pub mod visits;

#[cfg(test)]
mod testing;
#[cfg(test)]
mod tests;

pub use collect::{Analysis, Collector, DataRange, UNCATEGORISED, UNKNOWN_DEVICE};
pub use error::{Error, Result};
pub use funnel::Breakdown;
pub use period::{Period, DAY_MS};
