// Experiments: every A/B experiment on the home feed with its results, read from
// `GET /v1/experiments` and `GET /v1/experiments/{id}/results`: per variant the shoppers shown
// it, the share who clicked or bought a recommended item with its 95% interval (a chart of
// interval bars and a table), the difference from the control with its p-value, and the
// server's verdict. Buttons stop, start and delete an experiment; a form creates one from two
// trained models. Names come from the shop: they go in as text only.

import { h, api, table, when, errorBox, percent } from "../dom.js";
import { t } from "../i18n.js";
import { intervalChart } from "../../common/charts.js";

function rate(value) {
  return value === null || value === undefined ? "–" : `${(100 * value).toFixed(2)}%`;
}

function points(value) {
  return `${value >= 0 ? "+" : ""}${(100 * value).toFixed(2)}`;
}

function pValue(p) {
  return p < 0.001 ? "< 0.001" : p.toFixed(3);
}

const OUTCOME_BADGE = {
  better: "badge-positive", worse: "badge-negative", no_difference: "badge-neutral",
  not_enough_data: "badge-warning", no_traffic: "badge-neutral", no_conversions: "badge-neutral",
};

function variantTable(results) {
  const rows = results.variants.map((v) => {
    const versus = v.conversion_vs_control;
    return [
      h("span", { "data-testid": "experiment-variant", "data-value": v.name }, v.name),
      v.model,
      percent(v.share),
      v.shoppers.toLocaleString(),
      v.clicks.toLocaleString(),
      v.purchases.toLocaleString(),
      h("span", { "data-testid": "experiment-rate", "data-value": v.conversion.rate ?? "" }, rate(v.conversion.rate)),
      v.conversion.low === null ? "–" : `${rate(v.conversion.low)} – ${rate(v.conversion.high)}`,
      versus ? t("exp.points", { value: points(versus.difference), low: points(versus.low), high: points(versus.high) }) : "",
      versus ? h("span", { class: versus.significant ? "badge badge-positive" : "" }, pValue(versus.p_value)) : "",
    ];
  });
  return table([t("exp.variant"), t("exp.model"), t("share"), t("exp.shoppers"), t("clicked"), t("purchased"),
    t("exp.conversion"), t("exp.interval"), t("exp.vsControl", { control: results.control }), t("exp.p")], rows);
}

function chart(results) {
  return intervalChart({
    title: t("exp.chart", { name: results.experiment.name }),
    rows: results.variants.map((v) => ({
      label: `${v.name} · ${v.model}`, rate: v.conversion.rate, low: v.conversion.low, high: v.conversion.high,
      note: v.conversion.rate === null ? t("exp.noShoppers") : undefined,
    })),
  });
}

function actions(experiment, refresh, slot) {
  const act = async (method, body) => {
    try {
      await api(`/v1/experiments/${encodeURIComponent(experiment.id)}`, { method, body });
      refresh();
    } catch (error) {
      slot.replaceChildren(errorBox(error));
    }
  };
  const definition = (status) => ({
    name: experiment.name, traffic: experiment.traffic, status,
    variants: experiment.variants.map((v) => ({ name: v.name, model: v.model, weight: v.weight })),
  });
  const running = experiment.status === "running";
  return h("div", { class: "row" },
    h("button", { type: "button", "data-testid": running ? "experiment-stop" : "experiment-start",
      onclick: () => act("PUT", definition(running ? "stopped" : "running")) }, t(running ? "exp.stop" : "exp.start")),
    h("button", { type: "button", "data-testid": "experiment-delete",
      onclick: () => { if (confirm(t("exp.confirmDelete", { id: experiment.id }))) act("DELETE"); } }, t("exp.delete")));
}

