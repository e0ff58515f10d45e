//! The shop's shoppers in groups: RFM segment statistics and k-means clusters over profile
//! features, from one summary row per shopper.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::kmeans::{kmeans, ClusterError};
use crate::{Profile, Segment};

/// What segment statistics and clusters need of one shopper.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ShopperSummary {
    /// The shopper's id.
    pub id: String,
    /// The RFM segment.
    pub segment: &'static str,
    /// The lifecycle stage.
    pub lifecycle: &'static str,
    /// Days since the last purchase, when they bought.
    pub recency_days: Option<f64>,
    /// Orders.
    pub frequency: u32,
    /// Spend.
    pub monetary: f64,
    /// Events in all.
    pub events: u64,
    /// Events in the last 30 days.
    pub events_30d: u64,
    /// Days since last seen, when seen.
    pub last_seen_days: Option<f64>,
    /// The probability of a purchase in the propensity horizon, when a model is trained.
    pub propensity: Option<f64>,
    /// The probability of no purchase in the churn horizon, for a shopper who bought, when a
    /// model is trained.
    pub churn_risk: Option<f64>,
}

impl ShopperSummary {
    /// The summary of one shopper's profile.
    pub fn of(id: String, profile: &Profile) -> Self {
        Self {
            id,
            segment: profile.segment,
            lifecycle: profile.lifecycle,
            recency_days: profile.rfm.recency_days,
            frequency: profile.rfm.frequency,
            monetary: profile.rfm.monetary,
            events: profile.activity.events,
            events_30d: profile.activity.events_30d,
            last_seen_days: profile.last_seen_days,
            propensity: None,
            churn_risk: None,
        }
    }
}

/// One segment's figures.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SegmentStats {
    /// The segment's wire name.
    pub segment: &'static str,
    /// Shoppers in it.
    pub shoppers: usize,
    /// Their share of all shoppers.
    pub share: f64,
    /// Their mean days since the last purchase (buyers only).
    pub mean_recency_days: Option<f64>,
    /// Their mean orders.
    pub mean_frequency: f64,
    /// Their mean spend.
    pub mean_monetary: f64,
    /// Their share of the shop's spend.
    pub revenue_share: f64,
    /// Their mean purchase propensity, when a model is trained.
    pub mean_propensity: Option<f64>,
    /// Their buyers' mean churn risk, when a model is trained.
    pub mean_churn_risk: Option<f64>,
}

/// Statistics of every RFM segment, best first; empty segments are listed with zeros so a
/// chart of segments always has the same bars.
pub fn segment_stats(shoppers: &[ShopperSummary]) -> Vec<SegmentStats> {
    let total_spend: f64 = shoppers.iter().map(|s| s.monetary).sum();
    let mut by_segment: BTreeMap<&str, Vec<&ShopperSummary>> = BTreeMap::new();
    for shopper in shoppers {
        by_segment.entry(shopper.segment).or_default().push(shopper);
    }
    Segment::ALL
        .iter()
        .map(|segment| {
            let members = by_segment.get(segment.as_str()).map(Vec::as_slice).unwrap_or(&[]);
            let n = members.len();
            let recencies: Vec<f64> = members.iter().filter_map(|s| s.recency_days).collect();
            let spend: f64 = members.iter().map(|s| s.monetary).sum();
            SegmentStats {
                segment: segment.as_str(),
                shoppers: n,
                share: round3(n as f64 / shoppers.len().max(1) as f64),
                mean_recency_days: (!recencies.is_empty())
                    .then(|| round3(recencies.iter().sum::<f64>() / recencies.len() as f64)),
                mean_frequency: round3(
                    members.iter().map(|s| f64::from(s.frequency)).sum::<f64>() / n.max(1) as f64,
                ),
                mean_monetary: round3(spend / n.max(1) as f64),
                revenue_share: if total_spend > 0.0 { round3(spend / total_spend) } else { 0.0 },
                mean_propensity: mean_of(members, |s| s.propensity),
                mean_churn_risk: mean_of(members, |s| s.churn_risk),
            }
        })
        .collect()
}

