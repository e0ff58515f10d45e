//! Reviews and text analysis: writing reviews (each read for sentiment and aspects as it is
//! stored), an item's review summary, category keywords, and batch sentiment of any texts.

use std::sync::Arc;

use aisle_domain::{Batch, Review};
use aisle_engine::review_text::aspects::aspect_mentions;
use aisle_engine::review_text::sentiment::{Sentiment, SentimentModels};
use aisle_engine::review_text::summary::{ItemSummary, Keywords, ReadReview};
use aisle_engine::review_text::MAX_READ_CHARS;
use aisle_engine::summarize_item;
use aisle_ingest::generic::review_from_json;
use axum::extract::State;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::catalog::{build_all, check_size};
use super::{blocking, parse_id, RecordIssue};
use crate::problem::{Answer, Json, Path, Problem, Query};
use crate::state::AppState;

/// Most texts in one sentiment request.
pub const MAX_TEXTS: usize = 1_000;

/// A sentiment, as the API shows it.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct SentimentView {
    /// `positive`, `negative` or `neutral`.
    pub label: &'static str,
    /// The calibrated probability of the label (for neutral: 1 when positive and negative are
    /// even, lower as one side leads).
    pub score: f32,
    /// The calibrated probability that the text is positive.
    pub positive: f32,
    /// `zh` or `en`: the language the text was read in.
    pub language: &'static str,
}

impl From<&Sentiment> for SentimentView {
    fn from(s: &Sentiment) -> Self {
        Self {
            label: s.polarity.as_str(),
            score: round3(s.score),
            positive: round3(s.positive),
            language: s.language.code(),
        }
    }
}

fn round3(x: f32) -> f32 {
    (x * 1000.0).round() / 1000.0
}

/// A sentence or clause and its sentiment.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct PieceView {
    /// The text (markup removed).
    pub text: String,
    /// Its sentiment.
    pub sentiment: SentimentView,
}

/// An aspect named in a clause.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct AspectView {
    /// quality, value, delivery, size_fit, packaging, customer_service, appearance or
    /// functionality.
    pub aspect: &'static str,
    /// The clause naming it.
    pub text: String,
    /// The clause's sentiment.
    pub sentiment: SentimentView,
}

/// One text's sentiment; sentences and aspects when `detail` was asked.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct SentimentResult {
    /// `positive`, `negative` or `neutral`.
    pub label: &'static str,
    /// The calibrated probability of the label.
    pub score: f32,
    /// The calibrated probability that the text is positive.
    pub positive: f32,
    /// `zh` or `en`.
    pub language: &'static str,
    /// Each sentence's sentiment.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sentences: Option<Vec<PieceView>>,
    /// The aspects named, clause by clause.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub aspects: Option<Vec<AspectView>>,
}

/// Texts to read.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct SentimentRequest {
    /// Up to 1,000 texts, Chinese or English, each read up to 100,000 characters.
    pub texts: Vec<String>,
    /// Add each text's sentences and aspects.
    #[serde(default)]
    pub detail: bool,
}

/// The sentiment of each text, in the request's order.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct SentimentAnswer {
    /// One result per text.
    pub results: Vec<SentimentResult>,
}

fn read_text(models: &SentimentModels, text: &str, detail: bool) -> SentimentResult {
    let whole = SentimentView::from(&models.analyze(text));
    let (sentences, aspects) = if detail {
        let (readable, sentences) = models.sentences(text);
        let sentences = sentences
            .iter()
            .map(|s| PieceView {
                text: s.span.of(&readable).to_string(),
                sentiment: (&s.sentiment).into(),
            })
            .collect();
        (Some(sentences), Some(aspects_of(models, &readable)))
    } else {
        (None, None)
    };
    SentimentResult {
        label: whole.label,
        score: whole.score,
        positive: whole.positive,
        language: whole.language,
        sentences,
        aspects,
    }
}

fn aspects_of(models: &SentimentModels, readable: &str) -> Vec<AspectView> {
    aspect_mentions(models, readable)
        .iter()
        .map(|m| AspectView {
            aspect: m.aspect.as_str(),
            text: m.clause.of(readable).to_string(),
            sentiment: (&m.sentiment).into(),
        })
        .collect()
}

/// The sentiment of each text: Chinese or English, markup removed, calibrated.
#[utoipa::path(post, path = "/v1/nlp/sentiment", tag = "reviews", request_body = SentimentRequest,
    responses((status = 200, body = SentimentAnswer), (status = 400, body = Problem)),
    security(("api_key" = [])))]
