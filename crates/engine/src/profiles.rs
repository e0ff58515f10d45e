//! Shopper profiles for the binaries: the shop-wide context a profile is read against (item
//! facts, RFM cut points, the time "now" means, the propensity and churn models trained on the
//! shop's past, the basket counts next-basket items come from) and one shopper's profile from
//! the store.

use std::time::Instant;

use aisle_domain::{EventKind, ExternalId, OrderStatus};
use aisle_profiles::next_basket::{BasketCounts, NextBasketConfig, NextBasketModel};
use aisle_profiles::prediction::{features, Detail, Outcome, OutcomeModel, Prediction};
use aisle_profiles::segments::ShopperSummary;
use aisle_profiles::{
    CatalogFacts, LifecycleRules, Profile, ProfileBuilder, RfmScale, Segment, DAY_MS,
};

use crate::shoppers::History;
use crate::{Engine, Result};

/// Most of a shopper's newest events a profile reads.
pub const PROFILE_EVENTS: usize = 100_000;

/// The days ahead purchase propensity looks.
pub const PROPENSITY_HORIZON_DAYS: u32 = 30;

/// The days ahead churn risk looks: a past buyer who buys nothing in them has lapsed. Two months
/// is long enough that silence means more than one skipped monthly order, and short enough that
/// a shop with a quarter's history (the demo shop's 90 days) has buyers before the cutoff.
pub const CHURN_HORIZON_DAYS: u32 = 60;

/// Features each prediction explains itself with.
const PREDICTION_REASONS: usize = 3;

/// A trained model, or why there is none.
type Trained = std::result::Result<OutcomeModel, String>;

/// A profile's predictions as the binaries show them.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Predictions {
    /// The calibrated probability of a purchase within [`PROPENSITY_HORIZON_DAYS`].
    pub propensity: Option<f64>,
    /// Its horizon, reasons and validation, or why there is none.
    pub propensity_detail: Detail,
    /// For a shopper who bought, the calibrated probability of no purchase within
    /// [`CHURN_HORIZON_DAYS`].
    pub churn_risk: Option<f64>,
    /// Its horizon, reasons and validation, or why there is none.
    pub churn_detail: Detail,
}

/// What every profile is read against.
#[derive(Debug, Clone)]
pub struct ProfileContext {
    /// Category, brand and price of every catalog item.
    pub catalog: CatalogFacts,
    /// The shop's RFM cut points; `None` when nobody has bought.
    pub scale: Option<RfmScale>,
    /// The profile's "now", in milliseconds: the newest stored event's time, so a shop's
    /// history (an import of last year's data) reads as of its own end.
    pub now: i64,
    /// Lifecycle thresholds.
    pub rules: LifecycleRules,
    /// Every shopper's summary as of `now`, with their segment: what segment statistics,
    /// clusters and exports read.
    pub shoppers: Vec<ShopperSummary>,
    /// The propensity model, or why there is none (a shop with too short a history).
    pub propensity: Trained,
    /// The churn model, or why there is none.
    pub churn: Trained,
    /// Popularity and co-purchase counts of every shopper's baskets.
    pub next_basket: NextBasketModel,
}

impl ProfileContext {
    /// A profile's purchase propensity, or why there is none.
    pub fn propensity(&self, profile: &Profile) -> std::result::Result<Prediction, String> {
        predict(&self.propensity, profile)
    }

    /// A profile's churn risk, or why there is none: churn is the risk that a buyer does not
    /// come back, so a shopper who never bought has none.
    pub fn churn_risk(&self, profile: &Profile) -> std::result::Result<Prediction, String> {
        if profile.rfm.frequency == 0 {
            return Err("the shopper has never bought; churn risk is for shoppers who have".into());
        }
        predict(&self.churn, profile)
    }

