//! The text as the parsers see it: one flat buffer of characters with byte offsets back into the
//! input, a folded copy for matching labels, and the line ranges.

/// Characters of the input with what the label matcher and the digit reader need.
pub(crate) struct Buf {
    /// The input's characters; `\r`, tabs and no-break spaces become plain spaces.
    pub(crate) raw: Vec<char>,
    /// [`fold`] of each character, for label matching.
    pub(crate) folded: Vec<char>,
    /// Byte offset in the input of each character, plus one past the end.
    pub(crate) offs: Vec<usize>,
    /// Character ranges `[start, end)` of each line, without the line break.
    pub(crate) lines: Vec<(usize, usize)>,
}

impl Buf {
    pub(crate) fn new(text: &str) -> Self {
        let n = text.len();
        let mut raw = Vec::with_capacity(n);
        let mut folded = Vec::with_capacity(n);
        let mut offs = Vec::with_capacity(n + 1);
        let mut lines = Vec::new();
        let mut line_start = 0;
        for (i, c) in text.char_indices() {
            let c = match c {
                '\r' | '\t' | '\u{a0}' | '\u{2007}' | '\u{202f}' => ' ',
                c => c,
            };
            if c == '\n' {
                lines.push((line_start, raw.len()));
                line_start = raw.len() + 1;
            }
            raw.push(c);
            folded.push(fold(c));
            offs.push(i);
        }
        offs.push(n);
        lines.push((line_start, raw.len()));
        Buf {
            raw,
            folded,
            offs,
            lines,
        }
    }

    /// The line holding character `pos`.
    pub(crate) fn line_of(&self, pos: usize) -> usize {
        match self.lines.binary_search_by(|&(s, _)| s.cmp(&pos)) {
            Ok(i) => i,
            Err(i) => i.saturating_sub(1),
        }
    }

    /// End (exclusive) of the line holding `pos`.
    pub(crate) fn line_end(&self, pos: usize) -> usize {
        self.lines
            .get(self.line_of(pos))
            .map_or(self.raw.len(), |&(_, e)| e)
    }

    /// The byte range in the input of characters `[start, end)`.
    pub(crate) fn span(&self, start: usize, end: usize) -> std::ops::Range<usize> {
        let last = self.offs.len() - 1;
        self.offs[start.min(last)]..self.offs[end.min(last)]
    }

    /// Whether the folded text at `pos` contains `word` (already folded).
    pub(crate) fn folded_has(&self, start: usize, end: usize, word: &str) -> bool {
        let w: Vec<char> = word.chars().collect();
        let hay = &self.folded[start.min(self.folded.len())..end.min(self.folded.len())];
        !w.is_empty() && hay.windows(w.len()).any(|win| win == w.as_slice())
    }
}

/// `char::is_alphabetic` with the Latin and Cyrillic blocks answered without the Unicode tables
/// (the parsers ask for every character).
pub(crate) fn is_letter(c: char) -> bool {
    c.is_ascii_alphabetic()
        || ('\u{400}'..='\u{4ff}').contains(&c)
            && c != '\u{482}'
            && !('\u{483}'..='\u{489}').contains(&c)
        || (!c.is_ascii() && !('\u{400}'..='\u{4ff}').contains(&c) && c.is_alphabetic())
}

/// Folds a character for label matching: upper case, Latin look-alikes to the Cyrillic letter
/// they imitate, digits OCR reads for letters (`0` for `О`, `3` for `З`…), `Ё` to `Е`.
pub(crate) fn fold(c: char) -> char {
    match c {
        'A' | 'a' => 'А',
        'B' => 'В',
        'b' => 'Б',
        'C' | 'c' => 'С',
        'E' | 'e' => 'Е',
        'H' | 'h' => 'Н',
        'K' | 'k' => 'К',
        'M' | 'm' => 'М',
        'O' | 'o' | '0' => 'О',
        'P' | 'p' => 'Р',
        'T' => 'Т',
        'X' | 'x' => 'Х',
        'Y' | 'y' => 'У',
        'n' => 'П',
        'u' => 'И',
        '3' => 'З',
        '6' => 'Б',
        '4' => 'Ч',
        '8' => 'В',
        'ё' | 'Ё' => 'Е',
        'а'..='я' => char::from_u32(c as u32 - 0x20).unwrap_or(c),
        ' ' | '\t' => ' ',
        c if c.is_ascii_lowercase() => c.to_ascii_uppercase(),
        c => c,
    }
}

