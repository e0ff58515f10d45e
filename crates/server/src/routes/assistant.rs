//! The assistant's routes: chat (JSON or server-sent events), intent reading, the knowledge base
//! the shop edits, and the tickets it hands to people.
//!
//! `POST /v1/assistant/chat` needs a write key: the shop's backend calls it for its signed-in
//! shopper (it vouches for `user_id`), and the assistant may cancel that shopper's orders on
//! their confirmation. The demo storefront's keyless `/shop/api/assistant/chat` trusts the
//! "browse as" choice, like the rest of the demo.

use std::convert::Infallible;
use std::sync::Arc;
use std::time::Instant;

use aisle_engine::assistant::{privacy::mask_personal, Turn};
use aisle_engine::Ticket;
use axum::extract::State;
use axum::http::{header, HeaderMap};
use axum::response::sse::{Event, Sse};
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::blocking;
use crate::assistant::ServerTools;
use crate::problem::{Answer, Json, Path, Problem};
use crate::state::AppState;

/// Most texts in one intent request.
const MAX_TEXTS: usize = 1000;

/// One shopper message.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ChatRequest {
    /// The caller's id for the conversation (1 to 128 letters, digits, `-`, `_`, `.`).
    pub conversation_id: String,
    /// The signed-in shopper; omit for a guest (who may ask about products and policies).
    #[serde(default)]
    pub user_id: Option<String>,
    /// What the shopper wrote (at most 2,000 characters).
    pub message: String,
}

/// The assistant's answer.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ChatAnswer {
    /// The conversation.
    pub conversation_id: String,
    /// What the assistant says.
    pub reply: String,
    /// The intent read (Bitext names, shopping intents, or `out_of_scope`).
    pub intent: String,
    /// The intent's probability.
    pub confidence: f32,
    /// What it did or asked (`{"type": "track_order", ...}`).
    #[schema(value_type = Vec<Object>)]
    pub actions: Value,
    /// Products shown, best first.
    #[schema(value_type = Vec<Object>)]
    pub items: Value,
    /// What it waits for next: `order_id`, `confirmation`, `choice`, or null.
    pub awaiting: Option<String>,
    /// `en` or `zh`.
    pub language: String,
    /// `template` or `llm`.
    pub wording: String,
    /// Server time, milliseconds.
    pub took_ms: f64,
}

fn answer_of(conversation_id: &str, turn: Turn, started: Instant) -> ChatAnswer {
    let wording = serde_json::to_value(turn.wording)
        .ok()
        .and_then(|v| v.as_str().map(str::to_string))
        .unwrap_or_default();
    ChatAnswer {
        conversation_id: conversation_id.to_string(),
        reply: turn.reply,
        intent: turn.intent,
        confidence: (turn.confidence * 1000.0).round() / 1000.0,
        actions: serde_json::to_value(&turn.actions).unwrap_or(Value::Null),
        items: serde_json::to_value(&turn.items).unwrap_or(Value::Null),
        awaiting: turn.awaiting,
        language: turn.language,
        wording,
        took_ms: started.elapsed().as_secs_f64() * 1000.0,
    }
}

fn check_conversation_id(id: &str) -> Result<(), Problem> {
    let valid = (1..=128).contains(&id.len())
        && id.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'));
    if valid {
        Ok(())
    } else {
        Err(Problem::bad_request(
            "`conversation_id` must be 1 to 128 letters, digits, `-`, `_` or `.`",
        ))
    }
}

/// Runs one turn, sending the reply's text to `on_text` as it is produced.
pub(crate) fn run_turn(
    state: &AppState,
    request: &ChatRequest,
    on_text: &mut dyn FnMut(&str),
) -> Result<ChatAnswer, Problem> {
    let started = Instant::now();
    check_conversation_id(&request.conversation_id)?;
    if let Some(user) = &request.user_id {
        super::parse_id("user_id", user)?;
    }
    let built = state.assistant.get(state)?;
    let open =
        state.assistant.conversation(&request.conversation_id, request.user_id.as_deref())?;
    let mut open = open.lock().map_err(|_| Problem::internal("conversation lock poisoned"))?;
    let tools = ServerTools { state, vocabulary: &built.vocabulary };
    let turn = built
        .assistant
        .respond(&mut open.conversation, &request.message, &tools, on_text)
        .map_err(|e| Problem::bad_request(e.to_string()))?;
    tracing::info!(
        conversation = %request.conversation_id,
        intent = %turn.intent,
        message = %mask_personal(&request.message),
        "assistant turn"
    );
    metrics::counter!("aisle_assistant_turns_total", "intent" => turn.intent.clone()).increment(1);
    Ok(answer_of(&request.conversation_id, turn, started))
}

/// One turn of a conversation with the shopping assistant. With `Accept: text/event-stream`
/// the answer streams: `delta` events carry the reply's text as it is produced, then one
/// `turn` event carries the whole answer (the JSON body otherwise sent).
#[utoipa::path(post, path = "/v1/assistant/chat", tag = "assistant", request_body = ChatRequest,
    responses((status = 200, body = ChatAnswer), (status = 400, body = Problem), (status = 409, body = Problem)),
    security(("api_key" = [])))]
pub async fn chat(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    Json(request): Json<ChatRequest>,
) -> Response {
    respond(state, headers, request).await
}

/// The storefront's chat (demo; keyless, as the shopper chosen in "browse as").
pub(crate) async fn storefront_chat(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    Json(request): Json<ChatRequest>,
) -> Response {
    respond(state, headers, request).await
}

