//! The assistant: reads a message, keeps the conversation's state, calls the shop's tools and
//! words the reply.
//!
//! A turn goes: check the message; if the conversation waits for something (an order number, a
//! yes or no, a choice between two intents), try to read that first; otherwise classify the
//! message and extract its slots, ask a clarifying question when the top two intents are close
//! (or let the LLM choose between exactly those two), and route the intent to its handler. The
//! handler returns typed content ([`Says`]); templates word it, and an LLM may reword it under
//! the grounding check. Only a handler, on the shopper's explicit yes to a proposal made in an
//! earlier turn, ever changes an order: nothing in a message's text, a product's description
//! or an LLM's output can.

use std::sync::Arc;

use aisle_llm::ChatModel;
use aisle_nlu::{extract_slots, IntentModel, Language, Slots};

use crate::conversation::{Conversation, Pending, Proposal, Speaker};
use crate::cues::{yes_or_no, Answer};
use crate::error::{Error, Result};
use crate::knowledge::{Embedder, KnowledgeBase};
use crate::tools::{NewTicket, ShopTools};
use crate::turn::{Action, Turn, Wording};
use crate::wording::{describe_intent, Says};

/// The longest message the assistant reads, in characters.
pub const MAX_MESSAGE_CHARS: usize = 2000;

/// Products shown in one reply.
pub const SHOWN_PRODUCTS: usize = 5;

/// The assistant's parts: the intent model, the knowledge base, and optionally an LLM and a
/// sentence-embedding model. Cheap to share; one serves every conversation.
pub struct Assistant {
    pub(crate) intents: IntentModel,
    pub(crate) knowledge: Arc<KnowledgeBase>,
    pub(crate) embedder: Option<Arc<dyn Embedder>>,
    pub(crate) llm: Option<Arc<dyn ChatModel>>,
    /// Languages the LLM rewords replies in (a small local model writes English only).
    pub(crate) llm_languages: Vec<Language>,
}

/// What one turn has gathered besides the reply's content.
#[derive(Debug, Default)]
pub(crate) struct TurnNotes {
    pub(crate) actions: Vec<Action>,
    pub(crate) items: Vec<crate::tools::ProductCard>,
    pub(crate) awaiting: Option<String>,
}

/// The intent read on a turn, with its confidence.
pub(crate) struct Reading {
    pub(crate) intent: String,
    pub(crate) confidence: f32,
}

impl Assistant {
    /// An assistant with templates only.
    pub fn new(intents: IntentModel, knowledge: Arc<KnowledgeBase>) -> Self {
        Self { intents, knowledge, embedder: None, llm: None, llm_languages: Vec::new() }
    }

    /// Adds semantic retrieval of the knowledge base (the knowledge base should be embedded
    /// with the same model).
    pub fn with_embedder(mut self, embedder: Arc<dyn Embedder>) -> Self {
        self.embedder = Some(embedder);
        self
    }

    /// Adds an LLM that rewords replies in `languages` and chooses between close intents.
    pub fn with_llm(mut self, llm: Arc<dyn ChatModel>, languages: &[Language]) -> Self {
        self.llm = Some(llm);
        self.llm_languages = languages.to_vec();
        self
    }

    /// The knowledge base in use.
    pub fn knowledge(&self) -> &Arc<KnowledgeBase> {
        &self.knowledge
    }

    /// The intent model in use.
    pub fn intent_model(&self) -> &IntentModel {
        &self.intents
    }

    /// Answers one message of a conversation, updating its state. `on_text` receives the reply
    /// as it is produced (whole with templates, sentence by sentence from an LLM).
    pub fn respond(
        &self,
        conversation: &mut Conversation,
        message: &str,
        tools: &dyn ShopTools,
        on_text: &mut dyn FnMut(&str),
    ) -> Result<Turn> {
        let message = checked_message(message)?;
        conversation.language = match aisle_text::detect_language(message) {
            aisle_text::Language::Chinese => Language::Chinese,
            aisle_text::Language::English => Language::English,
            aisle_text::Language::Unknown => conversation.language,
        };
        conversation.remember(Speaker::Shopper, message);
        let mut notes = TurnNotes::default();
        let (reading, says) = match self.decide(conversation, message, tools, &mut notes) {
            Ok(decided) => decided,
            Err(error) => {
                tracing::error!(%error, conversation = %conversation.id, "assistant tool failed");
                conversation.pending = None;
                (Reading { intent: "error".into(), confidence: 0.0 }, Says::ToolFailed)
            }
        };
        let language = conversation.language;
        let (reply, wording) = self.word(&says, message, language, on_text);
        conversation.remember(Speaker::Assistant, &reply);
        conversation.last_intent = Some(reading.intent.clone());
        if notes.awaiting.is_none() {
            notes.awaiting = conversation.pending.as_ref().map(|p| match p {
                Pending::OrderNumber { .. } => "order_id".to_string(),
                Pending::Confirmation(_) => "confirmation".to_string(),
                Pending::Choice { .. } => "choice".to_string(),
            });
        }
        Ok(Turn {
            reply,
            intent: reading.intent,
            confidence: reading.confidence,
            actions: notes.actions,
            items: notes.items,
            awaiting: notes.awaiting,
            language: code(language).to_string(),
            wording,
        })
    }

