//! Users: signed-in shoppers.

use serde::{Deserialize, Serialize};

use crate::error::Result;
use crate::ids::ExternalId;
use crate::item::{validate_attributes, Attributes};
use crate::time::Timestamp;

/// A signed-in shopper. Anonymous visitors are sessions, not users (see [`crate::Actor`]).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct User {
    /// The shop's customer id.
    pub id: ExternalId,
    /// Free-form attributes (age band, gender, country, loyalty tier...).
    #[serde(default)]
    pub attributes: Attributes,
    /// When the account was created.
    #[serde(default)]
    pub created_at: Option<Timestamp>,
}

impl User {
    /// A user with only an id.
    pub fn new(id: ExternalId) -> Self {
        Self { id, attributes: Attributes::new(), created_at: None }
    }

    /// Checks the attributes.
    pub fn validate(&self) -> Result<()> {
        validate_attributes(&self.attributes)
    }
}
