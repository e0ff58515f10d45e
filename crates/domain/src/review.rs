//! Reviews: what shoppers wrote about items.

use serde::{Deserialize, Serialize};

use crate::error::{check_text, Error, Result};
use crate::ids::ExternalId;
use crate::limits::MAX_LONG_TEXT_BYTES;
use crate::time::Timestamp;

/// A shopper's review of an item: text and an optional star rating.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Review {
    /// The shop's review id.
    pub id: ExternalId,
    /// Who wrote it, when known.
    #[serde(default)]
    pub user: Option<ExternalId>,
    /// What it is about.
    pub item: ExternalId,
    /// Stars, from 0 to 5 (half stars allowed).
    #[serde(default)]
    pub rating: Option<f32>,
    /// What the shopper wrote.
    #[serde(default)]
    pub text: String,
    /// When it was written.
    #[serde(default)]
    pub created_at: Option<Timestamp>,
}

impl Review {
    /// Checks the rating range and text length.
    pub fn validate(&self) -> Result<()> {
        if let Some(rating) = self.rating {
            check_rating(f64::from(rating))?;
        }
        if self.text.trim().is_empty() && self.rating.is_none() {
            return Err(Error::Empty { field: "text" });
        }
        check_text("text", &self.text, MAX_LONG_TEXT_BYTES, true)
    }
}

/// Ratings run from 0 to 5 stars.
pub(crate) fn check_rating(rating: f64) -> Result<()> {
    if rating.is_finite() && (0.0..=5.0).contains(&rating) {
        Ok(())
    } else {
        Err(Error::OutOfRange { field: "rating", value: rating.to_string(), range: "0 to 5" })
    }
}
