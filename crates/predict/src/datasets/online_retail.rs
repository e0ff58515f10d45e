//! The UCI "Online Retail" dataset (Chen, Sain and Guo 2012): every invoice line of a UK online
//! gift shop from 2010-12-01 to 2011-12-09, and customer-level features for predicting who
//! buys (or lapses) after a cutoff.
//!
//! [`parse`] reads one CSV text (the caller reads and decompresses the file; the data comes as
//! three monthly parts, so parse each and concatenate the transactions). A line without a
//! `CustomerID` cannot be attributed to anyone: it is skipped and counted, not reported. A line
//! whose invoice starts with `C` is a cancellation: kept as a return (negative quantity), never
//! as a purchase. Lines that cannot be read, or that contradict that reading (a purchase with a
//! non-positive quantity, a cancellation with a positive one, a negative price), are reported
//! as [`RowIssue`]s with their line numbers; the other lines are kept.
//!
//! [`customer_features`] turns transactions into one row per customer at a cutoff, labelled by
//! whether they buy within a horizon; see its module for what is and is not looked at.

mod features;

use super::{csv_fields, data_rows, RowIssue};
use crate::time::Timestamp;
use crate::{Error, Result};

pub use features::{customer_features, customer_matrix, CustomerFeatures, FEATURE_NAMES};

/// One invoice line attributed to a customer.
#[derive(Debug, Clone, PartialEq)]
pub struct Transaction {
    /// The invoice number without its `C` prefix.
    pub invoice: u32,
    /// Whether the invoice is a cancellation (a return); its quantity is negative.
    pub cancellation: bool,
    /// The product.
    pub stock_code: String,
    /// Units: positive for a purchase, negative for a return.
    pub quantity: i32,
    /// When the invoice was raised.
    pub time: Timestamp,
    /// Price per unit in pounds sterling (0 for free items).
    pub unit_price: f64,
    /// The customer.
    pub customer: u32,
    /// The customer's country as the shop recorded it on this line.
    pub country: String,
}

impl Transaction {
    /// Quantity × unit price: positive for a purchase, negative for a return.
    pub fn value(&self) -> f64 {
        f64::from(self.quantity) * self.unit_price
    }
}

/// What [`parse`] could read.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Parsed {
    /// Lines attributed to a customer, in file order.
    pub transactions: Vec<Transaction>,
    /// Lines that could not be read, with why.
    pub issues: Vec<RowIssue>,
    /// Lines skipped because they had no `CustomerID`.
    pub without_customer: usize,
}

/// The columns read, in the order [`read_row`] takes them.
const COLUMNS: [&str; 7] =
    ["InvoiceNo", "StockCode", "Quantity", "InvoiceDate", "UnitPrice", "CustomerID", "Country"];

/// Reads one CSV text whose header names at least `InvoiceNo`, `StockCode`, `Quantity`,
/// `InvoiceDate`, `UnitPrice`, `CustomerID` and `Country` (`Description` is not needed), in any
/// order. Errors only when there is no header or it lacks a column.
pub fn parse(text: &str) -> Result<Parsed> {
    let mut lines = text.lines().enumerate();
    let header = loop {
        match lines.next() {
            Some((_, l)) if l.trim().is_empty() => continue,
            Some((_, l)) => break l.trim_start_matches('\u{feff}').trim_end_matches('\r'),
            None => return Err(Error::BadData("the text is empty; expected a CSV header".into())),
        }
    };
    let columns: Vec<String> = csv_fields(header)
        .ok_or_else(|| Error::BadData("the header has an unclosed quote".into()))?
        .into_iter()
        .map(|c| c.trim().to_string())
        .collect();
    let mut at = [0usize; COLUMNS.len()];
    for (slot, name) in at.iter_mut().zip(COLUMNS) {
        *slot = columns.iter().position(|c| c == name).ok_or_else(|| {
            Error::BadData(format!(
                "the header has no `{name}` column; is this the UCI Online Retail CSV?"
            ))
        })?;
    }

    let mut parsed = Parsed::default();
    for row in data_rows(lines, columns.len()) {
        let (line, fields) = match row {
            Ok(row) => row,
            Err(issue) => {
                parsed.issues.push(issue);
                continue;
            }
        };
        let issue =
            |field: &str, reason: String| RowIssue { line, field: Some(field.to_string()), reason };
        let values: [&str; COLUMNS.len()] = at.map(|i| fields[i].trim());
        if values[5].is_empty() {
            parsed.without_customer += 1;
            continue;
        }
        match read_row(values) {
            Ok(t) => parsed.transactions.push(t),
            Err((column, reason)) => parsed.issues.push(issue(column, reason)),
        }
    }
    Ok(parsed)
}

