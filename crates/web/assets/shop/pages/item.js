// A product page: details, add to cart, its reviews (see ../reviews.js), similar items and
// items bought together. Showing it records a `view`; adding to the cart records `cart`. When a
// recommendation led here, both say so (the page it was on travels in history.state).

import { h, money, picture } from "../dom.js";
import { t } from "../i18n.js";
import { api, who, context, record } from "../api.js";
import * as cart from "../cart.js";
import { breadcrumbs, shelf, heading } from "../views.js";
import { reviewSection } from "../reviews.js";

export async function render(route, { navigated }) {
  const page = await api(`/shop/api/items/${encodeURIComponent(route.id)}?${who()}`);
  const item = page.item;
  const recommendedOn = history.state?.rec ?? null;
  if (navigated) record({ kind: "view", item_id: item.id, context: context("product", recommendedOn) });

  const status = h("p", { class: "status", role: "status", "data-testid": "cart-status" });
  const add = h("button", {
    type: "button", "data-testid": "add-to-cart", disabled: !item.available,
    onclick: () => {
      cart.add(item, recommendedOn);
      record({ kind: "cart", item_id: item.id, quantity: 1, price: item.price ?? undefined, context: context("product", recommendedOn) });
      status.textContent = t("added");
    },
  }, item.available ? t("addToCart") : t("outOfStock"));

  const trail = item.categories.map((name, i) => ({ name, path: item.categories.slice(0, i + 1).join(" > ") }));
  const attributes = Object.entries(item.attributes ?? {});
  return {
    title: item.title,
    node: h("div", { class: "page", "data-testid": "product", "data-item-id": item.id },
      trail.length ? breadcrumbs([...trail, { name: item.title }]) : null,
      h("article", { class: "product" },
        picture(item, t("productImage", { title: item.title })),
        h("div", { class: "product-info" },
          heading(item.title),
          h("dl", { class: "facts" },
            item.brand ? [h("dt", {}, t("brand")), h("dd", { "data-testid": "brand" }, item.brand)] : null,
            h("dt", {}, t("price")), h("dd", { class: "price", "data-testid": "price" }, money(item.price, item.currency)),
            h("dt", {}, t("availability")), h("dd", { "data-testid": "availability" }, item.available ? t("inStock") : t("outOfStock"))),
          add, status,
          item.description ? [h("h2", {}, t("description")), h("p", { "data-testid": "description" }, item.description)] : null,
          attributes.length ? [h("h2", {}, t("details")),
            h("dl", { class: "facts" }, attributes.map(([k, v]) => [h("dt", {}, k), h("dd", {}, v)]))] : null)),
      reviewSection(item.id),
      // The headings say why; each card need not repeat it.
      shelf(t("similar"), page.similar?.items, "product", "similar", { reasons: false }),
      shelf(t("together"), page.bought_together?.items, "product", "bought-together", { reasons: false })),
  };
}