/// The mean of a score over the shoppers that have one.
fn mean_of(shoppers: &[&ShopperSummary], score: fn(&ShopperSummary) -> Option<f64>) -> Option<f64> {
    let scores: Vec<f64> = shoppers.iter().filter_map(|s| score(s)).collect();
    (!scores.is_empty()).then(|| round3(scores.iter().sum::<f64>() / scores.len() as f64))
}

/// The seed the binaries cluster with, so the API and the CLI give the same clusters.
pub const CLUSTER_SEED: u64 = 42;

/// The features clusters are drawn on, in [`cluster_point`]'s order.
pub const CLUSTER_FEATURES: [&str; 5] =
    ["last_seen_days", "orders", "spend", "events", "events_30d"];

/// A shopper as a clustering point: log-scaled, since every feature is heavy-tailed. `None` for
/// a shopper never seen (nothing to place).
pub fn cluster_point(shopper: &ShopperSummary) -> Option<Vec<f64>> {
    let last_seen = shopper.last_seen_days?;
    Some(vec![
        last_seen.max(0.0).ln_1p(),
        f64::from(shopper.frequency).ln_1p(),
        shopper.monetary.max(0.0).ln_1p(),
        (shopper.events as f64).ln_1p(),
        (shopper.events_30d as f64).ln_1p(),
    ])
}

/// One behaviour cluster, described in plain units.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ClusterStats {
    /// Its number, 0 the largest.
    pub cluster: usize,
    /// Shoppers in it.
    pub shoppers: usize,
    /// Their share of the clustered shoppers.
    pub share: f64,
    /// The typical shopper in it: each of [`CLUSTER_FEATURES`] at the cluster's centre, in its own
    /// unit (the geometric mean, since the clustering is on logarithms).
    pub centre: BTreeMap<&'static str, f64>,
    /// Its most common RFM segment.
    pub main_segment: &'static str,
}

/// Shoppers clustered into `k` groups of behaviour, with each clustered shopper's cluster.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Clusters {
    /// Shoppers placed (everyone seen at least once).
    pub clustered: usize,
    /// The clusters, largest first.
    pub clusters: Vec<ClusterStats>,
    /// Shopper ids and their cluster, in the order given.
    #[serde(skip)]
    pub members: Vec<(String, usize)>,
}

/// k-means clusters of the shoppers' behaviour.
pub fn clusters(
    shoppers: &[ShopperSummary],
    k: usize,
    seed: u64,
) -> Result<Clusters, ClusterError> {
    let placed: Vec<(&ShopperSummary, Vec<f64>)> =
        shoppers.iter().filter_map(|s| Some((s, cluster_point(s)?))).collect();
    let points: Vec<Vec<f64>> = placed.iter().map(|(_, p)| p.clone()).collect();
    let clustering = kmeans(&points, k, seed)?;
    let clusters = clustering
        .clusters
        .iter()
        .enumerate()
        .map(|(index, cluster)| {
            let mut segments: BTreeMap<&'static str, usize> = BTreeMap::new();
            for ((shopper, _), _) in
                placed.iter().zip(&clustering.assignment).filter(|(_, a)| **a == index)
            {
                *segments.entry(shopper.segment).or_default() += 1;
            }
            let main_segment = segments
                .iter()
                .max_by(|a, b| a.1.cmp(b.1).then(b.0.cmp(a.0)))
                .map_or("prospects", |(s, _)| s);
            ClusterStats {
                cluster: index,
                shoppers: cluster.size,
                share: round3(cluster.size as f64 / placed.len() as f64),
                centre: CLUSTER_FEATURES
                    .iter()
                    .zip(&cluster.centre)
                    .map(|(name, value)| (*name, round3(value.exp_m1())))
                    .collect(),
                main_segment,
            }
        })
        .collect();
    let members = placed
        .iter()
        .zip(&clustering.assignment)
        .map(|((shopper, _), cluster)| (shopper.id.clone(), *cluster))
        .collect();
    Ok(Clusters { clustered: placed.len(), clusters, members })
}

/// Why a group of shoppers could not be picked.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum SelectError {
    /// Neither an RFM segment nor `cluster-N`.
    #[error(
        "no segment {0:?}; name an RFM segment ({segments}) or a cluster as cluster-0, cluster-1, ...",
        segments = Segment::ALL.map(Segment::as_str).join(", ")
    )]
    Unknown(String),
    /// A cluster number at or past `k`.
    #[error("cluster-{cluster} does not exist with k = {k}; clusters are numbered 0 to {last}", last = k - 1)]
    NoSuchCluster {
        /// The number asked for.
        cluster: usize,
        /// Clusters made.
        k: usize,
    },
    /// Clustering failed.
    #[error(transparent)]
    Cluster(#[from] ClusterError),
}

