//! An item's reviews summed up: how many and how rated, sentiment and how it moves month by
//! month, the aspects praised and blamed with quotes that show it, and key phrases.
//!
//! Everything here is counted from the reviews themselves; nothing is written by a language
//! model. Quotes are clauses copied from the reviews (made readable), never paraphrased.

use std::collections::BTreeMap;

use aisle_domain::{Review, Timestamp};
use serde::Serialize;

use crate::aspects::{aspect_mentions, Aspect, AspectMention};
use crate::clean::readable_text;
use crate::keywords::Keyword;
use crate::sentiment::{Polarity, Sentiment, SentimentModels};

/// One review read: its sentiment and aspects.
#[derive(Debug, Clone, PartialEq)]
pub struct ReadReview {
    /// The shop's review id.
    pub id: String,
    /// Stars, when given.
    pub rating: Option<f32>,
    /// When it was written, when known.
    pub created_at: Option<Timestamp>,
    /// The text as read: markup out, entities decoded.
    pub text: String,
    /// The whole review's sentiment.
    pub sentiment: Sentiment,
    /// The aspects it names, clause by clause.
    pub aspects: Vec<AspectMention>,
}

/// Reads one review.
pub fn read_review(models: &SentimentModels, review: &Review) -> ReadReview {
    let text = readable_text(&review.text);
    let sentiment = models.analyze_readable(&text);
    let aspects = aspect_mentions(models, &text);
    ReadReview {
        id: review.id.to_string(),
        rating: review.rating,
        created_at: review.created_at,
        text,
        sentiment,
        aspects,
    }
}

/// Counts of labels and the mean probability of positive.
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize)]
pub struct SentimentCounts {
    /// Positive reviews.
    pub positive: u32,
    /// Neutral reviews.
    pub neutral: u32,
    /// Negative reviews.
    pub negative: u32,
    /// The mean calibrated probability of positive (`None` when there are none).
    #[serde(serialize_with = "rounded_option")]
    pub mean_positive: Option<f32>,
}

impl SentimentCounts {
    fn add(&mut self, sentiment: &Sentiment) {
        let total = self.total() as f32;
        let mean = self.mean_positive.unwrap_or(0.0);
        self.mean_positive = Some((mean * total + sentiment.positive) / (total + 1.0));
        match sentiment.polarity {
            Polarity::Positive => self.positive += 1,
            Polarity::Neutral => self.neutral += 1,
            Polarity::Negative => self.negative += 1,
        }
    }

    /// How many were counted.
    pub fn total(&self) -> u32 {
        self.positive + self.neutral + self.negative
    }

    /// The share labelled positive (`None` when there are none).
    pub fn positive_share(&self) -> Option<f32> {
        (self.total() > 0).then(|| self.positive as f32 / self.total() as f32)
    }
}

/// One calendar month (UTC) of reviews.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Month {
    /// `YYYY-MM`.
    pub month: String,
    /// Sentiment of the month's reviews.
    #[serde(flatten)]
    pub sentiment: SentimentCounts,
    /// The month's mean rating, when any review was rated.
    #[serde(serialize_with = "rounded_option")]
    pub average_rating: Option<f32>,
}

/// Recent sentiment against earlier sentiment.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Trend {
    /// Days counted as recent, back from the newest review.
    pub window_days: u32,
    /// Dated reviews in the window.
    pub recent_reviews: u32,
    /// Their positive share (`None` when there are none).
    #[serde(serialize_with = "rounded_option")]
    pub recent_positive_share: Option<f32>,
    /// Dated reviews before the window.
    pub earlier_reviews: u32,
    /// Their positive share (`None` when there are none).
    #[serde(serialize_with = "rounded_option")]
    pub earlier_positive_share: Option<f32>,
    /// Whether sentiment is falling: both periods have at least [`TREND_MIN_REVIEWS`] reviews
    /// and the recent positive share is at least [`TREND_DROP`] lower.
    pub falling: bool,
}

/// Fewest reviews on each side of the window for a trend to be called.
pub const TREND_MIN_REVIEWS: u32 = 5;
/// The drop in positive share that counts as falling.
pub const TREND_DROP: f32 = 0.15;
/// The recent window.
pub const TREND_WINDOW_DAYS: u32 = 90;

/// How one aspect fares across an item's reviews.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AspectSummary {
    /// The aspect's wire name.
    pub aspect: &'static str,
    /// English display name.
    pub label_en: &'static str,
    /// Chinese display name.
    pub label_zh: &'static str,
    /// Clauses naming it, and their sentiment.
    #[serde(flatten)]
    pub sentiment: SentimentCounts,
    /// Net opinion: (positive - negative) / mentions, from -1 to 1.
    #[serde(serialize_with = "rounded")]
    pub net: f32,
}

