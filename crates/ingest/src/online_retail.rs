//! UCI Online Retail (and Online Retail II): a UK gift shop's invoice lines, 2009-2011. Not a
//! general order-file format; for that use the generic `events` format.
//!
//! # Input
//!
//! CSV with a header naming `InvoiceNo` (or `Invoice`), `StockCode`, `Description`, `Quantity`,
//! `InvoiceDate`, `UnitPrice` (or `Price`), `CustomerID` (or `Customer ID`), `Country`, in any
//! order; `Description`, `CustomerID` and `Country` may be absent. Several files (e.g. monthly
//! parts, gzipped) are read in the order given as one table.
//!
//! # Mapping
//!
//! | source row | Aisle |
//! |---|---|
//! | regular invoice, `Quantity > 0` | [`Event`] kind `purchase`, `quantity`, `price` = `UnitPrice`, plus a line of the invoice's [`Order`] (status `delivered`) |
//! | invoice `C…` (cancellation), `Quantity < 0` | [`Event`] kind `return`, `quantity` = \|Quantity\|, plus a line of the invoice's [`Order`] (status `cancelled`) |
//! | `CustomerID` (e.g. `17850`, or `17850.0`, read as `17850`) | actor `User(17850)`, a [`User`] (once, attribute `country`) and the order's `user` |
//! | empty `CustomerID` (guest checkout) | actor `Session("invoice-{InvoiceNo}")`; the order has no user |
//! | `StockCode` | an [`Item`] (once per import): `title` = the latest non-empty `Description`, `price` = the latest `UnitPrice` in the `currency` option (default GBP) |
//! | `StockCode` of a charge (`POST`, `DOT`, `M`, `C2`, `D`, `S`, `BANK CHARGES`, `AMAZONFEE`, `CRUK`, `B`) | the item is `hidden` (never recommended) with attribute `service = true`; its events and order lines stay |
//! | `InvoiceDate` (`YYYY-MM-DD HH:MM`, UTC) | the event's timestamp and the order's `created_at` (its first line) |
//! | `Country` | the order's attribute `country` |
//!
//! Event ids are `olr:{InvoiceNo}:{n}`, where `n` = 1, 2, ... counts the lines of that invoice in
//! file order, rejected lines included, so ids are stable across re-imports.
//!
//! Rows that are not customer transactions become row issues: a regular invoice with
//! `Quantity <= 0` (stock adjustments: damaged, lost, found, sample...), a negative `UnitPrice`
//! or an `A…` invoice (bad-debt adjustments), a cancellation with a positive quantity. Only
//! accepted rows shape items, users and orders.
//!
//! Invoices need not be contiguous, so orders and items are held until every file is read and
//! handed over in the last chunks. If reading fails part way (a truncated gzip part), the events
//! read so far are handed over but the held orders and items are not.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};

use aisle_domain::{
    Actor, AttributeValue, Event, EventKind, ExternalId, Item, Order, OrderLine, OrderStatus,
    Price, Timestamp, User,
};

use crate::error::{Error, Result};
use crate::input::{
    csv_error, csv_reader, excerpt, id, owned_id, ragged, read_header, record_excerpt,
    require_columns, utf8, Problem,
};
use crate::sink::Sink;
use crate::ReadOptions;

const INVOICE: &[&str] = &["invoiceno", "invoice"];
const STOCK: &[&str] = &["stockcode"];
const QUANTITY: &[&str] = &["quantity"];
const DATE: &[&str] = &["invoicedate"];
const PRICE: &[&str] = &["unitprice", "price"];

/// Column positions of one file.
struct Columns {
    invoice: usize,
    stock: usize,
    quantity: usize,
    date: usize,
    price: usize,
    description: Option<usize>,
    customer: Option<usize>,
    country: Option<usize>,
    count: usize,
}

struct Invoice {
    lines_seen: u32,
    /// Line of the invoice's first accepted row, for issues about the whole order.
    first_line: u64,
    order: Option<Order>,
}

struct StockItem {
    id: ExternalId,
    title: String,
    price: f64,
}

/// Everything held across rows and files.
#[derive(Default)]
struct State {
    invoices: HashMap<String, usize>,
    invoice_list: Vec<Invoice>,
    items: HashMap<String, usize>,
    item_list: Vec<StockItem>,
    users: HashSet<String>,
    last_date: Vec<u8>,
    last_timestamp: Option<Timestamp>,
}

/// Stock codes that are charges and bookkeeping, not products: postage, carriage, manual
/// entries, discounts, samples, fees, commissions, bad debt.
const SERVICE_CODES: [&str; 10] =
    ["POST", "DOT", "M", "C2", "D", "S", "BANK CHARGES", "AMAZONFEE", "CRUK", "B"];

