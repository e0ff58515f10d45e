// Search results: the catalog search's matches for the words (Chinese or English), their matched
// words marked in the titles, with what the query was understood to ask, the facets that narrow
// it, the chosen filters as chips and a sort. Filters and sort are in the URL, so back and
// forward step through them.

import { h } from "../dom.js";
import { t } from "../i18n.js";
import { navigate, searchUrl } from "../router.js";
import { heading } from "../views.js";
import { fetchPage, pagedList } from "../listing.js";
import { SORTS, chosen, filtersOf, facetPanel, filterChips, understoodChips } from "../filters.js";

function sortSelect(q, list, sort) {
  return h("div", { class: "sort" },
    h("label", { for: "sort" }, t("sortLabel")),
    h("select", {
      id: "sort", "data-testid": "sort",
      onchange: (event) => navigate(searchUrl(q, filtersOf(list, event.target.value)), {}, { focus: "#sort" }),
    }, SORTS.map((s) => h("option", { value: s, selected: s === sort }, t(`sort.${s}`)))));
}

export async function render(route) {
  const q = route.q.trim();
  const list = chosen(route.filters);
  const sort = SORTS.includes(route.filters.sort) ? route.filters.sort : "relevance";
  if (!q && list.length === 0) {
    return { title: t("search"), node: h("div", { class: "page" }, heading(t("search")), h("p", {}, t("searchHint"))) };
  }
  const params = new URLSearchParams({ q });
  for (const [key, value] of Object.entries(filtersOf(list, sort))) if (value) params.set(key, value);
  const base = `/shop/api/search?${params}`;
  const first = await fetchPage(base, 0);
  const currency = first.items.find((i) => i.currency)?.currency;
  const title = q ? t("results", { q }) : t("search");
  const found = first.total > 0;
  const facets = found ? facetPanel(q, first.facets ?? {}, list, sort, currency) : null;
  return {
    title,
    node: h("div", { class: "page", "data-testid": "search-results" },
      heading(title),
      found
        ? h("p", { class: "muted", "data-testid": "search-total", "data-total": first.total },
          t("resultsCount", { n: first.total }), first.personalized ? ` ${t("searchPersonal")}` : "")
        : h("p", { "data-testid": "no-results" }, t("noResults", { q })),
      understoodChips(q, first.understood, currency),
      filterChips(q, list, sort, currency),
      found
        ? h("div", { class: facets ? "search-layout" : null }, facets,
          h("div", { class: "results" }, sortSelect(q, list, sort), pagedList(first, base, "search", { "data-testid": "search-items" })))
        : null),
  };
}
