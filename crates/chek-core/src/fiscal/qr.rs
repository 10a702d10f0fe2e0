//! Parsing and printing the fiscal QR payload `t=…&s=…&fn=…&i=…&fp=…&n=…`.

use std::borrow::Cow;
use std::fmt;
use std::str::FromStr;

use chrono::{Datelike, NaiveDate, NaiveDateTime, Timelike};
use serde::{Deserialize, Serialize};

use super::money::{format_roubles, parse_roubles};
use super::{FnNumber, Operation, QrError, QrField, ReceiptId};

/// No fiscal payload, even wrapped in a URL with extra keys, comes near this; longer input is
/// rejected before any work is done on it.
const MAX_INPUT: usize = 4096;

/// The parsed fiscal QR of a Russian cash receipt.
///
/// Parsing accepts every form met in the wild: any key order, `t` with or without seconds and
/// with a lower-case `t`, `s` with or without kopecks, whitespace and line breaks, a URL whose
/// query carries the fields, a percent-encoded payload, `&amp;`, and unknown keys (kept in
/// [`extra`](Self::extra)). [`Display`](fmt::Display) prints the canonical form, which parses
/// back to an equal value.
///
/// ```
/// use chek_core::fiscal::{FiscalQr, Operation};
///
/// let qr: FiscalQr = " https://example.ru/check?fn=7281440500751551&i=30526&fp=1168453787&n=1&t=20240917t1801&s=1285.21 \n".parse()?;
/// assert_eq!(qr.total_kopecks, 128_521);
/// assert_eq!(qr.operation, Operation::Sale);
/// assert_eq!(qr.datetime.to_string(), "2024-09-17 18:01:00");
/// assert_eq!(qr.to_string(), "t=20240917T1801&s=1285.21&fn=7281440500751551&i=30526&fp=1168453787&n=1");
/// assert_eq!(qr.to_string().parse::<FiscalQr>()?, qr);
/// # Ok::<(), chek_core::fiscal::QrError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct FiscalQr {
    /// `t`: the cash register's local date and time (no time zone).
    pub datetime: NaiveDateTime,
    /// `s`: the total, in kopecks.
    pub total_kopecks: i64,
    /// `fn`: the fiscal drive serial.
    #[serde(rename = "fn")]
    pub fn_number: FnNumber,
    /// `i`: ФД, the fiscal document number.
    pub fd: u32,
    /// `fp`: ФП, the fiscal sign.
    pub fp: u32,
    /// `n`: the operation type.
    pub operation: Operation,
    /// Unknown keys, in order of appearance. Not fatal, kept so nothing is lost.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub extra: Vec<(String, String)>,
}

impl FiscalQr {
    /// Parses a QR payload; the same as `str::parse`.
    ///
    /// ```
    /// # use chek_core::fiscal::FiscalQr;
    /// let qr = FiscalQr::parse("t=20200115T2110&s=1030.00&fn=9251440300046840&i=29414&fp=1250830908&n=1")?;
    /// assert_eq!(qr.fd, 29414);
    /// # Ok::<(), chek_core::fiscal::QrError>(())
    /// ```
    pub fn parse(input: &str) -> Result<Self, QrError> {
        let normalized = normalize(input)?;
        parse_query(query_part(&normalized))
    }

    /// The receipt identity (ФН + ФД + ФП).
    pub fn identity(&self) -> ReceiptId {
        ReceiptId {
            fn_number: self.fn_number,
            fd: self.fd,
            fp: self.fp,
        }
    }
}

impl FromStr for FiscalQr {
    type Err = QrError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        FiscalQr::parse(s)
    }
}

impl fmt::Display for FiscalQr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let d = self.datetime;
        write!(
            f,
            "t={:04}{:02}{:02}T{:02}{:02}",
            d.year(),
            d.month(),
            d.day(),
            d.hour(),
            d.minute()
        )?;
        if d.second() != 0 {
            write!(f, "{:02}", d.second())?;
        }
        write!(
            f,
            "&s={}&fn={}&i={}&fp={}&n={}",
            format_roubles(self.total_kopecks),
            self.fn_number,
            self.fd,
            self.fp,
            self.operation.code()
        )?;
        for (k, v) in &self.extra {
            write!(f, "&{}={}", percent_encode(k), percent_encode(v))?;
        }
        Ok(())
    }
}

