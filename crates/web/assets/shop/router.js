// Client-side routes under /shop, with history.pushState so every page has a link:
// /shop, /shop/category/<name>/<name>..., /shop/item/<id>, /shop/search?q=...&<filters>, /shop/cart.

let onChange = () => {};

/**
 * Sets what runs when the page changes; `navigated` is false for a re-render in place, and
 * `focus` (a selector) names what gets focus once the new page is shown, instead of its heading.
 */
export function onNavigate(render) {
  onChange = render;
}

/**
 * Goes to a storefront URL; `state.rec` names the page whose recommendation led there, and
 * `focus` what to focus on the new page (see onNavigate).
 */
export function navigate(url, state = {}, { focus } = {}) {
  history.pushState(state, "", url);
  onChange({ navigated: true, focus });
}

export function itemUrl(id) {
  return `/shop/item/${encodeURIComponent(id)}`;
}

/** A category page's URL from its path, `A > B` or ["A", "B"]. */
export function categoryUrl(path) {
  const names = Array.isArray(path) ? path : path.split(" > ");
  return `/shop/category/${names.map(encodeURIComponent).join("/")}`;
}

/** What narrows a search, in the URL as the search API takes them (`category=A|B`, ...). */
export const SEARCH_FILTERS = ["category", "brand", "min_price", "max_price", "attributes", "sort"];

/** A search page's URL: the query and `filters` ({category: "A|B", sort: "newest", ...}). */
export function searchUrl(query, filters = {}) {
  const params = new URLSearchParams({ q: query });
  for (const key of SEARCH_FILTERS) if (filters[key]) params.set(key, filters[key]);
  return `/shop/search?${params}`;
}

function searchRoute() {
  const params = new URLSearchParams(location.search);
  const filters = {};
  for (const key of SEARCH_FILTERS) if (params.get(key)) filters[key] = params.get(key);
  return { name: "search", q: params.get("q") ?? "", filters };
}

/** The route of the current location: {name, ...params}. */
export function current() {
  const parts = location.pathname.replace(/\/+$/, "").split("/").slice(2);
  try {
    const [first, ...rest] = parts.map(decodeURIComponent);
    if (first === undefined || first === "") return { name: "home" };
    if (first === "item" && rest.length === 1) return { name: "item", id: rest[0] };
    if (first === "category" && rest.length > 0) return { name: "category", path: rest };
    if (first === "search" && rest.length === 0) return searchRoute();
    if (first === "cart" && rest.length === 0) return { name: "cart" };
  } catch { /* a malformed escape: not a page */ }
  return { name: "missing" };
}
