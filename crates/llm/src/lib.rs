//! Aisle's assistant wording: the language models that may phrase the shopping assistant's
//! answers. The assistant works without any (its templates); with one configured, the model
//! picks among typed actions the assistant offers ([`ChatModel::choose`], which code then
//! validates) and words answers from the tool results it is given ([`ChatModel::generate`]).
//! [`grounding::unsupported_claims`] then checks that the wording invents no price, order or
//! state, so the assistant can fall back to its template when it does.
//!
//! Two backends sit behind [`ChatModel`]:
//! - [`LocalGguf`]: a GGUF chat model (SmolLM2-135M-Instruct by default) run in-process on the
//!   CPU with candle, from a local file. It never downloads anything.
//! - [`OpenAiCompatible`]: any server speaking OpenAI's chat-completions protocol (Ollama,
//!   vLLM, llama.cpp's server), streamed. Its requests go only to the configured endpoint.
//!
//! ```no_run
//! # fn main() -> aisle_llm::Result<()> {
//! use aisle_llm::{ChatMessage, ChatModel, GenerateOptions, LlmConfig};
//! let config = LlmConfig::Local { model_path: "models/SmolLM2-135M-Instruct.Q4_1.gguf".into() };
//! let model = aisle_llm::open(&config)?.expect("a backend is configured");
//! let messages = [
//!     ChatMessage::system("You are a shop assistant. Facts: order A1 shipped on May 2."),
//!     ChatMessage::user("Where is my order?"),
//! ];
//! let answer = model.generate(&messages, &GenerateOptions::default(), &mut |piece| {
//!     print!("{piece}");
//!     true
//! })?;
//! println!("\n{} tokens, first after {:?}", answer.generated_tokens, answer.first_token);
//! # Ok(()) }
//! ```
//!
//! The crate has no HTTP server, no store and no knowledge of the shop: callers hand it the
//! conversation and the facts.

mod chat;
mod choice;
mod config;
mod error;
pub mod grounding;
mod local;
mod openai;
mod text;

use std::sync::Arc;

pub use chat::{ChatMessage, ChatModel, Finish, GenerateOptions, Generation, Role};
pub use config::{LlmConfig, OpenAiConfig, DEFAULT_BASE_URL};
pub use error::{Error, Result};
pub use local::prompt::chatml_text;
pub use local::LocalGguf;
pub use openai::OpenAiCompatible;

/// The model the configuration asks for: `None` when it is off (templates only). Loading a
/// local model reads its file now; a remote one is only checked, not contacted.
pub fn open(config: &LlmConfig) -> Result<Option<Arc<dyn ChatModel>>> {
    Ok(match config {
        LlmConfig::Off => None,
        LlmConfig::Local { model_path } => Some(Arc::new(LocalGguf::load(model_path)?)),
        LlmConfig::OpenAi(remote) => Some(Arc::new(OpenAiCompatible::new(remote.clone())?)),
    })
}
