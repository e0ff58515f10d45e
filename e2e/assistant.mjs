// Browser tests of the shopping assistant: the storefront's chat widget and the dashboard's
// Assistant page, against the same `aisle demo` as run.mjs (which calls `assistantSteps` once
// the search index is ready). The widget streams a policy answer, shows product cards that lead
// to their pages, reads an order of the shopper browsed as, offers Yes / No for a confirmation,
// shows markup typed by a shopper as text, and opens a ticket; the dashboard closes that ticket,
// edits the knowledge base (the widget then answers with the new words) and shows the server's
// reason for a knowledge base it refuses.

import assert from "node:assert/strict";
import { base, step, watchErrors, audit, shot, getJson } from "./support.mjs";

const MARKUP = "<img src=x onerror=window.__xss=1>";
const NEW_POLICY = "You can return anything within 45 days of delivery (edited by the e2e test).";

/** One turn of the keyless chat API, as plain JSON. */
async function chatOnce(conversation, user, message) {
  const response = await fetch(`${base}/shop/api/assistant/chat`, {
    method: "POST", headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ conversation_id: conversation, user_id: user, message }),
  });
  assert.equal(response.status, 200, `the chat answers: ${await response.clone().text()}`);
  return response.json();
}

/**
 * A shopper offered in "browse as" who has orders, and one of their orders, found the way a
 * shopper would: asking the assistant, which lists their latest orders as hints. The order is
 * one that gets a yes/no question when asked to cancel (placed, paid) or refund (shipped,
 * delivered, returned), if they have one.
 */
async function shopperWithOrders() {
  const { shoppers } = await getJson("/shop/api/shoppers");
  for (const [i, { id }] of shoppers.entries()) {
    const turn = await chatOnce(`e2e-probe-${i}`, id, "where is my order");
    const orders = [...turn.reply.matchAll(/(\S+) \((\d{4}-\d\d-\d\d), (\w+)\)/g)].map(([, order, , status]) => ({ order, status }));
    if (orders.length === 0) continue;
    const asks = (o) => (["placed", "paid"].includes(o.status) ? `cancel order ${o.order}`
      : ["shipped", "delivered", "returned"].includes(o.status) ? `I want a refund for order ${o.order}` : null);
    const chosen = orders.find(asks) ?? orders[0];
    return { shopper: id, order: chosen.order, proposal: asks(chosen) };
  }
  throw new Error("no shopper offered by the storefront has an order");
}

/** The `index`th reply of the open conversation, once complete: its element and text. */
async function replyAt(page, index, to) {
  const reply = page.getByTestId("chat-reply").nth(index);
  await page.locator('[data-testid="chat-reply"]:is([data-state="done"], [data-state="error"])').nth(index).waitFor();
  assert.equal(await reply.getAttribute("data-state"), "done", `the assistant answers “${to}”: ${await reply.innerText()}`);
  return { reply, text: await reply.innerText() };
}

/** Sends `text` from the open widget; the reply once complete. */
async function ask(page, text) {
  const before = await page.getByTestId("chat-reply").count();
  await page.getByTestId("chat-input").fill(text);
  await page.getByTestId("chat-input").press("Enter");
  return replyAt(page, before, text);
}

/** What the shopper's last message shows. */
function lastMessage(page) {
  return page.getByTestId("chat-message").last().locator(".chat-text").innerText();
}

async function openWidget(page) {
  await page.getByTestId("chat-open").click();
  await page.getByTestId("chat-panel").waitFor();
  assert.equal(await page.evaluate(() => document.activeElement?.id), "chat-input", "opening the chat focuses its message box");
}

