//! `parse_manual_entry`: what a shopper types in a chat, fields in any order, with or without
//! labels.

use super::chars::{Buf, digit_of};
use super::datetime::{date_at, time_at};
use super::{Found, Refusal, Repair, TextField, TextReading};
use crate::fiscal::{Channel, FiscalQr, FnNumber, Operation};

/// The longest manual entry read; a typed receipt is a line or two.
pub const MAX_MANUAL_BYTES: usize = 4096;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Label {
    Fn,
    Fd,
    Fp,
    Total,
    Date,
    Time,
    OpCode,
}

fn label_of(word: &str) -> Option<Label> {
    let w = word.to_lowercase();
    let w = w.trim_end_matches([':', '=', '№', '#', '.', '-']);
    Some(match w {
        "фн" | "fn" | "фн№" => Label::Fn,
        "фд" | "fd" | "i" | "фд№" | "фд#" => Label::Fd,
        "фп" | "фпд" | "fp" | "fpd" | "фп№" => Label::Fp,
        "сумма" | "итог" | "итого" | "s" | "sum" | "на" => Label::Total,
        "дата" | "t" | "date" => Label::Date,
        "время" | "time" => Label::Time,
        "n" => Label::OpCode,
        _ => return None,
    })
}

/// A word of the entry: characters `[start, end)`.
#[derive(Debug, Clone, Copy)]
struct Word {
    start: usize,
    end: usize,
}

fn words(buf: &Buf) -> Vec<Word> {
    let raw = &buf.raw;
    let mut out = Vec::new();
    let mut i = 0;
    let sep = |c: char| matches!(c, ' ' | '\n' | ';' | '&' | '|' | '=');
    while i < raw.len() && out.len() < 256 {
        while i < raw.len() && sep(raw[i]) {
            i += 1;
        }
        let s = i;
        while i < raw.len() && !sep(raw[i]) {
            i += 1;
        }
        let mut e = i;
        while e > s && matches!(raw[e - 1], ',' | '.' | ':') {
            e -= 1;
        }
        if e > s {
            // `фн:9289…`, `фд12345`: a label glued to its value.
            let split = (s + 1..e).find(|&k| {
                raw[k].is_ascii_digit() && raw[k - 1].is_alphabetic()
                    || raw[k - 1] == ':' && raw[k].is_ascii_digit()
            });
            match split {
                Some(k) if label_of(&raw[s..k].iter().collect::<String>()).is_some() => {
                    out.push(Word { start: s, end: k });
                    out.push(Word { start: k, end: e });
                }
                _ => out.push(Word { start: s, end: e }),
            }
        }
    }
    merge_thousands(&buf.raw, out)
}

/// `1 500,00`: thousands typed with a space are one amount, when the kopecks say it is money.
fn merge_thousands(raw: &[char], words: Vec<Word>) -> Vec<Word> {
    let mut out: Vec<Word> = Vec::with_capacity(words.len());
    for w in words {
        let text = &raw[w.start..w.end];
        let is_amount_tail = text.len() >= 5
            && text[..3].iter().all(char::is_ascii_digit)
            && matches!(text[3], '.' | ',')
            && text[4].is_ascii_digit();
        if let Some(prev) = out.last_mut() {
            let head = &raw[prev.start..prev.end];
            if is_amount_tail
                && (1..=3).contains(&head.len())
                && head.iter().all(char::is_ascii_digit)
                && raw[prev.end..w.start].iter().all(|&c| c == ' ')
            {
                prev.end = w.end;
                continue;
            }
        }
        out.push(w);
    }
    out
}

#[derive(Debug, Clone)]
enum Value {
    Int { digits: String, letters: bool },
    Amount(i64),
    Date(chrono::NaiveDate),
    Time(chrono::NaiveTime),
    DateTime(chrono::NaiveDateTime),
    Word,
}