/// Undoes the wrappings met in the wild, allocating only when one is present. Percent-encoding
/// is undone here only for a payload encoded whole (no `=` left); otherwise each key and value is
/// decoded after splitting, so an encoded `&` or `=` inside an unknown value cannot split it.
fn normalize(input: &str) -> Result<Cow<'_, str>, QrError> {
    if input.len() > MAX_INPUT {
        return Err(QrError::TooLong { len: input.len() });
    }
    let s = input.trim();
    if s.is_empty() {
        return Err(QrError::Empty);
    }
    let mut out = Cow::Borrowed(s);
    // Scanners and chat clients wrap long payloads; a fiscal payload never contains whitespace.
    if out.chars().any(char::is_whitespace) {
        out = Cow::Owned(out.chars().filter(|c| !c.is_whitespace()).collect());
    }
    if !out.contains('=') && out.contains('%') {
        out = Cow::Owned(percent_decode(&out).into_owned());
    }
    if out.contains("&amp;") {
        out = Cow::Owned(out.replace("&amp;", "&"));
    }
    Ok(out)
}

/// The part that carries the fields: the query of a URL, without a fragment.
fn query_part(s: &str) -> &str {
    let s = match s.find('?') {
        Some(p) => &s[p + 1..],
        None => s,
    };
    match s.find('#') {
        Some(p) => &s[..p],
        None => s,
    }
}

fn percent_decode(s: &str) -> Cow<'_, str> {
    if !s.contains('%') {
        return Cow::Borrowed(s);
    }
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%'
            && let (Some(h), Some(l)) = (
                b.get(i + 1).and_then(|&c| hex(c)),
                b.get(i + 2).and_then(|&c| hex(c)),
            )
        {
            out.push(h * 16 + l);
            i += 3;
            continue;
        }
        out.push(b[i]);
        i += 1;
    }
    Cow::Owned(String::from_utf8_lossy(&out).into_owned())
}

