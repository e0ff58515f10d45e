//! What follows a checkout: the purchase events, the order, and later its cancellation,
//! delivery, ratings, reviews and returns.
//!
//! Follow-ups are timestamped when they would happen (days after the purchase) and only exist
//! if that falls inside the shop's period, so recent orders are still placed, paid or shipped.
//! It does not decide whether a shopper checks out (`sessions`).

use aisle_domain::{
    AttributeValue, Attributes, EventKind, ExternalId, Order, OrderLine, OrderStatus, Review,
};
use rand::Rng;

use crate::catalog::Catalog;
use crate::dist::{normal, pick, ShopRng};
use crate::ids::numbered_id;
use crate::sessions::World;
use crate::taxonomy::LEAVES;
use crate::text;
use crate::writer::{stamp, Extra, Writer, DAY, HOUR, MINUTE};
use crate::Error;

const PAYMENTS: &[(&str, f64)] = &[("alipay", 0.5), ("wechat_pay", 0.4), ("card", 0.1)];
/// Chance a signed-in buyer rates a delivered line.
const RATE_SHARE: f64 = 0.4;
/// Chance a rating comes with a written review.
const REVIEW_SHARE: f64 = 0.45;
/// Chance an order is cancelled before delivery.
const CANCEL_SHARE: f64 = 0.02;

/// Buys the cart: purchase events, the order, and what happens after (cancellation, delivery,
/// ratings and reviews, returns), each only if it falls before the end of the period.
pub(crate) fn checkout(
    w: &mut Writer<'_>,
    rng: &mut ShopRng,
    world: &World<'_>,
    user: Option<ExternalId>,
    cart: &[(u32, i64)],
    mean_quality: f64,
    at: i64,
) -> Result<(), Error> {
    let catalog = world.catalog;
    let mut lines = Vec::with_capacity(cart.len());
    for &(item, quantity) in cart {
        let price = catalog.facts[item as usize].price;
        w.event(
            EventKind::Purchase,
            Some(item),
            at,
            "checkout",
            Extra { quantity: Some(quantity), price: Some(price), ..Extra::default() },
        )?;
        lines.push(OrderLine {
            item: catalog.ids[item as usize].clone(),
            quantity,
            unit_price: price,
        });
    }
    let cancel_at = at + rng.random_range(10 * MINUTE..DAY);
    let delivered_at = at + rng.random_range(DAY..5 * DAY);
    let status = if rng.random_bool(CANCEL_SHARE) && cancel_at <= world.end {
        give_back(w, cart, catalog, cancel_at)?;
        OrderStatus::Cancelled
    } else if delivered_at > world.end {
        match world.end - at {
            age if age < 2 * HOUR => OrderStatus::Placed,
            age if age < DAY => OrderStatus::Paid,
            _ => OrderStatus::Shipped,
        }
    } else {
        let mut unhappy = false;
        if let Some(user) = &user {
            for &(item, _) in cart {
                let rated_at = delivered_at + rng.random_range(HOUR..4 * DAY);
                if rated_at > world.end || !rng.random_bool(RATE_SHARE) {
                    continue;
                }
                let stars = rate(rng, f64::from(catalog.facts[item as usize].quality));
                unhappy |= stars <= 2;
                w.event(
                    EventKind::Rating,
                    Some(item),
                    rated_at,
                    "orders",
                    Extra { value: Some(f64::from(stars)), ..Extra::default() },
                )?;
                if rng.random_bool(REVIEW_SHARE) {
                    write_review(w, rng, world, user, item, stars, rated_at + MINUTE)?;
                }
            }
        }
        let returned_at = delivered_at + rng.random_range(DAY..7 * DAY);
        let return_chance = 0.015 + 0.1 * (1.0 - mean_quality) + if unhappy { 0.25 } else { 0.0 };
        if returned_at <= world.end && rng.random_bool(return_chance.min(1.0)) {
            give_back(w, cart, catalog, returned_at)?;
            OrderStatus::Returned
        } else {
            OrderStatus::Delivered
        }
    };
    let mut attributes = Attributes::new();
    attributes.insert("payment".into(), AttributeValue::Text((*pick(rng, PAYMENTS)).into()));
    w.out.orders.push(Order {
        id: numbered_id("o-", w.tally.orders, 0),
        user,
        status,
        created_at: stamp(at)?,
        currency: "CNY".into(),
        lines,
        attributes,
    });
    w.tally.orders += 1;
    Ok(())
}

/// Return events for every line of a cancelled or returned order: the money goes back either
/// way, and the interaction data should see the purchase undone.
fn give_back(
    w: &mut Writer<'_>,
    cart: &[(u32, i64)],
    catalog: &Catalog,
    at: i64,
) -> Result<(), Error> {
    for &(item, quantity) in cart {
        let price = catalog.facts[item as usize].price;
        w.event(
            EventKind::Return,
            Some(item),
            at,
            "orders",
            Extra { quantity: Some(quantity), price: Some(price), ..Extra::default() },
        )?;
    }
    Ok(())
}

/// Stars from latent quality plus taste noise: skewed positive (most items are decent), and a
/// good item rarely gets one star.
fn rate(rng: &mut ShopRng, quality: f64) -> u8 {
    (1.2 + 4.2 * quality + 0.8 * normal(rng)).round().clamp(1.0, 5.0) as u8
}

fn write_review(
    w: &mut Writer<'_>,
    rng: &mut ShopRng,
    world: &World<'_>,
    user: &ExternalId,
    item: u32,
    stars: u8,
    at: i64,
) -> Result<(), Error> {
    let leaf = &LEAVES[usize::from(world.catalog.facts[item as usize].leaf)];
    w.event(
        EventKind::Review,
        Some(item),
        at,
        "orders",
        Extra { value: Some(f64::from(stars)), ..Extra::default() },
    )?;
    w.out.reviews.push(Review {
        id: numbered_id("r-", w.tally.reviews, 0),
        user: Some(user.clone()),
        item: world.catalog.ids[item as usize].clone(),
        rating: Some(f32::from(stars)),
        text: text::review(rng, leaf, stars),
        created_at: Some(stamp(at)?),
    });
    w.tally.reviews += 1;
    Ok(())
}
