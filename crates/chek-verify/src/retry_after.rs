//! `Retry-After` (RFC 9110 §10.2.3): either delay-seconds or an HTTP-date. A date is turned
//! into seconds against the response's own `Date` header when it has one (the server's clock,
//! so a skewed local clock does not matter), otherwise against our clock.

/// Seconds to wait, from a `Retry-After` value, the response's `Date` value and our clock
/// (Unix seconds). `None` when the value is neither form. A date in the past means 0.
pub(crate) fn retry_after_secs(value: &str, date: Option<&str>, now_unix: u64) -> Option<u64> {
    let v = value.trim();
    if !v.is_empty() && v.bytes().all(|b| b.is_ascii_digit()) {
        // An absurdly long number (beyond u64) is not a usable delay.
        return v.parse().ok();
    }
    let at = http_date(v)?;
    let base = date.and_then(http_date).unwrap_or(now_unix);
    Some(at.saturating_sub(base))
}

/// An HTTP-date as Unix seconds. Accepts the preferred IMF-fixdate
/// (`Sun, 06 Nov 1994 08:49:37 GMT`) and, as RFC 9110 §5.6.7 asks of recipients, the obsolete
/// RFC 850 (`Sunday, 06-Nov-94 08:49:37 GMT`) and asctime (`Sun Nov  6 08:49:37 1994`) forms.
pub(crate) fn http_date(s: &str) -> Option<u64> {
    if s.len() > 64 {
        return None;
    }
    let t: Vec<&str> = s.split_whitespace().collect();
    let (day, month, year, time) = match t.as_slice() {
        // IMF-fixdate
        [wd, d, m, y, hms, "GMT"] if wd.len() == 4 && wd.ends_with(',') && day_name(&wd[..3]) => {
            (*d, *m, year4(y)?, *hms)
        }
        // RFC 850
        [wd, dmy, hms, "GMT"] if wd.ends_with(',') && long_day_name(&wd[..wd.len() - 1]) => {
            let mut p = dmy.split('-');
            let (d, m, y) = (p.next()?, p.next()?, p.next()?);
            if p.next().is_some() || y.len() != 2 || !y.bytes().all(|b| b.is_ascii_digit()) {
                return None;
            }
            let yy: i64 = y.parse().ok()?;
            // Two-digit years: the usual 1970 pivot (Unix time starts there).
            (d, m, if yy >= 70 { 1900 + yy } else { 2000 + yy }, *hms)
        }
        // asctime
        [wd, m, d, hms, y] if day_name(wd) => (*d, *m, year4(y)?, *hms),
        _ => return None,
    };
    let month = month_number(month)?;
    if day.is_empty() || day.len() > 2 || !day.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let day: u32 = day.parse().ok()?;
    if day == 0 || day > days_in_month(year, month) {
        return None;
    }
    let mut hms = time.split(':');
    let mut part = |max: u32| -> Option<u32> {
        let p = hms.next()?;
        if p.len() != 2 || !p.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        p.parse().ok().filter(|&n| n <= max)
    };
    // A leap second (60) is allowed by the grammar; count it as 59.
    let (h, mi, sec) = (part(23)?, part(59)?, part(60)?.min(59));
    if hms.next().is_some() {
        return None;
    }
    let days = days_from_civil(year, month, day);
    let secs = days * 86_400 + i64::from(h * 3600 + mi * 60 + sec);
    u64::try_from(secs).ok()
}

fn year4(y: &str) -> Option<i64> {
    (y.len() == 4 && y.bytes().all(|b| b.is_ascii_digit()))
        .then(|| y.parse().ok())
        .flatten()
}

fn day_name(s: &str) -> bool {
    matches!(s, "Mon" | "Tue" | "Wed" | "Thu" | "Fri" | "Sat" | "Sun")
}

fn long_day_name(s: &str) -> bool {
    matches!(
        s,
        "Monday" | "Tuesday" | "Wednesday" | "Thursday" | "Friday" | "Saturday" | "Sunday"
    )
}

fn month_number(s: &str) -> Option<u32> {
    const MONTHS: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    MONTHS.iter().position(|m| *m == s).map(|i| i as u32 + 1)
}

