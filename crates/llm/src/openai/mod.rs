//! The remote backend: any server speaking OpenAI's chat-completions protocol (Ollama, vLLM,
//! llama.cpp's server) at the configured address, over a small blocking HTTP client. Answers
//! are streamed (`stream: true`) so the first words reach the shopper as soon as the server
//! has them. This is the crate's only network use, and it goes only to the configured endpoint.

pub(crate) mod sse;

use std::io::{BufRead, BufReader, Read};
use std::time::Instant;

use serde_json::json;

use crate::choice;
use crate::text::StopScanner;
use crate::{
    ChatMessage, ChatModel, Error, Finish, GenerateOptions, Generation, OpenAiConfig, Result,
};
use sse::Event;

/// The most an answer's stream may hold.
const MAX_ANSWER_BYTES: u64 = 8 << 20;

/// How much of an error answer's body goes into the error message.
const BODY_EXCERPT_CHARS: usize = 300;

/// A chat model behind an OpenAI-compatible endpoint.
pub struct OpenAiCompatible {
    config: OpenAiConfig,
    url: String,
    agent: ureq::Agent,
}

impl OpenAiCompatible {
    /// A client for the configured endpoint; checks the configuration, connects to nothing yet.
    pub fn new(config: OpenAiConfig) -> Result<Self> {
        config.validate()?;
        let agent = ureq::Agent::config_builder()
            .timeout_global(Some(config.timeout))
            // Error statuses are read here, to quote the server's own explanation.
            .http_status_as_error(false)
            // The endpoint is named in the configuration; a proxy from the environment would
            // send the shop's conversations somewhere else.
            .proxy(None)
            .build()
            .new_agent();
        let url = config.completions_url();
        Ok(OpenAiCompatible { config, url, agent })
    }

    /// The configuration it was made with.
    pub fn config(&self) -> &OpenAiConfig {
        &self.config
    }

    fn request_body(
        &self,
        messages: &[ChatMessage],
        options: &GenerateOptions,
    ) -> serde_json::Value {
        let messages: Vec<_> = messages
            .iter()
            .map(|m| json!({"role": m.role.as_str(), "content": m.content}))
            .collect();
        let mut body = json!({
            "model": self.config.model,
            "messages": messages,
            "stream": true,
            "stream_options": {"include_usage": true},
            "max_tokens": options.max_tokens,
            "temperature": options.temperature.max(0.0),
            "seed": options.seed,
        });
        let stops: Vec<&String> = options.stop.iter().filter(|s| !s.is_empty()).collect();
        if !stops.is_empty() {
            // The server stops early; the scanner below still cuts, as servers differ.
            body["stop"] = json!(stops);
        }
        body
    }

    /// Posts the request; the response once its status is a success.
    fn post(&self, body: &serde_json::Value) -> Result<ureq::http::Response<ureq::Body>> {
        let mut request = self.agent.post(&self.url).header("Content-Type", "application/json");
        request = request.header("Accept", "text/event-stream");
        if let Some(key) = &self.config.api_key {
            request = request.header("Authorization", format!("Bearer {key}"));
        }
        let response = request.send(body.to_string()).map_err(|e| self.transport_error(e))?;
        let status = response.status().as_u16();
        if (200..300).contains(&status) {
            return Ok(response);
        }
        let mut text = String::new();
        let _ = response.into_body().into_reader().take(16 * 1024).read_to_string(&mut text);
        Err(Error::Status {
            url: self.url.clone(),
            status,
            body: sse::excerpt(text.trim(), BODY_EXCERPT_CHARS),
        })
    }

    fn transport_error(&self, error: ureq::Error) -> Error {
        let reason = match &error {
            ureq::Error::Io(io) if io.kind() == std::io::ErrorKind::ConnectionRefused => {
                "connection refused".to_string()
            }
            ureq::Error::Timeout(which) => format!("timed out ({which})"),
            ureq::Error::HostNotFound => "host not found".to_string(),
            ureq::Error::ConnectionFailed => "connection failed".to_string(),
            ureq::Error::Io(io) => io.to_string(),
            other => {
                return Error::Protocol { url: self.url.clone(), reason: other.to_string() };
            }
        };
        Error::Unreachable { url: self.url.clone(), reason }
    }

    fn protocol(&self, reason: impl Into<String>) -> Error {
        Error::Protocol { url: self.url.clone(), reason: reason.into() }
    }
}

impl ChatModel for OpenAiCompatible {
    fn name(&self) -> &str {
        &self.config.model
    }

