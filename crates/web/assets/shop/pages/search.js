// Search results: items whose title, brand or categories hold every word, in the shopper's order.

import { h, errorBox } from "../dom.js";
import { t } from "../i18n.js";
import { api, who } from "../api.js";
import { card, heading } from "../views.js";

const PAGE = 24;
const MAX_OFFSET = 900;

function fetchPage(q, offset) {
  return api(`/shop/api/search?q=${encodeURIComponent(q)}&n=${PAGE}&offset=${offset}&${who()}`);
}

export async function render(route) {
  const q = route.q.trim();
  if (!q) {
    return { title: t("search"), node: h("div", { class: "page" }, heading(t("search")), h("p", {}, t("searchHint"))) };
  }
  const first = await fetchPage(q, 0);
  if (first.total === 0) {
    return {
      title: t("results", { q }),
      node: h("div", { class: "page", "data-testid": "search-results" }, heading(t("results", { q })),
        h("p", { "data-testid": "no-results" }, t("noResults", { q }))),
    };
  }
  const list = h("ul", { class: "grid" }, first.items.map((i) => card(i, "search")));
  let offset = first.items.length;
  const more = h("button", { type: "button", class: "secondary", "data-testid": "more" }, t("more"));
  const status = h("div", { "aria-live": "polite" });
  const update = () => { more.hidden = offset >= first.total || offset > MAX_OFFSET || offset % PAGE !== 0; };
  more.addEventListener("click", async () => {
    more.disabled = true;
    try {
      const next = await fetchPage(q, offset);
      list.append(...next.items.map((i) => card(i, "search")));
      offset += next.items.length;
      if (next.items.length === 0) offset = first.total;
      status.replaceChildren();
    } catch (error) {
      status.replaceChildren(errorBox(error));
    }
    more.disabled = false;
    update();
  });
  update();
  return {
    title: t("results", { q }),
    node: h("div", { class: "page", "data-testid": "search-results" },
      heading(t("results", { q })),
      h("p", { class: "muted" }, t("resultsCount", { n: first.total }), " ",
        first.model !== "trending" ? t("personalOrder", { model: first.model }) : ""),
      list, status, more),
  };
}
