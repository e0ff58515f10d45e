// Browser tests of the dashboard and the storefront, in Debian's headless Chromium driven by
// playwright-core. Starts `aisle demo` on a small shop in a temporary directory, then:
//   - signs in to the dashboard and visits every page, retrains a model, switches language;
//   - reads a shopper's profile: segment, lifecycle, propensity, its charts in both languages,
//     then a device name with markup shown as text;
//   - follows a shopper through the storefront (product page, add to cart, checkout) and checks
//     that the home recommendations changed afterwards;
//   - searches the storefront: suggestions picked with the keyboard, Chinese and English queries
//     with their matched words marked, a facet, the sort, back and forward;
//   - shows reviews: a reviewed product's stars, bars, pros and cons and newest reviews in both
//     languages, "no reviews yet", review text with markup shown as text, and the dashboard's
//     review panel with its chart and a falling trend's warning;
//   - shows the segments page: twelve RFM segments adding up to every shopper, a segment's and a
//     cluster's CSV export, clusters for another k; then demand forecasts with their charts, and
//     the server's reason when the history cannot answer;
//   - creates an A/B experiment from the dashboard, sends shoppers' feeds and clicks after a
//     recommendation, reads its results (verdict, rates, interval bars) and stops it;
//   - chats with the storefront's assistant (assistant.mjs): a streamed policy answer, product
//     cards, a shopper's order, Yes / No, markup typed as text, a ticket; then the dashboard's
//     Assistant page closes the ticket and edits the knowledge base, which the chat then quotes;
//   - renders the storefront at phone width, with no horizontal scrolling;
//   - audits pages with axe-core for WCAG 2 A/AA violations (contrast, names, labels);
//   - fails on any console error or uncaught exception.
// Shared helpers are in support.mjs. Screenshots go to e2e/artifacts/ (and to docs/screenshots/
// with UPDATE_SCREENSHOTS=1).
//   AISLE_BIN=target/debug/aisle node e2e/run.mjs