/** The widget: policy, products, XSS, an order, a confirmation, a ticket; answers the ticket's id. */
async function storefrontChat(browser, found) {
  step("storefront assistant: a streamed policy answer, product cards, markup as text, an order, Yes / No, a ticket");
  const errors = [];
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  watchErrors(page, errors);
  await page.goto(`${base}/shop`);
  await page.getByTestId("rec-item").first().waitFor();
  assert.equal(await page.getByTestId("chat-panel").isVisible(), false, "the chat starts closed");
  await openWidget(page);
  assert.equal(await page.getByTestId("chat-open").getAttribute("aria-expanded"), "true");
  await audit(page, "the storefront with the assistant open");

  const streamed = page.waitForResponse((r) => r.url() === `${base}/shop/api/assistant/chat`);
  const policy = await ask(page, "what is your return policy?");
  assert.match((await streamed).headers()["content-type"], /^text\/event-stream/, "the reply streams as server-sent events");
  assert.match(policy.text, /30 days/, "the built-in return policy answers");

  const shoes = await ask(page, "show me running shoes");
  const cards = page.getByTestId("chat-item");
  assert.ok(await cards.count() > 0, `product cards follow: ${shoes.text}`);
  const first = await cards.first().getAttribute("data-item-id");
  assert.equal(await cards.first().locator("a").getAttribute("href"), `/shop/item/${encodeURIComponent(first)}`);
  await audit(page, "the assistant's product cards");
  await shot(page, "storefront-assistant", page.getByTestId("chat-panel"));
  await cards.first().locator("a").click();
  await page.locator(`[data-testid="product"][data-item-id="${first}"]`).waitFor();
  assert.ok(await page.getByTestId("chat-panel").isVisible(), "the chat stays open on the product's page");

  // What a shopper types is text: it shows as typed and never becomes an element.
  await ask(page, MARKUP);
  assert.equal(await lastMessage(page), MARKUP, "the message shows as typed");
  assert.equal(await page.locator('[data-testid="chat-log"] img[src="x"]').count(), 0, "no element comes from a message");
  assert.equal(await page.evaluate(() => window.__xss), undefined, "a message never runs as HTML");

  // Escape closes the chat and gives focus back to its button; the conversation stays.
  await page.getByTestId("chat-input").press("Escape");
  await page.getByTestId("chat-panel").waitFor({ state: "hidden" });
  assert.equal(await page.evaluate(() => document.activeElement?.dataset.testid), "chat-open");
  await openWidget(page);
  assert.ok(await page.getByTestId("chat-reply").count() >= 3, "the conversation is still there");

  // Browsing as another shopper starts a new conversation, which can read their orders.
  await page.getByTestId("shopper-select").selectOption(found.shopper);
  await page.getByTestId("chat-new").waitFor();
  assert.equal(await page.getByTestId("chat-reply").count(), 0, "the new shopper's conversation starts empty");
  const order = await ask(page, `where is my order ${found.order}`);
  assert.ok(order.text.includes(found.order), `the reply names the order ${found.order}: ${order.text}`);
  if (found.proposal) {
    const proposal = await ask(page, found.proposal);
    assert.equal(await proposal.reply.getAttribute("data-awaiting"), "confirmation", proposal.text);
    const before = await page.getByTestId("chat-reply").count();
    await page.getByTestId("chat-no").click();
    const kept = await replyAt(page, before, "no");
    assert.match(kept.text, /not changed anything/, "No keeps the order as it is");
    assert.equal(await lastMessage(page), "no", "the button sends the shopper's no");
    assert.equal(await page.getByTestId("chat-quick").count(), 0, "the answer's buttons go once used");
  }
  const handoff = await ask(page, "I want to talk to a person");
  const ticket = handoff.text.match(/\bt-\d+\b/)?.[0];
  assert.ok(ticket, `a ticket is opened: ${handoff.text}`);

  // The widget speaks the page's language.
  await page.getByTestId("lang-switch").click();
  await page.getByTestId("chat-open").filter({ hasText: "购物助手" }).waitFor();
  const zh = await ask(page, "退货政策是什么？");
  assert.match(zh.text, /30 天/, "a Chinese question gets the Chinese policy");
  await audit(page, "the assistant in Chinese");
  await page.getByTestId("lang-switch").click();
  assert.deepEqual(errors, [], "no console errors in the assistant's widget");
  await page.close();
  return ticket;
}

