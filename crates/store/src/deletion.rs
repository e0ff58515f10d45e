//! What deleting leaves behind, shared by both backends: the marker that replaces an erased
//! user's external id, and the document a withdrawn item keeps.
//!
//! The SQL that deletes lives with each backend (`embedded/delete.rs`, `postgres/delete.rs`);
//! nothing here does IO.

use aisle_domain::{ExternalId, Item};

use crate::error::Result;

/// The external id an erased user's index row keeps: unique per index (the column is unique)
/// and starting with a control character, which no valid [`ExternalId`] contains, so no lookup
/// can ever find it and no shopper's id survives the erasure.
pub(crate) fn erased_user_marker(idx: u32) -> String {
    format!("\u{1}erased-user-{idx}")
}

/// The document an erased user's row keeps: JSON `null`, so nothing of the user is left and a
/// read that reached it by mistake fails instead of inventing a user.
pub(crate) const ERASED_USER_DOC: &str = "null";

/// The document a withdrawn item keeps: the bare item (its id only), so catalog content is
/// gone while reads that join events to item ids still work.
pub(crate) fn withdrawn_item_doc(id: &ExternalId) -> Result<String> {
    Ok(serde_json::to_string(&Item::new(id.clone()))?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_erased_user_marker_is_no_valid_id_and_names_its_index() {
        let marker = erased_user_marker(42);
        assert!(ExternalId::parse(marker.clone()).is_err(), "{marker:?} must not be a valid id");
        assert_ne!(marker, erased_user_marker(43));
    }
}
