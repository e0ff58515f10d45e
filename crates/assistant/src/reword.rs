//! The LLM's two jobs: rewording a template reply, sentence by sentence under the grounding
//! check, and choosing between the two intents the classifier could not tell apart.
//!
//! A reworded sentence that names a product, price, order or order state the tool results do
//! not hold is dropped, never shown. If nothing is left, or the rewording lost an order number
//! or state the shopper asked about, the template's words are sent instead or after it.

use aisle_llm::grounding::unsupported_claims;
use aisle_llm::{ChatMessage, ChatModel, GenerateOptions, Role};
use aisle_nlu::Language;

use crate::assistant::Assistant;
use crate::conversation::{Conversation, Speaker};
use crate::wording::{describe_intent, Says};

/// Tokens a rewording may take: two or three short sentences.
const REWORD_TOKENS: usize = 96;

/// Rewords `template`, streaming the sentences that pass the grounding check; `None` when the
/// LLM failed or kept nothing, so the caller sends the template.
pub(crate) fn reword(
    llm: &dyn ChatModel,
    says: &Says,
    template: &str,
    message: &str,
    language: Language,
    on_text: &mut dyn FnMut(&str),
) -> Option<String> {
    let facts = says.facts();
    let language_name = match language {
        Language::English => "English",
        Language::Chinese => "Chinese",
    };
    let messages = [
        ChatMessage {
            role: Role::System,
            content: format!(
                "You are a friendly shop assistant. Rewrite the draft reply for the shopper in {language_name}, briefly. Keep every product name, price, order number and order status exactly as in the draft. Add no facts."
            ),
        },
        ChatMessage {
            role: Role::User,
            content: format!("Shopper: {message}\nDraft reply: {template}"),
        },
    ];
    let options = GenerateOptions { max_tokens: REWORD_TOKENS, ..GenerateOptions::default() };
    let mut kept = String::new();
    let mut pending = String::new();
    let mut dropped = 0usize;
    let mut accept = |sentence: &str, kept: &mut String, on_text: &mut dyn FnMut(&str)| {
        let sentence = sentence.trim();
        if sentence.is_empty() {
            return;
        }
        if unsupported_claims(sentence, &facts).is_empty() {
            let piece = if kept.is_empty() { sentence.to_string() } else { format!(" {sentence}") };
            on_text(&piece);
            kept.push_str(&piece);
        } else {
            dropped += 1;
        }
    };
    let outcome = llm.generate(&messages, &options, &mut |text: &str| {
        pending.push_str(text);
        while let Some(end) = sentence_end(&pending) {
            let sentence: String = pending.drain(..end).collect();
            accept(&sentence, &mut kept, on_text);
        }
        true
    });
    if let Err(error) = outcome {
        tracing::warn!(%error, "LLM rewording failed; using the template");
        if kept.is_empty() {
            return None;
        }
    }
    let rest = std::mem::take(&mut pending);
    accept(&rest, &mut kept, on_text);
    if dropped > 0 {
        metrics_note(dropped);
    }
    if kept.is_empty() {
        return None;
    }
    // An order reply that lost its order number or state would leave the shopper guessing:
    // the template follows with the facts.
    let lost_order_fact = facts
        .order_ids
        .iter()
        .chain(&facts.order_states)
        .filter(|fact| template.contains(fact.as_str()))
        .any(|fact| !kept.contains(fact.as_str()));
    if lost_order_fact {
        let tail = format!("\n{template}");
        on_text(&tail);
        kept.push_str(&tail);
    }
    Some(kept)
}

fn metrics_note(dropped: usize) {
    tracing::info!(dropped, "LLM sentences dropped by the grounding check");
}

/// The byte just past the first sentence end in `text`, when one is complete.
fn sentence_end(text: &str) -> Option<usize> {
    let mut chars = text.char_indices().peekable();
    while let Some((at, c)) = chars.next() {
        let end = at + c.len_utf8();
        match c {
            '。' | '！' | '？' | '\n' => return Some(end),
            // A full stop inside "12.50" or "e.g." is not an end: need a space after it.
            '.' | '!' | '?' if chars.peek().is_some_and(|(_, next)| next.is_whitespace()) => {
                return Some(end)
            }
            _ => {}
        }
    }
    None
}

impl Assistant {
    /// Lets the LLM pick one of two close intents; `None` without an LLM or when it fails.
    pub(crate) fn llm_choice(
        &self,
        conversation: &Conversation,
        message: &str,
        options: &[String; 2],
    ) -> Option<usize> {
        let llm = self.llm.as_ref()?;
        let language = conversation.language;
        let labels: Vec<String> = options.iter().map(|o| describe_intent(o, language)).collect();
        let mut messages = vec![ChatMessage {
            role: Role::System,
            content: "You route a shopper's message in an online shop. Answer with what the shopper wants to do.".into(),
        }];
        // The last assistant line gives the message its context ("yes, that one").
        if let Some((_, text)) =
            conversation.turns.iter().rev().find(|(speaker, _)| *speaker == Speaker::Assistant)
        {
            messages.push(ChatMessage { role: Role::Assistant, content: text.clone() });
        }
        messages.push(ChatMessage { role: Role::User, content: message.to_string() });
        match llm.choose(&messages, &labels) {
            Ok(index) if index < options.len() => Some(index),
            Ok(index) => {
                tracing::warn!(index, "the LLM chose outside the options; asking the shopper");
                None
            }
            Err(error) => {
                tracing::warn!(%error, "the LLM could not choose; asking the shopper");
                None
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sentences_end_at_stops_followed_by_space_not_inside_prices() {
        let check = |text: &str, expected: Option<&str>| {
            assert_eq!(sentence_end(text).map(|end| &text[..end]), expected, "{text}");
        };
        check("It costs $12.50 today. Next", Some("It costs $12.50 today."));
        check("It costs $12.50", None);
        check("好的。下一句", Some("好的。"));
        check("Done! Bye", Some("Done!"));
        check("line one\nline two", Some("line one\n"));
    }
}
