// The review panel of the item page: counts and the average rating, reviews by month stacked by
// sentiment, the trend (a warning badge when positive sentiment is falling), reviews by stars,
// the aspects table, pros and cons with their quotes, key phrases by TF-IDF and TextRank, and the
// newest reviews read. Review texts are shoppers' words: they go in as text only.

import { h, api, table, card, when, percent, errorBox } from "../dom.js";
import { t, language } from "../i18n.js";
import { barChart, stackedBarChart } from "../../common/charts.js";
import { stars } from "../../common/stars.js";

const LABELS = ["positive", "neutral", "negative"];
// Okabe and Ito's green and vermillion with a mid grey: told apart without colour vision too.
const COLOURS = { positive: "#009E73", neutral: "#8c959f", negative: "#D55E00" };
const STARS = "#b35900";

function aspectName(entry) {
  return language() === "zh" ? entry.label_zh : entry.label_en;
}

function textLang(code) {
  return code === "zh" ? "zh-CN" : code === "en" ? "en" : undefined;
}

function badge(label, testid) {
  const known = [...LABELS, "warning"].includes(label) ? label : "neutral";
  return h("span", { class: `badge badge-${known}`, "data-testid": testid }, t(label === "warning" ? "falling" : label));
}

function averageCard(summary) {
  const value = summary.average_rating;
  return card(t("averageRating"), value === null ? "–"
    : [`${value.toFixed(2)} / 5 `, stars(value, `${value.toFixed(2)} / 5`, { size: 18 })], "reviews-average");
}

function trendCard(trend) {
  const value = !trend ? t("noTrend") : trend.falling ? badge("warning", "trend-falling") : t("notFalling");
  return card(t("trend"), value, "reviews-trend");
}

function trendNote(trend) {
  if (!trend) return null;
  const recent = t("trendRecent", { days: trend.window_days, share: percent(trend.recent_positive_share), n: trend.recent_reviews });
  const earlier = trend.earlier_reviews
    ? t("trendEarlier", { share: percent(trend.earlier_positive_share), n: trend.earlier_reviews })
    : t("trendNoEarlier");
  return h("p", { class: "muted", "data-testid": "trend-note" }, `${recent} ${earlier}`);
}

function byMonth(months) {
  if (!months.length) return null;
  return h("section", { "data-testid": "reviews-by-month" }, h("h3", {}, t("sentimentByMonth")),
    stackedBarChart({
      title: t("sentimentByMonth"),
      labels: months.map((m) => m.month),
      series: LABELS.map((label) => ({ name: t(label), values: months.map((m) => m[label] ?? 0), colour: COLOURS[label] })),
    }));
}

function byStars(ratings) {
  return h("section", {}, h("h3", {}, t("ratingSpread")),
    barChart({ title: t("ratingSpread"), rows: [5, 4, 3, 2, 1].map((n) => ({ label: `${n} ★`, value: ratings[String(n)] ?? 0, colour: STARS })) }));
}

function aspects(list) {
  return h("section", { "data-testid": "reviews-aspects" }, h("h3", {}, t("aspects")),
    table([t("aspect"), t("mentions"), t("positive"), t("negative"), t("net")], list.map((a) => [
      aspectName(a), (a.positive + a.neutral + a.negative).toLocaleString(), a.positive.toLocaleString(),
      a.negative.toLocaleString(), `${a.net > 0 ? "+" : ""}${a.net.toFixed(2)}`,
    ])));
}

function points(kind, list) {
  return h("section", { "data-testid": `reviews-${kind}` }, h("h3", {}, t(kind)),
    list.length === 0 ? h("p", { class: "muted" }, t("none")) : h("ul", { class: "points" }, list.map((p) =>
      h("li", {}, h("strong", {}, aspectName(p)), " · ", t(`share.${kind}`, { n: p.mentions, share: percent(p.share) }),
        h("ul", {}, p.quotes.map((q) => h("li", {}, h("q", { lang: textLang(q.language) }, q.text))))))));
}

function keywordTable(name, list) {
  return h("section", {}, h("h3", {}, `${t("keywords")}: ${name}`),
    table([t("phrase"), t("score"), t("count")], list.map((k) => [k.phrase, k.score.toFixed(2), k.count.toLocaleString()])));
}

function recent(list) {
  return h("section", { "data-testid": "reviews-recent" }, h("h3", {}, t("recentReviews")),
    table([t("when"), t("rating"), t("sentiment"), t("text")], list.map((r) => [
      when(r.created_at), r.rating ?? "",
      r.sentiment ? [badge(r.sentiment.label, "sentiment-badge"), ` ${r.sentiment.score.toFixed(2)}`] : "",
      h("span", { lang: textLang(r.sentiment?.language) }, r.text),
    ])));
}

function panel(summary) {
  if (!summary.reviews) return h("p", { class: "muted", "data-testid": "no-reviews" }, t("noReviews"));
  const counts = summary.sentiment;
  const total = counts.positive + counts.neutral + counts.negative;
  return [
    h("div", { class: "cards" },
      card(t("reviews"), summary.reviews.toLocaleString(), "reviews-count"),
      card(t("rated"), summary.rated.toLocaleString(), "reviews-rated"),
      averageCard(summary),
      card(t("positiveShare"), percent(total ? counts.positive / total : 0), "reviews-positive"),
      trendCard(summary.trend)),
    trendNote(summary.trend),
    byMonth(summary.over_time ?? []),
    byStars(summary.ratings ?? {}),
    aspects(summary.aspects ?? []),
    h("div", { class: "columns" }, points("pros", summary.pros ?? []), points("cons", summary.cons ?? [])),
    h("div", { class: "columns" },
      keywordTable("TF-IDF", summary.keywords?.tfidf ?? []), keywordTable("TextRank", summary.keywords?.textrank ?? [])),
    recent(summary.recent ?? []),
  ];
}

/** Item `id`'s review panel; an error shows inside it, so the rest of the item page still shows. */
export async function reviewPanel(id) {
  let content;
  try {
    content = panel(await api(`/v1/items/${encodeURIComponent(id)}/reviews/summary?recent=10`));
  } catch (error) {
    content = errorBox(error);
  }
  return h("section", { "data-testid": "review-panel" }, h("h2", {}, t("reviews")), content);
}
