//! The `[assistant.llm]` configuration: which backend words the assistant's answers. Read from
//! the application's TOML by the engine; this crate only defines and checks it.
//!
//! ```toml
//! [assistant.llm]
//! backend = "local"                       # or "off" (templates only), or "openai"
//! model_path = "models/SmolLM2-135M-Instruct.Q4_1.gguf"
//!
//! # backend = "openai"
//! # base_url = "http://127.0.0.1:11434"  # Ollama; vLLM and llama.cpp's server work too
//! # model = "smollm2:135m"
//! # api_key = "..."                      # optional, sent as a Bearer token
//! # timeout_secs = 60
//! ```

use std::fmt;
use std::path::PathBuf;
use std::time::Duration;

use serde::{Deserialize, Serialize};

use crate::{Error, Result};

/// Which backend words the assistant's answers.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(tag = "backend", rename_all = "snake_case")]
pub enum LlmConfig {
    /// No model: the assistant answers from its templates.
    #[default]
    Off,
    /// A GGUF chat model run in-process with candle.
    Local {
        /// A `.gguf` file, or a directory holding one.
        model_path: PathBuf,
    },
    /// Any server speaking the OpenAI chat-completions protocol.
    #[serde(rename = "openai")]
    OpenAi(OpenAiConfig),
}

/// Where an OpenAI-compatible server is and which of its models to use.
#[derive(Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OpenAiConfig {
    /// The server's root, without `/v1` (e.g. `http://127.0.0.1:11434` for Ollama).
    #[serde(default = "default_base_url")]
    pub base_url: String,
    /// The model name the server knows.
    pub model: String,
    /// Sent as `Authorization: Bearer <key>` when set.
    #[serde(default)]
    pub api_key: Option<String>,
    /// The longest a whole answer may take.
    #[serde(default = "default_timeout", rename = "timeout_secs", with = "seconds")]
    pub timeout: Duration,
}

/// Ollama's default address: the most common local server.
pub const DEFAULT_BASE_URL: &str = "http://127.0.0.1:11434";

fn default_base_url() -> String {
    DEFAULT_BASE_URL.to_string()
}

fn default_timeout() -> Duration {
    Duration::from_secs(60)
}

impl OpenAiConfig {
    /// A configuration for `model` at `base_url`, with no key and a 60 s timeout.
    pub fn new(base_url: impl Into<String>, model: impl Into<String>) -> Self {
        OpenAiConfig {
            base_url: base_url.into(),
            model: model.into(),
            api_key: None,
            timeout: default_timeout(),
        }
    }

    /// Checks the values a server cannot be reached without.
    pub fn validate(&self) -> Result<()> {
        let url = self.base_url.trim();
        if !(url.starts_with("http://") || url.starts_with("https://")) {
            return Err(Error::Config(format!(
                "base_url {:?} must start with http:// or https://",
                self.base_url
            )));
        }
        if url.starts_with("https://") && !cfg!(feature = "tls") {
            return Err(Error::Config(format!(
                "base_url {:?} uses HTTPS, but this build has no TLS; rebuild with the \
                 aisle-llm `tls` feature, or put the server on plain HTTP on a trusted network",
                self.base_url
            )));
        }
        if self.model.trim().is_empty() {
            return Err(Error::Config("model is empty: name the model the server serves".into()));
        }
        if self.timeout.is_zero() {
            return Err(Error::Config("timeout_secs must be above 0".into()));
        }
        Ok(())
    }

    /// `{base_url}/v1/chat/completions`, accepting a base URL given with or without `/v1`.
    pub fn completions_url(&self) -> String {
        let base = self.base_url.trim().trim_end_matches('/');
        let base = base.strip_suffix("/v1").unwrap_or(base);
        format!("{base}/v1/chat/completions")
    }
}

/// Keeps the key out of logs.
impl fmt::Debug for OpenAiConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("OpenAiConfig")
            .field("base_url", &self.base_url)
            .field("model", &self.model)
            .field("api_key", &self.api_key.as_ref().map(|_| "<redacted>"))
            .field("timeout", &self.timeout)
            .finish()
    }
}

/// A `Duration` as whole or fractional seconds in TOML.
mod seconds {
    use std::time::Duration;

    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(value: &Duration, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_f64(value.as_secs_f64())
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Duration, D::Error> {
        let seconds = f64::deserialize(deserializer)?;
        Duration::try_from_secs_f64(seconds).map_err(|_| {
            serde::de::Error::custom(format!("timeout_secs {seconds} is not a duration"))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> std::result::Result<LlmConfig, toml::de::Error> {
        toml::from_str(text)
    }

    #[test]
    fn reads_each_backend_from_toml() {
        assert_eq!(parse("backend = \"off\"").unwrap(), LlmConfig::Off);
        assert_eq!(
            parse("backend = \"local\"\nmodel_path = \"m/x.gguf\"").unwrap(),
            LlmConfig::Local { model_path: "m/x.gguf".into() }
        );
        let remote =
            parse("backend = \"openai\"\nmodel = \"smollm2\"\ntimeout_secs = 2.5").unwrap();
        let LlmConfig::OpenAi(config) = remote else { panic!("{remote:?}") };
        assert_eq!(config.base_url, DEFAULT_BASE_URL);
        assert_eq!(config.timeout, Duration::from_millis(2500));
        assert_eq!(config.api_key, None);
    }

    #[test]
    fn rejects_unknown_backends_and_fields() {
        assert!(parse("backend = \"gpt\"").is_err());
        assert!(parse("backend = \"openai\"\nmodel = \"m\"\nbase = \"x\"").is_err());
        assert!(parse("backend = \"local\"").is_err());
    }

    #[test]
    fn validates_endpoints() {
        let check = |url: &str| OpenAiConfig::new(url, "m").validate().is_ok();
        assert!(check("http://127.0.0.1:8080"));
        assert!(!check("127.0.0.1:8080"));
        assert_eq!(check("https://127.0.0.1"), cfg!(feature = "tls"));
        assert!(OpenAiConfig::new("http://127.0.0.1", " ").validate().is_err());
    }

    #[test]
    fn completions_url_accepts_a_trailing_v1() {
        for base in ["http://h:1", "http://h:1/", "http://h:1/v1", "http://h:1/v1/"] {
            assert_eq!(
                OpenAiConfig::new(base, "m").completions_url(),
                "http://h:1/v1/chat/completions"
            );
        }
    }

    #[test]
    fn debug_hides_the_key() {
        let mut config = OpenAiConfig::new(DEFAULT_BASE_URL, "m");
        config.api_key = Some("sk-secret".into());
        assert!(!format!("{config:?}").contains("secret"));
    }
}