/// True for a stock code that is a charge rather than a product; such items are hidden so they
/// are never recommended, while their purchases still count in orders and analytics.
fn is_service_code(code: &str) -> bool {
    SERVICE_CODES.iter().any(|s| s.eq_ignore_ascii_case(code))
}

pub(crate) fn read(files: &[PathBuf], options: &ReadOptions, sink: &mut Sink<'_>) -> Result<()> {
    let mut state = State::default();
    for path in files {
        read_file(path, options, &mut state, sink)?;
    }
    let currency = options.currency.as_str();
    for stock in state.item_list {
        let mut item = Item::new(stock.id);
        item.title = stock.title;
        item.price = Some(Price { amount: stock.price, currency: currency.to_string() });
        if is_service_code(item.id.as_str()) {
            item.hidden = true;
            item.attributes.insert("service".into(), AttributeValue::Bool(true));
        }
        if item.validate().is_ok() {
            sink.batch.items.push(item);
        } else {
            // Only reachable with a bad `currency` option: keep the item, without its price.
            item.price = None;
            sink.batch.items.push(item);
        }
        sink.maybe_flush()?;
    }
    let first_file = files.first().cloned().unwrap_or_default();
    for invoice in state.invoice_list {
        let Some(order) = invoice.order else { continue };
        match order.validate() {
            Ok(()) => sink.batch.orders.push(order),
            Err(err) => {
                let problem = Problem::domain(err);
                sink.reject(
                    problem,
                    &first_file,
                    invoice.first_line,
                    format!("order {}", order.id),
                );
            }
        }
        sink.maybe_flush()?;
    }
    Ok(())
}

fn read_file(
    path: &Path,
    options: &ReadOptions,
    state: &mut State,
    sink: &mut Sink<'_>,
) -> Result<()> {
    let mut reader = csv_reader(path, sink.progress(), b',')?;
    let Some(header) = read_header(path, &mut reader, b',')? else {
        return Err(Error::Empty { path: path.to_path_buf() });
    };
    let found = require_columns(path, &header, &[INVOICE, STOCK, QUANTITY, DATE, PRICE])?;
    let optional = |names: &[&str]| header.iter().position(|h| names.contains(&h.as_str()));
    let columns = Columns {
        invoice: found[0],
        stock: found[1],
        quantity: found[2],
        date: found[3],
        price: found[4],
        description: optional(&["description"]),
        customer: optional(&["customerid", "customer id"]),
        country: optional(&["country"]),
        count: header.len(),
    };
    let mut record = csv::ByteRecord::new();
    let mut rows = 0u64;
    while reader.read_byte_record(&mut record).map_err(|e| csv_error(path, e))? {
        rows += 1;
        sink.line();
        let line = record.position().map_or(0, |p| p.line());
        match row(&record, &columns, line, options, state, sink) {
            Ok(()) => sink.accepted(),
            Err(problem) => sink.reject(problem, path, line, record_excerpt(&record, b',')),
        }
        sink.maybe_flush()?;
    }
    if rows == 0 {
        return Err(Error::Empty { path: path.to_path_buf() });
    }
    Ok(())
}

