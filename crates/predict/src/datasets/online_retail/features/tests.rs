//! Customer features on hand-built transactions: exact values, labels, what may not leak in
//! from after the cutoff, and the errors for cutoffs the data cannot support.

use super::*;
use crate::gbdt::{Gbdt, GbdtConfig};
use crate::logistic::{LogisticConfig, LogisticRegression};

/// Day 0 is 2011-01-01 00:00.
fn day(days: f64) -> Timestamp {
    let start = Timestamp::date(2011, 1, 1).expect("valid date");
    Timestamp::from_minutes(start.minutes() + (days * 1440.0).round() as i64)
}

/// A line; a negative quantity makes it a cancellation.
fn line(
    customer: u32,
    invoice: u32,
    at: f64,
    stock: &str,
    quantity: i32,
    price: f64,
) -> Transaction {
    Transaction {
        invoice,
        cancellation: quantity < 0,
        stock_code: stock.to_string(),
        quantity,
        time: day(at),
        unit_price: price,
        customer,
        country: if customer == 2 { "Germany" } else { "United Kingdom" }.to_string(),
    }
}

/// Customer 1 buys three times and returns once; 2 buys once; 3 first buys after the cutoff
/// (day 50); 4 only returns. The data ends on day 90.
fn shop() -> Vec<Transaction> {
    vec![
        line(1, 100, 0.0, "X", 2, 3.0),
        line(1, 100, 0.0, "Y", 1, 4.0),
        line(1, 101, 10.0, "X", 5, 2.0),
        line(1, 102, 12.0, "X", -1, 2.0),
        line(1, 103, 40.0, "Z", 1, 20.0),
        line(2, 200, 45.5, "A", 3, 1.5),
        line(4, 400, 5.0, "X", -2, 3.0),
        line(3, 300, 55.0, "X", 1, 3.0),
        line(1, 104, 60.0, "Y", 1, 4.0),
        line(3, 301, 90.0, "X", 1, 3.0),
    ]
}

fn check(row: &[f32], expected: [f64; FEATURE_NAMES.len()]) {
    for ((name, &found), want) in FEATURE_NAMES.iter().zip(row).zip(expected) {
        let same = (found.is_nan() && want.is_nan()) || found == want as f32;
        assert!(same, "{name}: found {found}, expected {want}");
    }
}

#[test]
fn features_and_labels_are_exact() {
    let built = customer_features(&shop(), day(50.0), 30).unwrap();
    assert_eq!(built.customers, [1, 2]);
    assert_eq!(built.data.labels(), [true, false]);
    let x = built.data.x();
    assert_eq!(x.names(), FEATURE_NAMES);
    check(
        x.row(0),
        [
            10.0,       // last purchase on day 40
            3.0,        // invoices 100, 101, 103
            40.0,       // 10 + 10 + 20
            50.0,       // first purchase on day 0
            1.0,        // day 40 only
            3.0,        // all three
            40.0,       // all three
            20.0,       // 40 days over 2 gaps
            0.5,        // 10 / 20
            2.0,        // January and February
            3.0,        // X, Y, Z
            40.0 / 3.0, // per invoice
            9.0,        // 2 + 1 + 5 + 1
            0.05,       // 2 returned of 40
            1.0,        // invoice C102
            1.0,        // United Kingdom
        ],
    );
    check(
        x.row(1),
        [4.5, 1.0, 4.5, 4.5, 1.0, 1.0, 4.5, f64::NAN, f64::NAN, 1.0, 1.0, 4.5, 3.0, 0.0, 0.0, 0.0],
    );
    assert_eq!(built.churn().unwrap().labels(), [false, true]);
}

