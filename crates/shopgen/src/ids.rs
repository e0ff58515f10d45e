//! The generator's ids: "sku-000123", "u-000042", "e-17", "o-5", "r-9", "s-301".
//!
//! Not a general id scheme; these are the demo shop's, formatted by hand because event ids are
//! made ten million times and `format!` would be a sizeable share of the budget.

use aisle_domain::ExternalId;

/// `prefix` followed by `n`, zero-padded to at least `width` digits.
pub(crate) fn numbered_id(prefix: &str, n: u64, width: usize) -> ExternalId {
    let mut digits = [0u8; 20];
    let mut len = 0;
    let mut rest = n;
    loop {
        digits[len] = b'0' + (rest % 10) as u8;
        len += 1;
        rest /= 10;
        if rest == 0 {
            break;
        }
    }
    let mut text = String::with_capacity(prefix.len() + len.max(width));
    text.push_str(prefix);
    for _ in len..width {
        text.push('0');
    }
    for &d in digits[..len].iter().rev() {
        text.push(char::from(d));
    }
    // A short ASCII prefix and digits are always a valid id (non-empty, far under the length
    // limit, no control characters or spaces); every prefix is a literal of this crate.
    ExternalId::parse(text).expect("a literal prefix followed by digits is a valid id")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_padded_to_their_width() {
        assert_eq!(numbered_id("sku-", 123, 6).as_str(), "sku-000123");
        assert_eq!(numbered_id("u-", 42, 6).as_str(), "u-000042");
        assert_eq!(numbered_id("e-", 0, 0).as_str(), "e-0");
        assert_eq!(numbered_id("e-", 12_345_678, 0).as_str(), "e-12345678");
        assert_eq!(numbered_id("sku-", 1_234_567, 6).as_str(), "sku-1234567");
    }
}
