// The shopping assistant's chat over the keyless `/shop/api/assistant/chat`: one POST per
// message, its reply streamed as server-sent events read from the fetch body (EventSource can
// only GET). `delta` events carry pieces of the reply, then one `turn` event the whole answer,
// or an `error` event a problem document. No markup is built here: callers get text and JSON.

import { ApiError, answer } from "../common/api.js";

/** One event block of a text/event-stream ("event: x\ndata: y"), or null for a comment. */
export function parseEvent(block) {
  let event = "message";
  const data = [];
  for (const line of block.split("\n")) {
    if (line === "" || line.startsWith(":")) continue;
    const colon = line.indexOf(":");
    const field = colon < 0 ? line : line.slice(0, colon);
    let value = colon < 0 ? "" : line.slice(colon + 1);
    if (value.startsWith(" ")) value = value.slice(1);
    if (field === "event") event = value;
    else if (field === "data") data.push(value);
  }
  return data.length ? { event, data: data.join("\n") } : null;
}

/** The events of a text/event-stream body, each as soon as its block is complete. */
export async function* readEvents(body) {
  const reader = body.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = "";
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    // A lone "\r" may end a chunk with its "\n" in the next one: only whole line ends are changed.
    buffer = (buffer + value).replace(/\r\n|\r(?=.)/gs, "\n");
    let end;
    while ((end = buffer.indexOf("\n\n")) >= 0) {
      const parsed = parseEvent(buffer.slice(0, end));
      buffer = buffer.slice(end + 2);
      if (parsed) yield parsed;
    }
  }
  const last = parseEvent(buffer.replace(/\r$/, ""));
  if (last) yield last;
}

function problemOf(data) {
  try {
    const problem = JSON.parse(data);
    return new ApiError(problem.status ?? 500, problem.detail ?? problem.title ?? data);
  } catch {
    return new ApiError(500, data);
  }
}

/**
 * Sends `message` in the conversation `conversationId`, as `userId` (omitted for a guest).
 * `onText(piece)` gets the reply's text as it streams. Resolves to the turn (`reply`, `items`,
 * `awaiting`, ...); a problem rejects with an ApiError carrying its status and detail (409: the
 * conversation belongs to another shopper).
 */
export async function chat({ conversationId, userId, message }, onText = () => {}) {
  const body = { conversation_id: conversationId, message };
  if (userId) body.user_id = userId;
  const response = await fetch("/shop/api/assistant/chat", {
    method: "POST",
    cache: "no-store",
    headers: { "Content-Type": "application/json", Accept: "text/event-stream" },
    body: JSON.stringify(body),
  });
  const type = response.headers.get("Content-Type") ?? "";
  // A problem is JSON; so is the whole turn if something between us buffered the stream away.
  if (!response.ok || !type.startsWith("text/event-stream")) return answer(response);
  for await (const { event, data } of readEvents(response.body)) {
    if (event === "delta") onText(JSON.parse(data).text ?? "");
    else if (event === "turn") return JSON.parse(data);
    else if (event === "error") throw problemOf(data);
  }
  throw new ApiError(502, "the answer ended before the assistant finished");
}
