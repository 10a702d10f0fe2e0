//! Dates and times as receipts print them (`19.07.24 13:14`, `19.07.2024 13:14`) and as shoppers
//! type them (`2024-07-19`, `19/07/24`, `13.14`).

use chrono::{NaiveDate, NaiveDateTime, NaiveTime};

use super::chars::{Buf, digit_of};

/// Up to `max` digit characters from `q`; (value, count, letters read as digits).
fn group(raw: &[char], q: &mut usize, end: usize, max: usize) -> (u32, usize, usize) {
    let (mut v, mut n, mut letters) = (0u32, 0, 0);
    while *q < end && n < max {
        let Some((d, l)) = digit_of(raw[*q]) else {
            break;
        };
        v = v * 10 + u32::from(d);
        n += 1;
        letters += usize::from(l);
        *q += 1;
    }
    (v, n, letters)
}

fn is_digit_at(raw: &[char], q: usize) -> bool {
    raw.get(q).is_some_and(char::is_ascii_digit)
}

/// A date or time starts a word: `?1.09.2026` is a damaged date, not the 1st.
fn starts_word(raw: &[char], p: usize) -> bool {
    p == 0 || raw[p - 1].is_whitespace() || matches!(raw[p - 1], ':' | '=' | '(' | ',')
}

/// …and ends one.
fn ends_word(raw: &[char], q: usize) -> bool {
    raw.get(q).is_none_or(|&c| {
        c.is_whitespace() || c.is_alphabetic() || matches!(c, ',' | ';' | ')' | '.')
    })
}

/// A date found at `[start, end)`.
#[derive(Debug, Clone, Copy)]
pub(crate) struct DateHit {
    pub(crate) date: NaiveDate,
    pub(crate) start: usize,
    pub(crate) end: usize,
    pub(crate) letters: usize,
}

/// A date starting at `p`: `dd.mm.yy`, `dd.mm.yyyy` (separators `.`, `,`, `/`, `-`) or
/// `yyyy-mm-dd`. Two-digit years are 20yy.
pub(crate) fn date_at(buf: &Buf, p: usize, end: usize) -> Option<DateHit> {
    let raw = &buf.raw;
    if !is_digit_at(raw, p) || !starts_word(raw, p) {
        return None;
    }
    let is_sep = |c: char| matches!(c, '.' | ',' | '/' | '-');
    let mut q = p;
    let (a, an, al) = group(raw, &mut q, end, 4);
    if q >= end || !is_sep(raw[q]) {
        return None;
    }
    q += 1;
    let (b, bn, bl) = group(raw, &mut q, end, 2);
    if bn == 0 || q >= end || !is_sep(raw[q]) {
        return None;
    }
    q += 1;
    let (c, cn, cl) = group(raw, &mut q, end, 4);
    if !ends_word(raw, q) {
        return None;
    }
    let (y, m, d) = match (an, cn) {
        (1 | 2, 2) => (2000 + c as i32, b, a),
        (1 | 2, 4) => (c as i32, b, a),
        (4, 1 | 2) => (a as i32, b, c),
        _ => return None,
    };
    if !(2000..=2099).contains(&y) {
        return None;
    }
    let letters = al + bl + cl;
    if letters * 2 > an + bn + cn {
        return None;
    }
    Some(DateHit {
        date: NaiveDate::from_ymd_opt(y, m, d)?,
        start: p,
        end: q,
        letters,
    })
}

/// A time starting at `p`: `HH:MM`, `HH:MM:SS`; with `loose`, also `HH.MM` and `HH;MM`.
pub(crate) fn time_at(
    buf: &Buf,
    p: usize,
    end: usize,
    loose: bool,
) -> Option<(NaiveTime, usize, usize)> {
    let raw = &buf.raw;
    if !is_digit_at(raw, p) || !starts_word(raw, p) {
        return None;
    }
    let is_sep = |c: char| c == ':' || (loose && matches!(c, '.' | ';' | ','));
    let mut q = p;
    let (h, hn, hl) = group(raw, &mut q, end, 2);
    if hn == 0 || q >= end || !is_sep(raw[q]) {
        return None;
    }
    q += 1;
    let (m, mn, ml) = group(raw, &mut q, end, 2);
    if mn != 2 {
        return None;
    }
    let mut s = 0;
    let mut letters = hl + ml;
    if q + 2 < end && is_sep(raw[q]) && is_digit_at(raw, q + 1) {
        let mut r = q + 1;
        let (sv, sn, sl) = group(raw, &mut r, end, 2);
        if sn == 2 {
            s = sv;
            letters += sl;
            q = r;
        }
    }
    if !ends_word(raw, q) {
        return None;
    }
    if letters > 1 {
        return None;
    }
    Some((NaiveTime::from_hms_opt(h, m, s)?, q, letters))
}

