//! What a review's text is before it is read: markup taken out, entities decoded, control
//! characters and runs of spaces gone. Shops paste reviews from HTML pages and rich editors;
//! `<b>great</b> &amp; cheap` is read as `great & cheap`.

/// The longest text read, in characters. Longer texts are read up to here; what follows does
/// not change the result (a review is long past its point by then).
pub const MAX_READ_CHARS: usize = 100_000;

/// The readable text of `raw`: tags removed, common entities decoded, control characters
/// dropped, whitespace collapsed, cut at [`MAX_READ_CHARS`].
pub fn readable_text(raw: &str) -> String {
    let mut out = String::with_capacity(raw.len().min(MAX_READ_CHARS * 3));
    let mut chars = raw.char_indices().peekable();
    let mut count = 0usize;
    let mut pending_space = false;
    while let Some((at, c)) = chars.next() {
        if count >= MAX_READ_CHARS {
            break;
        }
        let piece = match c {
            '<' if starts_tag(&raw[at + 1..]) => {
                // Skip to the tag's end; a tag is a word break (`a<br>b` is two words).
                for (_, t) in chars.by_ref() {
                    if t == '>' {
                        break;
                    }
                }
                pending_space = !out.is_empty();
                continue;
            }
            '&' => match decode_entity(&raw[at..]) {
                Some((decoded, len)) => {
                    while chars.peek().is_some_and(|(next, _)| *next < at + len) {
                        chars.next();
                    }
                    decoded
                }
                None => '&',
            },
            other => other,
        };
        if piece.is_whitespace() || piece.is_control() || piece == '\u{feff}' {
            pending_space = !out.is_empty();
            continue;
        }
        if pending_space {
            out.push(' ');
            count += 1;
            pending_space = false;
        }
        out.push(piece);
        count += 1;
    }
    out
}

/// Whether the text after a `<` looks like the inside of a tag (`b>`, `/p>`, `br/>`, `!--`),
/// so that a bare "<" in "price < 10" stays.
fn starts_tag(rest: &str) -> bool {
    let mut chars = rest.chars();
    let first = chars.next();
    let opens = match first {
        Some('/') | Some('!') => true,
        Some(c) => c.is_ascii_alphabetic(),
        None => false,
    };
    opens && prefix(rest, 400).contains('>')
}

/// At most the first `bytes` bytes of `text`, cut back to a character boundary.
fn prefix(text: &str, bytes: usize) -> &str {
    let mut end = text.len().min(bytes);
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    &text[..end]
}

/// The character an entity at the start of `text` stands for, and the entity's length in bytes.
fn decode_entity(text: &str) -> Option<(char, usize)> {
    let end = prefix(text, 12).find(';')?;
    let name = &text[1..end];
    let decoded = match name {
        "amp" => '&',
        "lt" => '<',
        "gt" => '>',
        "quot" => '"',
        "apos" => '\'',
        "nbsp" => ' ',
        _ => {
            let number = name.strip_prefix('#')?;
            let code = match number.strip_prefix(['x', 'X']) {
                Some(hex) => u32::from_str_radix(hex, 16).ok()?,
                None => number.parse().ok()?,
            };
            char::from_u32(code)?
        }
    };
    Some((decoded, end + 1))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(raw: &str, expected: &str) {
        assert_eq!(readable_text(raw), expected, "{raw:?}");
    }

    #[test]
    fn markup_and_entities_become_plain_text() {
        check("<b>great</b> &amp; cheap", "great & cheap");
        check("<p>Love it!</p><p>Fits well</p>", "Love it! Fits well");
        check("line<br/>break", "line break");
        check("price < 10 &#39;ok&#x27;", "price < 10 'ok'");
        check("&bogus; &", "&bogus; &");
        check("<!-- hidden -->shown", "shown");
        // Regression: an ampersand before wide characters once cut a character in two.
        check("&凌悠扬，一个", "&凌悠扬，一个");
        check("<凌悠扬，一个", "<凌悠扬，一个");
    }

    #[test]
    fn control_characters_and_space_runs_go() {
        check("  a\t\tb\r\n c\u{0}d\u{feff} ", "a b c d");
        check("", "");
        check("很好\u{3000}用", "很好 用");
    }

    #[test]
    fn very_long_texts_are_cut() {
        let long = "好".repeat(MAX_READ_CHARS + 50);
        assert_eq!(readable_text(&long).chars().count(), MAX_READ_CHARS);
    }
}
