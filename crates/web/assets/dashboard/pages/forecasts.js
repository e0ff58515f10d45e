// Forecasts: units sold per category or item per week or day, and the next periods, read from
// `GET /v1/forecasts/demand`. One chart per series: the periods sold, then the forecast dashed
// and lighter, with the model the server chose for that series. When the shop's history
// cannot answer (too few periods), the server's reason shows as a message.
// Category and item names come from the catalog: they go in as text only.

import { h, api, ApiError, errorBox } from "../dom.js";
import { t } from "../i18n.js";
import { forecastChart } from "../../common/charts.js";
import { named } from "./profile.js";

const SMALL = 560;
const DEFAULTS = { by: "category", period: "week", horizon: 4, top: 10 };

function chosen() {
  let saved = {};
  try { saved = JSON.parse(sessionStorage.getItem("aisle.forecast") ?? "{}") ?? {}; } catch { saved = {}; }
  return { ...DEFAULTS, ...saved };
}

function units(value) {
  return value.toLocaleString(undefined, { maximumFractionDigits: 1 });
}

/** A period's first day without its year (the summary line gives the years). */
function short(day) {
  return day.slice(5);
}

function seriesChart(series, period) {
  const history = series.history ?? [];
  const ahead = series.forecast ?? [];
  return forecastChart({
    title: t(`forecastChart.${period}`, { key: series.key }), width: SMALL, height: 220,
    labels: [...history, ...ahead].map((p) => short(p.start)),
    history: history.map((p) => p.units), forecast: ahead.map((p) => p.units),
    names: { history: t("sold"), forecast: t("forecast") },
  });
}

function seriesSection(series, period) {
  return h("section", { "data-testid": "forecast-series", "data-key": series.key },
    h("h3", {}, series.key),
    h("p", { class: "muted" },
      h("span", { "data-testid": "forecast-model", "data-value": series.model }, t("model", { model: named("model", series.model) })),
      " · ", t("totalUnits", { units: units(series.total_units) })),
    seriesChart(series, period),
    h("p", { class: "muted" }, t("next", { values: (series.forecast ?? []).map((p) => units(p.units)).join(" · ") })));
}

function results(answer) {
  const history = answer.series[0]?.history ?? [];
  return [
    h("p", { class: "muted", "data-testid": "forecast-summary" }, t(`forecastSummary.${answer.period}`, {
      n: answer.history_periods, first: history[0]?.start ?? "", last: history.at(-1)?.start ?? "", from: answer.forecast_from,
    })),
    answer.series.length === 0 ? h("p", { class: "muted" }, t("none"))
      : h("div", { class: "charts" }, answer.series.map((s) => seriesSection(s, answer.period))),
  ];
}

/** The server's reason a forecast cannot be made (in English), as a readable message. */
function problem(error) {
  return h("div", { class: "notice", role: "alert", "data-testid": "forecast-problem" },
    h("strong", {}, t("noForecast")), " ", h("span", { lang: "en" }, error.message));
}

async function forecast(choice) {
  const query = new URLSearchParams({ by: choice.by, period: choice.period, horizon: choice.horizon, top: choice.top });
  try {
    return results(await api(`/v1/forecasts/demand?${query}`));
  } catch (error) {
    if (error instanceof ApiError && error.status === 400) return problem(error);
    throw error;
  }
}

function select(id, value, options) {
  return h("select", { id, name: id, "data-testid": id },
    options.map((option) => h("option", { value: option, selected: option === value }, t(`${id}.${option}`))));
}

function number(id, value, max) {
  return h("input", { id, name: id, type: "number", min: 1, max, step: 1, required: true, value, "data-testid": id });
}

function field(id, control) {
  return h("span", { class: "field" }, h("label", { for: id }, t(id)), control);
}

export async function render() {
  const choice = chosen();
  const body = h("div", { "data-testid": "forecast-results" }, await forecast(choice));
  const by = select("forecast-by", choice.by, ["category", "item"]);
  const period = select("forecast-period", choice.period, ["week", "day"]);
  const horizon = number("forecast-horizon", choice.horizon, 52);
  const top = number("forecast-top", choice.top, 100);
  let ticket = 0;
  const run = async (event) => {
    event.preventDefault();
    const next = { by: by.value, period: period.value, horizon: Number(horizon.value), top: Number(top.value) };
    sessionStorage.setItem("aisle.forecast", JSON.stringify(next));
    const mine = ++ticket;
    body.setAttribute("aria-busy", "true");
    let content;
    try {
      content = await forecast(next);
    } catch (error) {
      content = errorBox(error);
    }
    if (mine !== ticket) return;
    body.replaceChildren(...[content].flat());
    body.removeAttribute("aria-busy");
  };
  return h("div", { class: "page", "data-testid": "forecasts" },
    h("h1", {}, t("forecasts")),
    h("p", { class: "muted" }, t("forecastsNote")),
    h("form", { class: "row", "data-testid": "forecast-form", onsubmit: run },
      field("forecast-by", by), field("forecast-period", period), field("forecast-horizon", horizon), field("forecast-top", top),
      h("button", { type: "submit", "data-testid": "forecast-run" }, t("showForecast"))),
    body);
}
