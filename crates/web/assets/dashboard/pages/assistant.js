// Assistant: the tickets the shopping assistant handed to people, and the knowledge base it
// answers policy questions from. Tickets (`GET /v1/assistant/tickets`) are listed open first,
// newest first within each, filtered by status; each opens to its details and transcript, and an
// open one has a Close button (`POST /v1/assistant/tickets/{id}/close`). The knowledge base
// (`GET` and `PUT /v1/assistant/knowledge`) is a table of entries edited in place and saved
// whole; the server checks it, and its 400 `detail` shows as the reason it was not saved.
// Shoppers' words and the shop's answers go in as text only.

import { h, api, when, errorBox } from "../dom.js";
import { t } from "../i18n.js";

const FILTERS = ["all", "open", "closed"];
const FILTER_KEY = "aisle.assistant.tickets";

function filterChoice() {
  const chosen = sessionStorage.getItem(FILTER_KEY);
  return FILTERS.includes(chosen) ? chosen : "all";
}

/** Open tickets first, then closed ones; newest first within each. */
function ordered(tickets) {
  const rank = (ticket) => (ticket.status === "open" ? 0 : 1);
  return [...tickets].sort((a, b) => rank(a) - rank(b) || String(b.opened_at).localeCompare(String(a.opened_at)));
}

function badge(ticket) {
  return h("span", { class: `badge ${ticket.status === "open" ? "badge-warning" : "badge-neutral"}`, "data-testid": "ticket-status", "data-value": ticket.status },
    t(`as.status.${ticket.status}`));
}

/** A transcript line, `shopper: ...` or `assistant: ...`, with who said it shown apart. */
function line(text) {
  const match = /^(shopper|assistant):\s?(.*)$/s.exec(text);
  if (!match) return h("li", {}, text);
  return h("li", { class: `transcript-${match[1]}` }, h("span", { class: "transcript-who" }, `${t(`as.who.${match[1]}`)}: `), match[2]);
}

function ticketItem(ticket, onClose) {
  const facts = [
    [t("as.opened"), when(ticket.opened_at)],
    ticket.closed_at ? [t("as.closedAt"), when(ticket.closed_at)] : null,
    [t("as.shopper"), ticket.user_id ?? t("as.guest")],
    ticket.order_id ? [t("as.order"), ticket.order_id] : null,
    [t("as.conversation"), ticket.conversation_id],
  ].filter(Boolean);
  const transcript = ticket.transcript ?? [];
  return h("li", { class: "ticket", "data-testid": "ticket", "data-id": ticket.id, "data-status": ticket.status },
    h("details", {},
      h("summary", {},
        h("strong", {}, ticket.id), " ", badge(ticket), " ",
        h("span", { "data-testid": "ticket-kind", "data-value": ticket.kind }, t(`as.kind.${ticket.kind}`)), " · ",
        h("span", { class: "ticket-summary", "data-testid": "ticket-summary" }, ticket.summary)),
      h("dl", { class: "ticket-facts" }, facts.map(([label, value]) => [h("dt", {}, label), h("dd", {}, value)])),
      h("h3", {}, t("as.transcript")),
      transcript.length
        ? h("ol", { class: "transcript", "data-testid": "ticket-transcript" }, transcript.map(line))
        : h("p", { class: "muted" }, t("none")),
      ticket.status === "open"
        ? h("button", { type: "button", "data-testid": "ticket-close", onclick: () => onClose(ticket) }, t("as.close"))
        : null));
}

function ticketsSection() {
  const section = h("section", { "data-testid": "tickets", "aria-labelledby": "tickets-title" });
  const status = h("div", { role: "status", "data-testid": "ticket-status-line" });
  let list = { tickets: [], open: 0 };
  let filter = filterChoice();

  const draw = () => {
    const shown = ordered(list.tickets).filter((ticket) => filter === "all" || ticket.status === filter);
    const select = h("select", {
      id: "ticket-filter", "data-testid": "ticket-filter",
      onchange: (event) => {
        filter = event.target.value;
        sessionStorage.setItem(FILTER_KEY, filter);
        draw();
        section.querySelector("#ticket-filter")?.focus();
      },
    }, FILTERS.map((f) => h("option", { value: f, selected: f === filter }, t(`as.filter.${f}`))));
    section.replaceChildren(
      h("h2", { id: "tickets-title" }, t("as.tickets")),
      h("p", { class: "muted", "data-testid": "tickets-open", "data-value": list.open }, t("as.openCount", { n: list.open, total: list.tickets.length })),
      h("div", { class: "row" }, h("label", { for: "ticket-filter" }, t("as.filter")), select),
      shown.length
        ? h("ul", { class: "tickets", "data-testid": "ticket-list" }, shown.map((ticket) => ticketItem(ticket, close)))
        : h("p", { class: "muted", "data-testid": "no-tickets" }, t("as.noTickets")),
      status);
  };

  const close = async (ticket) => {
    try {
      await api(`/v1/assistant/tickets/${encodeURIComponent(ticket.id)}/close`, { method: "POST" });
      await load();
      status.replaceChildren(t("as.closedNote", { id: ticket.id }));
      // The button is gone with the ticket's new state: focus goes to the ticket itself.
      section.querySelector(`[data-testid="ticket"][data-id="${CSS.escape(ticket.id)}"] summary`)?.focus();
    } catch (error) {
      status.replaceChildren(errorBox(error));
    }
  };

  const load = async () => {
    list = await api("/v1/assistant/tickets");
    draw();
  };
  return { section, load };
}

