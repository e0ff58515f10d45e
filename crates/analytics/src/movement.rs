//! Segment movement: each shopper's RFM segment at a period's start against the one at its end,
//! as a transition matrix.
//!
//! A segment at an instant is the one the profiles give a shopper from their history before it,
//! scored against the RFM cut points of every buyer at that instant (so "champions" means the
//! best fifth of the shop as it was then). A shopper with no history yet is `unseen`.

use aisle_profiles::{ProfileBuilder, RfmScale, Segment};
use serde::Serialize;

/// The row of shoppers who had no history at the period's start.
pub const UNSEEN: &str = "unseen";

/// Where a shopper stood at one instant.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Standing {
    /// No event or order yet.
    Unseen,
    /// Seen, never bought.
    Prospect,
    /// Bought: days since the last purchase, orders and spend.
    Buyer {
        /// Days since the last purchase.
        recency_days: f64,
        /// Orders.
        frequency: f64,
        /// Spend.
        monetary: f64,
    },
}

impl Standing {
    /// A shopper's standing at `at` (milliseconds) from the fold of their history before it.
    pub fn of(builder: &ProfileBuilder, at: i64) -> Self {
        if !builder.seen() {
            return Standing::Unseen;
        }
        let (frequency, monetary) = builder.frequency_and_monetary();
        match builder.recency_days(at) {
            Some(recency_days) if frequency > 0 => {
                Standing::Buyer { recency_days, frequency: f64::from(frequency), monetary }
            }
            _ => Standing::Prospect,
        }
    }
}

/// The segment names of shoppers' standings at one instant, scored against one another.
pub fn segments(standings: &[Standing]) -> Vec<&'static str> {
    let buyers: Vec<(f64, f64, f64)> = standings
        .iter()
        .filter_map(|s| match *s {
            Standing::Buyer { recency_days, frequency, monetary } => {
                Some((recency_days, frequency, monetary))
            }
            _ => None,
        })
        .collect();
    let scale = RfmScale::new(&buyers);
    standings
        .iter()
        .map(|standing| match (*standing, &scale) {
            (Standing::Unseen, _) => UNSEEN,
            (Standing::Buyer { recency_days, frequency, monetary }, Some(scale)) => {
                // Scored on two decimals, as a profile shows (and scores) its figures.
                let scores = scale.scores(round2(recency_days), frequency, round2(monetary));
                Segment::of(Some(scores)).as_str()
            }
            _ => Segment::Prospects.as_str(),
        })
        .collect()
}

fn round2(x: f64) -> f64 {
    (x * 100.0).round() / 100.0
}

/// The labels of the matrix's rows and columns: the segments best first, then `unseen`.
pub fn labels() -> Vec<&'static str> {
    Segment::ALL.iter().map(|s| s.as_str()).chain([UNSEEN]).collect()
}

/// How shoppers moved between segments over a period.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Movement {
    /// Rows and columns: the segments best first, then `unseen`.
    pub segments: Vec<&'static str>,
    /// `matrix[i][j]`: shoppers in `segments[i]` at the start and `segments[j]` at the end.
    pub matrix: Vec<Vec<u64>>,
    /// Shoppers in each segment at the start (the row sums).
    pub at_start: Vec<u64>,
    /// Shoppers in each segment at the end (the column sums).
    pub at_end: Vec<u64>,
    /// Shoppers seen by the end.
    pub shoppers: u64,
    /// Seen at the start, in the same segment at the end.
    pub stayed: u64,
    /// Seen at the start, in a better segment at the end.
    pub moved_up: u64,
    /// Seen at the start, in a worse segment at the end.
    pub moved_down: u64,
    /// Unseen at the start.
    pub newcomers: u64,
}

/// The matrix of shoppers' segments at the start and the end (same order, one per shopper);
/// shoppers unseen at both are left out.
pub fn movement(start: &[&str], end: &[&str]) -> Movement {
    let segments = labels();
    let n = segments.len();
    let position = |name: &str| segments.iter().position(|s| *s == name).unwrap_or(n - 1);
    let mut matrix = vec![vec![0u64; n]; n];
    let mut out = Movement {
        segments: Vec::new(),
        matrix: Vec::new(),
        at_start: vec![0; n],
        at_end: vec![0; n],
        shoppers: 0,
        stayed: 0,
        moved_up: 0,
        moved_down: 0,
        newcomers: 0,
    };
    for (before, after) in start.iter().zip(end) {
        let (i, j) = (position(before), position(after));
        if j == n - 1 {
            continue;
        }
        matrix[i][j] += 1;
        out.at_start[i] += 1;
        out.at_end[j] += 1;
        out.shoppers += 1;
        match i.cmp(&j) {
            _ if i == n - 1 => out.newcomers += 1,
            std::cmp::Ordering::Equal => out.stayed += 1,
            std::cmp::Ordering::Greater => out.moved_up += 1,
            std::cmp::Ordering::Less => out.moved_down += 1,
        }
    }
    out.segments = segments;
    out.matrix = matrix;
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shoppers_are_scored_against_the_buyers_of_the_same_instant() {
        let buyer = |r, f, m| Standing::Buyer { recency_days: r, frequency: f, monetary: m };
        let mut standings: Vec<Standing> = (0..10)
            .map(|k| buyer(k as f64 * 10.0, 1.0 + k as f64, 100.0 * (10 - k) as f64))
            .collect();
        standings.push(Standing::Prospect);
        standings.push(Standing::Unseen);
        let names = segments(&standings);
        assert_eq!(names[0], "potential_loyalists", "most recent, middling orders, top spend");
        assert_eq!(names[10], "prospects");
        assert_eq!(names[11], UNSEEN);
        assert_eq!(segments(&[Standing::Prospect]), ["prospects"]);
    }

    #[test]
    fn the_matrix_counts_moves_up_down_and_newcomers() {
        let start = ["champions", "lost", "at_risk", UNSEEN, UNSEEN, "prospects"];
        let end = ["champions", "loyal", "lost", "new_customers", UNSEEN, "prospects"];
        let m = movement(&start, &end);
        assert_eq!(m.shoppers, 5, "unseen at both ends is nobody yet");
        assert_eq!((m.stayed, m.moved_up, m.moved_down, m.newcomers), (2, 1, 1, 1));
        let at = |name: &str| m.segments.iter().position(|s| *s == name).expect("label");
        assert_eq!(m.matrix[at("lost")][at("loyal")], 1);
        assert_eq!(m.at_start[at(UNSEEN)], 1);
        assert_eq!(m.at_end[at(UNSEEN)], 0);
        assert_eq!(m.at_end.iter().sum::<u64>(), m.shoppers);
    }
}
