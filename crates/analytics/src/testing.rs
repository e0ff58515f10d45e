//! Hand-built events and orders for the unit tests.

use aisle_domain::{Actor, Event, EventKind, ExternalId, Order, OrderLine, OrderStatus, Timestamp};

/// An hour in milliseconds.
pub const HOUR: i64 = 3_600_000;

fn id(text: &str) -> ExternalId {
    ExternalId::parse(text).expect("a valid id")
}

/// An event of `user` on `item` at `millis`, with a numbered id.
pub fn event(user: &str, kind: EventKind, item: &str, millis: i64) -> Event {
    let stamp = Timestamp::from_millis(millis).expect("a valid time");
    let event_id = id(&format!("{user}-{}-{millis}-{item}", kind.as_str()));
    Event::new(event_id, Actor::User(id(user)), kind, stamp).with_item(id(item))
}

/// A placed order of `user` at `millis` with `(item, quantity, unit price)` lines.
pub fn order(order_id: &str, user: &str, millis: i64, lines: &[(&str, i64, f64)]) -> Order {
    Order {
        id: id(order_id),
        user: Some(id(user)),
        status: OrderStatus::Placed,
        created_at: Timestamp::from_millis(millis).expect("a valid time"),
        currency: "GBP".into(),
        lines: lines
            .iter()
            .map(|(item, quantity, unit_price)| OrderLine {
                item: id(item),
                quantity: *quantity,
                unit_price: *unit_price,
            })
            .collect(),
        attributes: Default::default(),
    }
}
