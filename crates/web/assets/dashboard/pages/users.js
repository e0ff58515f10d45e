// Users: search shoppers; one shopper's profile (see profile.js) with the raw documents behind
// it, current recommendations with their explanations, and behaviour timeline.

import { h, api, table, when, errorBox } from "../dom.js";
import { t } from "../i18n.js";
import { profilePanel } from "./profile.js";

async function list() {
  const input = h("input", { id: "user-q", type: "search", "data-testid": "user-search", value: sessionStorage.getItem("aisle.userQ") ?? "" });
  const results = h("div", {});
  const run = async () => {
    sessionStorage.setItem("aisle.userQ", input.value);
    const page = await api(`/v1/admin/users?limit=50&q=${encodeURIComponent(input.value)}`);
    results.replaceChildren(table([t("id"), t("events")], page.users.map((u) =>
      [h("a", { href: `#/users/${encodeURIComponent(u.id)}`, "data-testid": "user-link" }, u.id), u.events.toLocaleString()])));
  };
  await run();
  return h("div", { class: "page", "data-testid": "users" }, h("h1", {}, t("users")),
    h("form", { class: "row", onsubmit: (e) => { e.preventDefault(); run(); } },
      h("label", { for: "user-q" }, t("search")), input, h("button", { type: "submit" }, t("search"))), results);
}

/** Scrollable JSON; tabindex lets a keyboard scroll it too. */
function json(value) {
  return h("pre", { tabindex: "0" }, JSON.stringify(value, null, 2));
}

async function one(id) {
  const path = encodeURIComponent(id);
  const [user, profile, events, recs] = await Promise.all([
    api(`/v1/users/${path}`),
    // A failed profile shows its error in its own section; the rest of the page still shows.
    api(`/v1/users/${path}/profile`).catch((error) => error),
    api(`/v1/admin/users/${path}/events?limit=100`),
    api(`/v1/users/${path}/recommendations?n=10&explain=true`),
  ]);
  const failed = profile instanceof Error;
  return h("div", { class: "page", "data-testid": "user" },
    h("h1", {}, `${t("users")}: ${id}`),
    h("section", { "data-testid": "profile" }, h("h2", {}, t("profile")),
      failed ? errorBox(profile) : profilePanel(profile),
      h("details", { "data-testid": "profile-raw" }, h("summary", {}, t("raw")),
        h("h3", {}, t("userDocument")), json(user),
        failed ? null : [h("h3", {}, t("profileDocument")), json(profile)])),
    h("section", {}, h("h2", {}, `${t("recommendations")} (${recs.model} v${recs.model_version})`),
      table([t("item"), "score", t("why")], recs.items.map((i) =>
        [h("a", { href: `#/items/${encodeURIComponent(i.id)}` }, i.id), i.score.toFixed(3), i.reasons.join("; ")]))),
    h("section", {}, h("h2", {}, t("timeline")),
      table([t("when"), t("kind"), t("item")], events.events.map((e) =>
        [when(e.timestamp), e.kind, e.item_id ? h("a", { href: `#/items/${encodeURIComponent(e.item_id)}` }, e.item_id) : ""]))));
}

export function render(params) {
  return params.length ? one(params[0]) : list();
}