pub async fn sentiment(
    State(state): State<Arc<AppState>>,
    Json(request): Json<SentimentRequest>,
) -> Answer<SentimentAnswer> {
    if request.texts.len() > MAX_TEXTS {
        return Err(Problem::bad_request(format!(
            "`texts` holds {} texts; send at most {MAX_TEXTS} per request",
            request.texts.len()
        )));
    }
    if let Some((index, text)) =
        request.texts.iter().enumerate().find(|(_, t)| t.chars().nth(MAX_READ_CHARS).is_some())
    {
        return Err(Problem::bad_request(format!(
            "texts[{index}] has more than {MAX_READ_CHARS} characters ({}); send the part to read",
            text.chars().count()
        )));
    }
    blocking(&state, move |s| {
        let models = s.reviews.models();
        let results = request.texts.iter().map(|t| read_text(models, t, request.detail)).collect();
        Ok(Json(SentimentAnswer { results }))
    })
    .await
}

/// A batch of reviews.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct ReviewBatch {
    /// Review documents (keys of the reviews import file: id, item_id, user_id, rating, text,
    /// created_at).
    #[schema(value_type = Vec<Object>)]
    pub reviews: Vec<Value>,
}

/// A written review, as read.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ReadReviewView {
    /// The review's id.
    pub id: String,
    /// Its sentiment.
    pub sentiment: SentimentView,
    /// The aspects it names.
    pub aspects: Vec<AspectView>,
}

/// What writing reviews did.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ReviewsWritten {
    /// Reviews created.
    pub inserted: u64,
    /// Reviews whose document changed.
    pub updated: u64,
    /// Reviews already stored exactly so.
    pub unchanged: u64,
    /// Reviews refused, with the reason; the others were written.
    pub errors: Vec<RecordIssue>,
    /// Each written review, read: sentiment and aspects, in the request's order.
    pub results: Vec<ReadReviewView>,
}

/// Creates or replaces reviews; each written review is read for sentiment and aspects. Bad
/// documents are reported one by one and cost no good one.
#[utoipa::path(post, path = "/v1/reviews", tag = "reviews", request_body = ReviewBatch,
    responses((status = 200, body = ReviewsWritten), (status = 400, body = Problem), (status = 413, body = Problem)),
    security(("api_key" = [])))]
pub async fn post_reviews(
    State(state): State<Arc<AppState>>,
    Json(body): Json<ReviewBatch>,
) -> Answer<ReviewsWritten> {
    check_size(body.reviews.len())?;
    let (reviews, errors): (Vec<Review>, Vec<RecordIssue>) =
        build_all(body.reviews, review_from_json);
    if reviews.is_empty() && !errors.is_empty() {
        return Err(Problem::bad_request("no review in the batch could be read; see `errors`")
            .with_errors(serde_json::to_value(&errors).unwrap_or_default()));
    }
    blocking(&state, move |s| {
        let models = s.reviews.models();
        let results = reviews
            .iter()
            .map(|r| {
                let readable = aisle_engine::review_text::readable_text(&r.text);
                ReadReviewView {
                    id: r.id.to_string(),
                    sentiment: (&models.analyze_readable(&readable)).into(),
                    aspects: aspects_of(models, &readable),
                }
            })
            .collect();
        let batch = Batch { reviews, ..Batch::default() };
        let report = s.engine().write(&batch)?;
        s.reviews.reviews_written();
        Ok(Json(ReviewsWritten {
            inserted: report.reviews_inserted,
            updated: report.reviews_updated,
            unchanged: report.reviews_unchanged,
            errors,
            results,
        }))
    })
    .await
}

/// Summary options.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
pub struct SummaryParams {
    /// How many of the newest reviews to include, read (0 to 50, default 10).
    pub recent: Option<usize>,
}

/// A review as the summary lists it.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ReviewView {
    /// The review's id.
    pub id: String,
    /// Stars.
    pub rating: Option<f32>,
    /// The text (markup removed).
    pub text: String,
    /// When it was written (RFC 3339).
    pub created_at: Option<String>,
    /// Its sentiment.
    pub sentiment: SentimentView,
}