    /// Both predictions of a profile, with their details.
    pub fn predictions(&self, profile: &Profile) -> Predictions {
        let propensity = self.propensity(profile);
        let churn = self.churn_risk(profile);
        Predictions {
            propensity: propensity.as_ref().ok().map(|p| p.probability),
            propensity_detail: Detail::of(&self.propensity, &propensity, PROPENSITY_HORIZON_DAYS),
            churn_risk: churn.as_ref().ok().map(|p| p.probability),
            churn_detail: Detail::of(&self.churn, &churn, CHURN_HORIZON_DAYS),
        }
    }
}

fn predict(model: &Trained, profile: &Profile) -> std::result::Result<Prediction, String> {
    let model = model.as_ref().map_err(Clone::clone)?;
    model.predict(profile, PREDICTION_REASONS).map_err(|error| {
        tracing::warn!(%error, "prediction failed");
        format!("the prediction failed: {error}")
    })
}

/// Trains one outcome's model, logging how it validated or why it could not.
fn train(outcome: Outcome, examples: &[(Vec<f32>, bool)], horizon_days: u32) -> Trained {
    let trained =
        OutcomeModel::train(outcome, examples, horizon_days).map_err(|error| error.to_string());
    match &trained {
        Ok(model) => {
            tracing::info!(outcome = outcome.as_str(), validation = ?model.validation(), "model trained")
        }
        Err(reason) => tracing::info!(outcome = outcome.as_str(), %reason, "no model"),
    }
    trained
}

/// Each shopper's probability from `model`, rounded as the profile shows it, where they have a
/// feature row.
fn score_all(
    model: &Trained,
    shoppers: &mut [ShopperSummary],
    rows: &[Option<Vec<f32>>],
    slot: fn(&mut ShopperSummary) -> &mut Option<f64>,
) {
    let Ok(model) = model else { return };
    for (shopper, row) in shoppers.iter_mut().zip(rows) {
        let Some(row) = row else { continue };
        *slot(shopper) = model.probability(row).ok().map(|p| (p * 1000.0).round() / 1000.0);
    }
}

impl History {
    /// The fold of the records before `until` (milliseconds; everything when `None`).
    fn fold(&self, catalog: &CatalogFacts, until: Option<i64>) -> ProfileBuilder {
        let before = |t: i64| until.is_none_or(|until| t < until);
        let mut builder = ProfileBuilder::new();
        for event in self.events.iter().filter(|e| before(e.timestamp.millis())) {
            builder.add_event(event, catalog);
        }
        for order in self.orders.iter().filter(|o| before(o.created_at.millis())) {
            builder.add_order(order);
        }
        builder
    }

    /// Whether any purchase (event or kept order) falls at or after `from`: what both the
    /// propensity label (bought) and the churn label (did not) read.
    fn bought_since(&self, from: i64) -> bool {
        self.events.iter().any(|e| e.kind == EventKind::Purchase && e.timestamp.millis() >= from)
            || self.orders.iter().any(|o| {
                o.created_at.millis() >= from
                    && !matches!(o.status, OrderStatus::Cancelled | OrderStatus::Returned)
            })
    }
}

