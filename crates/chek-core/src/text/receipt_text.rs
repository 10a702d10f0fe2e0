//! `parse_receipt_text`: the fiscal fields of a printed receipt from its OCR text.

use super::chars::{Buf, Digits, digit_of};
use super::check_digits::{Verdict, settle};
use super::datetime::{find_bare_time, find_datetimes};
use super::items::item_on_line;
use super::labels::{Hit, Kind, find_labels};
use super::numbers::{AmountTok, DigitTok, read_amount, read_digits, skip_to_value};
use super::{Found, Refusal, Repair, TextField, TextItem, TextReading};
use crate::fiscal::{Channel, FnNumber, Operation};

/// The longest text read. A long supermarket receipt is a few kilobytes; anything far longer is
/// not one receipt and is refused before any work is done on it.
pub const MAX_TEXT_BYTES: usize = 64 * 1024;

/// Reads the fiscal fields of a printed receipt from its text (what OCR, on-device or not, gives).
///
/// Finds ФН, ФД, ФП/ФПД, date and time, ИТОГ, the operation, ИНН, РН ККТ, ЗН ККТ, shift and
/// receipt numbers and the item lines in the layouts common cash registers print, whatever the
/// order and line breaks. OCR damage is repaired only where the field's shape makes it safe:
/// letters read for digits inside numbers, numbers split by spaces or line breaks, labels in
/// Latin look-alikes, a misread ИНН/РН ККТ digit when the check digits single out the one
/// correction. Anything else unreadable is reported, never guessed.
///
/// Never panics; input longer than [`MAX_TEXT_BYTES`] is refused.
///
/// ```
/// use chek_core::text::{parse_receipt_text, Repair};
/// let text = "КАССОВЫЙ ЧЕК/ПРИХОД\n1 Хлеб 45.50*2шт. =91.00\nИТ0Г =91.ОО\n\
///             ЗН ККТ 00106304241645\nPH KKT 0000373856050035\nИHH 7725699008\n\
///             ФН 7380440700076549\nФД 41110\nФП 2026476352\nПРИХОД 19.07.24 13:14";
/// let r = parse_receipt_text(text);
/// assert_eq!(r.total_kopecks.as_ref().unwrap().value, 9100);
/// let inn = r.inn.as_ref().unwrap();
/// assert_eq!(inn.value, "7725699808"); // an OCR 8→0 confusion, confirmed by РН ККТ
/// assert!(inn.repairs.contains(&Repair::CheckDigit));
/// assert_eq!(r.items.len(), 1);
/// assert!(r.missing().is_empty());
/// ```
pub fn parse_receipt_text(text: &str) -> TextReading {
    let mut r = TextReading::empty(Channel::Ocr);
    if text.len() > MAX_TEXT_BYTES {
        r.refused = Some(Refusal::TooLong { len: text.len() });
        return r;
    }
    if text.trim().is_empty() {
        r.refused = Some(Refusal::Empty);
        return r;
    }
    let buf = Buf::new(text);
    let hits = find_labels(&buf);
    let mut st = Pending::default();
    for (k, h) in hits.iter().enumerate() {
        let bound = hits.get(k + 1).map_or(buf.raw.len(), |n| n.start);
        read_label(&buf, h, bound, &mut r, &mut st);
    }
    settle_registration(&buf, &mut r, &st);
    if r.fn_number.is_none() && !st.fn_label_seen {
        r.fn_number = unlabelled_fn(&buf, r.rnm.as_ref().map(|f| f.value.as_str()));
    }
    r.items = items(&buf, &hits);
    settle_total(&buf, &mut r, &st);
    settle_datetime(&buf, &mut r);
    let unread = std::mem::take(&mut r.unreadable);
    for f in unread {
        if r.confidence(f).is_none() && !r.unreadable.contains(&f) {
            r.unreadable.push(f);
        }
    }
    r
}

/// Values waiting for the checks that need all of them.
#[derive(Default)]
struct Pending {
    inn: Option<DigitTok>,
    rnm: Option<DigitTok>,
    zn: Option<DigitTok>,
    totals: Vec<(AmountTok, bool)>,
    payments: Vec<AmountTok>,
    fn_label_seen: bool,
}