/// The digit a character stands for inside a numeric field, and whether it was a letter OCR put
/// in its place.
pub(crate) fn digit_of(c: char) -> Option<(u8, bool)> {
    let d = match c {
        '0'..='9' => return Some((c as u8 - b'0', false)),
        'О' | 'о' | 'O' | 'o' => 0,
        'l' | 'I' | '|' | 'i' | '!' => 1,
        'Z' | 'z' => 2,
        'З' | 'з' => 3,
        'Ч' | 'ч' => 4,
        'S' | 's' => 5,
        'Б' | 'б' | 'b' | 'G' => 6,
        'В' | 'B' => 8,
        'g' | 'q' => 9,
        _ => return None,
    };
    Some((d, true))
}

/// Digits OCR of thermal print mistakes for one another. Only used where a check digit confirms
/// the one correction that fits.
pub(crate) const fn digit_confusions(d: u8) -> &'static [u8] {
    match d {
        0 => &[8, 6, 9],
        1 => &[7, 4],
        2 => &[7],
        3 => &[8, 9],
        4 => &[1],
        5 => &[6, 3],
        6 => &[5, 8, 0],
        7 => &[1, 2],
        8 => &[0, 3, 6, 9],
        9 => &[0, 8, 3],
        _ => &[],
    }
}

/// Up to 24 digits on the stack: the longest fiscal number (ЗН ККТ) has 20.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Digits {
    d: [u8; 24],
    len: usize,
}

impl Digits {
    pub(crate) const CAP: usize = 24;

    pub(crate) const fn new() -> Self {
        Digits { d: [0; 24], len: 0 }
    }

    pub(crate) fn push(&mut self, digit: u8) -> bool {
        if self.len == Self::CAP {
            return false;
        }
        self.d[self.len] = digit;
        self.len += 1;
        true
    }

    pub(crate) const fn len(&self) -> usize {
        self.len
    }

    pub(crate) fn as_slice(&self) -> &[u8] {
        &self.d[..self.len]
    }

    pub(crate) fn set(&mut self, i: usize, digit: u8) {
        if i < self.len {
            self.d[i] = digit;
        }
    }

    /// The value, ignoring leading zeros; `None` past `u64`.
    pub(crate) fn value(&self) -> Option<u64> {
        let mut n: u64 = 0;
        for &d in self.as_slice() {
            n = n.checked_mul(10)?.checked_add(u64::from(d))?;
        }
        Some(n)
    }

    pub(crate) fn to_string_lossy(self) -> String {
        self.as_slice()
            .iter()
            .map(|&d| char::from(b'0' + d))
            .collect()
    }

    #[cfg(test)]
    pub(crate) fn from_str_digits(s: &str) -> Option<Self> {
        let mut out = Digits::new();
        for b in s.bytes() {
            if !b.is_ascii_digit() || !out.push(b - b'0') {
                return None;
            }
        }
        Some(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folding_maps_look_alikes_to_cyrillic() {
        let f: String = "ИHH PH KKT ИТ0Г фн".chars().map(fold).collect();
        assert_eq!(f, "ИНН РН ККТ ИТОГ ФН");
    }

    #[test]
    fn fast_letter_test_agrees_with_unicode() {
        for c in ['a', 'Z', 'ж', 'Ё', 'ё', 'é', '1', ' ', '№', '\u{483}', '中'] {
            assert_eq!(is_letter(c), c.is_alphabetic(), "{c:?}");
        }
        for c in '\u{400}'..='\u{4ff}' {
            assert_eq!(is_letter(c), c.is_alphabetic(), "{c:?}");
        }
    }

    #[test]
    fn digits_stand_in_for_letters() {
        assert_eq!(digit_of('О'), Some((0, true)));
        assert_eq!(digit_of('З'), Some((3, true)));
        assert_eq!(digit_of('7'), Some((7, false)));
        assert_eq!(digit_of('Ж'), None);
    }

    #[test]
    fn lines_and_spans() {
        let b = Buf::new("ФН 1\r\nФД 2");
        assert_eq!(b.lines.len(), 2);
        assert_eq!(b.line_of(6), 1);
        assert_eq!(b.span(0, 2), 0..4);
    }
}
