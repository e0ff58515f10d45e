//! The LLM backend under the grounding check, with a scripted stand-in for the model: what it
//! invents is never shown, and nothing it writes can trigger an action.

mod support;

use std::sync::{Arc, Mutex};
use std::time::Duration;

use aisle_assistant::{Action, Assistant, Conversation, KnowledgeBase, Wording};
use aisle_llm::{ChatMessage, ChatModel, Finish, GenerateOptions, Generation};
use aisle_nlu::{IntentModel, Language};
use support::FixtureShop;

/// Answers every prompt with the same text, in small pieces, and records the prompts.
struct Scripted {
    answer: String,
    choice: usize,
    prompts: Mutex<Vec<String>>,
}

impl ChatModel for Scripted {
    fn name(&self) -> &str {
        "scripted"
    }
    fn generate(
        &self,
        messages: &[ChatMessage],
        _options: &GenerateOptions,
        on_text: &mut dyn FnMut(&str) -> bool,
    ) -> aisle_llm::Result<Generation> {
        let prompt: Vec<String> = messages.iter().map(|m| m.content.clone()).collect();
        self.prompts.lock().expect("test fixture").push(prompt.join("\n"));
        let chars: Vec<char> = self.answer.chars().collect();
        for piece in chars.chunks(3) {
            if !on_text(&piece.iter().collect::<String>()) {
                break;
            }
        }
        Ok(Generation {
            text: self.answer.clone(),
            prompt_tokens: 0,
            generated_tokens: chars.len() / 3,
            first_token: Duration::ZERO,
            total: Duration::ZERO,
            finish: Finish::EndOfText,
        })
    }
    fn choose(&self, _messages: &[ChatMessage], _options: &[String]) -> aisle_llm::Result<usize> {
        Ok(self.choice)
    }
}

fn assistant_with(answer: &str, choice: usize) -> (Assistant, Arc<Scripted>) {
    let llm = Arc::new(Scripted { answer: answer.into(), choice, prompts: Mutex::default() });
    let assistant = Assistant::new(
        IntentModel::bundled().expect("test fixture"),
        Arc::new(KnowledgeBase::builtin().expect("test fixture")),
    )
    .with_llm(llm.clone(), &[Language::English]);
    (assistant, llm)
}

#[test]
fn a_grounded_rewording_is_streamed_sentence_by_sentence() {
    let (assistant, llm) =
        assistant_with("Good news! Order o-2 has shipped and is on its way. ", 0);
    let shop = FixtureShop::new();
    let mut conversation = Conversation::new("c", Some("u-1".into()));
    let mut pieces = Vec::new();
    let turn = assistant
        .respond(&mut conversation, "where is my order o-2", &shop, &mut |t| {
            pieces.push(t.to_string())
        })
        .expect("test fixture");
    assert_eq!(turn.wording, Wording::Llm);
    assert_eq!(pieces.len(), 2, "{pieces:?}");
    assert!(turn.reply.contains("o-2"));
    assert!(
        llm.prompts.lock().expect("test fixture")[0].contains("o-2"),
        "the draft with the tool's facts is in the prompt"
    );
}

#[test]
fn an_invented_price_or_order_never_reaches_the_shopper() {
    let (assistant, _) = assistant_with(
        "Order o-2 has shipped. It cost only $5.00 and order o-77 was refunded. Anything else?",
        0,
    );
    let shop = FixtureShop::new();
    let mut conversation = Conversation::new("c", Some("u-1".into()));
    let turn = assistant
        .respond(&mut conversation, "where is my order o-2", &shop, &mut |_| {})
        .expect("test fixture");
    assert!(!turn.reply.contains("5.00"), "{}", turn.reply);
    assert!(!turn.reply.contains("o-77"), "{}", turn.reply);
    assert!(turn.reply.contains("o-2 has shipped"));
}

#[test]
fn a_rewording_that_keeps_nothing_falls_back_to_the_template() {
    let (assistant, _) = assistant_with("Your order o-555 is delivered for ¥1.00.", 0);
    let shop = FixtureShop::new();
    let mut conversation = Conversation::new("c", Some("u-1".into()));
    let turn = assistant
        .respond(&mut conversation, "where is my order o-2", &shop, &mut |_| {})
        .expect("test fixture");
    assert_eq!(turn.wording, Wording::Template);
    assert!(turn.reply.contains("o-2"));
}

#[test]
fn an_llm_that_writes_an_action_cannot_perform_it() {
    let (assistant, _) = assistant_with("I have cancelled order o-1 for you. Done.", 0);
    let shop = FixtureShop::new();
    let mut conversation = Conversation::new("c", Some("u-1".into()));
    for message in ["show me headphones", "yes", "yes, cancel it"] {
        let turn = assistant
            .respond(&mut conversation, message, &shop, &mut |_| {})
            .expect("test fixture");
        assert!(!turn.actions.iter().any(|a| matches!(a, Action::CancelOrder { .. })), "{message}");
    }
    assert_eq!(shop.status_of("o-1"), "paid");
}

#[test]
fn chinese_replies_stay_with_templates_when_the_llm_writes_english_only() {
    let (assistant, llm) = assistant_with("Hello there.", 0);
    let shop = FixtureShop::new();
    let mut conversation = Conversation::new("c", None);
    let turn =
        assistant.respond(&mut conversation, "你好", &shop, &mut |_| {}).expect("test fixture");
    assert_eq!(turn.wording, Wording::Template);
    assert!(llm.prompts.lock().expect("test fixture").is_empty());
}
