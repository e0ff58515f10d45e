// A product page's reviews: the average rating in stars, how many reviews gave each number of
// stars, the sentiment split, pros and cons with quoted clauses, key phrases, and the newest
// reviews with their sentiment. The section shows at once and fills in when the summary
// arrives, so the product never waits for its reviews. Review texts are shoppers' words: they go
// in as text nodes only (h() never parses HTML).

import { h, errorBox } from "./dom.js";
import { t, language, htmlLang } from "./i18n.js";
import { api } from "./api.js";
import { stars } from "../common/stars.js";

const LABELS = ["positive", "neutral", "negative"];
const KEYWORDS = 10;

function locale() {
  return htmlLang(language());
}

function decimal(value) {
  return new Intl.NumberFormat(locale(), { minimumFractionDigits: 1, maximumFractionDigits: 1 }).format(value);
}

function share(part, whole) {
  return new Intl.NumberFormat(locale(), { style: "percent", maximumFractionDigits: 0 }).format(whole ? part / whole : 0);
}

function day(text) {
  const date = new Date(text);
  return Number.isNaN(date.getTime()) ? text : new Intl.DateTimeFormat(locale(), { dateStyle: "medium" }).format(date);
}

/** `lang` of a text the server read as `zh` or `en`; nothing for another code. */
function textLang(code) {
  return code === "zh" || code === "en" ? htmlLang(code) : undefined;
}

function starRow(rating, size) {
  return stars(rating, t("starsLabel", { rating: decimal(rating) }), { size });
}

function aspectName(point) {
  return language() === "zh" ? point.label_zh : point.label_en;
}

/** A sentiment label as a coloured badge (any label the page does not know shows as neutral). */
function badge(label) {
  const known = LABELS.includes(label) ? label : "neutral";
  return h("span", { class: `badge badge-${known}`, "data-testid": "sentiment-badge", "data-label": label }, t(`sentiment.${label}`));
}

function average(summary) {
  return h("div", { class: "review-score", "data-testid": "review-average" },
    summary.average_rating === null
      ? h("p", { class: "muted" }, t("notRated"))
      : h("p", { class: "review-average" }, h("span", { class: "review-number" }, decimal(summary.average_rating)), starRow(summary.average_rating, 22)),
    h("p", { class: "muted", "data-testid": "review-count" }, t("reviewsCount", { n: summary.reviews })));
}

function distribution(ratings) {
  const rated = Object.values(ratings).reduce((a, b) => a + b, 0);
  return h("div", { class: "rating-spread" },
    h("p", { id: "rating-spread-title", class: "review-label" }, t("ratingSpread")),
    h("ul", { class: "rating-bars", "aria-labelledby": "rating-spread-title", "data-testid": "rating-bars" },
      [5, 4, 3, 2, 1].map((n) => {
        const count = ratings[String(n)] ?? 0;
        const fill = h("span", { class: "bar-fill" });
        fill.style.width = `${rated ? (100 * count) / rated : 0}%`;
        return h("li", { "data-testid": "rating-bar", "data-stars": n },
          h("span", { class: "bar-label" }, t("starsRow", { n })),
          h("span", { class: "bar", "aria-hidden": "true" }, fill),
          h("span", { class: "bar-count" }, count.toLocaleString(locale())));
      })));
}

function sentimentSplit(counts) {
  const total = LABELS.reduce((sum, label) => sum + (counts[label] ?? 0), 0);
  const bar = h("span", { class: "split", "aria-hidden": "true" }, LABELS.map((label) => {
    const part = h("span", { class: `split-${label}` });
    part.style.flexGrow = String(counts[label] ?? 0);
    return part;
  }));
  return h("div", { class: "review-sentiment", "data-testid": "review-sentiment" },
    h("p", { id: "sentiment-split-title", class: "review-label" }, t("sentimentSplit")), bar,
    h("ul", { class: "split-legend", "aria-labelledby": "sentiment-split-title" }, LABELS.map((label) =>
      h("li", {}, h("span", { class: `dot split-${label}`, "aria-hidden": "true" }),
        `${t(`sentiment.${label}`)} ${(counts[label] ?? 0).toLocaleString(locale())} (${share(counts[label] ?? 0, total)})`))));
}

/** Pros or cons: each aspect a chip ("Delivery · 22") and its quoted clauses. */
function points(kind, list) {
  if (!list?.length) return null;
  const id = `review-${kind}-title`;
  return h("section", { class: `points points-${kind}`, "aria-labelledby": id, "data-testid": `review-${kind}` },
    h("h3", { id }, t(kind)),
    h("ul", {}, list.map((point) => h("li", { class: "point", "data-testid": "review-point", "data-aspect": point.aspect },
      h("span", { class: `chip chip-${kind}` }, `${aspectName(point)} · ${point.mentions.toLocaleString(locale())}`,
        h("span", { class: "sr-only" }, ` ${t("mentions")}`)),
      (point.quotes ?? []).slice(0, 2).map((quote) => h("q", { lang: textLang(quote.language) }, quote.text))))));
}

function keywords(list) {
  if (!list?.length) return null;
  return h("section", { class: "review-keywords", "aria-labelledby": "review-keywords-title", "data-testid": "review-keywords" },
    h("h3", { id: "review-keywords-title" }, t("reviewKeywords")),
    h("ul", { class: "keyword-chips" }, list.slice(0, KEYWORDS).map((k) => h("li", { class: "chip" }, k.phrase))));
}

function review(item) {
  return h("li", { class: "review", "data-testid": "review", "data-review-id": item.id },
    h("div", { class: "review-head" },
      typeof item.rating === "number" ? starRow(item.rating, 16) : null,
      item.created_at ? h("time", { datetime: item.created_at }, day(item.created_at)) : null,
      item.sentiment ? badge(item.sentiment.label) : null),
    h("p", { class: "review-text", lang: textLang(item.sentiment?.language) }, item.text));
}

function recent(list) {
  if (!list?.length) return null;
  return h("section", { "aria-labelledby": "recent-reviews-title", "data-testid": "recent-reviews" },
    h("h3", { id: "recent-reviews-title" }, t("recentReviews")),
    h("ol", { class: "review-list" }, list.map(review)));
}

function summaryNodes(summary) {
  if (!summary.reviews) return h("p", { class: "muted", "data-testid": "no-reviews" }, t("noReviews"));
  return [
    h("div", { class: "review-overview" }, average(summary), distribution(summary.ratings ?? {}), sentimentSplit(summary.sentiment ?? {})),
    h("div", { class: "review-points" }, points("pros", summary.pros), points("cons", summary.cons)),
    keywords(summary.keywords?.tfidf),
    recent(summary.recent),
  ];
}

/** The reviews of item `id`, as a section that fills in when they arrive. */
export function reviewSection(id) {
  const body = h("div", {}, h("p", { class: "muted" }, t("loading")));
  const section = h("section", {
    class: "reviews", "aria-labelledby": "reviews-title", "aria-busy": "true", "data-testid": "reviews", "data-state": "loading",
  }, h("h2", { id: "reviews-title" }, t("reviews")), body);
  const done = (state, nodes) => {
    section.dataset.state = state;
    section.removeAttribute("aria-busy");
    body.replaceChildren(...[nodes].flat().filter(Boolean));
  };
  const load = () => api(`/shop/api/items/${encodeURIComponent(id)}/reviews`).then(
    (summary) => done(summary.reviews ? "ready" : "empty", summaryNodes(summary)),
    (error) => done("error", errorBox({ message: `${t("reviewsError")} (${error.message})` }, () => {
      section.dataset.state = "loading";
      load();
    })));
  load();
  return section;
}
