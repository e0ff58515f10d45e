//! What an experiment is: an id, a name, two or more variants each serving its own model, the
//! share of shoppers enrolled, and whether it is running; the rules a definition must meet; and
//! which variant a shopper sees.

use serde::{Deserialize, Serialize};

use crate::assign::{enrolment_point, slice_of, unit_point};
use crate::{Error, Result};

/// Most variants in one experiment (each splits the traffic further; past a handful, none gets
/// enough shoppers to tell anything).
pub const MAX_VARIANTS: usize = 8;
/// Longest id, variant name or model name.
pub const MAX_ID_LEN: usize = 64;
/// Longest experiment name.
pub const MAX_NAME_LEN: usize = 200;

/// One arm of an experiment.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Variant {
    /// Short name (`a`, `control`, `ease`...), unique in the experiment.
    pub name: String,
    /// The trained model whose active version this variant's shoppers are served.
    pub model: String,
    /// Relative share of the enrolled shoppers (default 1: an even split).
    #[serde(default = "one")]
    pub weight: f64,
}

fn one() -> f64 {
    1.0
}

/// Whether an experiment assigns shoppers now.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    /// Shoppers are assigned, served their variant and counted.
    #[default]
    Running,
    /// Nobody is assigned; the tallies are kept as they were.
    Stopped,
}

impl Status {
    /// `running` or `stopped`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Running => "running",
            Self::Stopped => "stopped",
        }
    }
}

/// An A/B (or A/B/n) experiment. The first variant is the control every other is compared with.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Experiment {
    /// Stable id: letters, digits, `-`, `_` and `.`. Part of the assignment hash, so renaming
    /// an experiment's id reshuffles its shoppers.
    pub id: String,
    /// What is being tried, for people.
    pub name: String,
    /// Two or more arms; the first is the control.
    pub variants: Vec<Variant>,
    /// Share of shoppers enrolled, above 0 and at most 1 (default 1). The others are served as
    /// if there were no experiment and are not counted.
    #[serde(default = "one")]
    pub traffic: f64,
    /// Running or stopped.
    #[serde(default)]
    pub status: Status,
    /// When it first ran, in milliseconds since 1970 (`None` while it never has).
    #[serde(default)]
    pub started_at: Option<i64>,
    /// When it was stopped, while it is.
    #[serde(default)]
    pub stopped_at: Option<i64>,
}

impl Experiment {
    /// Checks every rule; the error names the field and says how to fix it.
    pub fn validate(&self) -> Result<()> {
        check_id("id", &self.id)?;
        let name = self.name.trim();
        if name.is_empty() || name.chars().count() > MAX_NAME_LEN {
            return Err(Error::Invalid(format!(
                "`name` must be 1 to {MAX_NAME_LEN} characters saying what is tried"
            )));
        }
        match self.variants.len() {
            0 | 1 => {
                return Err(Error::Invalid(format!(
                    "an experiment needs at least two variants to compare (a control and a \
                     challenger); `variants` has {}",
                    self.variants.len()
                )))
            }
            n if n > MAX_VARIANTS => {
                return Err(Error::Invalid(format!(
                    "at most {MAX_VARIANTS} variants; `variants` has {n}"
                )))
            }
            _ => {}
        }
        for (k, variant) in self.variants.iter().enumerate() {
            check_id(&format!("variants[{k}].name"), &variant.name)?;
            check_id(&format!("variants[{k}].model"), &variant.model)?;
            if !(variant.weight.is_finite() && variant.weight > 0.0 && variant.weight <= 1e6) {
                return Err(Error::Invalid(format!(
                    "`variants[{k}].weight` must be above 0 (and at most 1000000): a variant \
                     with no weight would get no shoppers; remove it instead"
                )));
            }
            if self.variants[..k].iter().any(|v| v.name == variant.name) {
                return Err(Error::Invalid(format!(
                    "`variants[{k}].name`: `{}` is used twice; give each variant its own name",
                    variant.name
                )));
            }
        }
        if !(self.traffic.is_finite() && self.traffic > 0.0 && self.traffic <= 1.0) {
            return Err(Error::Invalid(format!(
                "`traffic` must be above 0 and at most 1 (the share of shoppers enrolled); {} \
                 would enrol {}",
                self.traffic,
                if self.traffic <= 0.0 { "nobody" } else { "more than everybody" }
            )));
        }
        Ok(())
    }

    /// The variant a shopper is served, by index, or `None` when the shopper falls outside the
    /// traffic share. Depends only on the experiment's id, its traffic, its weights and the
    /// shopper's id: never on time, order or process.
    pub fn assign(&self, shopper: &str) -> Option<usize> {
        if self.traffic < 1.0 && enrolment_point(&self.id, shopper) >= self.traffic {
            return None;
        }
        let weights: Vec<f64> = self.variants.iter().map(|v| v.weight).collect();
        slice_of(unit_point(&self.id, shopper), &weights)
    }

    /// The control: the first variant.
    pub fn control(&self) -> Option<&Variant> {
        self.variants.first()
    }

    /// Whether `other` splits shoppers the same way: the same variants (names, models,
    /// weights). Changing them once shoppers were assigned would mix two experiments in one
    /// tally; the traffic share may change (ramping up moves nobody between variants).
    pub fn same_split(&self, other: &Experiment) -> bool {
        self.variants == other.variants
    }
}

