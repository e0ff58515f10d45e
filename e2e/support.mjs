// What the browser tests share: where the demo listens, step headings, the watch that fails a
// page on any console error or request outside the server, axe-core's WCAG audit, screenshots,
// and reading the demo's JSON.

import { mkdirSync, copyFileSync } from "node:fs";
import { join, dirname } from "node:path";
import { fileURLToPath } from "node:url";
import assert from "node:assert/strict";
import { createRequire } from "node:module";

const axePath = createRequire(import.meta.url).resolve("axe-core/axe.min.js");

const here = dirname(fileURLToPath(import.meta.url));
export const root = join(here, "..");
export const port = Number(process.env.AISLE_E2E_PORT ?? 18480);
export const base = `http://127.0.0.1:${port}`;
const artifacts = join(here, "artifacts");
mkdirSync(artifacts, { recursive: true });

export function step(text) {
  console.log(`\n== ${text}`);
}

/** Collects into `errors` the page's console errors, uncaught exceptions, failed requests and requests outside the server. */
export function watchErrors(page, errors) {
  page.on("console", (message) => { if (message.type() === "error") errors.push(`console: ${message.text()}`); });
  page.on("pageerror", (error) => errors.push(`page error: ${error.message}`));
  page.on("requestfailed", (request) => {
    // A suggestion request is aborted when the shopper types on before it is answered.
    const stale = request.url().startsWith(`${base}/shop/api/suggest`) && request.failure()?.errorText === "net::ERR_ABORTED";
    if (!stale) errors.push(`request failed: ${request.url()}`);
  });
  page.on("request", (request) => {
    if (!request.url().startsWith(base) && !request.url().startsWith("data:")) errors.push(`request outside the server: ${request.url()}`);
  });
}

/** WCAG 2 A and AA checks (contrast, names, labels, landmarks) by axe-core, injected from disk. */
export async function audit(page, where) {
  await page.addScriptTag({ path: axePath });
  const found = await page.evaluate(async () => {
    const result = await window.axe.run(document, { runOnly: { type: "tag", values: ["wcag2a", "wcag2aa"] } });
    return result.violations.map((v) => `${v.id} (${v.impact}): ${v.nodes.length} × ${v.nodes[0]?.target.join(" ")}`);
  });
  assert.deepEqual(found, [], `accessibility violations on ${where}`);
}

/** A screenshot of the whole page, or of `target` (a locator) alone. */
export async function shot(page, name, target) {
  const path = join(artifacts, `${name}.png`);
  if (target) await target.screenshot({ path });
  else await page.screenshot({ path, fullPage: true });
  if (process.env.UPDATE_SCREENSHOTS === "1") {
    mkdirSync(join(root, "docs", "screenshots"), { recursive: true });
    copyFileSync(path, join(root, "docs", "screenshots", `${name}.png`));
  }
}

/** GET `path` from the demo (with the admin `key`, if given); the JSON, or null for a non-2xx answer. */
export async function getJson(path, key) {
  const response = await fetch(`${base}${path}`, { headers: key ? { Authorization: `Bearer ${key}` } : {} });
  return response.ok ? response.json() : null;
}