fn value_of(buf: &Buf, w: Word) -> Value {
    let raw = &buf.raw[w.start..w.end];
    let text: String = raw.iter().collect();
    if let Some(d) = date_at(buf, w.start, w.end)
        && d.end == w.end
    {
        return Value::Date(d.date);
    }
    if let Some((t, e, _)) = time_at(buf, w.start, w.end, false)
        && e == w.end
    {
        return Value::Time(t);
    }
    // The QR's own form of `t`: 20210315T1234.
    if raw.len() >= 13 && raw.len() <= 15 && matches!(raw[8], 'T' | 't') {
        let q = format!("t={text}&s=0&fn=0000000000000000&i=1&fp=1&n=1");
        if let Ok(qr) = FiscalQr::parse(&q) {
            return Value::DateTime(qr.datetime);
        }
    }
    let lower = text.to_lowercase();
    let num = lower
        .trim_end_matches(['₽', '.'])
        .trim_end_matches("руб")
        .trim_end_matches("р");
    let roubles = num.len() < lower.len();
    if (num.contains(['.', ',']) || roubles)
        && let Some(k) = crate::fiscal::parse_roubles(&num.replace(' ', ""))
    {
        return Value::Amount(k);
    }
    let mut digits = String::new();
    let mut letters = 0;
    for c in raw {
        match digit_of(*c) {
            Some((d, l)) => {
                digits.push(char::from(b'0' + d));
                letters += usize::from(l);
            }
            None => return Value::Word,
        }
    }
    if letters * 3 > digits.len() || digits.len() > 20 {
        return Value::Word;
    }
    Value::Int {
        digits,
        letters: letters > 0,
    }
}

/// Reads a receipt typed by a shopper: «фн 9289000100123456 фд 12345 фп 1234567890 15.03.21
/// 12:34 1500,00». Fields may come in any order, with or without labels (`фн`, `фд`, `фп`/`фпд`,
/// `сумма`/`итог`, `дата`, `время`, or the QR's `fn`, `i`, `fp`, `s`, `t`, `n`), with commas or
/// dots, with 2- or 4-digit years; a pasted QR payload works too. Unlabelled numbers are told
/// apart by shape (16 digits is ФН; of two counters the longer is ФП), and readings that rest on
/// a guess are marked doubtful. The operation is assumed to be a sale unless said.
///
/// ```
/// use chek_core::text::{parse_manual_entry, FieldProblem, TextField};
/// let r = parse_manual_entry("фн 9289000100123456 фд 12345 фп 1234567890 15.03.21 12:34 1500,00");
/// let c = r.to_candidate()?;
/// assert_eq!(c.qr.to_string(), "t=20210315T1234&s=1500.00&fn=9289000100123456&i=12345&fp=1234567890&n=1");
///
/// let r = parse_manual_entry("9289000100123456 1500.00 15.03.2021 12:34 123456789 12345678");
/// assert!(r.problems().contains(&FieldProblem::Doubtful(TextField::Fp)));
/// # Ok::<(), chek_core::text::TextError>(())
/// ```
pub fn parse_manual_entry(text: &str) -> TextReading {
    let mut r = TextReading::empty(Channel::Manual);
    if text.len() > MAX_MANUAL_BYTES {
        r.refused = Some(Refusal::TooLong { len: text.len() });
        return r;
    }
    if text.trim().is_empty() {
        r.refused = Some(Refusal::Empty);
        return r;
    }
    if let Ok(qr) = FiscalQr::parse(text) {
        fill_from_qr(&mut r, &qr, text.len());
        return r;
    }
    let buf = Buf::new(text);
    let ws = words(&buf);
    let at = |w: Word, conf: f32| (buf.line_of(w.start), buf.span(w.start, w.end), conf);
    let mut pending: Option<Label> = None;
    let mut ints: Vec<(String, bool, Word)> = Vec::new();
    let mut date: Option<(chrono::NaiveDate, Word)> = None;
    let mut time: Option<(chrono::NaiveTime, Word)> = None;
    let mut refund = false;
    for &w in &ws {
        let word: String = buf.raw[w.start..w.end].iter().collect();
        if let Some(l) = label_of(&word) {
            pending = Some(l);
            continue;
        }
        let lower = word.to_lowercase();
        if lower.starts_with("возврат") {
            refund = true;
            continue;
        }
        let label = pending.take();
        match (value_of(&buf, w), label) {
            (Value::Int { digits, letters }, Some(l)) => {
                let (line, span, _) = at(w, 1.0);
                let mk = |()| {
                    let f = Found::new((), line, span.clone(), 1.0);
                    if letters {
                        f.repaired(Repair::LetterAsDigit, 0.9)
                    } else {
                        f
                    }
                };
                match l {
                    Label::Fn => match digits.parse::<FnNumber>() {
                        Ok(n) if digits.len() == 16 => r.fn_number = Some(mk(()).map(|()| n)),
                        _ => r.unreadable.push(TextField::Fn),
                    },
                    Label::Fd | Label::Fp => {
                        let field = if l == Label::Fd {
                            TextField::Fd
                        } else {
                            TextField::Fp
                        };
                        let v = digits
                            .trim_start_matches('0')
                            .parse::<u32>()
                            .ok()
                            .filter(|&v| v > 0);
                        match (v, l) {
                            (Some(v), Label::Fd) => r.fd = Some(mk(()).map(|()| v)),
                            (Some(v), _) => r.fp = Some(mk(()).map(|()| v)),
                            (None, _) => r.unreadable.push(field),
                        }
                    }
                    Label::Total => {
                        if let Ok(v) = digits.parse::<i64>()
                            && v <= 1_000_000_000
                        {
                            r.total_kopecks = Some(mk(()).map(|()| v * 100));
                        }
                    }
                    Label::OpCode => {
                        match digits.parse::<u64>().ok().and_then(Operation::from_code) {
                            Some(op) => r.operation = Some(mk(()).map(|()| op)),
                            None => r.unreadable.push(TextField::Operation),
                        }
                    }
                    Label::Date | Label::Time => ints.push((digits, letters, w)),
                }
            }
            (Value::Int { digits, letters }, None) => ints.push((digits, letters, w)),
            (Value::Amount(k), _) => {
                if r.total_kopecks.is_none() {
                    let (line, span, _) = at(w, 1.0);
                    r.total_kopecks = Some(Found::new(k, line, span, 1.0));
                }
            }
            (Value::Date(d), _) => date = date.or(Some((d, w))),
            (Value::Time(t), _) => time = time.or(Some((t, w))),
            (Value::DateTime(dt), _) => {
                let (line, span, _) = at(w, 1.0);
                r.datetime = Some(Found::new(dt, line, span, 1.0));
            }
            (Value::Word, Some(l)) => r.unreadable.push(field_of(l)),
            (Value::Word, None) => {}
        }
    }
    if r.datetime.is_none() {
        match (date, time) {
            (Some((d, dw)), Some((t, tw))) => {
                r.datetime = Some(Found::new(
                    d.and_time(t),
                    buf.line_of(dw.start),
                    buf.span(dw.start.min(tw.start), dw.end.max(tw.end)),
                    1.0,
                ));
            }
            (Some(_), None) | (None, Some(_)) => r.unreadable.push(TextField::DateTime),
            (None, None) => {}
        }
    }
    assign_unlabelled(&buf, &mut r, ints);
    if r.operation.is_none() {
        let op = if refund {
            Operation::SaleRefund
        } else {
            Operation::Sale
        };
        r.operation = Some(
            Found::new(op, 0, 0..0, 1.0).repaired(Repair::Assumed, if refund { 0.9 } else { 0.8 }),
        );
    }
    let unread = std::mem::take(&mut r.unreadable);
    for f in unread {
        if r.confidence(f).is_none() && !r.unreadable.contains(&f) {
            r.unreadable.push(f);
        }
    }
    r
}

