//! Folding: the forms of a character that a shopper means as the same (full-width Ｎｉｋｅ and
//! ２００, upper and lower case, é and e) become one.

/// The folded form of one character: full-width ASCII to ASCII, the ideographic space to a space,
/// lower case, and common Latin accents dropped. A character folds to exactly one character, so
/// folded text can be mapped back to the original character by character.
pub fn fold_char(c: char) -> char {
    let c = match c as u32 {
        0xFF01..=0xFF5E => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
        0x3000 => ' ',
        _ => c,
    };
    if c.is_ascii() {
        return c.to_ascii_lowercase();
    }
    let lower = c.to_lowercase().next().unwrap_or(c);
    strip_accent(lower)
}

/// The folded form of a whole text (see [`fold_char`]).
pub fn fold(text: &str) -> String {
    text.chars().map(fold_char).collect()
}

fn strip_accent(c: char) -> char {
    match c {
        'à' | 'á' | 'â' | 'ã' | 'ä' | 'å' | 'ā' => 'a',
        'ç' | 'č' => 'c',
        'è' | 'é' | 'ê' | 'ë' | 'ē' | 'ě' => 'e',
        'ì' | 'í' | 'î' | 'ï' | 'ī' => 'i',
        'ñ' | 'ň' => 'n',
        'ò' | 'ó' | 'ô' | 'õ' | 'ö' | 'ø' | 'ō' => 'o',
        'ù' | 'ú' | 'û' | 'ü' | 'ū' => 'u',
        'ý' | 'ÿ' => 'y',
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn width_case_and_accents_fold() {
        assert_eq!(fold("Ｎｉｋｅ　２００元"), "nike 200元");
        assert_eq!(fold("Café CRÈME"), "cafe creme");
        assert_eq!(fold("跑步鞋"), "跑步鞋");
    }
}
