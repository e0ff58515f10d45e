//! An experiment's results: per variant, its conversion rate (shoppers who clicked or bought a
//! recommended item over shoppers shown the variant) and purchase rate with 95% Wilson
//! intervals; for each challenger, the difference from the control with Newcombe's interval and
//! the two-proportion z-test; and a verdict in plain words.
//!
//! With more than one challenger, each test is held to `0.05 / challengers` (Bonferroni), so the
//! chance of any false winner stays at most 5%. The intervals stay 95% each.

use serde::Serialize;

use crate::stats::{newcombe, two_proportion_z, wilson, Z95};
use crate::{Entry, Tally};

/// Below this many shoppers in any variant, no verdict is drawn: the normal approximation the
/// test rests on is poor and a early lead is mostly noise.
pub const MIN_SHOPPERS: u64 = 100;
/// The chance of a false winner the verdict allows, over all challengers together.
pub const ALPHA: f64 = 0.05;

/// A rate with its 95% interval; all `None` while the variant has no shoppers.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Rate {
    /// Shoppers counted (converted or bought).
    pub count: u64,
    /// `count / shoppers`.
    pub rate: Option<f64>,
    /// Lower end of the Wilson interval.
    pub low: Option<f64>,
    /// Upper end of the Wilson interval.
    pub high: Option<f64>,
}

impl Rate {
    fn of(count: u64, shoppers: u64) -> Self {
        let interval = wilson(count, shoppers, Z95);
        Self {
            count,
            rate: (shoppers > 0).then(|| count as f64 / shoppers as f64),
            low: interval.map(|i| i.low),
            high: interval.map(|i| i.high),
        }
    }
}

/// A challenger against the control on one rate.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Comparison {
    /// Challenger's rate minus the control's.
    pub difference: f64,
    /// Lower end of the difference's 95% interval (Newcombe's hybrid score).
    pub low: f64,
    /// Upper end.
    pub high: f64,
    /// The difference over the control's rate (0.12: converts 12% better); `None` when the
    /// control's rate is 0.
    pub relative: Option<f64>,
    /// The pooled two-proportion z statistic.
    pub z: f64,
    /// Its two-sided p-value.
    pub p_value: f64,
    /// `p_value` below the per-comparison level ([`Results::alpha`]).
    pub significant: bool,
}

/// One variant's results.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct VariantResult {
    /// The variant's name.
    pub name: String,
    /// The model it serves.
    pub model: String,
    /// Its share of the enrolled shoppers (its weight over all weights).
    pub share: f64,
    /// The raw counts.
    pub tally: Tally,
    /// Shoppers who clicked or bought a recommended item: the primary rate.
    pub conversion: Rate,
    /// Shoppers who bought a recommended item.
    pub purchase: Rate,
    /// Against the control on conversion; `None` for the control or while either has no
    /// shoppers.
    pub conversion_vs_control: Option<Comparison>,
    /// Against the control on purchases.
    pub purchase_vs_control: Option<Comparison>,
}

/// What the results say, as a kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    /// No shopper has been shown any variant.
    NoTraffic,
    /// Some variant has fewer than [`MIN_SHOPPERS`] shoppers.
    NotEnoughData,
    /// Enough shoppers, none converted.
    NoConversions,
    /// No challenger differs significantly from the control.
    NoDifference,
    /// A challenger converts significantly better than the control.
    Better,
    /// Every significant challenger converts worse than the control.
    Worse,
}

/// The verdict.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Verdict {
    /// Its kind.
    pub outcome: Outcome,
    /// The challenger it speaks of, when one.
    pub variant: Option<String>,
    /// In plain words, e.g. "b converts 12% better than a (3.4% against 3.0%), p = 0.003".
    pub text: String,
}

/// An experiment's results.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Results {
    /// The control's name (the first variant).
    pub control: String,
    /// The p-value a comparison must stay under: 0.05 over the number of challengers.
    pub alpha: f64,
    /// Shoppers each variant needs before a verdict.
    pub min_shoppers: u64,
    /// Every variant, the control first.
    pub variants: Vec<VariantResult>,
    /// What it all says.
    pub verdict: Verdict,
}