/// Percent-encodes everything outside a conservative safe set, so that an unknown key or value
/// printed in the canonical form can hold no separator, space or escape of its own.
fn percent_encode(s: &str) -> Cow<'_, str> {
    let safe = |b: u8| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~');
    if s.bytes().all(safe) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() * 3);
    for b in s.bytes() {
        if safe(b) {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    Cow::Owned(out)
}

fn hex(b: u8) -> Option<u8> {
    match b {
        b'0'..=b'9' => Some(b - b'0'),
        b'a'..=b'f' => Some(b - b'a' + 10),
        b'A'..=b'F' => Some(b - b'A' + 10),
        _ => None,
    }
}

fn field_of(key: &str) -> Option<QrField> {
    // Keys are compared without case: some scanners upper-case the whole payload.
    let k = key.as_bytes();
    match k {
        [a] if a.eq_ignore_ascii_case(&b't') => Some(QrField::T),
        [a] if a.eq_ignore_ascii_case(&b's') => Some(QrField::S),
        [a] if a.eq_ignore_ascii_case(&b'i') => Some(QrField::I),
        [a] if a.eq_ignore_ascii_case(&b'n') => Some(QrField::N),
        [a, b] if a.eq_ignore_ascii_case(&b'f') && b.eq_ignore_ascii_case(&b'n') => {
            Some(QrField::Fn)
        }
        [a, b] if a.eq_ignore_ascii_case(&b'f') && b.eq_ignore_ascii_case(&b'p') => {
            Some(QrField::Fp)
        }
        _ => None,
    }
}

fn parse_query(q: &str) -> Result<FiscalQr, QrError> {
    let mut vals: [Option<Cow<'_, str>>; 6] = Default::default();
    let mut extra = Vec::new();
    for part in q.split('&') {
        if part.is_empty() {
            continue;
        }
        let (k, v) = part.split_once('=').unwrap_or((part, ""));
        let (k, v) = (percent_decode(k), percent_decode(v));
        match field_of(&k) {
            Some(field) => {
                let slot = &mut vals[field as usize];
                match slot {
                    Some(prev) if *prev != v => return Err(QrError::DuplicateField(field)),
                    _ => *slot = Some(v),
                }
            }
            None => extra.push((k.into_owned(), v.into_owned())),
        }
    }
    if vals.iter().all(Option::is_none) {
        return Err(QrError::NotFiscal);
    }
    let get = |f: QrField| vals[f as usize].as_deref().ok_or(QrError::MissingField(f));
    let (t, s, fn_, i, fp, n) = (
        get(QrField::T)?,
        get(QrField::S)?,
        get(QrField::Fn)?,
        get(QrField::I)?,
        get(QrField::Fp)?,
        get(QrField::N)?,
    );
    Ok(FiscalQr {
        datetime: parse_t(t)?,
        total_kopecks: parse_s(s)?,
        fn_number: FnNumber::parse_digits(fn_.as_bytes())
            .ok_or_else(|| QrError::malformed(QrField::Fn, fn_))?,
        fd: parse_u32(QrField::I, i)?,
        fp: parse_u32(QrField::Fp, fp)?,
        operation: parse_n(n)?,
        extra,
    })
}

fn digits(b: &[u8]) -> Option<u32> {
    let mut n = 0u32;
    for &c in b {
        if !c.is_ascii_digit() {
            return None;
        }
        n = n * 10 + u32::from(c - b'0');
    }
    Some(n)
}

/// `YYYYMMDDTHHMM` or `YYYYMMDDTHHMMSS`, `T` in either case.
fn parse_t(v: &str) -> Result<NaiveDateTime, QrError> {
    let b = v.as_bytes();
    let malformed = || QrError::malformed(QrField::T, v);
    if (b.len() != 13 && b.len() != 15) || !b[8].eq_ignore_ascii_case(&b'T') {
        return Err(malformed());
    }
    let num = |r: std::ops::Range<usize>| digits(&b[r]).ok_or_else(malformed);
    let (y, mo, d, h, mi) = (
        num(0..4)?,
        num(4..6)?,
        num(6..8)?,
        num(9..11)?,
        num(11..13)?,
    );
    let sec = if b.len() == 15 { num(13..15)? } else { 0 };
    NaiveDate::from_ymd_opt(y as i32, mo, d)
        .and_then(|date| date.and_hms_opt(h, mi, sec))
        .ok_or_else(|| QrError::out_of_range(QrField::T, v))
}

fn parse_s(v: &str) -> Result<i64, QrError> {
    parse_roubles(v).ok_or_else(|| {
        let int_len = v.bytes().take_while(u8::is_ascii_digit).count();
        if int_len > 11
            && v.bytes()
                .all(|c| c.is_ascii_digit() || c == b'.' || c == b',')
        {
            QrError::out_of_range(QrField::S, v)
        } else {
            QrError::malformed(QrField::S, v)
        }
    })
}

fn parse_u32(field: QrField, v: &str) -> Result<u32, QrError> {
    let b = v.as_bytes();
    if b.is_empty() || !b.iter().all(u8::is_ascii_digit) {
        return Err(QrError::malformed(field, v));
    }
    // Printed receipts zero-pad ФД and ФП to 10 digits; the value is what counts.
    let significant = &b[b.iter().take_while(|&&c| c == b'0').count()..];
    if significant.len() > 10 {
        return Err(QrError::out_of_range(field, v));
    }
    let mut n = 0u64;
    for &c in significant {
        n = n * 10 + u64::from(c - b'0');
    }
    u32::try_from(n).map_err(|_| QrError::out_of_range(field, v))
}

fn parse_n(v: &str) -> Result<Operation, QrError> {
    let b = v.as_bytes();
    if b.is_empty() || b.len() > 3 || !b.iter().all(u8::is_ascii_digit) {
        return Err(QrError::malformed(QrField::N, v));
    }
    Operation::from_code(u64::from(digits(b).unwrap_or(0)))
        .ok_or_else(|| QrError::out_of_range(QrField::N, v))
}

#[cfg(test)]
mod tests {
    use super::*;

    const BASE: &str = "t=20240917T1801&s=1285.21&fn=7281440500751551&i=30526&fp=1168453787&n=1";

    fn p(s: &str) -> Result<FiscalQr, QrError> {
        s.parse()
    }

    #[test]
    fn parses_the_standard_form() {
        let qr = p(BASE).unwrap();
        assert_eq!(qr.total_kopecks, 128_521);
        assert_eq!(qr.fn_number.to_string(), "7281440500751551");
        assert_eq!((qr.fd, qr.fp), (30526, 1_168_453_787));
        assert_eq!(qr.datetime.to_string(), "2024-09-17 18:01:00");
        assert!(qr.extra.is_empty());
    }

    #[test]
    fn every_wild_form_gives_the_same_value() {
        let base = p(BASE).unwrap();
        for v in [
            "t=20240917t1801&s=1285.21&fn=7281440500751551&i=30526&fp=1168453787&n=1",
            "  t=20240917T1801&s=1285.21&fn=7281440500751551&i=30526&fp=1168453787&n=1\r\n",
            "fn=7281440500751551&i=30526&fp=1168453787&n=1&t=20240917T1801&s=1285.21",
            "t%3D20240917T1801%26s%3D1285.21%26fn%3D7281440500751551%26i%3D30526%26fp%3D1168453787%26n%3D1",
            "t=20240917T1801&amp;s=1285.21&amp;fn=7281440500751551&amp;i=30526&amp;fp=1168453787&amp;n=1",
            "https://check.example/?t=20240917T1801&s=1285.21&fn=7281440500751551&i=30526&fp=1168453787&n=1#x",
            "t=20240917T1801&s=1285.21&fn=72814405\n00751551&i=30526&fp=1168453787&n=1",
            "t=20240917T1801&s=1285.21&fn=7281440500751551&i=0000030526&fp=1168453787&n=1",
            "T=20240917T1801&S=1285.21&FN=7281440500751551&I=30526&FP=1168453787&N=1",
            "t=20240917T1801&&s=1285.21&fn=7281440500751551&i=30526&fp=1168453787&n=1&",
        ] {
            assert_eq!(p(v).as_ref(), Ok(&base), "input {v:?}");
        }
    }

    #[test]
    fn seconds_and_roubles_without_kopecks() {
        let qr = p("t=20190409T130320&s=333&fn=8710000101407564&i=91331&fp=865669710&n=1").unwrap();
        assert_eq!(qr.datetime.to_string(), "2019-04-09 13:03:20");
        assert_eq!(qr.total_kopecks, 33_300);
        assert_eq!(
            qr.to_string(),
            "t=20190409T130320&s=333.00&fn=8710000101407564&i=91331&fp=865669710&n=1"
        );
    }

    #[test]
    fn unknown_keys_are_kept_and_printed() {
        let qr = p(&format!("{BASE}&a=2&x=")).unwrap();
        assert_eq!(
            qr.extra,
            vec![("a".into(), "2".into()), ("x".into(), String::new())]
        );
        assert_eq!(p(&qr.to_string()).unwrap(), qr);
    }

    #[test]
    fn each_failure_has_its_error() {
        use QrField::*;
        let cases: &[(&str, QrError)] = &[
            ("", QrError::Empty),
            ("   \n", QrError::Empty),
            ("hello world", QrError::NotFiscal),
            ("https://example.com/promo?utm=1", QrError::NotFiscal),
            (
                "t=20201226T121800&s=551.89&i=12345&fn=1234567890123456&n=1",
                QrError::MissingField(Fp),
            ),
            (
                "t=20200115T2110&fn=1234567890123456&i=12345&fp=1234567890&n=1",
                QrError::MissingField(S),
            ),
            (
                "t=20200115T2110&s=1030.00=20&fn=1234567890123456&i=12345&fp=1234567890&n=1",
                QrError::malformed(S, "1030.00=20"),
            ),
            (
                "t=20200115T2110&s=1030.00&fn=1234567890123456&i=12345&fp=1234567890&n=bad",
                QrError::malformed(N, "bad"),
            ),
            (
                "t=20200115T2110&s=1030.00&fn=1234567890123456&i=12345&fp=bad&n=1",
                QrError::malformed(Fp, "bad"),
            ),
            (
                "t=20200115T2110&s=1030.00&fn=1234567890123456&i=bad&fp=1&n=1",
                QrError::malformed(I, "bad"),
            ),
            (
                "t=20200115T2110&s=1030.00&fn=123456789012345&i=1&fp=1&n=1",
                QrError::malformed(Fn, "123456789012345"),
            ),
            (
                "t=2020-01-15&s=1030.00&fn=1234567890123456&i=1&fp=1&n=1",
                QrError::malformed(T, "2020-01-15"),
            ),
            (
                "t=20201315T2110&s=1030.00&fn=1234567890123456&i=1&fp=1&n=1",
                QrError::out_of_range(T, "20201315T2110"),
            ),
            (
                "t=20200115T2510&s=1030.00&fn=1234567890123456&i=1&fp=1&n=1",
                QrError::out_of_range(T, "20200115T2510"),
            ),
            (
                "t=20200115T2110&s=1030.00&fn=1234567890123456&i=4294967296&fp=1&n=1",
                QrError::out_of_range(I, "4294967296"),
            ),
            (
                "t=20200115T2110&s=1030.00&fn=1234567890123456&i=1&fp=99999999999&n=1",
                QrError::out_of_range(Fp, "99999999999"),
            ),
            (
                "t=20200115T2110&s=1030.00&fn=1234567890123456&i=1&fp=1&n=5",
                QrError::out_of_range(N, "5"),
            ),
            (
                "t=20200115T2110&s=1030.00&fn=1234567890123456&i=1&fp=1&n=0",
                QrError::out_of_range(N, "0"),
            ),
            (
                "t=20200115T2110&s=1234567890123.00&fn=1234567890123456&i=1&fp=1&n=1",
                QrError::out_of_range(S, "1234567890123.00"),
            ),
            (
                "t=20200115T2110&s=1&fn=1234567890123456&i=1&fp=1&n=1&n=2",
                QrError::DuplicateField(N),
            ),
        ];
        for (input, want) in cases {
            assert_eq!(p(input).as_ref(), Err(want), "input {input:?}");
        }
        assert!(matches!(
            p(&"t=".repeat(3000)),
            Err(QrError::TooLong { .. })
        ));
    }

    #[test]
    fn hostile_unknown_values_survive_the_canonical_round_trip() {
        // Found by fuzzing: separators, escapes and spaces inside unknown values.
        for tail in [
            "&a=%26amp%3B",
            "&=%3D%3D&x=a b",
            "&amp\r;p=%2",
            "&k=%25%32%36",
            "&%74x=1",
            "&a=\u{0}\u{7f}",
        ] {
            let qr = p(&format!("{BASE}{tail}")).unwrap();
            let canonical = qr.to_string();
            assert_eq!(p(&canonical).as_ref(), Ok(&qr), "{tail:?} -> {canonical}");
            assert_eq!(p(&canonical).unwrap().to_string(), canonical);
        }
        // An encoded separator inside a value stays inside it.
        let qr = p(&format!("{BASE}&note=a%26s%3D1")).unwrap();
        assert_eq!(qr.extra, vec![("note".into(), "a&s=1".into())]);
        assert_eq!(qr.total_kopecks, 128_521);
    }

    #[test]
    fn identical_repeats_are_harmless() {
        assert!(p(&format!("{BASE}&n=1")).is_ok());
    }
}
