//! Customer features at a cutoff, from retail transactions: recency, frequency and monetary
//! value, their recent windows, purchase rhythm, breadth, returns and country.
//!
//! Every feature is computed from transactions strictly before the cutoff; a transaction at or
//! after it can only change the label. A customer is a row when they made at least one purchase
//! before the cutoff (returns alone do not make a customer, and someone whose first purchase
//! falls after the cutoff has no history to score). The label is whether they make a purchase
//! in `[cutoff, cutoff + horizon)`; churn is its negation over the same rows.
//!
//! This does not choose cutoffs, stack snapshots or split them; the caller's protocol does, and
//! must keep every training label window before the test cutoff.

use std::collections::{BTreeMap, BTreeSet, HashSet};

use super::Transaction;
use crate::dataset::{Dataset, Matrix};
use crate::time::Timestamp;
use crate::{Error, Result};

/// The feature columns, in order. Times are in days (with fractions); money in pounds.
pub const FEATURE_NAMES: [&str; 16] = [
    // Days from the last purchase to the cutoff.
    "recency_days",
    // Distinct purchase invoices.
    "frequency",
    // Total purchase value.
    "monetary",
    // Days from the first purchase to the cutoff (capped by where the data starts).
    "tenure_days",
    // Purchase invoices in the 30 and 90 days before the cutoff, and their value.
    "invoices_last_30d",
    "invoices_last_90d",
    "spend_last_90d",
    // Mean days between consecutive invoices; missing with a single invoice.
    "mean_gap_days",
    // Recency over the mean gap: above 1 means overdue by the customer's own rhythm.
    "recency_over_gap",
    // Distinct calendar months with a purchase.
    "active_months",
    // Distinct stock codes bought.
    "distinct_products",
    // Purchase value per invoice.
    "mean_basket_value",
    // Units bought.
    "items",
    // Value returned over value bought; missing when nothing of value was bought.
    "return_share",
    // Cancellation invoices.
    "return_invoices",
    // 1 when the latest purchase was recorded in the United Kingdom.
    "country_uk",
];

/// Customers at one cutoff: who they are, their features and whether they bought in the window.
#[derive(Debug, Clone, PartialEq)]
pub struct CustomerFeatures {
    /// Customer ids, ascending, one per row of `data`.
    pub customers: Vec<u32>,
    /// [`FEATURE_NAMES`] columns; label = a purchase in `[cutoff, cutoff + horizon_days)`.
    pub data: Dataset,
    /// Features see only transactions strictly before this.
    pub cutoff: Timestamp,
    /// The label window's length in days.
    pub horizon_days: u32,
}

impl CustomerFeatures {
    /// The same rows labelled for churn: positive when the customer made no purchase in the
    /// window.
    pub fn churn(&self) -> Result<Dataset> {
        let lapsed = self.data.labels().iter().map(|&bought| !bought).collect();
        Dataset::from_bools(self.data.x().clone(), lapsed)
    }
}

/// One row per customer with a purchase before `cutoff`, labelled by whether they buy within
/// `horizon_days` of it.
///
/// Errors when `transactions` is empty, `horizon_days` is 0, the cutoff is not after the first
/// transaction, or the window runs past the last transaction (its labels would be partly
/// unseen); the date errors give the data's range.
pub fn customer_features(
    transactions: &[Transaction],
    cutoff: Timestamp,
    horizon_days: u32,
) -> Result<CustomerFeatures> {
    if horizon_days == 0 {
        return Err(Error::InvalidConfig {
            field: "horizon_days",
            reason: "0; the label window needs at least one day".into(),
        });
    }
    let (first, last) = check_cutoff(transactions, cutoff)?;
    let end = cutoff.plus_days(i64::from(horizon_days));
    if end > last {
        return Err(Error::OutsideData {
            problem: format!(
                "the {horizon_days}-day window from cutoff {cutoff} ends at {end}, after the \
                 last transaction, so purchases in it would go unseen; choose a cutoff no later \
                 than {}",
                last.plus_days(-i64::from(horizon_days))
            ),
            first,
            last,
        });
    }
    let buyers: HashSet<u32> = transactions
        .iter()
        .filter(|t| !t.cancellation && t.time >= cutoff && t.time < end)
        .map(|t| t.customer)
        .collect();
    let (customers, x) = build(transactions, cutoff)?;
    let labels = customers.iter().map(|c| buyers.contains(c)).collect();
    Ok(CustomerFeatures { customers, data: Dataset::from_bools(x, labels)?, cutoff, horizon_days })
}

