//! Identifiers: the shop's string ids and Aisle's dense integer indexes.

use serde::{Deserialize, Serialize};

use crate::error::{excerpt, Error, Result};
use crate::limits::MAX_ID_BYTES;

/// An id chosen by the shop (an SKU, a customer number, a session cookie). Non-empty, at most
/// [`MAX_ID_BYTES`] bytes, no control characters, no leading or trailing white space.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct ExternalId(String);

impl ExternalId {
    /// Checks and wraps an id.
    pub fn parse(value: impl Into<String>) -> Result<Self> {
        Self::parse_field("id", value)
    }

    /// Checks and wraps an id, naming `field` in the error.
    pub fn parse_field(field: &'static str, value: impl Into<String>) -> Result<Self> {
        let value = value.into();
        if value.is_empty() {
            return Err(Error::Empty { field });
        }
        if value.len() > MAX_ID_BYTES {
            return Err(Error::TooLong { field, len: value.len(), max: MAX_ID_BYTES });
        }
        if value.chars().any(char::is_control) {
            return Err(Error::ControlCharacter { field });
        }
        if value.trim() != value {
            return Err(Error::Invalid {
                field,
                value: excerpt(&value),
                expected: "an id without leading or trailing spaces",
            });
        }
        Ok(Self(value))
    }

    /// The id as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Display for ExternalId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl TryFrom<String> for ExternalId {
    type Error = Error;
    fn try_from(value: String) -> Result<Self> {
        Self::parse(value)
    }
}

impl From<ExternalId> for String {
    fn from(id: ExternalId) -> String {
        id.0
    }
}

impl AsRef<str> for ExternalId {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

macro_rules! dense_index {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
        pub struct $name(pub u32);

        impl $name {
            /// The index as a `usize`, for array access.
            pub fn index(self) -> usize {
                self.0 as usize
            }
        }
    };
}

dense_index!(
    /// Dense index of an item inside Aisle: 0, 1, 2, ... in order of first sight.
    ItemIdx
);
dense_index!(
    /// Dense index of a signed-in user inside Aisle.
    UserIdx
);
dense_index!(
    /// Dense index of an anonymous session inside Aisle.
    SessionIdx
);
