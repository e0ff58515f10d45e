//! Shopping analytics and the marketing report from the store: every shopper's history read
//! once into `aisle-analytics`' collector (funnels, paths, attribution, KPIs, segment movement,
//! top products), item titles looked up for what the report lists, and the report page.
//!
//! Guest orders and anonymous sessions are not listed by shopper in the store, so they are not
//! counted (see docs/analytics.md).

use std::time::Instant;

use aisle_analytics::{html, Analysis, Collector, Period};

use crate::{Engine, Error, Progress, Result};

/// Days a period covers when no first day is given.
pub const DEFAULT_PERIOD_DAYS: u32 = 30;

/// Products, paths and recommended items an analysis lists.
pub const ANALYTICS_TOP: usize = 10;

/// A period's marketing report: the analysis and its page.
#[derive(Debug, Clone)]
pub struct MarketingReport {
    /// What the page shows.
    pub analysis: Analysis,
    /// The self-contained HTML page.
    pub html: String,
}

impl Engine {
    /// The period of days `from` to `to` (`YYYY-MM-DD`, both included). Without `to`, it ends
    /// on the day of the newest stored event; without `from`, it is the
    /// [`DEFAULT_PERIOD_DAYS`] days up to `to`.
    pub fn analytics_period(&self, from: Option<&str>, to: Option<&str>) -> Result<Period> {
        let to = match to {
            Some(day) => aisle_analytics::period::parse_day("to", day)?,
            None => {
                let newest = self.store().newest_event_time()?.unwrap_or_else(crate::train::now);
                let newest = Period::days_ending_at(newest.millis(), 1).from;
                // A first day after the newest event still makes a period (with no records in
                // it), so the answer names the data's range instead of a reversed period.
                match from.map(|day| aisle_analytics::period::parse_day("from", day)) {
                    Some(Ok(first)) => first.max(newest),
                    _ => newest,
                }
            }
        };
        let last = aisle_analytics::period::date(to);
        match from {
            Some(first) => Ok(Period::of_days(first, &last)?),
            None => Ok(Period::days_ending_at(to, DEFAULT_PERIOD_DAYS)),
        }
    }

    /// The analysis of a period: every shopper's history read once. Fails with
    /// [`Error::PeriodOutsideData`] when no record falls in the period (naming the range that
    /// does) and with [`Error::InvalidRequest`] when the store holds no shopper records.
    pub fn analytics(
        &self,
        period: Period,
        progress: &mut dyn FnMut(Progress),
    ) -> Result<Analysis> {
        let started = Instant::now();
        let catalog = self.catalog_facts()?;
        let mut collector = Collector::new(period, &catalog, ANALYTICS_TOP);
        self.each_history(progress, |_, history| {
            collector.add(&history.events, &history.orders);
            Ok(())
        })?;
        let Some(range) = collector.data_range() else {
            return Err(Error::InvalidRequest(
                "the store holds no shoppers' events or orders to analyse; import or generate \
                 data first (aisle import, aisle generate)"
                    .into(),
            ));
        };
        if !period.overlaps(range.first, range.last) {
            return Err(Error::PeriodOutsideData {
                period: period.to_string(),
                first: aisle_analytics::period::date(range.first),
                last: aisle_analytics::period::date(range.last),
            });
        }
        let mut analysis = collector.finish();
        self.add_titles(&mut analysis)?;
        tracing::info!(
            %period,
            shoppers = analysis.shoppers_read,
            seconds = started.elapsed().as_secs_f64(),
            "analytics read"
        );
        Ok(analysis)
    }

    /// The marketing report of a period: [`Engine::analytics`] and its page.
    pub fn marketing_report(
        &self,
        period: Period,
        progress: &mut dyn FnMut(Progress),
    ) -> Result<MarketingReport> {
        let analysis = self.analytics(period, progress)?;
        let html = html::render(&analysis, &crate::train::now().to_rfc3339());
        Ok(MarketingReport { analysis, html })
    }

    /// Titles of the items an analysis lists, from the catalog (bare items have none).
    fn add_titles(&self, analysis: &mut Analysis) -> Result<()> {
        let title = |id: &str| -> Result<Option<String>> {
            let Ok(id) = aisle_domain::ExternalId::parse(id) else { return Ok(None) };
            Ok(self.store().item(&id)?.map(|item| item.title).filter(|t| !t.trim().is_empty()))
        };
        let top = &mut analysis.top_products;
        for product in top.by_revenue.iter_mut().chain(top.by_units.iter_mut()) {
            product.title = title(&product.item)?;
        }
        for item in &mut analysis.attribution.top_items {
            item.title = title(&item.item)?;
        }
        Ok(())
    }
}
