//! Report formats: the JSON `models` contract, Markdown labels, well-formed SVG naming every
//! model, and the files `write_report` writes.

use serde_json::Value;

use crate::tests::evaluation::{disagreeing, evaluate_scripted};
use crate::tests::{Scoring, ScriptedConfig};
use crate::{write_report, ModelSpec, Protocol, Report};

/// Labels with XML and Markdown metacharacters, to prove escaping.
const LABELS: [&str; 2] = ["plain", "a<b & \"c\" | d"];

fn report(protocol: Protocol) -> Report {
    let models = [
        ModelSpec::new(ScriptedConfig::new(Scoring::ByIndex)).with_label(LABELS[0]),
        ModelSpec::new(ScriptedConfig::new(Scoring::Favourite(9))).with_label(LABELS[1]),
    ];
    evaluate_scripted(&disagreeing(), protocol, &models).0
}

#[test]
fn json_models_map_each_label_to_every_metric_at_every_k() {
    let json = report(Protocol::default()).to_json();
    let models = json["models"].as_object().expect("a `models` object");
    assert_eq!(models.len(), 2);
    for label in LABELS {
        let metrics = models[label].as_object().expect("a flat object per model");
        assert_eq!(metrics.len(), 12 * 3, "12 metrics at K = 1, 5, 10");
        for k in [1, 5, 10] {
            for name in [
                "NDCG",
                "HR",
                "Recall",
                "Precision",
                "F1",
                "MRR",
                "MAP",
                "Coverage",
                "Gini",
                "Novelty",
                "AvgPop",
                "LongTail",
            ] {
                let key = format!("{name}@{k}");
                assert!(metrics.get(&key).is_some_and(Value::is_number), "{label}: {key}");
            }
        }
    }
    assert_eq!(models[LABELS[1]]["HR@1"], 1.0);
    for key in ["details", "protocol", "split", "dataset", "ks"] {
        assert!(json.get(key).is_some(), "top-level `{key}`");
    }
    assert_eq!(json["protocol"]["name"], "full");
    assert_eq!(json["protocol"]["sampled"], false);
    assert_eq!(json["split"]["spec"], "loo");
    assert_eq!(json["details"][LABELS[0]]["groups"]["cold"]["users"], 4);
    assert!(json["details"][LABELS[0]]["config"].is_object());
}

#[test]
fn sampled_reports_say_so_everywhere() {
    let report = report(Protocol::Sampled { negatives: 3 });
    let json = report.to_json();
    assert_eq!(json["protocol"]["name"], "sampled");
    assert_eq!(json["protocol"]["negatives"], 3);
    let markdown = report.to_markdown();
    let headings: Vec<&str> = markdown.lines().filter(|l| l.starts_with('#')).collect();
    assert!(
        headings.iter().all(|h| h.contains("(sampled)") || h.contains("Configurations")),
        "{headings:?}"
    );
    assert_eq!(
        markdown.matches("> **Sampled protocol**").count(),
        4,
        "above each K table and the groups"
    );
    for (name, svg) in report.charts() {
        assert!(svg.contains("(sampled)"), "{name}");
    }
    let full = self::report(Protocol::default());
    assert!(!full.to_markdown().to_lowercase().contains("sampled"));
}

#[test]
fn markdown_has_a_table_per_k_with_escaped_labels() {
    let markdown = report(Protocol::default()).to_markdown();
    for k in [1, 5, 10] {
        assert!(markdown.contains(&format!("## Results at K = {k}\n")), "K = {k}");
        assert!(markdown.contains(&format!("| Model | NDCG@{k} | HR@{k} | Recall@{k} |")));
    }
    assert!(markdown.contains("| a<b & \"c\" \\| d | 1.0000 |"), "{markdown}");
    assert!(markdown.contains("Protocol: `full`"));
}

