//! Model commands: `train` and `recommend`.

use std::process::ExitCode;

use aisle_domain::ExternalId;
use aisle_engine::{Engine, EvalRequest, TrainRequest};
use indicatif::{ProgressBar, ProgressStyle};

use crate::cli::{EvalArgs, RecommendArgs, TrainArgs};
use crate::format::thousands;
use crate::progress::Bar;

/// `aisle train --model NAME [--param k=v]...`.
pub fn train(engine: &Engine, args: TrainArgs) -> anyhow::Result<ExitCode> {
    let request = TrainRequest { model: args.model, params: args.params, threads: args.threads };
    eprintln!("training {} ...", request.model);
    let bar = Bar::steps(&format!("training {}", request.model));
    let report = engine.train_with_progress(&request, Some(&|p| bar.fit(p)));
    bar.finish();
    let report = report?;
    if args.json {
        emit!("{}", serde_json::to_string_pretty(&report)?);
    } else {
        emit!(
            "Trained {} v{} on {} users x {} items ({} interactions) in {:.2} s (+{:.2} s reading the store)",
            report.model,
            report.version,
            thousands(report.users as u64),
            thousands(report.items as u64),
            thousands(report.interactions as u64),
            report.fit_seconds,
            report.load_seconds
        );
        emit!("  active model file: {}", report.path);
        emit!("  config: {}", report.config);
    }
    Ok(ExitCode::SUCCESS)
}

/// `aisle recommend --user ID [--model NAME] [--k K]`.
pub fn recommend(engine: &Engine, args: RecommendArgs) -> anyhow::Result<ExitCode> {
    let user = ExternalId::parse_field("--user", args.user)?;
    let report = engine.recommend(&args.model, &user, args.k, args.keep_seen)?;
    if args.json {
        emit!("{}", serde_json::to_string_pretty(&report)?);
    } else {
        emit!("Top {} for {user} from {} v{}:", report.items.len(), report.model, report.version);
        for (rank, rec) in report.items.iter().enumerate() {
            emit!("  {:>3}. {:<24} {:.4}", rank + 1, rec.item, rec.score);
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// `aisle eval --split S --protocol P --models A,B --k 5,10,20 [--json FILE]`.
pub fn eval(engine: &Engine, args: EvalArgs) -> anyhow::Result<ExitCode> {
    let request = EvalRequest {
        split: args.split,
        protocol: args.protocol,
        models: args.models,
        ks: args.ks,
        params: args.params,
        search: args.search,
        tune: !args.no_tune,
        random_trials: args.random,
        threads: args.threads,
        seed: args.seed,
        report_dir: args.report_dir,
    };
    let bar = ProgressBar::new(0);
    bar.set_style(
        ProgressStyle::with_template(
            "evaluating [{bar:30}] {pos}/{len} trainings {msg} ({elapsed})",
        )
        .unwrap_or_else(|_| ProgressStyle::default_bar())
        .progress_chars("=> "),
    );
    let outcome = engine.evaluate(&request, &mut |done, total, best| {
        bar.set_length(total as u64);
        bar.set_position(done as u64);
        if let Some(best) = best {
            bar.set_message(format!("best validation {best:.4}"));
        }
    })?;
    bar.finish_and_clear();
    if let Some(path) = &args.json {
        let text = serde_json::to_string_pretty(&outcome.json)?;
        std::fs::write(path, text)
            .map_err(|e| anyhow::anyhow!("cannot write {}: {e}", path.display()))?;
    }
    emit!("{}", outcome.markdown);
    emit!("Report written to {} in {:.1} s", outcome.report_dir.display(), outcome.seconds);
    Ok(ExitCode::SUCCESS)
}
