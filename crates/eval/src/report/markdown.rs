//! The Markdown rendering of a [`Report`]: the setup (data, split, protocol) above a table of
//! every metric per K, the activity groups, and the chosen configurations. A sampled protocol is
//! announced above every table and in every heading.

use std::fmt::Write;

use crate::metrics::{metric_name, ACCURACY_NAMES, BEYOND_NAMES};
use crate::protocol::Protocol;
use crate::report::Report;

pub(crate) fn render(report: &Report) -> String {
    let mut out = String::new();
    let note = report.sampled_note();
    let d = &report.dataset;
    let s = &report.split;
    // Writing to a String cannot fail; the results are ignored on purpose.
    let _ = writeln!(out, "# Evaluation: {}{note}\n", d.name);
    let _ = writeln!(
        out,
        "- Data: {} users, {} items, {} interactions",
        d.users, d.items, d.interactions
    );
    let _ = writeln!(
        out,
        "- Split: `{}` (seed {}): {}; {} train, {} validation, {} test pairs",
        s.spec, s.seed, s.description, s.train, s.validation, s.test
    );
    let _ = writeln!(out, "- Protocol: `{}`: {}", report.protocol, report.protocol.describe());
    let _ = writeln!(out, "- Models trained on train + validation; searches saw validation only.");
    if let Some(users) = report.models.first().map(|m| m.metrics.users) {
        let _ = writeln!(out, "- Users measured: {users}");
    }
    let warning = match report.protocol {
        Protocol::Sampled { negatives } => format!(
            "\n> **Sampled protocol** ({negatives} negatives per user): these numbers are not \
             comparable with full-ranking results.\n"
        ),
        Protocol::Full { .. } => String::new(),
    };
    for (j, &k) in report.ks.iter().enumerate() {
        let _ = writeln!(out, "\n## Results at K = {k}{note}\n{warning}");
        let names: Vec<String> =
            ACCURACY_NAMES.iter().chain(BEYOND_NAMES.iter()).map(|n| metric_name(n, k)).collect();
        table_header(&mut out, "Model", &names, 0);
        for m in &report.models {
            let Some(at) = m.metrics.at_k.get(j) else { continue };
            let values = at.accuracy.values().into_iter().chain(at.beyond.values());
            let cells: Vec<String> = values.map(number).collect();
            let _ = writeln!(out, "| {} | {} |", cell(&m.name), cells.join(" | "));
        }
    }
    let _ = writeln!(out, "\n## By user activity (training interactions){note}\n{warning}");
    let mut names = vec!["Group".to_string(), "Users".to_string()];
    for &k in &report.ks {
        names.extend(["NDCG", "HR", "Recall"].iter().map(|n| metric_name(n, k)));
    }
    table_header(&mut out, "Model", &names, 1);
    for m in &report.models {
        for g in &m.metrics.groups {
            let mut cells =
                vec![format!("{} ({})", g.group.name(), g.group.range()), g.users.to_string()];
            for a in &g.at_k {
                cells.extend([a.ndcg, a.hr, a.recall].map(number));
            }
            let _ = writeln!(out, "| {} | {} |", cell(&m.name), cells.join(" | "));
        }
    }
    let _ = writeln!(out, "\n## Configurations\n");
    let columns =
        ["Configuration", "Search on validation", "Fit (s)", "Eval (s)"].map(String::from);
    table_header(&mut out, "Model", &columns, 2);
    for m in &report.models {
        let search = m.search.as_ref().map_or("none".to_string(), |s| {
            format!(
                "{}, {} trials, best {} = {}",
                s.strategy,
                s.trials.len(),
                s.target,
                number(s.best_value)
            )
        });
        let _ = writeln!(
            out,
            "| {} | `{}` | {} | {:.2} | {:.2} |",
            cell(&m.name),
            cell(&m.config.to_string()),
            cell(&search),
            m.fit_seconds,
            m.eval_seconds
        );
    }
    out
}

/// A header row; the first column and `text_columns` more are left-aligned text, the rest
/// right-aligned numbers.
fn table_header(out: &mut String, first: &str, names: &[String], text_columns: usize) {
    let _ = writeln!(out, "| {first} | {} |", names.join(" | "));
    let numbers = names.len().saturating_sub(text_columns);
    let _ = writeln!(out, "|---|{}{}", "---|".repeat(text_columns), "---:|".repeat(numbers));
}

/// Four decimals for rates, two for larger values (novelty in bits, popularity in users).
fn number(v: f64) -> String {
    match v {
        v if !v.is_finite() => "n/a".to_string(),
        v if v.abs() <= 1.0 => format!("{v:.4}"),
        v => format!("{v:.2}"),
    }
}

/// A table cell: pipes and line breaks would end the cell or the row.
fn cell(text: &str) -> String {
    text.replace('|', "\\|").replace('\n', " ")
}
