//! What a running experiment has seen: per variant, how many shoppers were shown its
//! recommendations and how many of them then clicked or bought a recommended item, each shopper
//! counted once; plus the raw numbers of answers, clicks and purchases.
//!
//! The ledger remembers each exposed shopper by the hash of their id ([`crate::shopper_key`])
//! with a [`Mark`] (their variant and what they did), and keeps the marks that changed since the
//! caller last saved them, so the caller can append just those to a file.

use std::collections::HashMap;

use serde::{Deserialize, Serialize};

/// Per-variant counts.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Tally {
    /// Distinct shoppers shown this variant's recommendations: the denominator.
    pub shoppers: u64,
    /// Recommendation answers served (a shopper can be shown many).
    pub impressions: u64,
    /// Distinct shoppers who clicked or bought a recommended item after being shown one.
    pub converted: u64,
    /// Distinct shoppers who bought a recommended item after being shown one.
    pub buyers: u64,
    /// Clicks on recommended items by the variant's shoppers.
    pub clicks: u64,
    /// Purchases of recommended items by the variant's shoppers.
    pub purchases: u64,
}

/// What a shopper did after a recommendation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Conversion {
    /// Clicked a recommended item.
    Click,
    /// Bought a recommended item.
    Purchase,
}

/// A shopper's variant and what they did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Mark {
    /// Index of the variant they were shown.
    pub variant: u8,
    /// [`Mark::EXPOSED`], [`Mark::CONVERTED`] and [`Mark::BOUGHT`], or-ed.
    pub flags: u8,
}

impl Mark {
    /// Shown the variant's recommendations.
    pub const EXPOSED: u8 = 1;
    /// Clicked or bought a recommended item since.
    pub const CONVERTED: u8 = 2;
    /// Bought a recommended item since.
    pub const BOUGHT: u8 = 4;
}

/// The running counts of one experiment.
#[derive(Debug, Clone, Default)]
pub struct Ledger {
    marks: HashMap<u64, Mark>,
    tallies: Vec<Tally>,
    unsaved: Vec<(u64, Mark)>,
    changed: bool,
}

impl Ledger {
    /// An empty ledger for `variants` variants.
    pub fn new(variants: usize) -> Self {
        Self { tallies: vec![Tally::default(); variants], ..Self::default() }
    }

    /// A ledger picking up saved counts and marks (later marks of a shopper add to earlier
    /// ones; marks naming a variant out of range are dropped).
    pub fn restore(tallies: Vec<Tally>, marks: impl IntoIterator<Item = (u64, Mark)>) -> Self {
        let variants = tallies.len();
        let mut ledger = Self { tallies, ..Self::default() };
        for (key, mark) in marks {
            if usize::from(mark.variant) >= variants {
                continue;
            }
            ledger
                .marks
                .entry(key)
                .and_modify(|m| m.flags |= mark.flags)
                .or_insert(Mark { variant: mark.variant, flags: mark.flags });
        }
        ledger
    }

    /// Records that a shopper (by key) was shown `variant`'s recommendations.
    pub fn expose(&mut self, shopper: u64, variant: usize) {
        let Some(tally) = self.tallies.get_mut(variant) else { return };
        tally.impressions += 1;
        self.changed = true;
        if let std::collections::hash_map::Entry::Vacant(slot) = self.marks.entry(shopper) {
            let mark = Mark { variant: variant as u8, flags: Mark::EXPOSED };
            slot.insert(mark);
            tally.shoppers += 1;
            self.unsaved.push((shopper, mark));
        }
    }

    /// Records a click or purchase on a recommended item by a shopper (by key); counted for the
    /// variant they were shown. Whether it counted: a shopper never shown the experiment's
    /// recommendations is not in it.
    pub fn convert(&mut self, shopper: u64, conversion: Conversion) -> bool {
        let Some(mark) = self.marks.get_mut(&shopper) else { return false };
        let Some(tally) = self.tallies.get_mut(usize::from(mark.variant)) else { return false };
        let before = mark.flags;
        mark.flags |= Mark::CONVERTED;
        match conversion {
            Conversion::Click => tally.clicks += 1,
            Conversion::Purchase => {
                tally.purchases += 1;
                mark.flags |= Mark::BOUGHT;
            }
        }
        let gained = mark.flags & !before;
        if gained & Mark::CONVERTED != 0 {
            tally.converted += 1;
        }
        if gained & Mark::BOUGHT != 0 {
            tally.buyers += 1;
        }
        if gained != 0 {
            self.unsaved.push((shopper, *mark));
        }
        self.changed = true;
        true
    }

    /// The counts per variant.
    pub fn tallies(&self) -> &[Tally] {
        &self.tallies
    }

    /// Whether anything was counted since [`Ledger::take_unsaved`] last ran.
    pub fn has_changes(&self) -> bool {
        self.changed
    }

    /// The marks that changed since the last call (each the shopper's whole mark), for the
    /// caller to save; clears the change flag.
    pub fn take_unsaved(&mut self) -> Vec<(u64, Mark)> {
        self.changed = false;
        std::mem::take(&mut self.unsaved)
    }

    /// Puts back marks a failed save could not write, so the next save tries again.
    pub fn return_unsaved(&mut self, mut marks: Vec<(u64, Mark)>) {
        marks.append(&mut self.unsaved);
        self.unsaved = marks;
        self.changed = true;
    }

    /// How many shoppers it remembers.
    pub fn len(&self) -> usize {
        self.marks.len()
    }

    /// Whether it remembers nobody.
    pub fn is_empty(&self) -> bool {
        self.marks.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_shopper_counts_once_and_only_after_exposure() {
        let mut ledger = Ledger::new(2);
        assert!(!ledger.convert(7, Conversion::Click), "not shown anything yet");
        ledger.expose(7, 1);
        ledger.expose(7, 1);
        ledger.expose(8, 0);
        assert!(ledger.convert(7, Conversion::Click));
        assert!(ledger.convert(7, Conversion::Click));
        assert!(ledger.convert(7, Conversion::Purchase));
        let b = ledger.tallies()[1];
        assert_eq!(
            b,
            Tally { shoppers: 1, impressions: 2, converted: 1, buyers: 1, clicks: 2, purchases: 1 }
        );
        assert_eq!(ledger.tallies()[0].shoppers, 1);
        assert_eq!(ledger.tallies()[0].converted, 0);
    }

    #[test]
    fn unsaved_marks_replay_into_the_same_ledger() {
        let mut ledger = Ledger::new(2);
        ledger.expose(1, 0);
        ledger.expose(2, 1);
        ledger.convert(2, Conversion::Purchase);
        let saved = ledger.take_unsaved();
        assert_eq!(saved.len(), 3, "two exposures and one conversion");
        assert!(!ledger.has_changes());
        let mut again = Ledger::restore(ledger.tallies().to_vec(), saved);
        again.expose(2, 1);
        again.convert(2, Conversion::Purchase);
        assert_eq!(again.tallies()[1].shoppers, 1, "remembered: not a new shopper");
        assert_eq!(again.tallies()[1].buyers, 1, "remembered: not a new buyer");
        assert_eq!(again.tallies()[1].purchases, 2);
        assert_eq!(again.len(), 2);
    }

    #[test]
    fn a_failed_save_is_retried() {
        let mut ledger = Ledger::new(2);
        ledger.expose(1, 0);
        let lost = ledger.take_unsaved();
        ledger.expose(2, 0);
        ledger.return_unsaved(lost);
        let keys: Vec<u64> = ledger.take_unsaved().iter().map(|(k, _)| *k).collect();
        assert_eq!(keys, vec![1, 2]);
    }
}
