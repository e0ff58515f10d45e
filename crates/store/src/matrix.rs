//! From scanned event columns to the [`InteractionMatrix`]: kind weights and time decay, written
//! once for both backends.
//!
//! The backends only scan (user or session row, item, kind, time) columns quickly; they do not
//! weigh anything themselves.

use aisle_domain::InteractionMatrix;

use crate::api::MatrixOptions;

const MILLIS_PER_DAY: f64 = 86_400_000.0;

/// Parallel columns of scanned events. A backend may scan in several parts and [`append`] them.
///
/// [`append`]: Columns::append
#[derive(Debug, Default)]
pub(crate) struct Columns {
    pub(crate) rows: Vec<u32>,
    pub(crate) items: Vec<u32>,
    pub(crate) kinds: Vec<u8>,
    pub(crate) millis: Vec<i64>,
}

impl Columns {
    pub(crate) fn with_capacity(n: usize) -> Self {
        Self {
            rows: Vec::with_capacity(n),
            items: Vec::with_capacity(n),
            kinds: Vec::with_capacity(n),
            millis: Vec::with_capacity(n),
        }
    }

    #[inline]
    pub(crate) fn push(&mut self, row: u32, item: u32, kind: u8, millis: i64) {
        self.rows.push(row);
        self.items.push(item);
        self.kinds.push(kind);
        self.millis.push(millis);
    }

    pub(crate) fn len(&self) -> usize {
        self.rows.len()
    }

    pub(crate) fn append(&mut self, mut other: Columns) {
        self.rows.append(&mut other.rows);
        self.items.append(&mut other.items);
        self.kinds.append(&mut other.kinds);
        self.millis.append(&mut other.millis);
    }
}

/// The row of an event: the user index, or `n_users + session index` for a session when
/// sessions are included. `None` drops the event.
#[inline]
pub(crate) fn row_of(
    user: Option<i64>,
    session: Option<i64>,
    n_users: u32,
    include_sessions: bool,
) -> Option<u32> {
    match (user, session) {
        (Some(u), _) => u32::try_from(u).ok(),
        (None, Some(s)) if include_sessions => u32::try_from(s).ok()?.checked_add(n_users),
        _ => None,
    }
}

/// Weighs the scanned events and builds the matrix.
pub(crate) fn build(
    n_rows: usize,
    n_items: usize,
    columns: &Columns,
    options: &MatrixOptions,
) -> InteractionMatrix {
    let by_code = options.weights.by_code();
    let weight_of = |kind: u8| by_code.get(usize::from(kind)).copied().unwrap_or(0.0);
    let weights: Vec<f32> = match options.weights.half_life_days {
        Some(days) if days > 0.0 && days.is_finite() => {
            let newest = columns.millis.iter().copied().max().unwrap_or(0);
            let half_life = f64::from(days) * MILLIS_PER_DAY;
            columns
                .kinds
                .iter()
                .zip(&columns.millis)
                .map(|(&k, &t)| {
                    let decay = (-((newest - t) as f64) / half_life).exp2();
                    (f64::from(weight_of(k)) * decay) as f32
                })
                .collect()
        }
        _ => columns.kinds.iter().map(|&k| weight_of(k)).collect(),
    };
    InteractionMatrix::from_columns(
        n_rows,
        n_items,
        &columns.rows,
        &columns.items,
        &weights,
        &columns.millis,
    )
}

#[cfg(test)]
mod tests {
    use aisle_domain::EventWeights;

    use super::*;

    fn check(half_life_days: Option<f32>, events: &[(u8, i64)], expected: &[f32]) {
        let mut c = Columns::default();
        for (item, &(kind, t)) in events.iter().enumerate() {
            c.push(0, item as u32, kind, t);
        }
        let weights = EventWeights { half_life_days, ..EventWeights::default() };
        let options = MatrixOptions { weights, ..MatrixOptions::default() };
        let m = build(1, events.len(), &c, &options);
        for (got, want) in m.weights.iter().zip(expected) {
            assert!((got - want).abs() < 1e-5, "weights {:?}, expected {expected:?}", m.weights);
        }
        assert_eq!(m.weights.len(), expected.len());
    }

    #[test]
    fn weights_follow_the_kind_and_halve_every_half_life() {
        let day = MILLIS_PER_DAY as i64;
        check(None, &[(0, 0), (4, day)], &[1.0, 5.0]);
        check(Some(1.0), &[(0, 0), (4, 2 * day), (2, day)], &[0.25, 5.0, 1.5]);
        check(Some(0.0), &[(0, 0), (4, day)], &[1.0, 5.0]);
    }

    #[test]
    fn rows_put_sessions_after_users_only_when_asked() {
        assert_eq!(row_of(Some(3), None, 10, false), Some(3));
        assert_eq!(row_of(None, Some(2), 10, true), Some(12));
        assert_eq!(row_of(None, Some(2), 10, false), None);
        assert_eq!(row_of(None, None, 10, true), None);
    }
}
