//! Hand-written SVG charts of a [`Report`]: a metric at each K per model (lines), and accuracy
//! against item coverage (labelled scatter). Each is a standalone XML document with axes, ticks,
//! axis labels and a legend; no charting library, no scripts, no external fonts.

use std::fmt::Write;

use crate::metrics::metric_name;
use crate::report::Report;

const WIDTH: f64 = 760.0;
const HEIGHT: f64 = 460.0;
const LEFT: f64 = 72.0;
const RIGHT: f64 = 190.0;
const TOP: f64 = 56.0;
const BOTTOM: f64 = 64.0;
/// Tableau's ten colours: distinguishable, and readable on white.
const PALETTE: [&str; 10] = [
    "#4e79a7", "#f28e2b", "#e15759", "#76b7b2", "#59a14f", "#edc948", "#b07aa1", "#ff9da7",
    "#9c755f", "#bab0ac",
];
/// Charts show accuracy against coverage at this K, or the nearest K evaluated.
const SCATTER_K: usize = 10;

pub(crate) fn charts(report: &Report) -> Vec<(&'static str, String)> {
    let title = |what: &str| format!("{what}: {}{}", report.dataset.name, report.sampled_note());
    let at_k = |metric: &str| -> Vec<(String, Vec<f64>)> {
        let metric_at = |m: &crate::report::ModelReport, k| m.metrics.get(&metric_name(metric, k));
        report
            .models
            .iter()
            .map(|m| {
                (
                    m.name.clone(),
                    report.ks.iter().map(|&k| metric_at(m, k).unwrap_or(f64::NAN)).collect(),
                )
            })
            .collect()
    };
    let x_labels: Vec<String> = report.ks.iter().map(|k| k.to_string()).collect();
    let k = report.ks.iter().copied().min_by_key(|k| k.abs_diff(SCATTER_K)).unwrap_or(SCATTER_K);
    let points: Vec<(String, f64, f64)> = report
        .models
        .iter()
        .map(|m| {
            let get = |metric: &str| m.metrics.get(&metric_name(metric, k)).unwrap_or(f64::NAN);
            (m.name.clone(), get("Coverage"), get("NDCG"))
        })
        .collect();
    vec![
        ("ndcg_at_k.svg", line_chart(&title("NDCG at K"), &x_labels, "K", "NDCG@K", &at_k("NDCG"))),
        ("hr_at_k.svg", line_chart(&title("HR at K"), &x_labels, "K", "HR@K", &at_k("HR"))),
        (
            "accuracy_vs_coverage.svg",
            scatter(
                &title(&format!("NDCG@{k} against item coverage")),
                &format!("Coverage@{k} (share of catalog recommended)"),
                &format!("NDCG@{k}"),
                &points,
            ),
        ),
    ]
}

/// Lines of values per series over categorical x positions.
fn line_chart(
    title: &str,
    x_labels: &[String],
    x_title: &str,
    y_title: &str,
    series: &[(String, Vec<f64>)],
) -> String {
    let y_max = series.iter().flat_map(|(_, v)| v.iter().copied()).fold(0.0, max_finite);
    let y = Axis::new(y_max);
    let n = x_labels.len();
    let x_at = |i: usize| {
        if n <= 1 {
            LEFT + plot_width() / 2.0
        } else {
            LEFT + plot_width() * i as f64 / (n - 1) as f64
        }
    };
    let mut out = start(title);
    frame(&mut out, x_title, y_title, &y);
    for (i, label) in x_labels.iter().enumerate() {
        tick_x(&mut out, x_at(i), label);
    }
    for (s, (name, values)) in series.iter().enumerate() {
        let color = PALETTE[s % PALETTE.len()];
        let points: Vec<(f64, f64)> = values
            .iter()
            .enumerate()
            .filter(|(_, v)| v.is_finite())
            .map(|(i, &v)| (x_at(i), y.pos(v)))
            .collect();
        let path: Vec<String> = points.iter().map(|(px, py)| format!("{px:.1},{py:.1}")).collect();
        let _ = writeln!(
            out,
            r#"<polyline fill="none" stroke="{color}" stroke-width="2" points="{}"/>"#,
            path.join(" ")
        );
        for ((px, py), v) in points.iter().zip(values.iter().filter(|v| v.is_finite())) {
            let _ = writeln!(
                out,
                r#"<circle cx="{px:.1}" cy="{py:.1}" r="3.5" fill="{color}"><title>{}: {v:.4}</title></circle>"#,
                escape(name)
            );
        }
    }
    legend(&mut out, series.iter().map(|(n, _)| n.as_str()));
    finish(out)
}