/// The results of an experiment from its counts.
pub fn results(entry: &Entry) -> Results {
    let experiment = &entry.experiment;
    let total_weight: f64 = experiment.variants.iter().map(|v| v.weight).sum();
    let challengers = experiment.variants.len().saturating_sub(1).max(1);
    let alpha = ALPHA / challengers as f64;
    let tally = |k: usize| entry.tallies.get(k).copied().unwrap_or_default();
    let control = tally(0);
    let variants: Vec<VariantResult> = experiment
        .variants
        .iter()
        .enumerate()
        .map(|(k, variant)| {
            let own = tally(k);
            let against = |pick: fn(&Tally) -> u64| {
                (k > 0)
                    .then(|| {
                        compare(
                            (pick(&control), control.shoppers),
                            (pick(&own), own.shoppers),
                            alpha,
                        )
                    })
                    .flatten()
            };
            VariantResult {
                name: variant.name.clone(),
                model: variant.model.clone(),
                share: variant.weight / total_weight,
                tally: own,
                conversion: Rate::of(own.converted, own.shoppers),
                purchase: Rate::of(own.buyers, own.shoppers),
                conversion_vs_control: against(|t| t.converted),
                purchase_vs_control: against(|t| t.buyers),
            }
        })
        .collect();
    let verdict = verdict(&variants);
    Results {
        control: experiment.control().map(|v| v.name.clone()).unwrap_or_default(),
        alpha,
        min_shoppers: MIN_SHOPPERS,
        variants,
        verdict,
    }
}

fn compare(control: (u64, u64), challenger: (u64, u64), alpha: f64) -> Option<Comparison> {
    let interval = newcombe(control, challenger, Z95)?;
    let test = two_proportion_z(control, challenger)?;
    let (pc, pv) = (control.0 as f64 / control.1 as f64, challenger.0 as f64 / challenger.1 as f64);
    Some(Comparison {
        difference: pv - pc,
        low: interval.low,
        high: interval.high,
        relative: (pc > 0.0).then(|| (pv - pc) / pc),
        z: test.z,
        p_value: test.p_value,
        significant: test.p_value < alpha,
    })
}

fn verdict(variants: &[VariantResult]) -> Verdict {
    let plain = |outcome, text: String| Verdict { outcome, variant: None, text };
    let shoppers: u64 = variants.iter().map(|v| v.tally.shoppers).sum();
    if shoppers == 0 {
        return plain(
            Outcome::NoTraffic,
            "no traffic yet: no shopper has been shown this experiment's recommendations".into(),
        );
    }
    if variants.iter().any(|v| v.tally.shoppers < MIN_SHOPPERS) {
        let counts: Vec<String> =
            variants.iter().map(|v| format!("{} {}", v.name, v.tally.shoppers)).collect();
        return plain(
            Outcome::NotEnoughData,
            format!(
                "not enough data: fewer than {MIN_SHOPPERS} shoppers per variant ({})",
                counts.join(", ")
            ),
        );
    }
    if variants.iter().all(|v| v.tally.converted == 0) {
        return plain(
            Outcome::NoConversions,
            format!("no conversions yet among {shoppers} shoppers"),
        );
    }
    let Some(control) = variants.first() else {
        return plain(Outcome::NoTraffic, "no variants".into());
    };
    let compared: Vec<(&VariantResult, Comparison)> =
        variants[1..].iter().filter_map(|v| Some((v, v.conversion_vs_control?))).collect();
    let best_winner = compared
        .iter()
        .filter(|(_, c)| c.significant && c.difference > 0.0)
        .max_by(|a, b| a.1.difference.total_cmp(&b.1.difference));
    let worst_loser = compared
        .iter()
        .filter(|(_, c)| c.significant && c.difference < 0.0)
        .min_by(|a, b| a.1.difference.total_cmp(&b.1.difference));
    let closest = compared.iter().min_by(|a, b| a.1.p_value.total_cmp(&b.1.p_value));
    let (outcome, (variant, comparison)) = match (best_winner, worst_loser, closest) {
        (Some(winner), _, _) => (Outcome::Better, winner),
        (None, Some(loser), _) => (Outcome::Worse, loser),
        (None, None, Some(closest)) => (Outcome::NoDifference, closest),
        (None, None, None) => return plain(Outcome::NoTraffic, "nothing to compare".into()),
    };
    let mut text = describe(variant, control, comparison);
    if outcome == Outcome::NoDifference {
        text = format!("no significant difference yet: {text}");
    }
    if compared.len() > 1 {
        text.push_str(&format!(
            " (each comparison held to p < {} for {} challengers)",
            round_p(ALPHA / compared.len() as f64),
            compared.len()
        ));
    }
    Verdict { outcome, variant: Some(variant.name.clone()), text }
}

/// "b converts 12% better than a (3.4% against 3.0%), p = 0.003".
fn describe(variant: &VariantResult, control: &VariantResult, comparison: &Comparison) -> String {
    let rate = |v: &VariantResult| percent(v.conversion.rate.unwrap_or(0.0));
    let p = format_p(comparison.p_value);
    match comparison.relative {
        Some(relative) if relative.abs() >= 0.005 => format!(
            "{} converts {:.0}% {} than {} ({} against {}), {p}",
            variant.name,
            relative.abs() * 100.0,
            if relative > 0.0 { "better" } else { "worse" },
            control.name,
            rate(variant),
            rate(control)
        ),
        Some(_) => format!(
            "{} converts as {} does ({} against {}), {p}",
            variant.name,
            control.name,
            rate(variant),
            rate(control)
        ),
        None => format!(
            "{} converts at {} against 0% for {}, {p}",
            variant.name,
            rate(variant),
            control.name
        ),
    }
}