/// A date with its time: the time follows on the same line (after at most a short word such as
/// `Время`) or starts the next line.
#[derive(Debug, Clone, Copy)]
pub(crate) struct DateTimeHit {
    pub(crate) at: NaiveDateTime,
    pub(crate) start: usize,
    pub(crate) end: usize,
    pub(crate) letters: usize,
    pub(crate) next_line: bool,
}

/// Looks for the time after a date ending at `p`.
fn time_after(buf: &Buf, p: usize) -> Option<(NaiveTime, usize, usize, bool)> {
    let raw = &buf.raw;
    let mut q = p;
    let mut next_line = false;
    let mut skipped = 0;
    while q < raw.len() && skipped < 16 {
        let c = raw[q];
        if c == '\n' {
            if next_line {
                return None;
            }
            next_line = true;
        } else if c.is_ascii_digit() {
            break;
        } else if !(c == ' ' || c.is_alphabetic() || matches!(c, ':' | '.' | ',')) {
            return None;
        }
        q += 1;
        skipped += 1;
    }
    let end = buf.line_end(q);
    time_at(buf, q, end, !next_line).map(|(t, e, l)| (t, e, l, next_line))
}

/// Every date in the text, with its time when one follows.
pub(crate) fn find_datetimes(buf: &Buf) -> (Vec<DateTimeHit>, Vec<DateHit>) {
    let mut with_time = Vec::new();
    let mut bare = Vec::new();
    let raw = &buf.raw;
    let mut i = 0;
    while i < raw.len() {
        if !raw[i].is_ascii_digit() {
            i += 1;
            continue;
        }
        let end = buf.line_end(i);
        match date_at(buf, i, end) {
            Some(d) => {
                match time_after(buf, d.end) {
                    Some((t, e, l, nl)) => with_time.push(DateTimeHit {
                        at: d.date.and_time(t),
                        start: d.start,
                        end: e,
                        letters: d.letters + l,
                        next_line: nl,
                    }),
                    None => bare.push(d),
                }
                i = d.end;
            }
            None => {
                while i < raw.len() && raw[i].is_ascii_digit() {
                    i += 1;
                }
            }
        }
    }
    (with_time, bare)
}

/// A time alone (`Время 13:14`), for a date printed without one.
pub(crate) fn find_bare_time(buf: &Buf) -> Option<(NaiveTime, usize, usize)> {
    let raw = &buf.raw;
    (0..raw.len())
        .filter(|&i| raw[i].is_ascii_digit())
        .find_map(|i| {
            let end = buf.line_end(i);
            time_at(buf, i, end, false).map(|(t, e, _)| (t, i, e))
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dt(s: &str) -> Option<String> {
        let b = Buf::new(s);
        find_datetimes(&b).0.first().map(|h| h.at.to_string())
    }

    #[test]
    fn layouts() {
        assert_eq!(
            dt("ПРИХОД 19.07.24 13:14").as_deref(),
            Some("2024-07-19 13:14:00")
        );
        assert_eq!(
            dt("19.07.2024 13:14").as_deref(),
            Some("2024-07-19 13:14:00")
        );
        assert_eq!(
            dt("Дата 19.07.24 Время 13:14").as_deref(),
            Some("2024-07-19 13:14:00")
        );
        assert_eq!(
            dt("19.07.24\n13:14").as_deref(),
            Some("2024-07-19 13:14:00")
        );
        assert_eq!(dt("19,07.24 13.14").as_deref(), Some("2024-07-19 13:14:00"));
        assert_eq!(
            dt("2024-07-19 13:14:05").as_deref(),
            Some("2024-07-19 13:14:05")
        );
        assert_eq!(dt("31.02.24 13:14"), None);
        assert_eq!(dt("80.00*1 =80.00"), None);
    }
}
