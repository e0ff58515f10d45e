// What several pages show: product cards, shelves of recommendations, breadcrumbs.

import { h, money, picture, marked } from "./dom.js";
import { t } from "./i18n.js";
import { itemUrl, categoryUrl } from "./router.js";

/** Why an item is recommended, in the page's language. */
export function reasonText(reason) {
  if (!reason) return "";
  return t(`reason.${reason.kind}`, { title: reason.item_title ?? reason.item_id ?? "" });
}

/**
 * A product card. Every listing is ranked for the shopper, so each card is a recommendation:
 * `data-testid="rec-item"`, and its link carries the page it is on, which the click event and
 * the product page's events report. A search result's title shows the words that matched.
 */
export function card(item, page, { reasons = true } = {}) {
  return h("li", { class: "card", "data-testid": "rec-item", "data-item-id": item.id },
    h("a", { class: "card-link", href: itemUrl(item.id), "data-item-id": item.id, "data-rec-page": page },
      picture(item), h("span", { class: "card-title" }, item.highlight ? marked(item.highlight) : item.title)),
    item.brand ? h("p", { class: "card-brand" }, item.brand) : null,
    h("p", { class: "card-price" }, money(item.price, item.currency)),
    item.available === false ? h("p", { class: "card-stock" }, t("outOfStock")) : null,
    reasons && item.reason ? h("p", { class: "card-reason" }, reasonText(item.reason)) : null);
}

export function grid(items, page, options) {
  return h("ul", { class: "grid" }, items.map((item) => card(item, page, options)));
}

/** A titled section of cards; nothing when there are none. `options.reasons`: show why. */
export function shelf(title, items, page, testid, options = {}) {
  if (!items || items.length === 0) return null;
  const id = `${testid}-title`;
  return h("section", { class: "shelf", "aria-labelledby": id, "data-testid": testid },
    h("h2", { id }, title), grid(items, page, options));
}

/** Home › parents › current. `trail` is [{name, path}], the last one the current page. */
export function breadcrumbs(trail) {
  return h("nav", { class: "breadcrumbs", "aria-label": t("breadcrumb") },
    h("ol", {},
      h("li", {}, h("a", { href: "/shop" }, t("home"))),
      trail.map((step, i) => h("li", {}, i === trail.length - 1
        ? h("span", { "aria-current": "page" }, step.name)
        : h("a", { href: categoryUrl(step.path) }, step.name)))));
}

/** The page heading, focusable so that a navigation can move focus to it. */
export function heading(text) {
  return h("h1", { tabindex: "-1" }, text);
}
