//! Reading the value after a label: digits (with letters OCR put in their place), joined across
//! the spaces and line breaks OCR inserts, and amounts in roubles.

use super::chars::{Buf, Digits, digit_of};

/// Characters between a label and its value.
fn is_value_sep(c: char) -> bool {
    matches!(
        c,
        ' ' | ':' | ';' | '№' | '#' | '=' | '.' | '-' | '_' | '*' | 'º' | '°' | '/'
    )
}

/// Characters that may follow a value: anything else means the value is damaged.
fn ends_cleanly(buf: &Buf, q: usize, bound: usize) -> bool {
    if q >= bound || q >= buf.raw.len() {
        return true;
    }
    let c = buf.raw[q];
    if matches!(c, '.' | ',') {
        // `41110.` is fine, `411.10` is not a counter.
        return buf
            .raw
            .get(q + 1)
            .is_none_or(|&n| digit_of(n).is_none_or(|(_, letter)| letter));
    }
    c == ' ' || c == '\n' || c == ')' || c == ';' || c == '₽' || c.is_alphabetic()
}

/// Skips from the end of a label to its value. `next_line`: the value may sit on the next line
/// when nothing follows the label on its own. Returns the value's start and whether it moved.
pub(crate) fn skip_to_value(
    buf: &Buf,
    mut p: usize,
    bound: usize,
    next_line: bool,
) -> Option<(usize, bool)> {
    let raw = &buf.raw;
    let mut moved = false;
    let mut steps = 0;
    while p < bound && steps < 32 {
        steps += 1;
        let c = raw[p];
        if is_value_sep(c) {
            p += 1;
        } else if matches!(c, 'N' | 'n')
            && raw.get(p + 1).is_some_and(|&n| {
                matches!(n, 'o' | 'о' | 'O' | 'º' | '°' | '.' | ':' | ' ') || n.is_ascii_digit()
            })
        {
            // `№` read as `N`, `No`, `Nº`.
            p += 1;
            if raw
                .get(p)
                .is_some_and(|&n| matches!(n, 'o' | 'о' | 'O' | 'º' | '°'))
            {
                p += 1;
            }
        } else if c == '\n' && next_line && !moved {
            p += 1;
            moved = true;
        } else {
            break;
        }
    }
    // `ФД: *5383`, `ИТОГ _831.48`: a mark glued to the digits is a digit OCR could not read.
    if p > 0 && p < raw.len() && matches!(raw[p - 1], '*' | '_') && digit_of(raw[p]).is_some() {
        return None;
    }
    (p < bound && p < raw.len() && raw[p] != '\n').then_some((p, moved))
}

/// A run of digits read from the text.
#[derive(Debug, Clone, Copy)]
pub(crate) struct DigitTok {
    pub(crate) digits: Digits,
    pub(crate) start: usize,
    pub(crate) end: usize,
    /// Letters read as digits.
    pub(crate) letters: usize,
    /// Joined across spaces or a line break.
    pub(crate) joined: bool,
    /// Followed by a separator, not by damage.
    pub(crate) clean: bool,
}

impl DigitTok {
    /// Enough real digits for letter repairs to be safe.
    pub(crate) fn plausible(&self) -> bool {
        let n = self.digits.len();
        n > 0 && self.letters * 2 <= n && self.clean
    }
}

/// Reads digits from `p`, joining groups split by spaces (or a line break when `join_lines`)
/// while fewer than `min_len` digits are read.
pub(crate) fn read_digits(
    buf: &Buf,
    p: usize,
    bound: usize,
    min_len: usize,
    join_lines: bool,
) -> DigitTok {
    let raw = &buf.raw;
    let bound = bound.min(raw.len());
    let mut t = DigitTok {
        digits: Digits::new(),
        start: p,
        end: p,
        letters: 0,
        joined: false,
        clean: true,
    };
    let mut q = p;
    let mut overflow = false;
    loop {
        let group_start = q;
        while q < bound {
            let Some((d, letter)) = digit_of(raw[q]) else {
                break;
            };
            if !t.digits.push(d) {
                overflow = true;
                break;
            }
            t.letters += usize::from(letter);
            q += 1;
        }
        if q == group_start || overflow {
            break;
        }
        t.end = q;
        if t.digits.len() >= min_len {
            break;
        }
        let mut r = q;
        let mut spaces = 0;
        while r < bound && raw[r] == ' ' && spaces < 3 {
            r += 1;
            spaces += 1;
        }
        if join_lines && r < bound && raw[r] == '\n' {
            r += 1;
            while r < bound && raw[r] == ' ' {
                r += 1;
            }
        }
        // A split group starts with a digit, or a letter read for one right before a digit;
        // anything else is a word.
        let group_follows = r < bound
            && (raw[r].is_ascii_digit()
                || (digit_of(raw[r]).is_some()
                    && raw.get(r + 1).is_some_and(char::is_ascii_digit)));
        if r > q && group_follows {
            t.joined = true;
            q = r;
        } else {
            break;
        }
    }
    // Letters read as digits at the end of a word are the word's, not the number's.
    while t.end > t.start
        && t.end < raw.len()
        && raw[t.end].is_alphabetic()
        && digit_of(raw[t.end - 1]).is_some_and(|(_, l)| l)
    {
        t.end -= 1;
        t.letters -= 1;
        let mut d = Digits::new();
        for &x in &t.digits.as_slice()[..t.digits.len() - 1] {
            d.push(x);
        }
        t.digits = d;
    }
    t.clean = !overflow && ends_cleanly(buf, t.end, bound);
    t
}

