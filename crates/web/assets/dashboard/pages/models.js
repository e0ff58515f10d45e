// Models: trained versions and which one serves, training with live progress and a retrain
// button per model, and the offline evaluation reports as comparison charts.

import { h, api, table, when, errorBox } from "../dom.js";
import { t } from "../i18n.js";
import { barChart } from "../../common/charts.js";

let poll;

function trainingPanel(status) {
  if (!status.running) {
    const recent = (status.recent ?? []).slice(0, 5).map((r) =>
      h("li", {}, `${r.model} v${r.version ?? "?"} · ${(r.seconds ?? 0).toFixed(1)} s · ${when(r.finished_at)}${r.error ? ` · ${r.error}` : ""}`));
    return h("div", { "data-testid": "training-status" }, h("p", {}, t("idle")), recent.length ? h("ul", {}, recent) : null);
  }
  const value = status.total ? status.done / status.total : 0;
  return h("div", { "data-testid": "training-status" },
    h("p", {}, `${t("training")}: ${status.model ?? ""} — ${status.message ?? ""}`),
    h("progress", { max: status.total || 1, value: status.done || 0, "aria-label": t("training") }),
    h("span", { class: "muted" }, ` ${Math.round(100 * value)}%`));
}

async function watchTraining(slot) {
  clearTimeout(poll);
  try {
    const status = await api("/v1/admin/training");
    slot.replaceChildren(trainingPanel(status));
    if (status.running && document.body.contains(slot)) poll = setTimeout(() => watchTraining(slot), 1000);
  } catch (error) {
    slot.replaceChildren(errorBox(error));
  }
}

function reportCharts(reports) {
  if (!reports.length) return h("p", { class: "muted" }, t("noReports"));
  return reports.map((report) => {
    const metricNames = [...new Set(report.results.flatMap((r) => Object.keys(r.metrics)))];
    const metric = metricNames.find((m) => m.toLowerCase().startsWith("ndcg@10")) ?? metricNames[0];
    return h("section", { class: "report" },
      h("h3", {}, `${report.name} · ${report.protocol ?? ""} · ${when(report.created_at)}`),
      metric ? barChart({
        title: `${report.name}: ${metric}`,
        rows: report.results.map((r) => ({ label: r.model, value: r.metrics[metric] ?? 0, note: (r.metrics[metric] ?? 0).toFixed(4) })),
      }) : null,
      table(["model", ...metricNames], report.results.map((r) => [r.model, ...metricNames.map((m) => (r.metrics[m] ?? 0).toFixed(4))])));
  });
}

export async function render() {
  const [list, reports] = await Promise.all([api("/v1/admin/models"), api("/v1/admin/reports")]);
  const slot = h("div", {});
  const start = async (model) => {
    try {
      await api("/v1/admin/training", { method: "POST", body: { models: [model] } });
    } catch (error) {
      slot.replaceChildren(errorBox(error));
      return;
    }
    watchTraining(slot);
  };
  watchTraining(slot);
  return h("div", { class: "page", "data-testid": "models" },
    h("h1", {}, t("models")),
    h("section", {}, h("h2", {}, t("training")), slot),
    table([t("models"), t("active"), t("serving"), t("version"), t("trainedAt"), t("seconds"), ""],
      list.models.map((m) => {
        const active = m.versions.find((v) => v.version === m.active_version) ?? m.versions[0] ?? {};
        return [m.name, m.active_version ?? "", m.serving ?? "", m.versions.length, when(active.trained_at),
          active.fit_seconds != null ? active.fit_seconds.toFixed(2) : "",
          h("button", { type: "button", "data-testid": `retrain-${m.name}`, onclick: () => start(m.name) }, t("retrain"))];
      })),
    h("section", {}, h("h2", {}, t("reports")), reportCharts(reports.reports ?? [])));
}