/// An item's reviews summed up.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct SummaryView {
    /// The item.
    pub item_id: String,
    /// Counts, ratings, sentiment over time, aspects, pros and cons with quotes, keywords.
    #[serde(flatten)]
    #[schema(value_type = Object)]
    pub summary: ItemSummary,
    /// The newest reviews, read.
    pub recent: Vec<ReviewView>,
}

fn review_view(read: &ReadReview) -> ReviewView {
    ReviewView {
        id: read.id.clone(),
        rating: read.rating,
        text: read.text.clone(),
        created_at: read.created_at.map(|t| t.to_rfc3339()),
        sentiment: (&read.sentiment).into(),
    }
}

/// An item's review summary, for the API and the storefront.
pub(crate) fn summary_of(
    state: &AppState,
    id: &str,
    recent: usize,
) -> Result<SummaryView, Problem> {
    let item = parse_id("id", id)?;
    let reviews = state
        .engine()
        .item_reviews(&item)?
        .ok_or_else(|| Problem::not_found(format!("no item {id}")))?;
    let corpus = state.reviews.corpus(state.engine())?;
    let (summary, read) = summarize_item(state.reviews.models(), id, &reviews, Some(&corpus));
    let recent = read.iter().take(recent).map(review_view).collect();
    Ok(SummaryView { item_id: id.to_string(), summary, recent })
}

/// An item's reviews summed up: rating distribution, sentiment over time and its trend,
/// aspects, pros and cons with quotes, key phrases, and the newest reviews read.
#[utoipa::path(get, path = "/v1/items/{id}/reviews/summary", tag = "reviews", params(
        ("id" = String, Path, description = "the shop's item id"), SummaryParams),
    responses((status = 200, body = SummaryView), (status = 400, body = Problem), (status = 404, body = Problem)),
    security(("api_key" = [])))]
pub async fn summary(
    State(state): State<Arc<AppState>>,
    Path(id): Path<String>,
    Query(params): Query<SummaryParams>,
) -> Answer<SummaryView> {
    let recent = params.recent.unwrap_or(10);
    if recent > 50 {
        return Err(Problem::bad_request(format!("`recent` is {recent}; ask for 0 to 50")));
    }
    blocking(&state, move |s| summary_of(s, &id, recent).map(Json)).await
}

/// Keyword options.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
pub struct KeywordParams {
    /// The category; omit to list the categories with reviews.
    pub category: Option<String>,
}

/// A category with reviews.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct CategoryCount {
    /// The category.
    pub category: String,
    /// Reviews of its items.
    pub reviews: usize,
}

/// A category's key phrases, or (without `category`) the categories to ask about.
#[derive(Debug, Default, Serialize, utoipa::ToSchema)]
pub struct KeywordAnswer {
    /// The category asked about.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub category: Option<String>,
    /// Reviews of its items.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reviews: Option<usize>,
    /// Key phrases by TF-IDF (`tfidf`) and TextRank (`textrank`), each `{phrase, score, count}`.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<Object>)]
    pub keywords: Option<Keywords>,
    /// The categories with reviews, most reviewed first (when no category was asked).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub categories: Option<Vec<CategoryCount>>,
}

/// Key phrases of a category's reviews by TF-IDF (against the other categories) and TextRank.
#[utoipa::path(get, path = "/v1/reviews/keywords", tag = "reviews", params(KeywordParams),
    responses((status = 200, body = KeywordAnswer), (status = 404, body = Problem)),
    security(("api_key" = [])))]
pub async fn keywords(
    State(state): State<Arc<AppState>>,
    Query(params): Query<KeywordParams>,
) -> Answer<KeywordAnswer> {
    blocking(&state, move |s| {
        let corpus = s.reviews.corpus(s.engine())?;
        match params.category {
            Some(category) => corpus
                .category_keywords(&category)
                .map(|found| {
                    Json(KeywordAnswer {
                        category: Some(found.category),
                        reviews: Some(found.reviews),
                        keywords: Some(found.keywords),
                        categories: None,
                    })
                })
                .ok_or_else(|| {
                    Problem::not_found(format!(
                        "no reviewed item is in category {category:?}; GET /v1/reviews/keywords lists the categories"
                    ))
                }),
            None => Ok(Json(KeywordAnswer {
                categories: Some(
                    corpus
                        .categories()
                        .into_iter()
                        .map(|(category, reviews)| CategoryCount { category, reviews })
                        .collect(),
                ),
                ..KeywordAnswer::default()
            })),
        }
    })
    .await
}