/// A clause quoted from a review.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Quote {
    /// The review it comes from.
    pub review_id: String,
    /// The clause, as written (made readable).
    pub text: String,
    /// The clause's language.
    pub language: &'static str,
    /// How sure the reader is of the clause's sentiment.
    #[serde(serialize_with = "rounded")]
    pub score: f32,
}

/// A pro or a con: an aspect praised (or blamed) in enough reviews, with quotes.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Point {
    /// The aspect's wire name.
    pub aspect: &'static str,
    /// English display name.
    pub label_en: &'static str,
    /// Chinese display name.
    pub label_zh: &'static str,
    /// Clauses saying so.
    pub mentions: u32,
    /// The share of the aspect's mentions saying so.
    #[serde(serialize_with = "rounded")]
    pub share: f32,
    /// Up to [`QUOTES_PER_POINT`] clauses saying it best: the surest first, at most one per
    /// review, short ones preferred.
    pub quotes: Vec<Quote>,
}

/// Shares, means and scores are written with three decimals: more is noise to a reader.
fn rounded<S: serde::Serializer>(value: &f32, serializer: S) -> Result<S::Ok, S::Error> {
    serializer.serialize_f32((value * 1000.0).round() / 1000.0)
}

fn rounded_option<S: serde::Serializer>(
    value: &Option<f32>,
    serializer: S,
) -> Result<S::Ok, S::Error> {
    match value {
        Some(value) => rounded(value, serializer),
        None => serializer.serialize_none(),
    }
}

/// Quotes per pro or con.
pub const QUOTES_PER_POINT: usize = 2;
/// Pros (and cons) listed at most.
pub const POINTS: usize = 3;

/// Key phrases by both methods.
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
pub struct Keywords {
    /// By TF-IDF against the other items' reviews.
    pub tfidf: Vec<Keyword>,
    /// By TextRank over this item's reviews.
    pub textrank: Vec<Keyword>,
}

/// An item's reviews summed up.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ItemSummary {
    /// Reviews read.
    pub reviews: u32,
    /// Reviews with a rating.
    pub rated: u32,
    /// Their mean rating.
    #[serde(serialize_with = "rounded_option")]
    pub average_rating: Option<f32>,
    /// Reviews by stars, "1" to "5" (half stars round up, 0 stars count as 1).
    pub ratings: BTreeMap<String, u32>,
    /// Sentiment of whole reviews.
    pub sentiment: SentimentCounts,
    /// Sentiment by month, oldest first (dated reviews only).
    pub over_time: Vec<Month>,
    /// Recent against earlier sentiment, when any review is dated.
    pub trend: Option<Trend>,
    /// Every aspect mentioned, most mentioned first.
    pub aspects: Vec<AspectSummary>,
    /// Aspects most praised.
    pub pros: Vec<Point>,
    /// Aspects most blamed.
    pub cons: Vec<Point>,
    /// Key phrases.
    pub keywords: Keywords,
}

/// Sums up read reviews; `keywords` come from the caller, who holds the corpus TF-IDF needs.
pub fn summarize(reviews: &[ReadReview], keywords: Keywords) -> ItemSummary {
    let mut ratings: BTreeMap<String, u32> = (1..=5).map(|s| (s.to_string(), 0)).collect();
    let (mut rated, mut rating_sum) = (0u32, 0f64);
    let mut sentiment = SentimentCounts::default();
    let mut months: BTreeMap<String, (SentimentCounts, u32, f64)> = BTreeMap::new();
    for review in reviews {
        sentiment.add(&review.sentiment);
        if let Some(rating) = review.rating.filter(|r| r.is_finite()) {
            rated += 1;
            rating_sum += f64::from(rating);
            let stars = (rating.ceil() as u32).clamp(1, 5);
            *ratings.entry(stars.to_string()).or_default() += 1;
        }
        if let Some(at) = review.created_at {
            let month = at.to_rfc3339().get(..7).unwrap_or_default().to_string();
            let entry = months.entry(month).or_default();
            entry.0.add(&review.sentiment);
            if let Some(rating) = review.rating.filter(|r| r.is_finite()) {
                entry.1 += 1;
                entry.2 += f64::from(rating);
            }
        }
    }
    let over_time = months
        .into_iter()
        .map(|(month, (sentiment, rated, sum))| Month {
            month,
            sentiment,
            average_rating: (rated > 0).then(|| (sum / f64::from(rated)) as f32),
        })
        .collect();
    let (aspects, pros, cons) = aspect_points(reviews);
    ItemSummary {
        reviews: reviews.len() as u32,
        rated,
        average_rating: (rated > 0).then(|| (rating_sum / f64::from(rated)) as f32),
        ratings,
        sentiment,
        over_time,
        trend: trend(reviews),
        aspects,
        pros,
        cons,
        keywords,
    }
}

