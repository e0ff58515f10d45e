// The profile panel of the shopper page, read from `GET /v1/users/{id}/profile`: cards for the
// segment, lifecycle, purchase propensity and churn risk (with the features that moved each), activity, RFM and
// price band; charts of category and brand interest, hours, weekdays, devices and event kinds.
// Names in a profile come from the catalog (categories, brands) or from shoppers' events
// (devices): they go in as text only, in SVG through `textContent`.

import { h, table, card, when } from "../dom.js";
import { t } from "../i18n.js";
import { barChart, stackedBarChart, PALETTE } from "../../common/charts.js";

const SMALL = 560;

/** A number as people write it: whole when whole, else with up to `digits` decimals. */
function number(value, digits = 2) {
  return value.toLocaleString(undefined, { maximumFractionDigits: digits });
}

function share(value) {
  return value > 0 && value < 0.005 ? "<1%" : `${Math.round(100 * value)}%`;
}

/** The words for `prefix.name`, or null when there are none. */
function words(prefix, name) {
  const key = `${prefix}.${name}`;
  const text = t(key);
  return text === key ? null : text;
}

/** `name` in words when they are known (a segment, a device...), else as it came. */
export function named(prefix, name) {
  return words(prefix, name) ?? name;
}

function daysAgo(days) {
  if (days === null || days === undefined) return null;
  return days < 1 ? t("underADay") : t("daysAgo", { n: number(days, days < 10 ? 1 : 0) });
}

function segmentCard(segment) {
  return card(t("segment"), h("span", { "data-value": segment }, named("segment", segment)), "profile-segment",
    words("segmentNote", segment));
}

function lifecycleCard(p) {
  const note = p.first_seen_days === null || p.first_seen_days === undefined ? t("neverSeen")
    : t("seen", { first: daysAgo(p.first_seen_days), last: daysAgo(p.last_seen_days) });
  return card(t("lifecycle"), h("span", { "data-value": p.lifecycle }, named("lifecycle", p.lifecycle)), "profile-lifecycle", note);
}

/** A prediction's card: `kind` is "propensity" or "churn" (field `churn_risk`), whose detail says why when there is none. */
function predictionCard(p, kind, days) {
  const value = kind === "churn" ? p.churn_risk : p.propensity;
  const detail = p[`${kind}_detail`] ?? {};
  const label = t(kind, { days: detail.horizon_days ?? days });
  if (value === null || value === undefined) {
    // The server explains in English only.
    return card(label, "–", `profile-${kind}`,
      h("span", { lang: "en", "data-testid": `${kind}-unavailable` }, detail.unavailable ?? t("none")));
  }
  const note = detail.validation_auc === null || detail.validation_auc === undefined ? null
    : t("auc", { auc: detail.validation_auc.toFixed(2) });
  return card(label, h("span", { "data-testid": `${kind}-value` }, `${(100 * value).toFixed(1)}%`), `profile-${kind}`, note);
}

function activityCard(a) {
  return card(t("activity"), named("level", a.level), "profile-activity",
    t("activityNote", { events: a.events.toLocaleString(), recent: a.events_30d.toLocaleString(), days: a.active_days_30d }));
}

function rfmCards(rfm) {
  const scores = rfm.scores;
  return [
    card(t("lastPurchase"), daysAgo(rfm.recency_days) ?? t("never"), "profile-recency"),
    card(t("ordersCount"), rfm.frequency.toLocaleString(), "profile-orders"),
    card(t("spent"), rfm.monetary.toLocaleString(undefined, { minimumFractionDigits: 2, maximumFractionDigits: 2 }), "profile-spent"),
    card(t("rfmScores"), scores ? `R${scores.r} · F${scores.f} · M${scores.m}` : "–", "profile-rfm",
      scores ? t("rfmNote") : t("noScores")),
  ];
}

function priceCard(price) {
  const notes = [];
  if (price.relative !== null && price.relative !== undefined) notes.push(t("relativePrice", { value: number(price.relative) }));
  if (price.sensitivity !== null && price.sensitivity !== undefined) notes.push(t("sensitivity", { value: number(price.sensitivity) }));
  return card(t("priceBand"), price.band ? named("band", price.band) : "–", "profile-price",
    notes.length ? notes.join(" · ") : price.band ? null : t("noPrices"));
}

