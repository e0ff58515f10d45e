// Client-side routes under /shop, with history.pushState so every page has a link:
// /shop, /shop/category/<name>/<name>..., /shop/item/<id>, /shop/search?q=..., /shop/cart.

let onChange = () => {};

/** Sets what runs when the page changes; `navigated` is false for a re-render in place. */
export function onNavigate(render) {
  onChange = render;
}

/** Goes to a storefront URL; `state.rec` names the page whose recommendation led there. */
export function navigate(url, state = {}) {
  history.pushState(state, "", url);
  onChange({ navigated: true });
}

export function itemUrl(id) {
  return `/shop/item/${encodeURIComponent(id)}`;
}

/** A category page's URL from its path, `A > B` or ["A", "B"]. */
export function categoryUrl(path) {
  const names = Array.isArray(path) ? path : path.split(" > ");
  return `/shop/category/${names.map(encodeURIComponent).join("/")}`;
}

export function searchUrl(query) {
  return `/shop/search?q=${encodeURIComponent(query)}`;
}

/** The route of the current location: {name, ...params}. */
export function current() {
  const parts = location.pathname.replace(/\/+$/, "").split("/").slice(2);
  try {
    const [first, ...rest] = parts.map(decodeURIComponent);
    if (first === undefined || first === "") return { name: "home" };
    if (first === "item" && rest.length === 1) return { name: "item", id: rest[0] };
    if (first === "category" && rest.length > 0) return { name: "category", path: rest };
    if (first === "search" && rest.length === 0) return { name: "search", q: new URLSearchParams(location.search).get("q") ?? "" };
    if (first === "cart" && rest.length === 0) return { name: "cart" };
  } catch { /* a malformed escape: not a page */ }
  return { name: "missing" };
}