fn found_digits<T>(buf: &Buf, t: &DigitTok, value: T, moved: bool) -> Found<T> {
    let mut f = Found::new(value, buf.line_of(t.start), buf.span(t.start, t.end), 1.0);
    if t.letters > 0 {
        f = f.repaired(Repair::LetterAsDigit, 0.9);
    }
    if t.joined {
        f = f.repaired(Repair::Joined, 0.9);
    }
    if moved {
        f = f.repaired(Repair::ValueOnNextLine, 0.95);
    }
    f
}

fn counter(t: &DigitTok) -> Option<u32> {
    if !t.plausible() {
        return None;
    }
    let v = t.digits.value()?;
    (v > 0).then(|| u32::try_from(v).ok()).flatten()
}

fn read_label(buf: &Buf, h: &Hit, bound: usize, r: &mut TextReading, st: &mut Pending) {
    let line = buf.line_of(h.start);
    let (ls, le) = buf.lines.get(line).copied().unwrap_or((0, 0));
    let value = |next_line: bool| skip_to_value(buf, h.end, bound, next_line);
    match h.kind {
        Kind::Fn => {
            st.fn_label_seen = true;
            if r.fn_number.is_some() {
                return;
            }
            let got = value(true).and_then(|(p, moved)| {
                let t = read_digits(buf, p, bound, FnNumber::DIGITS, true);
                let n = FnNumber::new(t.digits.value()?)?;
                // No ФН model starts with 0; РН ККТ always does (two-column OCR puts one
                // under the other's label).
                (t.plausible() && t.digits.len() == FnNumber::DIGITS && t.digits.as_slice()[0] != 0)
                    .then(|| found_digits(buf, &t, n, moved))
            });
            match got {
                Some(f) => r.fn_number = Some(f),
                None => r.unreadable.push(TextField::Fn),
            }
        }
        Kind::Fd | Kind::Fp => {
            let (slot, field) = if h.kind == Kind::Fd {
                (&mut r.fd, TextField::Fd)
            } else {
                (&mut r.fp, TextField::Fp)
            };
            if slot.is_some() {
                return;
            }
            let got = value(true).and_then(|(p, moved)| {
                let t = read_digits(buf, p, bound, 1, false);
                // `ФД 411 10`: a counter has no fixed length, so a gap OCR put inside it cannot
                // be told from the end; more digits right after make the value unreadable.
                let mut q = t.end;
                while q < bound && buf.raw[q] == ' ' {
                    q += 1;
                }
                let digit_at = |k: usize| k < bound && buf.raw[k].is_ascii_digit();
                let more_digits = q > t.end
                    && (digit_at(q)
                        || (q < bound && digit_of(buf.raw[q]).is_some() && digit_at(q + 1)));
                // A fiscal sign is a 32-bit hash: fewer than 6 printed digits (a 1-in-40 000
                // value) is far likelier a fragment OCR left than a real sign.
                let min_len = if field == TextField::Fp { 6 } else { 1 };
                (t.digits.len() >= min_len && t.digits.len() <= 10 && !more_digits)
                    .then(|| counter(&t).map(|v| found_digits(buf, &t, v, moved)))
                    .flatten()
            });
            match got {
                Some(f) => *slot = Some(f),
                None => r.unreadable.push(field),
            }
        }
        Kind::Inn => {
            // The cashier's and the OFD's ИНН are printed too; only the seller's is wanted.
            if buf.folded_has(ls, le, "КАССИР")
                || buf.folded_has(ls, le, "ОФД")
                || buf.folded_has(ls, le, "ПОКУПАТ")
                || st.inn.is_some()
            {
                return;
            }
            let t = value(true).map(|(p, _)| read_digits(buf, p, bound, 10, true));
            match t {
                Some(t) if t.plausible() && matches!(t.digits.len(), 10 | 12) => st.inn = Some(t),
                _ => r.unreadable.push(TextField::Inn),
            }
        }
        Kind::Rnm => {
            if st.rnm.is_some() {
                return;
            }
            let t = value(true).map(|(p, _)| read_digits(buf, p, bound, 16, true));
            match t {
                Some(t) if t.plausible() && t.digits.len() == 16 => st.rnm = Some(t),
                _ => r.unreadable.push(TextField::Rnm),
            }
        }
        Kind::Zn => {
            if st.zn.is_some() {
                return;
            }
            let t = value(true).map(|(p, _)| read_digits(buf, p, bound, 1, false));
            match t {
                Some(t) if t.plausible() && t.digits.len() <= 20 => st.zn = Some(t),
                _ => r.unreadable.push(TextField::Zn),
            }
        }
        Kind::Shift | Kind::ReceiptNo => {
            let slot = if h.kind == Kind::Shift {
                &mut r.shift
            } else {
                &mut r.receipt_number
            };
            if slot.is_some() {
                return;
            }
            // `Смена закрыта`, `КАССОВЫЙ ЧЕК`: the same words without a number are no field.
            if let Some((p, _)) = value(false) {
                let t = read_digits(buf, p, bound, 1, false);
                if t.digits.len() <= 8
                    && t.letters == 0
                    && let Some(v) = counter(&t)
                {
                    *slot = Some(found_digits(buf, &t, v, false));
                }
            }
        }
        Kind::Total => {
            match value(true).and_then(|(p, m)| read_amount(buf, p, bound).map(|a| (a, m))) {
                Some(a) => st.totals.push(a),
                None => r.unreadable.push(TextField::Total),
            }
        }
        Kind::Payment => {
            if let Some(a) = value(false).and_then(|(p, _)| read_amount(buf, p, bound))
                && !a.separator_assumed
            {
                st.payments.push(a);
            }
        }
        Kind::Op(op) => {
            // A bare `ВОЗВРАТ` («Возврат товара в течение 14 дней») gives way to a real label.
            if r.operation.as_ref().is_none_or(|f| f.confidence < 1.0) {
                r.operation = Some(Found::new(op, line, buf.span(h.start, h.end), 1.0));
            }
        }
        Kind::OpRefund => {
            if r.operation.is_none() {
                r.operation = Some(Found::new(
                    Operation::SaleRefund,
                    line,
                    buf.span(h.start, h.end),
                    0.6,
                ));
            }
        }
    }
}

