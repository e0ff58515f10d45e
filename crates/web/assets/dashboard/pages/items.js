// Items: search the catalog; one item's details, its reviews (see reviews.js), similar items and
// items bought with it.

import { h, api, table } from "../dom.js";
import { t } from "../i18n.js";
import { reviewPanel } from "./reviews.js";

async function list() {
  const input = h("input", { id: "item-q", type: "search", "data-testid": "item-search", value: sessionStorage.getItem("aisle.itemQ") ?? "" });
  const results = h("div", {});
  const run = async () => {
    sessionStorage.setItem("aisle.itemQ", input.value);
    const found = await api(`/v1/admin/items/search?limit=50&q=${encodeURIComponent(input.value)}`);
    results.replaceChildren(table([t("id"), t("titleCol"), t("price")], found.items.map((i) =>
      [h("a", { href: `#/items/${encodeURIComponent(i.id)}`, "data-testid": "item-link" }, i.id), i.title ?? "", i.price ? `${i.price.amount} ${i.price.currency ?? ""}` : ""])));
  };
  await run();
  return h("div", { class: "page", "data-testid": "items" }, h("h1", {}, t("items")),
    h("form", { class: "row", onsubmit: (e) => { e.preventDefault(); run(); } },
      h("label", { for: "item-q" }, t("search")), input, h("button", { type: "submit" }, t("search"))), results);
}

async function optional(path) {
  try { return await api(path); } catch { return { items: [] }; }
}

async function one(id) {
  const path = encodeURIComponent(id);
  const [item, similar, together, reviews] = await Promise.all([
    api(`/v1/items/${path}`),
    optional(`/v1/items/${path}/similar?n=8&explain=true`),
    optional(`/v1/items/${path}/bought-together?n=8`),
    reviewPanel(id),
  ]);
  const related = (answer) => table([t("item"), "score", t("why")], answer.items.map((i) =>
    [h("a", { href: `#/items/${encodeURIComponent(i.id)}` }, i.id), i.score.toFixed(3), (i.reasons ?? []).join("; ")]));
  return h("div", { class: "page", "data-testid": "item" },
    h("h1", {}, item.title ?? id),
    // The details scroll when long; tabindex lets a keyboard scroll them too.
    h("section", {}, h("pre", { tabindex: "0" }, JSON.stringify(item, null, 2))),
    reviews,
    h("section", {}, h("h2", {}, t("similar")), related(similar)),
    h("section", {}, h("h2", {}, t("together")), related(together)));
}

export function render(params) {
  return params.length ? one(params[0]) : list();
}