    /// Reads the message against what the conversation waits for, then routes it.
    fn decide(
        &self,
        conversation: &mut Conversation,
        message: &str,
        tools: &dyn ShopTools,
        notes: &mut TurnNotes,
    ) -> Result<(Reading, Says)> {
        let slots = extract_slots(message, tools.vocabulary());
        if let Some(pending) = conversation.pending.take() {
            if let Some(decided) =
                self.resume(pending, conversation, message, &slots, tools, notes)?
            {
                return Ok(decided);
            }
        }
        let prediction = self.intents.classify(message);
        let mut reading =
            Reading { intent: prediction.intent.clone(), confidence: prediction.confidence };
        if prediction.intent == aisle_nlu::OUT_OF_SCOPE {
            if let Some(intent) = backoff_intent(conversation, message, &slots) {
                reading.intent = intent.to_string();
            }
        }
        if prediction.ambiguous
            && prediction.intent != aisle_nlu::OUT_OF_SCOPE
            && prediction.alternatives.len() >= 2
        {
            let options = [
                prediction.alternatives[0].intent.clone(),
                prediction.alternatives[1].intent.clone(),
            ];
            match self.llm_choice(conversation, message, &options) {
                Some(chosen) => {
                    let probability = prediction.alternatives[chosen].probability;
                    reading = Reading { intent: options[chosen].clone(), confidence: probability };
                }
                None => {
                    notes.actions.push(Action::Clarify { options: options.to_vec() });
                    conversation.pending =
                        Some(Pending::Choice { options: options.clone(), message: message.into() });
                    return Ok((reading, Says::Clarify { options }));
                }
            }
        }
        let says = self.route(&reading.intent, conversation, message, &slots, tools, notes)?;
        Ok((reading, says))
    }

    /// Tries to read the message as what was asked for. `None` lets the message be read afresh
    /// (the shopper moved on).
    fn resume(
        &self,
        pending: Pending,
        conversation: &mut Conversation,
        message: &str,
        slots: &Slots,
        tools: &dyn ShopTools,
        notes: &mut TurnNotes,
    ) -> Result<Option<(Reading, Says)>> {
        let sure = |intent: &str| Reading { intent: intent.to_string(), confidence: 1.0 };
        match pending {
            Pending::Confirmation(proposal) => match yes_or_no(message) {
                Some(Answer::Yes) => {
                    let intent = proposal_intent(&proposal);
                    let says = self.carry_out(proposal, conversation, tools, notes)?;
                    Ok(Some((sure(intent), says)))
                }
                Some(Answer::No) => {
                    notes.actions.push(Action::Declined);
                    Ok(Some((sure(proposal_intent(&proposal)), Says::Kept)))
                }
                None => Ok(None),
            },
            Pending::OrderNumber { intent } => {
                if slots.order_id.is_some() {
                    let says = self.route(&intent, conversation, message, slots, tools, notes)?;
                    return Ok(Some((sure(&intent), says)));
                }
                let prediction = self.intents.classify(message);
                let moved_on = prediction.intent != aisle_nlu::OUT_OF_SCOPE
                    && !prediction.ambiguous
                    && prediction.intent != intent;
                if moved_on {
                    return Ok(None);
                }
                // Still no number: ask again, and keep waiting.
                let says = self.route(&intent, conversation, message, slots, tools, notes)?;
                Ok(Some((sure(&intent), says)))
            }
            Pending::Choice { options, message: unclear } => {
                let picked = self.picked_option(message, &options, conversation.language);
                match picked {
                    Some(index) => {
                        let intent = options[index].clone();
                        let mut merged = extract_slots(&unclear, tools.vocabulary());
                        merge_slots(&mut merged, slots);
                        let says =
                            self.route(&intent, conversation, &unclear, &merged, tools, notes)?;
                        Ok(Some((sure(&intent), says)))
                    }
                    None => Ok(None),
                }
            }
        }
    }

    /// Which of the two offered intents a reply picks: "the first", "1", the intent's own
    /// words, or a message the classifier reads as one of them.
    fn picked_option(
        &self,
        message: &str,
        options: &[String; 2],
        language: Language,
    ) -> Option<usize> {
        let pointed = crate::cues::pointed_positions(message);
        if let Some(&first) = pointed.first().filter(|&&p| p < 2) {
            return Some(first);
        }
        match message.trim() {
            "1" => return Some(0),
            "2" => return Some(1),
            _ => {}
        }
        let lowered = message.to_lowercase();
        if let Some(index) = options
            .iter()
            .position(|o| lowered.contains(&describe_intent(o, language).to_lowercase()))
        {
            return Some(index);
        }
        let prediction = self.intents.classify(message);
        options.iter().position(|o| *o == prediction.intent)
    }

