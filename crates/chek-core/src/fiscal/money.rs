//! Roubles as printed ↔ integer kopecks.

/// The largest total accepted anywhere: 100 billion roubles, far beyond any real receipt, small
/// enough that sums of many receipts never overflow `i64`.
pub(crate) const MAX_KOPECKS: i64 = 10_000_000_000_000;

/// Parses a rouble amount as printed in the QR (`1285.21`, `76.4`, `1030`, also `1030,00`) into
/// kopecks. Returns `None` for anything else (signs, spaces, three decimals, absurd sizes).
///
/// ```
/// use chek_core::fiscal::parse_roubles;
/// assert_eq!(parse_roubles("1285.21"), Some(128_521));
/// assert_eq!(parse_roubles("76.4"), Some(7_640));
/// assert_eq!(parse_roubles("1030"), Some(103_000));
/// assert_eq!(parse_roubles("1,5"), Some(150));
/// assert_eq!(parse_roubles("1.234"), None);
/// assert_eq!(parse_roubles("-5"), None);
/// ```
pub fn parse_roubles(s: &str) -> Option<i64> {
    let bytes = s.as_bytes();
    let (int_part, frac_part) = match bytes.iter().position(|&b| b == b'.' || b == b',') {
        Some(p) => (&bytes[..p], Some(&bytes[p + 1..])),
        None => (bytes, None),
    };
    if int_part.is_empty() || int_part.len() > 11 || !int_part.iter().all(u8::is_ascii_digit) {
        return None;
    }
    let mut rub: i64 = 0;
    for &b in int_part {
        rub = rub * 10 + i64::from(b - b'0');
    }
    let kop = match frac_part {
        None => 0,
        Some([]) => return None,
        Some([d]) if d.is_ascii_digit() => i64::from(d - b'0') * 10,
        Some([d1, d2]) if d1.is_ascii_digit() && d2.is_ascii_digit() => {
            i64::from(d1 - b'0') * 10 + i64::from(d2 - b'0')
        }
        Some(_) => return None,
    };
    let total = rub * 100 + kop;
    (total <= MAX_KOPECKS).then_some(total)
}

/// Formats kopecks as the QR prints roubles: two decimals, a dot, no grouping.
///
/// ```
/// use chek_core::fiscal::format_roubles;
/// assert_eq!(format_roubles(128_521), "1285.21");
/// assert_eq!(format_roubles(5), "0.05");
/// assert_eq!(format_roubles(-150), "-1.50");
/// ```
pub fn format_roubles(kopecks: i64) -> String {
    let sign = if kopecks < 0 { "-" } else { "" };
    let k = kopecks.unsigned_abs();
    format!("{sign}{}.{:02}", k / 100, k % 100)
}
