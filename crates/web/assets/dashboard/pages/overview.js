// Overview: the shop in numbers, events per day by kind, the funnel, and what recommendations
// brought since the server started.

import { h, api, card, percent } from "../dom.js";
import { t } from "../i18n.js";
import { lineChart, barChart } from "../../common/charts.js";

const KINDS = ["view", "click", "cart", "purchase", "rating", "review", "search"];

export async function render() {
  const o = await api("/v1/admin/overview?days=30");
  const days = o.events_per_day ?? [];
  const series = KINDS.map((kind) => ({ name: kind, values: days.map((d) => d[kind] ?? 0) }))
    .filter((s) => s.values.some((v) => v > 0));
  const recs = o.recommendations ?? {};
  return h("div", { class: "page", "data-testid": "overview" },
    h("h1", {}, t("overview")),
    h("div", { class: "cards" },
      card(t("usersCount"), o.counts.users.toLocaleString(), "count-users"),
      card(t("itemsCount"), o.counts.items.toLocaleString(), "count-items"),
      card(t("eventsCount"), o.counts.events.toLocaleString(), "count-events"),
      card(t("ordersCount"), o.counts.orders.toLocaleString(), "count-orders")),
    h("section", {}, h("h2", {}, t("eventsPerDay")),
      lineChart({ labels: days.map((d) => d.day.slice(5)), series, title: t("eventsPerDay") })),
    h("section", {}, h("h2", {}, t("funnel")),
      barChart({
        title: t("funnel"),
        rows: (o.funnel ?? []).map((stage, i, all) => ({
          label: stage.stage, value: stage.shoppers,
          note: i === 0 ? stage.shoppers.toLocaleString()
            : `${stage.shoppers.toLocaleString()} (${percent(stage.shoppers / Math.max(1, all[0].shoppers))})`,
        })),
      })),
    h("section", {}, h("h2", {}, t("recs")),
      h("div", { class: "cards" },
        card(t("shown"), (recs.shown ?? 0).toLocaleString(), "recs-shown"),
        card(t("clicked"), (recs.clicked ?? 0).toLocaleString(), "recs-clicked"),
        card(t("purchased"), (recs.purchased ?? 0).toLocaleString(), "recs-purchased"),
        card(t("ctr"), percent(recs.click_through), "recs-ctr"),
        card(t("conversion"), percent(recs.conversion), "recs-conversion"))));
}