const fn field_of(l: Label) -> TextField {
    match l {
        Label::Fn => TextField::Fn,
        Label::Fd => TextField::Fd,
        Label::Fp => TextField::Fp,
        Label::Total => TextField::Total,
        Label::Date | Label::Time => TextField::DateTime,
        Label::OpCode => TextField::Operation,
    }
}

/// Unlabelled numbers by shape: 16 digits is ФН; of two counters the longer is ФП (ФП is almost
/// always 9–10 digits, ФД rarely more than 6); a last short number may be the total in roubles.
fn assign_unlabelled(buf: &Buf, r: &mut TextReading, ints: Vec<(String, bool, Word)>) {
    let found = |digits: &str, letters: bool, w: Word, conf: f32| {
        let f = Found::new((), buf.line_of(w.start), buf.span(w.start, w.end), 1.0)
            .repaired(Repair::Unlabelled, conf);
        let f = if letters {
            f.repaired(Repair::LetterAsDigit, 0.9)
        } else {
            f
        };
        (digits.trim_start_matches('0').parse::<u32>().ok(), f)
    };
    let mut counters = Vec::new();
    for (digits, letters, w) in ints {
        if digits.len() == 16
            && r.fn_number.is_none()
            && let Ok(n) = digits.parse::<FnNumber>()
        {
            let (_, f) = found(&digits, letters, w, 0.9);
            r.fn_number = Some(f.map(|()| n));
            continue;
        }
        if digits.len() <= 10 {
            counters.push((digits, letters, w));
        }
    }
    let mut rest = counters.into_iter();
    match (r.fd.is_none(), r.fp.is_none()) {
        (true, true) => {
            let a = rest.next();
            let b = rest.next();
            match (a, b) {
                (Some(a), Some(b)) => {
                    let (la, lb) = (
                        a.0.trim_start_matches('0').len(),
                        b.0.trim_start_matches('0').len(),
                    );
                    // The longer is ФП; sure only when the lengths tell them apart clearly.
                    let sure = la.abs_diff(lb) >= 2 || (la.max(lb) >= 9 && la.min(lb) <= 7);
                    let conf = if sure { 0.85 } else { 0.5 };
                    let (fd, fp) = if lb >= la { (a, b) } else { (b, a) };
                    set_counter(&mut r.fd, found(&fd.0, fd.1, fd.2, conf));
                    set_counter(&mut r.fp, found(&fp.0, fp.1, fp.2, conf));
                }
                (Some(a), None) => {
                    let long = a.0.trim_start_matches('0').len() >= 9;
                    let slot = if long { &mut r.fp } else { &mut r.fd };
                    set_counter(slot, found(&a.0, a.1, a.2, 0.5));
                }
                _ => {}
            }
        }
        (true, false) => {
            if let Some(a) = rest.next() {
                set_counter(&mut r.fd, found(&a.0, a.1, a.2, 0.8));
            }
        }
        (false, true) => {
            if let Some(a) = rest.next() {
                set_counter(&mut r.fp, found(&a.0, a.1, a.2, 0.8));
            }
        }
        (false, false) => {}
    }
    if r.total_kopecks.is_none()
        && let Some((digits, _, w)) = rest.next()
        && let Ok(v) = digits.parse::<i64>()
        && digits.len() <= 7
    {
        r.total_kopecks = Some(
            Found::new(v * 100, buf.line_of(w.start), buf.span(w.start, w.end), 1.0)
                .repaired(Repair::Unlabelled, 0.5),
        );
    }
}

