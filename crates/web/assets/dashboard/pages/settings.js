// Settings: the running configuration (read-only) and API key management.

import { h, api, table, when, errorBox } from "../dom.js";
import { t } from "../i18n.js";

export async function render() {
  const [config, keys] = await Promise.all([api("/v1/admin/config"), api("/v1/admin/keys")]);
  const scope = h("select", { id: "key-scope", "data-testid": "key-scope" }, ["read", "write", "admin"].map((s) => h("option", { value: s }, s)));
  const label = h("input", { id: "key-label", "data-testid": "key-label", value: "dashboard" });
  const shown = h("div", { "aria-live": "polite" });
  const rows = keys.keys.map((k) => [k.id, k.scope, k.label, when(k.created_at),
    h("button", { type: "button", onclick: async () => { await api(`/v1/admin/keys/${encodeURIComponent(k.id)}`, { method: "DELETE" }); location.reload(); } }, t("revoke"))]);
  const create = h("form", {
    class: "row", onsubmit: async (event) => {
      event.preventDefault();
      try {
        const made = await api("/v1/admin/keys", { method: "POST", body: { scope: scope.value, label: label.value } });
        shown.replaceChildren(h("p", {}, t("newKey"), " ", h("code", { "data-testid": "new-key" }, made.key)));
      } catch (error) {
        shown.replaceChildren(errorBox(error));
      }
    },
  }, h("label", { for: "key-scope" }, t("scope")), scope, h("label", { for: "key-label" }, t("label")), label,
  h("button", { type: "submit", "data-testid": "key-create" }, t("create")));
  return h("div", { class: "page", "data-testid": "settings" },
    h("h1", {}, t("settings")),
    h("section", {}, h("h2", {}, t("keys")), table([t("id"), t("scope"), t("label"), t("created"), ""], rows), create, shown),
    h("section", {}, h("h2", {}, t("config")), h("pre", { "data-testid": "config" }, JSON.stringify(config, null, 2))));
}
