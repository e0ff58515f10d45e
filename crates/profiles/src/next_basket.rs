//! Next-basket items: what a shopper is likely to put in their next order.
//!
//! The next-basket literature finds that most of a next basket is items the shopper bought
//! before, and that simple repeat-frequency scorers match or beat neural models on real shops
//! (Li et al., "A Next Basket Recommendation Reality Check", TOIS 2023); TIFU-KNN (Hu et al.,
//! SIGIR 2020) adds that older baskets should weigh less. So a suggestion's score sums three
//! parts:
//!
//! - **repeat**: the decayed share of the shopper's orders holding the item, each order weighing
//!   `decay` times the next newer one (1 in the newest order, 0 if never bought);
//! - **pairs**: how strongly the shop's baskets pair the item with what the shopper buys (the
//!   cosine of basket co-occurrence, averaged over the shopper's items by their repeat weight),
//!   which lets a shopper be offered what usually goes with their staples;
//! - **popular**: the item's share of the shop's baskets against the most popular item's, with a
//!   small weight, so it orders what personal evidence leaves tied and fills the list of a
//!   shopper with little history.
//!
//! The default weights come from a validation window of UCI Online Retail, chosen before the
//! test window was scored (`examples/next_basket_eval.rs`, docs/profiles.md). There the scorer
//! ties personal top-frequency with popular fill (G-P-TopFreq) and beats global popularity
//! three and a half times on NDCG@10; the pairs part adds reasons ("often bought with") and
//! suggestions beyond a shopper's own items more than accuracy.
//!
//! This module does not read the store: the engine hands it baskets of item ids.

use std::collections::HashMap;
use std::fmt;

use serde::{Serialize, Serializer};

/// How a suggestion's parts are weighed; a model's weights can change without recounting.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Weights {
    /// Weight of each order against the next newer one (1: every order alike).
    pub decay: f64,
    /// Weight of the pairs part against repeat.
    pub pairs: f64,
    /// Weight of the popular part.
    pub popular: f64,
    /// The shopper's newest orders read.
    pub history: usize,
}

impl Default for Weights {
    /// The weights chosen on UCI Online Retail's validation window.
    fn default() -> Self {
        // On that window no decay (1) did best, ahead of 0.95 by less than the noise: a
        // gift wholesaler's customers restock the same lines however long ago.
        Self { decay: 1.0, pairs: 0.3, popular: 0.05, history: 100 }
    }
}

/// How baskets are counted and suggestions scored.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct NextBasketConfig {
    /// The scoring weights.
    pub weights: Weights,
    /// Neighbours kept per item.
    pub neighbours: usize,
    /// Baskets with more distinct items than this give no pairs: a restock of hundreds of lines
    /// says little about what goes with what, and its pairs grow with the square of its size.
    pub max_pair_basket: usize,
    /// Pairs met in fewer baskets than this are left out as chance.
    pub min_pair_baskets: u32,
}

impl Default for NextBasketConfig {
    fn default() -> Self {
        Self {
            weights: Weights::default(),
            neighbours: 20,
            max_pair_basket: 50,
            min_pair_baskets: 2,
        }
    }
}

/// Counts of the shop's baskets, added one at a time, from which a [`NextBasketModel`] is made.
#[derive(Debug, Clone)]
pub struct BasketCounts {
    config: NextBasketConfig,
    index: HashMap<String, u32>,
    names: Vec<String>,
    baskets_with: Vec<u32>,
    pairs: HashMap<(u32, u32), u32>,
    baskets: u64,
}

impl BasketCounts {
    /// No baskets yet.
    pub fn new(config: NextBasketConfig) -> Self {
        Self {
            config,
            index: HashMap::new(),
            names: Vec::new(),
            baskets_with: Vec::new(),
            pairs: HashMap::new(),
            baskets: 0,
        }
    }

