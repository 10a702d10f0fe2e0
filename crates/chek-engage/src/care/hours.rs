//! Working periods of a day, and business time between two instants.

use std::fmt;
use std::str::FromStr;

use chrono::{Duration, NaiveDate, NaiveDateTime, NaiveTime};
use serde::{Deserialize, Serialize};

use super::{DayKind, WorkCalendar};

/// Most working periods one day can have.
pub const MAX_PERIODS: usize = 8;
/// Business-time searches give up after this many calendar days (ten years).
pub const MAX_SEARCH_DAYS: i64 = 3660;

const DAY: u32 = 86_400;

/// One working period of a day, `09:00-13:00`; `24:00` is the end of the day.
///
/// ```
/// use chek_engage::care::Period;
/// let p: Period = "14:00-18:30".parse().unwrap();
/// assert_eq!(p.to_string(), "14:00-18:30");
/// assert!("18:00-09:00".parse::<Period>().is_err());
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Period {
    /// Start, seconds after midnight.
    pub start: u32,
    /// End, seconds after midnight (at most 86 400).
    pub end: u32,
}

impl FromStr for Period {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let (a, b) = s
            .split_once('-')
            .ok_or_else(|| format!("{s:?}: write a period as 09:00-13:00"))?;
        let (start, end) = (clock(a)?, clock(b)?);
        if start >= end {
            return Err(format!("{s:?}: the period ends before it starts"));
        }
        Ok(Period { start, end })
    }
}

fn clock(s: &str) -> Result<u32, String> {
    let s = s.trim();
    if s == "24:00" {
        return Ok(DAY);
    }
    let t = NaiveTime::parse_from_str(s, "%H:%M").map_err(|_| format!("{s:?}: not HH:MM"))?;
    Ok(chrono::Timelike::num_seconds_from_midnight(&t))
}

impl fmt::Display for Period {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let hm = |s: u32| format!("{:02}:{:02}", s / 3600, s / 60 % 60);
        write!(f, "{}-{}", hm(self.start), hm(self.end))
    }
}

impl Serialize for Period {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Period {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        String::deserialize(d)?
            .parse()
            .map_err(serde::de::Error::custom)
    }
}

/// The working periods of a group's day (several a day: split shifts, a lunch break) and the
/// calendar of working days. Shortened days lose their last hour.
///
/// ```
/// use chek_engage::care::{Calendar, WorkingHours};
/// let h = WorkingHours::new(vec!["09:00-13:00".parse()?, "14:00-18:00".parse()?], Calendar::Ru)?;
/// let t = |d, hm: &str| chrono::NaiveDateTime::parse_from_str(&format!("2026-03-{d} {hm}"), "%Y-%m-%d %H:%M").unwrap();
/// // Friday 17:00 to Tuesday 10:00: 1 h on Friday, Monday 9 March is a day off, 1 h on Tuesday.
/// assert_eq!(h.business_seconds(t(6, "17:00"), t(10, "10:00")), 2 * 3600);
/// assert_eq!(h.add(t(6, "17:00"), 2 * 3600), Some(t(10, "10:00")));
/// # Ok::<(), String>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WorkingHours {
    periods: Vec<Period>,
    calendar: Calendar,
}

use super::Calendar;

impl WorkingHours {
    /// Checks the periods: at most [`MAX_PERIODS`], sorted, not overlapping.
    pub fn new(mut periods: Vec<Period>, calendar: Calendar) -> Result<Self, String> {
        if periods.is_empty() {
            return Err("no working periods".into());
        }
        if periods.len() > MAX_PERIODS {
            return Err(format!("{} periods, at most {MAX_PERIODS}", periods.len()));
        }
        periods.sort();
        for w in periods.windows(2) {
            if w[0].end > w[1].start {
                return Err(format!("periods {} and {} overlap", w[0], w[1]));
            }
        }
        Ok(WorkingHours { periods, calendar })
    }

    /// Round the clock, every day.
    pub fn always() -> Self {
        WorkingHours {
            periods: vec![Period { start: 0, end: DAY }],
            calendar: Calendar::Always,
        }
    }

    /// The periods.
    pub fn periods(&self) -> &[Period] {
        &self.periods
    }

    /// The calendar.
    pub fn calendar(&self) -> Calendar {
        self.calendar
    }

    /// The working spans of one date, in seconds after its midnight.
    fn spans(&self, date: NaiveDate) -> Vec<(u32, u32)> {
        let mut cut = match self.calendar.day_kind(date) {
            DayKind::DayOff => return Vec::new(),
            DayKind::Working => 0,
            DayKind::Shortened => 3600,
        };
        let mut v: Vec<(u32, u32)> = self.periods.iter().map(|p| (p.start, p.end)).collect();
        // The hour comes off the end of the day.
        while cut > 0 {
            let Some(last) = v.last_mut() else { break };
            let len = last.1 - last.0;
            if len > cut {
                last.1 -= cut;
                cut = 0;
            } else {
                cut -= len;
                v.pop();
            }
        }
        v
    }