fn row(
    record: &csv::ByteRecord,
    columns: &Columns,
    line: u64,
    options: &ReadOptions,
    state: &mut State,
    sink: &mut Sink<'_>,
) -> std::result::Result<(), Problem> {
    if record.len() != columns.count {
        return Err(ragged(record.len(), columns.count));
    }
    let field = |i: usize, name: &str| utf8(name, &record[i]).map(str::trim);
    let optional = |i: Option<usize>, name: &str| i.map_or(Ok(""), |i| field(i, name));
    let invoice_text = field(columns.invoice, "InvoiceNo")?;
    let invoice_id = id("InvoiceNo", invoice_text)?;
    let slot = match state.invoices.get(invoice_text) {
        Some(&slot) => slot,
        None => {
            state.invoice_list.push(Invoice { lines_seen: 0, first_line: line, order: None });
            state.invoices.insert(invoice_text.to_string(), state.invoice_list.len() - 1);
            state.invoice_list.len() - 1
        }
    };
    state.invoice_list[slot].lines_seen += 1;
    let n = state.invoice_list[slot].lines_seen;

    let stock_text = field(columns.stock, "StockCode")?;
    let description = optional(columns.description, "Description")?;
    let quantity = crate::input::int("Quantity", field(columns.quantity, "Quantity")?)?;
    let price = crate::input::number("UnitPrice", field(columns.price, "UnitPrice")?)?;
    let customer = normalise_customer(optional(columns.customer, "CustomerID")?);
    let country = optional(columns.country, "Country")?;

    let cancellation = invoice_text.starts_with(['C', 'c']);
    if invoice_text.starts_with(['A', 'a']) || price < 0.0 {
        return Err(Problem::new("UnitPrice", format!(
            "not a customer transaction: a bad-debt adjustment (invoice `{}`, UnitPrice {price}); nothing to import",
            excerpt(invoice_text)
        )));
    }
    let kind = match (cancellation, quantity) {
        (false, q) if q > 0 => EventKind::Purchase,
        (false, q) => {
            return Err(Problem::new("Quantity", format!(
                "not a customer transaction: Quantity {q} on a regular invoice is a stock adjustment \
                 (damaged, lost, found...); nothing to import"
            )))
        }
        (true, q) if q < 0 => EventKind::Return,
        (true, q) => {
            return Err(Problem::new("Quantity", format!(
                "a cancellation (invoice starting with C) needs a negative Quantity, found {q}"
            )))
        }
    };
    let timestamp = timestamp(field(columns.date, "InvoiceDate")?, state)?;
    let item_id = id("StockCode", stock_text)?;
    let actor = match customer {
        "" => Actor::Session(owned_id("CustomerID", joined(&["invoice-", invoice_text], None))?),
        c => Actor::User(id("CustomerID", c)?),
    };
    let mut event = Event::new(
        owned_id("id", joined(&["olr:", invoice_text, ":"], Some(n)))?,
        actor,
        kind,
        timestamp,
    )
    .with_item(item_id.clone());
    event.quantity = Some(quantity.abs());
    event.price = Some(price);
    event.validate()?;

    // The row is good; now let it shape the item, the user and the order.
    match state.items.get(stock_text) {
        Some(&i) => {
            let stock = &mut state.item_list[i];
            stock.price = price;
            if !description.is_empty() && stock.title != description {
                stock.title = checked_title(description)?;
            }
        }
        None => {
            let title =
                if description.is_empty() { String::new() } else { checked_title(description)? };
            state.item_list.push(StockItem { id: item_id.clone(), title, price });
            state.items.insert(stock_text.to_string(), state.item_list.len() - 1);
        }
    }
    let user = match &event.actor {
        Actor::User(user) => {
            if !state.users.contains(user.as_str()) {
                state.users.insert(user.as_str().to_string());
                let mut record = User::new(user.clone());
                if !country.is_empty() {
                    record
                        .attributes
                        .insert("country".into(), AttributeValue::Text(country.to_string()));
                }
                if record.validate().is_ok() {
                    sink.batch.users.push(record);
                }
            }
            Some(user.clone())
        }
        Actor::Session(_) => None,
    };
    let invoice = &mut state.invoice_list[slot];
    let order = invoice.order.get_or_insert_with(|| {
        let mut attributes = aisle_domain::Attributes::new();
        if !country.is_empty() {
            attributes.insert("country".into(), AttributeValue::Text(country.to_string()));
        }
        Order {
            id: invoice_id,
            user,
            status: if cancellation { OrderStatus::Cancelled } else { OrderStatus::Delivered },
            created_at: timestamp,
            currency: options.currency.clone(),
            lines: Vec::new(),
            attributes,
        }
    });
    if order.lines.is_empty() {
        invoice.first_line = line;
    }
    order.lines.push(OrderLine { item: item_id, quantity: quantity.abs(), unit_price: price });
    sink.batch.events.push(event);
    Ok(())
}

/// Concatenates `parts` and a number into a string allocated once at its final size (`format!`
/// grows its buffer, which shows at half a million rows a second).
fn joined(parts: &[&str], number: Option<u32>) -> String {
    use std::fmt::Write;
    let mut text = String::with_capacity(parts.iter().map(|p| p.len()).sum::<usize>() + 10);
    for part in parts {
        text.push_str(part);
    }
    if let Some(n) = number {
        let _ = write!(text, "{n}");
    }
    text
}

/// `17850.0` (a float export) is `17850`.
fn normalise_customer(text: &str) -> &str {
    match text.split_once('.') {
        Some((whole, frac)) if !whole.is_empty() && frac.bytes().all(|b| b == b'0') => whole,
        _ => text,
    }
}

fn checked_title(description: &str) -> std::result::Result<String, Problem> {
    let mut probe = Item::new(ExternalId::parse("probe").map_err(Problem::domain)?);
    probe.title = description.to_string();
    probe.validate().map_err(|e| {
        let mut problem = Problem::domain(e);
        problem.field = Some("Description".into());
        problem
    })?;
    Ok(probe.title)
}

/// Invoice lines share their date, so the last parse is reused.
fn timestamp(text: &str, state: &mut State) -> std::result::Result<Timestamp, Problem> {
    if let Some(t) = state.last_timestamp {
        if state.last_date == text.as_bytes() {
            return Ok(t);
        }
    }
    let t = Timestamp::parse(text).map_err(|e| {
        let mut problem = Problem::domain(e);
        problem.field = Some("InvoiceDate".into());
        problem
    })?;
    state.last_date.clear();
    state.last_date.extend_from_slice(text.as_bytes());
    state.last_timestamp = Some(t);
    Ok(t)
}

#[cfg(test)]
mod tests;
