//! Time zones of Russia as fixed UTC offsets. Russia has had no daylight saving time since
//! 2014, so a fixed table is exact for current dates and keeps `chrono-tz` (and its megabytes of
//! tz data) out of the core.

use std::fmt;
use std::str::FromStr;

use chrono::{Duration, NaiveDateTime};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// IANA names of Russian zones and their offsets from UTC in hours.
pub const RUSSIAN_ZONES: [(&str, i32); 28] = [
    ("Europe/Kaliningrad", 2),
    ("Europe/Moscow", 3),
    ("Europe/Simferopol", 3),
    ("Europe/Kirov", 3),
    ("Europe/Volgograd", 3),
    ("Europe/Samara", 4),
    ("Europe/Saratov", 4),
    ("Europe/Ulyanovsk", 4),
    ("Europe/Astrakhan", 4),
    ("Asia/Yekaterinburg", 5),
    ("Asia/Omsk", 6),
    ("Asia/Novosibirsk", 7),
    ("Asia/Barnaul", 7),
    ("Asia/Tomsk", 7),
    ("Asia/Novokuznetsk", 7),
    ("Asia/Krasnoyarsk", 7),
    ("Asia/Irkutsk", 8),
    ("Asia/Chita", 9),
    ("Asia/Yakutsk", 9),
    ("Asia/Khandyga", 9),
    ("Asia/Vladivostok", 10),
    ("Asia/Ust-Nera", 10),
    ("Asia/Magadan", 11),
    ("Asia/Sakhalin", 11),
    ("Asia/Srednekolymsk", 11),
    ("Asia/Kamchatka", 12),
    ("Asia/Anadyr", 12),
    ("UTC", 0),
];

/// A recipient's time zone: a fixed offset from UTC, with the name it was given by.
///
/// Parsed from an IANA name of a Russian zone (`Asia/Yekaterinburg`), `MSK`/`MSK+2` (Moscow
/// time plus hours), or an offset (`UTC+5`, `+05:00`, `-03:30`). Serialised as its name.
///
/// ```
/// use chek_ru::zone::Zone;
/// let z: Zone = "Asia/Yekaterinburg".parse().unwrap();
/// assert_eq!(z.offset_minutes(), 300);
/// assert_eq!("MSK+4".parse::<Zone>().unwrap().offset_minutes(), 420);
/// assert!("Mars/Olympus".parse::<Zone>().is_err());
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Zone {
    name: String,
    offset_minutes: i32,
}

/// A time zone that is neither a Russian IANA name nor an offset.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown time zone {0:?}: use a Russian IANA name (Europe/Moscow), MSK+N, or UTC+N")]
pub struct UnknownZone(pub String);

impl Zone {
    /// Moscow time, UTC+3.
    pub fn moscow() -> Self {
        Zone {
            name: "Europe/Moscow".into(),
            offset_minutes: 180,
        }
    }

    /// A zone from an offset in minutes (−14 h … +14 h).
    pub fn fixed(offset_minutes: i32) -> Option<Self> {
        if offset_minutes.abs() > 14 * 60 {
            return None;
        }
        let sign = if offset_minutes < 0 { '-' } else { '+' };
        let a = offset_minutes.abs();
        Some(Zone {
            name: format!("UTC{sign}{:02}:{:02}", a / 60, a % 60),
            offset_minutes,
        })
    }

    /// Minutes east of UTC.
    pub fn offset_minutes(&self) -> i32 {
        self.offset_minutes
    }

    /// The name it was parsed from (or `UTC±hh:mm`).
    pub fn name(&self) -> &str {
        &self.name
    }

    /// Local wall time of a UTC instant.
    pub fn local(&self, utc: NaiveDateTime) -> NaiveDateTime {
        utc.checked_add_signed(Duration::minutes(i64::from(self.offset_minutes)))
            .unwrap_or(utc)
    }

    /// The UTC instant of a local wall time.
    pub fn utc(&self, local: NaiveDateTime) -> NaiveDateTime {
        local
            .checked_sub_signed(Duration::minutes(i64::from(self.offset_minutes)))
            .unwrap_or(local)
    }
}

fn parse_offset(s: &str) -> Option<i32> {
    let (sign, rest) = match s.as_bytes().first()? {
        b'+' => (1, &s[1..]),
        b'-' => (-1, &s[1..]),
        _ => return None,
    };
    let (h, m) = match rest.split_once(':') {
        Some((h, m)) => (h, m),
        None => (rest, "0"),
    };
    if h.is_empty() || h.len() > 2 || m.len() > 2 {
        return None;
    }
    let (h, m): (i32, i32) = (h.parse().ok()?, m.parse().ok()?);
    if m >= 60 {
        return None;
    }
    Some(sign * (h * 60 + m))
}

impl FromStr for Zone {
    type Err = UnknownZone;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let t = s.trim();
        let err = || UnknownZone(s.chars().take(64).collect());
        if let Some((name, h)) = RUSSIAN_ZONES
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(t))
        {
            return Ok(Zone {
                name: (*name).to_owned(),
                offset_minutes: h * 60,
            });
        }
        let up = t.to_ascii_uppercase();
        let minutes = if up == "MSK" {
            Some(180)
        } else if let Some(r) = up.strip_prefix("MSK") {
            parse_offset(r).map(|m| m + 180)
        } else if let Some(r) = up.strip_prefix("UTC").or_else(|| up.strip_prefix("GMT")) {
            if r.is_empty() {
                Some(0)
            } else {
                parse_offset(r)
            }
        } else {
            parse_offset(&up)
        };
        let minutes = minutes.ok_or_else(err)?;
        let mut z = Zone::fixed(minutes).ok_or_else(err)?;
        if up.starts_with("MSK") {
            z.name = up;
        }
        Ok(z)
    }
}

impl fmt::Display for Zone {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.name)
    }
}

impl Default for Zone {
    fn default() -> Self {
        Zone::moscow()
    }
}

impl Serialize for Zone {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.name)
    }
}

impl<'de> Deserialize<'de> for Zone {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_and_offsets() {
        let off = |s: &str| s.parse::<Zone>().map(|z| z.offset_minutes());
        assert_eq!(off("Europe/Kaliningrad"), Ok(120));
        assert_eq!(off("europe/moscow"), Ok(180));
        assert_eq!(off("Asia/Vladivostok"), Ok(600));
        assert_eq!(off("Asia/Kamchatka"), Ok(720));
        assert_eq!(off("MSK"), Ok(180));
        assert_eq!(off("MSK-1"), Ok(120));
        assert_eq!(off("UTC+5"), Ok(300));
        assert_eq!(off("+05:30"), Ok(330));
        assert_eq!(off("UTC"), Ok(0));
        for bad in ["", "+", "+99", "UTC+15", "+5:75", "Europe/Paris", "+123:00"] {
            assert!(bad.parse::<Zone>().is_err(), "{bad}");
        }
    }

    #[test]
    fn local_and_back() {
        let z: Zone = "Asia/Yekaterinburg".parse().unwrap_or_default();
        let utc = chrono::NaiveDate::from_ymd_opt(2026, 8, 14)
            .and_then(|d| d.and_hms_opt(20, 0, 0))
            .unwrap_or_default();
        let local = z.local(utc);
        assert_eq!(local.to_string(), "2026-08-15 01:00:00");
        assert_eq!(z.utc(local), utc);
    }
}