    /// Working seconds in `[from, to)`; zero when `to <= from`. Spans longer than
    /// [`MAX_SEARCH_DAYS`] count only their first part.
    pub fn business_seconds(&self, from: NaiveDateTime, to: NaiveDateTime) -> i64 {
        if to <= from {
            return 0;
        }
        let mut total = 0i64;
        let mut date = from.date();
        let last = to.date().min(from.date() + Duration::days(MAX_SEARCH_DAYS));
        while date <= last {
            let midnight = date.and_time(NaiveTime::MIN);
            for (s, e) in self.spans(date) {
                let a = (midnight + Duration::seconds(i64::from(s))).max(from);
                let b = (midnight + Duration::seconds(i64::from(e))).min(to);
                if b > a {
                    total += (b - a).num_seconds();
                }
            }
            let Some(next) = date.succ_opt() else { break };
            date = next;
        }
        total
    }

    /// The instant when `seconds` of working time have passed since `from`; `None` when no
    /// working time is found within [`MAX_SEARCH_DAYS`]. Zero seconds from outside working
    /// hours is `from` itself.
    pub fn add(&self, from: NaiveDateTime, seconds: i64) -> Option<NaiveDateTime> {
        if seconds <= 0 {
            return Some(from);
        }
        let mut left = seconds;
        let mut date = from.date();
        let end = from.date() + Duration::days(MAX_SEARCH_DAYS);
        while date <= end {
            let midnight = date.and_time(NaiveTime::MIN);
            for (s, e) in self.spans(date) {
                let a = (midnight + Duration::seconds(i64::from(s))).max(from);
                let b = midnight + Duration::seconds(i64::from(e));
                if b <= a {
                    continue;
                }
                let here = (b - a).num_seconds();
                if here >= left {
                    return Some(a + Duration::seconds(left));
                }
                left -= here;
            }
            date = date.succ_opt()?;
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(s: &str) -> NaiveDateTime {
        NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M").unwrap_or_default()
    }

    fn split() -> WorkingHours {
        let p = |s: &str| s.parse::<Period>().unwrap_or(Period { start: 0, end: 1 });
        WorkingHours::new(vec![p("14:00-18:00"), p("09:00-13:00")], Calendar::Ru)
            .unwrap_or_else(|_| WorkingHours::always())
    }

    #[test]
    fn lunch_break_and_night_do_not_count() {
        let h = split();
        // Tuesday 3 March 2026: 12:00-13:00 and 14:00-15:00.
        assert_eq!(
            h.business_seconds(t("2026-03-03 12:00"), t("2026-03-03 15:00")),
            7200
        );
        assert_eq!(
            h.business_seconds(t("2026-03-03 17:00"), t("2026-03-04 10:00")),
            7200
        );
        assert_eq!(
            h.add(t("2026-03-03 12:30"), 3600),
            Some(t("2026-03-03 14:30"))
        );
        assert_eq!(
            h.add(t("2026-03-03 20:00"), 60),
            Some(t("2026-03-04 09:01"))
        );
    }

    #[test]
    fn shortened_day_loses_its_last_hour() {
        let h = split();
        // Tuesday 3 November 2026 is shortened: work ends at 17:00; 4 November is a holiday.
        assert_eq!(
            h.business_seconds(t("2026-11-03 16:00"), t("2026-11-03 18:00")),
            3600
        );
        assert_eq!(
            h.add(t("2026-11-03 16:30"), 3600),
            Some(t("2026-11-05 09:30"))
        );
    }

    #[test]
    fn bad_periods_are_refused() {
        let p = |a, b| Period { start: a, end: b };
        assert!(WorkingHours::new(vec![p(0, 7200), p(3600, 9000)], Calendar::Ru).is_err());
        assert!(WorkingHours::new(vec![], Calendar::Ru).is_err());
        assert!("25:00-26:00".parse::<Period>().is_err());
        assert!("ab".parse::<Period>().is_err());
        assert_eq!("00:00-24:00".parse::<Period>().map(|p| p.end), Ok(86_400));
    }

    #[test]
    fn far_searches_stop() {
        let h = WorkingHours::always();
        let from = t("2026-01-01 00:00");
        assert_eq!(h.add(from, i64::MAX / 4), None);
        assert!(h.business_seconds(from, NaiveDateTime::MAX) > 0);
    }
}
