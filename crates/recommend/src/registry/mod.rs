//! The model registry: every model's configuration under one serde enum, [`ModelConfig`], and
//! the one [`fit`], [`save`] and [`load`] that dispatch on it. The CLI, the evaluation harness
//! and hyper-parameter searches speak only this; they never name a model type.
//!
//! A configuration serializes as a flat JSON object tagged by the registry name, e.g.
//! `{"model": "item-knn", "neighbours": 100, ...}`; that same object is stored in every
//! artifact's header, so [`load`] needs nothing but the stream.
//!
//! This module trains nothing itself and does not open files.

mod params;
#[cfg(test)]
mod tests;

use std::io::{Read, Write};

use serde::{Deserialize, Serialize};

use crate::artifact::{Header, Reader, Writer};
use crate::{Error, Recommender, Result, TrainData};

/// Every model's configuration, tagged by its registry name. Serialized as e.g.
/// `{"model": "popular", "binary": true}` (internally tagged, kebab-case names).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "model", rename_all = "kebab-case")]
pub enum ModelConfig {
    /// Most popular items.
    Popular(crate::popular::PopularConfig),
    /// Recently popular items, decayed by age.
    Trending(crate::popular::TrendingConfig),
    /// Items similar to the history's items.
    ItemKnn(crate::knn::ItemKnnConfig),
    /// What similar users interacted with.
    UserKnn(crate::knn::UserKnnConfig),
    /// Implicit alternating least squares matrix factorisation.
    Als(crate::als::AlsConfig),
    /// Bayesian personalised ranking matrix factorisation.
    Bpr(crate::bpr::BprConfig),
    /// Embarrassingly shallow autoencoder (a closed-form item-item model).
    Ease(crate::ease::EaseConfig),
    /// Items with similar text (TF-IDF cosine); scores items nobody has touched yet.
    Content(crate::content::ContentConfig),
    /// "Bought together" association rules.
    Rules(crate::rules::RulesConfig),
    /// A weighted blend of other models.
    Hybrid(crate::hybrid::HybridConfig),
    /// A causal transformer over each shopper's item sequence (SASRec family).
    Transformer(crate::transformer::TransformerConfig),
}

/// Registry names, in a stable order.
pub const MODEL_NAMES: &[&str] = &[
    "popular",
    "trending",
    "item-knn",
    "user-knn",
    "als",
    "bpr",
    "ease",
    "content",
    "rules",
    "hybrid",
    "transformer",
];

impl ModelConfig {
    /// The default configuration of a model by registry name; `None` for an unknown name.
    pub fn default_for(name: &str) -> Option<ModelConfig> {
        Some(match name {
            "popular" => Self::Popular(Default::default()),
            "trending" => Self::Trending(Default::default()),
            "item-knn" => Self::ItemKnn(Default::default()),
            "user-knn" => Self::UserKnn(Default::default()),
            "als" => Self::Als(Default::default()),
            "bpr" => Self::Bpr(Default::default()),
            "ease" => Self::Ease(Default::default()),
            "content" => Self::Content(Default::default()),
            "rules" => Self::Rules(Default::default()),
            "hybrid" => Self::Hybrid(Default::default()),
            "transformer" => Self::Transformer(Default::default()),
            _ => return None,
        })
    }

    /// The registry name.
    pub fn name(&self) -> &'static str {
        match self {
            Self::Popular(_) => "popular",
            Self::Trending(_) => "trending",
            Self::ItemKnn(_) => "item-knn",
            Self::UserKnn(_) => "user-knn",
            Self::Als(_) => "als",
            Self::Bpr(_) => "bpr",
            Self::Ease(_) => "ease",
            Self::Content(_) => "content",
            Self::Rules(_) => "rules",
            Self::Hybrid(_) => "hybrid",
            Self::Transformer(_) => "transformer",
        }
    }

    /// Checks every parameter (finite, in range).
    pub fn validate(&self) -> Result<()> {
        match self {
            Self::Popular(c) => c.validate(),
            Self::Trending(c) => c.validate(),
            Self::ItemKnn(c) => c.validate(),
            Self::UserKnn(c) => c.validate(),
            Self::Als(c) => c.validate(),
            Self::Bpr(c) => c.validate(),
            Self::Ease(c) => c.validate(),
            Self::Content(c) => c.validate(),
            Self::Rules(c) => c.validate(),
            Self::Hybrid(c) => c.validate(),
            Self::Transformer(c) => crate::transformer::validate(c),
        }
    }

    /// The names of the parameters [`ModelConfig::set`] accepts, in the config's field order.
    pub fn parameters(&self) -> &'static [&'static str] {
        use params::field_names;
        match self {
            Self::Popular(_) => field_names::<crate::popular::PopularConfig>(),
            Self::Trending(_) => field_names::<crate::popular::TrendingConfig>(),
            Self::ItemKnn(_) => field_names::<crate::knn::ItemKnnConfig>(),
            Self::UserKnn(_) => field_names::<crate::knn::UserKnnConfig>(),
            Self::Als(_) => field_names::<crate::als::AlsConfig>(),
            Self::Bpr(_) => field_names::<crate::bpr::BprConfig>(),
            Self::Ease(_) => field_names::<crate::ease::EaseConfig>(),
            Self::Content(_) => field_names::<crate::content::ContentConfig>(),
            Self::Rules(_) => field_names::<crate::rules::RulesConfig>(),
            Self::Hybrid(_) => field_names::<crate::hybrid::HybridConfig>(),
            Self::Transformer(_) => field_names::<crate::transformer::TransformerConfig>(),
        }
    }
}