/// The unlabelled features of every customer with a purchase before `cutoff`, for scoring now:
/// customer ids (ascending) and their [`FEATURE_NAMES`] rows. The cutoff may be after the last
/// transaction; it must be after the first.
pub fn customer_matrix(
    transactions: &[Transaction],
    cutoff: Timestamp,
) -> Result<(Vec<u32>, Matrix)> {
    check_cutoff(transactions, cutoff)?;
    build(transactions, cutoff)
}

/// The data's first and last times, erring unless some history precedes `cutoff`.
fn check_cutoff(transactions: &[Transaction], cutoff: Timestamp) -> Result<(Timestamp, Timestamp)> {
    let mut times = transactions.iter().map(|t| t.time);
    let Some(start) = times.next() else {
        return Err(Error::Empty { what: "transactions" });
    };
    let (first, last) = times.fold((start, start), |(lo, hi), t| (lo.min(t), hi.max(t)));
    if cutoff <= first {
        return Err(Error::OutsideData {
            problem: format!(
                "cutoff {cutoff} is not after the first transaction, so no customer has history \
                 before it; choose a later cutoff"
            ),
            first,
            last,
        });
    }
    Ok((first, last))
}

/// One customer's transactions before the cutoff, summarised.
#[derive(Default)]
struct History<'a> {
    /// Purchase invoice → (earliest line time, value); ordered so sums are reproducible.
    invoices: BTreeMap<u32, (Timestamp, f64)>,
    products: HashSet<&'a str>,
    items: i64,
    returned_value: f64,
    return_invoices: HashSet<u32>,
    /// The latest purchase line's time and country (the larger country on a tie, so the
    /// result does not depend on line order).
    latest: Option<(Timestamp, &'a str)>,
}

fn build(transactions: &[Transaction], cutoff: Timestamp) -> Result<(Vec<u32>, Matrix)> {
    let mut histories: BTreeMap<u32, History> = BTreeMap::new();
    for t in transactions.iter().filter(|t| t.time < cutoff) {
        let h = histories.entry(t.customer).or_default();
        if t.cancellation {
            h.returned_value -= t.value();
            h.return_invoices.insert(t.invoice);
            continue;
        }
        let invoice = h.invoices.entry(t.invoice).or_insert((t.time, 0.0));
        invoice.0 = invoice.0.min(t.time);
        invoice.1 += t.value();
        h.products.insert(t.stock_code.as_str());
        h.items += i64::from(t.quantity);
        let here = (t.time, t.country.as_str());
        h.latest = Some(h.latest.map_or(here, |seen| seen.max(here)));
    }
    let mut customers = Vec::new();
    let mut values = Vec::new();
    for (customer, history) in &histories {
        if let Some(row) = features(history, cutoff) {
            customers.push(*customer);
            values.extend(row);
        }
    }
    if customers.is_empty() {
        return Err(Error::Empty { what: "customers with a purchase before the cutoff" });
    }
    let names = FEATURE_NAMES.iter().map(|n| n.to_string()).collect();
    Ok((customers, Matrix::new(names, values)?))
}

/// The [`FEATURE_NAMES`] row of a history, or `None` without a purchase.
fn features(h: &History, cutoff: Timestamp) -> Option<[f32; FEATURE_NAMES.len()]> {
    let mut times: Vec<Timestamp> = h.invoices.values().map(|&(t, _)| t).collect();
    times.sort_unstable();
    let (&first, &last) = (times.first()?, times.last()?);
    let n = times.len() as f64;
    let monetary: f64 = h.invoices.values().map(|&(_, v)| v).sum();
    let since = |days: i64| cutoff.plus_days(-days);
    let recent = |days: i64| times.iter().filter(|&&t| t >= since(days)).count() as f64;
    let spend_90: f64 = h.invoices.values().filter(|(t, _)| *t >= since(90)).map(|(_, v)| v).sum();
    let recency = cutoff.days_since(last);
    let mean_gap = if times.len() > 1 { last.days_since(first) / (n - 1.0) } else { f64::NAN };
    // A zero gap (all invoices in one minute) says nothing about rhythm.
    let overdue = if mean_gap > 0.0 { recency / mean_gap } else { f64::NAN };
    let months: BTreeSet<i64> = times.iter().map(|t| t.month_index()).collect();
    let return_share = if monetary > 0.0 { h.returned_value / monetary } else { f64::NAN };
    let uk = h.latest.is_some_and(|(_, country)| country == "United Kingdom");
    let row = [
        recency,
        n,
        monetary,
        cutoff.days_since(first),
        recent(30),
        recent(90),
        spend_90,
        mean_gap,
        overdue,
        months.len() as f64,
        h.products.len() as f64,
        monetary / n,
        h.items as f64,
        return_share,
        h.return_invoices.len() as f64,
        f64::from(u8::from(uk)),
    ];
    Some(row.map(|v| v as f32))
}

#[cfg(test)]
mod tests;
