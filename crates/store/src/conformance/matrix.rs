//! Conformance checks on the interaction matrix: weights, repeated pairs, sessions, decay and
//! time filters.

use aisle_domain::{Batch, EventKind, EventWeights, InteractionMatrix};

use super::fixtures::*;
use crate::api::{MatrixOptions, Store};

fn matrix(store: &dyn Store, options: &MatrixOptions) -> InteractionMatrix {
    store.interaction_matrix(options).unwrap_or_else(|e| panic!("interaction_matrix failed: {e}"))
}

fn write(store: &dyn Store, batch: Batch) {
    store.write(&batch).unwrap_or_else(|e| panic!("write failed: {e}"));
}

/// Checks shape, indices and weights (within float rounding).
fn check(m: &InteractionMatrix, n_rows: usize, indptr: &[u64], indices: &[u32], weights: &[f32]) {
    assert_eq!(m.n_rows, n_rows, "rows of {m:?}");
    assert_eq!(m.indptr, indptr, "indptr of {m:?}");
    assert_eq!(m.indices, indices, "indices of {m:?}");
    assert_eq!(m.weights.len(), weights.len(), "weights of {m:?}");
    for (got, want) in m.weights.iter().zip(weights) {
        assert!((got - want).abs() < 1e-4, "weights {:?}, expected {weights:?}", m.weights);
    }
}

/// Kind weights apply, repeated (user, item) pairs sum and keep the latest time, and pairs
/// that sum to nothing (a purchase and its return) are dropped.
pub fn matrix_sums_weights_of_repeated_pairs(store: &dyn Store) {
    assert_eq!(matrix(store, &MatrixOptions::default()).nnz(), 0, "an empty store");
    write(
        store,
        Batch {
            events: vec![
                view("e1", "u0", "i0", 0),
                event("e2", "u0", "i0", EventKind::Purchase, 1),
                event("e3", "u0", "i1", EventKind::AddToCart, 2),
                view("e4", "u1", "i1", 3),
                event("e5", "u1", "i2", EventKind::Purchase, 4),
                event("e6", "u1", "i2", EventKind::Return, 5),
            ],
            ..Batch::default()
        },
    );
    let m = matrix(store, &MatrixOptions::default());
    check(&m, 2, &[0, 2, 3], &[0, 1, 1], &[6.0, 3.0, 1.0]);
    assert_eq!(m.n_items, 3);
    assert_eq!(m.last_millis, [t(1).millis(), t(2).millis(), t(3).millis()], "latest times");
    let weights = EventWeights { view: 2.0, add_to_cart: 0.5, ..EventWeights::default() };
    let m = matrix(store, &MatrixOptions { weights, ..MatrixOptions::default() });
    check(&m, 2, &[0, 2, 3], &[0, 1, 1], &[7.0, 0.5, 2.0]);
}

/// Session rows follow the user rows when asked for, and are absent otherwise.
pub fn matrix_sessions_are_included_only_when_asked(store: &dyn Store) {
    write(
        store,
        Batch {
            events: vec![
                view("e1", "u0", "i0", 0),
                session_view("e2", "s0", "i1", 1),
                session_view("e3", "s1", "i0", 2),
                session_view("e4", "s1", "i1", 3),
            ],
            ..Batch::default()
        },
    );
    let with = MatrixOptions { include_sessions: true, ..MatrixOptions::default() };
    check(&matrix(store, &with), 3, &[0, 1, 2, 4], &[0, 1, 0, 1], &[1.0; 4]);
    check(&matrix(store, &MatrixOptions::default()), 1, &[0, 1], &[0], &[1.0]);
}

/// With a half-life, a weight halves for every half-life an event is older than the newest.
pub fn matrix_weights_decay_with_age(store: &dyn Store) {
    write(
        store,
        Batch {
            events: vec![
                view("e1", "u0", "i0", 0),
                view("e2", "u0", "i1", 2 * DAY),
                event("e3", "u0", "i2", EventKind::Purchase, DAY),
            ],
            ..Batch::default()
        },
    );
    let weights = EventWeights { half_life_days: Some(1.0), ..EventWeights::default() };
    let m = matrix(store, &MatrixOptions { weights, ..MatrixOptions::default() });
    check(&m, 1, &[0, 3], &[0, 1, 2], &[0.25, 1.0, 2.5]);
}

/// Events without an item (searches) never enter; `since` is inclusive, `until` exclusive,
/// and decay counts from the newest event kept.
pub fn matrix_drops_searches_and_filters_by_time(store: &dyn Store) {
    write(
        store,
        Batch {
            events: vec![
                view("e1", "u0", "i0", 0),
                search("e2", "u0", "shoes", DAY),
                view("e3", "u0", "i1", DAY),
                view("e4", "u0", "i2", 2 * DAY),
                view("e5", "u0", "i3", 3 * DAY),
            ],
            ..Batch::default()
        },
    );
    let all = matrix(store, &MatrixOptions::default());
    check(&all, 1, &[0, 4], &[0, 1, 2, 3], &[1.0; 4]);
    let weights = EventWeights { half_life_days: Some(1.0), ..EventWeights::default() };
    let window = MatrixOptions {
        weights,
        since: Some(t(DAY)),
        until: Some(t(3 * DAY)),
        ..MatrixOptions::default()
    };
    check(&matrix(store, &window), 1, &[0, 2], &[1, 2], &[0.5, 1.0]);
}
