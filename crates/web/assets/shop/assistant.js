// The shopping assistant's chat widget: a button in the corner opening a non-modal dialog with
// the conversation (a live log), a message box, product cards for what the assistant shows and
// Yes / No buttons when it asks for a confirmation. Replies stream in as the server sends them.
// A conversation lasts one page load and one "browse as" shopper: choosing another shopper
// starts a new one (the server refuses a conversation to anyone but the shopper who began it).
// Replies, product titles and the shopper's own words go in as text, never as HTML.

import { h, money, picture } from "./dom.js";
import { t, htmlLang } from "./i18n.js";
import { randomId, shopper } from "./api.js";
import { itemUrl } from "./router.js";
import { stars } from "../common/stars.js";
import { chat } from "./assistant-api.js";

/** The server reads at most this many characters of a message. */
const MAX_MESSAGE = 2000;
/** What a Yes / No button sends, in the language the assistant last answered in. */
const ANSWERS = { en: { yes: "yes", no: "no" }, zh: { yes: "是", no: "不" } };

let conversation = null; // {id, shopper}
let busy = false;
let lastLanguage = "en";

const title = h("h2", { id: "chat-title", class: "chat-title" });
const intro = h("p", { id: "chat-intro", class: "chat-intro" });
const closeButton = h("button", { type: "button", class: "chat-close secondary", "data-testid": "chat-close", onclick: () => close() }, "×");
const log = h("div", { class: "chat-log", role: "log", "aria-live": "polite", tabindex: "0", "data-testid": "chat-log" });
const input = h("input", {
  id: "chat-input", type: "text", autocomplete: "off", maxlength: MAX_MESSAGE, enterkeyhint: "send", "data-testid": "chat-input",
});
const inputLabel = h("label", { for: "chat-input", class: "sr-only" });
const sendButton = h("button", { type: "submit", "data-testid": "chat-send" });
const form = h("form", {
  class: "chat-form", "data-testid": "chat-form",
  onsubmit: (event) => {
    event.preventDefault();
    if (send(input.value)) input.value = "";
    input.focus(); // the send button is disabled until the reply is in: focus must not go with it
  },
}, inputLabel, input, sendButton);
const panel = h("div", {
  id: "chat-panel", class: "chat-panel", role: "dialog", "aria-labelledby": "chat-title", "aria-describedby": "chat-intro",
  hidden: true, "data-testid": "chat-panel",
  onkeydown: (event) => {
    if (event.key === "Escape" && !event.isComposing) {
      event.preventDefault();
      close();
    }
  },
}, h("div", { class: "chat-head" }, title, closeButton), intro, log, form);
const launcher = h("button", {
  type: "button", class: "chat-launcher", "aria-haspopup": "dialog", "aria-controls": "chat-panel", "aria-expanded": "false",
  "data-testid": "chat-open", onclick: () => (panel.hidden ? open() : close()),
});
const widget = h("aside", { class: "chat", "data-testid": "assistant" }, panel, launcher);

/** The widget's nodes, to put once on the page; `sync()` keeps them current. */
export function assistantWidget() {
  sync();
  return widget;
}

/** Words in the page's language, and a new conversation when the shopper changed. */
export function sync() {
  widget.setAttribute("aria-label", t("assistant"));
  title.textContent = t("assistant");
  intro.textContent = t("assistantIntro");
  closeButton.setAttribute("aria-label", t("assistantClose"));
  log.setAttribute("aria-label", t("assistantLog"));
  inputLabel.textContent = t("assistantMessage");
  input.placeholder = t("assistantPlaceholder");
  sendButton.textContent = t("send");
  launcher.textContent = t("assistantOpen");
  if (conversation && conversation.shopper !== shopper()) startConversation();
}

export function open() {
  panel.hidden = false;
  launcher.setAttribute("aria-expanded", "true");
  input.focus();
  scrollDown();
}

export function close() {
  panel.hidden = true;
  launcher.setAttribute("aria-expanded", "false");
  launcher.focus();
}

/** A new conversation id for the current shopper; what was said before is cleared. */
function startConversation() {
  const said = conversation !== null && log.childElementCount > 0;
  conversation = { id: randomId("c"), shopper: shopper() };
  log.replaceChildren();
  if (said) {
    const who = conversation.shopper ? t("browsingUser", { id: conversation.shopper }) : t("assistantAsGuest");
    log.append(h("p", { class: "chat-note", "data-testid": "chat-new" }, t("assistantNew"), " ", who));
  }
}

