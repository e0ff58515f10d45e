//! Checks on values read back from a database: ids, kind codes and times are validated again,
//! so damage surfaces as an error instead of a panic or a wrong answer downstream.
//!
//! Both backends use these; nothing here does IO.

use aisle_domain::{EventKind, ExternalId, Timestamp};

use crate::error::{Error, Result};

/// A stored external id.
pub(crate) fn id(text: String) -> Result<ExternalId> {
    ExternalId::parse(text).map_err(|e| damaged(format!("a stored id is invalid: {e}")))
}

/// A stored event kind code.
pub(crate) fn kind(code: i64) -> Result<EventKind> {
    u8::try_from(code)
        .ok()
        .and_then(EventKind::from_code)
        .ok_or_else(|| damaged(format!("a stored event has unknown kind code {code}")))
}

/// A stored time in milliseconds.
pub(crate) fn time(millis: i64) -> Result<Timestamp> {
    Timestamp::from_millis(millis).map_err(|e| damaged(format!("a stored time is invalid: {e}")))
}

fn damaged(detail: String) -> Error {
    Error::Database(detail)
}
