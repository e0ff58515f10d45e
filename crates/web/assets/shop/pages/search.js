// Search results: items whose title, brand or categories hold every word, in the shopper's order.

import { h } from "../dom.js";
import { t } from "../i18n.js";
import { heading } from "../views.js";
import { fetchPage, orderLine, pagedList } from "../listing.js";

export async function render(route) {
  const q = route.q.trim();
  if (!q) {
    return { title: t("search"), node: h("div", { class: "page" }, heading(t("search")), h("p", {}, t("searchHint"))) };
  }
  const base = `/shop/api/search?q=${encodeURIComponent(q)}`;
  const first = await fetchPage(base, 0);
  if (first.total === 0) {
    return {
      title: t("results", { q }),
      node: h("div", { class: "page", "data-testid": "search-results" }, heading(t("results", { q })),
        h("p", { "data-testid": "no-results" }, t("noResults", { q }))),
    };
  }
  return {
    title: t("results", { q }),
    node: h("div", { class: "page", "data-testid": "search-results" },
      heading(t("results", { q })),
      orderLine(t("resultsCount", { n: first.total }), first.model),
      pagedList(first, base, "search")),
  };
}