    fn generate(
        &self,
        messages: &[ChatMessage],
        options: &GenerateOptions,
        on_text: &mut dyn FnMut(&str) -> bool,
    ) -> Result<Generation> {
        if messages.is_empty() {
            return Err(Error::InvalidRequest("a conversation needs at least one message".into()));
        }
        let start = Instant::now();
        let mut generation = Generation {
            text: String::new(),
            prompt_tokens: 0,
            generated_tokens: 0,
            first_token: Default::default(),
            total: Default::default(),
            finish: Finish::EndOfText,
        };
        if options.max_tokens == 0 {
            generation.finish = Finish::Length;
            return Ok(generation);
        }
        let response = self.post(&self.request_body(messages, options))?;
        let streamed = response
            .headers()
            .get("content-type")
            .and_then(|v| v.to_str().ok())
            .is_none_or(|v| v.contains("text/event-stream"));
        // A misbehaving server cannot make us buffer without end: an answer of a few hundred
        // tokens is a few kilobytes of events.
        let body = response.into_body().into_with_config().limit(MAX_ANSWER_BYTES).reader();
        let mut reader = BufReader::new(body);
        let mut scanner = StopScanner::new(&options.stop);
        let mut usage = None;
        let mut chunks = 0;
        let mut done = false;
        let mut line = String::new();
        let mut whole = String::new();
        'read: loop {
            line.clear();
            let read = reader
                .read_line(&mut line)
                .map_err(|e| self.protocol(format!("reading the stream failed: {e}")))?;
            if read == 0 {
                break;
            }
            let events = if streamed {
                sse::parse_line(&line).map_err(|reason| self.protocol(reason))?
            } else {
                // Not a stream: collect the JSON answer and read it whole at the end.
                whole.push_str(&line);
                continue;
            };
            for event in events {
                match event {
                    Event::Text(piece) if !piece.is_empty() => {
                        chunks += 1;
                        if chunks == 1 {
                            generation.first_token = start.elapsed();
                        }
                        let scanned = scanner.push(&piece);
                        generation.text.push_str(&scanned.ready);
                        if !scanned.ready.is_empty() && !on_text(&scanned.ready) {
                            generation.finish = Finish::Cancelled;
                            break 'read;
                        }
                        if scanned.stopped {
                            generation.finish = Finish::Stop;
                            break 'read;
                        }
                    }
                    Event::Finished(reason) => {
                        generation.finish =
                            if reason == "length" { Finish::Length } else { Finish::EndOfText };
                    }
                    Event::Usage { prompt_tokens, completion_tokens } => {
                        usage = Some((prompt_tokens, completion_tokens));
                    }
                    Event::Done => {
                        done = true;
                        break 'read;
                    }
                    Event::Text(_) | Event::Nothing => {}
                }
            }
        }
        if !streamed {
            for event in sse::parse_chunk(whole.trim()).map_err(|reason| self.protocol(reason))? {
                if let Event::Text(text) = event {
                    generation.first_token = start.elapsed();
                    chunks = 1;
                    let scanned = scanner.push(&text);
                    generation.text.push_str(&scanned.ready);
                    if !scanned.ready.is_empty() {
                        on_text(&scanned.ready);
                    }
                    if scanned.stopped {
                        generation.finish = Finish::Stop;
                    }
                } else if let Event::Usage { prompt_tokens, completion_tokens } = event {
                    usage = Some((prompt_tokens, completion_tokens));
                }
            }
            done = true;
        }
        if !done && matches!(generation.finish, Finish::EndOfText) && chunks == 0 {
            return Err(self.protocol("the stream ended before any answer or [DONE]"));
        }
        if matches!(generation.finish, Finish::EndOfText | Finish::Length) {
            let rest = scanner.finish();
            generation.text.push_str(&rest);
            if !rest.is_empty() {
                on_text(&rest);
            }
        }
        let (prompt_tokens, completion_tokens) = usage.unwrap_or((0, chunks));
        generation.prompt_tokens = prompt_tokens;
        generation.generated_tokens = completion_tokens;
        generation.total = start.elapsed();
        Ok(generation)
    }

    fn choose(&self, messages: &[ChatMessage], options: &[String]) -> Result<usize> {
        choice::check_options(options)?;
        if options.len() == 1 {
            return Ok(0);
        }
        let asked = choice::question(messages, options);
        let generate = GenerateOptions { max_tokens: 16, ..GenerateOptions::default() };
        let answer = self.generate(&asked, &generate, &mut |_| true)?;
        choice::parse(&answer.text, options).ok_or_else(|| Error::InvalidChoice {
            answer: sse::excerpt(answer.text.trim(), 80),
            options: options.len(),
        })
    }
}
