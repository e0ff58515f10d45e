// DOM and API helpers shared by the dashboard's pages.

import { t } from "./i18n.js";

/** An element: h("a", {href: "#/x"}, "text", child...). Text is always set as text, never HTML. */
export function h(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attributes)) {
    if (value === undefined || value === null || value === false) continue;
    if (key.startsWith("on")) node.addEventListener(key.slice(2), value);
    else node.setAttribute(key, value === true ? "" : String(value));
  }
  for (const child of children.flat()) {
    if (child === undefined || child === null) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

/** A table of rows (arrays of cells) under `headers`. */
export function table(headers, rows) {
  if (rows.length === 0) return h("p", { class: "muted" }, t("none"));
  return h("table", {},
    h("thead", {}, h("tr", {}, headers.map((x) => h("th", { scope: "col" }, x)))),
    h("tbody", {}, rows.map((row) => h("tr", {}, row.map((cell) => h("td", {}, cell))))));
}

export function card(label, value, testid) {
  return h("div", { class: "card", "data-testid": testid }, h("div", { class: "card-label" }, label), h("div", { class: "card-value" }, value));
}

export function key() {
  return localStorage.getItem("aisle.adminKey") ?? "";
}

export class ApiError extends Error {
  constructor(status, detail) {
    super(detail);
    this.status = status;
  }
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
  const text = await response.text();
  let value = null;
  try { value = text ? JSON.parse(text) : null; } catch { value = null; }
  if (!response.ok) throw new ApiError(response.status, value?.detail ?? `${response.status} ${response.statusText}`);
  return value;
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