async fn respond(state: Arc<AppState>, headers: HeaderMap, request: ChatRequest) -> Response {
    let streamed = headers
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.contains("text/event-stream"));
    if !streamed {
        return blocking(&state, move |s| run_turn(s, &request, &mut |_| {}).map(Json))
            .await
            .into_response();
    }
    let (sender, receiver) = tokio::sync::mpsc::unbounded_channel::<Event>();
    let worker = state.clone();
    tokio::task::spawn_blocking(move || {
        let deltas = sender.clone();
        let mut on_text = |text: &str| {
            let data = serde_json::json!({ "text": text }).to_string();
            let _ = deltas.send(Event::default().event("delta").data(data));
        };
        let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            run_turn(&worker, &request, &mut on_text)
        }))
        .unwrap_or_else(|_| Err(Problem::internal("the assistant panicked; see the server log")));
        let event = match outcome {
            Ok(answer) => Event::default()
                .event("turn")
                .data(serde_json::to_string(&answer).unwrap_or_default()),
            Err(problem) => Event::default()
                .event("error")
                .data(serde_json::to_string(&problem).unwrap_or_default()),
        };
        let _ = sender.send(event);
    });
    let stream = futures_util::stream::unfold(receiver, |mut receiver| async move {
        receiver.recv().await.map(|event| (Ok::<_, Infallible>(event), receiver))
    });
    Sse::new(stream).into_response()
}

/// Texts to read.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct IntentRequest {
    /// 1 to 1,000 texts.
    pub texts: Vec<String>,
}

/// One text's intent.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct IntentResult {
    /// Bitext names, the shopping intents, or `out_of_scope`.
    pub intent: String,
    /// Its probability.
    pub confidence: f32,
}

/// The intents, in the order of the texts.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct IntentAnswer {
    /// One per text.
    pub results: Vec<IntentResult>,
}

/// Reads the intent of each text with the assistant's classifier.
#[utoipa::path(post, path = "/v1/nlp/intent", tag = "assistant", request_body = IntentRequest,
    responses((status = 200, body = IntentAnswer), (status = 400, body = Problem)),
    security(("api_key" = [])))]
pub async fn intent(
    State(state): State<Arc<AppState>>,
    Json(request): Json<IntentRequest>,
) -> Answer<IntentAnswer> {
    if request.texts.is_empty() || request.texts.len() > MAX_TEXTS {
        return Err(Problem::bad_request(format!(
            "`texts` holds {} texts; send 1 to {MAX_TEXTS}",
            request.texts.len()
        )));
    }
    blocking(&state, move |s| {
        let built = s.assistant.get(s)?;
        let model = built.assistant.intent_model();
        let results = request
            .texts
            .iter()
            .map(|text| {
                let prediction = model.classify(text);
                IntentResult {
                    intent: prediction.intent,
                    confidence: (prediction.confidence * 1000.0).round() / 1000.0,
                }
            })
            .collect();
        Ok(Json(IntentAnswer { results }))
    })
    .await
}

/// The knowledge base: the shop's policies and FAQ, as a JSON array of entries.
#[utoipa::path(get, path = "/v1/assistant/knowledge", tag = "assistant",
    responses((status = 200, body = Vec<Object>)), security(("api_key" = [])))]
pub async fn get_knowledge(State(state): State<Arc<AppState>>) -> Answer<Value> {
    blocking(&state, |s| {
        let knowledge = s.engine().knowledge_base()?;
        Ok(Json(serde_json::to_value(knowledge.entries()).unwrap_or(Value::Null)))
    })
    .await
}

/// Replaces the knowledge base. Each entry: `id`, `language` (`en` or `zh`), `question`,
/// `answer`, and optionally `intents` it answers.
#[utoipa::path(put, path = "/v1/assistant/knowledge", tag = "assistant", request_body = Vec<Object>,
    responses((status = 200, body = Vec<Object>), (status = 400, body = Problem)), security(("api_key" = [])))]
pub async fn put_knowledge(
    State(state): State<Arc<AppState>>,
    Json(entries): Json<Value>,
) -> Answer<Value> {
    blocking(&state, move |s| {
        let knowledge = s.engine().save_knowledge_base(&entries.to_string())?;
        s.assistant.invalidate();
        Ok(Json(serde_json::to_value(knowledge.entries()).unwrap_or(Value::Null)))
    })
    .await
}

/// The tickets the assistant opened, newest first.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct TicketList {
    /// Open and closed tickets.
    #[schema(value_type = Vec<Object>)]
    pub tickets: Vec<Ticket>,
    /// How many are open.
    pub open: usize,
}

/// Lists the tickets the assistant handed to people.
#[utoipa::path(get, path = "/v1/assistant/tickets", tag = "assistant",
    responses((status = 200, body = TicketList)), security(("api_key" = [])))]
pub async fn tickets(State(state): State<Arc<AppState>>) -> Answer<TicketList> {
    blocking(&state, |s| {
        let tickets = s.engine().tickets()?;
        let open = tickets.iter().filter(|t| t.status == "open").count();
        Ok(Json(TicketList { tickets, open }))
    })
    .await
}

/// Closes a ticket.
#[utoipa::path(post, path = "/v1/assistant/tickets/{id}/close", tag = "assistant",
    params(("id" = String, Path, description = "the ticket's id, e.g. t-3")),
    responses((status = 200, body = Object), (status = 404, body = Problem)), security(("api_key" = [])))]
pub async fn close_ticket(
    State(state): State<Arc<AppState>>,
    Path(id): Path<String>,
) -> Answer<Ticket> {
    blocking(&state, move |s| {
        s.engine().close_ticket(&id, super::dashboard::now())?.map(Json).ok_or_else(|| {
            Problem::not_found(format!("no ticket `{id}`; list them at GET /v1/assistant/tickets"))
        })
    })
    .await
}