fn days_in_month(y: i64, m: u32) -> u32 {
    match m {
        2 if (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Days since 1970-01-01 (Howard Hinnant's `days_from_civil`).
fn days_from_civil(y: i64, m: u32, d: u32) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let m = i64::from(m);
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(d) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

#[cfg(test)]
mod tests {
    use super::*;

    // 1994-11-06T08:49:37Z, the RFC's example.
    const RFC_EXAMPLE: u64 = 784_111_777;

    #[test]
    fn the_three_http_date_forms_agree() {
        assert_eq!(
            http_date("Sun, 06 Nov 1994 08:49:37 GMT"),
            Some(RFC_EXAMPLE)
        );
        assert_eq!(
            http_date("Sunday, 06-Nov-94 08:49:37 GMT"),
            Some(RFC_EXAMPLE)
        );
        assert_eq!(http_date("Sun Nov  6 08:49:37 1994"), Some(RFC_EXAMPLE));
    }

    #[test]
    fn known_instants() {
        assert_eq!(http_date("Thu, 01 Jan 1970 00:00:00 GMT"), Some(0));
        assert_eq!(
            http_date("Mon, 23 Nov 2026 12:00:00 GMT"),
            Some(1_795_435_200)
        );
        assert_eq!(
            http_date("Thu, 29 Feb 2024 23:59:59 GMT"),
            Some(1_709_251_199)
        );
        assert_eq!(
            http_date("Wed, 31 Dec 2025 23:59:60 GMT"),
            Some(1_767_225_599)
        );
    }

    #[test]
    fn malformed_dates_are_refused() {
        for bad in [
            "",
            "soon",
            "Sun, 06 Nov 1994 08:49:37 UTC",
            "Sun, 06 Nov 1994 08:49:37",
            "Sun, 6 Nov 1994 08:49:37 GMT extra",
            "Sun, 31 Nov 1994 08:49:37 GMT",
            "Sun, 29 Feb 2023 08:49:37 GMT",
            "Sun, 06 Foo 1994 08:49:37 GMT",
            "Sun, 06 Nov 1994 24:00:00 GMT",
            "Sun, 06 Nov 1994 08:61:00 GMT",
            "Sun, 06 Nov 1994 8:49:37 GMT",
            "Sun, 06 Nov 94 08:49:37 GMT",
            "Sun, 00 Nov 1994 08:49:37 GMT",
            "Xyz, 06 Nov 1994 08:49:37 GMT",
            "Sunday, 06-Nov-1994 08:49:37 GMT",
            "Sun, 06 Nov 1969 23:59:59 GMT",
            "Sun, -6 Nov 1994 08:49:37 GMT",
        ] {
            assert_eq!(http_date(bad), None, "{bad:?}");
        }
        assert_eq!(http_date(&"x".repeat(10_000)), None);
    }

    #[test]
    fn seconds_are_taken_as_they_are() {
        assert_eq!(retry_after_secs("120", None, 0), Some(120));
        assert_eq!(retry_after_secs(" 0 ", None, 0), Some(0));
        assert_eq!(retry_after_secs("99999999999999999999999", None, 0), None);
        assert_eq!(retry_after_secs("-5", None, 0), None);
        assert_eq!(retry_after_secs("1.5", None, 0), None);
    }

    #[test]
    fn a_date_counts_from_the_response_date() {
        // An hour after the server's Date, whatever our clock says.
        let got = retry_after_secs(
            "Sun, 06 Nov 1994 09:49:37 GMT",
            Some("Sun, 06 Nov 1994 08:49:37 GMT"),
            RFC_EXAMPLE + 10_000_000,
        );
        assert_eq!(got, Some(3600));
    }

    #[test]
    fn a_date_without_a_usable_response_date_counts_from_now() {
        let at = "Sun, 06 Nov 1994 08:50:07 GMT";
        assert_eq!(retry_after_secs(at, None, RFC_EXAMPLE), Some(30));
        assert_eq!(retry_after_secs(at, Some("garbage"), RFC_EXAMPLE), Some(30));
    }

    #[test]
    fn a_date_in_the_past_means_now() {
        let got = retry_after_secs("Sun, 06 Nov 1994 08:49:37 GMT", None, RFC_EXAMPLE + 60);
        assert_eq!(got, Some(0));
    }
}
