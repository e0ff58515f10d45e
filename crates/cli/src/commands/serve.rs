//! `aisle serve` and `aisle keys`: the HTTP API and the keys that open it.

use std::process::ExitCode;

use aisle_engine::{Config, Engine};
use aisle_server::{AppState, KeyRing, Scope};
use anyhow::Context;

use crate::cli::{KeysAction, KeysArgs, ServeArgs};

/// Runs the server until Ctrl-C or SIGTERM.
pub fn serve(engine: Engine, args: ServeArgs) -> anyhow::Result<ExitCode> {
    let addr = args.addr.unwrap_or_else(|| engine.config().server.addr.clone());
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("cannot start the async runtime")?;
    runtime.block_on(async {
        let state = tokio::task::spawn_blocking(move || AppState::new(engine)).await??;
        if state.keys_is_empty() {
            tracing::warn!("no API keys yet: every /v1 request will get 401; create one with `aisle keys create --scope admin`");
        }
        aisle_server::serve(state, &addr).await?;
        anyhow::Ok(())
    })?;
    Ok(ExitCode::SUCCESS)
}

/// Creates, lists or revokes keys.
pub fn keys(config: &Config, args: KeysArgs) -> anyhow::Result<ExitCode> {
    let ring = KeyRing::open(&config.data_dir)?;
    match args.action {
        KeysAction::Create { scope, label, json } => {
            let scope = Scope::parse(&scope).context("scope must be read, write or admin")?;
            let (key, record) = ring.create(scope, &label)?;
            if json {
                let mut value = serde_json::to_value(&record)?;
                value["key"] = serde_json::Value::String(key);
                emit!("{value}");
            } else {
                emit!("{key}");
                eprintln!(
                    "Created {} key {} in {}. It is shown only now; send it as `Authorization: Bearer KEY`.",
                    scope.as_str(),
                    record.id,
                    config.data_dir.display()
                );
            }
        }
        KeysAction::List(args) => {
            let keys = ring.list();
            if args.json {
                emit!("{}", serde_json::to_string(&keys)?);
            } else if keys.is_empty() {
                emit!("No keys; create one with `aisle keys create --scope read|write|admin`.");
            } else {
                for k in keys {
                    emit!("{:<10} {:<6} {}", k.id, k.scope.as_str(), k.label);
                }
            }
        }
        KeysAction::Revoke { id } => {
            if !ring.revoke(&id)? {
                anyhow::bail!("no key with id {id}; `aisle keys list` shows them");
            }
            emit!("Revoked {id}.");
        }
    }
    Ok(ExitCode::SUCCESS)
}
