//! The server's review intelligence: the sentiment models loaded at start, and the keyword
//! corpus, built on a background thread at start (a request arriving first waits for it) and
//! rebuilt on the next request after reviews are written.

use std::sync::{Arc, Mutex};

use aisle_engine::review_text::sentiment::SentimentModels;
use aisle_engine::{Engine, ReviewCorpus};

/// Builds the keyword corpus on a background thread, so the first summary does not pay for it.
pub fn start(state: &Arc<crate::state::AppState>) {
    let state = state.clone();
    let spawned = std::thread::Builder::new().name("review-corpus".into()).spawn(move || {
        if let Err(error) = state.reviews.corpus(state.engine()) {
            tracing::warn!(%error, "the review keyword corpus could not be built; summaries will retry");
        }
    });
    if let Err(error) = spawned {
        tracing::warn!(%error, "no thread for the review keyword corpus; it is built on first use");
    }
}

/// Models and the keyword corpus.
pub struct ReviewState {
    models: SentimentModels,
    /// `None` until first needed, and again after reviews are written.
    corpus: Mutex<Option<Arc<ReviewCorpus>>>,
}

impl std::fmt::Debug for ReviewState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ReviewState").finish_non_exhaustive()
    }
}

impl ReviewState {
    /// Loads the models the configuration names.
    pub fn open(engine: &Engine) -> Result<Self, aisle_engine::Error> {
        let (models, source) = engine.sentiment_models()?;
        tracing::info!(?source, "sentiment models loaded");
        Ok(Self { models, corpus: Mutex::new(None) })
    }

    /// The sentiment models.
    pub fn models(&self) -> &SentimentModels {
        &self.models
    }

    /// The keyword corpus, built now if it is missing. Blocks: call from a worker thread.
    pub fn corpus(&self, engine: &Engine) -> Result<Arc<ReviewCorpus>, aisle_engine::Error> {
        let mut slot = self.corpus.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        if let Some(corpus) = slot.as_ref() {
            return Ok(corpus.clone());
        }
        let corpus = Arc::new(engine.review_corpus()?);
        *slot = Some(corpus.clone());
        Ok(corpus)
    }

    /// Drops the corpus after reviews changed; the next request rebuilds it.
    pub fn reviews_written(&self) {
        let mut slot = self.corpus.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        *slot = None;
    }
}
