// A category: breadcrumbs, subcategories, and the subtree's items in the shopper's order.

import { h } from "../dom.js";
import { t } from "../i18n.js";
import { categoryUrl } from "../router.js";
import { breadcrumbs, heading } from "../views.js";
import { fetchPage, orderLine, pagedList } from "../listing.js";

export async function render(route) {
  const path = route.path.join(" > ");
  const base = `/shop/api/category?path=${encodeURIComponent(path)}`;
  const first = await fetchPage(base, 0);
  const trail = [...first.parents, first.category];
  return {
    title: first.category.name,
    node: h("div", { class: "page", "data-testid": "category", "data-path": first.category.path },
      breadcrumbs(trail),
      heading(first.category.name),
      orderLine(t("itemsCount", { n: first.total }), first.model),
      first.children.length > 0
        ? h("nav", { class: "chips", "aria-label": t("subcategories") },
          h("ul", {}, first.children.map((c) => h("li", {}, h("a", { href: categoryUrl(c.path) }, `${c.name} (${c.items})`)))))
        : null,
      pagedList(first, base, "category", { "data-testid": "category-items" })),
  };
}
