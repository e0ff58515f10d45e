//! The generic event file: one shopper action per row. Not orders (see the Online Retail reader
//! for an invoice-shaped source).
//!
//! # Schema
//!
//! | column / key | required | meaning |
//! |---|---|---|
//! | `event_id` | | unique id; when absent, one is derived from the row (below) |
//! | `user_id` | one of the two | the signed-in shopper; wins over `session_id` when both are given |
//! | `session_id` | one of the two | the anonymous session |
//! | `item_id` | all kinds but `search` | the item acted on |
//! | `kind` | yes | `view`, `click`, `add_to_cart`, `remove_from_cart`, `purchase`, `return`, `rating`, `review`, `favorite`, `search` (also `cart`, `buy`, `like`, `add-to-cart`...) |
//! | `value` | for `rating` | stars from 0 to 5, or a score |
//! | `quantity` | | units, 1 to 1,000,000 (a return is kind `return` with a positive quantity) |
//! | `price` | | unit price paid, 0 to 10,000,000 |
//! | `query` | for `search` | the search text |
//! | `timestamp` | yes | RFC 3339 (`2011-12-09T12:50:00Z`, offsets allowed), `YYYY-MM-DD HH:MM[:SS]` (UTC), `YYYY-MM-DD`, or unix seconds (below 10^11) / milliseconds |
//! | `device`, `page`, `referrer` | | where it happened |
//!
//! # Derived ids
//!
//! Without `event_id`, the id is `row:` followed by 32 hex digits of the XXH3-128 hash of the
//! row's normalised content (actor, item, kind, value, quantity, price, query, timestamp in
//! milliseconds, device, page, referrer). Importing the file again gives the same ids, so
//! nothing is counted twice; the price is that two truly identical rows (same actor, item,
//! kind and millisecond) count once, and the later one is reported as a row issue.

use aisle_domain::{Actor, Event, EventKind};

use super::{Res, Row};
use crate::input::{id, Problem};

/// The prefix of derived event ids.
pub const DERIVED_PREFIX: &str = "row:";

pub(crate) fn build(row: &Row<'_>) -> Res<Event> {
    let actor = match (row.text("user_id")?, row.text("session_id")?) {
        (Some(user), _) => Actor::User(id("user_id", &user)?),
        (None, Some(session)) => Actor::Session(id("session_id", &session)?),
        (None, None) => return Err(Problem::new("user_id", "give a `user_id` or a `session_id`")),
    };
    let kind = EventKind::parse(&row.required("kind")?).map_err(Problem::domain)?;
    let timestamp = row
        .timestamp("timestamp")?
        .ok_or_else(|| Problem::new("timestamp", "`timestamp` is required; give it a value"))?;
    let given_id = row.text("event_id")?.map(|given| id("event_id", &given)).transpose()?;
    // The event is assembled before its id, because a derived id hashes every other field.
    let mut event =
        Event::new(given_id.clone().unwrap_or_else(|| actor_id(&actor)), actor, kind, timestamp);
    event.item = row.text("item_id")?.map(|i| id("item_id", &i)).transpose()?;
    event.value = row.number("value")?;
    event.quantity = row.int("quantity")?;
    event.price = row.number("price")?;
    event.query = row.text("query")?.map(|q| q.into_owned());
    event.context.device = row.text("device")?.map(|t| t.into_owned());
    event.context.page = row.text("page")?.map(|t| t.into_owned());
    event.context.referrer = row.text("referrer")?.map(|t| t.into_owned());
    if given_id.is_none() {
        event.id = id("event_id", &derived_id(&event))?;
    }
    event.validate().map_err(Problem::domain)?;
    Ok(event)
}

/// The actor's own (already valid) id, standing in for the event id until the derived one is
/// computed from the finished event.
fn actor_id(actor: &Actor) -> aisle_domain::ExternalId {
    match actor {
        Actor::User(user) => user.clone(),
        Actor::Session(session) => session.clone(),
    }
}

/// `row:` + XXH3-128 of the normalised fields, separated by a unit separator (which no valid
/// field contains).
fn derived_id(event: &Event) -> String {
    let (actor_kind, actor) = match &event.actor {
        Actor::User(u) => ("u", u.as_str()),
        Actor::Session(s) => ("s", s.as_str()),
    };
    let opt = |v: Option<String>| v.unwrap_or_default();
    let parts = [
        actor_kind.to_string(),
        actor.to_string(),
        opt(event.item.as_ref().map(|i| i.to_string())),
        event.kind.as_str().to_string(),
        opt(event.value.map(|v| v.to_string())),
        opt(event.quantity.map(|v| v.to_string())),
        opt(event.price.map(|v| v.to_string())),
        opt(event.query.clone()),
        event.timestamp.millis().to_string(),
        opt(event.context.device.clone()),
        opt(event.context.page.clone()),
        opt(event.context.referrer.clone()),
    ];
    let hash = xxhash_rust::xxh3::xxh3_128(parts.join("\u{1f}").as_bytes());
    format!("{DERIVED_PREFIX}{hash:032x}")
}

