//! The crate's errors. A model file that is missing or not a chat model, and an endpoint that is
//! unreachable or answers nonsense, are the user's to fix, so those messages say what, where and
//! how; `Tensor` and `Tokenizer` are internal failures, reported as they came.

use std::path::PathBuf;

/// What the user can do about a local model that cannot be loaded.
const FIX_LOCAL: &str = "set assistant.llm.model_path to a GGUF chat model (a .gguf file, or a \
directory holding one), such as SmolLM2-135M-Instruct Q4_1, or set assistant.llm.backend = \"off\" \
to answer from templates only";

/// What the user can do about an endpoint that cannot be used.
const FIX_REMOTE: &str = "check assistant.llm.base_url and assistant.llm.model (the server must \
speak the OpenAI chat-completions protocol, as Ollama, vLLM and llama.cpp's server do), or set \
assistant.llm.backend = \"off\"";

/// Everything loading a model, generating, or talking to an endpoint can fail with.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The model path does not exist.
    #[error("LLM model {} does not exist: {FIX_LOCAL}", path.display())]
    ModelMissing {
        /// The path asked for.
        path: PathBuf,
    },
    /// A directory was given, but it holds no `.gguf` file (or several, and none is preferred).
    #[error("LLM model directory {} {reason}: {FIX_LOCAL}", path.display())]
    NoGgufInDirectory {
        /// The directory.
        path: PathBuf,
        /// "holds no .gguf file" or which ones it holds.
        reason: String,
    },
    /// The file exists but is not a GGUF chat model this crate runs.
    #[error("LLM model {} cannot be used: {reason}; {FIX_LOCAL}", path.display())]
    BadModel {
        /// The model file.
        path: PathBuf,
        /// What is wrong with it.
        reason: String,
    },
    /// The configuration makes no sense (an empty URL, a zero timeout...).
    #[error("assistant.llm configuration is invalid: {0}")]
    Config(String),
    /// The caller asked for something impossible (no messages, no options to choose from).
    #[error("invalid LLM request: {0}")]
    InvalidRequest(String),
    /// The prompt does not fit the model's context window.
    #[error(
        "the prompt has {tokens} tokens but the model's context holds {limit} (with room for the \
         answer); send fewer facts or a shorter history"
    )]
    PromptTooLong {
        /// Tokens in the prompt plus the answer's budget.
        tokens: usize,
        /// The model's context length.
        limit: usize,
    },
    /// The endpoint could not be reached at all.
    #[error("cannot reach the LLM endpoint {url}: {reason}; is the server running? {FIX_REMOTE}")]
    Unreachable {
        /// The URL posted to.
        url: String,
        /// The transport's account of it (connection refused, timed out...).
        reason: String,
    },
    /// The endpoint answered with an error status.
    #[error("the LLM endpoint {url} answered HTTP {status}: {body}; {FIX_REMOTE}")]
    Status {
        /// The URL posted to.
        url: String,
        /// The HTTP status code.
        status: u16,
        /// The first few hundred characters of the answer's body.
        body: String,
    },
    /// The endpoint answered 200 but not with the protocol expected.
    #[error("the LLM endpoint {url} sent a malformed answer ({reason}); {FIX_REMOTE}")]
    Protocol {
        /// The URL posted to.
        url: String,
        /// What could not be read.
        reason: String,
    },
    /// The remote model answered a choice with something that is not one of the options.
    #[error("the LLM answered {answer:?}, which is none of the {options} options offered")]
    InvalidChoice {
        /// The answer, shortened.
        answer: String,
        /// How many options there were.
        options: usize,
    },
    /// The tokenizer failed on a text (an internal error: a loaded tokenizer accepts any text).
    #[error("tokenizing for the LLM failed: {0}")]
    Tokenizer(String),
    /// The tensor library failed (an internal error).
    #[error("LLM tensor computation failed: {0}")]
    Tensor(#[from] candle_core::Error),
}

/// Shorthand for this crate's results.
pub type Result<T> = std::result::Result<T, Error>;