fn settle_registration(buf: &Buf, r: &mut TextReading, st: &Pending) {
    let s = settle(
        st.inn.map(|t| t.digits),
        st.rnm.map(|t| t.digits),
        st.zn.map(|t| t.digits),
    );
    let conclude = |tok: Option<DigitTok>,
                    got: Option<(Digits, Verdict)>,
                    field: TextField,
                    unreadable: &mut Vec<TextField>| {
        let (t, (d, v)) = (tok?, got?);
        let f = found_digits(buf, &t, d.to_string_lossy(), false);
        match v {
            Verdict::Confirmed => Some(Found {
                confidence: 1.0,
                ..f
            }),
            Verdict::Corrected => Some(f.repaired(Repair::CheckDigit, 0.95)),
            Verdict::Plausible => Some(f),
            Verdict::Doubtful => Some(Found {
                confidence: 0.5,
                ..f
            }),
            Verdict::Bad => {
                unreadable.push(field);
                None
            }
        }
    };
    r.inn = conclude(st.inn, s.inn, TextField::Inn, &mut r.unreadable);
    r.rnm = conclude(st.rnm, s.rnm, TextField::Rnm, &mut r.unreadable);
    r.zn = conclude(st.zn, s.zn, TextField::Zn, &mut r.unreadable);
}

/// A 16-digit number whose prefix is a known ФН model, when no ФН label survived OCR.
fn unlabelled_fn(buf: &Buf, rnm: Option<&str>) -> Option<Found<FnNumber>> {
    let raw = &buf.raw;
    let mut i = 0;
    let mut found = None;
    while i < raw.len() {
        if !raw[i].is_ascii_digit() || (i > 0 && raw[i - 1].is_alphanumeric()) {
            i += 1;
            continue;
        }
        let mut e = i;
        while e < raw.len() && raw[e].is_ascii_digit() {
            e += 1;
        }
        if e - i == FnNumber::DIGITS && raw.get(e).is_none_or(|c| !c.is_alphanumeric()) {
            let s: String = raw[i..e].iter().collect();
            if let Ok(n) = s.parse::<FnNumber>()
                && n.model().is_some()
                && Some(s.as_str()) != rnm
            {
                if found.is_some() {
                    return None;
                }
                found = Some(
                    Found::new(n, buf.line_of(i), buf.span(i, e), 1.0)
                        .repaired(Repair::Unlabelled, 0.6),
                );
            }
        }
        i = e;
    }
    found
}

