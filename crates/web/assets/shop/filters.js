// The search page's filters. The URL holds them as the search API takes them (category=A|B,
// brand=X, min_price, max_price, attributes=colour:red;size:42); here they are a list of chosen
// {facet, value}s (a price is "low-high", either end may be empty). The facet sidebar's values
// are links that add one, the chips links that take one away, and the "understood" chips say
// what the server took from the query's words.

import { h, money } from "./dom.js";
import { t, has } from "./i18n.js";
import { searchUrl } from "./router.js";

export const SORTS = ["relevance", "price_asc", "price_desc", "newest", "popular"];

/** Values shown per facet, the most frequent first. */
const SHOWN_VALUES = 10;
const FIRST_FACETS = ["category", "brand", "price", "colour"];
const NUMBER = /^\d+(\.\d+)?$/;

const split = (text, separator) => (text ?? "").split(separator).map((s) => s.trim()).filter(Boolean);

/** The chosen values of a search route's filters. */
export function chosen(filters) {
  const list = [];
  for (const facet of ["category", "brand"]) {
    for (const value of split(filters[facet], "|")) list.push({ facet, value });
  }
  for (const pair of split(filters.attributes, ";")) {
    const at = pair.indexOf(":");
    const facet = pair.slice(0, at).trim();
    if (at > 0) for (const value of split(pair.slice(at + 1), "|")) list.push({ facet, value });
  }
  const [min, max] = [filters.min_price, filters.max_price].map((p) => (NUMBER.test(p ?? "") ? p : ""));
  if (min || max) list.push({ facet: "price", value: `${min}-${max}` });
  return list;
}

/** The URL (and API) filters of chosen values and a sort. */
export function filtersOf(list, sort) {
  const values = (facet) => list.filter((c) => c.facet === facet).map((c) => c.value);
  const attributes = new Map();
  for (const { facet, value } of list) {
    if (!["category", "brand", "price"].includes(facet)) attributes.set(facet, [...(attributes.get(facet) ?? []), value]);
  }
  const [min, max] = (values("price")[0] ?? "-").split("-");
  return {
    category: values("category").join("|"),
    brand: values("brand").join("|"),
    min_price: min,
    max_price: max,
    attributes: [...attributes].map(([key, chosenValues]) => `${key}:${chosenValues.join("|")}`).join(";"),
    sort: sort !== "relevance" && SORTS.includes(sort) ? sort : "",
  };
}

// Values of one facet are alternatives (any may match), so a category or price range replaces
// the one chosen before: within "Shoes", choosing "Running Shoes" narrows to it.
const ONE_OF = ["category", "price"];

/** `list` with `value` of `facet` added. */
function adding(list, facet, value) {
  return [...list.filter((c) => c.facet !== facet || !ONE_OF.includes(facet)), { facet, value }];
}

function facetName(facet) {
  return has(`facet.${facet}`) ? t(`facet.${facet}`) : facet;
}

/** A value as shown: a price range "100-200" in the shop's currency, anything else as it is. */
function valueText(facet, value, currency) {
  if (facet !== "price") return value;
  const [min, max] = value.split("-").map((p) => (p === "" ? null : money(Number(p), currency, { whole: true })));
  if (min !== null && max !== null) return t("priceBetween", { min, max });
  return max !== null ? t("priceAtMost", { price: max }) : t("priceAtLeast", { price: min });
}

/** Whether a facet's value can go in the URL's lists (no separator in it). */
function usable(facet, value) {
  return value !== "" && !/[|;]/.test(value) && !/[|;:]/.test(facet) && (facet !== "price" || /^[\d.]+-[\d.]+$/.test(value));
}

function facetOrder(a, b) {
  const rank = (f) => (FIRST_FACETS.includes(f) ? FIRST_FACETS.indexOf(f) : FIRST_FACETS.length);
  return rank(a) - rank(b) || a.localeCompare(b);
}

/**
 * The facet sidebar: for each facet its values with their counts, each a link to the search
 * narrowed by it. Collapsed above the results on a phone, open beside them on a wider screen.
 */
export function facetPanel(q, facets, list, sort, currency) {
  const groups = Object.keys(facets).sort(facetOrder).map((facet, i) => {
    const values = Object.entries(facets[facet])
      .filter(([value]) => usable(facet, value) && !list.some((c) => c.facet === facet && c.value === value))
      .sort(facet === "price"
        ? ([a], [b]) => parseFloat(a) - parseFloat(b)
        : ([a, m], [b, n]) => n - m || a.localeCompare(b))
      .slice(0, SHOWN_VALUES);
    if (values.length === 0) return null;
    const id = `facet-${i}`;
    return h("section", { class: "facet", "aria-labelledby": id, "data-facet": facet },
      h("h2", { id }, facetName(facet)),
      h("ul", {}, values.map(([value, n]) => h("li", {},
        h("a", { href: searchUrl(q, filtersOf(adding(list, facet, value), sort)), "data-testid": "facet-value" },
          valueText(facet, value, currency), " ", h("span", { class: "count" }, `(${n})`))))));
  }).filter(Boolean);
  if (groups.length === 0) return null;
  const wide = !window.matchMedia("(max-width: 700px)").matches;
  return h("details", { class: "facets", open: wide, "data-testid": "facets" }, h("summary", {}, t("filters")), groups);
}

/** A labelled row of chips. */
function chipRow(id, label, testid, chips) {
  return h("div", { class: "chip-row", "data-testid": testid },
    h("span", { id, class: "chip-label" }, label),
    h("ul", { "aria-labelledby": id }, chips.map((chip) => h("li", {}, chip))));
}

/** The chosen filters, each a chip that links to the search without it; "clear all" for two or more. */
export function filterChips(q, list, sort, currency) {
  if (list.length === 0) return null;
  const chips = list.map((c) => {
    const name = t("facetValue", { facet: facetName(c.facet), value: valueText(c.facet, c.value, currency) });
    return h("a", {
      class: "chip", href: searchUrl(q, filtersOf(list.filter((other) => other !== c), sort)),
      "aria-label": t("removeFilter", { name }), "data-testid": "filter-chip",
    }, name, h("span", { "aria-hidden": "true" }, " ×"));
  });
  if (list.length > 1) chips.push(h("a", { href: searchUrl(q, filtersOf([], sort)), "data-testid": "clear-filters" }, t("clearFilters")));
  return chipRow("active-filters", t("activeFilters"), "active-filters", chips);
}

/** What the server took from the query (its words, a price, colours and sizes, categories). */
export function understoodChips(q, understood, currency) {
  if (!understood) return null;
  const texts = [];
  const words = (understood.text ?? "").trim();
  const plain = (text) => text.toLowerCase().replace(/\s+/g, " ").trim();
  if (words && plain(words) !== plain(q)) texts.push(t("understoodWords", { text: words }));
  const { min_price: min, max_price: max } = understood;
  if (min != null || max != null) texts.push(valueText("price", `${min ?? ""}-${max ?? ""}`, currency));
  for (const [key, values] of Object.entries(understood.attributes ?? {})) {
    for (const value of values) texts.push(t("facetValue", { facet: facetName(key), value }));
  }
  for (const name of understood.categories ?? []) texts.push(t("facetValue", { facet: facetName("category"), value: name }));
  if (texts.length === 0) return null;
  return chipRow("understood", t("understood"), "understood",
    texts.map((text) => h("span", { class: "chip", "data-testid": "understood-chip" }, text)));
}
