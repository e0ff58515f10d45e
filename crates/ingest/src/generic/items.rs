//! The generic item file: one catalog item per row. Not prices history or stock levels.
//!
//! # Schema
//!
//! | column / key | required | meaning |
//! |---|---|---|
//! | `id` | yes | the shop's item id (SKU) |
//! | `title` | | display title |
//! | `description` | | long text (newlines allowed, up to 64 KiB) |
//! | `categories` | | category path: CSV `Women > Shoes > Running`; JSON `["Women", "Shoes", "Running"]` (a string is split on `>` too) |
//! | `brand` | | brand name |
//! | `price` | | unit price, a number from 0 to 10,000,000 |
//! | `currency` | | ISO 4217 code of `price`; default: the `currency` read option (GBP) |
//! | `image_url` | | product image |
//! | `available` | | `true`/`false` (also `yes`/`no`, `1`/`0`); default true |
//! | `hidden` | | never recommend or show; default false |
//! | `created_at` | | when the item entered the catalog (RFC 3339, `YYYY-MM-DD HH:MM[:SS]`, `YYYY-MM-DD` or unix seconds/milliseconds) |
//! | `attributes` | | JSON object of attributes (in CSV: a JSON object written in the field) |
//! | any other column / key | | an attribute of that name. CSV: a number when written as one (`42`, `-1.5`; `007` stays text), else text. JSON: strings, numbers, booleans and lists of strings are kept as they are |

use aisle_domain::{Item, Price};

use super::{Res, Row};
use crate::input::{id, Problem};
use crate::ReadOptions;

const KNOWN: &[&str] = &[
    "id",
    "title",
    "description",
    "categories",
    "brand",
    "price",
    "currency",
    "image_url",
    "available",
    "hidden",
    "created_at",
];

pub(crate) fn build(row: &Row<'_>, options: &ReadOptions) -> Res<Item> {
    let mut item = Item::new(id("id", &row.required("id")?)?);
    item.title = row.text("title")?.map(|t| t.into_owned()).unwrap_or_default();
    item.description = row.text("description")?.map(|t| t.into_owned()).unwrap_or_default();
    item.categories = row.list("categories", '>')?;
    item.brand = row.text("brand")?.map(|t| t.into_owned());
    if let Some(amount) = row.number("price")? {
        let currency =
            row.text("currency")?.map_or_else(|| options.currency.clone(), |c| c.into_owned());
        item.price = Some(Price { amount, currency });
    }
    item.image_url = row.text("image_url")?.map(|t| t.into_owned());
    item.available = row.bool("available")?.unwrap_or(true);
    item.hidden = row.bool("hidden")?.unwrap_or(false);
    item.created_at = row.timestamp("created_at")?;
    item.attributes = row.attributes(KNOWN)?;
    item.validate().map_err(Problem::domain)?;
    Ok(item)
}

#[cfg(test)]
mod tests {
    use crate::test_support::{check, check_error, issue_on};
    use crate::{Error, Format};

    #[test]
    fn csv_and_jsonl_give_the_same_items() {
        let csv = "id,title,categories,price,currency,colour,size,code\n\
                   sku-1,Red shoe,Women > Shoes,49.5,EUR,red,42,007\n";
        let jsonl = r#"{"id": "sku-1", "title": "Red shoe", "categories": ["Women", "Shoes"], "price": 49.5, "currency": "EUR", "colour": "red", "size": 42, "attributes": {"code": "007"}}"#;
        let expected = r#"item sku-1 "Red shoe" cat=Women>Shoes price=49.5EUR code="007" colour="red" size=42"#;
        check(Format::Items, &[("items.csv", csv.as_bytes())], expected);
        check(Format::Items, &[("items.jsonl.gz", jsonl.as_bytes())], expected);
    }

    #[test]
    fn bad_rows_become_issues_and_keep_their_neighbours() {
        let big = "d".repeat(10 * 1024 * 1024);
        let mut csv = format!(
            "id,title,price,description\n\
             a,A,1,\n\
             b,B,-3,\n\
             c,C,1e12,\n\
             a,A again,2,\n\
             d,D,1,{big}\n\
             e,E,1\n\
             f,F,1,x,extra\n"
        )
        .into_bytes();
        csv.extend_from_slice(b"g,\xff,1,\nh,H,2.5,\"multi\nline\"\n");
        let out = check(
            Format::Items,
            &[("items.csv", &csv)],
            r#"item a "A" price=1GBP
               item h "H" price=2.5GBP
               ! L3 price
               ! L4 price
               ! L5 id
               ! L6 description
               ! L7 -
               ! L8 -
               ! L9 title"#,
        );
        assert!(issue_on(&out, 3).reason.contains("outside the allowed range 0 to 10,000,000"));
        assert!(issue_on(&out, 5)
            .reason
            .contains("id a already appeared on line 2 of this import; the first is kept"));
        assert!(issue_on(&out, 6).reason.contains("more than the limit"));
        assert!(issue_on(&out, 7).reason.contains("row has 3 fields, the header has 4"));
        assert!(issue_on(&out, 8).reason.contains("row has 5 fields, the header has 4"));
        assert!(issue_on(&out, 9).reason.contains("UTF-8"));
    }

    #[test]
    fn bad_json_lines_are_issues() {
        let jsonl = "{\"id\": \"a\"}\nnot json\n[1]\n{\"id\": \"b\", \"available\": \"maybe\"}\n{\"id\": \"c\"}";
        check(
            Format::Items,
            &[("items.ndjson", jsonl.as_bytes())],
            r#"item a ""
               item c ""
               ! L2 -
               ! L3 -
               ! L4 available"#,
        );
    }

    #[test]
    fn whole_file_problems_are_errors() {
        let (err, _) = check_error(Format::Items, &[("items.csv", b"id;title\na;A\n")]);
        assert!(
            matches!(err, Error::Header { .. }) && err.to_string().contains("one column"),
            "{err}"
        );
        let (err, _) = check_error(Format::Items, &[("items.csv", b"sku,title\na,A\n")]);
        assert!(
            err.to_string().contains("missing column `id`; expected columns id, found sku,title"),
            "{err}"
        );
        let (err, _) = check_error(Format::Items, &[("items.csv", b"id,title\n")]);
        assert!(matches!(err, Error::Empty { .. }), "{err}");
        let (err, _) = check_error(Format::Items, &[("items.xlsx", b"x")]);
        assert!(matches!(err, Error::Header { .. }), "{err}");
        let rows: String =
            (0..30_000).map(|i| format!("sku-{i},Title {}\n", i * 7919 % 10_007)).collect();
        let cut = crate::test_support::truncated_gzip(format!("id,title\n{rows}").as_bytes());
        let (err, out) = check_error(Format::Items, &[("items.csv.gz", &cut)]);
        assert!(matches!(err, Error::Truncated { .. }), "{err}");
        assert!(out.batch.items.len() > 1_000, "rows before the cut were handed over");
    }
}
