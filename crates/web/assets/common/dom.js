// The element helper the dashboard and the storefront share; each keeps its own helpers in its
// own dom.js, which re-exports this one.

/**
 * An element: h("a", {href: "/shop"}, "text", child...). Text is always set as text, never HTML.
 * Attributes that are undefined, null or false are left out (`true` sets an empty one); `on...`
 * attributes add listeners. Children may be nested arrays; undefined, null and false are skipped.
 */
export function h(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attributes)) {
    if (value === undefined || value === null || value === false) continue;
    if (key.startsWith("on")) node.addEventListener(key.slice(2), value);
    else node.setAttribute(key, value === true ? "" : String(value));
  }
  for (const child of children.flat(Infinity)) {
    if (child === undefined || child === null || child === false) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}
