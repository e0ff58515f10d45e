//! Which handler serves which intent, and the handlers of orders and of people (tickets).
//!
//! Order intents need a signed-in shopper and an order number (asked for when missing, with
//! the shopper's recent orders as hints); anything that changes something is proposed first and
//! done only on a yes in a later turn. Policy intents are answered from the knowledge base.

use aisle_nlu::{Slots, OUT_OF_SCOPE};

use crate::assistant::{Assistant, TurnNotes};
use crate::conversation::{Conversation, Pending, Proposal};
use crate::error::Result;
use crate::tools::{NewTicket, OrderView, ShopTools, TicketKind};
use crate::turn::Action;
use crate::wording::Says;

/// Intents about one of the shopper's orders.
const ORDER_INTENTS: &[&str] = &[
    "track_order",
    "cancel_order",
    "get_refund",
    "track_refund",
    "change_order",
    "change_shipping_address",
];

/// Recent orders offered as hints when the number is missing.
const HINTED_ORDERS: usize = 3;

impl Assistant {
    /// Serves an intent.
    pub(crate) fn route(
        &self,
        intent: &str,
        conversation: &mut Conversation,
        message: &str,
        slots: &Slots,
        tools: &dyn ShopTools,
        notes: &mut TurnNotes,
    ) -> Result<Says> {
        Ok(match intent {
            "greeting" => Says::Greeting,
            "thanks" => Says::Thanks,
            OUT_OF_SCOPE => Says::OutOfScope,
            _ if ORDER_INTENTS.contains(&intent) => {
                self.order_intent(intent, conversation, slots, message, tools, notes)?
            }
            "contact_human_agent" | "complaint" => {
                let kind =
                    if intent == "complaint" { TicketKind::Complaint } else { TicketKind::Handoff };
                let ticket = NewTicket {
                    kind,
                    conversation_id: conversation.id.clone(),
                    user_id: conversation.user.clone(),
                    order_id: slots.order_id.clone().or_else(|| conversation.order_id.clone()),
                    summary: message.to_string(),
                    transcript: conversation.transcript(),
                };
                let ticket_id = tools.open_ticket(&ticket)?;
                notes.actions.push(Action::OpenTicket { ticket_id: ticket_id.clone(), kind });
                Says::TicketOpened { ticket_id, kind }
            }
            "find_product" => self.find_products(conversation, slots, tools, notes)?,
            "recommend_products" => self.recommend_products(conversation, slots, tools, notes)?,
            "compare_products" => {
                self.compare_products(conversation, message, slots, tools, notes)?
            }
            "product_question" => {
                self.product_question(conversation, message, slots, tools, notes)?
            }
            _ => self.answer_from_knowledge(intent, conversation, message, notes),
        })
    }

    fn answer_from_knowledge(
        &self,
        intent: &str,
        conversation: &Conversation,
        message: &str,
        notes: &mut TurnNotes,
    ) -> Says {
        let hits = self.knowledge.search(
            message,
            conversation.language,
            Some(intent),
            self.embedder.as_deref(),
            1,
        );
        match hits.first() {
            Some(hit) => {
                notes.actions.push(Action::AnswerFromKnowledge { entry_id: hit.entry.id.clone() });
                Says::Knowledge { answer: hit.entry.answer.clone() }
            }
            None => Says::NoKnowledge,
        }
    }

    fn order_intent(
        &self,
        intent: &str,
        conversation: &mut Conversation,
        slots: &Slots,
        message: &str,
        tools: &dyn ShopTools,
        notes: &mut TurnNotes,
    ) -> Result<Says> {
        let Some(user) = conversation.user.clone() else {
            notes.actions.push(Action::SignInRequired);
            return Ok(Says::SignInFirst);
        };
        let Some(order_id) = slots.order_id.clone().or_else(|| conversation.order_id.clone())
        else {
            let recent = tools.recent_orders(&user, HINTED_ORDERS)?;
            notes.actions.push(Action::AskForSlot { slot: "order_id".into() });
            conversation.pending = Some(Pending::OrderNumber { intent: intent.to_string() });
            return Ok(Says::AskOrderNumber { intent: intent.to_string(), recent });
        };
        let Some(order) = tools.order(&user, &order_id)? else {
            conversation.order_id = None;
            return Ok(Says::OrderUnknown { order_id });
        };
        conversation.order_id = Some(order.order_id.clone());
        notes.actions.push(Action::TrackOrder {
            order_id: order.order_id.clone(),
            status: order.status.clone(),
        });
        Ok(match intent {
            "cancel_order" if order.cancellable() => {
                self.propose(
                    conversation,
                    notes,
                    Proposal::CancelOrder { order_id: order.order_id.clone() },
                );
                Says::ConfirmCancel { order }
            }
            "cancel_order" => Says::NotCancellable { order },
            "get_refund" if order.refundable() => {
                self.propose_ticket(conversation, notes, TicketKind::Refund, &order, message);
                Says::ConfirmTicket { kind: TicketKind::Refund, order: Some(order) }
            }
            "get_refund" if matches!(order.status.as_str(), "cancelled" | "returned") => {
                let ticket = refund_ticket(tools, &user, &order)?;
                Says::RefundStatus { order, ticket }
            }
            "get_refund" => Says::NotRefundable { order },
            "track_refund" => {
                let ticket = refund_ticket(tools, &user, &order)?;
                Says::RefundStatus { order, ticket }
            }
            "change_order" => {
                self.propose_ticket(conversation, notes, TicketKind::OrderChange, &order, message);
                Says::ConfirmTicket { kind: TicketKind::OrderChange, order: Some(order) }
            }
            "change_shipping_address" if order.cancellable() => {
                self.propose_ticket(
                    conversation,
                    notes,
                    TicketKind::AddressChange,
                    &order,
                    message,
                );
                Says::ConfirmTicket { kind: TicketKind::AddressChange, order: Some(order) }
            }
            "change_shipping_address" => Says::NotCancellable { order },
            _ => Says::OrderStatus { order },
        })
    }

    fn propose(&self, conversation: &mut Conversation, notes: &mut TurnNotes, proposal: Proposal) {
        let (name, order_id) = match &proposal {
            Proposal::CancelOrder { order_id } => ("cancel_order", Some(order_id.clone())),
            Proposal::OpenTicket { order_id, .. } => ("open_ticket", order_id.clone()),
        };
        notes.actions.push(Action::AskConfirmation { proposal: name.into(), order_id });
        conversation.pending = Some(Pending::Confirmation(proposal));
    }

    fn propose_ticket(
        &self,
        conversation: &mut Conversation,
        notes: &mut TurnNotes,
        kind: TicketKind,
        order: &OrderView,
        message: &str,
    ) {
        let proposal = Proposal::OpenTicket {
            kind,
            order_id: Some(order.order_id.clone()),
            summary: message.to_string(),
        };
        self.propose(conversation, notes, proposal);
    }
}

/// The newest refund ticket of the shopper for this order.
fn refund_ticket(
    tools: &dyn ShopTools,
    user: &str,
    order: &OrderView,
) -> Result<Option<crate::tools::TicketView>> {
    Ok(tools.tickets(user)?.into_iter().find(|t| {
        t.kind == TicketKind::Refund && t.order_id.as_deref() == Some(order.order_id.as_str())
    }))
}