function scrollDown() {
  log.scrollTop = log.scrollHeight;
}

function message(who, text) {
  const body = h("span", { class: "chat-text" }, text);
  const node = h("div", { class: `chat-msg chat-${who}`, "data-testid": who === "shopper" ? "chat-message" : "chat-reply" },
    h("span", { class: "sr-only" }, `${t(who === "shopper" ? "assistantYou" : "assistant")}: `), body);
  return { node, body };
}

function ratingOf(item) {
  if (!Array.isArray(item.rating) || typeof item.rating[0] !== "number") return null;
  const [average, count] = item.rating;
  return h("span", { class: "chat-item-rating" },
    stars(average, t("starsLabel", { rating: average.toFixed(1) }), { size: 12 }), ` (${count})`);
}

/** A product the assistant showed: a link to its page, its brand, price and rating. */
function itemCard(item) {
  return h("li", { class: "chat-item", "data-testid": "chat-item", "data-item-id": item.item_id },
    h("a", { class: "chat-item-link", href: itemUrl(item.item_id) },
      picture({ id: item.item_id, title: item.title, brand: item.brand, categories: item.categories }),
      h("span", { class: "chat-item-title" }, item.title)),
    item.brand ? h("span", { class: "chat-item-brand" }, item.brand) : null,
    h("span", { class: "chat-item-price" }, money(item.price, item.currency)),
    ratingOf(item));
}

function quickReplies() {
  const answers = ANSWERS[lastLanguage] ?? ANSWERS.en;
  const reply = (word, label, testid) => h("button", {
    type: "button", class: "secondary", "data-testid": testid,
    onclick: () => { if (send(word)) input.focus(); },
  }, label);
  return h("div", { class: "chat-quick", role: "group", "aria-label": t("assistantQuick"), "data-testid": "chat-quick" },
    reply(answers.yes, t("yes"), "chat-yes"), reply(answers.no, t("no"), "chat-no"));
}

function finish(reply, turn) {
  lastLanguage = turn.language === "zh" ? "zh" : "en";
  reply.body.textContent = turn.reply;
  reply.node.lang = htmlLang(lastLanguage);
  reply.node.dataset.intent = turn.intent ?? "";
  reply.node.dataset.awaiting = turn.awaiting ?? "";
  const items = Array.isArray(turn.items) ? turn.items : [];
  if (items.length) {
    reply.node.after(h("ul", { class: "chat-items", "aria-label": t("assistantItems"), "data-testid": "chat-items" }, items.map(itemCard)));
  }
  if (turn.awaiting === "confirmation") log.append(quickReplies());
}

/**
 * Sends `text` as the shopper and shows the reply as it streams. False when nothing was sent
 * (empty, or a reply still on its way).
 */
export function send(text) {
  const words = text.trim();
  if (!words || busy) return false;
  if (!conversation || conversation.shopper !== shopper()) startConversation();
  busy = true;
  sendButton.disabled = true;
  for (const used of log.querySelectorAll(".chat-quick")) used.remove();
  log.append(message("shopper", words).node);
  const reply = message("assistant", t("assistantThinking"));
  reply.node.dataset.state = "streaming";
  reply.node.setAttribute("aria-busy", "true");
  log.append(reply.node);
  scrollDown();
  let streamed = "";
  const onText = (piece) => {
    streamed += piece;
    reply.body.textContent = streamed;
    scrollDown();
  };
  const ask = () => chat({ conversationId: conversation.id, userId: conversation.shopper, message: words }, onText);
  ask()
    .catch((error) => {
      // The id is already another shopper's (another tab chose them): start afresh, once.
      if (error.status !== 409 || streamed) throw error;
      conversation = { id: randomId("c"), shopper: conversation.shopper };
      return ask();
    })
    .then((turn) => {
      finish(reply, turn);
      reply.node.dataset.state = "done";
    }, (error) => {
      reply.body.textContent = `${t("assistantFailed")}: ${error?.message ?? String(error)}`;
      reply.node.classList.add("chat-error");
      reply.node.dataset.state = "error";
    })
    .finally(() => {
      reply.node.setAttribute("aria-busy", "false");
      busy = false;
      sendButton.disabled = false;
      scrollDown();
    });
  return true;
}
