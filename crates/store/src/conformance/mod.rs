//! The conformance suite: what every [`Store`] must do, as plain functions that take a fresh,
//! empty store and panic with a message saying what broke.
//!
//! Each backend's integration tests run every function in [`ALL`] on its own fresh store (one
//! test per function, so a failure names the rule); [`run_all`] does the same in one call.
//! The suite writes through the public trait only; it knows nothing of SQL.

mod deletion;
mod fixtures;
mod matrix;
mod orders;
mod records;
mod summaries;

use crate::api::Store;

pub use deletion::{
    a_failed_delete_leaves_everything_in_place,
    a_withdrawn_item_comes_back_only_with_a_catalog_write,
    an_erased_user_written_again_gets_a_new_index,
    delete_item_withdraws_it_but_keeps_its_index_and_history,
    delete_user_erases_everything_of_theirs_and_nothing_else,
};
pub use matrix::{
    matrix_drops_searches_and_filters_by_time, matrix_sessions_are_included_only_when_asked,
    matrix_sums_weights_of_repeated_pairs, matrix_weights_decay_with_age,
};
pub use orders::guest_orders_are_visited_oldest_first;
pub use records::{
    bare_records_come_from_behaviour_and_are_replaced_by_full_ones,
    baskets_are_live_orders_oldest_first, counts_events_by_kind, dense_indexes_follow_first_sight,
    duplicate_events_are_reported_by_position, events_are_kept_once_per_id,
    events_of_user_newest_first, failed_write_leaves_nothing_behind, list_items_pages_by_index,
    orders_and_reviews_newest_first, records_of_every_kind_round_trip,
    upserts_count_unchanged_and_updated,
};
pub use summaries::{
    activity_counts_days_kinds_and_distinct_shoppers, list_users_pages_by_index_with_event_counts,
    search_items_matches_id_or_title,
};

/// A conformance check: takes a fresh, empty store and panics on failure.
pub type Check = fn(&dyn Store);

/// Every check, by name.
pub const ALL: &[(&str, Check)] = &[
    ("records_of_every_kind_round_trip", records_of_every_kind_round_trip),
    ("upserts_count_unchanged_and_updated", upserts_count_unchanged_and_updated),
    (
        "bare_records_come_from_behaviour_and_are_replaced_by_full_ones",
        bare_records_come_from_behaviour_and_are_replaced_by_full_ones,
    ),
    ("events_are_kept_once_per_id", events_are_kept_once_per_id),
    ("duplicate_events_are_reported_by_position", duplicate_events_are_reported_by_position),
    ("failed_write_leaves_nothing_behind", failed_write_leaves_nothing_behind),
    ("dense_indexes_follow_first_sight", dense_indexes_follow_first_sight),
    ("events_of_user_newest_first", events_of_user_newest_first),
    ("orders_and_reviews_newest_first", orders_and_reviews_newest_first),
    ("list_items_pages_by_index", list_items_pages_by_index),
    ("counts_events_by_kind", counts_events_by_kind),
    ("matrix_sums_weights_of_repeated_pairs", matrix_sums_weights_of_repeated_pairs),
    ("matrix_sessions_are_included_only_when_asked", matrix_sessions_are_included_only_when_asked),
    ("matrix_weights_decay_with_age", matrix_weights_decay_with_age),
    ("matrix_drops_searches_and_filters_by_time", matrix_drops_searches_and_filters_by_time),
    ("baskets_are_live_orders_oldest_first", baskets_are_live_orders_oldest_first),
    ("guest_orders_are_visited_oldest_first", guest_orders_are_visited_oldest_first),
    (
        "delete_user_erases_everything_of_theirs_and_nothing_else",
        delete_user_erases_everything_of_theirs_and_nothing_else,
    ),
    (
        "an_erased_user_written_again_gets_a_new_index",
        an_erased_user_written_again_gets_a_new_index,
    ),
    ("a_failed_delete_leaves_everything_in_place", a_failed_delete_leaves_everything_in_place),
    (
        "delete_item_withdraws_it_but_keeps_its_index_and_history",
        delete_item_withdraws_it_but_keeps_its_index_and_history,
    ),
    (
        "a_withdrawn_item_comes_back_only_with_a_catalog_write",
        a_withdrawn_item_comes_back_only_with_a_catalog_write,
    ),
    (
        "activity_counts_days_kinds_and_distinct_shoppers",
        activity_counts_days_kinds_and_distinct_shoppers,
    ),
    ("list_users_pages_by_index_with_event_counts", list_users_pages_by_index_with_event_counts),
    ("search_items_matches_id_or_title", search_items_matches_id_or_title),
];

/// Runs every check, each on a fresh store from `make`.
pub fn run_all(make: &dyn Fn() -> Box<dyn Store>) {
    for (name, check) in ALL {
        let store = make();
        eprintln!("conformance: {name}");
        check(store.as_ref());
    }
}

/// Declares one `#[test]` per conformance check, so a backend's test file cannot forget one.
/// `$fresh` is a function `fn(test_name: &str) -> Option<(Guard, Store)>` giving a fresh empty
/// store (and whatever must live as long as it, such as a temporary directory); `None` skips.
#[macro_export]
macro_rules! conformance_tests {
    ($fresh:path) => {
        $crate::conformance_tests!(@each $fresh;
            records_of_every_kind_round_trip,
            upserts_count_unchanged_and_updated,
            bare_records_come_from_behaviour_and_are_replaced_by_full_ones,
            events_are_kept_once_per_id,
            duplicate_events_are_reported_by_position,
            failed_write_leaves_nothing_behind,
            dense_indexes_follow_first_sight,
            events_of_user_newest_first,
            orders_and_reviews_newest_first,
            list_items_pages_by_index,
            counts_events_by_kind,
            matrix_sums_weights_of_repeated_pairs,
            matrix_sessions_are_included_only_when_asked,
            matrix_weights_decay_with_age,
            matrix_drops_searches_and_filters_by_time,
            baskets_are_live_orders_oldest_first,
            guest_orders_are_visited_oldest_first,
            delete_user_erases_everything_of_theirs_and_nothing_else,
            an_erased_user_written_again_gets_a_new_index,
            a_failed_delete_leaves_everything_in_place,
            delete_item_withdraws_it_but_keeps_its_index_and_history,
            a_withdrawn_item_comes_back_only_with_a_catalog_write,
            activity_counts_days_kinds_and_distinct_shoppers,
            list_users_pages_by_index_with_event_counts,
            search_items_matches_id_or_title,
        );

        #[test]
        fn every_conformance_check_has_a_test() {
            assert_eq!(
                $crate::conformance::ALL.len(),
                25,
                "add the new check to the list in aisle_store::conformance_tests!"
            );
        }
    };
    (@each $fresh:path; $($name:ident),* $(,)?) => {$(
        #[test]
        fn $name() {
            if let Some((_guard, store)) = $fresh(stringify!($name)) {
                $crate::conformance::$name(&store);
            }
        }
    )*};
}
