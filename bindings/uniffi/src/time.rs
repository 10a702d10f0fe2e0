//! Times cross the FFI as ISO-8601 local date-time strings (`2026-09-15T12:00:00`): uniffi has
//! no naive date-time type, and a string is what `java.time.LocalDateTime.toString()` and Swift's
//! formatters produce and accept.

use chrono::NaiveDateTime;

use crate::InputError;

/// Longer than any ISO date-time with nanoseconds: refused before parsing.
const MAX_LEN: usize = 40;

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
    }
}