/// Trains the configured model.
pub fn fit(config: &ModelConfig, data: &TrainData<'_>) -> Result<Box<dyn Recommender>> {
    config.validate()?;
    Ok(match config {
        ModelConfig::Popular(c) => Box::new(crate::popular::fit(c, data)?),
        ModelConfig::Trending(c) => Box::new(crate::popular::fit_trending(c, data)?),
        ModelConfig::ItemKnn(c) => Box::new(crate::knn::fit_item_knn(c, data)?),
        ModelConfig::UserKnn(c) => Box::new(crate::knn::fit_user_knn(c, data)?),
        ModelConfig::Als(c) => Box::new(crate::als::fit(c, data)?),
        ModelConfig::Bpr(c) => Box::new(crate::bpr::fit(c, data)?),
        ModelConfig::Ease(c) => Box::new(crate::ease::fit(c, data)?),
        ModelConfig::Content(c) => Box::new(crate::content::fit(c, data)?),
        ModelConfig::Rules(c) => Box::new(crate::rules::fit(c, data)?),
        ModelConfig::Hybrid(c) => Box::new(crate::hybrid::fit(c, data)?),
        ModelConfig::Transformer(c) => Box::new(crate::transformer::fit(c, data)?),
    })
}

/// Writes a trained model as an artifact: a header with the config, then its payload.
pub fn save(
    model: &dyn Recommender,
    config: &ModelConfig,
    n_users: usize,
    out: &mut dyn Write,
) -> Result<()> {
    if model.name() != config.name() {
        return Err(Error::Artifact(format!(
            "cannot save a `{}` model with a `{}` configuration",
            model.name(),
            config.name()
        )));
    }
    let header = Header {
        model: config.name().to_string(),
        config: serde_json::to_value(config).map_err(|e| Error::Artifact(e.to_string()))?,
        n_items: model.n_items(),
        n_users,
    };
    let mut writer = Writer::start(out, &header)?;
    model.save(&mut writer)
}

/// Reads an artifact back into a ready model (the same loader for every model).
pub fn load(input: &mut dyn Read) -> Result<(ModelConfig, Box<dyn Recommender>)> {
    let (header, mut reader) = Reader::start(input)?;
    let config: ModelConfig = serde_json::from_value(header.config.clone()).map_err(|e| {
        Error::Artifact(format!("the `{}` model's configuration is unreadable: {e}", header.model))
    })?;
    if config.name() != header.model {
        return Err(Error::Artifact(format!(
            "the header names model `{}` but its configuration is for `{}`",
            header.model,
            config.name()
        )));
    }
    let model = load_payload(&config, &mut reader)?;
    if model.n_items() != header.n_items {
        return Err(Error::Artifact(format!(
            "the header says {} items but the `{}` payload holds {}; the file is corrupt",
            header.n_items,
            header.model,
            model.n_items()
        )));
    }
    Ok((config, model))
}

/// Reads one model's payload (the sections after the header); composite models use this to read
/// their components.
pub(crate) fn load_payload(
    config: &ModelConfig,
    reader: &mut Reader<'_>,
) -> Result<Box<dyn Recommender>> {
    Ok(match config {
        ModelConfig::Popular(_) => Box::new(crate::popular::Popular::load(reader)?),
        ModelConfig::Trending(_) => Box::new(crate::popular::Trending::load(reader)?),
        ModelConfig::ItemKnn(_) => Box::new(crate::knn::ItemKnn::load(reader)?),
        ModelConfig::UserKnn(_) => Box::new(crate::knn::UserKnn::load(reader)?),
        ModelConfig::Als(_) => Box::new(crate::als::Als::load(reader)?),
        ModelConfig::Bpr(_) => Box::new(crate::bpr::Bpr::load(reader)?),
        ModelConfig::Ease(_) => Box::new(crate::ease::Ease::load(reader)?),
        ModelConfig::Content(_) => Box::new(crate::content::Content::load(reader)?),
        ModelConfig::Rules(_) => Box::new(crate::rules::Rules::load(reader)?),
        ModelConfig::Hybrid(_) => Box::new(crate::hybrid::Hybrid::load(reader)?),
        ModelConfig::Transformer(_) => Box::new(crate::transformer::Sequential::load(reader)?),
    })
}