import { spawn } from "node:child_process";
import { mkdtempSync, rmSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import assert from "node:assert/strict";
import { chromium } from "playwright-core";
import { base, port, root, step, watchErrors, audit, shot, getJson } from "./support.mjs";
import { assistantSteps } from "./assistant.mjs";

const bin = process.env.AISLE_BIN ?? join(process.env.CARGO_TARGET_DIR ?? join(root, "target"), "debug", "aisle");
const data = mkdtempSync(join(tmpdir(), "aisle-e2e-"));

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

async function dashboard(browser, key, items, shopper) {
  step("dashboard: sign in, every page, retrain, a shopper's profile, an item's reviews, segments, forecasts, language");
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
  await page.getByTestId("user-search").fill(shopper);
  await page.getByTestId("user-search").press("Enter");
  await page.locator(`[data-testid="user-link"][href="#/users/${encodeURIComponent(shopper)}"]`).click();
  await page.getByTestId("user").waitFor();
  assert.ok(await page.locator('[data-testid="user"] table').count() >= 1, "a shopper's page lists recommendations");
  await shot(page, "dashboard-user");
  await dashboardProfile(page, shopper, key);

  await page.getByTestId("nav-items").click();
  await page.getByTestId("item-link").first().click();
  await page.getByTestId("item").waitFor();
  await dashboardReviews(page, items);
  await dashboardSegments(page, errors);
  await dashboardExperiments(page, key);

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

/**
 * Review texts written by the test: five good ones dated in March (one holding markup as
 * entities, which the server decodes into `<img ...>` text), then five bad ones in October, so
 * that sentiment is falling.
 */
const MARKUP = "&lt;img src=x onerror=&quot;window.hacked=1&quot;&gt; Good value, <b>fast</b> delivery.";
const GOOD = ["Great quality, fast delivery. Very happy with it.", "Excellent value for money, works perfectly.",
  "Love it! Well made and arrived quickly.", "Very good product, great price.", MARKUP];
const BAD = ["Broke after two days. Poor quality, very disappointed.", "Terrible, stopped working after a week. Waste of money.",
  "Arrived damaged and customer service never answered.", "Cheap material, fell apart quickly. Do not buy.", "Awful quality, returned it."];

/**
 * Items for the review steps, chosen from the demo's answers rather than by id: the listed item
 * with the most reviews (`reviewed`), one with none (`unreviewed`), and another with none that
 * gets the test's reviews (`written`).
 */
async function reviewItems(key) {
  const catalog = await getJson("/v1/admin/items/search?limit=200", key);
  const listed = catalog.items.filter((item) => !item.hidden);
  const summaries = await Promise.all(listed.map((item) => getJson(`/shop/api/items/${encodeURIComponent(item.id)}/reviews`)));
  const inShop = async (summary) => (await getJson(`/shop/api/items/${encodeURIComponent(summary.item_id)}`)) !== null;
  const ranked = summaries.filter((s) => s?.reviews > 0)
    .sort((a, b) => b.reviews - a.reviews || (b.pros.length + b.cons.length) - (a.pros.length + a.cons.length));
  const empty = summaries.filter((s) => s?.reviews === 0);
  const pick = async (list) => { for (const s of list) if (await inShop(s)) return s.item_id; return null; };
  const reviewed = await pick(ranked);
  const unreviewed = await pick(empty);
  const written = await pick(empty.filter((s) => s.item_id !== unreviewed));
  assert.ok(reviewed && unreviewed && written, "the demo shop has reviewed items and items without reviews");
  const reviews = [...GOOD.map((text, i) => ({ text, rating: 5, created_at: `2026-03-0${i + 1}T10:00:00Z` })),
    ...BAD.map((text, i) => ({ text, rating: 1, created_at: `2026-10-0${i + 1}T10:00:00Z` }))]
    .map((review, i) => ({ id: `e2e-review-${i}`, item_id: written, ...review }));
  const response = await fetch(`${base}/v1/reviews`, {
    method: "POST", headers: { Authorization: `Bearer ${key}`, "Content-Type": "application/json" }, body: JSON.stringify({ reviews }),
  });
  const stored = await response.json();
  assert.equal(stored.inserted, reviews.length, `the test's reviews are stored: ${JSON.stringify(stored.errors)}`);
  return { reviewed, unreviewed, written };
}

/** The dashboard's item page, reached by a search: its review panel, chart and trend. */
async function dashboardReviews(page, items) {
  const openItem = async (id) => {
    await page.getByTestId("nav-items").click();
    await page.getByTestId("items").waitFor();
    await page.getByTestId("item-search").fill(id);
    await page.getByTestId("item-search").press("Enter");
    await page.locator(`[data-testid="item-link"][href="#/items/${encodeURIComponent(id)}"]`).click();
    await page.getByTestId("review-panel").waitFor();
  };
  await openItem(items.reviewed);
  const panel = page.getByTestId("review-panel");
  assert.ok(await panel.locator("svg.chart rect").count() > 0, "reviews by month are charted");
  assert.match(await panel.getByTestId("reviews-average").innerText(), /\d\.\d\d \/ 5/);
  assert.ok(await panel.getByTestId("sentiment-badge").count() > 0, "the newest reviews show their sentiment");
  await audit(page, "an item's review panel");
  await shot(page, "dashboard-reviews", panel);

  await openItem(items.written);
  await page.getByTestId("trend-falling").waitFor();
  assert.ok(await page.getByTestId("reviews-cons").locator("li").count() > 0, "the bad reviews make cons");
  assert.equal(await page.evaluate(() => window.hacked), undefined, "review text never runs as HTML");
}

/** Clicks `button` and answers the file it downloads: its suggested name and its text. */
async function downloaded(page, button) {
  const [download] = await Promise.all([page.waitForEvent("download"), button.click()]);
  return { name: download.suggestedFilename(), text: readFileSync(await download.path(), "utf8") };
}

/** The segments page (RFM table, charts, an export, clusters) and the forecasts page. */
async function dashboardSegments(page, errors) {
  step("dashboard: segments, an export, clusters, forecasts");
  await page.getByTestId("nav-segments").click();
  await page.getByTestId("segments").waitFor();
  const number = (text) => Number(text.replace(/\D/g, ""));
  assert.equal(await page.getByTestId("segments-table").locator("tbody tr").count(), 12, "a row per RFM segment");
  const counts = (await page.getByTestId("segment-shoppers").allInnerTexts()).map(number);
  const total = number(await page.getByTestId("segments-total").innerText());
  assert.ok(total > 0, "the demo shop has shoppers");
  assert.equal(counts.reduce((a, b) => a + b, 0), total, "the segments add up to every shopper");
  assert.equal(await page.getByTestId("segments-shoppers-chart").locator("svg.chart rect").count(), 12, "a bar per segment");

  const button = page.locator('[data-testid="segments-table"] button[data-testid^="export-"]').first();
  const name = (await button.getAttribute("data-testid")).slice("export-".length);
  const file = await downloaded(page, button);
  assert.equal(file.name, `segment-${name}.csv`);
  assert.ok(file.text.startsWith("user_id,segment,"), `the export is the segment's CSV: ${file.text.slice(0, 80)}`);
  await page.getByTestId("export-status").filter({ hasText: file.name }).waitFor();
  assert.ok(await page.getByTestId("clusters-table").locator("tbody tr").count() >= 2, "behaviour clusters show");
  await shot(page, "dashboard-segments");
  await audit(page, "the segments page");

  await page.getByTestId("cluster-k").selectOption("3");
  await page.waitForFunction(() => document.querySelectorAll('[data-testid="clusters-table"] tbody tr').length === 3);
  const main = await page.getByTestId("clusters-table").locator("td[data-value]").allInnerTexts();
  assert.ok(main.every((words) => /^[^_]+$/.test(words)), `each cluster's main segment reads as words: ${main}`);
  const cluster = await downloaded(page, page.getByTestId("export-cluster-0"));
  assert.equal(cluster.name, "segment-cluster-0.csv");
  assert.ok(cluster.text.startsWith("user_id,segment,"));

  await page.getByTestId("nav-forecasts").click();
  await page.getByTestId("forecasts").waitFor();
  const series = page.getByTestId("forecast-series");
  await series.first().waitFor();
  assert.ok(await series.first().locator("svg.chart polyline").count() === 2, "sales and forecast are drawn");
  assert.equal(await series.first().locator('svg.chart polyline[stroke-dasharray="6 4"]').count(), 1, "the forecast is dashed");
  assert.ok(await series.first().getByTestId("forecast-model").getAttribute("data-value"), "each series names its model");
  await audit(page, "the forecasts page");

  // A horizon longer than the demo's history: the server's 400 and its reason, shown as a message.
  const seen = errors.length;
  await page.getByTestId("forecast-horizon").fill("52");
  await page.getByTestId("forecast-run").click();
  await page.getByTestId("forecast-problem").waitFor();
  assert.match(await page.getByTestId("forecast-problem").innerText(), /needs at least/);
  assert.ok(errors.slice(seen).every((e) => /status of 400/.test(e)), `only the expected 400: ${errors.slice(seen)}`);
  errors.length = seen;
  await page.getByTestId("forecast-period").selectOption("day");
  await page.getByTestId("forecast-horizon").fill("7");
  await page.getByTestId("forecast-run").click();
  await series.first().waitFor();
  assert.match(await page.getByTestId("forecast-summary").innerText(), /per day/);
}

/**
 * The experiments page: an experiment created from its form, shoppers' feeds carrying their
 * variant, clicks after a recommendation moving its results and interval chart, then stopped
 * (so the later steps see the default feed).
 */
async function dashboardExperiments(page, key) {
  step("dashboard: an A/B experiment, its results, stopping it");
  await page.getByTestId("nav-experiments").click();
  await page.getByTestId("experiments").waitFor();
  await page.getByTestId("no-experiments").waitFor();
  await audit(page, "the experiments page, empty");
  await page.getByTestId("exp-id").fill("e2e-feed");
  await page.getByTestId("exp-name").fill("EASE against popularity");
  await page.getByTestId("exp-control").selectOption("ease");
  await page.getByTestId("exp-challenger").selectOption("popular");
  await page.getByTestId("experiment-create").click();
  const section = page.locator('[data-testid="experiment"][data-id="e2e-feed"]');
  await section.waitFor();
  assert.equal(await section.getByTestId("experiment-verdict").getAttribute("data-value"), "no_traffic");

  const { users } = await getJson("/v1/admin/users?limit=40", key);
  const served = { a: 0, b: 0 };
  const clicks = [];
  for (const user of users) {
    const feed = await getJson(`/v1/users/${encodeURIComponent(user.id)}/recommendations?n=4`, key);
    assert.equal(feed?.experiment?.id, "e2e-feed", `${user.id}'s feed names the experiment`);
    served[feed.experiment.variant] += 1;
    if (feed.items.length && clicks.length < 12) {
      clicks.push({ event_id: `e2e-exp-${user.id}`, user_id: user.id, item_id: feed.items[0].id, kind: "click",
        referrer: "recommendation", timestamp: new Date().toISOString() });
    }
  }
  assert.ok(served.a > 0 && served.b > 0, `forty shoppers fall in both variants: ${JSON.stringify(served)}`);
  const response = await fetch(`${base}/v1/events`, {
    method: "POST", headers: { Authorization: `Bearer ${key}`, "Content-Type": "application/json" }, body: JSON.stringify({ events: clicks }),
  });
  assert.equal((await response.json()).accepted, clicks.length, "the clicks are stored");

  await page.getByTestId("nav-overview").click();
  await page.getByTestId("overview").waitFor();
  await page.getByTestId("nav-experiments").click();
  await section.waitFor();
  assert.equal(await section.getByTestId("experiment-verdict").getAttribute("data-value"), "not_enough_data");
  const rates = (await section.getByTestId("experiment-rate").evaluateAll((cells) => cells.map((c) => Number(c.dataset.value))));
  assert.equal(rates.length, 2, "a rate per variant");
  assert.ok(rates.some((rate) => rate > 0), `clicks after a recommendation convert: ${rates}`);
  assert.equal(await section.locator("svg.chart circle").count(), 2, "an interval bar per variant");
  await shot(page, "dashboard-experiments");
  await audit(page, "the experiments page");

  await section.getByTestId("experiment-stop").click();
  await page.locator('[data-testid="experiment"][data-id="e2e-feed"] [data-testid="experiment-status"][data-value="stopped"]').waitFor();
  const after = await getJson(`/v1/users/${encodeURIComponent(users[0].id)}/recommendations?n=4`, key);
  assert.equal(after.experiment, undefined, "a stopped experiment serves nobody");
}

/** A device name holding markup, as a shopper's event may send it. */
const DEVICE_MARKUP = '<img src=x onerror="window.hacked=2">';

/** The shopper with the most events among the first listed. */
async function profiledShopper(key) {
  const { users } = await getJson("/v1/admin/users?limit=200", key);
  return users.reduce((best, user) => (user.events > best.events ? user : best)).id;
}

/**
 * One more view for `shopper` with `DEVICE_MARKUP` as its device, dated at their latest event so
 * that no profile's "now" moves.
 */
async function viewFromMarkupDevice(shopper, key) {
  const { events: [latest] } = await getJson(`/v1/admin/users/${encodeURIComponent(shopper)}/events?limit=1`, key);
  const event = {
    event_id: "e2e-device-markup", user_id: shopper, item_id: latest.item_id, kind: "view", timestamp: latest.timestamp, device: DEVICE_MARKUP,
  };
  const response = await fetch(`${base}/v1/events`, {
    method: "POST", headers: { Authorization: `Bearer ${key}`, "Content-Type": "application/json" }, body: JSON.stringify({ events: [event] }),
  });
  const stored = await response.json();
  assert.equal(stored.accepted, 1, `the test's event is stored: ${JSON.stringify(stored.errors)}`);
}

/** The shopper page's profile: cards, propensity and its reasons, charts, raw JSON, both languages. */
async function dashboardProfile(page, shopper, key) {
  const profile = await getJson(`/v1/users/${encodeURIComponent(shopper)}/profile`, key);
  const panel = page.getByTestId("profile");
  for (const [testid, value] of [["profile-segment", profile.segment], ["profile-lifecycle", profile.lifecycle]]) {
    const shown = panel.getByTestId(testid).locator("[data-value]");
    assert.equal(await shown.getAttribute("data-value"), value);
    assert.match(await shown.innerText(), /^[^_]+$/, `${testid} reads as words, not as \`${value}\``);
  }
  if (profile.propensity === null) {
    assert.equal(await panel.getByTestId("propensity-unavailable").innerText(), profile.propensity_detail.unavailable);
  } else {
    assert.match(await panel.getByTestId("propensity-value").innerText(), /^\d{1,3}\.\d%$/, "the propensity as a percentage");
    assert.match(await panel.getByTestId("profile-propensity").innerText(), new RegExp(`${profile.propensity_detail.horizon_days} days`));
    assert.equal(await panel.getByTestId("propensity-reasons").locator("tbody tr").count(), profile.propensity_detail.reasons.length);
  }
  const bars = (testid) => panel.getByTestId(testid).locator("svg.chart rect").count();
  assert.equal(await bars("profile-categories"), profile.affinities.categories.length, "a bar per category");
  assert.equal(await bars("profile-hours"), profile.habits.hours.filter((n) => n > 0).length, "a bar per active hour");
  assert.equal(await bars("profile-weekdays"), profile.habits.weekdays.filter((n) => n > 0).length, "a bar per active weekday");
  assert.equal(await bars("profile-devices"), profile.habits.devices.length, "a bar per device");

  const raw = panel.getByTestId("profile-raw");
  await raw.locator("summary").click();
  assert.match(await raw.innerText(), /"propensity_detail"/, "the raw view holds the profile JSON");
  await audit(page, "a shopper's profile");
  await raw.locator("summary").click();
  await shot(page, "dashboard-profile", panel);

  await page.getByTestId("lang-switch").click();
  await panel.getByTestId("profile-segment").filter({ hasText: /[\u4e00-\u9fff]/ }).waitFor();
  await audit(page, "a shopper's profile in Chinese");
  await page.getByTestId("lang-switch").click();
  await panel.getByTestId("profile-segment").filter({ hasText: "Segment" }).waitFor();

  // A device name is shoppers' input: its markup shows as text and never becomes an element.
  await viewFromMarkupDevice(shopper, key);
  await page.reload();
  const markup = panel.getByTestId("profile-devices").locator("svg text").filter({ hasText: DEVICE_MARKUP.slice(0, 19) });
  await markup.waitFor();
  assert.equal(await page.locator('[data-testid="user"] img').count(), 0, "no element comes from a device name");
  assert.equal(await page.evaluate(() => window.hacked), undefined, "a device name never runs as HTML");
}

/** A product page's reviews section, once its summary has arrived. */
async function reviewsShown(page, state) {
  await page.locator(`[data-testid="reviews"][data-state="${state}"]`).waitFor();
  return page.getByTestId("reviews");
}

async function storefrontReviews(browser, items) {
  step("storefront reviews: stars, bars, pros and cons, newest reviews; none yet; markup as text");
  const errors = [];
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  watchErrors(page, errors);
  await page.goto(`${base}/shop/item/${encodeURIComponent(items.reviewed)}`);
  const section = await reviewsShown(page, "ready");
  const summary = await getJson(`/shop/api/items/${encodeURIComponent(items.reviewed)}/reviews`);
  assert.match(await section.getByTestId("review-count").innerText(), new RegExp(`^${summary.reviews} review`));
  assert.match(await section.getByTestId("review-average").getByRole("img").getAttribute("aria-label"), /out of 5 stars/);
  assert.equal(await section.getByTestId("rating-bar").count(), 5, "one bar per number of stars");
  const points = await section.getByTestId("review-point").count();
  const badges = await section.getByTestId("sentiment-badge").count();
  assert.ok(points > 0 || badges > 0, "a pro, a con or a review with its sentiment shows");
  assert.equal(badges, summary.recent.length, "each of the newest reviews has a sentiment badge");
  await audit(page, "a product page's reviews");
  await shot(page, "storefront-reviews", section);

  await page.getByTestId("lang-switch").click();
  await page.locator("#reviews-title").filter({ hasText: "评价" }).waitFor();
  await reviewsShown(page, "ready");
  assert.match(await section.getByTestId("review-count").innerText(), /条评价/);
  await audit(page, "a product page's reviews in Chinese");
  await page.getByTestId("lang-switch").click();

  await page.goto(`${base}/shop/item/${encodeURIComponent(items.unreviewed)}`);
  await reviewsShown(page, "empty");
  assert.match(await page.getByTestId("no-reviews").innerText(), /No reviews yet/);

  // A review's text is shoppers' input: markup in it shows as text and never becomes an element.
  await page.goto(`${base}/shop/item/${encodeURIComponent(items.written)}`);
  const written = await reviewsShown(page, "ready");
  assert.ok(await written.getByTestId("review-cons").count() === 1, "the bad reviews make cons");
  const texts = await written.locator(".review-text").allInnerTexts();
  assert.ok(texts.some((text) => text.includes('<img src=x onerror="window.hacked=1">')), "markup in a review shows as text");
  assert.equal(await written.locator("img, b").count(), 0, "no element comes from a review's text");
  assert.equal(await page.evaluate(() => window.hacked), undefined);
  assert.deepEqual(errors, [], "no console errors on the product pages' reviews");
  await page.close();

  step("storefront reviews at phone width");
  const phone = await browser.newPage({ viewport: { width: 375, height: 740 }, isMobile: true, hasTouch: true });
  const phoneErrors = [];
  watchErrors(phone, phoneErrors);
  await phone.goto(`${base}/shop/item/${encodeURIComponent(items.written)}`);
  await reviewsShown(phone, "ready");
  const overflow = await phone.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(overflow <= 1, `no horizontal scrolling at 375 px (overflow ${overflow} px)`);
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
  const items = await reviewItems(demo.key);
  const shopper = await profiledShopper(demo.key);
  await dashboard(browser, demo.key, items, shopper);
  await storefront(browser);
  await storefrontReviews(browser, items);
  await storefrontSearch(browser);
  await assistantSteps(browser, demo.key);
  step("all browser tests passed");
} catch (error) {
  console.error(error);
  process.exitCode = 1;
} finally {
  await browser?.close();
  demo?.child.kill("SIGTERM");
  rmSync(data, { recursive: true, force: true });
}