/// One line's [`COLUMNS`] values as a transaction, or the column at fault and why.
fn read_row(
    [invoice, stock_code, quantity, date, price, customer, country]: [&str; COLUMNS.len()],
) -> std::result::Result<Transaction, (&'static str, String)> {
    let (cancellation, number) = match invoice.strip_prefix(['C', 'c']) {
        Some(rest) => (true, rest),
        None => (false, invoice),
    };
    let invoice_number =
        number.parse::<u32>().ok().filter(|_| number.bytes().all(|b| b.is_ascii_digit()));
    let invoice_number = invoice_number.ok_or_else(|| {
        (
            "InvoiceNo",
            format!("`{invoice}` is not an invoice number (digits, `C` for a cancellation)"),
        )
    })?;
    if stock_code.is_empty() {
        return Err(("StockCode", "empty".into()));
    }
    let quantity: i32 = quantity
        .parse()
        .map_err(|_| ("Quantity", format!("`{quantity}` is not a whole number")))?;
    if cancellation && quantity >= 0 {
        return Err(("Quantity", format!("{quantity} on a cancellation; returns are negative")));
    }
    if !cancellation && quantity <= 0 {
        return Err((
            "Quantity",
            format!("{quantity} on a purchase; returns belong on an invoice starting with C"),
        ));
    }
    let time = Timestamp::parse(date).ok_or_else(|| {
        ("InvoiceDate", format!("`{date}` is not a time like 2010-12-01 08:26 or 12/1/2010 8:26"))
    })?;
    let unit_price: f64 =
        price.parse().map_err(|_| ("UnitPrice", format!("`{price}` is not a number")))?;
    if !(unit_price.is_finite() && unit_price >= 0.0) {
        return Err(("UnitPrice", format!("{price}; a price must be finite and ≥ 0")));
    }
    // Some copies of the file write ids as floats ("17850.0").
    let id = customer.strip_suffix(".0").unwrap_or(customer);
    let customer: u32 =
        id.parse().map_err(|_| ("CustomerID", format!("`{customer}` is not a customer number")))?;
    Ok(Transaction {
        invoice: invoice_number,
        cancellation,
        stock_code: stock_code.to_string(),
        quantity,
        time,
        unit_price,
        customer,
        country: country.to_string(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const HEADER: &str =
        "InvoiceNo,StockCode,Description,Quantity,InvoiceDate,UnitPrice,CustomerID,Country";

    #[test]
    fn reads_purchases_and_returns_and_reports_bad_rows_by_line() {
        let text = format!(
            "{HEADER}\n\
             536365,85123A,\"WHITE HANGING HEART T-LIGHT HOLDER, LARGE\",6,2010-12-01 08:26,2.55,17850,United Kingdom\n\
             C536379,D,Discount,-1,12/1/2010 9:41,27.50,14527.0,United Kingdom\n\
             536414,22139,,56,2010-12-01 11:52,0,,United Kingdom\n\
             536366,22633,HAND WARMER,6,2010-13-01 08:28,1.85,17850,United Kingdom\n\
             536367,84879,BIRD,-32,2010-12-01 08:34,1.69,13047,United Kingdom\n\
             C536368,84879,BIRD,3,2010-12-01 08:34,1.69,13047,United Kingdom\n\
             A563185,B,Adjust bad debt,1,2011-08-12 14:50,11062.06,12346,United Kingdom\n\
             536369,21756,BATH,3,2010-12-01 08:35,-5.95,13047,United Kingdom\n\
             536370,22728,ALARM CLOCK,24,2010-12-01 08:45,3.75,abc,France\n\
             536371,22086,\"unclosed,80,2010-12-01 09:00,2.55,13748,United Kingdom\n\
             536372,22632,HAND WARMER,6,2010-12-01 09:01\n"
        );
        let parsed = parse(&text).unwrap();
        assert_eq!(parsed.without_customer, 1);
        assert_eq!(parsed.transactions.len(), 2);
        let purchase = &parsed.transactions[0];
        assert_eq!(
            (purchase.invoice, purchase.cancellation, purchase.quantity),
            (536365, false, 6)
        );
        assert_eq!(purchase.time, Timestamp::new(2010, 12, 1, 8, 26).unwrap());
        assert!((purchase.value() - 15.3).abs() < 1e-9);
        let refund = &parsed.transactions[1];
        assert_eq!((refund.invoice, refund.cancellation, refund.customer), (536379, true, 14527));
        assert!(refund.value() < 0.0);
        let found: Vec<(usize, Option<&str>)> =
            parsed.issues.iter().map(|i| (i.line, i.field.as_deref())).collect();
        assert_eq!(
            found,
            [
                (5, Some("InvoiceDate")),
                (6, Some("Quantity")),
                (7, Some("Quantity")),
                (8, Some("InvoiceNo")),
                (9, Some("UnitPrice")),
                (10, Some("CustomerID")),
                (11, None),
                (12, None),
            ]
        );
        assert!(parsed.issues[0].to_string().starts_with("line 5, InvoiceDate: `2010-13-01"));
    }

    #[test]
    fn header_must_name_the_columns() {
        let err = parse(&HEADER.replace("CustomerID", "Customer")).unwrap_err();
        assert!(err.to_string().contains("`CustomerID`"), "{err}");
        assert!(parse("\n\n").is_err());
        let only_header = parse(HEADER).unwrap();
        assert!(only_header.transactions.is_empty() && only_header.issues.is_empty());
    }
}