/// An amount in roubles read from the text.
#[derive(Debug, Clone, Copy)]
pub(crate) struct AmountTok {
    pub(crate) kopecks: i64,
    pub(crate) start: usize,
    pub(crate) end: usize,
    pub(crate) letters: usize,
    /// No decimal separator: the last two digits were taken as kopecks.
    pub(crate) separator_assumed: bool,
}

/// Reads `1 285.21`, `460,00`, `=46О.ОО`. `None` when the text there is no clean amount.
pub(crate) fn read_amount(buf: &Buf, p: usize, bound: usize) -> Option<AmountTok> {
    let raw = &buf.raw;
    let bound = bound.min(raw.len());
    let mut q = p;
    let mut int = Digits::new();
    let mut letters = 0;
    let take = |q: &mut usize, out: &mut Digits, letters: &mut usize| -> bool {
        match raw.get(*q).and_then(|&c| digit_of(c)) {
            Some((d, l)) if *q < bound && out.push(d) => {
                *letters += usize::from(l);
                *q += 1;
                true
            }
            _ => false,
        }
    };
    // The integer part may carry thousands separated by one space: `1 285.21`.
    if !raw
        .get(q)
        .is_some_and(|c| c.is_ascii_digit() || digit_of(*c).is_some())
    {
        return None;
    }
    loop {
        while take(&mut q, &mut int, &mut letters) {}
        let three_follow = q + 4 <= bound
            && raw[q] == ' '
            && raw[q + 1..q + 4].iter().all(|c| c.is_ascii_digit())
            && raw
                .get(q + 4)
                .is_none_or(|c| matches!(c, '.' | ',' | ' ' | '\n'));
        if three_follow && int.len() <= 3 {
            q += 1;
        } else {
            break;
        }
    }
    if int.len() == 0 || int.len() > 11 {
        return None;
    }
    let mut frac = Digits::new();
    let mut has_sep = false;
    if q + 1 < bound && matches!(raw[q], '.' | ',') && digit_of(raw[q + 1]).is_some() {
        has_sep = true;
        q += 1;
        while take(&mut q, &mut frac, &mut letters) {}
    }
    if letters * 2 > int.len() + frac.len() + 1 {
        return None;
    }
    let clean = q >= bound
        || matches!(raw[q], ' ' | '\n' | '₽' | '=' | ')' | ';')
        || raw[q].is_alphabetic();
    if !clean {
        return None;
    }
    let int_v = i64::try_from(int.value()?).ok()?;
    let (kopecks, separator_assumed) = if has_sep {
        match frac.len() {
            2 => (int_v * 100 + i64::try_from(frac.value()?).ok()?, false),
            1 => (int_v * 100 + i64::try_from(frac.value()?).ok()? * 10, false),
            _ => return None,
        }
    } else if int.len() >= 3 {
        (int_v, true)
    } else {
        return None;
    };
    Some(AmountTok {
        kopecks,
        start: p,
        end: q,
        letters,
        separator_assumed,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn digits(s: &str, min: usize) -> (String, bool, bool) {
        let b = Buf::new(s);
        let t = read_digits(&b, 0, b.raw.len(), min, true);
        (t.digits.to_string_lossy(), t.joined, t.plausible())
    }

    #[test]
    fn digits_with_repairs_and_joins() {
        assert_eq!(digits("77256998O8", 10), ("7725699808".into(), false, true));
        assert_eq!(
            digits("73804407 00076549", 16),
            ("7380440700076549".into(), true, true)
        );
        assert_eq!(
            digits("73804407\n00076549", 16),
            ("7380440700076549".into(), true, true)
        );
        assert!(!digits("41?10", 1).2);
        assert_eq!(digits("41110Вася", 1).0, "41110");
        assert!(!digits("OOOO1", 1).2);
    }

    fn amount(s: &str) -> Option<(i64, bool)> {
        let b = Buf::new(s);
        read_amount(&b, 0, b.raw.len()).map(|a| (a.kopecks, a.separator_assumed))
    }

    #[test]
    fn amounts() {
        assert_eq!(amount("460.00"), Some((46000, false)));
        assert_eq!(amount("1 285,21"), Some((128521, false)));
        assert_eq!(amount("46О.ОО"), Some((46000, false)));
        assert_eq!(amount("46000"), Some((46000, true)));
        assert_eq!(amount("4?0.00"), None);
        assert_eq!(amount("0.532"), None);
    }
}
