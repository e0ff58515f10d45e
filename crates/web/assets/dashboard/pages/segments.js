// Segments: the shop's shoppers in groups, read from `GET /v1/segments?k=`. Every RFM segment
// as a table (shoppers, share, mean recency, orders, spend, share of revenue) with bar charts of
// shoppers and of revenue; the k-means behaviour clusters with each one's typical shopper and
// most common segment. Any group's shoppers download as CSV from
// `GET /v1/segments/{name}/users`, fetched with the admin key and saved through a Blob.

import { h, api, key, card, when, percent, errorBox } from "../dom.js";
import { answer } from "../../common/api.js";
import { t } from "../i18n.js";
import { barChart, PALETTE } from "../../common/charts.js";
import { named } from "./profile.js";

const SMALL = 560;
const K_CHOICES = [2, 3, 4, 5, 6, 7, 8, 9, 10];

function chosenK() {
  const k = Number(sessionStorage.getItem("aisle.clusterK"));
  return K_CHOICES.includes(k) ? k : 5;
}

function decimals(value, digits) {
  if (value === null || value === undefined) return "–";
  return value.toLocaleString(undefined, { minimumFractionDigits: digits, maximumFractionDigits: digits });
}

/** Saves `text` as a file named `name` through an object URL, as a link the user clicked would. */
function save(text, name) {
  const url = URL.createObjectURL(new Blob([text], { type: "text/csv;charset=utf-8" }));
  const link = h("a", { href: url, download: name, hidden: true });
  document.body.append(link);
  link.click();
  link.remove();
  // The browser has the file once the click is handled; the URL is freed a little later.
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/** Downloads group `name`'s shoppers as CSV; `status` says what happened, in words. */
async function exportGroup(name, k, status, button) {
  button.disabled = true;
  status.replaceChildren(t("exporting"));
  try {
    const response = await fetch(`/v1/segments/${encodeURIComponent(name)}/users?format=csv&k=${k}`,
      { headers: { Authorization: `Bearer ${key()}` } });
    if (!response.ok) await answer(response);
    const text = await response.text();
    const file = `segment-${name}.csv`;
    save(text, file);
    const rows = text.split("\n").filter((line) => line.trim()).length - 1;
    status.replaceChildren(t("exported", { file, n: Math.max(0, rows).toLocaleString() }));
  } catch (error) {
    status.replaceChildren(errorBox(error));
  } finally {
    button.disabled = false;
  }
}

function exportButton(name, label, k, status) {
  const button = h("button", {
    type: "button", class: "secondary", "data-testid": `export-${name}`, "aria-label": t("exportLabel", { name: label }),
    onclick: () => exportGroup(name, k(), status, button),
  }, t("export"));
  return button;
}

/** A wide table scrolls sideways on its own on a narrow screen, by keyboard too. */
function scroller(label, table) {
  return h("div", { class: "table-scroll", role: "region", "aria-label": label, tabindex: "0" }, table);
}

function headRow(headers) {
  return h("thead", {}, h("tr", {}, headers.map(([text, numeric]) => h("th", { scope: "col", class: numeric ? "num" : undefined }, text))));
}

function rfmTable(rfm, status) {
  return h("table", { "data-testid": "segments-table" },
    headRow([[t("segment")], [t("usersCount"), true], [t("share"), true], [t("meanRecency"), true],
      [t("meanOrders"), true], [t("meanSpend"), true], [t("revenueShare"), true], [t("export")]]),
    h("tbody", {}, rfm.map((s) => {
      const label = named("segment", s.segment);
      return h("tr", { "data-segment": s.segment },
        h("th", { scope: "row" }, h("span", {}, label), h("div", { class: "cell-note" }, named("segmentNote", s.segment))),
        h("td", { class: "num", "data-testid": "segment-shoppers" }, s.shoppers.toLocaleString()),
        h("td", { class: "num" }, percent(s.share)),
        h("td", { class: "num" }, decimals(s.mean_recency_days, 1)),
        h("td", { class: "num" }, decimals(s.mean_frequency, 2)),
        h("td", { class: "num" }, decimals(s.mean_monetary, 2)),
        h("td", { class: "num" }, percent(s.revenue_share)),
        h("td", {}, s.shoppers ? exportButton(s.segment, label, () => chosenK(), status) : null));
    })));
}

function rfmCharts(rfm) {
  const chart = (testid, title, rows, format, colour) => h("section", { "data-testid": testid }, h("h3", {}, title),
    barChart({ title, width: SMALL, format, rows: rows.map((row) => ({ ...row, colour })) }));
  return h("div", { class: "charts" },
    chart("segments-shoppers-chart", t("shoppersBySegment"),
      rfm.map((s) => ({ label: named("segment", s.segment), value: s.shoppers })), undefined, PALETTE[0]),
    chart("segments-revenue-chart", t("revenueBySegment"),
      rfm.map((s) => ({ label: named("segment", s.segment), value: s.revenue_share })), percent, PALETTE[2]));
}

function centreValue(feature, value) {
  return decimals(value, feature === "spend" ? 2 : 1);
}

function clusterTable(groups, k, status) {
  const features = groups.cluster_features ?? [];
  return h("table", { "data-testid": "clusters-table" },
    headRow([[t("cluster")], [t("usersCount"), true], [t("share"), true],
      ...features.map((f) => [named("feature", f), true]), [t("mainSegment")], [t("export")]]),
    h("tbody", {}, groups.clusters.clusters.map((c) => {
      const name = `cluster-${c.cluster}`;
      const label = t("clusterName", { n: c.cluster });
      return h("tr", { "data-cluster": c.cluster },
        h("th", { scope: "row", class: "nowrap" }, label),
        h("td", { class: "num" }, c.shoppers.toLocaleString()),
        h("td", { class: "num" }, percent(c.share)),
        features.map((f) => h("td", { class: "num" }, centreValue(f, c.centre?.[f]))),
        h("td", { "data-value": c.main_segment }, named("segment", c.main_segment)),
        h("td", {}, exportButton(name, label, () => k, status)));
    })));
}

function clusterContent(groups, k, status) {
  if (!groups.clusters) {
    // The server explains in English only.
    return h("p", { class: "muted", "data-testid": "clusters-unavailable" },
      `${t("noClusters")}: `, h("span", { lang: "en" }, groups.clusters_unavailable ?? ""));
  }
  return [
    h("p", { class: "muted" }, t("clustersNote", { n: groups.clusters.clustered.toLocaleString(), k })),
    scroller(t("clusters"), clusterTable(groups, k, status)),
  ];
}

/** The clusters section: a choice of k, and the clusters it makes (fetched again on change). */
function clusterSection(first, status) {
  const body = h("div", { "data-testid": "clusters" }, clusterContent(first, chosenK(), status));
  let ticket = 0;
  const select = h("select", {
    id: "cluster-k", "data-testid": "cluster-k",
    onchange: async () => {
      const k = Number(select.value);
      sessionStorage.setItem("aisle.clusterK", String(k));
      const mine = ++ticket;
      body.setAttribute("aria-busy", "true");
      try {
        const groups = await api(`/v1/segments?k=${k}`);
        if (mine === ticket) body.replaceChildren(...[clusterContent(groups, k, status)].flat());
      } catch (error) {
        if (mine === ticket) body.replaceChildren(errorBox(error));
      } finally {
        if (mine === ticket) body.removeAttribute("aria-busy");
      }
    },
  }, K_CHOICES.map((k) => h("option", { value: k, selected: k === chosenK() }, k)));
  return h("section", {}, h("h2", {}, t("clusters")),
    h("div", { class: "row" }, h("label", { for: "cluster-k" }, t("clusterCount")), select),
    body);
}

export async function render() {
  const groups = await api(`/v1/segments?k=${chosenK()}`);
  const buyers = groups.rfm.filter((s) => s.segment !== "prospects").reduce((sum, s) => sum + s.shoppers, 0);
  const status = h("div", { class: "muted", role: "status", "data-testid": "export-status" });
  return h("div", { class: "page", "data-testid": "segments" },
    h("h1", {}, t("segments")),
    h("p", { class: "muted" }, t("asOf", { when: when(groups.as_of) })),
    h("div", { class: "cards" },
      card(t("usersCount"), h("span", { "data-testid": "segments-total" }, groups.shoppers.toLocaleString()), "segments-shoppers"),
      card(t("buyers"), buyers.toLocaleString(), "segments-buyers")),
    status,
    h("section", {}, h("h2", {}, t("rfmSegments")), h("p", { class: "muted" }, t("rfmSegmentsNote")),
      scroller(t("rfmSegments"), rfmTable(groups.rfm, status)), rfmCharts(groups.rfm)),
    clusterSection(groups, status));
}
