//! Running a search: train each configuration on the tuning view's training data, measure the
//! target on validation, keep the best. A search over a hybrid's weights alone trains each
//! component once and re-weights it per trial (see [`crate::blend`]).
//!
//! Only the tuning [`View`] is passed in, so the test pairs are out of reach by construction.

use std::time::Instant;

use aisle_recommend::{ItemText, Recommender, TrainData};

use crate::blend::Blend;
use crate::protocol::{measure, Protocol};
use crate::report::Trial;
use crate::search::SearchSpec;
use crate::split::{Stage, View};
use crate::{Error, Result, Trainable};

/// What a search found.
pub(crate) struct Outcome<C> {
    pub(crate) best: C,
    pub(crate) best_value: f64,
    pub(crate) trials: Vec<Trial>,
}

/// What every training and measuring run of an evaluation shares.
pub(crate) struct Run<'a> {
    /// Item texts passed through to the models.
    pub(crate) items: &'a [ItemText],
    /// Baskets passed through to the models.
    pub(crate) baskets: &'a [Vec<u32>],
    /// Training threads, as [`TrainData::threads`].
    pub(crate) threads: usize,
    /// The pool training and ranking run on.
    pub(crate) pool: &'a rayon::ThreadPool,
    /// How lists are ranked.
    pub(crate) protocol: Protocol,
    /// Seed of negative sampling.
    pub(crate) seed: u64,
}

/// Tries every configuration of `spec` on the tuning view and returns the best by the target
/// (the earliest on ties). `on_trial` gets the best value so far after each trial.
pub(crate) fn search<C: Trainable>(
    label: &str,
    base: &C,
    spec: &SearchSpec,
    tuning: &View<'_>,
    run: &Run<'_>,
    on_trial: &mut dyn FnMut(Option<f64>),
) -> Result<Outcome<C>> {
    if tuning.stage != Stage::Tuning {
        return Err(Error::Data("a search runs on the tuning (validation) view only".to_string()));
    }
    let k = spec.target_k()?;
    // Apply every assignment first, so a typo fails before hours of training.
    let mut configs = Vec::new();
    for assignment in spec.trials(&|key| base.list_len(key))? {
        let mut config = base.clone();
        for (key, value) in &assignment {
            config.set(key, value).map_err(|e| Error::model(label, e))?;
        }
        configs.push((assignment, config));
    }
    let data = TrainData {
        items: run.items,
        baskets: run.baskets,
        threads: run.threads,
        ..TrainData::new(&tuning.train)
    };
    // A hybrid searched on its weights alone: train the components once, re-weight per trial.
    let only_weights = spec.params.iter().all(|p| p.key == "weights");
    let shared = match base.blend_parts().filter(|_| only_weights) {
        Some((components, normalization)) => {
            let started = Instant::now();
            let fitted = components
                .iter()
                .map(|c| run.pool.install(|| c.fit(&data)))
                .collect::<aisle_recommend::Result<Vec<_>>>()
                .map_err(|e| Error::model(label, e))?;
            Some((fitted, normalization, started.elapsed().as_secs_f64()))
        }
        None => None,
    };
    let mut best: Option<(usize, f64)> = None;
    let mut trials = Vec::with_capacity(configs.len());
    for (n, (assignment, config)) in configs.iter().enumerate() {
        // Random draws from value lists repeat; a repeated configuration costs nothing twice.
        let earlier = configs[..n].iter().position(|(_, c)| c == config);
        let (value, fit_seconds) = match earlier.and_then(|e| trials.get(e)) {
            Some(Trial { value, .. }) => (*value, 0.0),
            None => {
                let started = Instant::now();
                let (trained, blend);
                let model: &dyn Recommender = match &shared {
                    Some((components, normalization, _)) => {
                        let weights = config.numbers("weights");
                        blend = Blend { components, weights, normalization: *normalization };
                        &blend
                    }
                    None => {
                        trained = run
                            .pool
                            .install(|| config.fit(&data))
                            .map_err(|e| Error::model(label, e))?;
                        trained.as_ref()
                    }
                };
                let mut fit_seconds = started.elapsed().as_secs_f64();
                if n == 0 {
                    fit_seconds += shared.as_ref().map_or(0.0, |s| s.2);
                }
                let metrics =
                    run.pool.install(|| measure(model, tuning, &run.protocol, &[k], run.seed))?;
                (metrics.get(&spec.target).unwrap_or(f64::NAN), fit_seconds)
            }
        };
        tracing::info!(model = label, trial = n + 1, params = ?assignment, target = %spec.target, value, "search trial");
        if value.is_finite() && best.is_none_or(|(_, b)| value > b) {
            best = Some((n, value));
        }
        trials.push(Trial { params: assignment.clone(), value, fit_seconds });
        on_trial(best.map(|(_, b)| b));
    }
    let (index, best_value) = best.ok_or_else(|| {
        Error::Data(format!(
            "model `{label}`: no configuration of the search produced a finite {}",
            spec.target
        ))
    })?;
    let best = configs.into_iter().nth(index).map(|(_, c)| c).unwrap_or_else(|| base.clone());
    Ok(Outcome { best, best_value, trials })
}
