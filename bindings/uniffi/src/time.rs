//! Times across the FFI, in each language's own types.
//!
//! * [`LocalDateTime`]: a wall-clock time with no zone, what a receipt carries (the register's
//!   local time) and what offline validation compares it with. Kotlin `java.time.LocalDateTime`
//!   (see `[bindings.kotlin.custom_types]` in `uniffi.toml`); Swift an ISO-8601 `String`.
//! * [`LocalDate`]: a calendar day (a campaign's first and last day). Kotlin
//!   `java.time.LocalDate`; Swift an ISO-8601 `String`.
//! * `SystemTime`: a moment (when a receipt was uploaded, when a decision is made). uniffi's
//!   builtin timestamp: Kotlin `java.time.Instant`, Swift `Date`.
//!
//! Both custom types cross as ISO-8601 strings, the form `LocalDateTime.toString()` writes and
//! `LocalDateTime.parse` reads (years beyond 9999 with their sign, `+10000-…`, both ways). A
//! time chrono cannot hold (beyond ±262,143 years) is refused with
//! [`ChekError::Input`](crate::ChekError::Input) `input.bad_datetime`, hint in Russian (lifting
//! happens before the call's `lang` is known).

use std::time::{Duration, SystemTime};

use chrono::{DateTime, NaiveDate, NaiveDateTime};

use crate::InputError;

/// Longer than any ISO date-time with nanoseconds: refused before parsing.
const MAX_LEN: usize = 40;

/// A date and time with no zone (`java.time.LocalDateTime` in Kotlin, an ISO-8601 `String` in
/// Swift): the time printed on a receipt.
pub type LocalDateTime = NaiveDateTime;

/// A calendar day (`java.time.LocalDate` in Kotlin, `YYYY-MM-DD` in Swift).
pub type LocalDate = NaiveDate;

uniffi::custom_type!(LocalDateTime, String, {
    remote,
    lower: |dt| format(dt),
    try_lift: |s| parse(&s).map_err(|e| e.into_ffi(chek::Lang::Ru).into()),
});

uniffi::custom_type!(LocalDate, String, {
    remote,
    lower: |d| d.format("%Y-%m-%d").to_string(),
    try_lift: |s| parse_date(&s).map_err(|e| e.into_ffi(chek::Lang::Ru).into()),
});

/// `2026-09-15T12:00:00` (seconds always, no fraction: receipts count minutes).
pub(crate) fn format(dt: NaiveDateTime) -> String {
    dt.format("%Y-%m-%dT%H:%M:%S").to_string()
}

/// Accepts `YYYY-MM-DDTHH:MM[:SS[.fff]]`, with `T` or a space.
pub(crate) fn parse(s: &str) -> Result<NaiveDateTime, InputError> {
    let t = s.trim();
    if t.len() <= MAX_LEN {
        for f in [
            "%Y-%m-%dT%H:%M:%S%.f",
            "%Y-%m-%d %H:%M:%S%.f",
            "%Y-%m-%dT%H:%M",
            "%Y-%m-%d %H:%M",
        ] {
            if let Ok(dt) = NaiveDateTime::parse_from_str(t, f) {
                return Ok(dt);
            }
        }
    }
    Err(InputError::BadDateTime(s.chars().take(MAX_LEN).collect()))
}

fn parse_date(s: &str) -> Result<NaiveDate, InputError> {
    let t = s.trim();
    if t.len() <= MAX_LEN
        && let Ok(d) = NaiveDate::parse_from_str(t, "%Y-%m-%d")
    {
        return Ok(d);
    }
    Err(InputError::BadDateTime(s.chars().take(MAX_LEN).collect()))
}

/// The UTC date-time of a moment, as the core keeps moments. `field` names the argument in the
/// error for moments chrono cannot hold (beyond ±262,000 years).
pub(crate) fn utc_of(t: SystemTime, field: &'static str) -> Result<NaiveDateTime, InputError> {
    let (secs, nanos) = match t.duration_since(SystemTime::UNIX_EPOCH) {
        Ok(d) => (i64::try_from(d.as_secs()).ok(), d.subsec_nanos()),
        Err(e) => {
            let d = e.duration();
            let whole = i64::try_from(d.as_secs()).ok().map(|s| -s);
            match d.subsec_nanos() {
                0 => (whole, 0),
                n => (whole.and_then(|s| s.checked_sub(1)), 1_000_000_000 - n),
            }
        }
    };
    secs.and_then(|s| DateTime::from_timestamp(s, nanos))
        .map(|dt| dt.naive_utc())
        .ok_or(InputError::OutOfRange {
            field,
            value: secs.unwrap_or(i64::MAX),
        })
}

/// The moment of a UTC date-time.
pub(crate) fn moment_of(utc: NaiveDateTime) -> SystemTime {
    let dt = utc.and_utc();
    let (secs, nanos) = (dt.timestamp(), dt.timestamp_subsec_nanos());
    if secs >= 0 {
        SystemTime::UNIX_EPOCH + Duration::new(secs.unsigned_abs(), nanos)
    } else {
        SystemTime::UNIX_EPOCH - Duration::from_secs(secs.unsigned_abs())
            + Duration::from_nanos(u64::from(nanos))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_and_accepts_java_local_date_time() {
        let dt = parse("2026-09-15T12:00:00").unwrap();
        assert_eq!(format(dt), "2026-09-15T12:00:00");
        assert_eq!(
            format(parse("2026-09-15T12:00:00.123456789").unwrap()),
            format(dt)
        );
        assert_eq!(parse("2026-09-15 12:00").unwrap(), dt);
        assert!(parse("15.09.2026").is_err());
        assert!(parse(&"9".repeat(10_000)).is_err());
        // Years beyond 9999 carry a sign both ways (java.time writes and reads them so), and
        // beyond chrono's ±262,143 years they are refused.
        let far = parse("+10000-01-01T00:00").unwrap();
        assert_eq!(format(far), "+10000-01-01T00:00:00");
        assert_eq!(
            format(parse("-0001-12-31T23:59").unwrap()),
            "-0001-12-31T23:59:00"
        );
        assert!(parse("+999999999-12-31T23:59:59").is_err());
        assert_eq!(
            parse_date("2026-09-01").unwrap(),
            NaiveDate::from_ymd_opt(2026, 9, 1).unwrap()
        );
        assert!(parse_date("2026-9-1x").is_err());
    }

    #[test]
    fn moments_convert_both_ways_before_and_after_1970() {
        for s in [
            "2026-09-20T09:00:00.25",
            "1969-12-31T23:59:58.75",
            "1900-01-01T00:00:00",
            "1970-01-01T00:00:00",
        ] {
            let utc = parse(s).unwrap();
            assert_eq!(utc_of(moment_of(utc), "now").unwrap(), utc, "{s}");
        }
        let t = SystemTime::UNIX_EPOCH + Duration::from_secs(1_789_894_800);
        assert_eq!(
            format(utc_of(t, "now").unwrap()),
            "2026-09-20T09:00:00",
            "1789894800 is 2026-09-20 09:00 UTC"
        );
    }
}