fn items(buf: &Buf, hits: &[Hit]) -> Vec<TextItem> {
    let mut label_line = vec![false; buf.lines.len()];
    for h in hits {
        if let Some(l) = label_line.get_mut(buf.line_of(h.start)) {
            *l = true;
        }
    }
    let mut out = Vec::new();
    let mut prev_item = false;
    for i in 0..buf.lines.len() {
        // The name of a `2 X 80.00 =160.00` line is the line above; built only when needed.
        let prev_name = || {
            if i == 0 || label_line[i - 1] || prev_item {
                return None;
            }
            let (s, e) = buf.lines[i - 1];
            let t: String = buf.raw[s..e].iter().collect();
            let t = t.trim();
            t.chars().any(char::is_alphabetic).then(|| t.to_owned())
        };
        let item = if label_line[i] {
            None
        } else {
            item_on_line(buf, i, &prev_name)
        };
        prev_item = item.is_some();
        if let Some(it) = item
            && out.len() < 1000
        {
            out.push(it);
        }
    }
    out
}

fn settle_total(buf: &Buf, r: &mut TextReading, st: &Pending) {
    let items_sum =
        (!r.items.is_empty()).then(|| r.items.iter().map(|i| i.sum_kopecks).sum::<i64>());
    let pay_sum =
        (!st.payments.is_empty()).then(|| st.payments.iter().map(|a| a.kopecks).sum::<i64>());
    let agrees = |v: i64| Some(v) == items_sum || Some(v) == pay_sum;
    let amount_found = |a: &AmountTok, moved: bool| {
        let mut f = Found::new(
            a.kopecks,
            buf.line_of(a.start),
            buf.span(a.start, a.end),
            1.0,
        );
        if a.letters > 0 {
            f = f.repaired(Repair::LetterAsDigit, 0.9);
        }
        if a.separator_assumed {
            f = f.repaired(Repair::SeparatorAssumed, 0.6);
        }
        if moved {
            f = f.repaired(Repair::ValueOnNextLine, 0.95);
        }
        f
    };
    let chosen = st
        .totals
        .iter()
        .find(|(a, _)| agrees(a.kopecks))
        .or_else(|| st.totals.first());
    if let Some((a, moved)) = chosen {
        let mut f = amount_found(a, *moved);
        if agrees(a.kopecks) {
            f.confidence = f.confidence.max(0.95);
            if !f.repairs.is_empty() {
                f = f.repaired(Repair::Reconciled, 1.0);
            }
        }
        r.total_kopecks = Some(f);
        return;
    }
    // ИТОГ unreadable or missing: the payment lines and the items are printed amounts too.
    if let (Some(p), Some(first)) = (pay_sum, st.payments.first()) {
        let conf = if Some(p) == items_sum { 0.9 } else { 0.75 };
        let mut f = Found::new(
            p,
            buf.line_of(first.start),
            buf.span(first.start, first.end),
            1.0,
        )
        .repaired(Repair::Reconciled, conf);
        if first.letters > 0 {
            f = f.repaired(Repair::LetterAsDigit, 1.0);
        }
        r.total_kopecks = Some(f);
    } else if let (Some(s), Some(first)) = (items_sum, r.items.first()) {
        let line = first.line;
        let (ls, le) = buf.lines.get(line).copied().unwrap_or((0, 0));
        r.total_kopecks =
            Some(Found::new(s, line, buf.span(ls, le), 1.0).repaired(Repair::Reconciled, 0.5));
    }
}

fn settle_datetime(buf: &Buf, r: &mut TextReading) {
    let (with_time, bare) = find_datetimes(buf);
    if let Some(h) = with_time.last() {
        let mut f = Found::new(h.at, buf.line_of(h.start), buf.span(h.start, h.end), 1.0);
        if h.letters > 0 {
            f = f.repaired(Repair::LetterAsDigit, 0.9);
        }
        if h.next_line {
            f = f.repaired(Repair::Joined, 0.95);
        }
        r.datetime = Some(f);
        return;
    }
    let Some(d) = bare.last() else {
        return;
    };
    match find_bare_time(buf) {
        Some((t, s, _)) => {
            r.datetime = Some(
                Found::new(
                    d.date.and_time(t),
                    buf.line_of(d.start),
                    buf.span(d.start, d.end),
                    1.0,
                )
                .repaired(Repair::Joined, 0.8),
            );
            let _ = s;
        }
        None => r.unreadable.push(TextField::DateTime),
    }
}