    /// Does what the shopper said yes to.
    fn carry_out(
        &self,
        proposal: Proposal,
        conversation: &mut Conversation,
        tools: &dyn ShopTools,
        notes: &mut TurnNotes,
    ) -> Result<Says> {
        match proposal {
            Proposal::CancelOrder { order_id } => {
                let Some(user) = conversation.user.clone() else {
                    notes.actions.push(Action::SignInRequired);
                    return Ok(Says::SignInFirst);
                };
                match tools.cancel_order(&user, &order_id)? {
                    Some(order) if order.status == "cancelled" => {
                        notes.actions.push(Action::CancelOrder {
                            order_id: order.order_id.clone(),
                            status: order.status.clone(),
                        });
                        Ok(Says::Cancelled { order })
                    }
                    Some(order) => Ok(Says::NotCancellable { order }),
                    None => Ok(Says::OrderUnknown { order_id }),
                }
            }
            Proposal::OpenTicket { kind, order_id, summary } => {
                let ticket = NewTicket {
                    kind,
                    conversation_id: conversation.id.clone(),
                    user_id: conversation.user.clone(),
                    order_id,
                    summary,
                    transcript: conversation.transcript(),
                };
                let ticket_id = tools.open_ticket(&ticket)?;
                notes.actions.push(Action::OpenTicket { ticket_id: ticket_id.clone(), kind });
                Ok(Says::TicketOpened { ticket_id, kind })
            }
        }
    }

    /// The reply's words: templates, or the LLM's checked rewording.
    fn word(
        &self,
        says: &Says,
        message: &str,
        language: Language,
        on_text: &mut dyn FnMut(&str),
    ) -> (String, Wording) {
        let template = says.word(language);
        if let Some(llm) = self
            .llm
            .as_ref()
            .filter(|_| says.rewordable() && self.llm_languages.contains(&language))
        {
            if let Some(reworded) =
                crate::reword::reword(llm.as_ref(), says, &template, message, language, on_text)
            {
                return (reworded, Wording::Llm);
            }
        }
        on_text(&template);
        (template, Wording::Template)
    }
}

/// What a message the classifier turned down is still plainly about: an order it names, a
/// product it points at among those just shown, or a category or brand the shop sells. The
/// classifier cannot know every product word of every shop; the slots read them from the shop's
/// own vocabulary.
fn backoff_intent(
    conversation: &Conversation,
    message: &str,
    slots: &Slots,
) -> Option<&'static str> {
    if slots.order_id.is_some() {
        return Some("track_order");
    }
    let pointed = crate::cues::pointed_positions(message);
    let shown = conversation.shown.len();
    match pointed.iter().filter(|&&p| p < shown).count() {
        0 => {}
        1 => return Some("product_question"),
        _ => return Some("compare_products"),
    }
    (slots.category.is_some() || slots.brand.is_some()).then_some("find_product")
}

/// The intent a proposal serves, for the turn's answer.
fn proposal_intent(proposal: &Proposal) -> &'static str {
    match proposal {
        Proposal::CancelOrder { .. } => "cancel_order",
        Proposal::OpenTicket { kind, .. } => match kind {
            crate::tools::TicketKind::Refund => "get_refund",
            crate::tools::TicketKind::OrderChange => "change_order",
            crate::tools::TicketKind::AddressChange => "change_shipping_address",
            crate::tools::TicketKind::Complaint => "complaint",
            crate::tools::TicketKind::Handoff => "contact_human_agent",
        },
    }
}

/// Fills the empty slots of `into` from `from`.
fn merge_slots(into: &mut Slots, from: &Slots) {
    macro_rules! fill {
        ($($field:ident),*) => {$(
            if into.$field.is_none() {
                into.$field = from.$field.clone();
            }
        )*};
    }
    fill!(order_id, product, category, brand, price_min, price_max, size, colour);
}

/// The trimmed message, or why it cannot be read.
fn checked_message(message: &str) -> Result<&str> {
    let message = message.trim();
    if message.is_empty() {
        return Err(Error::BadMessage("`message` is empty; send the shopper's words".into()));
    }
    let length = message.chars().count();
    if length > MAX_MESSAGE_CHARS {
        return Err(Error::BadMessage(format!(
            "`message` has {length} characters; at most {MAX_MESSAGE_CHARS} are read, so shorten it"
        )));
    }
    Ok(message)
}

/// `en` or `zh`.
pub(crate) fn code(language: Language) -> &'static str {
    match language {
        Language::English => "en",
        Language::Chinese => "zh",
    }
}