impl Engine {
    /// Builds the profile context: every catalog item's facts, and every shopper's recency,
    /// frequency and spend for the RFM cut points. Reads every shopper's history: run it in the
    /// background and reuse it.
    pub fn profile_context(&self) -> Result<ProfileContext> {
        let started = Instant::now();
        let catalog = self.catalog_facts()?;
        let now = match self.store().newest_event_time()? {
            Some(time) => time.millis(),
            None => crate::train::now().millis(),
        };
        let rules = LifecycleRules::default();
        // Propensity examples: shoppers as they stood one horizon ago, and whether they bought
        // since; churn examples: buyers as they stood one churn horizon ago, and whether they
        // bought nothing since.
        let cutoff = now - i64::from(PROPENSITY_HORIZON_DAYS) * DAY_MS;
        let churn_cutoff = now - i64::from(CHURN_HORIZON_DAYS) * DAY_MS;
        let mut examples = Vec::new();
        let mut churn_examples = Vec::new();
        let mut buyers = Vec::new();
        let mut shoppers = Vec::new();
        let mut current_features = Vec::new();
        let mut buyer_features = Vec::new();
        let mut baskets = BasketCounts::new(NextBasketConfig::default());
        self.each_history(&mut |_| {}, |user, history| {
            let builder = history.fold(&catalog, None);
            // Segments wait for the scale, which needs every buyer first, and propensity for
            // the model.
            let current = builder.profile(now, None, &rules);
            current_features.push(builder.seen().then(|| features(&current)));
            buyer_features.push((current.rfm.frequency > 0).then(|| features(&current)));
            for basket in history.baskets() {
                baskets.add(&basket);
            }
            shoppers.push(ShopperSummary::of(user.to_string(), &current));
            let (frequency, monetary) = builder.frequency_and_monetary();
            if let Some(recency) = builder.recency_days(now).filter(|_| frequency > 0) {
                buyers.push((recency, f64::from(frequency), monetary));
            }
            let past = history.fold(&catalog, Some(cutoff));
            if past.seen() {
                let profile = past.profile(cutoff, None, &rules);
                examples.push((features(&profile), history.bought_since(cutoff)));
            }
            let past = history.fold(&catalog, Some(churn_cutoff));
            if past.frequency_and_monetary().0 > 0 {
                let profile = past.profile(churn_cutoff, None, &rules);
                churn_examples.push((features(&profile), !history.bought_since(churn_cutoff)));
            }
            Ok(())
        })?;
        let propensity = train(Outcome::Purchase, &examples, PROPENSITY_HORIZON_DAYS);
        score_all(&propensity, &mut shoppers, &current_features, |s| &mut s.propensity);
        let churn = train(Outcome::Churn, &churn_examples, CHURN_HORIZON_DAYS);
        score_all(&churn, &mut shoppers, &buyer_features, |s| &mut s.churn_risk);
        let scale = RfmScale::new(&buyers);
        if let Some(scale) = &scale {
            for shopper in shoppers.iter_mut().filter(|s| s.frequency > 0) {
                let recency = shopper.recency_days.unwrap_or_default();
                let scores = scale.scores(recency, f64::from(shopper.frequency), shopper.monetary);
                shopper.segment = Segment::of(Some(scores)).as_str();
            }
        }
        tracing::info!(
            shoppers = shoppers.len(),
            buyers = buyers.len(),
            examples = examples.len(),
            churn_examples = churn_examples.len(),
            seconds = started.elapsed().as_secs_f64(),
            "profile context built"
        );
        // Guest checkouts are in no shopper's history, but they are baskets all the same.
        self.store().each_guest_order(&mut |order| {
            if !matches!(order.status, OrderStatus::Cancelled | OrderStatus::Returned) {
                let items: Vec<String> = order.lines.iter().map(|l| l.item.to_string()).collect();
                baskets.add(&items);
            }
            Ok(())
        })?;
        let next_basket = baskets.finish();
        Ok(ProfileContext { catalog, scale, now, rules, shoppers, propensity, churn, next_basket })
    }

    /// A shopper's history folded: their newest [`PROFILE_EVENTS`] events and their orders.
    pub fn profile_builder(
        &self,
        user: &ExternalId,
        catalog: &CatalogFacts,
    ) -> Result<ProfileBuilder> {
        Ok(self.history(user)?.fold(catalog, None))
    }

    /// A shopper's profile against the context; `None` when the store has no such shopper.
    pub fn user_profile(
        &self,
        context: &ProfileContext,
        user: &ExternalId,
    ) -> Result<Option<Profile>> {
        if self.store().user_index(user)?.is_none() {
            return Ok(None);
        }
        let builder = self.profile_builder(user, &context.catalog)?;
        Ok(Some(builder.profile(context.now, context.scale.as_ref(), &context.rules)))
    }
}