#[test]
fn transactions_on_or_after_the_cutoff_never_change_features() {
    let clean = customer_features(&shop(), day(50.0), 30).unwrap();
    let mut poisoned = shop();
    poisoned.extend([
        // Exactly at the cutoff: a big new purchase in another country, and a return.
        Transaction { country: "France".into(), ..line(1, 105, 50.0, "W", 100, 9.0) },
        line(1, 106, 50.0, "X", -5, 2.0),
        line(2, 201, 70.0, "B", 1, 1.0),
        line(5, 500, 50.0, "X", 1, 1.0),
        line(4, 401, 89.0, "X", 1, 1.0),
    ]);
    let dirty = customer_features(&poisoned, day(50.0), 30).unwrap();
    assert_eq!(dirty.customers, clean.customers);
    assert_eq!(dirty.data.x().values().len(), clean.data.x().values().len());
    for (a, b) in dirty.data.x().values().iter().zip(clean.data.x().values()) {
        assert!(a.to_bits() == b.to_bits(), "{a} vs {b}");
    }
    assert_eq!(dirty.data.labels(), [true, true]);
    let (customers, matrix) = customer_matrix(&poisoned, day(50.0)).unwrap();
    assert_eq!(customers, clean.customers);
    assert_eq!(matrix.values().len(), clean.data.x().values().len());
}

#[test]
fn line_order_does_not_matter() {
    let mut reversed = shop();
    reversed.reverse();
    let a = customer_features(&shop(), day(50.0), 30).unwrap();
    let b = customer_features(&reversed, day(50.0), 30).unwrap();
    assert_eq!(a.customers, b.customers);
    assert_eq!(format!("{:?}", a.data), format!("{:?}", b.data));
}

fn outside_data(cutoff: Timestamp, horizon_days: u32) -> String {
    match customer_features(&shop(), cutoff, horizon_days) {
        Err(e @ Error::OutsideData { .. }) => e.to_string(),
        other => panic!("expected an OutsideData error, got {other:?}"),
    }
}

#[test]
fn cutoffs_the_data_cannot_support_are_errors_naming_its_range() {
    let range = "the data runs from 2011-01-01 00:00 to 2011-04-01 00:00";
    for cutoff in [day(-3.0), day(0.0)] {
        let message = outside_data(cutoff, 30);
        assert!(message.contains("not after the first transaction"), "{message}");
        assert!(message.ends_with(range), "{message}");
    }
    let message = outside_data(day(61.0), 30);
    assert!(message.contains("ends at 2011-04-02 00:00"), "{message}");
    assert!(message.contains("no later than 2011-03-02 00:00"), "{message}");
    assert!(message.ends_with(range), "{message}");
    assert!(outside_data(day(200.0), 1).contains("after the last transaction"));
    // The window may end exactly at the last transaction.
    assert!(customer_features(&shop(), day(60.0), 30).is_ok());
    // Scoring needs no window, so a cutoff past the data is fine there.
    assert_eq!(customer_matrix(&shop(), day(200.0)).unwrap().0, [1, 2, 3]);
    assert!(matches!(
        customer_features(&shop(), day(50.0), 0),
        Err(Error::InvalidConfig { field: "horizon_days", .. })
    ));
    assert!(matches!(customer_features(&[], day(50.0), 30), Err(Error::Empty { .. })));
    // Before day 0.5 only customer 4's return exists: no one has purchase history.
    let mut only_return_first = shop();
    only_return_first.push(line(4, 402, -1.0, "X", -1, 3.0));
    assert!(matches!(
        customer_features(&only_return_first, day(-0.5), 30),
        Err(Error::Empty { .. })
    ));
}

#[test]
fn a_window_where_nobody_buys_is_a_clear_error_from_the_trainers() {
    // Between day 61 and day 89 nobody buys: every label is 0.
    let built = customer_features(&shop(), day(61.0), 28).unwrap();
    assert!(built.data.labels().iter().all(|&bought| !bought));
    let gbdt = Gbdt::fit(&GbdtConfig::default(), &built.data, None).unwrap_err();
    assert!(matches!(gbdt, Error::SingleClass { class: 0, .. }), "{gbdt}");
    let lr = LogisticRegression::fit(&LogisticConfig::default(), &built.data).unwrap_err();
    assert!(lr.to_string().contains("labels are 0"), "{lr}");
    let churn = built.churn().unwrap();
    let err = Gbdt::fit(&GbdtConfig::default(), &churn, None).unwrap_err();
    assert!(matches!(err, Error::SingleClass { class: 1, .. }), "{err}");
}