    /// Adds one basket (repeated items count once).
    pub fn add<S: AsRef<str>>(&mut self, basket: &[S]) {
        let mut members: Vec<u32> = basket.iter().map(|item| self.intern(item.as_ref())).collect();
        members.sort_unstable();
        members.dedup();
        if members.is_empty() {
            return;
        }
        self.baskets += 1;
        for &item in &members {
            self.baskets_with[item as usize] += 1;
        }
        if members.len() <= self.config.max_pair_basket {
            for (k, &a) in members.iter().enumerate() {
                for &b in &members[k + 1..] {
                    *self.pairs.entry((a, b)).or_default() += 1;
                }
            }
        }
    }

    fn intern(&mut self, item: &str) -> u32 {
        if let Some(&index) = self.index.get(item) {
            return index;
        }
        let index = self.names.len() as u32;
        self.index.insert(item.to_string(), index);
        self.names.push(item.to_string());
        self.baskets_with.push(0);
        index
    }

    /// The model: every item's popularity and its strongest neighbours.
    pub fn finish(self) -> NextBasketModel {
        let config = self.config;
        let mut neighbours: Vec<Vec<(u32, f32)>> = vec![Vec::new(); self.names.len()];
        for (&(a, b), &together) in &self.pairs {
            if together < config.min_pair_baskets {
                continue;
            }
            let (na, nb) = (self.baskets_with[a as usize], self.baskets_with[b as usize]);
            let cosine = (f64::from(together) / (f64::from(na) * f64::from(nb)).sqrt()) as f32;
            neighbours[a as usize].push((b, cosine));
            neighbours[b as usize].push((a, cosine));
        }
        for list in &mut neighbours {
            list.sort_by(|x, y| y.1.total_cmp(&x.1).then(x.0.cmp(&y.0)));
            list.truncate(config.neighbours);
        }
        let mut popular: Vec<u32> = (0..self.names.len() as u32).collect();
        popular.sort_by(|&a, &b| {
            let (ca, cb) = (self.baskets_with[a as usize], self.baskets_with[b as usize]);
            cb.cmp(&ca).then_with(|| self.names[a as usize].cmp(&self.names[b as usize]))
        });
        NextBasketModel {
            weights: config.weights,
            index: self.index,
            names: self.names,
            baskets_with: self.baskets_with,
            popular,
            neighbours,
            baskets: self.baskets,
        }
    }
}

/// Why an item is suggested: the part of its score that weighs most.
#[derive(Debug, Clone, PartialEq)]
pub enum Why {
    /// The shopper bought it before.
    Repeat {
        /// Orders (of those read) holding it.
        orders: u32,
        /// Orders read.
        of: u32,
    },
    /// The shop's baskets pair it with this item the shopper buys.
    BoughtWith(String),
    /// Many of the shop's baskets hold it.
    Popular,
}

impl fmt::Display for Why {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Why::Repeat { orders, of } => write!(f, "bought in {orders} of your last {of} orders"),
            Why::BoughtWith(item) => write!(f, "often bought with {item}"),
            Why::Popular => f.write_str("popular in the shop"),
        }
    }
}

impl Serialize for Why {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

/// One suggested item.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Suggestion {
    /// The item.
    #[serde(rename = "item_id")]
    pub item: String,
    /// Its score: repeat (0 to 1) plus the weighted pairs and popular parts.
    pub score: f64,
    /// Why it is suggested.
    pub reason: Why,
}

/// The shop's basket statistics, ready to suggest.
#[derive(Debug, Clone)]
pub struct NextBasketModel {
    weights: Weights,
    index: HashMap<String, u32>,
    names: Vec<String>,
    baskets_with: Vec<u32>,
    popular: Vec<u32>,
    neighbours: Vec<Vec<(u32, f32)>>,
    baskets: u64,
}

/// A candidate's parts while scoring.
#[derive(Default)]
struct Parts<'a> {
    repeat: f64,
    orders: u32,
    pairs: f64,
    strongest_pair: (f64, Option<&'a str>),
}