/** The entries' table rows, each holding its own inputs: the table is the editor's state. */
function entryRow(entry, n, onDelete) {
  const label = (field) => t("as.field", { field: t(`as.${field}`), n });
  const row = h("tr", { "data-testid": "kb-entry", "data-id": entry.id, "data-language": entry.language });
  row.append(
    h("td", {}, h("input", { class: "kb-id", value: entry.id, "aria-label": label("id"), "data-testid": "kb-id", size: 12 })),
    h("td", {}, h("select", { class: "kb-language", "aria-label": label("language"), "data-testid": "kb-language" },
      ["en", "zh"].map((code) => h("option", { value: code, selected: code === entry.language }, t(`as.lang.${code}`))))),
    h("td", {}, h("textarea", { class: "kb-intents", rows: 2, "aria-label": label("intents"), "data-testid": "kb-intents" }, (entry.intents ?? []).join(", "))),
    h("td", {}, h("textarea", { class: "kb-question", rows: 3, "aria-label": label("question"), "data-testid": "kb-question" }, entry.question)),
    h("td", {}, h("textarea", { class: "kb-answer", rows: 4, "aria-label": label("answer"), "data-testid": "kb-answer" }, entry.answer)),
    h("td", {}, h("button", { type: "button", class: "secondary", "data-testid": "kb-delete", "aria-label": t("as.deleteLabel", { n }), onclick: () => onDelete(row) }, t("as.delete"))));
  return row;
}

/** What the table holds, as the entries `PUT /v1/assistant/knowledge` takes. */
function entriesOf(body) {
  return [...body.querySelectorAll("tr")].map((row) => ({
    id: row.querySelector(".kb-id").value.trim(),
    language: row.querySelector(".kb-language").value,
    intents: row.querySelector(".kb-intents").value.split(/[\s,，、]+/).filter(Boolean),
    question: row.querySelector(".kb-question").value.trim(),
    answer: row.querySelector(".kb-answer").value.trim(),
  }));
}

function knowledgeSection() {
  const section = h("section", { "data-testid": "knowledge", "aria-labelledby": "knowledge-title" });
  const body = h("tbody", {});
  const status = h("div", { role: "status", "data-testid": "kb-status" });
  let added = 0;

  const renumber = () => {
    [...body.querySelectorAll("tr")].forEach((row, i) => {
      const n = i + 1;
      for (const field of ["id", "language", "intents", "question", "answer"]) {
        row.querySelector(`.kb-${field}`).setAttribute("aria-label", t("as.field", { field: t(`as.${field}`), n }));
      }
      row.querySelector('[data-testid="kb-delete"]').setAttribute("aria-label", t("as.deleteLabel", { n }));
    });
  };
  const remove = (row) => {
    const next = row.nextElementSibling ?? row.previousElementSibling;
    row.remove();
    renumber();
    (next?.querySelector('[data-testid="kb-delete"]') ?? section.querySelector('[data-testid="kb-add"]'))?.focus();
  };
  const fill = (entries) => {
    body.replaceChildren(...entries.map((entry, i) => entryRow(entry, i + 1, remove)));
  };
  const add = () => {
    added += 1;
    const row = entryRow({ id: `new-${added}`, language: "en", intents: [], question: "", answer: "" }, body.childElementCount + 1, remove);
    body.append(row);
    row.querySelector(".kb-id").focus();
  };
  const save = async (button) => {
    button.disabled = true;
    for (const marked of body.querySelectorAll("[data-invalid]")) marked.removeAttribute("data-invalid");
    status.replaceChildren(t("as.saving"));
    try {
      const saved = await api("/v1/assistant/knowledge", { method: "PUT", body: entriesOf(body) });
      fill(saved);
      status.replaceChildren(h("p", { "data-testid": "kb-saved" }, t("as.saved", { n: saved.length })));
    } catch (error) {
      status.replaceChildren(h("p", { class: "error", role: "alert", "data-testid": "kb-error" }, `${t("as.notSaved")}: ${error.message}`));
      // The server names the entry by its place in the array ("entry 3 (id `x`): ..."): mark its row.
      const at = /\bentry (\d+)\b/.exec(error.message ?? "");
      body.children[Number(at?.[1])]?.setAttribute("data-invalid", "true");
    } finally {
      button.disabled = false;
    }
  };

  const load = async () => {
    fill(await api("/v1/assistant/knowledge"));
    const headers = ["id", "language", "intents", "question", "answer"].map((field) => h("th", { scope: "col" }, t(`as.${field}`)));
    const saveButton = h("button", { type: "button", "data-testid": "kb-save", onclick: () => save(saveButton) }, t("as.save"));
    section.replaceChildren(
      h("h2", { id: "knowledge-title" }, t("as.knowledge")),
      h("p", { class: "muted" }, t("as.knowledgeNote")),
      h("div", { class: "table-scroll" },
        h("table", { class: "kb-table", "data-testid": "kb-table" },
          h("thead", {}, h("tr", {}, headers, h("th", { scope: "col" }, h("span", { class: "sr-only" }, t("as.actions"))))), body)),
      h("div", { class: "row" },
        h("button", { type: "button", class: "secondary", "data-testid": "kb-add", onclick: add }, t("as.add")), saveButton),
      status);
  };
  return { section, load };
}

export async function render() {
  const tickets = ticketsSection();
  const knowledge = knowledgeSection();
  await Promise.all([tickets.load(), knowledge.load()]);
  return h("div", { class: "page", "data-testid": "assistant" },
    h("h1", {}, t("assistant")),
    h("p", { class: "muted" }, t("as.about")),
    tickets.section, knowledge.section);
}
