//! Shoppers: the latent tastes, price sensitivity, device and activity of every signed-in user,
//! and their domain [`User`] records.
//!
//! The latent parts (tastes, price preference) are what a recommender should recover from the
//! events; they never appear in the records. Anonymous visitors get a throw-away profile per
//! session, drawn in `sessions`.

use aisle_domain::{AttributeValue, Attributes, ExternalId, Timestamp, User};
use rand::Rng;

use crate::catalog::Catalog;
use crate::dist::{gamma, log_normal, normal, pick, rng_for, stream, ShopRng};
use crate::ids::numbered_id;
use crate::zipf::AliasTable;

/// Device classes of signed-in shoppers, with their shares.
pub(crate) const DEVICES: &[(&str, f64)] =
    &[("mobile", 0.48), ("app", 0.24), ("desktop", 0.23), ("tablet", 0.05)];
/// Cities for the user records.
const CITIES: &[(&str, f64)] = &[
    ("上海 Shanghai", 0.16),
    ("北京 Beijing", 0.15),
    ("广州 Guangzhou", 0.11),
    ("深圳 Shenzhen", 0.11),
    ("杭州 Hangzhou", 0.09),
    ("成都 Chengdu", 0.09),
    ("武汉 Wuhan", 0.07),
    ("南京 Nanjing", 0.07),
    ("西安 Xi'an", 0.06),
    ("重庆 Chongqing", 0.09),
];
const AGE_BANDS: &[(&str, f64)] =
    &[("18-24", 0.22), ("25-34", 0.38), ("35-44", 0.22), ("45-54", 0.12), ("55+", 0.06)];

/// Concentration of taste weights: below 1, so most shoppers clearly prefer one leaf.
const TASTE_CONCENTRATION: f64 = 0.7;
/// Spread of activity (log scale): most shoppers come back rarely, a few very often.
const ACTIVITY_SIGMA: f64 = 1.3;

/// A shopper's favourite leaves, with cumulative weights for drawing one.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Taste {
    /// Favourite leaves; only the first `count` are used.
    pub leaves: [u16; 3],
    cumulative: [f32; 3],
    /// How many favourites.
    pub count: u8,
}

impl Taste {
    /// A taste of one leaf only (anonymous visitors).
    pub(crate) fn single(leaf: u16) -> Self {
        Self { leaves: [leaf; 3], cumulative: [1.0; 3], count: 1 }
    }

    /// Draws 2 or 3 favourites: the first by (flattened) popularity, the others often from the
    /// same department, since tastes cluster (a runner also looks at sports gear).
    pub(crate) fn draw(rng: &mut ShopRng, catalog: &Catalog) -> Self {
        let count = if rng.random_bool(0.4) { 3 } else { 2 };
        let mut leaves = [catalog.taste_leaf(rng); 3];
        for k in 1..count {
            for _ in 0..4 {
                let candidate = if rng.random_bool(0.6) {
                    catalog.related_leaf(rng, leaves[0])
                } else {
                    catalog.taste_leaf(rng)
                };
                leaves[k] = candidate;
                if !leaves[..k].contains(&candidate) {
                    break;
                }
            }
        }
        let mut weights = [0.0f64; 3];
        for w in weights.iter_mut().take(count) {
            *w = gamma(rng, TASTE_CONCENTRATION) + 1e-9;
        }
        let total: f64 = weights.iter().sum();
        let mut cumulative = [1.0f32; 3];
        let mut acc = 0.0;
        for k in 0..count {
            acc += weights[k] / total;
            cumulative[k] = acc as f32;
        }
        cumulative[count - 1] = 1.0;
        Self { leaves, cumulative, count: count as u8 }
    }

    /// One favourite leaf, by weight.
    pub(crate) fn sample(&self, rng: &mut ShopRng) -> u16 {
        let x: f32 = rng.random();
        for k in 0..usize::from(self.count) {
            if x < self.cumulative[k] {
                return self.leaves[k];
            }
        }
        self.leaves[usize::from(self.count) - 1]
    }
}

/// One signed-in shopper's hidden profile.
#[derive(Debug, Clone)]
pub(crate) struct Profile {
    /// Favourite leaves.
    pub taste: Taste,
    /// Preferred price level within a leaf, in standard deviations of log price: negative for
    /// bargain hunters, positive for premium buyers.
    pub price_pref: f32,
    /// Index into [`DEVICES`].
    pub device: u8,
    activity: f64,
    city: u8,
    age_band: u8,
    created_at: i64,
}

/// Every signed-in shopper.
#[derive(Debug)]
pub(crate) struct Shoppers {
    /// User ids, made once so each event only clones one.
    pub ids: Vec<ExternalId>,
    /// Profiles by user index.
    pub profiles: Vec<Profile>,
    /// Users by activity, for handing out sessions.
    pub activity: AliasTable,
}

impl Shoppers {
    /// Draws `n` shoppers whose accounts exist before `start_millis`.
    pub(crate) fn build(seed: u64, n: usize, catalog: &Catalog, start_millis: i64) -> Self {
        let mut rng = rng_for(seed, stream::SHOPPERS);
        let indexes = |table: &[(&str, f64)], rng: &mut ShopRng| {
            let numbered: Vec<(u8, f64)> =
                table.iter().enumerate().map(|(i, (_, w))| (i as u8, *w)).collect();
            *pick(rng, &numbered)
        };
        let profiles: Vec<Profile> = (0..n)
            .map(|_| Profile {
                taste: Taste::draw(&mut rng, catalog),
                price_pref: (0.6 * normal(&mut rng)).clamp(-1.5, 1.5) as f32,
                device: indexes(DEVICES, &mut rng),
                activity: log_normal(&mut rng, 1.0, ACTIVITY_SIGMA),
                city: indexes(CITIES, &mut rng),
                age_band: indexes(AGE_BANDS, &mut rng),
                created_at: (start_millis - rng.random_range(86_400_000..1_000 * 86_400_000i64))
                    .max(0),
            })
            .collect();
        let weights: Vec<f64> = profiles.iter().map(|p| p.activity).collect();
        let activity = AliasTable::new(&weights).unwrap_or_else(AliasTable::single);
        let ids = (0..n).map(|i| numbered_id("u-", i as u64, 6)).collect();
        Self { ids, profiles, activity }
    }

    /// The domain record of user `u`.
    pub(crate) fn user_record(&self, u: usize) -> User {
        let p = &self.profiles[u];
        let mut attributes = Attributes::new();
        attributes
            .insert("city".into(), AttributeValue::Text(CITIES[usize::from(p.city)].0.into()));
        attributes.insert(
            "age_band".into(),
            AttributeValue::Text(AGE_BANDS[usize::from(p.age_band)].0.into()),
        );
        // Loyalty tier follows activity, as a shop's would: a visible hint of a latent trait.
        let tier = match p.activity {
            a if a > 4.0 => "gold",
            a if a > 1.8 => "silver",
            _ => "regular",
        };
        attributes.insert("tier".into(), AttributeValue::Text(tier.into()));
        User {
            id: self.ids[u].clone(),
            attributes,
            created_at: Timestamp::from_millis(p.created_at).ok(),
        }
    }
}