/// Labelled points.
fn scatter(title: &str, x_title: &str, y_title: &str, points: &[(String, f64, f64)]) -> String {
    let x = Axis::new(points.iter().map(|p| p.1).fold(0.0, max_finite));
    let y = Axis::new(points.iter().map(|p| p.2).fold(0.0, max_finite));
    let mut out = start(title);
    frame(&mut out, x_title, y_title, &y);
    for &t in &x.ticks {
        tick_x(&mut out, LEFT + plot_width() * t / x.max, &x.label(t));
    }
    let mut placed: Vec<(f64, f64)> = Vec::new();
    for (s, (name, px, py)) in points.iter().enumerate() {
        if !(px.is_finite() && py.is_finite()) {
            continue;
        }
        let color = PALETTE[s % PALETTE.len()];
        let (cx, cy) = (LEFT + plot_width() * px / x.max, y.pos(*py));
        // Labels of points in the right third go to the left, clear of the legend; a label
        // that would overlap an earlier one moves down a line.
        let (lx, anchor) =
            if cx > LEFT + plot_width() * 0.66 { (cx - 8.0, "end") } else { (cx + 8.0, "start") };
        let mut ly = cy - 7.0;
        while placed.iter().any(|&(x0, y0)| (x0 - lx).abs() < 90.0 && (y0 - ly).abs() < 13.0) {
            ly += 14.0;
        }
        placed.push((lx, ly));
        if ly > cy {
            // A label pushed below its point gets a leader line back to it.
            let _ = writeln!(
                out,
                r#"<line x1="{cx:.1}" y1="{cy:.1}" x2="{lx:.1}" y2="{:.1}" stroke="{color}" stroke-width="0.8"/>"#,
                ly - 4.0
            );
        }
        let _ = writeln!(
            out,
            r#"<circle cx="{cx:.1}" cy="{cy:.1}" r="5" fill="{color}"><title>{}: coverage {px:.4}, NDCG {py:.4}</title></circle>"#,
            escape(name)
        );
        let _ = writeln!(
            out,
            r#"<text x="{lx:.1}" y="{ly:.1}" text-anchor="{anchor}" fill="{color}">{}</text>"#,
            escape(name)
        );
    }
    legend(&mut out, points.iter().map(|(n, _, _)| n.as_str()));
    finish(out)
}

fn max_finite(a: f64, b: f64) -> f64 {
    if b.is_finite() {
        a.max(b)
    } else {
        a
    }
}

fn plot_width() -> f64 {
    WIDTH - LEFT - RIGHT
}

fn plot_height() -> f64 {
    HEIGHT - TOP - BOTTOM
}

/// A value axis from 0 to a round maximum, with round ticks.
struct Axis {
    max: f64,
    ticks: Vec<f64>,
    decimals: usize,
}

impl Axis {
    fn new(data_max: f64) -> Self {
        let data_max = if data_max > 0.0 && data_max.is_finite() { data_max } else { 1.0 };
        let rough = data_max / 5.0;
        let magnitude = 10f64.powf(rough.log10().floor());
        let step = [1.0, 2.0, 5.0, 10.0]
            .iter()
            .map(|m| m * magnitude)
            .find(|&s| s >= rough)
            .unwrap_or(10.0 * magnitude);
        let count = (data_max / step).ceil().max(1.0) as usize;
        let decimals = (-step.log10().floor()).max(0.0) as usize;
        Self {
            max: step * count as f64,
            ticks: (0..=count).map(|i| step * i as f64).collect(),
            decimals,
        }
    }

    fn pos(&self, v: f64) -> f64 {
        TOP + plot_height() * (1.0 - v / self.max)
    }

    fn label(&self, v: f64) -> String {
        format!("{v:.*}", self.decimals)
    }
}

