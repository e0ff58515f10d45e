//! One shopping session: the events it produces (search, click, view, add to cart, remove,
//! favourite) up to the decision to check out.
//!
//! This is the hot path: it formats no text except review bodies, clones precomputed ids and
//! draws from the session's own random stream, so a session depends only on the seed, its
//! index and the schedule. It does not decide when sessions happen (`schedule`) or how records
//! are batched (`lib`), nor what follows a checkout (`orders`).

use aisle_domain::{Actor, Batch, EventKind};
use rand::Rng;

use crate::catalog::Catalog;
use crate::dist::{geometric, normal, open01, pick, rng_for, ShopRng};
use crate::ids::numbered_id;
use crate::orders::checkout;
use crate::schedule::{Slot, ANONYMOUS};
use crate::shoppers::{Shoppers, Taste, DEVICES};
use crate::taxonomy::{GROCERY, LEAVES};
use crate::writer::{Extra, Tally, Writer};
use crate::Error;

/// Devices of anonymous visitors: no app, since the app asks to sign in.
const ANONYMOUS_DEVICES: &[(&str, f64)] = &[("mobile", 0.6), ("desktop", 0.33), ("tablet", 0.07)];
/// Where sessions come from.
const REFERRERS: &[(&str, f64)] = &[
    ("direct", 0.35),
    ("www.baidu.com", 0.18),
    ("weixin.qq.com", 0.15),
    ("www.xiaohongshu.com", 0.1),
    ("www.douyin.com", 0.08),
    ("email", 0.06),
    ("ads", 0.08),
];

/// Share of sessions that open with a search.
const SEARCH_SHARE: f64 = 0.25;
/// Share of sessions that start in one of the shopper's favourite leaves.
const ON_TASTE_SHARE: f64 = 0.85;
/// Chance a view came from clicking a list (home, category, search, recommendations).
const CLICK_SHARE: f64 = 0.3;
/// Base chance of carting a viewed item, before quality and price fit (gives about 9%).
const CART_BASE: f64 = 0.065;
/// Chance, after each view, of taking something out of a non-empty cart.
const REMOVE_SHARE: f64 = 0.03;
/// What sessions share: the catalog, the shoppers, the seed and the end of the period.
#[derive(Debug)]
pub(crate) struct World<'a> {
    /// The catalog.
    pub catalog: &'a Catalog,
    /// The signed-in shoppers.
    pub shoppers: &'a Shoppers,
    /// The shop's seed.
    pub seed: u64,
    /// End of the period in milliseconds: later follow-ups (ratings, returns) do not happen.
    pub end: i64,
}
/// Buffers reused from one session to the next.
#[derive(Debug, Default)]
pub(crate) struct Scratch {
    viewed: Vec<u32>,
    cart: Vec<(u32, i64)>,
}

/// How long a session should be, as steered towards the shop's event target.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Pace {
    /// Mean number of views.
    pub mean_views: f64,
    /// Never more views than this (what is left of the target).
    pub max_views: u32,
    /// Take exactly the mean (rounded) instead of a random length.
    pub exact: bool,
}

/// What drives a shopper's choices in this session.
#[derive(Debug, Clone, Copy)]
struct Leanings {
    taste: Taste,
    price_pref: f32,
}

/// Where the shopper's attention is: the leaf being browsed, and the list page items are
/// clicked from.
#[derive(Debug, Clone, Copy)]
struct Focus {
    leaf: u16,
    page: &'static str,
}

