//! `aisle profiles`: a shopper's profile read from the store, with their purchase propensity,
//! churn risk and likely next basket; segments and their export.

use std::process::ExitCode;

use aisle_domain::{ExternalId, Timestamp};
use aisle_engine::profile::prediction::Detail;
use aisle_engine::profile::segments::{
    by_churn_risk, by_propensity, clusters, members, segment_stats, to_csv, CLUSTER_FEATURES,
    CLUSTER_SEED,
};
use aisle_engine::{Config, Engine, ProfileContext, MAX_NEXT_BASKET};
use anyhow::{bail, Context};
use serde_json::json;

use crate::cli::{ProfilesAction, ProfilesArgs};

fn context(config: &Config) -> anyhow::Result<ProfileContext> {
    let engine = Engine::open(config)
        .with_context(|| format!("cannot open the store in {}", config.data_dir.display()))?;
    eprintln!("reading every shopper's history ...");
    Ok(engine.profile_context()?)
}

/// Runs one `aisle profiles` subcommand.
pub fn run(config: &Config, args: ProfilesArgs) -> anyhow::Result<ExitCode> {
    match args.action {
        ProfilesAction::Segments { k, json } => {
            let context = context(config)?;
            let stats = segment_stats(&context.shoppers);
            let found = clusters(&context.shoppers, k, CLUSTER_SEED);
            if json {
                let value = json!({
                    "shoppers": context.shoppers.len(),
                    "rfm": stats,
                    "clusters": found.as_ref().ok(),
                    "clusters_unavailable": found.as_ref().err().map(|e| e.to_string()),
                    "cluster_features": CLUSTER_FEATURES,
                });
                emit!("{}", serde_json::to_string_pretty(&value)?);
                return Ok(ExitCode::SUCCESS);
            }
            emit!(
                "{:<20} {:>8} {:>7} {:>9} {:>7} {:>10} {:>8}",
                "segment",
                "shoppers",
                "share",
                "recency",
                "orders",
                "spend",
                "revenue"
            );
            for s in &stats {
                emit!(
                    "{:<20} {:>8} {:>6.1}% {:>9} {:>7.2} {:>10.2} {:>7.1}%",
                    s.segment,
                    s.shoppers,
                    s.share * 100.0,
                    s.mean_recency_days.map_or("-".to_string(), |r| format!("{r:.1}")),
                    s.mean_frequency,
                    s.mean_monetary,
                    s.revenue_share * 100.0
                );
            }
            match found {
                Ok(found) => {
                    emit!(
                        "\n{} clusters of {} shoppers seen (typical shopper of each):",
                        k,
                        found.clustered
                    );
                    for c in &found.clusters {
                        let centre: Vec<String> =
                            c.centre.iter().map(|(name, v)| format!("{name} {v:.1}")).collect();
                        emit!(
                            "cluster-{} {:>7} shoppers ({:.1}%), mostly {}: {}",
                            c.cluster,
                            c.shoppers,
                            c.share * 100.0,
                            c.main_segment,
                            centre.join(", ")
                        );
                    }
                }
                Err(error) => emit!("no clusters: {error}"),
            }
            Ok(ExitCode::SUCCESS)
        }
        ProfilesAction::Export { segment, k, min_propensity, max_propensity, min_churn_risk } => {
            let context = context(config)?;
            let mut chosen = members(&context.shoppers, &segment, k, CLUSTER_SEED)?;
            if let Some(min) = min_churn_risk {
                if !(0.0..=1.0).contains(&min) {
                    bail!("--min-churn-risk is {min}; give a probability from 0 to 1");
                }
                if let Err(reason) = &context.churn {
                    bail!("no churn model to aim with: {reason}");
                }
                chosen = by_churn_risk(chosen, min, 1.0);
            }
            if min_propensity.is_some() || max_propensity.is_some() {
                let (min, max) = (min_propensity.unwrap_or(0.0), max_propensity.unwrap_or(1.0));
                if !(0.0..=1.0).contains(&min) || !(0.0..=1.0).contains(&max) || min > max {
                    bail!("propensity band {min} to {max}: give 0 <= --min-propensity <= --max-propensity <= 1");
                }
                if let Err(reason) = &context.propensity {
                    bail!("no propensity model to aim with: {reason}");
                }
                chosen = by_propensity(chosen, min, max);
            }
            eprintln!("{} shoppers in {segment}", chosen.len());
            print!("{}", to_csv(&chosen));
            Ok(ExitCode::SUCCESS)
        }
        ProfilesAction::Show { user, next_basket, json } => {
            if !(1..=MAX_NEXT_BASKET).contains(&next_basket) {
                bail!("--next-basket is {next_basket}; ask for 1 to {MAX_NEXT_BASKET} items");
            }
            let engine = Engine::open(config).with_context(|| {
                format!("cannot open the store in {}", config.data_dir.display())
            })?;
            let id = ExternalId::parse(user.clone())
                .map_err(|e| anyhow::anyhow!("user id {user:?}: {e}"))?;
            eprintln!(
                "reading every shopper for the shop's RFM cut points and propensity model ..."
            );
            let context = engine.profile_context()?;
            let Some(profile) = engine.user_profile(&context, &id)? else {
                bail!("no user {user} in the store; `aisle stats` counts the users it holds");
            };
            let predictions = context.predictions(&profile);
            let basket = engine.next_basket(&context, &id, next_basket)?.unwrap_or_default();
            let as_of =
                Timestamp::from_millis(context.now).map(Timestamp::to_rfc3339).unwrap_or_default();
            if json {
                let mut value = serde_json::to_value(&profile)?;
                value["user_id"] = json!(user);
                value["as_of"] = json!(as_of);
                if let (Some(value), serde_json::Value::Object(added)) =
                    (value.as_object_mut(), serde_json::to_value(&predictions)?)
                {
                    value.extend(added);
                }
                value["next_basket"] = json!(basket);
                emit!("{}", serde_json::to_string_pretty(&value)?);
                return Ok(ExitCode::SUCCESS);
            }
            let rfm = &profile.rfm;
            emit!("{user} as of {as_of}");
            emit!("segment {}, lifecycle {}", profile.segment, profile.lifecycle);
            emit!(
                "RFM: last purchase {} days ago, {} orders, {:.2} spent",
                rfm.recency_days.map_or("-".to_string(), |d| format!("{d:.1}")),
                rfm.frequency,
                rfm.monetary
            );
            emit!(
                "activity: {} ({} events, {} in the last 30 days)",
                profile.activity.level,
                profile.activity.events,
                profile.activity.events_30d
            );
            let shares = |list: &[aisle_engine::profile::Share]| {
                let named: Vec<String> = list
                    .iter()
                    .take(5)
                    .map(|s| format!("{} {:.0}%", s.name, s.share * 100.0))
                    .collect();
                named.join(", ")
            };
            emit!("categories: {}", shares(&profile.affinities.categories));
            emit!("brands: {}", shares(&profile.affinities.brands));
            emit!("price band: {}", profile.price.band.unwrap_or("-"));
            emit!(
                "{}",
                prediction_line("buys", predictions.propensity, &predictions.propensity_detail)
            );
            emit!(
                "{}",
                prediction_line("lapses", predictions.churn_risk, &predictions.churn_detail)
            );
            let listed: Vec<String> =
                basket.iter().map(|s| format!("{} ({})", s.item, s.reason)).collect();
            emit!(
                "next basket: {}",
                if listed.is_empty() { "-".into() } else { listed.join(", ") }
            );
            Ok(ExitCode::SUCCESS)
        }
    }
}

/// "buys within 30 days: 15.9% (because ...)", or why there is no prediction.
fn prediction_line(verb: &str, probability: Option<f64>, detail: &Detail) -> String {
    let Some(p) = probability else {
        let reason = detail.unavailable.as_deref().unwrap_or("no model");
        return format!("{verb} within {} days: - ({reason})", detail.horizon_days);
    };
    let reasons: Vec<String> =
        detail.reasons.iter().map(|r| format!("{} {:+.2}", r.feature, r.contribution)).collect();
    format!(
        "{verb} within {} days: {:.1}% (because {})",
        detail.horizon_days,
        p * 100.0,
        reasons.join(", ")
    )
}