/** The dashboard's Assistant page: the ticket closed, the knowledge base edited and refused. */
async function dashboardAssistant(browser, key, ticket) {
  step("dashboard assistant: a ticket's transcript, closing it; editing the knowledge base, a refused save");
  const errors = [];
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  watchErrors(page, errors);
  await page.goto(`${base}/`);
  await page.getByTestId("admin-key").fill(key);
  await page.getByTestId("sign-in").click();
  await page.getByTestId("nav-assistant").click();
  await page.getByTestId("assistant").waitFor();

  const row = page.locator(`[data-testid="ticket"][data-id="${ticket}"]`);
  assert.equal(await row.getAttribute("data-status"), "open");
  assert.equal(await page.getByTestId("ticket").first().getAttribute("data-status"), "open", "open tickets come first");
  await row.locator("summary").click();
  assert.match(await row.getByTestId("ticket-transcript").innerText(), /talk to a person/, "the ticket holds the transcript");
  await audit(page, "the assistant page with a ticket open");
  await shot(page, "dashboard-assistant", page.getByTestId("tickets"));
  await row.getByTestId("ticket-close").click();
  await page.locator(`[data-testid="ticket"][data-id="${ticket}"][data-status="closed"]`).waitFor();
  await page.getByTestId("ticket-filter").selectOption("open");
  assert.equal(await row.count(), 0, "a closed ticket is not among the open ones");
  await page.getByTestId("ticket-filter").selectOption("all");

  // An edited answer, saved, is what the storefront's assistant says next.
  const returns = page.locator('[data-testid="kb-entry"][data-id="returns"][data-language="en"]');
  await returns.getByTestId("kb-answer").fill(NEW_POLICY);
  await page.getByTestId("kb-save").click();
  await page.getByTestId("kb-saved").waitFor();

  // A second English entry with the same id: the server's reason shows, and nothing is saved.
  const seen = errors.length;
  await page.getByTestId("kb-add").click();
  const added = page.getByTestId("kb-entry").last();
  assert.equal(await page.evaluate(() => document.activeElement?.dataset.testid), "kb-id", "a new entry's id box has focus");
  await added.getByTestId("kb-id").fill("returns");
  await added.getByTestId("kb-question").fill("Can I return things?");
  await added.getByTestId("kb-answer").fill("Maybe.");
  await page.getByTestId("kb-save").click();
  await page.getByTestId("kb-error").waitFor();
  assert.match(await page.getByTestId("kb-error").innerText(), /ids are unique per language/, "the server's 400 detail shows");
  assert.equal(await added.getAttribute("data-invalid"), "true", "the refused entry's row is marked");
  assert.ok(errors.slice(seen).every((e) => /status of 400/.test(e)), `only the expected 400: ${errors.slice(seen)}`);
  errors.length = seen;
  await audit(page, "the knowledge base with an error");
  await added.getByTestId("kb-delete").click();
  await page.getByTestId("kb-save").click();
  await page.getByTestId("kb-saved").waitFor();
  const saved = await getJson("/v1/assistant/knowledge", key);
  assert.equal(saved.filter((e) => e.id === "returns" && e.language === "en").length, 1);
  assert.equal(saved.find((e) => e.id === "returns" && e.language === "en").answer, NEW_POLICY);
  assert.deepEqual(errors, [], "no console errors on the assistant page");
  await page.close();

  const shop = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  const shopErrors = [];
  watchErrors(shop, shopErrors);
  await shop.goto(`${base}/shop`);
  await openWidget(shop);
  const answer = await ask(shop, "what is your return policy?");
  assert.ok(answer.text.includes(NEW_POLICY), `the widget answers with the edited policy: ${answer.text}`);
  assert.deepEqual(shopErrors, []);
  await shop.close();
}

/** The widget at phone width: the open chat fits the screen. */
async function phoneChat(browser) {
  const phone = await browser.newPage({ viewport: { width: 375, height: 740 }, isMobile: true, hasTouch: true });
  const errors = [];
  watchErrors(phone, errors);
  await phone.goto(`${base}/shop`);
  await phone.getByTestId("rec-item").first().waitFor();
  await openWidget(phone);
  const box = await phone.getByTestId("chat-panel").boundingBox();
  assert.ok(box.x >= 0 && box.x + box.width <= 375, `the chat fits the phone's width: ${JSON.stringify(box)}`);
  const overflow = await phone.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(overflow <= 1, `no horizontal scrolling at 375 px (overflow ${overflow} px)`);
  assert.deepEqual(errors, []);
  await phone.close();
}

export async function assistantSteps(browser, key) {
  const found = await shopperWithOrders();
  const ticket = await storefrontChat(browser, found);
  await dashboardAssistant(browser, key, ticket);
  await phoneChat(browser);
}
