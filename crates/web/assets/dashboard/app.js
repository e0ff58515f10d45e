// The dashboard: sign-in with an admin key, a navigation bar and hash-routed pages. Each page is
// a module exporting `render(params) -> Promise<Node>`; the shell swaps its output in.

import { h, key, errorBox, ApiError } from "./dom.js";
import { t, language, setLanguage } from "./i18n.js";
import * as overview from "./pages/overview.js";
import * as models from "./pages/models.js";
import * as data from "./pages/data.js";
import * as users from "./pages/users.js";
import * as items from "./pages/items.js";
import * as segments from "./pages/segments.js";
import * as forecasts from "./pages/forecasts.js";
import * as experiments from "./pages/experiments.js";
import * as assistant from "./pages/assistant.js";
import * as settings from "./pages/settings.js";

const PAGES = [
  ["overview", overview], ["models", models], ["data", data], ["users", users], ["items", items],
  ["segments", segments], ["forecasts", forecasts], ["experiments", experiments], ["assistant", assistant],
  ["settings", settings],
];

const app = document.getElementById("app");
let renderCount = 0;

function route() {
  const [name = "overview", ...rest] = location.hash.replace(/^#\/?/, "").split("/").map(decodeURIComponent);
  return { name, params: rest };
}

function nav(current) {
  return h("nav", { "aria-label": t("title") },
    h("a", { href: "#/overview", class: "brand" }, "Aisle"),
    h("ul", {}, PAGES.map(([name]) =>
      h("li", {}, h("a", { href: `#/${name}`, "aria-current": name === current ? "page" : undefined, "data-testid": `nav-${name}` }, t(name))))),
    h("div", { class: "nav-tools" },
      h("button", { type: "button", "data-testid": "lang-switch", onclick: () => { setLanguage(language() === "zh" ? "en" : "zh"); render(); } },
        language() === "zh" ? "English" : "中文"),
      h("button", { type: "button", onclick: () => { localStorage.removeItem("aisle.adminKey"); render(); } }, t("signOut"))));
}

function signIn(message) {
  const input = h("input", { id: "admin-key", type: "password", autocomplete: "off", "data-testid": "admin-key", required: true });
  const form = h("form", {
    class: "sign-in", onsubmit: (event) => {
      event.preventDefault();
      localStorage.setItem("aisle.adminKey", input.value.trim());
      render();
    },
  },
  h("h1", {}, t("title")),
  h("label", { for: "admin-key" }, t("adminKey")), input,
  h("p", { class: "muted" }, t("keyHelp")),
  message ? h("p", { class: "error", role: "alert" }, message) : null,
  h("button", { type: "submit", "data-testid": "sign-in" }, t("signIn")));
  app.replaceChildren(form);
  input.focus();
}

async function render() {
  document.title = t("title");
  document.documentElement.lang = language() === "zh" ? "zh-CN" : "en";
  if (!key()) return signIn();
  const { name, params } = route();
  const page = PAGES.find(([n]) => n === name)?.[1] ?? overview;
  const ticket = ++renderCount;
  const main = h("main", { id: "content", tabindex: "-1" }, h("p", { class: "muted" }, t("loading")));
  app.replaceChildren(nav(name), main);
  try {
    const node = await page.render(params);
    if (ticket === renderCount) main.replaceChildren(node);
  } catch (error) {
    if (error instanceof ApiError && (error.status === 401 || error.status === 403)) {
      localStorage.removeItem("aisle.adminKey");
      return signIn(t("badKey"));
    }
    if (ticket === renderCount) main.replaceChildren(errorBox(error));
  }
}

window.addEventListener("hashchange", render);
render();
