// Data: import a file with a progress bar and the rejected rows, and search the catalog.

import { h, api, table, errorBox } from "../dom.js";
import { t } from "../i18n.js";

const FORMATS = ["events", "items", "users", "reviews", "online-retail", "movielens", "diginetica", "s3rec", "sasrec"];

function status(job) {
  const fraction = job.bytes_total ? job.bytes_done / job.bytes_total : 0;
  return h("div", { "data-testid": "import-status" },
    h("p", {}, `${job.id} · ${job.format} · ${t(job.state)} · ${job.records.toLocaleString()} ${t("records")} · ${job.rejected.toLocaleString()} ${t("rejects").toLowerCase()}`),
    h("progress", { max: 1, value: job.state === "done" ? 1 : fraction, "aria-label": t("importFile") }),
    job.error ? h("p", { class: "error", role: "alert" }, job.error) : null,
    job.rejects?.length ? h("section", {}, h("h3", {}, t("rejects")), table([t("line"), t("error")], job.rejects.map((r) => [r.line, r.error]))) : null);
}

async function follow(id, slot) {
  const job = await api(`/v1/admin/imports/${encodeURIComponent(id)}`);
  slot.replaceChildren(status(job));
  if (job.state === "running" && document.body.contains(slot)) setTimeout(() => follow(id, slot).catch((e) => slot.replaceChildren(errorBox(e))), 500);
}

export async function render() {
  const file = h("input", { id: "import-file", type: "file", "data-testid": "import-file", required: true });
  const format = h("select", { id: "import-format", "data-testid": "import-format" }, FORMATS.map((f) => h("option", { value: f }, f)));
  const slot = h("div", {});
  const form = h("form", {
    class: "row", onsubmit: async (event) => {
      event.preventDefault();
      const chosen = file.files?.[0];
      if (!chosen) return;
      try {
        const job = await api(`/v1/admin/imports?format=${encodeURIComponent(format.value)}`, { method: "POST", raw: chosen });
        await follow(job.id, slot);
      } catch (error) {
        slot.replaceChildren(errorBox(error));
      }
    },
  }, h("label", { for: "import-format" }, t("format")), format, h("label", { for: "import-file" }, t("importFile")), file,
  h("button", { type: "submit", "data-testid": "import-submit" }, t("upload")));
  return h("div", { class: "page", "data-testid": "data" },
    h("h1", {}, t("data")),
    h("section", {}, h("h2", {}, t("importFile")), form, slot),
    h("section", {}, h("h2", {}, t("items")), h("p", {}, h("a", { href: "#/items" }, `${t("search")} ${t("items").toLowerCase()}`), " · ",
      h("a", { href: "#/users" }, `${t("search")} ${t("users").toLowerCase()}`))));
}
