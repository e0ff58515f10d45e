//! Summing per-user results into [`Metrics`]: item popularity in the training data (for novelty,
//! average popularity and the long tail) and the running totals of every metric.
//!
//! Totals are added in user order by one thread, so results do not depend on how many threads
//! ranked the lists. This module does not rank.

use aisle_domain::InteractionMatrix;

use crate::metrics::{gini, Accuracy, Activity, Beyond, GroupMetrics, Metrics, MetricsAtK};

/// The short head holds the most popular items that together have this share of interactions.
pub const SHORT_HEAD_SHARE: f64 = 0.8;

/// How popular each item is in the training data of a stage.
pub(crate) struct Popularity {
    /// Users who interacted with each item.
    users: Vec<u32>,
    /// `-log2(share of users)`, with unseen items counted as one user.
    self_information: Vec<f64>,
    /// `true` for items outside the short head.
    long_tail: Vec<bool>,
}

impl Popularity {
    pub(crate) fn of(train: &InteractionMatrix) -> Self {
        let mut users = vec![0u32; train.n_items];
        for &item in &train.indices {
            if let Some(u) = users.get_mut(item as usize) {
                *u += 1;
            }
        }
        let active = (0..train.n_rows).filter(|&r| train.indptr[r + 1] > train.indptr[r]).count();
        let active = active.max(1) as f64;
        let self_information =
            users.iter().map(|&u| -(f64::from(u.max(1)) / active).log2().min(0.0)).collect();
        // Most popular first, ties by index, until the head holds SHORT_HEAD_SHARE of all pairs.
        let mut order: Vec<usize> = (0..users.len()).collect();
        order.sort_by(|&a, &b| users[b].cmp(&users[a]).then(a.cmp(&b)));
        let total: u64 = users.iter().map(|&u| u64::from(u)).sum();
        let mut long_tail = vec![true; users.len()];
        let mut held = 0u64;
        for i in order {
            if total == 0 || held as f64 >= SHORT_HEAD_SHARE * total as f64 {
                break;
            }
            long_tail[i] = false;
            held += u64::from(users[i]);
        }
        Self { users, self_information, long_tail }
    }

    /// Mean novelty, popularity and long-tail share of one list; `None` for an empty list.
    pub(crate) fn of_list(&self, list: &[u32]) -> Option<[f64; 3]> {
        if list.is_empty() {
            return None;
        }
        let mut sums = [0.0; 3];
        for &i in list {
            let i = i as usize;
            sums[0] += self.self_information.get(i).copied().unwrap_or(0.0);
            sums[1] += self.users.get(i).map_or(0.0, |&u| f64::from(u));
            sums[2] += if self.long_tail.get(i).copied().unwrap_or(true) { 1.0 } else { 0.0 };
        }
        Some(sums.map(|s| s / list.len() as f64))
    }
}

/// What ranking one user produced.
pub(crate) struct UserResult {
    pub(crate) group: Activity,
    /// The list at the largest K, best first.
    pub(crate) list: Vec<u32>,
    /// Accuracy at each K.
    pub(crate) accuracy: Vec<Accuracy>,
}

/// Running totals over users.
pub(crate) struct Tally<'a> {
    ks: &'a [usize],
    popularity: Popularity,
    users: usize,
    accuracy: Vec<Accuracy>,
    groups: Vec<(usize, Vec<Accuracy>)>,
    /// Per K: how often each item was recommended.
    exposure: Vec<Vec<u64>>,
    /// Per K: sums of per-user novelty, popularity and long-tail share, and users with a list.
    list_sums: Vec<([f64; 3], usize)>,
}

impl<'a> Tally<'a> {
    pub(crate) fn new(ks: &'a [usize], train: &InteractionMatrix) -> Self {
        Self {
            ks,
            popularity: Popularity::of(train),
            users: 0,
            accuracy: vec![Accuracy::default(); ks.len()],
            groups: Activity::ALL
                .iter()
                .map(|_| (0, vec![Accuracy::default(); ks.len()]))
                .collect(),
            exposure: ks.iter().map(|_| vec![0; train.n_items]).collect(),
            list_sums: ks.iter().map(|_| ([0.0; 3], 0)).collect(),
        }
    }

    pub(crate) fn add(&mut self, user: &UserResult) {
        self.users += 1;
        let group = Activity::ALL.iter().position(|&g| g == user.group).unwrap_or(0);
        self.groups[group].0 += 1;
        for (j, &k) in self.ks.iter().enumerate() {
            let accuracy = user.accuracy.get(j).copied().unwrap_or_default();
            self.accuracy[j].add(&accuracy);
            self.groups[group].1[j].add(&accuracy);
            let list = &user.list[..k.min(user.list.len())];
            for &item in list {
                if let Some(count) = self.exposure[j].get_mut(item as usize) {
                    *count += 1;
                }
            }
            if let Some(means) = self.popularity.of_list(list) {
                let (sums, n) = &mut self.list_sums[j];
                for (s, m) in sums.iter_mut().zip(means) {
                    *s += m;
                }
                *n += 1;
            }
        }
    }

    pub(crate) fn finish(self) -> Metrics {
        let at_k = self
            .ks
            .iter()
            .enumerate()
            .map(|(j, &k)| {
                let exposure = &self.exposure[j];
                let (sums, listed) = self.list_sums[j];
                let n_items = exposure.len().max(1) as f64;
                let mean = |s: f64| if listed == 0 { 0.0 } else { s / listed as f64 };
                MetricsAtK {
                    k,
                    accuracy: self.accuracy[j].divided(self.users),
                    beyond: Beyond {
                        coverage: exposure.iter().filter(|&&c| c > 0).count() as f64 / n_items,
                        gini: gini(exposure),
                        novelty: mean(sums[0]),
                        avg_pop: mean(sums[1]),
                        long_tail: mean(sums[2]),
                    },
                }
            })
            .collect();
        let groups = Activity::ALL
            .iter()
            .zip(self.groups)
            .map(|(&group, (users, sums))| GroupMetrics {
                group,
                users,
                at_k: sums.into_iter().map(|a| a.divided(users)).collect(),
            })
            .collect();
        Metrics { users: self.users, at_k, groups }
    }
}
