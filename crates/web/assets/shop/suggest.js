// Autocomplete under the header's search box, in the ARIA combobox pattern: the box is a
// combobox whose listbox holds the server's suggestions for what is typed (asked after a short
// pause, the stale request aborted). Arrows move, Enter or a click picks, Escape closes. The
// header is redrawn now and then (the cart, the categories loading), so what the list shows is
// kept here and drawn again under the new box.

import { h } from "./dom.js";
import { t } from "./i18n.js";
import { api } from "./api.js";

const PAUSE_MS = 150;
const LIST = "q-suggestions";

let box = null; // {input, list, status, pick}: the search box on the page
let shown = { typed: "", items: [], active: -1, open: false };
let timer = 0;
let request = null;

function cancel() {
  clearTimeout(timer);
  request?.abort();
  request = null;
}

function option(suggestion, i) {
  return h("li", {
    id: `${LIST}-${i}`, role: "option", class: "suggestion", "aria-selected": String(i === shown.active),
    "data-kind": suggestion.kind, "data-id": suggestion.id, onclick: () => choose(i),
  }, h("span", {}, suggestion.text), " ", h("span", { class: "suggestion-kind" }, t(`kind.${suggestion.kind}`)));
}

function draw() {
  if (!box) return;
  const { input, list } = box;
  const open = shown.open && shown.items.length > 0 && shown.typed === input.value.trim();
  input.setAttribute("aria-expanded", String(open));
  list.hidden = !open;
  list.replaceChildren(...(open ? shown.items.map(option) : []));
  const active = open && shown.active >= 0 ? list.children[shown.active] : null;
  if (active) {
    input.setAttribute("aria-activedescendant", active.id);
    active.scrollIntoView({ block: "nearest" });
  } else {
    input.removeAttribute("aria-activedescendant");
  }
}

/** Closes the list and forgets any request on the way. */
export function closeSuggestions() {
  cancel();
  shown = { ...shown, open: false, active: -1 };
  if (box) box.status.textContent = "";
  draw();
}

function choose(i) {
  const suggestion = shown.items[i];
  closeSuggestions();
  if (suggestion) box?.pick(suggestion);
}

/** Asks for suggestions once the shopper pauses. */
function later() {
  cancel();
  const typed = box.input.value.trim();
  if (!typed || [...typed].length > 100) {
    closeSuggestions();
    return;
  }
  timer = setTimeout(async () => {
    const controller = new AbortController();
    request = controller;
    try {
      const found = await api(`/shop/api/suggest?${new URLSearchParams({ q: typed, n: 8 })}`, { signal: controller.signal });
      if (request !== controller || box.input.value.trim() !== typed || document.activeElement !== box.input) return;
      shown = { typed, items: found.suggestions, active: -1, open: true };
      box.status.textContent = found.suggestions.length ? t("suggestionsCount", { n: found.suggestions.length }) : "";
      draw();
    } catch (error) {
      if (error.name !== "AbortError") console.warn("no suggestions:", error.message);
    } finally {
      if (request === controller) request = null;
    }
  }, PAUSE_MS);
}

function keydown(event) {
  if (event.isComposing) return; // the keys of an input method (pinyin) still composing are its own
  const count = shown.items.length;
  const open = box.input.getAttribute("aria-expanded") === "true";
  if (event.key === "ArrowDown" || event.key === "ArrowUp") {
    if (!open && (count === 0 || shown.typed !== box.input.value.trim())) return;
    event.preventDefault();
    const down = event.key === "ArrowDown";
    const at = open ? shown.active : -1;
    shown = { ...shown, open: true, active: down ? (at + 1) % count : (at <= 0 ? count - 1 : at - 1) };
    draw();
  } else if (event.key === "Enter" && open && shown.active >= 0) {
    event.preventDefault();
    choose(shown.active);
  } else if (event.key === "Escape" && open) {
    event.preventDefault();
    closeSuggestions();
  }
}

/**
 * Makes `input` (id "q") a combobox; `pick(suggestion)` runs when a suggestion is chosen. The
 * nodes to put right after the input, inside an element positioned around both.
 */
export function autocomplete(input, pick) {
  const list = h("ul", {
    id: LIST, role: "listbox", class: "suggestions", "aria-label": t("suggestions"), "data-testid": "suggestions",
    onmousedown: (event) => event.preventDefault(), // a click keeps focus in the box
  });
  const status = h("span", { class: "sr-only", role: "status" });
  box = { input, list, status, pick };
  input.setAttribute("role", "combobox");
  input.setAttribute("aria-autocomplete", "list");
  input.setAttribute("aria-controls", LIST);
  input.addEventListener("input", (event) => { if (!event.isComposing) later(); });
  input.addEventListener("compositionend", later);
  input.addEventListener("keydown", keydown);
  input.addEventListener("blur", () => { if (box?.input === input) closeSuggestions(); });
  draw();
  return [list, status];
}
