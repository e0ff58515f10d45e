// A category: breadcrumbs, subcategories, and the subtree's items in the shopper's order.

import { h, errorBox } from "../dom.js";
import { t } from "../i18n.js";
import { api, who } from "../api.js";
import { categoryUrl } from "../router.js";
import { breadcrumbs, card, heading } from "../views.js";

const PAGE = 24;
const MAX_OFFSET = 900;

function fetchPage(path, offset) {
  return api(`/shop/api/category?path=${encodeURIComponent(path)}&n=${PAGE}&offset=${offset}&${who()}`);
}

export async function render(route) {
  const path = route.path.join(" > ");
  const first = await fetchPage(path, 0);
  const list = h("ul", { class: "grid", "data-testid": "category-items" }, first.items.map((i) => card(i, "category")));
  let offset = first.items.length;
  const more = h("button", { type: "button", class: "secondary", "data-testid": "more" }, t("more"));
  const status = h("div", { "aria-live": "polite" });
  const update = () => { more.hidden = offset >= first.total || offset > MAX_OFFSET || offset % PAGE !== 0; };
  more.addEventListener("click", async () => {
    more.disabled = true;
    try {
      const next = await fetchPage(path, offset);
      list.append(...next.items.map((i) => card(i, "category")));
      offset += next.items.length;
      if (next.items.length === 0) offset = first.total;
      status.replaceChildren();
    } catch (error) {
      status.replaceChildren(errorBox(error));
    }
    more.disabled = false;
    update();
  });
  update();
  const trail = [...first.parents, first.category];
  return {
    title: first.category.name,
    node: h("div", { class: "page", "data-testid": "category", "data-path": first.category.path },
      breadcrumbs(trail),
      heading(first.category.name),
      h("p", { class: "muted" }, t("itemsCount", { n: first.total }), " ",
        first.model !== "trending" ? t("personalOrder", { model: first.model }) : ""),
      first.children.length > 0
        ? h("nav", { class: "chips", "aria-label": t("subcategories") },
          h("ul", {}, first.children.map((c) => h("li", {}, h("a", { href: categoryUrl(c.path) }, `${c.name} (${c.items})`)))))
        : null,
      list, status, more),
  };
}