fn percent(rate: f64) -> String {
    format!("{:.1}%", rate * 100.0)
}

fn format_p(p: f64) -> String {
    if p < 0.001 {
        "p < 0.001".into()
    } else {
        format!("p = {}", round_p(p))
    }
}

/// Three decimals, trailing zeros dropped: 0.05, 0.017, 0.41.
fn round_p(p: f64) -> String {
    let text = format!("{p:.3}");
    text.trim_end_matches('0').trim_end_matches('.').to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::experiment::tests::experiment;

    fn entry(counts: &[(u64, u64)]) -> Entry {
        let names = ["a", "b", "c", "d"];
        let variants: Vec<(&str, &str, f64)> =
            (0..counts.len()).map(|k| (names[k], "ease", 1.0)).collect();
        Entry {
            experiment: experiment("x", &variants),
            tallies: counts
                .iter()
                .map(|&(shoppers, converted)| Tally {
                    shoppers,
                    converted,
                    impressions: shoppers * 2,
                    clicks: converted,
                    ..Tally::default()
                })
                .collect(),
        }
    }

    fn check(counts: &[(u64, u64)], outcome: Outcome, text: &str) {
        let results = results(&entry(counts));
        assert_eq!(results.verdict.outcome, outcome, "{}", results.verdict.text);
        assert_eq!(results.verdict.text, text);
    }

    #[test]
    fn zero_traffic_is_a_defined_result() {
        let results = results(&entry(&[(0, 0), (0, 0)]));
        assert_eq!(results.verdict.outcome, Outcome::NoTraffic);
        assert!(results.verdict.text.starts_with("no traffic yet"));
        for variant in &results.variants {
            assert_eq!(variant.conversion, Rate { count: 0, rate: None, low: None, high: None });
            assert_eq!(variant.conversion_vs_control, None);
        }
        assert_eq!(results.variants[1].share, 0.5);
        let missing = Entry { tallies: Vec::new(), ..entry(&[(0, 0), (0, 0)]) };
        assert_eq!(super::results(&missing).verdict.outcome, Outcome::NoTraffic);
    }

    #[test]
    fn verdicts_in_words() {
        check(
            &[(40, 3), (35, 1)],
            Outcome::NotEnoughData,
            "not enough data: fewer than 100 shoppers per variant (a 40, b 35)",
        );
        check(
            &[(200, 0), (180, 0)],
            Outcome::NoConversions,
            "no conversions yet among 380 shoppers",
        );
        // 300/10,000 against 360/10,000: z = 2.375, p = 0.0175 (hand computed).
        check(
            &[(10_000, 300), (10_000, 360)],
            Outcome::Better,
            "b converts 20% better than a (3.6% against 3.0%), p = 0.018",
        );
        check(
            &[(10_000, 360), (10_000, 300)],
            Outcome::Worse,
            "b converts 17% worse than a (3.0% against 3.6%), p = 0.018",
        );
        check(
            &[(1_000, 30), (1_000, 33)],
            Outcome::NoDifference,
            "no significant difference yet: b converts 10% better than a (3.3% against 3.0%), p = 0.701",
        );
        check(
            &[(500, 0), (500, 12)],
            Outcome::Better,
            "b converts at 2.4% against 0% for a, p < 0.001",
        );
    }

    #[test]
    fn several_challengers_share_the_false_winner_budget() {
        // 300 against 355 of 10,000: p = 0.029, significant at 0.05 but not at 0.025.
        let results = results(&entry(&[(10_000, 300), (10_000, 355), (10_000, 310)]));
        assert_eq!(results.alpha, 0.025);
        assert_eq!(results.verdict.outcome, Outcome::NoDifference);
        assert_eq!(results.verdict.variant.as_deref(), Some("b"));
        assert!(results
            .verdict
            .text
            .ends_with("(each comparison held to p < 0.025 for 2 challengers)"));
    }

    #[test]
    fn numbers_match_the_statistics() {
        let results = results(&entry(&[(80, 48), (70, 56)]));
        let b = &results.variants[1];
        assert_eq!(b.conversion.rate, Some(0.8));
        let versus = b.conversion_vs_control.expect("compared");
        assert!((versus.difference - 0.2).abs() < 1e-12);
        assert!((versus.low - 0.052_431_472_402_364_98).abs() < 1e-9);
        assert!((versus.relative.unwrap() - 0.2 / 0.6).abs() < 1e-12);
        assert!((versus.p_value - 0.008_045_081_368_196_568).abs() < 1e-10);
        assert!(versus.significant);
        assert_eq!(results.variants[0].conversion_vs_control, None, "the control");
        assert_eq!(b.purchase.rate, Some(0.0));
    }
}
