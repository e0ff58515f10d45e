//! Tests of the Online Retail reader on small inline fixtures.

use crate::test_support::{check, check_error, issue_on};
use crate::{Error, Format};

const HEADER: &str =
    "InvoiceNo,StockCode,Description,Quantity,InvoiceDate,UnitPrice,CustomerID,Country\n";

#[test]
fn purchases_returns_guests_items_and_orders() {
    let input = format!(
        "{HEADER}\
         536365,85123A,WHITE HANGING HEART,6,2010-12-01 08:26,2.55,17850,United Kingdom\n\
         536365,71053,WHITE METAL LANTERN,6,2010-12-01 08:26,3.39,17850.0,United Kingdom\n\
         C536379,85123A,,-1,2010-12-01 09:41,2.65,17850,United Kingdom\n\
         536544,71053,,1,2010-12-01 14:32,4.21,,United Kingdom\n\
         536365,22633,HAND WARMER,2,2010-12-01 08:26,1.85,17850,United Kingdom\n"
    );
    check(
        Format::OnlineRetail,
        &[("retail.csv", input.as_bytes())],
        r#"item 85123A "WHITE HANGING HEART" price=2.65GBP
           item 71053 "WHITE METAL LANTERN" price=4.21GBP
           item 22633 "HAND WARMER" price=1.85GBP
           user 17850 country="United Kingdom"
           event olr:536365:1 purchase u:17850 85123A q=6 p=2.55 t=1291191960000
           event olr:536365:2 purchase u:17850 71053 q=6 p=3.39 t=1291191960000
           event olr:C536379:1 return u:17850 85123A q=1 p=2.65 t=1291196460000
           event olr:536544:1 purchase s:invoice-536544 71053 q=1 p=4.21 t=1291213920000
           event olr:536365:3 purchase u:17850 22633 q=2 p=1.85 t=1291191960000
           order 536365 Delivered GBP user=17850 t=1291191960000 [85123Ax6@2.55 71053x6@3.39 22633x2@1.85] country="United Kingdom"
           order C536379 Cancelled GBP user=17850 t=1291196460000 [85123Ax1@2.65] country="United Kingdom"
           order 536544 Delivered GBP user=- t=1291213920000 [71053x1@4.21] country="United Kingdom""#,
    );
}

#[test]
fn postage_and_other_charges_are_hidden_items_whose_purchases_still_count() {
    let input = format!(
        "{HEADER}\
         536370,22728,ALARM CLOCK BAKELIKE PINK,24,2010-12-01 08:45,3.75,12583,France\n\
         536370,POST,POSTAGE,3,2010-12-01 08:45,18,12583,France\n"
    );
    check(
        Format::OnlineRetail,
        &[("retail.csv", input.as_bytes())],
        r#"item 22728 "ALARM CLOCK BAKELIKE PINK" price=3.75GBP
           item POST "POSTAGE" price=18GBP service=true hidden
           user 12583 country="France"
           event olr:536370:1 purchase u:12583 22728 q=24 p=3.75 t=1291193100000
           event olr:536370:2 purchase u:12583 POST q=3 p=18 t=1291193100000
           order 536370 Delivered GBP user=12583 t=1291193100000 [22728x24@3.75 POSTx3@18] country="France""#,
    );
}

