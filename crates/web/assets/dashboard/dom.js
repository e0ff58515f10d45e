// DOM and API helpers shared by the dashboard's pages.

import { ApiError, answer } from "../common/api.js";
import { h } from "../common/dom.js";
import { t } from "./i18n.js";

export { ApiError, h };

/** A table of rows (arrays of cells) under `headers`. */
export function table(headers, rows) {
  if (rows.length === 0) return h("p", { class: "muted" }, t("none"));
  return h("table", {},
    h("thead", {}, h("tr", {}, headers.map((x) => h("th", { scope: "col" }, x)))),
    h("tbody", {}, rows.map((row) => h("tr", {}, row.map((cell) => h("td", {}, cell))))));
}

/** A card: a label over a value, with an optional smaller note under them. */
export function card(label, value, testid, note) {
  return h("div", { class: "card", "data-testid": testid }, h("div", { class: "card-label" }, label), h("div", { class: "card-value" }, value),
    note ? h("div", { class: "card-note" }, note) : null);
}

export function key() {
  return localStorage.getItem("aisle.adminKey") ?? "";
}

/** Calls the API with the admin key; a problem+json answer becomes an ApiError with its detail. */
export async function api(path, { method = "GET", body, raw } = {}) {
  const headers = { Authorization: `Bearer ${key()}` };
  let payload;
  if (raw !== undefined) payload = raw;
  else if (body !== undefined) {
    headers["Content-Type"] = "application/json";
    payload = JSON.stringify(body);
  }
  const response = await fetch(path, { method, headers, body: payload });
  if (response.status === 204) return null;
  return answer(response);
}

export function when(text) {
  if (!text) return "";
  const date = new Date(text);
  return Number.isNaN(date.getTime()) ? String(text) : date.toLocaleString();
}

export function percent(value) {
  return `${(100 * (value || 0)).toFixed(1)}%`;
}

export function errorBox(error) {
  return h("p", { class: "error", role: "alert" }, `${t("error")}: ${error.message ?? error}`);
}
