//! The marketing report: one self-contained HTML page of an [`Analysis`] (KPIs against the
//! previous period, sales by day, the funnel, paths, segment movement, top products and what
//! recommendations brought), with inline CSS and SVG charts: no script, no external request,
//! so it opens from a file or an e-mail as it is. Returns a string; writing it is the caller's.

mod svg;

use std::fmt::Write as _;

use crate::collect::Analysis;
use crate::funnel::{Funnel, GroupFunnel};
use crate::paths::PathGroup;
use crate::sales::{KpiChange, ProductSales};

const STYLE: &str = "
body{font:15px/1.45 system-ui,-apple-system,'Segoe UI',sans-serif;color:#1d2430;margin:0;background:#f5f6f8}
main{max-width:1040px;margin:0 auto;padding:24px}
h1{font-size:26px;margin:0 0 4px}h2{font-size:19px;margin:32px 0 10px}h3{font-size:15px;margin:16px 0 6px}
.meta,.note,.hint{color:#5b6576;font-size:13px}
section h2{margin-top:4px}
section{background:#fff;border:1px solid #e1e4ea;border-radius:8px;padding:16px 20px;margin-top:16px}
.tiles{display:grid;grid-template-columns:repeat(auto-fill,minmax(155px,1fr));gap:10px}
.tile{border:1px solid #e1e4ea;border-radius:6px;padding:10px 12px}
.tile .k{color:#5b6576;font-size:12px;text-transform:uppercase;letter-spacing:.04em}
.tile .v{font-size:19px;font-weight:600;overflow-wrap:anywhere}
.up{color:#137333}.down{color:#b3261e}.flat{color:#5b6576}
table{border-collapse:collapse;width:100%;font-size:13px}
th,td{padding:5px 8px;border-bottom:1px solid #eceef2;text-align:right}
th:first-child,td:first-child{text-align:left}
td.path{font-family:ui-monospace,monospace;text-align:left}
.chart{max-width:100%;height:auto}
.chart .bar{fill:#3b6fd8}.chart .grid{stroke:#e1e4ea}.chart .axis,.chart .note{fill:#5b6576;font-size:11px}
.chart .label{fill:#1d2430;font-size:12px}
.heat td{text-align:center;min-width:34px}
.cols{display:grid;grid-template-columns:1fr 1fr;gap:16px}
@media (max-width:760px){.cols{grid-template-columns:1fr}}
";

/// The report page of an analysis, stamped with when it was generated.
pub fn render(analysis: &Analysis, generated_at: &str) -> String {
    let mut page = String::with_capacity(64 * 1024);
    let period = analysis.period.to_string();
    let _ = write!(
        page,
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <title>Marketing report, {0}</title><style>{STYLE}</style></head><body><main>\
         <h1>Marketing report</h1><p class=\"meta\">{0}, compared with {1}. ",
        escape(&period),
        escape(&analysis.previous_period.to_string())
    );
    match analysis.data {
        Some(range) => {
            let _ = write!(
                page,
                "The shop's records run from {} to {}; {} shoppers read. ",
                crate::period::date(range.first),
                crate::period::date(range.last),
                number(analysis.shoppers_read as f64, 0)
            );
        }
        None => page.push_str("The shop has no records yet. "),
    }
    let _ = write!(page, "Generated {}.</p>", escape(generated_at));
    kpis(&mut page, analysis);
    sales(&mut page, analysis);
    funnels(&mut page, analysis);
    paths(&mut page, analysis);
    movement(&mut page, analysis);
    products(&mut page, analysis);
    recommendations(&mut page, analysis);
    page.push_str(
        "<p class=\"hint\">Definitions: docs/analytics.md. Visits are a shopper's events with no \
         pause over 30 minutes; sales are orders that were not cancelled or returned (purchase \
         events for shoppers without orders). Guest checkouts without a shopper are not \
         counted.</p></main></body></html>\n",
    );
    page
}

fn kpis(page: &mut String, analysis: &Analysis) {
    let k = &analysis.kpis;
    page.push_str("<section><h2>Key figures</h2><div class=\"tiles\">");
    for change in &k.changes {
        let _ = write!(
            page,
            "<div class=\"tile\"><div class=\"k\">{}</div><div class=\"v\">{}</div><div class=\"note\">{}</div></div>",
            kpi_name(change.kpi),
            kpi_value(change.kpi, change.current),
            kpi_change(change, k.previous_covered)
        );
    }
    page.push_str("</div>");
    if !k.previous_covered {
        page.push_str(
            "<p class=\"hint\">The shop's records do not reach into the previous period, so \
             there is nothing to compare with.</p>",
        );
    }
    let _ = write!(
        page,
        "<p class=\"hint\">{} active shoppers; {} visits viewed a product, {} of them bought.</p></section>",
        number(k.current.active_shoppers as f64, 0),
        number(k.current.visits as f64, 0),
        number(k.current.purchase_visits as f64, 0)
    );
}

fn kpi_name(kpi: &str) -> &'static str {
    match kpi {
        "revenue" => "Revenue",
        "orders" => "Orders",
        "buyers" => "Buyers",
        "average_order_value" => "Average order",
        "conversion" => "Visit conversion",
        "new_buyers" => "New buyers",
        _ => "",
    }
}

fn kpi_value(kpi: &str, value: f64) -> String {
    match kpi {
        "conversion" => percent(value),
        // Whole units: a tile has no room for the cents of a year's revenue.
        "revenue" => number(value, 0),
        "average_order_value" => number(value, 2),
        _ => number(value, 0),
    }
}

fn kpi_change(change: &KpiChange, covered: bool) -> String {
    let before = format!("before: {}", kpi_value(change.kpi, change.previous));
    match change.change {
        _ if !covered => "no earlier data".into(),
        Some(c) => {
            let (class, arrow) = match c {
                c if c > 0.0005 => ("up", "▲"),
                c if c < -0.0005 => ("down", "▼"),
                _ => ("flat", "■"),
            };
            format!("<span class=\"{class}\">{arrow} {:+.1}%</span> {before}", c * 100.0)
        }
        None => before,
    }
}

fn sales(page: &mut String, analysis: &Analysis) {
    let days = &analysis.sales_by_day;
    // A long period reads better by week: columns of seven days, labelled by their first.
    let points: Vec<(String, f64)> = if days.len() > 92 {
        days.chunks(7)
            .map(|week| (week[0].date.clone(), week.iter().map(|d| d.revenue).sum()))
            .collect()
    } else {
        days.iter().map(|d| (d.date.clone(), d.revenue)).collect()
    };
    let unit = if days.len() > 92 { "week" } else { "day" };
    let _ = write!(
        page,
        "<section><h2>Revenue by {unit}</h2>{}</section>",
        svg::columns(&points, 960, 220, &format!("Revenue by {unit}"))
    );
}

fn funnel_rows(funnel: &Funnel) -> Vec<(String, f64, String)> {
    funnel
        .steps
        .iter()
        .map(|s| {
            let mut note =
                format!("{} visits · {}", number(s.visits as f64, 0), percent(s.of_entered));
            if s.implied > 0 {
                let _ = write!(note, " ({} implied)", number(s.implied as f64, 0));
            }
            (s.step.to_string(), s.visits as f64, note)
        })
        .collect()
}

fn funnels(page: &mut String, analysis: &Analysis) {
    let f = &analysis.funnels;
    let _ = write!(
        page,
        "<section><h2>Funnel</h2>{}<p class=\"hint\">Visit conversion {}. A step counts the \
         visits that reached it or a later step; \"implied\" visits had no event of the step \
         itself (a shop that sends only purchases).</p><div class=\"cols\">",
        svg::bars(&funnel_rows(&f.overall), 960, 110, "Funnel: visits per step"),
        percent(f.overall.conversion)
    );
    group_table(page, "By device", &f.by_device, 12);
    // Every segment, so that none hides behind "and 1 more".
    group_table(page, "By segment at the start", &f.by_segment, f.by_segment.len());
    page.push_str("</div>");
    group_table(page, "By category", &f.by_category, 12);
    page.push_str("</section>");
}

fn group_table(page: &mut String, title: &str, groups: &[GroupFunnel], top: usize) {
    let _ = write!(page, "<div><h3>{}</h3>", escape(title));
    if groups.is_empty() {
        page.push_str("<p class=\"hint\">No visits.</p></div>");
        return;
    }
    page.push_str(
        "<table><tr><th></th><th>views</th><th>carts</th><th>purchases</th><th>conversion</th></tr>",
    );
    for group in groups.iter().take(top) {
        let steps = &group.funnel.steps;
        let _ = write!(
            page,
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            escape(&group.group),
            number(steps[0].visits as f64, 0),
            number(steps[1].visits as f64, 0),
            number(steps[2].visits as f64, 0),
            percent(group.funnel.conversion)
        );
    }
    if groups.len() > top {
        let _ = write!(
            page,
            "<tr><td colspan=\"5\" class=\"hint\">and {} more</td></tr>",
            groups.len() - top
        );
    }
    page.push_str("</table></div>");
}

fn paths(page: &mut String, analysis: &Analysis) {
    page.push_str("<section><h2>Common paths</h2><div class=\"cols\">");
    for (title, group) in [
        ("To a purchase", &analysis.paths.to_purchase),
        ("To an abandoned cart", &analysis.paths.to_abandonment),
    ] {
        path_table(page, title, group);
    }
    page.push_str("</div></section>");
}

fn path_table(page: &mut String, title: &str, group: &PathGroup) {
    let _ = write!(
        page,
        "<div><h3>{title}</h3><p class=\"hint\">{} visits, {} different paths.</p>",
        number(group.visits as f64, 0),
        number(group.distinct as f64, 0)
    );
    if !group.top.is_empty() {
        page.push_str("<table><tr><th>path</th><th>visits</th><th>share</th></tr>");
        for path in group.top.iter().take(8) {
            let _ = write!(
                page,
                "<tr><td class=\"path\">{}</td><td>{}</td><td>{}</td></tr>",
                escape(&path.path),
                number(path.visits as f64, 0),
                percent(path.share)
            );
        }
        page.push_str("</table>");
    }
    page.push_str("</div>");
}

fn movement(page: &mut String, analysis: &Analysis) {
    let m = &analysis.movement;
    let _ = write!(
        page,
        "<section><h2>Segment movement</h2><p class=\"hint\">Shoppers' RFM segment on {} (rows) \
         against {} (columns). {} shoppers: {} stayed, {} moved up, {} moved down, {} were new.</p>",
        analysis.period.first_day(),
        analysis.period.last_day(),
        number(m.shoppers as f64, 0),
        number(m.stayed as f64, 0),
        number(m.moved_up as f64, 0),
        number(m.moved_down as f64, 0),
        number(m.newcomers as f64, 0)
    );
    let rows: Vec<usize> = (0..m.segments.len()).filter(|&i| m.at_start[i] > 0).collect();
    let cols: Vec<usize> = (0..m.segments.len()).filter(|&j| m.at_end[j] > 0).collect();
    if rows.is_empty() {
        page.push_str("<p class=\"hint\">No shoppers.</p></section>");
        return;
    }
    let max =
        rows.iter().flat_map(|&i| cols.iter().map(move |&j| m.matrix[i][j])).max().unwrap_or(0);
    page.push_str("<table class=\"heat\"><tr><th>start \\ end</th>");
    for &j in &cols {
        let _ = write!(page, "<th>{}</th>", m.segments[j].replace('_', " "));
    }
    page.push_str("<th>total</th></tr>");
    for &i in &rows {
        let _ = write!(page, "<tr><td>{}</td>", m.segments[i].replace('_', " "));
        for &j in &cols {
            let n = m.matrix[i][j];
            let alpha = if max > 0 { 0.08 + 0.8 * n as f64 / max as f64 } else { 0.0 };
            if n == 0 {
                page.push_str("<td class=\"hint\">·</td>");
            } else {
                let _ = write!(
                    page,
                    "<td style=\"background:rgba(59,111,216,{alpha:.2})\">{}</td>",
                    number(n as f64, 0)
                );
            }
        }
        let _ = write!(page, "<td>{}</td></tr>", number(m.at_start[i] as f64, 0));
    }
    page.push_str("<tr><td>total</td>");
    for &j in &cols {
        let _ = write!(page, "<td>{}</td>", number(m.at_end[j] as f64, 0));
    }
    let _ = write!(page, "<td>{}</td></tr></table></section>", number(m.shoppers as f64, 0));
}

fn products(page: &mut String, analysis: &Analysis) {
    let top = &analysis.top_products;
    let _ = write!(
        page,
        "<section><h2>Top products</h2><p class=\"hint\">{} different products sold.</p>",
        number(top.products_sold as f64, 0)
    );
    let rows: Vec<(String, f64, String)> = top
        .by_revenue
        .iter()
        .map(|p| {
            (
                short(&product_name(p), 30),
                p.revenue,
                format!("{} · {}", number(p.revenue, 2), percent(p.revenue_share)),
            )
        })
        .collect();
    if !rows.is_empty() {
        page.push_str(&svg::bars(&rows, 960, 300, "Top products by revenue"));
    }
    page.push_str("<div class=\"cols\">");
    product_table(page, "By revenue", &top.by_revenue);
    product_table(page, "By units", &top.by_units);
    page.push_str("</div></section>");
}

fn product_table(page: &mut String, title: &str, products: &[ProductSales]) {
    let _ = write!(page, "<div><h3>{title}</h3>");
    if products.is_empty() {
        page.push_str("<p class=\"hint\">No sales.</p></div>");
        return;
    }
    page.push_str("<table><tr><th>product</th><th>units</th><th>orders</th><th>revenue</th></tr>");
    for p in products {
        let _ = write!(
            page,
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            escape(&product_name(p)),
            number(p.units, 0),
            number(p.orders as f64, 0),
            number(p.revenue, 2)
        );
    }
    page.push_str("</table></div>");
}

fn product_name(p: &ProductSales) -> String {
    match &p.title {
        Some(title) if !title.trim().is_empty() => format!("{} ({})", title.trim(), p.item),
        _ => p.item.clone(),
    }
}

fn recommendations(page: &mut String, analysis: &Analysis) {
    let a = &analysis.attribution;
    page.push_str("<section><h2>What recommendations brought</h2>");
    if a.recommended_clicks == 0 && a.attributed_purchases == 0 {
        page.push_str(
            "<p>No clicks or purchases came from recommendations in this period (events whose \
             referrer or page is <code>recommendation</code>).</p></section>",
        );
        return;
    }
    page.push_str("<div class=\"tiles\">");
    for (name, value, note) in [
        (
            "Recommended clicks",
            number(a.recommended_clicks as f64, 0),
            format!("{} of clicks", percent(a.click_share)),
        ),
        (
            "Attributed purchases",
            number(a.attributed_purchases as f64, 0),
            format!("{} of purchases", percent(a.purchase_share)),
        ),
        (
            "Attributed revenue",
            number(a.attributed_revenue, 2),
            format!("{} of revenue", percent(a.revenue_share)),
        ),
        (
            "Buyers",
            number(a.attributed_buyers as f64, 0),
            format!("{} direct, {} after a click", a.direct, a.after_click),
        ),
    ] {
        let _ = write!(
            page,
            "<div class=\"tile\"><div class=\"k\">{name}</div><div class=\"v\">{value}</div><div class=\"note\">{note}</div></div>"
        );
    }
    page.push_str("</div>");
    if !a.top_items.is_empty() {
        page.push_str("<h3>Items recommendations sold</h3><table><tr><th>product</th><th>purchases</th><th>units</th><th>revenue</th></tr>");
        for item in &a.top_items {
            let name = match &item.title {
                Some(title) => format!("{} ({})", title, item.item),
                None => item.item.clone(),
            };
            let _ = write!(
                page,
                "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
                escape(&name),
                number(item.purchases as f64, 0),
                number(item.units, 0),
                number(item.revenue, 2)
            );
        }
        page.push_str("</table>");
    }
    page.push_str(
        "<p class=\"hint\">A purchase is attributed when it came from a recommendation or \
         followed a click on the same item from one within 7 days; revenue shares are of \
         purchase events' revenue.</p></section>",
    );
}

/// Text made safe for HTML content and attributes.
pub(crate) fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// A number with thousands separators and `decimals` places: `12,345.68`.
pub(crate) fn number(value: f64, decimals: usize) -> String {
    let text = format!("{:.*}", decimals, value.abs());
    let (whole, fraction) =
        text.split_once('.').map_or((text.as_str(), None), |(w, f)| (w, Some(f)));
    let mut grouped = String::new();
    for (i, digit) in whole.chars().enumerate() {
        if i > 0 && (whole.len() - i) % 3 == 0 {
            grouped.push(',');
        }
        grouped.push(digit);
    }
    let sign =
        if value < 0.0 && text.bytes().any(|b| b.is_ascii_digit() && b != b'0') { "-" } else { "" };
    match fraction {
        Some(f) => format!("{sign}{grouped}.{f}"),
        None => format!("{sign}{grouped}"),
    }
}

fn percent(share: f64) -> String {
    format!("{:.1}%", share * 100.0)
}

/// At most `chars` characters, with `…` when cut.
fn short(text: &str, chars: usize) -> String {
    if text.chars().count() <= chars {
        return text.to_string();
    }
    let mut out: String = text.chars().take(chars - 1).collect();
    out.push('…');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_group_thousands() {
        assert_eq!(number(1_234_567.891, 2), "1,234,567.89");
        assert_eq!(number(999.0, 0), "999");
        assert_eq!(number(-1_000.0, 0), "-1,000");
        assert_eq!(number(-0.001, 2), "0.00");
        assert_eq!(percent(0.1234), "12.3%");
        assert_eq!(short("abcdef", 4), "abc…");
        assert_eq!(escape("<a href='x'>&</a>"), "&lt;a href=&#39;x&#39;&gt;&amp;&lt;/a&gt;");
    }
}
