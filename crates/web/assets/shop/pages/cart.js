// The cart and checkout. Checkout records one `purchase` per line (quantity and price; lines
// that came from a recommendation say so), then shows the confirmation.

import { h, money, errorBox } from "../dom.js";
import { t } from "../i18n.js";
import { api, who, context, send, settled, randomId } from "../api.js";
import * as cart from "../cart.js";
import { itemUrl } from "../router.js";
import { shelf, heading } from "../views.js";

function total(lines) {
  return lines.reduce((sum, l) => sum + (typeof l.price === "number" ? l.price * l.quantity : 0), 0);
}

function line(l, redraw) {
  const id = `qty-${l.id}`;
  return h("li", { class: "cart-line", "data-testid": "cart-line", "data-item-id": l.id },
    h("a", { href: itemUrl(l.id) }, l.title),
    l.recommendedOn ? h("span", { class: "muted small" }, ` (${t("fromRecommendation")})`) : null,
    h("span", { class: "price" }, money(l.price, l.currency)),
    h("label", { for: id, class: "sr-only" }, t("quantity", { title: l.title })),
    h("input", {
      id, type: "number", min: 1, max: 99, value: l.quantity, inputmode: "numeric", class: "qty",
      onchange: (e) => { cart.setQuantity(l.id, e.target.value); redraw(); },
    }),
    h("button", { type: "button", class: "secondary", onclick: () => { cart.remove(l.id); redraw(); } }, t("remove")));
}

function confirmation(order, lines) {
  const currency = lines.find((l) => l.currency)?.currency;
  return h("div", { class: "page" },
    h("section", { class: "confirmation", "data-testid": "order-confirmation", "aria-labelledby": "confirmation-title" },
      h("h1", { id: "confirmation-title", tabindex: "-1" }, t("orderPlaced")),
      h("p", {}, t("orderNumber", { id: order })),
      h("p", {}, t("orderLines", { n: lines.reduce((s, l) => s + l.quantity, 0), total: money(total(lines), currency) })),
      h("ul", {}, lines.map((l) => h("li", {}, `${l.quantity} × ${l.title}`))),
      h("p", {}, h("a", { href: "/shop", "data-testid": "continue-shopping" }, t("continueShopping")))));
}

export async function render() {
  const container = h("div", { class: "page", "data-testid": "cart" });
  const suggestions = h("div", {});
  const draw = () => {
    const lines = cart.lines();
    if (lines.length === 0) {
      container.replaceChildren(heading(t("cartTitle")),
        h("p", { "data-testid": "cart-empty" }, t("cartEmpty")), h("p", {}, h("a", { href: "/shop" }, t("continueShopping"))));
      return;
    }
    const currency = lines.find((l) => l.currency)?.currency;
    const status = h("div", { role: "status" });
    const checkout = h("button", { type: "button", "data-testid": "checkout" }, t("checkout"));
    checkout.addEventListener("click", async () => {
      checkout.disabled = true;
      status.replaceChildren(t("placing"));
      const order = randomId("o");
      try {
        await send(lines.map((l, i) => ({
          event_id: `${order}-${i}`, kind: "purchase", item_id: l.id, quantity: l.quantity,
          price: typeof l.price === "number" ? l.price : undefined, context: context("cart", l.recommendedOn),
        })));
        // Nothing may be left in flight when the shopper moves on.
        await settled();
        cart.clear();
        const done = confirmation(order, lines);
        container.replaceWith(done);
        done.querySelector("h1")?.focus();
      } catch (error) {
        status.replaceChildren(errorBox(error));
        checkout.disabled = false;
      }
    });
    container.replaceChildren(heading(t("cartTitle")),
      h("ul", { class: "cart-lines" }, lines.map((l) => line(l, draw))),
      h("p", { class: "cart-total", "data-testid": "cart-total" }, `${t("total")}: `, money(total(lines), currency)),
      checkout, status, suggestions);
  };
  draw();
  const last = cart.lines().at(-1);
  if (last) {
    api(`/shop/api/items/${encodeURIComponent(last.id)}?n=4&${who()}`).then((page) => {
      const items = page.bought_together?.items?.length ? page.bought_together.items : page.similar?.items;
      suggestions.replaceChildren(shelf(t("forYourCart"), items, "cart", "cart-recs") ?? "");
    }).catch(() => { /* suggestions are optional */ });
  }
  return { title: t("cartTitle"), node: container };
}
