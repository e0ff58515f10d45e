//! The generate job: the demo-shop generator streams batches on one thread while this thread
//! writes them to the store.

use std::sync::mpsc::sync_channel;
use std::time::Instant;

use aisle_domain::Batch;
use aisle_shopgen::ShopConfig;
use serde::Serialize;

use crate::Written;
use crate::{Engine, Error, Progress, Result};

/// What demo shop to generate.
#[derive(Debug, Clone, Copy)]
pub struct GenerateOptions {
    /// About how many events.
    pub events: u64,
    /// Random seed: the same seed gives the same shop.
    pub seed: u64,
    /// Signed-in users (default: scaled to `events`).
    pub users: Option<u64>,
    /// Catalog items (default: scaled to `events`).
    pub items: Option<u64>,
}

/// What a generate job did; serialized for `aisle generate --json`.
#[derive(Debug, Clone, Serialize)]
pub struct GenerateReport {
    /// The seed used.
    pub seed: u64,
    /// Items generated.
    pub items: u64,
    /// Users generated.
    pub users: u64,
    /// Events generated.
    pub events: u64,
    /// Orders generated.
    pub orders: u64,
    /// Reviews generated.
    pub reviews: u64,
    /// What the store did with them.
    pub written: Written,
    /// Wall-clock seconds, generation and storage together.
    pub seconds: f64,
}

const BATCH_EVENTS: usize = 50_000;

impl Engine {
    /// Generates a demo shop into the store. Deterministic ids make a rerun with the same seed
    /// and size a no-op.
    pub fn generate(
        &self,
        options: GenerateOptions,
        on_progress: &mut dyn FnMut(Progress),
    ) -> Result<GenerateReport> {
        let started = Instant::now();
        let shop = ShopConfig {
            users: options.users,
            items: options.items,
            ..ShopConfig::new(options.events, options.seed)
        };
        let (sender, receiver) = sync_channel::<Batch>(2);
        let mut written = aisle_store::WriteReport::default();
        let mut progress = Progress { total: Some(options.events), ..Progress::default() };
        let (gen_result, write_result) = std::thread::scope(|scope| {
            let generator = scope.spawn(|| {
                let sender = sender;
                aisle_shopgen::generate(&shop, BATCH_EVENTS, &mut |batch| {
                    sender.send(batch).map_err(|_| "the store writer stopped".into())
                })
            });
            let write_result = (|| -> Result<()> {
                for batch in receiver.iter() {
                    written += self.store.write(&batch)?;
                    progress.done += batch.events.len() as u64;
                    progress.records = progress.done;
                    on_progress(progress);
                }
                Ok(())
            })();
            drop(receiver);
            (generator.join(), write_result)
        });
        write_result?;
        let summary = match gen_result {
            Ok(result) => result?,
            Err(_) => {
                return Err(Error::Config {
                    detail: "the generator thread crashed; please report this as a bug".into(),
                })
            }
        };
        Ok(GenerateReport {
            seed: options.seed,
            items: summary.items,
            users: summary.users,
            events: summary.events,
            orders: summary.orders,
            reviews: summary.reviews,
            written,
            seconds: started.elapsed().as_secs_f64(),
        })
    }
}
