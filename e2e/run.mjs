// Browser tests of the dashboard and the storefront, in Debian's headless Chromium driven by
// playwright-core. Starts `aisle demo` on a small shop in a temporary directory, then:
//   - signs in to the dashboard and visits every page, retrains a model, switches language;
//   - follows a shopper through the storefront (product page, add to cart, checkout) and checks
//     that the home recommendations changed afterwards;
//   - searches the storefront: suggestions picked with the keyboard, Chinese and English queries
//     with their matched words marked, a facet, the sort, back and forward;
//   - renders the storefront at phone width, with no horizontal scrolling;
//   - audits pages with axe-core for WCAG 2 A/AA violations (contrast, names, labels);
//   - fails on any console error or uncaught exception.
// Screenshots go to e2e/artifacts/ (and to docs/screenshots/ with UPDATE_SCREENSHOTS=1).
//   AISLE_BIN=target/debug/aisle node e2e/run.mjs

import { spawn } from "node:child_process";
import { mkdtempSync, mkdirSync, rmSync, copyFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, dirname } from "node:path";
import { fileURLToPath } from "node:url";
import assert from "node:assert/strict";
import { createRequire } from "node:module";
import { chromium } from "playwright-core";

const axePath = createRequire(import.meta.url).resolve("axe-core/axe.min.js");

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, "..");
const bin = process.env.AISLE_BIN ?? join(process.env.CARGO_TARGET_DIR ?? join(root, "target"), "debug", "aisle");
const port = Number(process.env.AISLE_E2E_PORT ?? 18480);
const base = `http://127.0.0.1:${port}`;
const artifacts = join(here, "artifacts");
mkdirSync(artifacts, { recursive: true });
const data = mkdtempSync(join(tmpdir(), "aisle-e2e-"));

function step(text) {
  console.log(`\n== ${text}`);
}

async function startDemo() {
  // The model CI already fetched (AISLE_EMBED_MODEL) serves semantic search; without one the
  // demo runs with lexical search rather than downloading it.
  const model = process.env.AISLE_EMBED_MODEL;
  const env = model ? { ...process.env, AISLE_SEARCH__MODEL_DIR: model } : process.env;
  const args = ["--data-dir", data, "--log", "warn", "demo", "--events", "20000", "--addr", `127.0.0.1:${port}`];
  if (!model) args.push("--no-model");
  const child = spawn(bin, args, { stdio: ["ignore", "pipe", "inherit"], env });
  let output = "";
  const key = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`aisle demo printed no admin key in 10 minutes:\n${output}`)), 600_000);
    child.stdout.on("data", (chunk) => {
      output += chunk;
      const found = output.match(/admin key: (\S+)\)/);
      if (found) { clearTimeout(timer); resolve(found[1]); }
    });
    child.on("exit", (code) => reject(new Error(`aisle demo exited with ${code}:\n${output}`)));
  });
  for (let i = 0; i < 600; i++) {
    try {
      if ((await fetch(`${base}/health/ready`)).ok) return { child, key };
    } catch { /* not listening yet */ }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error("the server never became ready");
}

