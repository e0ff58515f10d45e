//! The report's charts as inline SVG: columns over time and horizontal bars. Plain strings, no
//! script, no external requests; colours come from the page's CSS classes.

use std::fmt::Write as _;

use super::{escape, number};

/// Columns of `(label, value)` in order, labelled at the first, middle and last column.
pub fn columns(points: &[(String, f64)], width: u32, height: u32, title: &str) -> String {
    let (w, h) = (f64::from(width), f64::from(height));
    let (left, bottom, top) = (56.0, 22.0, 10.0);
    let max = points.iter().map(|p| p.1).fold(0.0, f64::max);
    let mut svg = open(width, height, title);
    let plot_h = h - bottom - top;
    for fraction in [0.0, 0.5, 1.0] {
        let y = top + plot_h * (1.0 - fraction);
        let _ = write!(
            svg,
            r#"<line class="grid" x1="{left}" y1="{y:.1}" x2="{w}" y2="{y:.1}"/><text class="axis" x="{:.1}" y="{:.1}" text-anchor="end">{}</text>"#,
            left - 6.0,
            y + 4.0,
            number(max * fraction, 0)
        );
    }
    if !points.is_empty() {
        let step = (w - left) / points.len() as f64;
        let bar = (step * 0.8).max(0.5);
        for (i, (label, value)) in points.iter().enumerate() {
            let bar_h = if max > 0.0 { plot_h * value / max } else { 0.0 };
            let x = left + step * i as f64 + (step - bar) / 2.0;
            let _ = write!(
                svg,
                r#"<rect class="bar" x="{x:.1}" y="{:.1}" width="{bar:.1}" height="{bar_h:.1}"><title>{}: {}</title></rect>"#,
                top + plot_h - bar_h,
                escape(label),
                number(*value, 2)
            );
        }
        let last = points.len() - 1;
        for (i, anchor) in [(0, "start"), (last / 2, "middle"), (last, "end")] {
            let x = left + step * i as f64 + step / 2.0;
            let _ = write!(
                svg,
                r#"<text class="axis" x="{x:.1}" y="{:.1}" text-anchor="{anchor}">{}</text>"#,
                h - 6.0,
                escape(&points[i].0)
            );
        }
    }
    svg.push_str("</svg>");
    svg
}

/// Horizontal bars of `(label, value, note)` after a label column `label_width` wide, the
/// longest bar spanning the rest.
pub fn bars(rows: &[(String, f64, String)], width: u32, label_width: u32, title: &str) -> String {
    let row_h = 30.0;
    let height = (rows.len() as f64 * row_h + 8.0) as u32;
    let (label_w, note_w) = (f64::from(label_width), 240.0);
    let span = f64::from(width) - label_w - note_w;
    let max = rows.iter().map(|r| r.1).fold(0.0, f64::max);
    let mut svg = open(width, height, title);
    for (i, (label, value, note)) in rows.iter().enumerate() {
        let y = 4.0 + row_h * i as f64;
        let len = if max > 0.0 { (span * value / max).max(1.0) } else { 1.0 };
        let _ = write!(
            svg,
            r#"<text class="label" x="{:.1}" y="{:.1}" text-anchor="end">{}</text><rect class="bar" x="{label_w}" y="{y:.1}" width="{len:.1}" height="{:.1}"><title>{}: {}</title></rect><text class="note" x="{:.1}" y="{:.1}">{}</text>"#,
            label_w - 8.0,
            y + row_h * 0.6,
            escape(label),
            row_h - 8.0,
            escape(label),
            number(*value, 2),
            label_w + len + 6.0,
            y + row_h * 0.6,
            escape(note)
        );
    }
    svg.push_str("</svg>");
    svg
}

fn open(width: u32, height: u32, title: &str) -> String {
    format!(
        r#"<svg xmlns="http://www.w3.org/2000/svg" class="chart" viewBox="0 0 {width} {height}" width="{width}" height="{height}" role="img" aria-label="{0}"><title>{0}</title>"#,
        escape(title)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn charts_are_closed_svg_with_escaped_labels() {
        let svg = columns(&[("a<b".into(), 2.0), ("c".into(), 0.0)], 300, 120, "Revenue");
        assert!(svg.starts_with("<svg") && svg.ends_with("</svg>"));
        assert!(svg.contains("a&lt;b") && !svg.contains("a<b"));
        let svg = bars(&[("view".into(), 10.0, "100%".into())], 400, 100, "Funnel");
        assert_eq!(svg.matches("<rect").count(), 1);
        assert!(columns(&[], 300, 120, "empty").ends_with("</svg>"));
        assert!(
            bars(&[("x".into(), 0.0, String::new())], 300, 100, "zero").contains("width=\"1.0\"")
        );
    }
}
