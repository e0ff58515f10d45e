// Browser tests of the dashboard and the storefront, in Debian's headless Chromium driven by
// playwright-core. Starts `aisle demo` on a small shop in a temporary directory, then:
//   - signs in to the dashboard and visits every page, retrains a model, switches language;
//   - follows a shopper through the storefront (product page, add to cart, checkout) and checks
//     that the home recommendations changed afterwards;
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
  const child = spawn(bin, ["--data-dir", data, "--log", "warn", "demo", "--events", "20000", "--addr", `127.0.0.1:${port}`], {
    stdio: ["ignore", "pipe", "inherit"],
  });
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
  page.on("requestfailed", (request) => errors.push(`request failed: ${request.url()}`));
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
  step("all browser tests passed");
} catch (error) {
  console.error(error);
  process.exitCode = 1;
} finally {
  await browser?.close();
  demo?.child.kill("SIGTERM");
  rmSync(data, { recursive: true, force: true });
}