fn set_counter(slot: &mut Option<Found<u32>>, (v, f): (Option<u32>, Found<()>)) {
    if let Some(v) = v.filter(|&v| v > 0) {
        *slot = Some(f.map(|()| v));
    }
}

fn fill_from_qr(r: &mut TextReading, qr: &FiscalQr, len: usize) {
    let f = |_: ()| Found::new((), 0, 0..len, 1.0);
    r.datetime = Some(f(()).map(|()| qr.datetime));
    r.total_kopecks = Some(f(()).map(|()| qr.total_kopecks));
    r.fn_number = Some(f(()).map(|()| qr.fn_number));
    r.fd = Some(f(()).map(|()| qr.fd));
    r.fp = Some(f(()).map(|()| qr.fp));
    r.operation = Some(f(()).map(|()| qr.operation));
}

#[cfg(test)]
mod tests {
    use super::*;

    fn qr(s: &str) -> String {
        match parse_manual_entry(s).to_qr() {
            Ok(q) => q.to_string(),
            Err(e) => format!("error: {e}"),
        }
    }

    const WANT: &str = "t=20210315T1234&s=1500.00&fn=9289000100123456&i=12345&fp=1234567890&n=1";

    #[test]
    fn every_way_of_typing_the_same_receipt() {
        for s in [
            "фн 9289000100123456 фд 12345 фп 1234567890 15.03.21 12:34 1500,00",
            "ФН: 9289000100123456, ФД: 12345, ФП: 1234567890, 15.03.2021 12:34, 1500.00",
            "15.03.21 12:34 сумма 1500 фп 1234567890 фд 12345 фн 9289000100123456",
            "9289000100123456 12345 1234567890 15.03.21 12:34 1500,00 руб",
            "фн9289000100123456 фд12345 фпд1234567890 дата 2021-03-15 время 12:34 итог 1500.00",
            "fn=9289000100123456&i=12345&fp=1234567890&t=20210315T1234&s=1500.00",
            "t=20210315T1234&s=1500.00&fn=9289000100123456&i=12345&fp=1234567890&n=1",
            "фн 92890001OO123456 фд 12345 фп 1234567890\n15/03/21 12:34\n1500,00р",
            "фн 9289000100123456 фд 12345 фп 1234567890 15.03.21 12:34 сумма 1 500,00",
        ] {
            assert_eq!(qr(s), WANT, "input {s:?}");
        }
    }

    #[test]
    fn missing_and_doubtful_fields_are_named() {
        use super::super::FieldProblem::*;
        let r = parse_manual_entry("фн 9289000100123456 фд 12345 15.03.21");
        assert_eq!(
            r.problems(),
            vec![
                Unreadable(TextField::DateTime),
                Missing(TextField::Total),
                Missing(TextField::Fp)
            ]
        );
        let r = parse_manual_entry("9289000100123456 1234567 7654321 15.03.21 12:34 10.00");
        assert!(r.problems().contains(&Doubtful(TextField::Fd)));
        let r = parse_manual_entry("возврат фн 9289000100123456 фд 1 фп 2 15.03.21 12:34 10.00");
        assert_eq!(r.operation.unwrap().value, Operation::SaleRefund);
        assert_eq!(
            parse_manual_entry("   ").to_candidate(),
            Err(super::super::TextError::Empty)
        );
    }
}