function watchErrors(page, errors) {
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
async function audit(page, where) {
  await page.addScriptTag({ path: axePath });
  const found = await page.evaluate(async () => {
    const result = await window.axe.run(document, { runOnly: { type: "tag", values: ["wcag2a", "wcag2aa"] } });
    return result.violations.map((v) => `${v.id} (${v.impact}): ${v.nodes.length} × ${v.nodes[0]?.target.join(" ")}`);
  });
  assert.deepEqual(found, [], `accessibility violations on ${where}`);
}

async function shot(page, name) {
  const path = join(artifacts, `${name}.png`);
  await page.screenshot({ path, fullPage: true });
  if (process.env.UPDATE_SCREENSHOTS === "1") {
    mkdirSync(join(root, "docs", "screenshots"), { recursive: true });
    copyFileSync(path, join(root, "docs", "screenshots", `${name}.png`));
  }
}

async function dashboard(browser, key) {
  step("dashboard: sign in, every page, retrain, language");
  const errors = [];
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  watchErrors(page, errors);
  await page.goto(`${base}/`);
  await page.getByTestId("admin-key").fill("not-a-key");
  await page.getByTestId("sign-in").click();
  await page.getByRole("alert").waitFor();
  errors.length = 0; // the rejected key's 401 is expected
  await page.getByTestId("admin-key").fill(key);
  await page.getByTestId("sign-in").click();
  await page.getByTestId("overview").waitFor();
  const events = Number((await page.getByTestId("count-events").innerText()).replace(/\D/g, ""));
  assert.ok(events >= 10_000, `the overview counts the demo's events, got ${events}`);
  assert.ok(await page.locator("svg.chart polyline").count() > 0, "events per day are charted");
  await shot(page, "dashboard");
  await audit(page, "the dashboard's overview");

  // Keyboard: Tab alone reaches the navigation, and the focused element shows a focus ring.
  const reached = [];
  for (let i = 0; i < 12; i++) {
    await page.keyboard.press("Tab");
    reached.push(await page.evaluate(() => {
      const el = document.activeElement;
      // Past the last control focus leaves the page (the body): not a control, no ring needed.
      if (!el || el === document.body) return { id: "body", outline: "n/a" };
      return { id: el.dataset?.testid ?? el.textContent, outline: getComputedStyle(el).outlineStyle };
    }));
  }
  assert.ok(reached.some((r) => r.id === "nav-models"), `Tab reaches the models link: ${JSON.stringify(reached)}`);
  assert.ok(reached.every((r) => r.outline !== "none"), `every focused element shows a focus ring: ${JSON.stringify(reached)}`);

  await page.getByTestId("nav-models").click();
  await page.getByTestId("models").waitFor();
  await page.getByTestId("retrain-popular").click();
  await page.waitForFunction(() => /popular v\d+/.test(document.querySelector('[data-testid="training-status"]')?.textContent ?? ""), null, { timeout: 120_000 });
  await shot(page, "dashboard-models");
  await audit(page, "the models page");

  await page.getByTestId("nav-users").click();
  await page.getByTestId("user-link").first().click();
  await page.getByTestId("user").waitFor();
  assert.ok(await page.locator('[data-testid="user"] table').count() >= 1, "a shopper's page lists recommendations");
  await shot(page, "dashboard-user");

  await page.getByTestId("nav-items").click();
  await page.getByTestId("item-link").first().click();
  await page.getByTestId("item").waitFor();

  await page.getByTestId("nav-settings").click();
  await page.getByTestId("config").waitFor();
  assert.match(await page.getByTestId("config").innerText(), /"server"/);

  await page.getByTestId("lang-switch").click();
  await page.getByTestId("nav-overview").filter({ hasText: "概览" }).waitFor();
  await page.getByTestId("lang-switch").click();
  assert.deepEqual(errors, [], "no console errors on the dashboard");
  await page.close();
}

async function recIds(page) {
  await page.getByTestId("rec-item").first().waitFor();
  return page.getByTestId("rec-item").evaluateAll((cards) => cards.map((c) => c.dataset.itemId));
}

async function storefront(browser) {
  step("storefront: a shopper buys, and the recommendations change");
  const errors = [];
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  watchErrors(page, errors);
  await page.goto(`${base}/shop`);
  const select = page.getByTestId("shopper-select");
  const shopper = await select.locator("option").nth(1).getAttribute("value");
  await select.selectOption(shopper);
  await page.getByTestId("home-recs").waitFor();
  const before = await recIds(page);
  assert.ok(before.length > 0, "a shopper's home page has recommendations");
  await shot(page, "storefront");
  await audit(page, "the storefront's home page");

  await page.getByTestId("rec-item").first().locator("a").first().click();
  await page.getByTestId("add-to-cart").waitFor();
  await audit(page, "a product page");
  await page.getByTestId("add-to-cart").click();
  await page.getByTestId("cart-link").click();
  await page.getByTestId("checkout").click();
  await page.getByTestId("order-confirmation").waitFor();
  await audit(page, "the order confirmation");

  let after = before;
  for (let attempt = 0; attempt < 10 && JSON.stringify(after) === JSON.stringify(before); attempt++) {
    await page.goto(`${base}/shop`);
    after = await recIds(page);
  }
  assert.notDeepEqual(after, before, "the home recommendations changed after the purchase");

  await page.getByTestId("lang-switch").click();
  await page.waitForFunction(() => document.documentElement.lang.startsWith("zh"));
  await shot(page, "storefront-zh");
  await page.getByTestId("lang-switch").click();
  assert.deepEqual(errors, [], "no console errors in the storefront");
  await page.close();

  step("storefront at phone width");
  const phone = await browser.newPage({ viewport: { width: 375, height: 740 }, isMobile: true, hasTouch: true });
  const phoneErrors = [];
  watchErrors(phone, phoneErrors);
  await phone.goto(`${base}/shop`);
  await phone.getByTestId("rec-item").first().waitFor();
  const overflow = await phone.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(overflow <= 1, `no horizontal scrolling at 375 px (overflow ${overflow} px)`);
  await shot(phone, "storefront-phone");
  assert.deepEqual(phoneErrors, []);
  await phone.close();
}

/** Waits until the server's search index is built (it opens in the background at start). */
async function searchReady() {
  for (let i = 0; i < 1200; i++) {
    try {
      if ((await fetch(`${base}/shop/api/suggest?q=a`)).ok) return;
    } catch { /* not answering yet */ }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error("the search index was never ready");
}

/** Does `action`, then waits for the search page it leads to (the one shown before gone). */
async function toResults(page, action) {
  const before = await page.$('[data-testid="search-results"]');
  await action();
  if (before) await page.waitForFunction((node) => !node.isConnected, before);
  await page.locator('[data-testid="search-total"], [data-testid="no-results"]').first().waitFor();
}

async function total(page) {
  return Number(await page.getByTestId("search-total").getAttribute("data-total"));
}

/** Searches with the header's box; the number of items found, a matched word marked in one. */
async function searchFor(page, words) {
  const box = page.getByTestId("search-input");
  await toResults(page, async () => {
    await box.fill(words);
    await box.press("Enter");
  });
  await page.locator("h1").filter({ hasText: words }).waitFor();
  assert.equal(await page.getByTestId("no-results").count(), 0, `“${words}” finds items`);
  const found = await total(page);
  assert.ok(found > 0, `“${words}” finds items`);
  const marked = await page.locator('[data-testid="search-items"] .card-title mark').count();
  assert.ok(marked > 0, `a result's title marks what matched “${words}”`);
  return found;
}

async function storefrontSearch(browser) {
  step("storefront search: suggestions, Chinese and English queries, facets, sort");
  await searchReady();
  const errors = [];
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  watchErrors(page, errors);
  await page.goto(`${base}/shop`);
  await page.getByTestId("rec-item").first().waitFor();

  // Suggestions appear as the shopper types; Escape closes them, arrows and Enter pick one.
  const box = page.getByTestId("search-input");
  const list = page.locator("#q-suggestions");
  const options = list.getByRole("option");
  await box.click();
  await box.pressSequentially("runn", { delay: 60 });
  await options.first().waitFor();
  assert.equal(await box.getAttribute("aria-expanded"), "true");
  await box.press("Escape");
  await list.waitFor({ state: "hidden" });
  assert.equal(await box.getAttribute("aria-expanded"), "false");
  assert.equal(await box.inputValue(), "runn", "Escape closes the suggestions and keeps the words");
  await box.pressSequentially("i", { delay: 60 });
  await options.first().waitFor();
  assert.ok(await options.count() >= 1, "suggestions for “runni”");
  await audit(page, "the search box's suggestions");
  await shot(page, "storefront-suggestions");
  await box.press("ArrowDown");
  const chosen = options.first();
  assert.equal(await chosen.getAttribute("aria-selected"), "true");
  assert.equal(await box.getAttribute("aria-activedescendant"), await chosen.getAttribute("id"));
  const kind = await chosen.getAttribute("data-kind");
  const id = await chosen.getAttribute("data-id");
  const text = await chosen.locator("span").first().innerText();
  await box.press("Enter");
  if (kind === "item") await page.locator(`[data-testid="product"][data-item-id="${id}"]`).waitFor();
  else await page.locator("h1").filter({ hasText: text }).waitFor();
  assert.ok(await list.isHidden(), "the suggestions close once one is picked");

  // Chinese and English queries; what a query asks beyond its words shows as chips.
  await searchFor(page, "跑步鞋");
  await toResults(page, async () => {
    await page.getByTestId("search-input").fill("跑步鞋 200元以下");
    await page.getByTestId("search-input").press("Enter");
  });
  assert.match(await page.getByTestId("understood").innerText(), /200/, "the price in the words is understood");
  const before = await searchFor(page, "running shoes");

  // A facet narrows the results and shows as a chip; the sort orders them; back undoes both.
  const facet = page.locator('[data-testid="facets"] [data-facet="brand"] [data-testid="facet-value"]').first();
  await toResults(page, () => facet.click());
  assert.equal(await page.getByTestId("filter-chip").count(), 1, "the chosen brand shows as a chip");
  assert.match(page.url(), /brand=/);
  const narrowed = await total(page);
  assert.ok(narrowed <= before, `a facet does not widen the results (${narrowed} of ${before})`);
  await toResults(page, () => page.getByTestId("sort").selectOption("price_asc"));
  assert.match(page.url(), /sort=price_asc/);
  assert.equal(await page.evaluate(() => document.activeElement?.id), "sort", "focus stays on the sort");
  const prices = (await page.locator('[data-testid="search-items"] .card-price').allInnerTexts())
    .map((p) => Number(p.replace(/[^\d.]/g, ""))).filter((p) => p > 0);
  assert.deepEqual(prices, [...prices].sort((a, b) => a - b), "sorted by price, low to high");
  await audit(page, "the search results with a facet chosen");
  await shot(page, "storefront-search");
  await toResults(page, () => page.goBack());
  assert.equal(await page.getByTestId("sort").inputValue(), "relevance", "back undoes the sort");
  assert.equal(await page.getByTestId("filter-chip").count(), 1);
  await toResults(page, () => page.getByTestId("filter-chip").click());
  assert.equal(await page.getByTestId("filter-chip").count(), 0, "a chip's click removes its filter");
  assert.deepEqual(errors, [], "no console errors in the storefront's search");
  await page.close();

  step("storefront search at phone width");
  const phone = await browser.newPage({ viewport: { width: 375, height: 740 }, isMobile: true, hasTouch: true });
  const phoneErrors = [];
  watchErrors(phone, phoneErrors);
  await phone.goto(`${base}/shop/search?q=${encodeURIComponent("running shoes")}`);
  await phone.getByTestId("search-items").waitFor();
  const facets = phone.getByTestId("facets");
  assert.equal(await facets.evaluate((details) => details.open), false, "the facets start collapsed on a phone");
  const [facetsBox, itemsBox] = [await facets.boundingBox(), await phone.getByTestId("search-items").boundingBox()];
  assert.ok(facetsBox.y < itemsBox.y, "the facets are above the results on a phone");
  await phone.getByTestId("search-input").fill("");
  await phone.getByTestId("search-input").pressSequentially("runn", { delay: 60 });
  await phone.locator("#q-suggestions").getByRole("option").first().waitFor();
  const overflow = await phone.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(overflow <= 1, `no horizontal scrolling at 375 px (overflow ${overflow} px)`);
  await shot(phone, "storefront-search-phone");
  assert.deepEqual(phoneErrors, []);
  await phone.close();
}

let demo;
let browser;
try {
  step(`starting aisle demo (${bin}) on ${base}`);
  demo = await startDemo();
  browser = await chromium.launch({
    executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--no-first-run"],
  });
  await dashboard(browser, demo.key);
  await storefront(browser);
  await storefrontSearch(browser);
  step("all browser tests passed");
} catch (error) {
  console.error(error);
  process.exitCode = 1;
} finally {
  await browser?.close();
  demo?.child.kill("SIGTERM");
  rmSync(data, { recursive: true, force: true });
}