function section(results, refresh) {
  const experiment = results.experiment;
  const slot = h("div", { "aria-live": "polite" });
  const since = experiment.started_at ? t("exp.since", { when: when(experiment.started_at) }) : t("exp.neverRan");
  const verdict = results.verdict;
  return h("section", { "data-testid": "experiment", "data-id": experiment.id },
    h("h2", {}, experiment.name),
    h("p", { class: "muted" },
      h("code", {}, experiment.id), " · ",
      h("span", { "data-testid": "experiment-status", "data-value": experiment.status }, t(`exp.status.${experiment.status}`)), " · ",
      since, " · ", t("exp.traffic", { share: percent(experiment.traffic) })),
    h("p", { "data-testid": "experiment-verdict", "data-value": verdict.outcome },
      h("span", { class: `badge ${OUTCOME_BADGE[verdict.outcome] ?? "badge-neutral"}` }, t(`exp.outcome.${verdict.outcome}`)), " ",
      h("span", { lang: "en" }, verdict.text)),
    chart(results),
    variantTable(results),
    h("p", { class: "muted" }, t("exp.note", { alpha: results.alpha, min: results.min_shoppers })),
    actions(experiment, refresh, slot), slot);
}

function createForm(models, refresh) {
  const slot = h("div", { "aria-live": "polite" });
  const input = (id, attributes = {}) => h("input", { id, name: id, "data-testid": id, required: true, ...attributes });
  const select = (id, chosen) => h("select", { id, name: id, "data-testid": id },
    models.map((m) => h("option", { value: m, selected: m === chosen }, m)));
  const id = input("exp-id", { pattern: "[A-Za-z0-9][A-Za-z0-9._\\-]{0,63}", placeholder: "feed-test" });
  const name = input("exp-name", { placeholder: t("exp.namePlaceholder") });
  const control = select("exp-control", models[0]);
  const challenger = select("exp-challenger", models[1] ?? models[0]);
  const traffic = input("exp-traffic", { type: "number", min: "0.01", max: "1", step: "0.01", value: "1" });
  const label = (forId, text) => h("label", { for: forId }, text);
  const submit = async (event) => {
    event.preventDefault();
    try {
      await api("/v1/experiments", { method: "POST", body: {
        id: id.value.trim(), name: name.value.trim(), traffic: Number(traffic.value),
        variants: [{ name: "a", model: control.value }, { name: "b", model: challenger.value }],
      } });
      refresh();
    } catch (error) {
      slot.replaceChildren(errorBox(error));
    }
  };
  return h("section", {},
    h("h2", {}, t("exp.create")),
    models.length < 1 ? h("p", { class: "muted" }, t("exp.noModels")) :
      h("form", { class: "row", "data-testid": "experiment-form", onsubmit: submit },
        label("exp-id", t("id")), id, label("exp-name", t("exp.name")), name,
        label("exp-control", t("exp.controlModel")), control, label("exp-challenger", t("exp.challengerModel")), challenger,
        label("exp-traffic", t("exp.trafficShare")), traffic,
        h("button", { type: "submit", "data-testid": "experiment-create" }, t("create"))),
    slot);
}

export async function render() {
  const page = h("div", { class: "page", "data-testid": "experiments" });
  // The first load's errors go to the shell (which signs out on a refused key); later ones stay
  // on the page.
  const load = async () => {
    const [list, trained] = await Promise.all([api("/v1/experiments"), api("/v1/admin/models")]);
    const results = await Promise.all(list.experiments.map((e) =>
      api(`/v1/experiments/${encodeURIComponent(e.id)}/results`)));
    const models = trained.models.filter((m) => m.active_version !== null && m.active_version !== undefined).map((m) => m.name);
    page.replaceChildren(
      h("h1", {}, t("experiments")),
      h("p", { class: "muted" }, t("exp.about")),
      ...(results.length ? results.reverse().map((r) => section(r, refresh)) : [h("p", { class: "muted", "data-testid": "no-experiments" }, t("exp.none"))]),
      createForm(models, refresh));
  };
  const refresh = () => load().catch((error) => page.replaceChildren(h("h1", {}, t("experiments")), errorBox(error)));
  await load();
  return page;
}