fn start(title: &str) -> String {
    let mut out = String::new();
    let _ = writeln!(out, r#"<?xml version="1.0" encoding="UTF-8"?>"#);
    let _ = writeln!(
        out,
        r#"<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{HEIGHT}" viewBox="0 0 {WIDTH} {HEIGHT}" font-family="Helvetica, Arial, sans-serif" font-size="12">"#
    );
    let _ = writeln!(out, r#"<rect width="{WIDTH}" height="{HEIGHT}" fill="white"/>"#);
    let _ = writeln!(
        out,
        r#"<text x="{:.1}" y="28" text-anchor="middle" font-size="16" font-weight="bold">{}</text>"#,
        LEFT + plot_width() / 2.0,
        escape(title)
    );
    out
}

/// Axes, the y ticks with grid lines, and both axis titles.
fn frame(out: &mut String, x_title: &str, y_title: &str, y: &Axis) {
    let (x0, x1, y0, y1) = (LEFT, LEFT + plot_width(), TOP + plot_height(), TOP);
    for &t in &y.ticks {
        let py = y.pos(t);
        let _ = writeln!(
            out,
            r##"<line x1="{x0}" y1="{py:.1}" x2="{x1}" y2="{py:.1}" stroke="#e5e5e5"/>"##
        );
        let _ = writeln!(
            out,
            r##"<line x1="{:.1}" y1="{py:.1}" x2="{x0}" y2="{py:.1}" stroke="#333"/>"##,
            x0 - 5.0
        );
        let _ = writeln!(
            out,
            r#"<text x="{:.1}" y="{:.1}" text-anchor="end">{}</text>"#,
            x0 - 8.0,
            py + 4.0,
            y.label(t)
        );
    }
    let _ = writeln!(out, r##"<line x1="{x0}" y1="{y0}" x2="{x1}" y2="{y0}" stroke="#333"/>"##);
    let _ = writeln!(out, r##"<line x1="{x0}" y1="{y0}" x2="{x0}" y2="{y1}" stroke="#333"/>"##);
    let _ = writeln!(
        out,
        r#"<text x="{:.1}" y="{:.1}" text-anchor="middle">{}</text>"#,
        LEFT + plot_width() / 2.0,
        HEIGHT - 18.0,
        escape(x_title)
    );
    let (cx, cy) = (18.0, TOP + plot_height() / 2.0);
    let _ = writeln!(
        out,
        r#"<text x="{cx}" y="{cy:.1}" text-anchor="middle" transform="rotate(-90 {cx} {cy:.1})">{}</text>"#,
        escape(y_title)
    );
}

fn tick_x(out: &mut String, px: f64, label: &str) {
    let y0 = TOP + plot_height();
    let _ = writeln!(
        out,
        r##"<line x1="{px:.1}" y1="{y0}" x2="{px:.1}" y2="{:.1}" stroke="#333"/>"##,
        y0 + 5.0
    );
    let _ = writeln!(
        out,
        r#"<text x="{px:.1}" y="{:.1}" text-anchor="middle">{}</text>"#,
        y0 + 20.0,
        escape(label)
    );
}

fn legend<'a>(out: &mut String, names: impl Iterator<Item = &'a str>) {
    let x = LEFT + plot_width() + 20.0;
    let _ = writeln!(out, r#"<g class="legend">"#);
    let _ = writeln!(out, r#"<text x="{x:.1}" y="{TOP}" font-weight="bold">Models</text>"#);
    for (i, name) in names.enumerate() {
        let y = TOP + 20.0 + 20.0 * i as f64;
        let color = PALETTE[i % PALETTE.len()];
        let _ = writeln!(
            out,
            r#"<rect x="{x:.1}" y="{:.1}" width="12" height="12" fill="{color}"/>"#,
            y - 10.0
        );
        let _ = writeln!(out, r#"<text x="{:.1}" y="{y:.1}">{}</text>"#, x + 18.0, escape(name));
    }
    let _ = writeln!(out, "</g>");
}

fn finish(mut out: String) -> String {
    out.push_str("</svg>\n");
    out
}

/// Text as XML character data or attribute value.
pub(crate) fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            c if c.is_control() => out.push(' '),
            c => out.push(c),
        }
    }
    out
}
