// Small DOM helpers: elements built with text (never HTML strings), prices, placeholders.

import { h } from "../common/dom.js";
import { t, language } from "./i18n.js";

export { h };

/** A price in its currency, in the page's language. */
export function money(amount, currency) {
  if (typeof amount !== "number") return t("noPrice");
  const locale = language() === "zh" ? "zh-CN" : "en";
  try {
    if (currency) return new Intl.NumberFormat(locale, { style: "currency", currency }).format(amount);
  } catch { /* an unknown currency code: plain number below */ }
  return new Intl.NumberFormat(locale, { minimumFractionDigits: 2, maximumFractionDigits: 2 }).format(amount);
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