/// Simulates session `index` (its place in the schedule) at the given pace, and
/// appends its events, order and reviews to `out`.
pub(crate) fn simulate(
    world: &World<'_>,
    index: u64,
    slot: Slot,
    pace: Pace,
    tally: &mut Tally,
    scratch: &mut Scratch,
    out: &mut Batch,
) -> Result<(), Error> {
    let catalog = world.catalog;
    let mut rng = rng_for(world.seed, index);
    let (actor, user, leanings, device) = if slot.who == ANONYMOUS {
        let taste = Taste::single(catalog.popular_leaf(&mut rng));
        let pref = (0.6 * normal(&mut rng)) as f32;
        let leanings = Leanings { taste, price_pref: pref };
        let device = *pick(&mut rng, ANONYMOUS_DEVICES);
        (Actor::Session(numbered_id("s-", index, 0)), None, leanings, device)
    } else {
        let u = slot.who as usize;
        let p = &world.shoppers.profiles[u];
        let id = world.shoppers.ids[u].clone();
        let leanings = Leanings { taste: p.taste, price_pref: p.price_pref };
        (Actor::User(id.clone()), Some(id), leanings, DEVICES[usize::from(p.device)].0)
    };
    let referrer = *pick(&mut rng, REFERRERS);
    let mut w = Writer { out, tally, item_ids: &catalog.ids, actor, device, referrer };
    let Scratch { viewed, cart } = scratch;
    viewed.clear();
    cart.clear();

    let mut t = slot.start;
    let price_pref = leanings.price_pref;
    let leaf = if rng.random_bool(ON_TASTE_SHARE) {
        leanings.taste.sample(&mut rng)
    } else {
        catalog.popular_leaf(&mut rng)
    };
    let mut focus = Focus { leaf, page: "home" };
    let mut searched_item = None;
    if rng.random_bool(SEARCH_SHARE) {
        let queries = &catalog.queries[usize::from(leaf)];
        let query = queries[rng.random_range(0..queries.len())].clone();
        searched_item = if rng.random_bool(0.8) {
            choose_item(&mut rng, catalog, leaf, price_pref)
        } else {
            None
        };
        w.event(
            EventKind::Search,
            searched_item,
            t,
            "search",
            Extra { query: Some(query), ..Extra::default() },
        )?;
        focus.page = "search";
    }

    let views = if pace.exact {
        pace.mean_views.round() as u32
    } else {
        geometric(&mut rng, pace.mean_views)
    };
    let views = views.clamp(1, pace.max_views.max(1));
    for v in 0..views {
        t += gap(&mut rng);
        let (item, from_search) = match searched_item.take() {
            Some(item) => (Some(item), true),
            None => (next_item(&mut rng, catalog, &leanings, v, viewed, &mut focus), false),
        };
        let Some(item) = item else { continue };
        if !from_search && rng.random_bool(CLICK_SHARE) {
            w.event(EventKind::Click, Some(item), t, focus.page, Extra::default())?;
            t += 800;
        }
        w.event(EventKind::View, Some(item), t, "product", Extra::default())?;
        w.tally.views += 1;
        viewed.push(item);

        let facts = &catalog.facts[item as usize];
        let quality = f64::from(facts.quality);
        let misfit = f64::from(facts.price_z - price_pref);
        let fit = (-0.5 * misfit * misfit).exp();
        let in_cart = cart.iter().any(|(i, _)| *i == item);
        if facts.available
            && !in_cart
            && rng.random_bool((CART_BASE * (0.4 + quality) * (0.5 + fit)).min(1.0))
        {
            t += gap(&mut rng) / 2;
            // Groceries are bought by the bag; most else one at a time.
            let quantity = if LEAVES[usize::from(facts.leaf)].dept == GROCERY {
                rng.random_range(1..=3)
            } else {
                1
            };
            let extra =
                Extra { quantity: Some(quantity), price: Some(facts.price), ..Extra::default() };
            w.event(EventKind::AddToCart, Some(item), t, "product", extra)?;
            cart.push((item, quantity));
        }
        if rng.random_bool(0.02 * (0.5 + quality)) {
            t += 2_000;
            w.event(EventKind::Favorite, Some(item), t, "product", Extra::default())?;
        }
        if !cart.is_empty() && rng.random_bool(REMOVE_SHARE) {
            let (removed, quantity) = cart.swap_remove(rng.random_range(0..cart.len()));
            t += gap(&mut rng) / 2;
            w.event(
                EventKind::RemoveFromCart,
                Some(removed),
                t,
                "cart",
                Extra { quantity: Some(quantity), ..Extra::default() },
            )?;
        }
    }

    if cart.is_empty() {
        return Ok(());
    }
    let mean_quality =
        cart.iter().map(|(i, _)| f64::from(catalog.facts[*i as usize].quality)).sum::<f64>()
            / cart.len() as f64;
    if rng.random_bool(0.2 + 0.3 * mean_quality) {
        t += 2 * gap(&mut rng);
        checkout(&mut w, &mut rng, world, user, cart, mean_quality, t)?;
    }
    Ok(())
}

/// Picks the next item to view: mostly in the current leaf; sometimes a second look at an
/// earlier item, a related leaf of the same department, or a fresh start from the shopper's
/// tastes. This drift is what gives sequences their signal.
fn next_item(
    rng: &mut ShopRng,
    catalog: &Catalog,
    leanings: &Leanings,
    view: u32,
    viewed: &[u32],
    focus: &mut Focus,
) -> Option<u32> {
    let roll: f32 = rng.random();
    if view > 0 && roll < 0.08 && !viewed.is_empty() {
        return Some(viewed[rng.random_range(0..viewed.len())]);
    }
    if view > 0 && roll < 0.17 {
        focus.leaf = catalog.related_leaf(rng, focus.leaf);
        focus.page = "recommendation";
    } else if view > 0 && roll < 0.22 {
        focus.leaf = if rng.random_bool(ON_TASTE_SHARE) {
            leanings.taste.sample(rng)
        } else {
            catalog.popular_leaf(rng)
        };
        focus.page = "category";
    }
    choose_item(rng, catalog, focus.leaf, leanings.price_pref)
}

/// An item of `leaf` by popularity, nudged towards the shopper's price level: candidates far
/// from it are often passed over (as a bargain hunter scrolls past premium items).
fn choose_item(rng: &mut ShopRng, catalog: &Catalog, leaf: u16, price_pref: f32) -> Option<u32> {
    let mut candidate = None;
    for _ in 0..3 {
        let item = catalog.item_in(rng, leaf)?;
        let misfit = catalog.facts[item as usize].price_z - price_pref;
        if rng.random::<f32>() < (-0.5 * misfit * misfit).exp() {
            return Some(item);
        }
        candidate = Some(item);
    }
    candidate
}

/// Time between two actions: a few seconds to a few minutes.
fn gap(rng: &mut ShopRng) -> i64 {
    3_000 + (-open01(rng).ln() * 35_000.0) as i64
}
