// Home: the shopper's recommendations (trending ones for a first visit), then trending items.

import { h } from "../dom.js";
import { t } from "../i18n.js";
import { api, who } from "../api.js";
import { grid, shelf, heading } from "../views.js";

export async function render() {
  const home = await api(`/shop/api/home?${who()}`);
  const recommended = home.recommended;
  const personal = recommended.model !== "trending";
  return {
    title: t("title"),
    node: h("div", { class: "page" },
      heading(t("title")),
      h("section", { class: "shelf", "aria-labelledby": "home-recs-title", "data-testid": "home-recs", "data-model": recommended.model },
        h("h2", { id: "home-recs-title" }, personal ? t("forYou") : t("newHere")),
        h("p", { class: "muted" }, personal
          ? t("rankedBy", { model: recommended.model, version: recommended.model_version })
          : t("newHereNote")),
        grid(recommended.items, "home")),
      shelf(personal ? t("trending") : t("moreTrending"), home.trending.items, "home", "home-trending")),
  };
}