/// A small well-formedness check: balanced, properly nested tags, one root, quoted attributes,
/// and `&` only in entities.
fn well_formed(xml: &str) -> Result<(), String> {
    let mut stack: Vec<&str> = Vec::new();
    let (mut rest, mut roots) = (xml, 0);
    let entities = |text: &str| {
        text.split('&').skip(1).all(|after| {
            ["amp;", "lt;", "gt;", "quot;", "apos;"].iter().any(|e| after.starts_with(e))
        })
    };
    while let Some(start) = rest.find('<') {
        if !entities(&rest[..start]) || (stack.is_empty() && !rest[..start].trim().is_empty()) {
            return Err(format!(
                "bad text before {:?}",
                &rest[start..start + 20.min(rest.len() - start)]
            ));
        }
        let end = rest[start..].find('>').ok_or("unclosed tag")? + start;
        let tag = &rest[start + 1..end];
        if tag.matches('"').count() % 2 != 0 || !entities(tag) {
            return Err(format!("bad attributes in <{tag}>"));
        }
        if let Some(name) = tag.strip_prefix('/') {
            if stack.pop() != Some(name.trim()) {
                return Err(format!("</{name}> does not close the open tag"));
            }
        } else if tag.starts_with('?') {
            if !tag.ends_with('?') || start != 0 {
                return Err("misplaced declaration".to_string());
            }
        } else {
            let name = tag.split(|c: char| c.is_whitespace() || c == '/').next().unwrap_or("");
            if name.is_empty() {
                return Err(format!("nameless tag <{tag}>"));
            }
            roots += usize::from(stack.is_empty());
            if !tag.ends_with('/') {
                stack.push(name);
            }
        }
        rest = &rest[end + 1..];
    }
    match (stack.is_empty(), roots, rest.trim().is_empty()) {
        (true, 1, true) => Ok(()),
        _ => Err(format!("unclosed {stack:?}, {roots} roots")),
    }
}

#[test]
fn the_checker_catches_broken_xml() {
    assert!(well_formed(
        "<?xml version=\"1.0\"?>\n<svg><g><text>a &amp; b</text></g><rect/></svg>\n"
    )
    .is_ok());
    for bad in [
        "<svg><g></svg>",
        "<svg></svg><svg></svg>",
        "<svg>a & b</svg>",
        "<svg x=\"1></svg>",
        "<svg>",
    ] {
        assert!(well_formed(bad).is_err(), "{bad}");
    }
}

#[test]
fn charts_are_well_formed_svg_naming_every_model() {
    let charts = report(Protocol::default()).charts();
    let names: Vec<&str> = charts.iter().map(|(n, _)| *n).collect();
    assert_eq!(names, ["ndcg_at_k.svg", "hr_at_k.svg", "accuracy_vs_coverage.svg"]);
    for (name, svg) in &charts {
        well_formed(svg).unwrap_or_else(|e| panic!("{name}: {e}\n{svg}"));
        assert!(svg.contains("<svg xmlns=\"http://www.w3.org/2000/svg\""), "{name}");
        assert!(svg.contains("plain") && svg.contains("a&lt;b &amp; &quot;c&quot; | d"), "{name}");
        assert!(svg.contains("class=\"legend\""), "{name}: a legend");
        assert!(svg.matches("<line").count() >= 8, "{name}: axes and ticks");
    }
    assert!(charts[0].1.contains(">NDCG@K<") && charts[1].1.contains(">HR@K<"));
    assert!(charts[2].1.contains("Coverage@10"));
}

#[test]
fn write_report_writes_every_file() {
    let dir = tempfile::tempdir().expect("temp dir");
    let target = dir.path().join("nested/report");
    let written = write_report(&target, &report(Protocol::default())).expect("write");
    let names: Vec<String> = written
        .iter()
        .filter_map(|p| p.file_name())
        .map(|n| n.to_string_lossy().into_owned())
        .collect();
    assert_eq!(
        names,
        ["report.json", "report.md", "ndcg_at_k.svg", "hr_at_k.svg", "accuracy_vs_coverage.svg"]
    );
    let json: Value =
        serde_json::from_str(&std::fs::read_to_string(&written[0]).expect("read")).expect("JSON");
    assert!(json["models"]["plain"]["NDCG@10"].is_number());
}

#[test]
fn f32_parameters_print_as_written() {
    let config = serde_json::json!({"reg": f64::from(0.01f32), "lambda": 500.0, "w": [f64::from(0.1f32)], "n": 3, "x": 0.1});
    let tidy = crate::report::tidy_floats(config);
    assert_eq!(
        tidy,
        serde_json::json!({"reg": 0.01, "lambda": 500.0, "w": [0.1], "n": 3, "x": 0.1})
    );
}