#[test]
fn adjustments_and_bad_values_are_issues_that_keep_the_invoice_numbering() {
    let big = "X".repeat(10 * 1024 * 1024);
    let mut input = format!(
        "{HEADER}\
         1,A,a,1,2011-01-01 10:00,1,,UK\n\
         1,B,damaged,-5,2011-01-01 10:00,0,,UK\n\
         A563185,B,Adjust bad debt,1,2011-08-12 14:50,-11062.06,,UK\n\
         1,C,c,2000000,2011-01-01 10:00,1,,UK\n\
         1,D,d,1,2011-01-01 10:00,20000000,,UK\n\
         1,E,e,1,2150-01-01 10:00,1,,UK\n\
         1,F,{big},1,2011-01-01 10:00,1,,UK\n\
         1,G,g,1,2011-01-01 10:00,1,UK\n\
         C2,H,h,3,2011-01-01 10:00,1,,UK\n"
    )
    .into_bytes();
    input.extend_from_slice(
        b"1,I,caf\xe9,1,2011-01-01 10:00,1,,UK\n1,J,j,1,2011-01-01 10:00,1,,UK\n",
    );
    // Invoice 1's rows are numbered A=1 .. F=6, I=7, J=8: rejected rows keep their number (so
    // fixing one changes no other id); the ragged row on line 9 has no trustworthy invoice.
    let out = check(
        Format::OnlineRetail,
        &[("retail.csv", &input)],
        r#"item A "a" price=1GBP
           item J "j" price=1GBP
           event olr:1:1 purchase s:invoice-1 A q=1 p=1 t=1293876000000
           event olr:1:8 purchase s:invoice-1 J q=1 p=1 t=1293876000000
           order 1 Delivered GBP user=- t=1293876000000 [Ax1@1 Jx1@1] country="UK"
           ! L3 Quantity
           ! L4 UnitPrice
           ! L5 quantity
           ! L6 price
           ! L7 InvoiceDate
           ! L8 Description
           ! L9 -
           ! L10 Quantity
           ! L11 Description"#,
    );
    assert!(issue_on(&out, 3).reason.contains("stock adjustment"));
    assert!(issue_on(&out, 4).reason.contains("bad-debt adjustment"));
    assert!(issue_on(&out, 9).reason.contains("row has 7 fields, the header has 8"));
    assert!(issue_on(&out, 10).reason.contains("needs a negative Quantity"));
    assert!(issue_on(&out, 11).reason.contains("UTF-8"));
}

#[test]
fn invoices_split_across_files_make_one_order_at_the_end() {
    let a = format!("{HEADER}9,A,a,1,2011-01-01 10:00,1,12346,UK\n");
    let b = format!("{HEADER}9,Z,b,2,2011-01-01 10:00,3,12346,UK\n");
    let out = check(
        Format::OnlineRetail,
        &[("part1.csv.gz", a.as_bytes()), ("part2.csv", b.as_bytes())],
        r#"item A "a" price=1GBP
           item Z "b" price=3GBP
           user 12346 country="UK"
           event olr:9:1 purchase u:12346 A q=1 p=1 t=1293876000000
           event olr:9:2 purchase u:12346 Z q=2 p=3 t=1293876000000
           order 9 Delivered GBP user=12346 t=1293876000000 [Ax1@1 Zx2@3] country="UK""#,
    );
    let last = out.chunks.last().expect("a chunk");
    assert_eq!(last.bytes_read, last.bytes_total);
}

#[test]
fn whole_file_problems_are_errors() {
    let (err, _) =
        check_error(Format::OnlineRetail, &[("r.csv", HEADER.replace(',', ";").as_bytes())]);
    assert!(err.to_string().contains("one column"), "{err}");
    let (err, _) = check_error(
        Format::OnlineRetail,
        &[("r.csv", b"InvoiceNo,StockCode,Quantity,UnitPrice\n1,A,1,1\n")],
    );
    assert!(err.to_string().contains("missing column `invoicedate`"), "{err}");
    let (err, _) = check_error(Format::OnlineRetail, &[("r.csv", HEADER.as_bytes())]);
    assert!(matches!(err, Error::Empty { .. }), "{err}");
    let rows: String = (0..30_000)
        .map(|i| format!("{},{},d{},1,2011-01-01 10:00,1,,UK\n", i / 3, i * 7919 % 10_007, i % 13))
        .collect();
    let cut = crate::test_support::truncated_gzip(format!("{HEADER}{rows}").as_bytes());
    let (err, out) = check_error(Format::OnlineRetail, &[("r.csv.gz", &cut)]);
    assert!(matches!(err, Error::Truncated { .. }), "{err}");
    assert!(out.batch.events.len() > 1_000, "events before the cut were handed over");
    assert!(out.batch.orders.is_empty(), "held orders are incomplete and not handed over");
}