/// The shoppers of an RFM segment (`"champions"`) or of a behaviour cluster (`"cluster-2"` of
/// [`clusters`] with `k` and `seed`), in the order given.
pub fn members<'a>(
    shoppers: &'a [ShopperSummary],
    name: &str,
    k: usize,
    seed: u64,
) -> Result<Vec<&'a ShopperSummary>, SelectError> {
    if let Some(segment) = Segment::ALL.iter().find(|s| s.as_str() == name) {
        return Ok(shoppers.iter().filter(|s| s.segment == segment.as_str()).collect());
    }
    let cluster = name
        .strip_prefix("cluster-")
        .and_then(|n| n.parse::<usize>().ok())
        .ok_or_else(|| SelectError::Unknown(name.to_string()))?;
    if cluster >= k {
        return Err(SelectError::NoSuchCluster { cluster, k });
    }
    let found = clusters(shoppers, k, seed)?;
    let chosen: std::collections::HashSet<&str> =
        found.members.iter().filter(|(_, c)| *c == cluster).map(|(id, _)| id.as_str()).collect();
    Ok(shoppers.iter().filter(|s| chosen.contains(s.id.as_str())).collect())
}

/// The shoppers whose propensity lies in `min..=max`, most likely buyers first: the audience of a
/// promotion aimed at those who might buy with a nudge, not those who buy anyway. Shoppers
/// without a propensity are left out.
pub fn by_propensity(shoppers: Vec<&ShopperSummary>, min: f64, max: f64) -> Vec<&ShopperSummary> {
    within(shoppers, |s| s.propensity, min, max)
}

/// The shoppers whose churn risk lies in `min..=max`, likeliest to lapse first: the audience of
/// a win-back. Shoppers without a churn risk (those who never bought) are left out.
pub fn by_churn_risk(shoppers: Vec<&ShopperSummary>, min: f64, max: f64) -> Vec<&ShopperSummary> {
    within(shoppers, |s| s.churn_risk, min, max)
}

/// The shoppers whose `score` lies in `min..=max`, highest first (ties by id).
fn within(
    shoppers: Vec<&ShopperSummary>,
    score: fn(&ShopperSummary) -> Option<f64>,
    min: f64,
    max: f64,
) -> Vec<&ShopperSummary> {
    let mut chosen: Vec<&ShopperSummary> = shoppers
        .into_iter()
        .filter(|s| score(s).is_some_and(|p| (min..=max).contains(&p)))
        .collect();
    chosen.sort_by(|a, b| {
        score(b).unwrap_or(0.0).total_cmp(&score(a).unwrap_or(0.0)).then(a.id.cmp(&b.id))
    });
    chosen
}

/// Shoppers as CSV with a header row: id, segment, lifecycle, recency, orders, spend, events,
/// propensity, churn risk.
pub fn to_csv(shoppers: &[&ShopperSummary]) -> String {
    let mut out = String::from(
        "user_id,segment,lifecycle,recency_days,frequency,monetary,events,events_30d,propensity,churn_risk\n",
    );
    for s in shoppers {
        // Ids are checked printable text but may hold commas or quotes: quote them.
        let id = format!("\"{}\"", s.id.replace('"', "\"\""));
        let recency = s.recency_days.map(|r| r.to_string()).unwrap_or_default();
        let propensity = s.propensity.map(|p| format!("{p:.3}")).unwrap_or_default();
        let churn_risk = s.churn_risk.map(|p| format!("{p:.3}")).unwrap_or_default();
        out.push_str(&format!(
            "{id},{},{},{recency},{},{},{},{},{propensity},{churn_risk}\n",
            s.segment, s.lifecycle, s.frequency, s.monetary, s.events, s.events_30d
        ));
    }
    out
}

fn round3(x: f64) -> f64 {
    (x * 1000.0).round() / 1000.0
}

#[cfg(test)]
mod tests;
