//! The shop team's controls over every recommendation: boost or bury items that meet a
//! condition, and pinned promotions that take a set share of the slots. Kept in
//! `<data-dir>/merchandising.json`, edited through `PUT /v1/admin/merchandising`, applied to
//! every recommendation call unless it says `rules=false`.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use arc_swap::ArcSwap;
use serde::{Deserialize, Serialize};

use crate::filters::{Condition, Filter};
use crate::problem::Problem;

/// A boost (`factor` above 1) or a burial (below 1) of the items meeting `when`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Rule {
    /// Which items.
    pub when: Condition,
    /// Multiplies the item's relevance (scaled to 0..1 among the candidates): 0.01 to 100.
    pub factor: f32,
}

/// Items promoted into a share of the slots.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Pin {
    /// Item ids, in order of preference.
    pub items: Vec<String>,
    /// Share of the slots they take, 0 to 1 (0.2: 2 of 10), spread evenly from the first.
    pub share: f32,
}

/// Every control.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Merchandising {
    /// Boosts and burials, all applied (factors multiply).
    #[serde(default)]
    pub rules: Vec<Rule>,
    /// Promotions; the first pin's items fill the promoted slots first.
    #[serde(default)]
    pub pins: Vec<Pin>,
}

/// [`Merchandising`] checked and ready to apply.
#[derive(Debug, Default)]
pub struct Compiled {
    /// The document as given.
    pub document: Merchandising,
    /// Rules with their filters.
    pub rules: Vec<(Filter, f32)>,
    /// The promoted items, in order, and the share of slots.
    pub pinned: Vec<String>,
    /// Share of slots for pinned items.
    pub share: f32,
}

impl Merchandising {
    /// Checks every rule and pin; errors name the rule.
    pub fn compile(self) -> Result<Compiled, Problem> {
        let mut rules = Vec::new();
        for (k, rule) in self.rules.iter().enumerate() {
            if !(rule.factor.is_finite() && (0.01..=100.0).contains(&rule.factor)) {
                return Err(Problem::bad_request(format!(
                    "rules[{k}].factor must be 0.01 to 100 (above 1 boosts, below 1 buries)"
                )));
            }
            rules.push((rule.when.compile(&format!("rules[{k}].when"))?, rule.factor));
        }
        let mut pinned = Vec::new();
        let mut share = 0.0f32;
        for (k, pin) in self.pins.iter().enumerate() {
            if !(pin.share.is_finite() && (0.0..=1.0).contains(&pin.share)) {
                return Err(Problem::bad_request(format!("pins[{k}].share must be 0 to 1")));
            }
            share = share.max(pin.share);
            pinned.extend(pin.items.iter().cloned());
        }
        Ok(Compiled { document: self, rules, pinned, share })
    }
}

/// The live controls, swapped whole on every edit.
pub struct MerchandisingState {
    path: PathBuf,
    current: ArcSwap<Compiled>,
}

impl MerchandisingState {
    /// Loads `<data_dir>/merchandising.json` (absent: no controls).
    pub fn open(data_dir: &Path) -> Result<Self, String> {
        let path = data_dir.join("merchandising.json");
        let document = match std::fs::read(&path) {
            Ok(bytes) => serde_json::from_slice::<Merchandising>(&bytes)
                .map_err(|e| format!("{}: {e}; fix or delete the file", path.display()))?,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Merchandising::default(),
            Err(e) => return Err(format!("{}: {e}", path.display())),
        };
        let compiled =
            document.compile().map_err(|p| format!("{}: {}", path.display(), p.detail))?;
        Ok(Self { path, current: ArcSwap::from_pointee(compiled) })
    }

    /// The controls in force.
    pub fn current(&self) -> Arc<Compiled> {
        self.current.load_full()
    }

    /// Checks, saves and puts a new document in force.
    pub fn replace(&self, document: Merchandising) -> Result<(), Problem> {
        let compiled = document.compile()?;
        let text = serde_json::to_vec_pretty(&compiled.document).map_err(Problem::internal)?;
        let temporary = self.path.with_extension("json.tmp");
        std::fs::write(&temporary, text).map_err(Problem::internal)?;
        std::fs::rename(&temporary, &self.path).map_err(Problem::internal)?;
        self.current.store(Arc::new(compiled));
        Ok(())
    }
}

/// Where the promoted items go among `n` slots: `round(share * n)` of them, spread evenly from
/// the first slot.
pub fn pinned_slots(n: usize, share: f32, available: usize) -> Vec<usize> {
    let count = ((share * n as f32).round() as usize).min(available).min(n);
    (0..count).map(|k| k * n / count.max(1)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn promoted_slots_are_spread_from_the_top() {
        assert_eq!(pinned_slots(10, 0.2, 5), vec![0, 5]);
        assert_eq!(pinned_slots(10, 0.3, 1), vec![0]);
        assert_eq!(pinned_slots(10, 0.0, 5), Vec::<usize>::new());
        assert_eq!(pinned_slots(4, 1.0, 9), vec![0, 1, 2, 3]);
    }

    #[test]
    fn bad_rules_are_refused_with_their_place() {
        let rule = Rule { when: Condition::default(), factor: 0.0 };
        let error = Merchandising { rules: vec![rule], pins: Vec::new() }.compile().unwrap_err();
        assert!(error.detail.contains("rules[0].factor"), "{}", error.detail);
        let pin = Pin { items: vec!["a".into()], share: 1.5 };
        let error = Merchandising { rules: Vec::new(), pins: vec![pin] }.compile().unwrap_err();
        assert!(error.detail.contains("pins[0].share"), "{}", error.detail);
    }
}

#[cfg(test)]
mod file_tests {
    use super::*;

    #[test]
    fn a_damaged_or_invalid_file_is_an_error_naming_it_and_an_edit_survives_a_reopen() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("merchandising.json");
        std::fs::write(&path, "{not json").unwrap();
        let error = MerchandisingState::open(dir.path()).err().expect("damaged");
        assert!(error.contains("merchandising.json") && error.contains("fix or delete"), "{error}");
        std::fs::write(&path, r#"{"rules": [{"when": {}, "factor": 1000}]}"#).unwrap();
        let error = MerchandisingState::open(dir.path()).err().expect("invalid");
        assert!(error.contains("rules[0].factor"), "{error}");
        std::fs::remove_file(&path).unwrap();
        let state = MerchandisingState::open(dir.path()).unwrap();
        let pin = Pin { items: vec!["a".into()], share: 0.5 };
        state.replace(Merchandising { rules: Vec::new(), pins: vec![pin] }).unwrap();
        let reopened = MerchandisingState::open(dir.path()).unwrap();
        assert_eq!(reopened.current().pinned, vec!["a".to_string()]);
    }
}
