//! RFM scores and segments: recency, frequency and monetary value scored 1 to 5 against the
//! shop's own shoppers (quintiles), and the classic segments read off recency against the mean
//! of frequency and monetary scores.

use serde::Serialize;

use crate::facts::quantile;

/// RFM scores, each 1 (worst) to 5 (best).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct RfmScores {
    /// Recency: 5 for the shop's most recent fifth of buyers.
    pub r: u8,
    /// Frequency: 5 for the fifth with the most orders.
    pub f: u8,
    /// Monetary: 5 for the fifth who spent the most.
    pub m: u8,
}

/// An RFM segment.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Segment {
    /// Bought recently, often and much.
    Champions,
    /// Buy often and much, a little less recently.
    Loyal,
    /// Recent buyers with average frequency and spend.
    PotentialLoyalists,
    /// Bought recently, for the first time or little.
    NewCustomers,
    /// Fairly recent, little so far.
    Promising,
    /// Middling on every count.
    NeedAttention,
    /// Slipping away after a little buying.
    AboutToSleep,
    /// Bought often and much, but not for a while.
    AtRisk,
    /// Were among the best, now long gone.
    CantLoseThem,
    /// Long gone after little buying.
    Hibernating,
    /// Gone, and bought least.
    Lost,
    /// Have never bought.
    Prospects,
}

impl Segment {
    /// Every segment, best first.
    pub const ALL: [Segment; 12] = [
        Segment::Champions,
        Segment::Loyal,
        Segment::PotentialLoyalists,
        Segment::NewCustomers,
        Segment::Promising,
        Segment::NeedAttention,
        Segment::AboutToSleep,
        Segment::AtRisk,
        Segment::CantLoseThem,
        Segment::Hibernating,
        Segment::Lost,
        Segment::Prospects,
    ];

    /// The segment's name on the wire.
    pub fn as_str(self) -> &'static str {
        match self {
            Segment::Champions => "champions",
            Segment::Loyal => "loyal",
            Segment::PotentialLoyalists => "potential_loyalists",
            Segment::NewCustomers => "new_customers",
            Segment::Promising => "promising",
            Segment::NeedAttention => "need_attention",
            Segment::AboutToSleep => "about_to_sleep",
            Segment::AtRisk => "at_risk",
            Segment::CantLoseThem => "cant_lose_them",
            Segment::Hibernating => "hibernating",
            Segment::Lost => "lost",
            Segment::Prospects => "prospects",
        }
    }

    /// The segment of RFM scores (`None`: never bought).
    pub fn of(scores: Option<RfmScores>) -> Segment {
        let Some(s) = scores else { return Segment::Prospects };
        // Frequency and monetary move together; their mean, rounded, is the second axis.
        let fm = (s.f + s.m).div_ceil(2);
        match (s.r, fm) {
            (4..=5, 4..=5) => Segment::Champions,
            (3, 4..=5) => Segment::Loyal,
            (4..=5, 2..=3) => Segment::PotentialLoyalists,
            (5, 1) => Segment::NewCustomers,
            (4, 1) => Segment::Promising,
            (3, 3) => Segment::NeedAttention,
            (3, 1..=2) => Segment::AboutToSleep,
            (2, 3..=5) => Segment::AtRisk,
            (1, 4..=5) => Segment::CantLoseThem,
            (2, 1..=2) | (1, 3) => Segment::Hibernating,
            _ => Segment::Lost,
        }
    }
}

/// The shop's quintile cut points for recency, frequency and monetary value, from its buyers.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RfmScale {
    /// Days since the last purchase at the 20th, 40th, 60th and 80th percentiles.
    pub recency_days: [f64; 4],
    /// Orders at those percentiles.
    pub frequency: [f64; 4],
    /// Spend at those percentiles.
    pub monetary: [f64; 4],
    /// Buyers the scale was computed from.
    pub buyers: usize,
}

impl RfmScale {
    /// The scale of `(recency days, orders, spend)` of every buyer; `None` without buyers.
    pub fn new(buyers: &[(f64, f64, f64)]) -> Option<Self> {
        if buyers.is_empty() {
            return None;
        }
        let cuts = |pick: fn(&(f64, f64, f64)) -> f64| {
            let mut values: Vec<f64> = buyers.iter().map(pick).filter(|v| v.is_finite()).collect();
            values.sort_by(f64::total_cmp);
            [0.2, 0.4, 0.6, 0.8].map(|q| quantile(&values, q))
        };
        Some(Self {
            recency_days: cuts(|b| b.0),
            frequency: cuts(|b| b.1),
            monetary: cuts(|b| b.2),
            buyers: buyers.len(),
        })
    }

    /// The scores of one buyer. Fewer days since buying is better; ties with a cut point take
    /// the lower score, so a shop where most buyers ordered once gives them all F = 1.
    pub fn scores(&self, recency_days: f64, frequency: f64, monetary: f64) -> RfmScores {
        let above =
            |cuts: &[f64; 4], value: f64| 1 + cuts.iter().filter(|c| value > **c).count() as u8;
        let below =
            |cuts: &[f64; 4], value: f64| 1 + cuts.iter().filter(|c| value < **c).count() as u8;
        RfmScores {
            r: below(&self.recency_days, recency_days),
            f: above(&self.frequency, frequency),
            m: above(&self.monetary, monetary),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scores_place_buyers_among_the_shops_buyers() {
        let buyers: Vec<(f64, f64, f64)> =
            (0..100).map(|k| (k as f64, (k % 10) as f64 + 1.0, k as f64 * 10.0)).collect();
        let scale = RfmScale::new(&buyers).expect("buyers");
        assert_eq!(scale.scores(0.0, 10.0, 990.0), RfmScores { r: 5, f: 5, m: 5 });
        assert_eq!(scale.scores(99.0, 1.0, 0.0), RfmScores { r: 1, f: 1, m: 1 });
        assert_eq!(scale.scores(50.0, 5.5, 500.0).r, 3);
        assert!(RfmScale::new(&[]).is_none());
    }

    #[test]
    fn segments_read_recency_against_frequency_and_spend() {
        let check = |r, f, m, expected| {
            assert_eq!(Segment::of(Some(RfmScores { r, f, m })), expected, "{r}{f}{m}");
        };
        check(5, 5, 5, Segment::Champions);
        check(3, 5, 4, Segment::Loyal);
        check(5, 1, 1, Segment::NewCustomers);
        check(1, 5, 5, Segment::CantLoseThem);
        check(2, 4, 4, Segment::AtRisk);
        check(1, 1, 1, Segment::Lost);
        check(3, 3, 3, Segment::NeedAttention);
        assert_eq!(Segment::of(None), Segment::Prospects);
        // Every score combination has a segment other than prospects.
        for r in 1..=5 {
            for f in 1..=5 {
                for m in 1..=5 {
                    assert_ne!(Segment::of(Some(RfmScores { r, f, m })), Segment::Prospects);
                }
            }
        }
    }
}
