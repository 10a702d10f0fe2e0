//! Folding item names so that marketers' keywords match what cash registers print.
//!
//! Receipts print the same product as «Тетрадь», «ТЕТРАДЬ», «Тетрадь» with a Latin `Т`, or
//! «Тетрадь ё»; keywords must match all of them. Folding maps every character to one byte of a
//! small alphabet: digits and Latin letters stay ASCII, Cyrillic letters become `0xC0 + index`,
//! Latin letters that look like Cyrillic ones become those, `ё` becomes `е`, anything else is a
//! single space. One byte per character keeps matching allocation-free and fast.

/// Longest folded name considered; fiscal item names are at most 128 characters (tag 1030).
pub(crate) const MAX_FOLDED: usize = 256;

const SPACE: u8 = b' ';

/// Cyrillic `а` in the folded alphabet; `я` is `CYR + 31`.
const CYR: u8 = 0xC0;

fn cyr(c: char) -> u8 {
    // Only called for а..я.
    CYR + (c as u32 - 'а' as u32) as u8
}

/// The folded byte of one character, or `SPACE` for separators.
fn fold_char(c: char) -> u8 {
    match c {
        '0'..='9' => c as u8,
        'A'..='Z' | 'a'..='z' => match c.to_ascii_lowercase() {
            // Latin letters printed in place of Cyrillic ones (same glyph in upper case).
            'a' => cyr('а'),
            'b' => cyr('в'),
            'c' => cyr('с'),
            'e' => cyr('е'),
            'h' => cyr('н'),
            'k' => cyr('к'),
            'm' => cyr('м'),
            'o' => cyr('о'),
            'p' => cyr('р'),
            't' => cyr('т'),
            'x' => cyr('х'),
            'y' => cyr('у'),
            l => l as u8,
        },
        'а'..='я' => cyr(c),
        'А'..='Я' => CYR + (c as u32 - 'А' as u32) as u8,
        'ё' | 'Ё' => cyr('е'),
        _ if c.is_alphanumeric() => 0xFE,
        _ => SPACE,
    }
}

/// Folds `s` into `out` (cleared first): lower case, ё=е, look-alikes folded, runs of
/// separators collapsed to one space, no leading or trailing space. Stops at [`MAX_FOLDED`].
pub(crate) fn fold_into(s: &str, out: &mut Vec<u8>) {
    out.clear();
    let mut pending_space = false;
    for c in s.chars() {
        let b = fold_char(c);
        if b == SPACE {
            pending_space = !out.is_empty();
            continue;
        }
        if pending_space {
            out.push(SPACE);
            pending_space = false;
        }
        out.push(b);
        if out.len() >= MAX_FOLDED {
            break;
        }
    }
}

/// Folds into a new vector.
pub(crate) fn fold(s: &str) -> Vec<u8> {
    let mut v = Vec::with_capacity(s.len());
    fold_into(s, &mut v);
    v
}

/// Whether `needle` occurs in `hay` at or after `from`; returns the end of the first match.
pub(crate) fn find_from(hay: &[u8], needle: &[u8], from: usize) -> Option<usize> {
    if needle.is_empty() {
        return Some(from);
    }
    let first = needle[0];
    let rest = &needle[1..];
    let last_start = hay.len().checked_sub(needle.len())?;
    let mut i = from;
    while i <= last_start {
        if hay[i] == first && hay[i + 1..i + needle.len()] == *rest {
            return Some(i + needle.len());
        }
        i += 1;
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn case_yo_and_lookalikes_fold_together() {
        let a = fold("ТЕТРАДЬ  48л. «Ёжик»");
        assert_eq!(a, fold("тетрадь 48л ежик"));
        // Latin Т, Е, Р, А, Х, О, С, Н, К, М, В, У in place of Cyrillic.
        assert_eq!(fold("TETPAДЬ"), fold("тетрадь"));
        assert_eq!(fold("MOXHATKA CУBEHИP"), fold("мохнатка сувенир"));
        assert_ne!(fold("ручка"), fold("рачка"));
    }

    #[test]
    fn separators_collapse_and_trim() {
        assert_eq!(fold("  a--b  "), vec![cyr('а'), SPACE, cyr('в')]);
        assert!(fold(" ,.!").is_empty());
    }

    #[test]
    fn long_names_are_bounded() {
        let s = "я".repeat(10_000);
        assert_eq!(fold(&s).len(), MAX_FOLDED);
    }

    #[test]
    fn find_from_finds_in_order() {
        let h = fold("тетрадь 48 листов клетка");
        assert!(find_from(&h, &fold("48 лист"), 0).is_some());
        let end = find_from(&h, &fold("тетрадь"), 0);
        assert!(end.is_some());
        assert!(find_from(&h, &fold("тетрадь"), end.unwrap_or(0)).is_none());
        assert!(find_from(b"ab", b"abc", 0).is_none());
    }
}