fn trend(reviews: &[ReadReview]) -> Option<Trend> {
    let newest = reviews.iter().filter_map(|r| r.created_at).map(|t| t.millis()).max()?;
    let window_start = newest - i64::from(TREND_WINDOW_DAYS) * 86_400_000;
    let (mut recent, mut earlier) = (SentimentCounts::default(), SentimentCounts::default());
    for review in reviews {
        match review.created_at {
            Some(at) if at.millis() > window_start => recent.add(&review.sentiment),
            Some(_) => earlier.add(&review.sentiment),
            None => {}
        }
    }
    let falling = recent.total() >= TREND_MIN_REVIEWS
        && earlier.total() >= TREND_MIN_REVIEWS
        && recent.positive_share().unwrap_or(0.0)
            <= earlier.positive_share().unwrap_or(0.0) - TREND_DROP;
    Some(Trend {
        window_days: TREND_WINDOW_DAYS,
        recent_reviews: recent.total(),
        recent_positive_share: recent.positive_share(),
        earlier_reviews: earlier.total(),
        earlier_positive_share: earlier.positive_share(),
        falling,
    })
}

type AspectTables = (Vec<AspectSummary>, Vec<Point>, Vec<Point>);
/// An aspect's counts and the mentions behind them.
type Mentions<'a> = (SentimentCounts, Vec<(&'a ReadReview, &'a AspectMention)>);

fn aspect_points(reviews: &[ReadReview]) -> AspectTables {
    let mut by_aspect: BTreeMap<Aspect, Mentions<'_>> = BTreeMap::new();
    for review in reviews {
        for mention in &review.aspects {
            let entry = by_aspect.entry(mention.aspect).or_default();
            entry.0.add(&mention.sentiment);
            entry.1.push((review, mention));
        }
    }
    let mut aspects: Vec<AspectSummary> = by_aspect
        .iter()
        .map(|(aspect, (counts, _))| {
            let (label_en, label_zh) = aspect.labels();
            let net =
                (counts.positive as f32 - counts.negative as f32) / counts.total().max(1) as f32;
            AspectSummary { aspect: aspect.as_str(), label_en, label_zh, sentiment: *counts, net }
        })
        .collect();
    aspects
        .sort_by(|a, b| b.sentiment.total().cmp(&a.sentiment.total()).then(a.aspect.cmp(b.aspect)));
    let points = |polarity: Polarity| {
        let mut points: Vec<Point> = by_aspect
            .iter()
            .filter_map(|(aspect, (counts, mentions))| {
                let saying: Vec<&(&ReadReview, &AspectMention)> =
                    mentions.iter().filter(|(_, m)| m.sentiment.polarity == polarity).collect();
                // A pro must outweigh its con, and the other way round; a tie is neither.
                let against = match polarity {
                    Polarity::Positive => counts.negative,
                    _ => counts.positive,
                };
                if saying.is_empty() || (saying.len() as u32) <= against {
                    return None;
                }
                let (label_en, label_zh) = aspect.labels();
                Some(Point {
                    aspect: aspect.as_str(),
                    label_en,
                    label_zh,
                    mentions: saying.len() as u32,
                    share: saying.len() as f32 / counts.total().max(1) as f32,
                    quotes: quotes(&saying),
                })
            })
            .collect();
        points.sort_by(|a, b| b.mentions.cmp(&a.mentions).then(a.aspect.cmp(b.aspect)));
        points.truncate(POINTS);
        points
    };
    let pros = points(Polarity::Positive);
    let cons = points(Polarity::Negative);
    (aspects, pros, cons)
}

/// The clauses that say it best: surest first, short preferred (a quote of over 140 characters
/// loses a tenth of its score), one per review.
fn quotes(saying: &[&(&ReadReview, &AspectMention)]) -> Vec<Quote> {
    let mut ranked: Vec<(f32, Quote)> = saying
        .iter()
        .map(|(review, mention)| {
            let text = mention.clause.of(&review.text).to_string();
            let long = text.chars().count() > 140;
            let rank = mention.sentiment.score - if long { 0.1 } else { 0.0 };
            let quote = Quote {
                review_id: review.id.clone(),
                text,
                language: mention.sentiment.language.code(),
                score: mention.sentiment.score,
            };
            (rank, quote)
        })
        .collect();
    ranked.sort_by(|a, b| b.0.total_cmp(&a.0).then_with(|| a.1.review_id.cmp(&b.1.review_id)));
    let mut chosen: Vec<Quote> = Vec::new();
    for (_, quote) in ranked {
        if chosen.len() == QUOTES_PER_POINT {
            break;
        }
        if chosen.iter().all(|q| q.review_id != quote.review_id && q.text != quote.text) {
            chosen.push(quote);
        }
    }
    chosen
}

