// The demo storefront: a header (search with suggestions, who is browsing, language, cart),
// client-routed pages under /shop and the assistant's chat in a corner. Each page module
// exports `render(route, {navigated})`, resolving to {title, node}; the shell swaps the node in.
// Links are real links: a click on one inside the shop is routed here, and a click on a product
// card records a `click` event.

import { h, errorBox } from "./dom.js";
import { t, language, setLanguage, applyLanguage, htmlLang } from "./i18n.js";
import { api, shopper, setShopper, sessionId, context, record } from "./api.js";
import * as cart from "./cart.js";
import { onNavigate, navigate, current, searchUrl, categoryUrl, itemUrl } from "./router.js";
import { autocomplete, closeSuggestions } from "./suggest.js";
import { assistantWidget, sync as syncAssistant } from "./assistant.js";
import * as home from "./pages/home.js";
import * as category from "./pages/category.js";
import * as item from "./pages/item.js";
import * as search from "./pages/search.js";
import * as cartPage from "./pages/cart.js";

const PAGES = { home, category, item, search, cart: cartPage };

const app = document.getElementById("app");
const header = h("header", { class: "top" });
const main = h("main", { id: "content", tabindex: "-1" });
app.replaceChildren(header, main, assistantWidget());

let shoppers = [];
let categories = [];
let renders = 0;

function shopperSelect() {
  const chosen = shopper();
  const listed = shoppers.some((s) => s.id === chosen);
  const options = [
    h("option", { value: "", selected: chosen === "" }, t("anonymousOption")),
    ...shoppers.map((s) => h("option", { value: s.id, selected: s.id === chosen }, t("shopperOption", { id: s.id, n: s.history }))),
    chosen && !listed ? h("option", { value: chosen, selected: true }, chosen) : null,
  ];
  return h("select", {
    id: "shopper", "data-testid": "shopper-select",
    onchange: (event) => {
      setShopper(event.target.value);
      render({ navigated: false });
    },
  }, options);
}

/** Searches for `query`, recorded as the shopper's search. */
function searchFor(query) {
  record({ kind: "search", query, context: context("search") });
  navigate(searchUrl(query));
}

/** A chosen suggestion: an item's page, or a search for the suggested words. */
function pickSuggestion(input, suggestion) {
  if (suggestion.kind === "item" && suggestion.id) {
    input.value = "";
    navigate(itemUrl(suggestion.id));
  } else {
    input.value = suggestion.text;
    searchFor(suggestion.text);
  }
}

function drawHeader() {
  const focused = document.activeElement?.closest?.("header")
    ? document.activeElement.getAttribute("data-testid") : null;
  const user = shopper();
  const other = language() === "zh" ? "en" : "zh";
  const route = current();
  const typing = document.activeElement?.id === "q" ? document.activeElement.value : null;
  const query = typing ?? (route.name === "search" ? route.q : "");
  const input = h("input", {
    id: "q", type: "search", name: "q", value: query, placeholder: t("searchPlaceholder"),
    "data-testid": "search-input", autocomplete: "off", enterkeyhint: "search",
  });
  const suggestions = autocomplete(input, (suggestion) => pickSuggestion(input, suggestion));
  header.replaceChildren(
    h("div", { class: "bar" },
      h("a", { class: "brand", href: "/shop", "data-testid": "home-link" }, t("title")),
      h("form", {
        class: "search", role: "search", "data-testid": "search-form",
        onsubmit: (event) => {
          event.preventDefault();
          closeSuggestions();
          const q = input.value.trim();
          if (q) searchFor(q);
        },
      },
      h("label", { for: "q", class: "sr-only" }, t("searchLabel")), h("div", { class: "combo" }, input, suggestions),
      h("button", { type: "submit", "data-testid": "search-button" }, t("search"))),
      h("div", { class: "tools" },
        h("label", { for: "shopper" }, t("shopperLabel")), shopperSelect(),
        h("button", {
          type: "button", class: "secondary", lang: htmlLang(other), "data-testid": "lang-switch",
          onclick: () => { setLanguage(other); render({ navigated: false }); },
        }, other === "zh" ? "中文" : "English"),
        h("a", { class: "cart-link", href: "/shop/cart", "data-testid": "cart-link" },
          t("cartCount", { n: cart.count() })))),
    h("p", { class: "browsing", "data-testid": "browsing-as" },
      user ? t("browsingUser", { id: user }) : t("browsingAnonymous", { id: sessionId() })),
    categories.length
      ? h("nav", { class: "departments", "aria-label": t("categories"), "data-testid": "category-nav" },
        h("ul", {}, categories.map((c) => h("li", {}, h("a", { href: categoryUrl(c.path) }, c.name)))))
      : null);
  if (focused) header.querySelector(`[data-testid="${focused}"]`)?.focus();
  if (typing !== null) input.focus();
}

