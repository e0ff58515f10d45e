// The keyless storefront API (/shop/api), who is browsing (a chosen shopper or this browser's
// anonymous session), and the events the pages send. Nothing is cached: every page asks again,
// so an event shows in the next page's recommendations.

import { ApiError, answer } from "../common/api.js";

export { ApiError };

const SHOPPER = "aisle.shop.shopper";
const SESSION = "aisle.shop.session";

const pending = new Set();

/** Keeps a request in the set `settled()` waits for. */
function track(promise) {
  pending.add(promise);
  promise.then(() => pending.delete(promise), () => pending.delete(promise));
  return promise;
}

/** Resolves once every request the page started has finished. */
export async function settled() {
  while (pending.size > 0) await Promise.allSettled([...pending]);
}

/** GET a /shop/api path; a problem answer becomes an ApiError with its detail. `signal` aborts. */
export function api(path, { signal } = {}) {
  return track(fetch(path, { cache: "no-store", headers: { Accept: "application/json" }, signal }).then(answer));
}

/** A random id (works without a secure context, unlike crypto.randomUUID). */
export function randomId(prefix) {
  const bytes = crypto.getRandomValues(new Uint8Array(8));
  return `${prefix}-${[...bytes].map((b) => b.toString(16).padStart(2, "0")).join("")}`;
}

/** The chosen shopper's id, or "" for the anonymous session. */
export function shopper() {
  return localStorage.getItem(SHOPPER) ?? "";
}

export function setShopper(id) {
  if (id) localStorage.setItem(SHOPPER, id);
  else localStorage.removeItem(SHOPPER);
}

/** This browser's anonymous session id, made once and kept. */
export function sessionId() {
  let id = localStorage.getItem(SESSION);
  if (!id) {
    id = randomId("s");
    localStorage.setItem(SESSION, id);
  }
  return id;
}

/** `user_id` or `session_id`, as a query string. */
export function who() {
  const user = shopper();
  return new URLSearchParams(user ? { user_id: user } : { session_id: sessionId() }).toString();
}

function actor() {
  const user = shopper();
  return user ? { user_id: user } : { session_id: sessionId() };
}

export function device() {
  return window.matchMedia("(max-width: 700px)").matches ? "mobile" : "desktop";
}

/**
 * Where an event happened. `recommendedOn` is the page whose recommendation led to it (home,
 * product, category, cart, search); the dashboard counts such events as following a recommendation.
 */
export function context(page, recommendedOn) {
  if (recommendedOn) return { referrer: "recommendation", page: recommendedOn, device: device() };
  return { page, device: device() };
}

/**
 * Sends events as the current shopper; each gets an id, so a retry is stored once. Resolves to
 * the server's report; `keepalive` lets a click's event finish when the browser leaves the page.
 */
export function send(events) {
  const body = { events: events.map((e) => ({ event_id: randomId("ev"), ...actor(), ...e })) };
  return track(fetch("/shop/api/events", {
    method: "POST",
    headers: { "Content-Type": "application/json", Accept: "application/json" },
    body: JSON.stringify(body),
    keepalive: true,
  }).then(answer));
}

/** Sends events without waiting; a failure is logged as a warning, never shown. */
export function record(...events) {
  send(events).catch((error) => console.warn("event not recorded:", error.message));
}
