//! Orders: what a shopper bought together, with a status the assistant can report.

use serde::{Deserialize, Serialize};

use crate::error::{excerpt, Error, Result};
use crate::ids::ExternalId;
use crate::item::{check_currency, validate_attributes, Attributes};
use crate::limits::{MAX_PRICE, MAX_QUANTITY};
use crate::time::Timestamp;

/// Where an order stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OrderStatus {
    /// Placed, not yet paid.
    Placed,
    /// Paid, not yet shipped.
    Paid,
    /// On its way.
    Shipped,
    /// Arrived.
    Delivered,
    /// Cancelled before delivery (UCI Online Retail's "C" invoices).
    Cancelled,
    /// Sent back after delivery.
    Returned,
}

impl OrderStatus {
    /// The snake_case name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Placed => "placed",
            Self::Paid => "paid",
            Self::Shipped => "shipped",
            Self::Delivered => "delivered",
            Self::Cancelled => "cancelled",
            Self::Returned => "returned",
        }
    }

    /// Reads a status name.
    pub fn parse(text: &str) -> Result<Self> {
        Ok(match text.trim().to_ascii_lowercase().as_str() {
            "placed" | "new" | "pending" => Self::Placed,
            "paid" => Self::Paid,
            "shipped" => Self::Shipped,
            "delivered" | "completed" | "complete" => Self::Delivered,
            "cancelled" | "canceled" => Self::Cancelled,
            "returned" | "refunded" => Self::Returned,
            _ => {
                return Err(Error::Invalid {
                    field: "status",
                    value: excerpt(text),
                    expected: "one of placed, paid, shipped, delivered, cancelled, returned",
                })
            }
        })
    }
}

/// One line of an order.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OrderLine {
    /// What was ordered.
    pub item: ExternalId,
    /// How many units (always positive; a cancellation is a status, not a sign).
    pub quantity: i64,
    /// Price of one unit.
    pub unit_price: f64,
}

/// An order (an invoice): lines bought together by one shopper.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Order {
    /// The shop's order or invoice number.
    pub id: ExternalId,
    /// The buyer, when signed in.
    #[serde(default)]
    pub user: Option<ExternalId>,
    /// Where it stands.
    pub status: OrderStatus,
    /// When it was placed.
    pub created_at: Timestamp,
    /// Currency of the prices.
    pub currency: String,
    /// What was ordered.
    pub lines: Vec<OrderLine>,
    /// Extra facts: country, shipping method, tracking number...
    #[serde(default)]
    pub attributes: Attributes,
}

impl Order {
    /// Checks lines, quantities, prices and currency.
    pub fn validate(&self) -> Result<()> {
        if self.lines.is_empty() {
            return Err(Error::Empty { field: "lines" });
        }
        for line in &self.lines {
            if line.quantity <= 0 || line.quantity > MAX_QUANTITY {
                return Err(Error::OutOfRange {
                    field: "lines.quantity",
                    value: line.quantity.to_string(),
                    range: "1 to 1,000,000",
                });
            }
            if !line.unit_price.is_finite() || !(0.0..=MAX_PRICE).contains(&line.unit_price) {
                return Err(Error::OutOfRange {
                    field: "lines.unit_price",
                    value: line.unit_price.to_string(),
                    range: "0 to 10,000,000",
                });
            }
        }
        check_currency(&self.currency)?;
        validate_attributes(&self.attributes)
    }

    /// Sum of quantity times unit price over the lines.
    pub fn total(&self) -> f64 {
        self.lines.iter().map(|l| l.quantity as f64 * l.unit_price).sum()
    }
}
