//! Single records of the generic schema from JSON objects, for callers that receive records one
//! at a time (the HTTP API) rather than as files. The same builders as the file readers, so a
//! record is accepted or refused for the same reasons whichever way it arrives.

use aisle_domain::{Event, Item, Review, User};
use serde_json::{Map, Value};

use super::{events, items, reviews, users, Row};
use crate::input::Problem;
use crate::ReadOptions;

/// Why one record was refused: the field at fault (when one is) and what to do about it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct FieldIssue {
    /// The key at fault, when one is.
    pub field: Option<String>,
    /// What is wrong and how to fix it.
    pub reason: String,
}

impl std::fmt::Display for FieldIssue {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.field {
            Some(field) => write!(f, "{field}: {}", self.reason),
            None => f.write_str(&self.reason),
        }
    }
}

impl From<Problem> for FieldIssue {
    fn from(p: Problem) -> Self {
        Self { field: p.field, reason: p.reason }
    }
}

/// An item from a JSON object with the keys of the items file.
pub fn item_from_json(
    object: &Map<String, Value>,
    options: &ReadOptions,
) -> Result<Item, FieldIssue> {
    Ok(items::build(&Row::Json(object), options)?)
}

/// A user from a JSON object with the keys of the users file.
pub fn user_from_json(object: &Map<String, Value>) -> Result<User, FieldIssue> {
    Ok(users::build(&Row::Json(object))?)
}

/// An event from a JSON object with the keys of the events file (a derived id when it has no
/// `event_id`, exactly as on import).
pub fn event_from_json(object: &Map<String, Value>) -> Result<Event, FieldIssue> {
    Ok(events::build(&Row::Json(object))?)
}

/// A review from a JSON object with the keys of the reviews file.
pub fn review_from_json(object: &Map<String, Value>) -> Result<Review, FieldIssue> {
    Ok(reviews::build(&Row::Json(object))?)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn object(json: &str) -> Map<String, Value> {
        match serde_json::from_str(json) {
            Ok(Value::Object(map)) => map,
            other => panic!("not an object: {other:?}"),
        }
    }

    #[test]
    fn builds_records_and_names_the_field_at_fault() {
        let event = event_from_json(&object(
            r#"{"user_id": "u1", "item_id": "i1", "kind": "view", "timestamp": 1700000000}"#,
        ))
        .expect("valid event");
        assert!(event.id.as_str().starts_with(events::DERIVED_PREFIX));
        let issue = event_from_json(&object(r#"{"user_id": "u1", "kind": "teleport"}"#))
            .expect_err("bad kind");
        assert_eq!(issue.field.as_deref(), Some("kind"));
        let issue = item_from_json(&object(r#"{"title": "no id"}"#), &ReadOptions::default())
            .expect_err("no id");
        assert_eq!(issue.field.as_deref(), Some("id"), "{issue}");
    }
}
