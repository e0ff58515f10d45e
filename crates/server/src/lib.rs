//! Aisle's HTTP API, `aisle serve`: catalog and users (admin keys), events (write keys) and
//! real-time recommendations (read keys) under `/v1`, described by an OpenAPI 3.1 document;
//! health checks and Prometheus metrics outside it.
//!
//! It is a thin layer over [`aisle_engine`]: it parses and checks requests, asks the engine's
//! serving [`aisle_engine::Snapshot`]s, and keeps what is newer than them (live histories,
//! items hidden since) in memory. It holds no model code and no storage formats; every storage
//! call runs on a worker thread, never on the async runtime.

mod assistant;
mod assistant_suite;
mod auth;
mod experiments;
pub mod filters;
mod ingest;
pub mod keys;
mod live;
pub mod merchandising;
mod metrics;
pub mod openapi;
mod problem;
mod profiles;
mod reviews;
pub mod routes;
mod search;
mod state;

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

pub use assistant_suite::{assistant_suite, assistant_turn};
pub use keys::{KeyError, KeyRecord, KeyRing, Scope};
pub use problem::Problem;
pub use routes::router;
pub use state::AppState;

/// Why the server could not start or stopped.
#[derive(Debug, thiserror::Error)]
pub enum ServeError {
    /// The key file is unusable.
    #[error(transparent)]
    Keys(#[from] KeyError),
    /// The address is not one to listen on.
    #[error("cannot listen on {addr}: {source}; pick a free HOST:PORT with --addr or server.addr")]
    Bind {
        /// What was asked.
        addr: String,
        /// Why.
        source: std::io::Error,
    },
    /// The sentiment models named by the configuration cannot be read.
    #[error("review models: {0}")]
    Reviews(aisle_engine::Error),
    /// The merchandising file is unusable.
    #[error("{0}")]
    Merchandising(String),
    /// The experiments file is unusable.
    #[error("{0}")]
    Experiments(String),
    /// The server failed while running.
    #[error("the server stopped: {0}")]
    Io(#[from] std::io::Error),
}

/// Listens on `addr` until Ctrl-C or SIGTERM, then stops taking connections and finishes the
/// requests in flight (events accepted are already committed when their response is sent).
/// Retrains the serving models every `server.retrain_every_minutes` when set.
pub async fn serve(state: Arc<AppState>, addr: &str) -> Result<(), ServeError> {
    metrics::handle();
    let listener = tokio::net::TcpListener::bind(addr)
        .await
        .map_err(|source| ServeError::Bind { addr: addr.to_string(), source })?;
    let local: SocketAddr = listener.local_addr()?;
    tracing::info!(%local, "serving; docs at http://{local}/v1/docs");
    let every = state.engine().config().server.retrain_every_minutes;
    if every > 0 {
        let scheduled = state.clone();
        tokio::spawn(async move {
            let mut tick = tokio::time::interval(Duration::from_secs(every * 60));
            tick.tick().await;
            loop {
                tick.tick().await;
                match routes::admin::retrain(scheduled.clone(), Vec::new()).await {
                    Ok(done) => {
                        tracing::info!(trained = ?done.0.trained, "scheduled retraining done")
                    }
                    Err(problem) => {
                        tracing::warn!(detail = %problem.detail, "scheduled retraining failed")
                    }
                }
            }
        });
    }
    let experiments = state.experiments.clone();
    axum::serve(listener, router(state)).with_graceful_shutdown(shutdown()).await?;
    // Counts since the last periodic save.
    experiments.save();
    tracing::info!("stopped");
    Ok(())
}

async fn shutdown() {
    let interrupt = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = interrupt => {},
        () = terminate => {},
    }
    tracing::info!("shutting down: finishing requests in flight");
}