/**
 * Draws the current route; `navigated` is false when only the language or shopper changed, and
 * `focus` a selector of what to focus on the new page instead of its heading.
 */
async function render({ navigated = true, moveFocus = navigated, focus } = {}) {
  applyLanguage();
  document.querySelector(".skip")?.replaceChildren(t("skip"));
  drawHeader();
  syncAssistant();
  const route = current();
  shownPath = location.pathname + location.search;
  const ticket = ++renders;
  // The previous page goes at once, so nothing stale is shown (or clicked) meanwhile.
  main.replaceChildren(h("p", { class: "muted", role: "status" }, t("loading")));
  try {
    const page = PAGES[route.name];
    const shown = page
      ? await page.render(route, { navigated })
      : { title: t("notFound"), node: h("div", { class: "page" }, h("h1", { tabindex: "-1" }, t("notFound")), h("p", {}, h("a", { href: "/shop" }, t("backHome")))) };
    if (ticket !== renders) return;
    document.title = shown.title === t("title") ? t("title") : `${shown.title} · ${t("title")}`;
    main.replaceChildren(shown.node);
    if (moveFocus) (focus && main.querySelector(focus) || main.querySelector("h1"))?.focus();
  } catch (error) {
    if (ticket !== renders) return;
    document.title = t("title");
    main.replaceChildren(h("div", { class: "page" }, errorBox(error, () => render({ navigated }))));
  }
}

// Links inside the shop are routed here; a product card's link also records the click.
document.addEventListener("click", (event) => {
  const link = event.target.closest?.("a[href]");
  if (!link) return;
  const recommendedOn = link.dataset.recPage;
  if (recommendedOn && link.dataset.itemId) {
    record({ kind: "click", item_id: link.dataset.itemId, context: context(recommendedOn, recommendedOn) });
  }
  if (event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
  if (link.target || link.hasAttribute("download") || link.getAttribute("href").startsWith("#")) return;
  const url = new URL(link.href);
  if (url.origin !== location.origin || !/^\/shop(\/|$)/.test(url.pathname) || url.pathname.startsWith("/shop/api")) return;
  event.preventDefault();
  navigate(url.pathname + url.search, recommendedOn ? { rec: recommendedOn } : {});
});

let shownPath = location.pathname + location.search;
window.addEventListener("popstate", () => {
  const path = location.pathname + location.search;
  if (path === shownPath) return; // only the fragment changed (the skip link)
  render({ navigated: true });
});
onNavigate(render);
cart.onChange(drawHeader);
window.addEventListener("storage", drawHeader); // another tab changed the cart or shopper

render({ navigated: true, moveFocus: false });
Promise.allSettled([api("/shop/api/shoppers"), api("/shop/api/categories")]).then(([found, tree]) => {
  if (found.status === "fulfilled") shoppers = found.value.shoppers;
  if (tree.status === "fulfilled") categories = tree.value.categories;
  drawHeader();
});
