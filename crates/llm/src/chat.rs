//! The conversation types every backend shares and the [`ChatModel`] trait the assistant calls:
//! free generation (streamed) and constrained choice among labels.

use std::time::Duration;

use crate::Result;

/// Who said a message.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Role {
    /// Instructions and facts for the model.
    System,
    /// The shopper.
    User,
    /// The model's earlier answers.
    Assistant,
}

impl Role {
    /// The name chat templates and the OpenAI protocol use.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::System => "system",
            Role::User => "user",
            Role::Assistant => "assistant",
        }
    }
}

/// One turn of a conversation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChatMessage {
    /// Who said it.
    pub role: Role,
    /// What was said.
    pub content: String,
}

impl ChatMessage {
    /// A system message.
    pub fn system(content: impl Into<String>) -> Self {
        ChatMessage { role: Role::System, content: content.into() }
    }

    /// A shopper's message.
    pub fn user(content: impl Into<String>) -> Self {
        ChatMessage { role: Role::User, content: content.into() }
    }

    /// An earlier answer of the assistant.
    pub fn assistant(content: impl Into<String>) -> Self {
        ChatMessage { role: Role::Assistant, content: content.into() }
    }
}

/// How to generate one answer.
#[derive(Debug, Clone, PartialEq)]
pub struct GenerateOptions {
    /// The most tokens to generate (the answer stops there, `Finish::Length`).
    pub max_tokens: usize,
    /// Sampling temperature; 0 (or below) picks the likeliest token every time (greedy), so the
    /// same prompt always gets the same answer.
    pub temperature: f32,
    /// Seed of the sampler when `temperature > 0`: the same seed gives the same answer locally.
    pub seed: u64,
    /// Strings that end the answer; the answer does not include them.
    pub stop: Vec<String>,
}

impl Default for GenerateOptions {
    /// 96 tokens, greedy: a short shop-assistant answer, reproducible.
    fn default() -> Self {
        GenerateOptions { max_tokens: 96, temperature: 0.0, seed: 0, stop: Vec::new() }
    }
}

/// Why generation ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Finish {
    /// The model ended its answer.
    EndOfText,
    /// A stop string appeared.
    Stop,
    /// `max_tokens` were generated.
    Length,
    /// The caller's `on_text` returned false.
    Cancelled,
}

/// One finished answer and what it cost.
#[derive(Debug, Clone, PartialEq)]
pub struct Generation {
    /// The answer, without any stop string.
    pub text: String,
    /// Tokens in the prompt (for a remote model, as its server reports, else 0).
    pub prompt_tokens: usize,
    /// Tokens generated (for a remote model, as reported, else the stream's chunks).
    pub generated_tokens: usize,
    /// From the call to the first generated token: prompt processing, the latency a shopper feels.
    pub first_token: Duration,
    /// From the call to the end.
    pub total: Duration,
    /// Why it ended.
    pub finish: Finish,
}

impl Generation {
    /// Generated tokens per second after the first token (decode speed); 0 with fewer than two.
    pub fn decode_tokens_per_second(&self) -> f64 {
        let decode = self.total.saturating_sub(self.first_token).as_secs_f64();
        if self.generated_tokens < 2 || decode <= 0.0 {
            return 0.0;
        }
        (self.generated_tokens - 1) as f64 / decode
    }
}

/// A chat model the assistant can word answers with. Implementations are shared between
/// requests (`Arc<dyn ChatModel>`), so every method takes `&self` and may run concurrently.
pub trait ChatModel: Send + Sync {
    /// A short name for logs and the dashboard (the model file's or the endpoint's model).
    fn name(&self) -> &str;

    /// Streams tokens' text to `on_text` as they are produced; returning false stops early.
    fn generate(
        &self,
        messages: &[ChatMessage],
        options: &GenerateOptions,
        on_text: &mut dyn FnMut(&str) -> bool,
    ) -> Result<Generation>;

    /// Picks one of `options` (short labels) for the conversation: the local model scores each
    /// option's log-likelihood as the assistant's reply (constrained choice, so it can only answer
    /// a valid index); the remote one asks and validates the answer against the list. Returns the
    /// index.
    fn choose(&self, messages: &[ChatMessage], options: &[String]) -> Result<usize>;
}