impl NextBasketModel {
    /// A model of no baskets: it suggests nothing but a shopper's own repeats.
    pub fn empty(config: NextBasketConfig) -> Self {
        BasketCounts::new(config).finish()
    }

    /// Baskets counted.
    pub fn baskets(&self) -> u64 {
        self.baskets
    }

    /// The scoring weights.
    pub fn weights(&self) -> Weights {
        self.weights
    }

    /// Scores with other weights from now on.
    pub fn set_weights(&mut self, weights: Weights) {
        self.weights = weights;
    }

    /// The `k` likeliest items of the next basket of a shopper whose orders (oldest first, each
    /// the items it held) are `history`, among the items `keep` accepts.
    pub fn suggest<S: AsRef<str>>(
        &self,
        history: &[Vec<S>],
        k: usize,
        keep: impl Fn(&str) -> bool,
    ) -> Vec<Suggestion> {
        if k == 0 {
            return Vec::new();
        }
        let recent = &history[history.len().saturating_sub(self.weights.history)..];
        let mut parts: HashMap<&str, Parts<'_>> = HashMap::new();
        let mut total = 0.0;
        for (age, basket) in recent.iter().rev().enumerate() {
            let weight = self.weights.decay.powi(age as i32);
            total += weight;
            let mut items: Vec<&str> = basket.iter().map(AsRef::as_ref).collect();
            items.sort_unstable();
            items.dedup();
            for item in items {
                let entry = parts.entry(item).or_default();
                entry.repeat += weight;
                entry.orders += 1;
            }
        }
        let mut owned: Vec<(&str, f64)> = Vec::with_capacity(parts.len());
        for (item, part) in &mut parts {
            part.repeat /= total;
            owned.push((*item, part.repeat));
        }
        // The pairs part is a weighted mean over the shopper's items, so it stays between 0
        // and 1 however many items they buy.
        let weight_sum: f64 = owned.iter().map(|(_, w)| w).sum();
        for (item, weight) in &owned {
            let Some(&a) = self.index.get(*item) else { continue };
            for &(b, cosine) in &self.neighbours[a as usize] {
                let share = weight * f64::from(cosine) / weight_sum;
                let entry = parts.entry(self.names[b as usize].as_str()).or_default();
                entry.pairs += share;
                if share > entry.strongest_pair.0 {
                    entry.strongest_pair = (share, Some(item));
                }
            }
        }
        for &item in self.popular.iter().take(k + owned.len()) {
            parts.entry(self.names[item as usize].as_str()).or_default();
        }
        let top = self.popular.first().map_or(1.0, |&i| f64::from(self.baskets_with[i as usize]));
        let of = recent.len() as u32;
        let mut scored: Vec<Suggestion> = parts
            .into_iter()
            .filter(|(item, _)| keep(item))
            .map(|(item, part)| {
                let baskets = self.index.get(item).map_or(0, |&i| self.baskets_with[i as usize]);
                let popular = self.weights.popular * f64::from(baskets) / top.max(1.0);
                let pairs = self.weights.pairs * part.pairs;
                let reason = match part.strongest_pair.1 {
                    _ if part.repeat >= pairs && part.repeat >= popular && part.orders > 0 => {
                        Why::Repeat { orders: part.orders, of }
                    }
                    Some(with) if pairs >= popular => Why::BoughtWith(with.to_string()),
                    _ => Why::Popular,
                };
                Suggestion { item: item.to_string(), score: part.repeat + pairs + popular, reason }
            })
            .collect();
        // Sorted on the exact score: rounding first would turn a small popular weight into
        // ties broken by name.
        scored.sort_by(|a, b| b.score.total_cmp(&a.score).then_with(|| a.item.cmp(&b.item)));
        scored.truncate(k);
        for suggestion in &mut scored {
            suggestion.score = (suggestion.score * 10_000.0).round() / 10_000.0;
        }
        scored
    }
}

#[cfg(test)]
mod tests;
