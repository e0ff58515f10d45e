// Small DOM helpers: elements built with text (never HTML strings), prices, placeholders, and
// search highlights as text and <mark> elements.

import { h } from "../common/dom.js";
import { t, language } from "./i18n.js";

export { h };

/** A price in its currency, in the page's language; `whole`: no cents when there are none. */
export function money(amount, currency, { whole = false } = {}) {
  if (typeof amount !== "number") return t("noPrice");
  const locale = language() === "zh" ? "zh-CN" : "en";
  const digits = whole && Number.isInteger(amount) ? { minimumFractionDigits: 0, maximumFractionDigits: 0 } : {};
  try {
    if (currency) return new Intl.NumberFormat(locale, { style: "currency", currency, ...digits }).format(amount);
  } catch { /* an unknown currency code: plain number below */ }
  return new Intl.NumberFormat(locale, { minimumFractionDigits: 2, maximumFractionDigits: 2, ...digits }).format(amount);
}

const ENTITIES = { amp: "&", lt: "<", gt: ">", quot: "\"", apos: "'" };

/** HTML-escaped text as plain text (`&amp;` becomes `&`), for a text node. */
function unescapeHtml(text) {
  return text.replace(/&(?:#(\d+)|#x([0-9a-f]+)|(amp|lt|gt|quot|apos));/gi, (whole, dec, hex, name) => {
    const code = dec ? Number(dec) : hex ? parseInt(hex, 16) : null;
    if (code === null) return ENTITIES[name.toLowerCase()];
    return code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : whole;
  });
}

/**
 * A highlight from the server ("Stride <mark>Running</mark> Shoes", the rest HTML-escaped) as
 * text nodes and <mark> elements: only the literal tags are read, nothing is parsed as HTML.
 */
export function marked(highlight) {
  const [before, ...parts] = highlight.split("<mark>");
  const nodes = [unescapeHtml(before.replaceAll("</mark>", ""))];
  for (const part of parts) {
    const [inside, ...after] = part.split("</mark>");
    nodes.push(h("mark", {}, unescapeHtml(inside)), unescapeHtml(after.join("")));
  }
  return nodes.filter((node) => node !== "");
}

function hue(text) {
  let hash = 0;
  for (const c of text) hash = (hash * 31 + c.codePointAt(0)) % 360;
  return hash;
}

/**
 * A product picture drawn from its text (the demo catalog has no images the server serves):
 * an SVG data URL, so the page makes no request. `alt` is empty where the title is next to it.
 */
export function picture(item, alt = "") {
  const colour = hue((item.categories ?? []).join("/") || item.id);
  const mark = [...(item.brand || item.title || "?").trim()][0] ?? "?";
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 120 90">`
    + `<rect width="120" height="90" fill="hsl(${colour},45%,88%)"/>`
    + `<circle cx="60" cy="45" r="28" fill="hsl(${colour},40%,76%)"/>`
    + `<text x="60" y="56" font-size="30" text-anchor="middle" font-family="sans-serif" fill="hsl(${colour},50%,22%)">${escapeXml(mark)}</text></svg>`;
  return h("img", { class: "picture", src: `data:image/svg+xml,${encodeURIComponent(svg)}`, alt, width: 120, height: 90 });
}

function escapeXml(text) {
  return text.replace(/[<>&"']/g, (c) => `&#${c.codePointAt(0)};`);
}

export function errorBox(error, retry) {
  return h("div", { class: "error-box", role: "alert" },
    h("p", {}, h("strong", {}, t("error")), ": ", error?.message ?? String(error)),
    retry ? h("button", { type: "button", onclick: retry }, t("retry")) : null);
}