/// An id, variant name or model name: 1 to 64 letters, digits, `-`, `_` or `.`, starting with a
/// letter or digit.
fn check_id(field: &str, value: &str) -> Result<()> {
    let shaped = !value.is_empty()
        && value.len() <= MAX_ID_LEN
        && value.starts_with(|c: char| c.is_ascii_alphanumeric())
        && value.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'));
    if shaped {
        Ok(())
    } else {
        Err(Error::Invalid(format!(
            "`{field}` must be 1 to {MAX_ID_LEN} letters, digits, `-`, `_` or `.`, starting with \
             a letter or digit; got {value:?}"
        )))
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// An experiment of `variants` given as `(name, model, weight)`.
    pub(crate) fn experiment(id: &str, variants: &[(&str, &str, f64)]) -> Experiment {
        Experiment {
            id: id.into(),
            name: "feed model".into(),
            variants: variants
                .iter()
                .map(|&(name, model, weight)| Variant {
                    name: name.into(),
                    model: model.into(),
                    weight,
                })
                .collect(),
            traffic: 1.0,
            status: Status::Running,
            started_at: None,
            stopped_at: None,
        }
    }

    fn refused(experiment: &Experiment, words: &str) {
        match experiment.validate() {
            Err(Error::Invalid(detail)) => assert!(detail.contains(words), "{detail}"),
            other => panic!("expected a refusal naming {words:?}, got {other:?}"),
        }
    }

    #[test]
    fn one_variant_or_none_is_refused() {
        refused(&experiment("x", &[("a", "ease", 1.0)]), "at least two variants");
        refused(&experiment("x", &[]), "has 0");
    }

    #[test]
    fn zero_traffic_and_zero_weights_are_refused() {
        let mut zero = experiment("x", &[("a", "ease", 1.0), ("b", "als", 1.0)]);
        zero.traffic = 0.0;
        refused(&zero, "enrol nobody");
        zero.traffic = f64::NAN;
        refused(&zero, "`traffic`");
        refused(&experiment("x", &[("a", "ease", 1.0), ("b", "als", 0.0)]), "variants[1].weight");
        refused(&experiment("x", &[("a", "ease", 1.0), ("b", "als", -2.0)]), "variants[1].weight");
    }

    #[test]
    fn names_and_ids_are_checked() {
        refused(&experiment("x", &[("a", "ease", 1.0), ("a", "als", 1.0)]), "used twice");
        refused(&experiment("bad id", &[("a", "ease", 1.0), ("b", "als", 1.0)]), "`id`");
        refused(&experiment("x", &[("a", "", 1.0), ("b", "als", 1.0)]), "variants[0].model");
        let mut unnamed = experiment("x", &[("a", "ease", 1.0), ("b", "als", 1.0)]);
        unnamed.name = "  ".into();
        refused(&unnamed, "`name`");
        let same_model = experiment("a-a", &[("a", "ease", 1.0), ("b", "ease", 1.0)]);
        assert_eq!(same_model.validate(), Ok(()), "an A/A test is a fair experiment");
    }

    #[test]
    fn assignments_are_pinned_and_follow_the_weights() {
        let test = experiment("home-feed", &[("a", "ease", 1.0), ("b", "als", 1.0)]);
        // Points computed independently: u1 0.027, alice 0.492, bob 0.261, u2 0.925, carol 0.921.
        for (shopper, variant) in [("u1", 0), ("alice", 0), ("bob", 0), ("u2", 1), ("carol", 1)] {
            assert_eq!(test.assign(shopper), Some(variant), "{shopper}");
        }
        let uneven = experiment("home-feed", &[("a", "ease", 9.0), ("b", "als", 1.0)]);
        assert_eq!(uneven.assign("u2"), Some(1), "0.925 is in the top tenth");
        assert_eq!(uneven.assign("carol"), Some(1));
        assert_eq!(uneven.assign("alice"), Some(0));

        let mut counts = [0u32; 3];
        let split =
            experiment("split", &[("a", "ease", 2.0), ("b", "als", 1.0), ("c", "bpr", 1.0)]);
        for k in 0..100_000 {
            let shopper = format!("shopper-{k}");
            let variant = split.assign(&shopper).expect("full traffic");
            assert_eq!(split.assign(&shopper), Some(variant), "stable");
            counts[variant] += 1;
        }
        // Expected 50,000 / 25,000 / 25,000; one percent is over five standard deviations.
        assert!((49_000..=51_000).contains(&counts[0]), "{counts:?}");
        assert!((24_000..=26_000).contains(&counts[1]), "{counts:?}");
        assert!((24_000..=26_000).contains(&counts[2]), "{counts:?}");
    }

    #[test]
    fn traffic_enrols_its_share_and_keeps_the_split_inside_it() {
        let mut partial = experiment("partial", &[("a", "ease", 1.0), ("b", "als", 1.0)]);
        partial.traffic = 0.2;
        let mut counts = [0u32; 2];
        let mut outside = 0;
        for k in 0..100_000 {
            match partial.assign(&format!("s{k}")) {
                Some(v) => counts[v] += 1,
                None => outside += 1,
            }
        }
        assert!((79_000..=81_000).contains(&outside), "{outside}");
        assert!((9_500..=10_500).contains(&counts[0]) && (9_500..=10_500).contains(&counts[1]));
        // Raising the traffic keeps everyone already enrolled, in their variant.
        let mut wider = partial.clone();
        wider.traffic = 0.5;
        for k in 0..10_000 {
            let shopper = format!("s{k}");
            if let Some(variant) = partial.assign(&shopper) {
                assert_eq!(wider.assign(&shopper), Some(variant), "{shopper}");
            }
        }
    }

    #[test]
    fn a_definition_reads_with_defaults() {
        let text = r#"{"id": "x", "name": "n", "variants": [{"name": "a", "model": "ease"},
            {"name": "b", "model": "als", "weight": 3}]}"#;
        let read: Experiment = serde_json::from_str(text).unwrap();
        assert_eq!(read.traffic, 1.0);
        assert_eq!(read.variants[0].weight, 1.0);
        assert_eq!(read.status, Status::Running);
        assert_eq!(read.validate(), Ok(()));
    }
}
