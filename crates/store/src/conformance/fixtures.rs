//! Small builders for the records the conformance checks write. They panic on invalid input:
//! every value here is a constant of the suite.

use aisle_domain::{
    Actor, AttributeValue, Event, EventContext, EventKind, ExternalId, Item, Order, OrderLine,
    OrderStatus, Price, Review, Timestamp, User,
};

pub(super) fn id(s: &str) -> ExternalId {
    ExternalId::parse(s).expect("fixture ids are valid")
}

pub(super) fn at(millis: i64) -> Timestamp {
    Timestamp::from_millis(millis).expect("fixture times are valid")
}

pub(super) const DAY: i64 = 86_400_000;

/// A time in 2024, plus `offset` milliseconds.
pub(super) fn t(offset: i64) -> Timestamp {
    at(1_704_067_200_000 + offset)
}

pub(super) fn item(ext: &str, title: &str) -> Item {
    Item { title: title.to_string(), ..Item::new(id(ext)) }
}

pub(super) fn full_item(ext: &str) -> Item {
    let mut item = item(ext, "Trail running shoe");
    item.description = "Light, grippy, made for mud.\nSecond line.".into();
    item.categories = vec!["Women".into(), "Shoes".into(), "Running".into()];
    item.brand = Some("Pace".into());
    item.price = Some(Price::new(89.5, "GBP").expect("valid price"));
    item.attributes.insert("colour".into(), AttributeValue::Text("red".into()));
    item.attributes.insert("size".into(), AttributeValue::Number(38.5));
    item.attributes.insert("vegan".into(), AttributeValue::Bool(true));
    item.attributes.insert("tags".into(), AttributeValue::List(vec!["trail".into(), "新".into()]));
    item.image_url = Some("https://shop.example/i/1.jpg".into());
    item.available = false;
    item.hidden = true;
    item.created_at = Some(t(0));
    item
}

pub(super) fn user(ext: &str, tier: &str) -> User {
    let mut user = User::new(id(ext));
    user.attributes.insert("tier".into(), AttributeValue::Text(tier.into()));
    user.created_at = Some(t(1));
    user
}

pub(super) fn event(ext: &str, user: &str, item: &str, kind: EventKind, offset: i64) -> Event {
    Event::new(id(ext), Actor::User(id(user)), kind, t(offset)).with_item(id(item))
}

pub(super) fn view(ext: &str, user: &str, item: &str, offset: i64) -> Event {
    event(ext, user, item, EventKind::View, offset)
}

pub(super) fn session_view(ext: &str, session: &str, item: &str, offset: i64) -> Event {
    Event::new(id(ext), Actor::Session(id(session)), EventKind::View, t(offset)).with_item(id(item))
}

pub(super) fn full_event(ext: &str, user: &str, item: &str) -> Event {
    let mut e = event(ext, user, item, EventKind::Purchase, 5_000);
    e.value = Some(4.5);
    e.quantity = Some(3);
    e.price = Some(19.99);
    e.context = EventContext {
        device: Some("mobile".into()),
        page: Some("product".into()),
        referrer: Some("https://search.example/?q=shoes".into()),
    };
    e
}

pub(super) fn search(ext: &str, user: &str, query: &str, offset: i64) -> Event {
    let mut e = Event::new(id(ext), Actor::User(id(user)), EventKind::Search, t(offset));
    e.query = Some(query.into());
    e
}

pub(super) fn order(ext: &str, user: Option<&str>, offset: i64, items: &[&str]) -> Order {
    Order {
        id: id(ext),
        user: user.map(id),
        status: OrderStatus::Paid,
        created_at: t(offset),
        currency: "GBP".into(),
        lines: items
            .iter()
            .enumerate()
            .map(|(k, i)| OrderLine { item: id(i), quantity: k as i64 + 1, unit_price: 2.5 })
            .collect(),
        attributes: Default::default(),
    }
}

pub(super) fn review(ext: &str, user: Option<&str>, item: &str, offset: Option<i64>) -> Review {
    Review {
        id: id(ext),
        user: user.map(id),
        item: id(item),
        rating: Some(4.5),
        text: format!("Review {ext}: fits well.\nWould buy again."),
        created_at: offset.map(t),
    }
}
