//! English templates.

use std::fmt::Write;

use aisle_nlu::Language;

use super::{describe_intent, price, rating, Says};
use crate::tools::{OrderView, ProductCard, ReviewDigest, TicketKind};

/// The reply, in English.
pub(super) fn word(says: &Says) -> String {
    match says {
        Says::Greeting => "Hello! I can find products, suggest gifts, compare items, track or cancel your orders, help with refunds and answer questions about our policies. What can I do for you?".into(),
        Says::Thanks => "You're welcome! Anything else I can help with?".into(),
        Says::OutOfScope => "Sorry, that is not something I can help with. I can find products, compare them, track orders, help with refunds and answer questions about delivery, payment and returns.".into(),
        Says::Clarify { options } => format!(
            "Just to be sure: do you want to {}, or to {}?",
            describe_intent(&options[0], Language::English),
            describe_intent(&options[1], Language::English)
        ),
        Says::SignInFirst => "Please sign in first: I can only look at orders of the account you are signed in with.".into(),
        Says::AskOrderNumber { intent, recent } => {
            let mut text = format!(
                "Sure, I can help you {}. What is the order number?",
                describe_intent(intent, Language::English)
            );
            if !recent.is_empty() {
                let list: Vec<String> = recent.iter().map(|o| format!("{} ({}, {})", o.order_id, o.placed_on, o.status)).collect();
                let _ = write!(text, " Your recent orders: {}.", list.join(", "));
            }
            text
        }
        Says::OrderUnknown { order_id } => format!(
            "I could not find order {order_id} in your account. Please check the number; it is in your confirmation email."
        ),
        Says::OrderStatus { order } => format!("Order {} {}.", order.order_id, status_sentence(order)),
        Says::ConfirmCancel { order } => format!(
            "Order {} ({}, {}) is {} and has not left us yet. Shall I cancel it? Please answer yes or no.",
            order.order_id,
            lines(order),
            price(order.total, Some(&order.currency)),
            order.status
        ),
        Says::Cancelled { order } => format!(
            "Done: order {} is now {}. The refund of {} goes back to your payment method.",
            order.order_id,
            order.status,
            price(order.total, Some(&order.currency))
        ),
        Says::NotCancellable { order } => format!(
            "Order {} is {}, so it is too late to cancel it. Once it arrives you can send it back for a refund.",
            order.order_id, order.status
        ),
        Says::Kept => "All right, I have not changed anything.".into(),
        Says::ConfirmTicket { kind, order } => {
            let about = order.as_ref().map(|o| format!(" about order {} ({})", o.order_id, o.status)).unwrap_or_default();
            format!("I will ask our team to {}{about}. Shall I open the request? Please answer yes or no.", ticket_goal(*kind))
        }
        Says::TicketOpened { ticket_id, kind } => format!(
            "I have opened request {ticket_id} for our team to {}. A person will get back to you soon.",
            ticket_goal(*kind)
        ),
        Says::NotRefundable { order } => format!(
            "Order {} is {}: a refund can be asked for after delivery. If you no longer want it, I can cancel it instead.",
            order.order_id, order.status
        ),
        Says::RefundStatus { order, ticket } => match ticket {
            Some(t) => format!("Your refund request {} for order {} is {}.", t.ticket_id, order.order_id, t.status),
            None if order.status == "returned" => format!("Order {} is returned; its refund is on its way to your payment method.", order.order_id),
            None if order.status == "cancelled" => format!("Order {} is cancelled; its refund is on its way to your payment method.", order.order_id),
            None => format!("There is no refund request for order {} ({}) yet; just ask me for a refund if you want one.", order.order_id, order.status),
        },
        Says::Products { items } => format!("Here is what I found:\n{}", product_list(items)),
        Says::NoProducts { query } => format!("I found nothing matching {query}. Could you describe it differently, or widen the price range?"),
        Says::AskWhatProduct => "What are you looking for? A product, a category, a price range or a colour all help.".into(),
        Says::Recommendations { items } => format!("You might like these:\n{}", product_list(items)),
        Says::Comparison { items, digests } => {
            let mut text = String::from("Side by side:");
            for (card, digest) in items.iter().zip(digests) {
                let _ = write!(text, "\n- {}", card_line(card));
                if let Some(d) = digest {
                    let _ = write!(text, "; {}", digest_line(d));
                }
            }
            text
        }
        Says::NeedTwoProducts => "Which products shall I compare? Search for them first, or name two.".into(),
        Says::ProductDetails { item, digest } => {
            let mut text = card_line(item);
            if let Some(brand) = &item.brand {
                let _ = write!(text, ", by {brand}");
            }
            if !item.categories.is_empty() {
                let _ = write!(text, ", in {}", item.categories.join(" > "));
            }
            text.push('.');
            if let Some(d) = digest {
                let _ = write!(text, " Reviews: {}.", digest_line(d));
            }
            text
        }
        Says::AskWhichProduct => "Which product do you mean? Name it or search for it first.".into(),
        Says::Knowledge { answer } => answer.clone(),
        Says::NoKnowledge => "I do not have an answer to that in our policies. Shall I pass your question to a person? Just ask for a person.".into(),
        Says::ToolFailed => "Sorry, something went wrong on our side. Please try again in a moment.".into(),
    }
}

fn ticket_goal(kind: TicketKind) -> &'static str {
    match kind {
        TicketKind::Handoff => "get in touch with you",
        TicketKind::Complaint => "look into your complaint",
        TicketKind::Refund => "refund your order",
        TicketKind::OrderChange => "change your order",
        TicketKind::AddressChange => "change the delivery address",
    }
}

fn status_sentence(order: &OrderView) -> String {
    let what = match order.status.as_str() {
        "placed" => "is placed and waiting for payment",
        "paid" => "is paid and being prepared for shipping",
        "shipped" => "has shipped and is on its way",
        "delivered" => "has been delivered",
        "cancelled" => "is cancelled",
        "returned" => "has been returned",
        other => return format!("is {other}"),
    };
    format!(
        "(ordered on {}, {}) {what}",
        order.placed_on,
        price(order.total, Some(&order.currency))
    )
}

fn lines(order: &OrderView) -> String {
    let names: Vec<String> = order
        .lines
        .iter()
        .map(|l| format!("{} x {}", l.quantity, l.title.as_deref().unwrap_or(&l.item_id)))
        .collect();
    names.join(", ")
}

fn card_line(card: &ProductCard) -> String {
    let mut text = card.title.clone();
    if let Some(amount) = card.price {
        let _ = write!(text, ", {}", price(amount, card.currency.as_deref()));
    }
    if let Some(stars) = rating(card) {
        let _ = write!(text, ", {stars}");
    }
    text
}

fn product_list(items: &[ProductCard]) -> String {
    items
        .iter()
        .enumerate()
        .map(|(i, c)| format!("{}. {}", i + 1, card_line(c)))
        .collect::<Vec<_>>()
        .join("\n")
}

fn digest_line(digest: &ReviewDigest) -> String {
    let mut parts = Vec::new();
    if let Some(share) = digest.positive_share {
        parts.push(format!("{:.0}% of {} reviews positive", share * 100.0, digest.reviews));
    }
    if !digest.pros.is_empty() {
        parts.push(format!("liked: {}", digest.pros.join(", ")));
    }
    if !digest.cons.is_empty() {
        parts.push(format!("disliked: {}", digest.cons.join(", ")));
    }
    if parts.is_empty() {
        "no reviews yet".into()
    } else {
        parts.join("; ")
    }
}