function effect(contribution) {
  const up = contribution > 0;
  return h("span", { class: up ? "effect-up" : "effect-down" },
    h("span", { "aria-hidden": "true" }, up ? "↑ " : "↓ "),
    t(up ? "raises" : "lowers"), ` (${up ? "+" : "−"}${Math.abs(contribution).toFixed(2)})`);
}

function reasons(p, kind) {
  const value = kind === "churn" ? p.churn_risk : p.propensity;
  const list = p[`${kind}_detail`]?.reasons ?? [];
  if (value === null || value === undefined || list.length === 0) return null;
  return h("section", { "data-testid": `${kind}-reasons` }, h("h3", {}, t(`${kind}Why`)),
    table([t("feature"), t("value"), t("effect")], list.map((r) =>
      [named("feature", r.feature), r.value === null ? t("noValue") : number(r.value), effect(r.contribution)])));
}

/** A chart under its heading, or "nothing yet" when there is nothing to draw. */
function chartSection(testid, title, draw, empty) {
  return h("section", { "data-testid": testid }, h("h3", {}, title),
    empty ? h("p", { class: "muted" }, t("none")) : draw(title));
}

/**
 * A name short enough for a bar chart's label column (about 22 Latin letters, a CJK character
 * counting as two); the raw JSON keeps it whole.
 */
function short(name) {
  const width = (char) => (char.codePointAt(0) >= 0x2e80 ? 2 : 1);
  const chars = [...name];
  if (chars.reduce((sum, char) => sum + width(char), 0) <= 22) return name;
  let kept = "";
  let used = 0;
  for (const char of chars) {
    used += width(char);
    if (used > 20) break;
    kept += char;
  }
  return `${kept}…`;
}

function shares(testid, title, list, colour, label = (name) => name) {
  return chartSection(testid, title, () => barChart({
    title, width: SMALL, format: share,
    rows: list.map((entry) => ({ label: short(label(entry.name)), value: entry.share, colour })),
  }), list.length === 0);
}

function counts(testid, title, labels, values, colour, width) {
  return chartSection(testid, title, () => stackedBarChart({
    title, labels, width, height: 220,
    series: [{ name: t("events"), values, colour }],
  }), !values.some((v) => v > 0));
}

function habits(p) {
  const hours = p.habits?.hours ?? [];
  const weekdays = p.habits?.weekdays ?? [];
  const busiest = p.habits?.preferred_hours ?? [];
  const kinds = Object.entries(p.activity?.by_kind ?? {}).sort((a, b) => b[1] - a[1]);
  return [
    counts("profile-hours", t("byHour"), hours.map((_, hour) => String(hour)), hours, PALETTE[0], 720),
    busiest.length ? h("p", { class: "muted" }, t("busiest", { hours: busiest.map((x) => `${String(x).padStart(2, "0")}:00`).join(", ") })) : null,
    h("div", { class: "charts" },
      counts("profile-weekdays", t("byWeekday"), t("weekdays").split(","), weekdays, PALETTE[0], SMALL),
      shares("profile-devices", t("devices"), p.habits?.devices ?? [], PALETTE[3], (name) => named("device", name)),
      chartSection("profile-kinds", t("byKind"), (title) => barChart({
        title, width: SMALL, rows: kinds.map(([kind, n]) => ({ label: named("kind", kind), value: n, colour: PALETTE[2] })),
      }), kinds.length === 0)),
  ];
}

/** The panel's content for `profile`, the answer of `GET /v1/users/{id}/profile`. */
export function profilePanel(p) {
  const affinities = p.affinities ?? { categories: [], brands: [] };
  return [
    h("p", { class: "muted" }, t("asOf", { when: when(p.as_of) })),
    h("div", { class: "cards profile-cards" },
      segmentCard(p.segment), lifecycleCard(p), predictionCard(p, "propensity", 30), predictionCard(p, "churn", 60),
      activityCard(p.activity),
      rfmCards(p.rfm), priceCard(p.price ?? {})),
    reasons(p, "propensity"),
    reasons(p, "churn"),
    // A shopper with no events has nothing to chart.
    p.activity?.events ? [
      h("div", { class: "charts" },
        shares("profile-categories", t("categoryInterest"), affinities.categories, PALETTE[0]),
        shares("profile-brands", t("brandInterest"), affinities.brands, PALETTE[2])),
      habits(p),
    ] : h("p", { class: "muted", "data-testid": "profile-no-events" }, t("neverSeen")),
  ];
}
