//! `aisle profiles`: a shopper's profile read from the store, with their purchase propensity.

use std::process::ExitCode;

use aisle_domain::{ExternalId, Timestamp};
use aisle_engine::{Config, Engine, PROPENSITY_HORIZON_DAYS};
use anyhow::{bail, Context};
use serde_json::json;

use crate::cli::{ProfilesAction, ProfilesArgs};

/// Runs one `aisle profiles` subcommand.
pub fn run(config: &Config, args: ProfilesArgs) -> anyhow::Result<ExitCode> {
    match args.action {
        ProfilesAction::Show { user, json } => {
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
            let propensity = context.propensity(&profile);
            let as_of =
                Timestamp::from_millis(context.now).map(Timestamp::to_rfc3339).unwrap_or_default();
            if json {
                let mut value = serde_json::to_value(&profile)?;
                value["user_id"] = json!(user);
                value["as_of"] = json!(as_of);
                value["propensity"] = json!(propensity.as_ref().map(|p| p.probability));
                value["propensity_detail"] = json!({
                    "horizon_days": PROPENSITY_HORIZON_DAYS,
                    "reasons": propensity.as_ref().map(|p| p.reasons.clone()).unwrap_or_default(),
                    "validation_auc": context.propensity.as_ref().ok().map(|m| m.validation().auc),
                    "unavailable": context.propensity.as_ref().err(),
                });
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
            match (&propensity, &context.propensity) {
                (Some(p), _) => {
                    let reasons: Vec<String> = p
                        .reasons
                        .iter()
                        .map(|r| format!("{} {:+.2}", r.feature, r.contribution))
                        .collect();
                    emit!(
                        "buys within {} days: {:.1}% (because {})",
                        p.horizon_days,
                        p.probability * 100.0,
                        reasons.join(", ")
                    );
                }
                (None, Err(reason)) => emit!("no propensity: {reason}"),
                (None, Ok(_)) => emit!("no propensity: the prediction failed (see the log)"),
            }
            Ok(ExitCode::SUCCESS)
        }
    }
}