#[cfg(test)]
mod tests {
    use aisle_domain::ExternalId;

    use super::*;

    fn review(id: &str, rating: Option<f32>, text: &str, day: i64) -> Review {
        Review {
            id: ExternalId::parse(id).expect("id"),
            user: None,
            item: ExternalId::parse("item").expect("id"),
            rating,
            text: text.to_string(),
            created_at: Some(
                Timestamp::from_millis(1_700_000_000_000 + day * 86_400_000).expect("time"),
            ),
        }
    }

    #[test]
    fn a_summary_counts_ratings_aspects_and_quotes() {
        let models = SentimentModels::builtin().expect("models");
        let reviews = [
            review("a", Some(5.0), "质量很好，物流很快。", 0),
            review("b", Some(4.5), "Great quality, I love it!", 1),
            review("c", Some(1.0), "物流太慢了，等了一个星期。质量很好。", 40),
            review("d", None, "Delivery was slow and the box was crushed.", 41),
            review("e", Some(0.0), "", 42),
        ];
        let read: Vec<ReadReview> = reviews.iter().map(|r| read_review(&models, r)).collect();
        let summary = summarize(&read, Keywords::default());
        assert_eq!(summary.reviews, 5);
        assert_eq!(summary.rated, 4);
        assert_eq!(summary.ratings["5"], 2, "4.5 rounds up");
        assert_eq!(summary.ratings["1"], 2, "0 stars count as 1");
        assert_eq!(summary.over_time.len(), 2, "two months: {:?}", summary.over_time);
        let quality =
            summary.pros.iter().find(|p| p.aspect == "quality").expect("quality is a pro");
        assert_eq!(quality.mentions, 3);
        assert_eq!(quality.quotes.len(), 2);
        assert!(quality.quotes.iter().all(|q| reviews.iter().any(|r| r.text.contains(&q.text))));
        assert!(summary.cons.iter().any(|p| p.aspect == "delivery"), "{:?}", summary.cons);
        assert!(
            !summary.pros.iter().any(|p| p.aspect == "delivery"),
            "delivery is blamed more than praised"
        );
        let trend = summary.trend.expect("dated");
        assert!(!trend.falling, "too few reviews to call a trend");
    }

    #[test]
    fn falling_sentiment_is_called_with_enough_reviews() {
        let models = SentimentModels::builtin().expect("models");
        let mut reviews = Vec::new();
        for k in 0..6 {
            reviews.push(review(&format!("old{k}"), Some(5.0), "非常满意，质量很好！", k));
            reviews.push(review(
                &format!("new{k}"),
                Some(1.0),
                "很差，质量太差了，不推荐。",
                200 + k,
            ));
        }
        let read: Vec<ReadReview> = reviews.iter().map(|r| read_review(&models, r)).collect();
        let trend = summarize(&read, Keywords::default()).trend.expect("dated");
        assert!(trend.falling, "{trend:?}");
        assert_eq!((trend.recent_reviews, trend.earlier_reviews), (6, 6));
    }

    #[test]
    fn no_reviews_make_an_empty_summary() {
        let summary = summarize(&[], Keywords::default());
        assert_eq!(summary.reviews, 0);
        assert_eq!(summary.average_rating, None);
        assert!(summary.trend.is_none() && summary.pros.is_empty());
        let json = serde_json::to_value(&summary).expect("json");
        assert!(json["sentiment"]["mean_positive"].is_null(), "no mean of nothing: {json}");
    }

    #[test]
    fn shares_and_means_are_written_with_three_decimals() {
        let models = SentimentModels::builtin().expect("models");
        let reviews: Vec<Review> = (0..3)
            .map(|k| review(&format!("r{k}"), Some(if k == 0 { 5.0 } else { 4.0 }), "Good.", k))
            .collect();
        let read: Vec<ReadReview> = reviews.iter().map(|r| read_review(&models, r)).collect();
        let json = serde_json::to_value(summarize(&read, Keywords::default())).expect("json");
        assert_eq!(json["average_rating"].as_f64(), Some(f64::from(4.333_f32)), "{json}");
        let mean = json["sentiment"]["mean_positive"].as_f64().expect("a mean");
        assert_eq!(mean, f64::from((mean as f32 * 1000.0).round() / 1000.0), "{json}");
    }
}
