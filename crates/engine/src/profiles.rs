//! Shopper profiles for the binaries: the shop-wide context a profile is read against (item
//! facts, RFM cut points, the time "now" means, the propensity model trained on the shop's
//! past) and one shopper's profile from the store.

use std::time::Instant;

use aisle_domain::{EventKind, ExternalId, OrderStatus};
use aisle_profiles::propensity::{features, Propensity, PropensityModel};
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

/// Features each propensity prediction explains itself with.
const PROPENSITY_REASONS: usize = 3;

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
    pub propensity: std::result::Result<PropensityModel, String>,
}

impl ProfileContext {
    /// A profile's purchase propensity; `None` without a model.
    pub fn propensity(&self, profile: &Profile) -> Option<Propensity> {
        let model = self.propensity.as_ref().ok()?;
        match model.predict(profile, PROPENSITY_REASONS) {
            Ok(propensity) => Some(propensity),
            Err(error) => {
                tracing::warn!(%error, "propensity prediction failed");
                None
            }
        }
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

    /// Whether any purchase (event or kept order) falls at or after `from`.
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
        // since.
        let cutoff = now - i64::from(PROPENSITY_HORIZON_DAYS) * DAY_MS;
        let mut examples = Vec::new();
        let mut buyers = Vec::new();
        let mut shoppers = Vec::new();
        let mut current_features = Vec::new();
        self.each_history(&mut |_| {}, |user, history| {
            let builder = history.fold(&catalog, None);
            // Segments wait for the scale, which needs every buyer first, and propensity for
            // the model.
            let current = builder.profile(now, None, &rules);
            current_features.push(builder.seen().then(|| features(&current)));
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
            Ok(())
        })?;
        let propensity = PropensityModel::train(&examples, PROPENSITY_HORIZON_DAYS)
            .map_err(|error| error.to_string());
        if let Ok(model) = &propensity {
            for (shopper, row) in shoppers.iter_mut().zip(&current_features) {
                let Some(row) = row else { continue };
                shopper.propensity =
                    model.probability(row).ok().map(|p| (p * 1000.0).round() / 1000.0);
            }
        }
        match &propensity {
            Ok(model) => {
                tracing::info!(validation = ?model.validation(), "propensity model trained")
            }
            Err(reason) => tracing::info!(%reason, "no propensity model"),
        }
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
            seconds = started.elapsed().as_secs_f64(),
            "profile context built"
        );
        Ok(ProfileContext { catalog, scale, now, rules, shoppers, propensity })
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
