//! Ranking metrics: accuracy of one user's list at one K (HR, Recall, Precision, F1, NDCG, MRR,
//! MAP, binary relevance), the beyond-accuracy metrics of all users' lists, the user-activity
//! groups, and the names metrics carry in reports (`NDCG@10`).
//!
//! Pure arithmetic on item indexes; producing the lists is the protocol's job.

/// Users with at most this many training interactions are `cold`.
pub const COLD_MAX_INTERACTIONS: usize = 5;
/// Users with more than [`COLD_MAX_INTERACTIONS`] and at most this many are `warm`; above, `heavy`.
pub const WARM_MAX_INTERACTIONS: usize = 20;

/// Accuracy metric names, in report order.
pub const ACCURACY_NAMES: [&str; 7] = ["NDCG", "HR", "Recall", "Precision", "F1", "MRR", "MAP"];
/// Beyond-accuracy metric names, in report order.
pub const BEYOND_NAMES: [&str; 5] = ["Coverage", "Gini", "Novelty", "AvgPop", "LongTail"];

/// Accuracy of a ranked list (or the mean over users).
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Accuracy {
    /// NDCG: DCG with binary gains over the ideal DCG of min(|relevant|, K) hits.
    pub ndcg: f64,
    /// Hit rate: 1 when any relevant item is in the top K.
    pub hr: f64,
    /// Relevant items found over all relevant items.
    pub recall: f64,
    /// Relevant items found over K.
    pub precision: f64,
    /// Harmonic mean of this user's precision and recall.
    pub f1: f64,
    /// Reciprocal rank of the first relevant item (0 when none in the top K).
    pub mrr: f64,
    /// Average precision over min(|relevant|, K).
    pub map: f64,
}

impl Accuracy {
    /// Scores the first `k` items of `ranked` (best first) against `relevant`, which must be
    /// sorted ascending (as a matrix row is). An empty `relevant` scores zero.
    pub fn of(ranked: &[u32], relevant: &[u32], k: usize) -> Self {
        if relevant.is_empty() || k == 0 {
            return Self::default();
        }
        let (mut hits, mut dcg, mut first_hit, mut precision_sum) = (0usize, 0.0, None, 0.0);
        for (rank, item) in ranked.iter().take(k).enumerate() {
            if relevant.binary_search(item).is_ok() {
                hits += 1;
                dcg += discount(rank);
                first_hit = first_hit.or(Some(rank));
                precision_sum += hits as f64 / (rank + 1) as f64;
            }
        }
        let ideal_hits = relevant.len().min(k);
        let idcg: f64 = (0..ideal_hits).map(discount).sum();
        let recall = hits as f64 / relevant.len() as f64;
        let precision = hits as f64 / k as f64;
        let f1 = if hits == 0 { 0.0 } else { 2.0 * precision * recall / (precision + recall) };
        Self {
            ndcg: dcg / idcg,
            hr: if hits > 0 { 1.0 } else { 0.0 },
            recall,
            precision,
            f1,
            mrr: first_hit.map_or(0.0, |r| 1.0 / (r + 1) as f64),
            map: precision_sum / ideal_hits as f64,
        }
    }

    /// Values in [`ACCURACY_NAMES`] order.
    pub fn values(&self) -> [f64; 7] {
        [self.ndcg, self.hr, self.recall, self.precision, self.f1, self.mrr, self.map]
    }

    pub(crate) fn add(&mut self, other: &Self) {
        let v = other.values();
        for (field, x) in self.fields_mut().into_iter().zip(v) {
            *field += x;
        }
    }

    pub(crate) fn divided(mut self, n: usize) -> Self {
        let n = n.max(1) as f64;
        for field in self.fields_mut() {
            *field /= n;
        }
        self
    }

    fn fields_mut(&mut self) -> [&mut f64; 7] {
        [
            &mut self.ndcg,
            &mut self.hr,
            &mut self.recall,
            &mut self.precision,
            &mut self.f1,
            &mut self.mrr,
            &mut self.map,
        ]
    }
}

/// The DCG discount of a 0-based rank.
fn discount(rank: usize) -> f64 {
    1.0 / ((rank + 2) as f64).log2()
}

/// What all users' top-K lists do to the catalog. Popularity is counted in the training data of
/// the measured stage, as the number of users who interacted with an item.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Beyond {
    /// Share of the catalog recommended to at least one user.
    pub coverage: f64,
    /// Gini index of how often each catalog item is recommended (0 = even, 1 = one item).
    pub gini: f64,
    /// Mean self-information `-log2(users of the item / users)` of recommended items, in bits.
    /// Items nobody trained on count as one user, so the value stays finite.
    pub novelty: f64,
    /// Mean popularity (training users) of recommended items.
    pub avg_pop: f64,
    /// Share of recommended items outside the short head: the most popular items that together
    /// hold 80% of training interactions.
    pub long_tail: f64,
}