#[cfg(test)]
mod tests {
    use crate::test_support::{check, check_error, issue_on};
    use crate::{Error, Format};

    #[test]
    fn explicit_ids_kinds_and_context() {
        let csv = "event_id,user_id,session_id,item_id,kind,value,quantity,price,query,timestamp,device\n\
                   e1,alice,,sku-1,view,,,,,2011-12-09 12:50,mobile\n\
                   e2,,s-9,,search,,,,red shoes,2011-12-09T12:50:00Z,\n\
                   e3,alice,s-9,sku-1,add-to-cart,,2,9.99,,1323435000,\n\
                   e4,bob,,sku-2,rating,4,,,,1323435000000,\n";
        check(
            Format::Events,
            &[("events.csv", csv.as_bytes())],
            r#"event e1 view u:alice sku-1 t=1323435000000 device=mobile
               event e2 search s:s-9 - query="red shoes" t=1323435000000
               event e3 add_to_cart u:alice sku-1 q=2 p=9.99 t=1323435000000
               event e4 rating u:bob sku-2 v=4 t=1323435000000"#,
        );
    }

    #[test]
    fn derived_ids_are_stable_and_identical_rows_count_once() {
        let csv = "user_id,item_id,kind,timestamp\nalice,sku-1,view,2011-12-09 12:50\n\
                   alice,sku-1,view,2011-12-09 12:50\nalice,sku-1,view,2011-12-09 12:51\n";
        let jsonl = "{\"user_id\": \"alice\", \"item_id\": \"sku-1\", \"kind\": \"view\", \"timestamp\": 1323435000}\n";
        let fx = crate::test_support::Fixture::new();
        let paths = [fx.file("events.csv", csv), fx.file("again.jsonl", jsonl)];
        let out = crate::test_support::run(Format::Events, &paths, &crate::ReadOptions::default());
        out.result.expect("reads");
        let ids: Vec<&str> = out.batch.events.iter().map(|e| e.id.as_str()).collect();
        assert_eq!(ids.len(), 2, "{ids:?}");
        assert!(ids.iter().all(|id| id.starts_with("row:") && id.len() == 36), "{ids:?}");
        assert_ne!(ids[0], ids[1]);
        let reasons: Vec<(u64, &str)> =
            out.issues.iter().map(|i| (i.line, i.reason.as_str())).collect();
        assert_eq!(reasons.len(), 2, "{reasons:?}");
        assert_eq!(reasons[0].0, 3);
        assert!(reasons[0].1.contains("identical to line 2 of this import"), "{reasons:?}");
        assert!(
            reasons[1].1.contains("events.csv"),
            "the JSON row repeats the CSV one: {reasons:?}"
        );
    }

    #[test]
    fn bad_events_become_issues_and_keep_their_neighbours() {
        let csv = "event_id,user_id,session_id,item_id,kind,quantity,price,timestamp\n\
                   e1,alice,,sku-1,purchase,1,5,2011-12-09\n\
                   e2,alice,,sku-1,purchase,-3,5,2011-12-09\n\
                   e3,alice,,sku-1,purchase,5000000,5,2011-12-09\n\
                   e4,alice,,sku-1,purchase,1,-5,2011-12-09\n\
                   e5,alice,,sku-1,purchase,1,5,2150-01-01\n\
                   e6,alice,,sku-1,purchase,1,5,99999999999999999\n\
                   e7,,,sku-1,view,,,2011-12-09\n\
                   e8,alice,,sku-1,teleport,,,2011-12-09\n\
                   e9,alice,,,view,,,2011-12-09\n\
                   e1,bob,,sku-2,view,,,2011-12-09\n\
                   e10,bob,,sku-2,view,,,2011-12-09\n";
        let out = check(
            Format::Events,
            &[("events.csv", csv.as_bytes())],
            "event e1 purchase u:alice sku-1 q=1 p=5 t=1323388800000
             event e10 view u:bob sku-2 t=1323388800000
             ! L3 quantity
             ! L4 quantity
             ! L5 price
             ! L6 timestamp
             ! L7 timestamp
             ! L8 user_id
             ! L9 kind
             ! L10 item
             ! L11 event_id",
        );
        assert!(issue_on(&out, 3).reason.contains("1 to 1,000,000"));
        assert!(issue_on(&out, 6).reason.contains("1970-01-01 to 2100-01-01"));
        assert!(issue_on(&out, 11).reason.contains("id e1 already appeared on line 2"));
    }

    #[test]
    fn events_need_an_actor_column() {
        let (err, _) =
            check_error(Format::Events, &[("events.csv", b"item_id,kind,timestamp\na,view,1\n")]);
        assert!(
            matches!(err, Error::Header { .. }) && err.to_string().contains("user_id"),
            "{err}"
        );
    }
}
