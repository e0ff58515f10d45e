// A listing of items a page at a time (category and search pages): the first page's cards, a
// "more" button that appends the next page, and the line saying how many and in whose order.

import { h, errorBox } from "./dom.js";
import { t } from "./i18n.js";
import { api, who } from "./api.js";
import { card } from "./views.js";

const PAGE = 24;
const MAX_OFFSET = 900;

/** The page of `base` (a /shop/api URL with its query) from `offset`, for this shopper. */
export function fetchPage(base, offset) {
  return api(`${base}&n=${PAGE}&offset=${offset}&${who()}`);
}

/**
 * The cards of `first` (the answer for offset 0) in a grid with `listAttributes`, a status line
 * and a "more" button that appends the next page of `base` while the answer's `total` holds
 * more; `page` is where the cards are (their events' context). The nodes, in order.
 */
export function pagedList(first, base, page, listAttributes = {}) {
  const list = h("ul", { class: "grid", ...listAttributes }, first.items.map((i) => card(i, page)));
  let offset = first.items.length;
  const more = h("button", { type: "button", class: "secondary", "data-testid": "more" }, t("more"));
  const status = h("div", { "aria-live": "polite" });
  const update = () => { more.hidden = offset >= first.total || offset > MAX_OFFSET || offset % PAGE !== 0; };
  more.addEventListener("click", async () => {
    more.disabled = true;
    try {
      const next = await fetchPage(base, offset);
      list.append(...next.items.map((i) => card(i, page)));
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
  return [list, status, more];
}

/** The line under a listing's heading: `count`, then whose order it is in unless trending. */
export function orderLine(count, model) {
  return h("p", { class: "muted" }, count, " ", model !== "trending" ? t("personalOrder", { model }) : "");
}