impl Beyond {
    /// Values in [`BEYOND_NAMES`] order.
    pub fn values(&self) -> [f64; 5] {
        [self.coverage, self.gini, self.novelty, self.avg_pop, self.long_tail]
    }
}

/// A user's activity group, by training interactions.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Activity {
    /// At most [`COLD_MAX_INTERACTIONS`].
    Cold,
    /// Up to [`WARM_MAX_INTERACTIONS`].
    Warm,
    /// More.
    Heavy,
}

impl Activity {
    /// All groups, in report order.
    pub const ALL: [Activity; 3] = [Activity::Cold, Activity::Warm, Activity::Heavy];

    /// The group of a user with `n` training interactions.
    pub fn of(n: usize) -> Self {
        match n {
            n if n <= COLD_MAX_INTERACTIONS => Activity::Cold,
            n if n <= WARM_MAX_INTERACTIONS => Activity::Warm,
            _ => Activity::Heavy,
        }
    }

    /// `cold`, `warm` or `heavy`.
    pub fn name(self) -> &'static str {
        match self {
            Activity::Cold => "cold",
            Activity::Warm => "warm",
            Activity::Heavy => "heavy",
        }
    }

    /// The group's range, for reports.
    pub fn range(self) -> String {
        match self {
            Activity::Cold => format!("<= {COLD_MAX_INTERACTIONS}"),
            Activity::Warm => format!("{}-{WARM_MAX_INTERACTIONS}", COLD_MAX_INTERACTIONS + 1),
            Activity::Heavy => format!("> {WARM_MAX_INTERACTIONS}"),
        }
    }
}

/// Every metric at one K.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct MetricsAtK {
    /// The cut-off.
    pub k: usize,
    /// Mean accuracy over evaluated users.
    pub accuracy: Accuracy,
    /// Beyond-accuracy metrics over all lists.
    pub beyond: Beyond,
}

/// Accuracy of one activity group.
#[derive(Debug, Clone, PartialEq)]
pub struct GroupMetrics {
    /// The group.
    pub group: Activity,
    /// Evaluated users in it.
    pub users: usize,
    /// Mean accuracy at each K, in the order of [`Metrics::at_k`].
    pub at_k: Vec<Accuracy>,
}

/// The result of measuring one model on one stage.
#[derive(Debug, Clone, PartialEq)]
pub struct Metrics {
    /// Users with at least one held-out item: the ones measured.
    pub users: usize,
    /// Metrics at each K, ascending.
    pub at_k: Vec<MetricsAtK>,
    /// The same accuracy metrics by activity group (every group, possibly with 0 users).
    pub groups: Vec<GroupMetrics>,
}

/// A metric's report name: `NDCG@10`.
pub fn metric_name(metric: &str, k: usize) -> String {
    format!("{metric}@{k}")
}

/// Splits `NDCG@10` into a known metric name and K; `None` when it is not one.
pub fn parse_metric_name(name: &str) -> Option<(&'static str, usize)> {
    let (metric, k) = name.trim().split_once('@')?;
    let k: usize = k.parse().ok().filter(|&k| k > 0)?;
    let known = ACCURACY_NAMES.iter().chain(BEYOND_NAMES.iter());
    known.copied().find(|m| m.eq_ignore_ascii_case(metric)).map(|m| (m, k))
}

impl Metrics {
    /// Every metric at every K as `(name, value)`, K ascending, accuracy before beyond-accuracy.
    pub fn flat(&self) -> Vec<(String, f64)> {
        let mut out = Vec::with_capacity(self.at_k.len() * 12);
        for m in &self.at_k {
            let names = ACCURACY_NAMES.iter().chain(BEYOND_NAMES.iter());
            let values = m.accuracy.values().into_iter().chain(m.beyond.values());
            out.extend(names.zip(values).map(|(n, v)| (metric_name(n, m.k), v)));
        }
        out
    }

    /// One metric by its report name (`NDCG@10`, case-insensitive metric part).
    pub fn get(&self, name: &str) -> Option<f64> {
        let (metric, k) = parse_metric_name(name)?;
        let wanted = metric_name(metric, k);
        self.flat().into_iter().find(|(n, _)| *n == wanted).map(|(_, v)| v)
    }
}

/// The Gini index of non-negative counts (sorted ascending here), over every catalog item.
pub(crate) fn gini(counts: &[u64]) -> f64 {
    let mut sorted = counts.to_vec();
    sorted.sort_unstable();
    let n = sorted.len() as f64;
    let total: f64 = sorted.iter().map(|&c| c as f64).sum();
    if total == 0.0 {
        return 0.0;
    }
    let weighted: f64 =
        sorted.iter().enumerate().map(|(i, &c)| (2.0 * (i + 1) as f64 - n - 1.0) * c as f64).sum();
    weighted / (n * total)
}
